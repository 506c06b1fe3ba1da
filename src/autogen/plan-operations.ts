import type { AbstractSqlPlatform, Column, ColumnDifference, DatabaseSchema, DatabaseTable, ForeignKey, IndexDef, SchemaDifference } from '@mikro-orm/knex';
import { parseEnumDefault } from '../script/enum-sql';
import { columnChangeOperations } from './column-changes';
import { toCheckDefinition, toColumnDefinition, toForeignKeyDefinition, toIndexDefinition, toTableDefinition, type EnumContext } from './definitions';
import { emptyCatalog, type EnumCatalog } from './enum-catalog';
import { emptyIndexCatalog, type IndexCatalog } from './index-catalog';
import { attachEnumDependents } from './enum-dependents';
import { planEnumChanges, type EnumPlan, type EnumRenames } from './enum-planner';
import { columnEnumType, enumRefOf, nativeEnumKey, tableRefOf, type NativeEnumMap } from './enum-usage';
import { compareStrings, DEFAULT_SCHEMA, sortKey, splitQualified } from './names';
import type { Operation, TableRef } from './operation';

/** What {@link planOperations} turns into operations. */
export interface PlanInput {
  /** The current schema (introspected: `DatabaseSchema.create`). */
  readonly from: DatabaseSchema;
  /** The target schema (from the metadata: `DatabaseSchema.fromMetadata`). */
  readonly to: DatabaseSchema;
  /** `new SchemaComparator(platform).compare(from, to)`. */
  readonly diff: SchemaDifference;
  readonly platform: AbstractSqlPlatform;
  /** Leave out drops of tables, columns, enum types and schemas (MikroORM's `safe`). */
  readonly safe?: boolean;
  /** Also drop enum types that no column of the current schema uses. Default: only types the model stopped using. */
  readonly dropUnusedEnums?: boolean;
  /** `false` (MikroORM's `schemaGenerator.createForeignKeyConstraints: false`): no foreign key operations. */
  readonly foreignKeys?: boolean;
  /**
   * The database's enum types with their columns in every schema and what uses them (read by
   * `readEnumCatalog` when generating). Without it, rebuilds convert the introspected columns only
   * and re-create nothing.
   */
  readonly enumCatalog?: EnumCatalog;
  /** Declared type and value renames. */
  readonly enumRenames?: EnumRenames;
  /** Guess enum renames (default `true`): see `planEnumChanges`. */
  readonly guessEnumRenames?: boolean;
  /**
   * The database's own index definitions (`readIndexCatalog`): dropped indexes keep them, so `down`
   * re-creates them exactly. Without it, `down` rebuilds them from MikroORM's reading.
   */
  readonly indexCatalog?: IndexCatalog;
}

/**
 * The ordered operations of `up` for a MikroORM schema difference. The order is a dependency order
 * (so the reversed inverses are one too):
 *
 * 1. create schemas; rename enum types and values; create enum types; add enum values;
 * 2. drop foreign keys, indexes and checks that go or change; drop tables;
 * 3. create tables; drop, rename, add and alter columns; table comments;
 * 4. rebuild enum types (values removed or reordered);
 * 5. add checks, create and rename indexes, add foreign keys;
 * 6. drop enum types, drop schemas.
 *
 * Within a step, tables and types are sorted by schema and name, constraints by name; columns keep
 * their table order. The same inputs always give the same list.
 *
 * @example
 * ```ts
 * const diff = new SchemaComparator(platform).compare(from, to);
 * const operations = planOperations({ from, to, diff, platform });
 * ```
 */
