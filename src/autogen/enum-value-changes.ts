import type { AddEnumValueOperation, EnumColumnUse, EnumTypeRef, RebuildEnumTypeOperation } from './operation';

/** The steps that turn one native enum type's values into others. */
export interface EnumValueChanges {
  /** One `ADD VALUE` per new value, in the target order (early in `up`, outside the transaction). */
  readonly additions: readonly AddEnumValueOperation[];
  /** A rebuild when values are removed or reordered (late in `up`, after the columns changed). */
  readonly rebuild?: RebuildEnumTypeOperation;
}

/** What {@link planEnumValueChanges} needs. */
export interface EnumValueChangeInput {
  readonly type: EnumTypeRef;
  readonly fromValues: readonly string[];
  readonly toValues: readonly string[];
  /** The columns using the type before any change (what the inverse of an addition rebuilds). */
  readonly fromUses: readonly EnumColumnUse[];
  /** The columns using the type after the column changes (what a rebuild converts). */
  readonly toUses: readonly EnumColumnUse[];
}

/**
 * Plans the change of a native enum type's values: every new value is added in place (MikroORM's
 * `ADD VALUE ... AFTER/BEFORE` rule, simulated so each operation knows the values before and after),
 * and when the result is still not the target (a value removed, values reordered) one rebuild turns it
 * into the target. Equal lists give nothing.
 *
 * @example
 * ```ts
 * const { additions, rebuild } = planEnumValueChanges({
 *   type: { schema: 'public', name: 'user_role' },
 *   fromValues: ['admin', 'user'], toValues: ['admin', 'moderator', 'user'],
 *   fromUses: [], toUses: [],
 * });
 * // additions[0]: add 'moderator' (valuesAfter ['admin', 'moderator', 'user']); rebuild: undefined
 * ```
 */
export function planEnumValueChanges(input: EnumValueChangeInput): EnumValueChanges {
  const { type, fromValues, toValues } = input;
  const additions: AddEnumValueOperation[] = [];
  let current = [...fromValues];
  toValues.forEach((value, position) => {
    if (current.includes(value)) return;
    let at: number;
    if (position > 0) at = current.indexOf(toValues[position - 1]) + 1;
    else if (toValues.length > 1 && fromValues.length > 0) at = current.indexOf(fromValues[0]);
    else at = current.length;
    const next = [...current.slice(0, at), value, ...current.slice(at)];
    additions.push({
      kind: 'addEnumValue',
      type,
      value,
      valuesBefore: Object.freeze([...current]),
      valuesAfter: Object.freeze(next),
      columns: input.fromUses,
    });
    current = next;
  });
  const done = current.length === toValues.length && current.every((v, i) => v === toValues[i]);
  if (done) return { additions };
  return {
    additions,
    rebuild: { kind: 'rebuildEnumType', type, fromValues: Object.freeze(current), toValues: Object.freeze([...toValues]), columns: input.toUses },
  };
}
