import { EnumType } from '@mikro-orm/core';
import type { AbstractSqlPlatform, ColumnDifference } from '@mikro-orm/knex';
import type { CheckDefinition, ColumnDefinition, Operation, TableRef } from './operation';

/** The operations of one changed column, by where they go in the revision. */
export interface ColumnChangeOperations {
  /** Before columns change: the old enum check constraint goes. */
  readonly before: readonly Operation[];
  /** The column changes themselves, in this order. */
  readonly alter: readonly Operation[];
  /** After columns change: the new enum check constraint comes. */
  readonly after: readonly Operation[];
}

/**
 * The operations for one column that MikroORM reports as changed (`changedColumns`), one per
 * property: default, type, nullability, comment, autoincrement, and the check constraint of a
 * non-native enum. A type change drops and re-sets the default around it when the default changes
 * too or a native enum type is involved (PostgreSQL cannot convert such a default, and a default
 * keeps the old enum type alive). Native enum *values* are not a column matter: they are planned per
 * type (see `planEnumValueChanges`).
 *
 * @example
 * ```ts
 * const { before, alter, after } = columnChangeOperations(diff, { schema: 'public', name: 'user' }, from, to, platform);
 * ```
 */
export function columnChangeOperations(
  diff: ColumnDifference,
  table: TableRef,
  from: ColumnDefinition,
  to: ColumnDefinition,
  platform: AbstractSqlPlatform,
): ColumnChangeOperations {
  const changed = diff.changedProperties;
  const column = to.name;
  const before: Operation[] = [];
  const alter: Operation[] = [];
  const after: Operation[] = [];

  const fromItems = checkEnumItems(from);
  const toItems = checkEnumItems(to);
  const checkChanged = !sameList(fromItems, toItems);
  if (checkChanged && fromItems !== undefined) before.push({ kind: 'dropCheck', table, check: enumCheck(table, from.name, fromItems, platform) });

  const defaultChanged = changed.has('default');
  if (changed.has('type')) {
    const nativeEnum = from.nativeEnumName !== undefined || to.nativeEnumName !== undefined;
    const wrapDefault = from.default !== null && (defaultChanged || nativeEnum);
    if (wrapDefault) alter.push({ kind: 'alterColumnDefault', table, column, from: from.default, to: null });
    alter.push({ kind: 'alterColumnType', table, column, from, to });
    if (wrapDefault && to.default !== null) alter.push({ kind: 'alterColumnDefault', table, column, from: null, to: to.default });
    if (!wrapDefault && defaultChanged) alter.push({ kind: 'alterColumnDefault', table, column, from: from.default, to: to.default });
  } else if (defaultChanged) {
    alter.push({ kind: 'alterColumnDefault', table, column, from: from.default, to: to.default });
  }
  if (changed.has('nullable')) alter.push({ kind: 'alterColumnNullable', table, column, from: from.nullable, to: to.nullable });
  if (changed.has('comment')) alter.push({ kind: 'alterColumnComment', table, column, from: from.comment ?? null, to: to.comment ?? null });
  if (changed.has('autoincrement')) alter.push({ kind: 'alterColumnAutoincrement', table, column, from: from.autoincrement, to: to.autoincrement });

  if (checkChanged && toItems !== undefined) after.push({ kind: 'addCheck', table, check: enumCheck(table, to.name, toItems, platform) });
  return { before, alter, after };
}

/**
 * The values of a non-native enum column (text with a check constraint, as MikroORM makes it), or
 * `undefined` for any other column. MikroORM never adds such a check to array columns.
 *
 * @example
 * ```ts
 * checkEnumItems({ name: 'role', type: 'text', mappedType: new EnumType(), enumItems: ['a', 'b'], ... }); // ['a', 'b']
 * checkEnumItems({ name: 'role', type: 'user_role', nativeEnumName: 'user_role', ... });                 // undefined
 * ```
 */
export function checkEnumItems(column: ColumnDefinition): readonly string[] | undefined {
  if (column.nativeEnumName !== undefined || column.type.endsWith('[]')) return undefined;
  if (!(column.mappedType instanceof EnumType)) return undefined;
  return column.enumItems !== undefined && column.enumItems.length > 0 ? column.enumItems : undefined;
}

/**
 * The check constraint MikroORM gives a non-native enum column: `<table>_<column>_check`,
 * `"column" in ('a', 'b')` (PostgreSQL's own name for the inline check MikroORM writes).
 *
 * @example
 * ```ts
 * enumCheck({ schema: 'public', name: 'user' }, 'role', ['a', 'b'], platform);
 * // => { name: 'user_role_check', expression: `"role" in ('a', 'b')`, columnName: 'role' }
 * ```
 */
export function enumCheck(table: TableRef, column: string, items: readonly string[], platform: AbstractSqlPlatform): CheckDefinition {
  return Object.freeze({
    name: `${table.name}_${column}_check`,
    expression: `${platform.quoteIdentifier(column)} in (${items.map((v) => platform.quoteValue(v)).join(', ')})`,
    columnName: column,
  });
}

function sameList(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