export function planOperations(input: PlanInput): Operation[] {
  const { from, to, diff, platform } = input;
  const safe = input.safe ?? false;
  const indexCatalog = input.indexCatalog ?? emptyIndexCatalog();
  /** A dropped index of `fromTable`, with the catalog's definition. */
  const droppedIndex = (index: IndexDef, fromTable: DatabaseTable) => toIndexDefinition(index, fromTable, indexCatalog.get(tableRefOf(fromTable), index.keyName));
  const fromEnums: EnumContext = { nativeEnums: from.getNativeEnums() as NativeEnumMap, source: 'database' };
  const toEnums: EnumContext = { nativeEnums: to.getNativeEnums() as NativeEnumMap, source: 'metadata' };

  const createSchemas: Operation[] = [];
  const createEnums: Operation[] = [];
  const addEnumValues: Operation[] = [];
  const dropForeignKeys: Operation[] = [];
  const dropIndexes: Operation[] = [];
  const dropChecks: Operation[] = [];
  const dropTables: Operation[] = [];
  const createTables: Operation[] = [];
  const dropColumns: Operation[] = [];
  const renameColumns: Operation[] = [];
  const addColumns: Operation[] = [];
  const alterColumns: Operation[] = [];
  const tableComments: Operation[] = [];
  const rebuildEnums: Operation[] = [];
  const addChecks: Operation[] = [];
  const createIndexes: Operation[] = [];
  const renameIndexes: Operation[] = [];
  const addForeignKeys: Operation[] = [];
  const dropEnums: Operation[] = [];
  const dropSchemas: Operation[] = [];

  // schemas
  for (const schema of [...diff.newNamespaces].sort(compareStrings)) createSchemas.push({ kind: 'createSchema', schema });

  // enum types (see planEnumChanges)
  const catalog = input.enumCatalog ?? emptyCatalog();
  const enums = planEnumChanges({
    from,
    to,
    diff,
    catalog,
    renames: input.enumRenames,
    guessRenames: input.guessEnumRenames,
    safe,
    dropUnusedEnums: input.dropUnusedEnums,
  });
  createEnums.push(...enums.renameTypes, ...enums.renameValues, ...enums.createTypes);
  addEnumValues.push(...enums.addValues);
  rebuildEnums.push(...enums.rebuilds);
  dropEnums.push(...enums.dropTypes);

  // a changed column, as far as the enum steps do not already change it
  const planColumnChange = (raw: ColumnDifference, table: TableRef) => {
    const change = enumAwareChange(raw, table, fromEnums, toEnums, enums);
    if (change === undefined) return;
    const ops = columnChangeOperations(
      change,
      table,
      toColumnDefinition(change.fromColumn, table.schema, fromEnums),
      toColumnDefinition(change.column, table.schema, toEnums),
      platform,
    );
    dropChecks.push(...ops.before);
    alterColumns.push(...ops.alter);
    addChecks.push(...ops.after);
  };

  // new tables: the table, then (after every table exists) its foreign keys
  for (const table of sortedTables(Object.values(diff.newTables))) {
    createTables.push({ kind: 'createTable', table: toTableDefinition(table, toEnums) });
    for (const fk of sortedForeignKeys(Object.values(table.getForeignKeys()))) {
      addForeignKeys.push({ kind: 'addForeignKey', table: tableRefOf(table), foreignKey: toForeignKeyDefinition(fk) });
    }
  }

  // removed tables: their own foreign keys and the ones pointing at them go first, explicitly, so
  // that down restores them
  if (!safe) {
    const seen = new Set<string>();
    const dropForeignKey = (fk: ForeignKey) => {
      const table = splitQualified(fk.localTableName, DEFAULT_SCHEMA);
      const id = `${sortKey(table)}\u0000${fk.constraintName}`;
      if (seen.has(id)) return;
      seen.add(id);
      dropForeignKeys.push({ kind: 'dropForeignKey', table, foreignKey: toForeignKeyDefinition(fk) });
    };
    const removed = sortedTables(Object.values(diff.removedTables));
    const orphaned = [...diff.orphanedForeignKeys].sort(
      (a, b) => compareStrings(a.localTableName, b.localTableName) || compareStrings(a.constraintName, b.constraintName),
    );
    for (const fk of orphaned) dropForeignKey(fk);
    for (const table of removed) for (const fk of sortedForeignKeys(Object.values(table.getForeignKeys()))) dropForeignKey(fk);
    for (const table of removed) dropTables.push({ kind: 'dropTable', table: toTableDefinition(table, fromEnums, indexCatalog) });
  }

  // changed tables
  for (const td of sortedBy(Object.values(diff.changedTables), (t) => sortKey(tableRefOf(t.toTable)))) {
    const table = tableRefOf(td.toTable);
    const { fromTable, toTable } = td;

    if ('changedComment' in td) tableComments.push({ kind: 'alterTableComment', table, from: fromTable.comment || null, to: toTable.comment || null });

    for (const fk of sortedForeignKeys(Object.values(td.removedForeignKeys))) {
      dropForeignKeys.push({ kind: 'dropForeignKey', table, foreignKey: toForeignKeyDefinition(fk), undeclared: true });
    }
    for (const fk of sortedForeignKeys(Object.values(td.changedForeignKeys))) {
      const old = findForeignKey(fromTable, fk.constraintName);
      if (old) dropForeignKeys.push({ kind: 'dropForeignKey', table, foreignKey: toForeignKeyDefinition(old) });
      addForeignKeys.push({ kind: 'addForeignKey', table, foreignKey: toForeignKeyDefinition(fk) });
    }
    for (const fk of sortedForeignKeys(Object.values(td.addedForeignKeys))) {
      addForeignKeys.push({ kind: 'addForeignKey', table, foreignKey: toForeignKeyDefinition(fk) });
    }

    for (const index of sortedIndexes(Object.values(td.removedIndexes))) {
      dropIndexes.push({ kind: 'dropIndex', table, index: droppedIndex(index, fromTable), undeclared: true });
    }
    for (const [name, index] of sortedEntries(td.changedIndexes)) {
      const old = index.primary ? fromTable.getPrimaryKey() : fromTable.getIndex(name);
      if (old) dropIndexes.push({ kind: 'dropIndex', table, index: droppedIndex(old, fromTable) });
      createIndexes.push({ kind: 'createIndex', table, index: toIndexDefinition(index, toTable) });
    }
    for (const index of sortedIndexes(Object.values(td.addedIndexes))) {
      createIndexes.push({ kind: 'createIndex', table, index: toIndexDefinition(index, toTable) });
    }
    for (const [oldName, index] of sortedEntries(td.renamedIndexes)) {
      const old = fromTable.getIndex(oldName);
      if (index.unique && old) {
        // a unique constraint is re-created under its new name, as MikroORM does
        dropIndexes.push({ kind: 'dropIndex', table, index: droppedIndex(old, fromTable) });
        createIndexes.push({ kind: 'createIndex', table, index: toIndexDefinition(index, toTable) });
      } else {
        renameIndexes.push({ kind: 'renameIndex', table, from: oldName, to: index.keyName, guessed: true });
      }
    }

    for (const check of sortedBy(Object.values(td.removedChecks), (c) => c.name)) {
      dropChecks.push({ kind: 'dropCheck', table, check: toCheckDefinition(check), undeclared: true });
    }
    for (const check of sortedBy(Object.values(td.changedChecks), (c) => c.name)) {
      const old = fromTable.getCheck(check.name);
      if (old) dropChecks.push({ kind: 'dropCheck', table, check: toCheckDefinition(old) });
      addChecks.push({ kind: 'addCheck', table, check: toCheckDefinition(check) });
    }
    for (const check of sortedBy(Object.values(td.addedChecks), (c) => c.name)) {
      addChecks.push({ kind: 'addCheck', table, check: toCheckDefinition(check) });
    }

    if (!safe) {
      for (const column of Object.values(td.removedColumns)) {
        dropColumns.push({ kind: 'dropColumn', table, column: toColumnDefinition(column, table.schema, fromEnums) });
      }
    }
    for (const [oldName, column] of Object.entries(td.renamedColumns)) {
      renameColumns.push({ kind: 'renameColumn', table, from: oldName, to: column.name, guessed: true });
    }
    for (const column of Object.values(td.addedColumns)) {
      addColumns.push({ kind: 'addColumn', table, column: toColumnDefinition(column, table.schema, toEnums) });
    }
    for (const change of Object.values(td.changedColumns)) planColumnChange(change, table);
    for (const change of missedEnumTypeChanges(td.fromTable, td.toTable, td.changedColumns, fromEnums, toEnums, enums)) planColumnChange(change, table);
  }

  // tables MikroORM finds unchanged whose enum array columns moved to another type (it compares no array element types)
  for (const toTable of sortedTables(to.getTables())) {
    const ref = tableRefOf(toTable);
    if (Object.values(diff.changedTables).some((td) => sortKey(tableRefOf(td.toTable)) === sortKey(ref))) continue;
    const fromTable = from.getTables().find((t) => sortKey(tableRefOf(t)) === sortKey(ref));
    if (fromTable === undefined) continue;
    for (const change of missedEnumTypeChanges(fromTable, toTable, {}, fromEnums, toEnums, enums)) planColumnChange(change, ref);
  }

  // schemas: never one that still holds an enum type this revision keeps
  if (!safe) {
    const kept = Object.entries(fromEnums.nativeEnums).filter(([key]) => !enums.goneKeys.has(key));
    for (const schema of [...diff.removedNamespaces].sort(compareStrings)) {
      if (kept.some(([, entry]) => enumRefOf(entry).schema === schema)) continue;
      dropSchemas.push({ kind: 'dropSchema', schema });
    }
  }

  const operations = [
    ...createSchemas,
    ...createEnums,
    ...addEnumValues,
    ...dropForeignKeys,
    ...dropIndexes,
    ...dropChecks,
    ...dropTables,
    ...createTables,
    ...dropColumns,
    ...renameColumns,
    ...addColumns,
    ...alterColumns,
    ...tableComments,
    ...rebuildEnums,
    ...addChecks,
    ...createIndexes,
    ...renameIndexes,
    ...addForeignKeys,
    ...dropEnums,
    ...dropSchemas,
  ];
  const withForeignKeys = input.foreignKeys === false ? operations.filter((op) => op.kind !== 'addForeignKey' && op.kind !== 'dropForeignKey') : operations;
  return attachEnumDependents(withForeignKeys, catalog, enums.origins).map(freezeOperation);
}

