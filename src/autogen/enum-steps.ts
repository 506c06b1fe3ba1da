import { enumSql, type EnumColumn, type QualifiedName } from '../script/enum-sql';
import { CodeReference, codeLiteral, resolveReferences } from './code-literal';
import { DEFAULT_SCHEMA } from './names';
import type { EnumColumnUse, EnumTypeRef, Operation, RebuildEnumTypeOperation, TableRef } from './operation';

/** The `Revision` enum helpers (and the `enumSql` functions of the same names). */
export type EnumHelperName = keyof typeof enumSql;

/** One call of a `Revision` enum helper: what a generated revision writes, and whose SQL it runs. */
export interface EnumStep {
  readonly helper: EnumHelperName;
  /** Plain data; a {@link CodeReference} is written by name (the map variable). */
  readonly args: readonly unknown[];
}

/** Options of {@link enumSteps}. */
export interface EnumStepOptions {
  /** The variable a rebuild that removes values takes its `map` from (declared at the top of the method). */
  readonly mapVariable?: string;
}

/**
 * The helper calls of an enum operation, or `undefined` for any other operation. A rebuild that only
 * inserts values (the inverse of a removal) is `addEnumValue` calls: nothing is rewritten. A rebuild
 * that removes one value and keeps the order is `removeEnumValue`; any other is `rebuildEnum`.
 *
 * @example
 * ```ts
 * enumSteps({ kind: 'renameEnumValue', type: { schema: 'public', name: 'user_role' }, from: 'user', to: 'member', guessed: true });
 * // => [{ helper: 'renameEnumValue', args: ['user_role', 'user', 'member'] }]
 * ```
 */
export function enumSteps(op: Operation, options: EnumStepOptions = {}): EnumStep[] | undefined {
  switch (op.kind) {
    case 'createEnumType':
      return [{ helper: 'createEnum', args: [typeArg(op.type), [...op.values]] }];
    case 'dropEnumType':
      return [{ helper: 'dropEnum', args: [typeArg(op.type)] }];
    case 'addEnumValue':
      return [additionStep(op.type, op.value, op.valuesAfter)];
    case 'renameEnumValue':
      return [{ helper: 'renameEnumValue', args: [typeArg(op.type), op.from, op.to] }];
    case 'renameEnumType': {
      const target = op.to.schema === op.from.schema && !op.to.name.includes('.') ? op.to.name : typeArg(op.to, true);
      return [{ helper: 'renameEnum', args: [typeArg(op.from), target] }];
    }
    case 'rebuildEnumType':
      return rebuildSteps(op, options);
    default:
      return undefined;
  }
}

/** The SQL statements of a step (what the helper queues). */
export function enumStepSql(step: EnumStep): string[] {
  const fn = enumSql[step.helper] as (...args: unknown[]) => string[];
  return fn(...step.args.map(resolveReferences));
}

/**
 * The code of a step: `this.helper(...)`, awaited for `addEnumValue` (it commits the value first). A
 * call longer than a line spreads its last object or array argument over several lines.
 */
export function enumStepCode(step: EnumStep): string[] {
  const prefix = `${step.helper === 'addEnumValue' ? 'await ' : ''}this.${step.helper}(`;
  const flat = (a: unknown) => codeLiteral(a, '', Number.POSITIVE_INFINITY);
  const oneLine = `${prefix}${step.args.map(flat).join(', ')});`;
  if (oneLine.length <= 110) return [oneLine];
  let spread = -1;
  step.args.forEach((a, i) => {
    if (a !== null && typeof a === 'object' && !(a instanceof CodeReference)) spread = i;
  });
  return `${prefix}${step.args.map((a, i) => (i === spread ? codeLiteral(a, '', 110, true) : flat(a))).join(', ')});`.split('\n');
}

/**
 * Whether a rebuild only inserts values, keeping the others in order (then `ADD VALUE` does it).
 *
 * @example
 * ```ts
 * isValueInsertion({ kind: 'rebuildEnumType', type, fromValues: ['a', 'c'], toValues: ['a', 'b', 'c'], columns: [] }); // true
 * ```
 */
