import { DatabaseTable, type AbstractSqlPlatform, type CheckDef, type Column, type ForeignKey, type IndexDef } from '@mikro-orm/knex';
import { columnEnumType, enumNameForTable, nativeEnumKey, tableRefOf, type NativeEnumMap, type SchemaSource } from './enum-usage';
import type { CatalogIndexDefinition, IndexCatalog } from './index-catalog';
import type { CheckDefinition, ColumnDefinition, ForeignKeyDefinition, IndexDefinition, TableDefinition, TableRef } from './operation';

/**
 * Conversions between MikroORM's schema objects (`Column`, `IndexDef`, `CheckDef`, `ForeignKey`,
 * `DatabaseTable`) and the plain, frozen definitions operations hold. Definitions are copies: MikroORM's
 * helpers mutate what they are given, so rendering works on fresh MikroORM objects every time.
 */

/** What a column needs to know about the enum types of its schema. */
export interface EnumContext {
  readonly nativeEnums: NativeEnumMap;
  readonly source: SchemaSource;
}

/**
 * A column definition. A column using a native enum type gets `nativeEnumName` relative to its
 * table's schema and the type's values, so MikroORM renders the right (qualified) type name, also for
 * arrays (which MikroORM's introspection does not mark).
 */
export function toColumnDefinition(column: Column, tableSchema: string, enums: EnumContext): ColumnDefinition {
  const enumType = columnEnumType(column, tableSchema, enums.nativeEnums, enums.source);
  let nativeEnumName: string | undefined;
  let enumItems = column.enumItems !== undefined && column.enumItems.length > 0 ? [...column.enumItems].map(String) : undefined;
  if (enumType !== undefined) {
    nativeEnumName = enumNameForTable(enumType, tableSchema);
    enumItems ??= [...(enums.nativeEnums[nativeEnumKey(enumType)]?.items ?? [])];
  }
  const def: Record<string, unknown> = {
    name: column.name,
    type: column.type,
    mappedType: column.mappedType,
    nullable: !!column.nullable,
    default: column.default == null ? null : String(column.default),
    primary: !!column.primary,
    autoincrement: !!column.autoincrement,
  };
  const optional: Record<string, unknown> = {
    unsigned: column.unsigned || undefined,
    length: column.length ?? undefined,
    precision: column.precision ?? undefined,
    scale: column.scale ?? undefined,
    comment: column.comment ?? undefined,
    generated: column.generated ?? undefined,
    nativeEnumName,
    enumItems: enumItems === undefined ? undefined : Object.freeze(enumItems),
    unique: column.unique || undefined,
    extra: column.extra || undefined,
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) def[key] = value;
  return Object.freeze(def) as unknown as ColumnDefinition;
}

/**
 * An index definition (`fulltext` indexes also keep their columns' types). `catalog`: the database's
 * own definition of an index read from it (see `readIndexCatalog`), which re-creates it.
 */
export function toIndexDefinition(index: IndexDef, table?: DatabaseTable, catalog?: CatalogIndexDefinition): IndexDefinition {
  const def: Record<string, unknown> = {
    keyName: index.keyName,
    columnNames: Object.freeze([...index.columnNames]),
    unique: !!index.unique,
    primary: !!index.primary,
    constraint: !!index.constraint,
  };
  if (index.composite !== undefined) def.composite = index.composite;
  if (index.expression) def.expression = index.expression;
  const type = typeof index.type === 'string' ? index.type : index.type?.indexType;
  if (type) def.type = type;
  if (index.deferMode) def.deferMode = index.deferMode;
  if (type === 'fulltext' && table !== undefined) {
    def.columnTypes = Object.freeze(index.columnNames.map((name) => table.getColumn(name)?.type ?? 'text'));
  }
  if (catalog !== undefined) {
    def.definition = catalog.indexdef;
    if (catalog.constraintdef !== undefined) def.constraintDefinition = catalog.constraintdef;
  }
  return Object.freeze(def) as unknown as IndexDefinition;
}

/**
 * A check definition (a callback expression is not expected here: MikroORM resolves it earlier). A
 * check read from the database keeps the catalog's `pg_get_constraintdef` as `definition` (MikroORM's
 * introspection also sets it), which is what re-creates it; its `expression` is MikroORM's reading,
 * for comparison and summaries only.
 */