/**
 * A column change as far as it is not already done by the enum steps: no type change when the
 * column's enum type was only renamed, no default change when the default only follows a renamed
 * value, and a type change when the column moves to another enum type (or off or onto one) while
 * MikroORM saw none. `undefined` when nothing is left.
 */
function enumAwareChange(change: ColumnDifference, table: TableRef, fromEnums: EnumContext, toEnums: EnumContext, enums: EnumPlan): ColumnDifference | undefined {
  const fromType = columnEnumType(change.fromColumn, table.schema, fromEnums.nativeEnums, 'database');
  const toType = columnEnumType(change.column, table.schema, toEnums.nativeEnums, 'metadata');
  if (fromType === undefined && toType === undefined) return change;
  const properties = new Set(change.changedProperties);
  const renamed = fromType === undefined ? undefined : (enums.typeRenames.get(nativeEnumKey(fromType)) ?? fromType);
  const sameArrayness = isArray(change.fromColumn) === isArray(change.column);
  const sameType = renamed !== undefined && toType !== undefined && nativeEnumKey(renamed) === nativeEnumKey(toType) && sameArrayness;
  if (sameType) properties.delete('type');
  else properties.add('type');
  if (sameType && properties.has('default') && toType !== undefined) {
    const renames = enums.valueRenames.get(nativeEnumKey(toType));
    const before = change.fromColumn.default == null ? undefined : parseEnumDefault(String(change.fromColumn.default));
    const after = change.column.default == null ? undefined : parseEnumDefault(String(change.column.default));
    if (before !== undefined && after !== undefined && before.array === after.array) {
      const moved = before.labels.map((l) => (l !== null && renames?.has(l) ? renames.get(l)! : l));
      if (moved.length === after.labels.length && moved.every((l, i) => l === after.labels[i])) properties.delete('default');
    }
  }
  if (properties.size === 0) return undefined;
  return { ...change, changedProperties: properties };
}

