import type { ColumnDefinition, Operation, RebuildEnumTypeOperation, TableRef } from './operation';

/**
 * The operation that undoes `op`, built only from what `op` holds. Applied to the state `op` left,
 * it restores the state before `op` (structure, not rows: the inverse of a dropped table or column
 * re-creates it empty). So `down` is the reversed list of inverses of `up`.
 *
 * @example
 * ```ts
 * import { invertOperation } from 'mikro-orm-alembic/autogen';
 *
 * const table = { schema: 'public', name: 'user' };
 * invertOperation({ kind: 'alterColumnNullable', table, column: 'age', from: true, to: false });
 * // => { kind: 'alterColumnNullable', table, column: 'age', from: false, to: true }
 * ```
 */
export function invertOperation(op: Operation): Operation {
  switch (op.kind) {
    case 'createSchema':
      return { kind: 'dropSchema', schema: op.schema };
    case 'dropSchema':
      return { kind: 'createSchema', schema: op.schema };
    case 'createEnumType':
      return { kind: 'dropEnumType', type: op.type, values: op.values };
    case 'dropEnumType':
      return { kind: 'createEnumType', type: op.type, values: op.values };
    case 'addEnumValue':
      return withDependents({ kind: 'rebuildEnumType', type: op.type, fromValues: op.valuesAfter, toValues: op.valuesBefore, columns: op.columns }, op.dependents);
    case 'rebuildEnumType':
      return withDependents({ kind: 'rebuildEnumType', type: op.type, fromValues: op.toValues, toValues: op.fromValues, columns: op.columns }, op.dependents);
    case 'renameEnumType':
      return { kind: 'renameEnumType', from: op.to, to: op.from, guessed: op.guessed };
    case 'renameEnumValue':
      return { kind: 'renameEnumValue', type: op.type, from: op.to, to: op.from, guessed: op.guessed };
    case 'createTable':
      return { kind: 'dropTable', table: op.table };
    case 'dropTable':
      return { kind: 'createTable', table: op.table };
    case 'renameTable':
      return { kind: 'renameTable', table: { schema: op.table.schema, name: op.newName }, newName: op.table.name };
    case 'alterTableComment':
      return { kind: 'alterTableComment', table: op.table, from: op.to, to: op.from };
    case 'addColumn':
      return { kind: 'dropColumn', table: op.table, column: op.notNullIfEmpty === true ? { ...op.column, nullable: false } : op.column };
    case 'dropColumn':
      return readdColumn(op.table, op.column);
    case 'renameColumn':
      return { kind: 'renameColumn', table: op.table, from: op.to, to: op.from, guessed: op.guessed };
    case 'alterColumnType':
      return { kind: 'alterColumnType', table: op.table, column: op.column, from: op.to, to: op.from };
    case 'alterColumnNullable':
      return { kind: 'alterColumnNullable', table: op.table, column: op.column, from: op.to, to: op.from };
    case 'alterColumnDefault':
      return { kind: 'alterColumnDefault', table: op.table, column: op.column, from: op.to, to: op.from };
    case 'alterColumnComment':
      return { kind: 'alterColumnComment', table: op.table, column: op.column, from: op.to, to: op.from };
    case 'alterColumnAutoincrement':
      return { kind: 'alterColumnAutoincrement', table: op.table, column: op.column, from: op.to, to: op.from };
    case 'createIndex':
      return { kind: 'dropIndex', table: op.table, index: op.index };
    case 'dropIndex':
      return { kind: 'createIndex', table: op.table, index: op.index };
    case 'renameIndex':
      return { kind: 'renameIndex', table: op.table, from: op.to, to: op.from, guessed: op.guessed };
    case 'addCheck':
      return { kind: 'dropCheck', table: op.table, check: op.check };
    case 'dropCheck':
      return { kind: 'addCheck', table: op.table, check: op.check };
    case 'addForeignKey':
      return { kind: 'dropForeignKey', table: op.table, foreignKey: op.foreignKey };
    case 'dropForeignKey':
      return { kind: 'addForeignKey', table: op.table, foreignKey: op.foreignKey };
  }
}

/**
 * The inverse of a dropped column. A NOT NULL column that nothing fills (no default, not generated,
 * no sequence, not the primary key) cannot be re-added as it was to a table with rows: it is added
 * nullable and made NOT NULL only when the table is empty (docs/autogenerate.md).
 */
function readdColumn(table: TableRef, column: ColumnDefinition): Operation {
  const fillable = column.nullable || column.default !== null || column.autoincrement || column.primary || column.generated !== undefined;
  if (fillable) return { kind: 'addColumn', table, column };
  return { kind: 'addColumn', table, column: { ...column, nullable: true }, notNullIfEmpty: true };
}

/** A rebuild with the dependents of the operation it inverts (a `map` converts rows one way only: not carried). */
function withDependents(op: RebuildEnumTypeOperation, dependents: RebuildEnumTypeOperation['dependents']): RebuildEnumTypeOperation {
  return dependents === undefined ? op : { ...op, dependents };
}

/**
 * The `down` list of an `up` list: the inverses, in reverse order.
 *
 * @example
 * ```ts
 * const down = invertOperations(up);
 * ```
 */
export function invertOperations(operations: readonly Operation[]): Operation[] {
  return operations.map(invertOperation).reverse();
}
