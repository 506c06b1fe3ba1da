import type { EnumGuardColumn, EnumValueMap } from '../script/enum-sql';
import { nativeEnumKey } from './enum-usage';
import { isValueInsertion, removedValues, typeArg } from './enum-steps';
import { sortKey } from './names';
import type { EnumTypeRef, Operation, TableRef } from './operation';

/**
 * The check at the top of `up()` or `down()` for one rebuild that removes values: no row may hold a
 * removed value (unless the revision maps it), so the revision stops before it changes anything.
 */
export interface EnumGuard {
  /** Index of the rebuild in the operation list. */
  readonly rebuildIndex: number;
  /** The type, named as at the top of the method (before this method's renames). */
  readonly type: EnumTypeRef;
  /** The removed values, as labelled at the top of the method. */
  readonly values: readonly string[];
  /** The columns that hold rows at the top of the method (new tables and columns hold none). */
  readonly columns: readonly (EnumGuardColumn & { readonly table: TableRef })[];
  /** The variable the map is declared in (`userRoleMap`), unique in the method. */
  readonly mapVariable: string;
  /** The rebuild's own map (empty unless a pass filled it). */
  readonly map: EnumValueMap;
}

/**
 * The guards of a method's operation list (`up`, or `down` = the inverses in reverse): one per
 * rebuild that removes values. Each rebuild's columns are traced back to the top of the method: a
 * column renamed before the rebuild is checked under its old name, a table or column created before it
 * (or converted onto the type) is skipped, and values renamed before it are checked under their old
 * label.
 *
 * @example
 * ```ts
 * enumGuards(operations).map((g) => g.values); // [['guest']]
 * ```
 */
export function enumGuards(operations: readonly Operation[]): EnumGuard[] {
  const guards: EnumGuard[] = [];
  const names = new Set<string>();
  operations.forEach((op, index) => {
    if (op.kind !== 'rebuildEnumType' || isValueInsertion(op)) return;
    const removed = removedValues(op);
    if (removed.length === 0) return;
    let type = op.type;
    let values = [...removed];
    const columns: (EnumGuardColumn & { table: TableRef })[] = [];
    const traced = op.columns.map((c) => ({ table: c.table, column: c.column, array: c.array, alive: true }));
    for (let i = index - 1; i >= 0; i--) {
      const before = operations[i];
      switch (before.kind) {
        case 'renameEnumType':
          if (nativeEnumKey(before.to) === nativeEnumKey(type)) type = before.from;
          break;
        case 'renameEnumValue':
          if (nativeEnumKey(before.type) === nativeEnumKey(type)) values = values.map((v) => (v === before.to ? before.from : v));
          break;
        case 'createTable':
          for (const c of traced) if (sortKey(c.table) === sortKey(before.table)) c.alive = false;
          break;
        case 'renameTable':
          for (const c of traced) {
            if (sortKey(c.table) === sortKey({ schema: before.table.schema, name: before.newName })) c.table = before.table;
          }
          break;
        case 'addColumn':
        case 'alterColumnType':
          for (const c of traced) {
            const name = before.kind === 'addColumn' ? before.column.name : before.column;
            if (sortKey(c.table) === sortKey(before.table) && c.column === name) c.alive = false;
          }
          break;
        case 'renameColumn':
          for (const c of traced) if (sortKey(c.table) === sortKey(before.table) && c.column === before.to) c.column = before.from;
          break;
        default:
          break;
      }
    }
    for (const c of traced) if (c.alive) columns.push({ table: c.table, column: c.column, ...(c.array ? { array: true } : {}) });
    guards.push({ rebuildIndex: index, type, values, columns, mapVariable: uniqueName(mapName(op.type), names), map: op.map ?? {} });
  });
  return guards;
}

/**
 * The code and SQL arguments of a guard's `assertEnumValuesUnused` call (the map as the variable).
 *
 * @example
 * ```ts
 * guardArgs(guard); // ['user_role', ['guest'], [{ table: 'user', column: 'role' }]]
 * ```
 */
export function guardArgs(guard: EnumGuard): unknown[] {
  return [typeArg(guard.type), [...guard.values], guard.columns.map((c) => ({ ...c, table: typeArg(c.table) }))];
}

/** `userRoleMap` for `user_role`; `enumMap` when the name has no letters to build on. */
function mapName(type: EnumTypeRef): string {
  const words = type.name.split(/[^A-Za-z0-9]+/).filter((w) => w !== '');
  const camel = words.map((w, i) => (i === 0 ? w.charAt(0).toLowerCase() + w.slice(1) : w.charAt(0).toUpperCase() + w.slice(1))).join('');
  return /^[A-Za-z]/.test(camel) ? `${camel}Map` : 'enumMap';
}

function uniqueName(base: string, taken: Set<string>): string {
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}${i}`;
  taken.add(name);
  return name;
}