/** Columns of a table whose native enum type changes (arrays included) that MikroORM did not report. */
function missedEnumTypeChanges(
  fromTable: DatabaseTable,
  toTable: DatabaseTable,
  reported: Readonly<Record<string, ColumnDifference>>,
  fromEnums: EnumContext,
  toEnums: EnumContext,
  enums: EnumPlan,
): ColumnDifference[] {
  const ref = tableRefOf(toTable);
  const out: ColumnDifference[] = [];
  for (const column of toTable.getColumns()) {
    if (Object.values(reported).some((c) => c.column.name === column.name)) continue;
    const old = fromTable.getColumn(column.name);
    if (old === undefined) continue;
    const fromType = columnEnumType(old, ref.schema, fromEnums.nativeEnums, 'database');
    const toType = columnEnumType(column, ref.schema, toEnums.nativeEnums, 'metadata');
    if (fromType === undefined || toType === undefined) continue;
    const renamed = enums.typeRenames.get(nativeEnumKey(fromType)) ?? fromType;
    if (nativeEnumKey(renamed) === nativeEnumKey(toType)) continue;
    out.push({ oldColumnName: old.name, column, fromColumn: old, changedProperties: new Set(['type']) });
  }
  return out;
}

function isArray(column: Column): boolean {
  return column.type.endsWith('[]');
}

function freezeOperation(op: Operation): Operation {
  return Object.freeze(op);
}

function sortedBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  return [...items].sort((a, b) => compareStrings(key(a), key(b)));
}

function sortedEntries<T>(record: Readonly<Record<string, T>>): [string, T][] {
  return Object.entries(record).sort(([a], [b]) => compareStrings(a, b));
}

function sortedTables(tables: readonly DatabaseTable[]): DatabaseTable[] {
  return sortedBy(tables, (t) => sortKey(tableRefOf(t)));
}

function sortedForeignKeys(fks: readonly ForeignKey[]): ForeignKey[] {
  return sortedBy(fks, (fk) => fk.constraintName);
}

function sortedIndexes(indexes: readonly IndexDef[]): IndexDef[] {
  return sortedBy(indexes, (i) => i.keyName);
}

function findForeignKey(table: DatabaseTable, name: string): ForeignKey | undefined {
  const fks = table.getForeignKeys();
  return fks[name] ?? Object.values(fks).find((fk) => fk.constraintName.toLowerCase() === name.toLowerCase());
}