export function toCheckDefinition(check: CheckDef): CheckDefinition {
  const definition = typeof check.definition === 'string' && check.definition !== '' ? check.definition : undefined;
  const def: Record<string, unknown> = { name: check.name, expression: String(check.expression ?? definition) };
  if (check.columnName) def.columnName = check.columnName;
  if (definition !== undefined) def.definition = definition;
  return Object.freeze(def) as unknown as CheckDefinition;
}

/** A foreign key definition. */
export function toForeignKeyDefinition(fk: ForeignKey): ForeignKeyDefinition {
  const def: Record<string, unknown> = {
    constraintName: fk.constraintName,
    columnNames: Object.freeze([...fk.columnNames]),
    localTableName: fk.localTableName,
    referencedTableName: fk.referencedTableName,
    referencedColumnNames: Object.freeze([...fk.referencedColumnNames]),
  };
  if (fk.updateRule) def.updateRule = fk.updateRule;
  if (fk.deleteRule) def.deleteRule = fk.deleteRule;
  if (fk.deferMode) def.deferMode = fk.deferMode;
  return Object.freeze(def) as unknown as ForeignKeyDefinition;
}

/**
 * A whole table (columns, indexes, primary key, checks, comment), without its foreign keys. With
 * `indexCatalog` (a table read from the database), its indexes keep the catalog's definitions.
 */
export function toTableDefinition(table: DatabaseTable, enums: EnumContext, indexCatalog?: IndexCatalog): TableDefinition {
  const ref = tableRefOf(table);
  const def: Record<string, unknown> = {
    schema: ref.schema,
    name: ref.name,
    columns: Object.freeze(table.getColumns().map((c) => toColumnDefinition(c, ref.schema, enums))),
    indexes: Object.freeze(table.getIndexes().map((i) => toIndexDefinition(i, table, indexCatalog?.get(ref, i.keyName)))),
    checks: Object.freeze(table.getChecks().map(toCheckDefinition)),
  };
  if (table.comment) def.comment = table.comment;
  return Object.freeze(def) as unknown as TableDefinition;
}

/** A fresh MikroORM `Column` from a definition. */
export function toMikroColumn(def: ColumnDefinition): Column {
  return { ...def, enumItems: def.enumItems === undefined ? undefined : [...def.enumItems], comment: def.comment ?? undefined } as Column;
}

/** A fresh MikroORM `IndexDef` from a definition. */
export function toMikroIndex(def: IndexDefinition): IndexDef {
  const { columnTypes: _columnTypes, definition: _definition, constraintDefinition: _constraint, ...rest } = def;
  return { ...rest, columnNames: [...def.columnNames] } as IndexDef;
}

/**
 * A fresh MikroORM `CheckDef` from a definition. A check read from the database gets its expression
 * from the catalog's definition (`CHECK (<expr>)` gives `(<expr>)`, parentheses kept), for MikroORM's
 * `create table`.
 */
export function toMikroCheck(def: CheckDefinition): CheckDef {
  const { definition, ...rest } = def;
  const fromCatalog = definition === undefined ? undefined : /^CHECK (\(.*\))(?: NO INHERIT)?(?: NOT VALID)?$/s.exec(definition)?.[1];
  return fromCatalog === undefined ? { ...rest } : { ...rest, expression: fromCatalog };
}

/** A fresh MikroORM `ForeignKey` from a definition. */
export function toMikroForeignKey(def: ForeignKeyDefinition): ForeignKey {
  return { ...def, columnNames: [...def.columnNames], referencedColumnNames: [...def.referencedColumnNames] } as ForeignKey;
}

/** What {@link toDatabaseTable} builds a table from. */
export interface TableShape extends TableRef {
  readonly comment?: string;
  readonly columns?: readonly ColumnDefinition[];
  readonly indexes?: readonly IndexDefinition[];
  readonly checks?: readonly CheckDefinition[];
}

/**
 * A fresh MikroORM `DatabaseTable`, for MikroORM's schema helper (which reads the schema, the primary
 * key and column types from it). It has no foreign keys.
 */
export function toDatabaseTable(platform: AbstractSqlPlatform, shape: TableShape): DatabaseTable {
  const table = new DatabaseTable(platform, shape.name, shape.schema);
  for (const column of shape.columns ?? []) table.addColumn(toMikroColumn(column));
  // DatabaseTable has no public setter for these; its schema helper only reads them
  const internals = table as unknown as { indexes: IndexDef[]; checks: CheckDef[] };
  internals.indexes = (shape.indexes ?? []).map(toMikroIndex);
  internals.checks = (shape.checks ?? []).map(toMikroCheck);
  table.comment = shape.comment;
  return table;
}