export function isValueInsertion(op: RebuildEnumTypeOperation): boolean {
  const kept = op.toValues.filter((v) => op.fromValues.includes(v));
  return kept.length === op.fromValues.length && kept.every((v, i) => v === op.fromValues[i]) && op.toValues.length > op.fromValues.length;
}

/** The values a rebuild removes. */
export function removedValues(op: RebuildEnumTypeOperation): string[] {
  return op.fromValues.filter((v) => !op.toValues.includes(v));
}

/**
 * How a generated revision names a type or table: `'user_role'`, `'app.user_role'`, or
 * `{ schema, name }` when a part holds a dot. `explicitSchema` writes `public.` too.
 */
export function typeArg(ref: EnumTypeRef | TableRef, explicitSchema = false): QualifiedName {
  if (ref.schema.includes('.') || ref.name.includes('.')) return { schema: ref.schema, name: ref.name };
  return ref.schema === DEFAULT_SCHEMA && !explicitSchema ? ref.name : `${ref.schema}.${ref.name}`;
}

/** A column as the helpers take it. */
export function columnArg(use: EnumColumnUse): EnumColumn {
  return {
    table: typeArg(use.table),
    column: use.column,
    ...(use.array ? { array: true } : {}),
    ...(use.default === null ? {} : { default: use.default }),
  };
}

function rebuildSteps(op: RebuildEnumTypeOperation, options: EnumStepOptions): EnumStep[] {
  if (isValueInsertion(op)) {
    const steps: EnumStep[] = [];
    let current = [...op.fromValues];
    for (const value of op.toValues) {
      if (current.includes(value)) continue;
      const after = op.toValues.filter((v) => current.includes(v) || v === value);
      steps.push(additionStep(op.type, value, after));
      current = after;
    }
    return steps;
  }
  const removed = removedValues(op);
  const map = options.mapVariable !== undefined && removed.length > 0 ? new CodeReference(options.mapVariable, op.map ?? {}) : op.map !== undefined && Object.keys(op.map).length > 0 ? op.map : undefined;
  const rest = {
    columns: op.columns.map(columnArg),
    ...(map === undefined ? {} : { map }),
    ...(op.dependents === undefined ? {} : { dependents: dependentsArg(op) }),
  };
  const single = removed.length === 1 && op.fromValues.filter((v) => v !== removed[0]).every((v, i) => v === op.toValues[i]) && op.toValues.length === op.fromValues.length - 1;
  if (single) return [{ helper: 'removeEnumValue', args: [typeArg(op.type), removed[0], { from: [...op.fromValues], ...rest }] }];
  return [{ helper: 'rebuildEnum', args: [typeArg(op.type), { from: [...op.fromValues], to: [...op.toValues], ...rest }] }];
}

function dependentsArg(op: RebuildEnumTypeOperation): unknown {
  const d = op.dependents ?? {};
  const table = (t: QualifiedName) => (typeof t === 'string' ? t : typeArg({ schema: t.schema ?? DEFAULT_SCHEMA, name: t.name }));
  return {
    ...(d.indexes === undefined ? {} : { indexes: d.indexes.map((i) => ({ ...i, table: table(i.table) })) }),
    ...(d.constraints === undefined ? {} : { constraints: d.constraints.map((c) => ({ ...c, table: table(c.table) })) }),
    ...(d.views === undefined ? {} : { views: d.views.map((v) => ({ ...v, view: table(v.view) })) }),
  };
}

/** `ADD VALUE` of `value`, placed by its neighbour in `valuesAfter` (the one before it, else the one after). */
function additionStep(type: EnumTypeRef, value: string, valuesAfter: readonly string[]): EnumStep {
  const at = valuesAfter.indexOf(value);
  const args: unknown[] = [typeArg(type), value];
  if (at > 0) args.push({ after: valuesAfter[at - 1] });
  else if (valuesAfter.length > 1) args.push({ before: valuesAfter[1] });
  return { helper: 'addEnumValue', args };
}
