import type { DeferMode, Type } from '@mikro-orm/core';
import type { EnumDependents, EnumValueMap } from '../script/enum-sql';

/**
 * The operation model of autogenerate: one schema step each, as plain data. Every operation holds
 * everything its SQL and its inverse need (a dropped column's whole definition, a dropped table's
 * columns, indexes and checks, a dropped enum type's values in order), so `down` is derived from the
 * same list as `up` (see `invertOperation`) and a later pass (the enum planner) can rewrite the list
 * without going back to the database.
 *
 * Names are the database's own (case-sensitive, unquoted). `schema` is always set (PostgreSQL's
 * default schema is `public`).
 */

/** A table: its schema and name. */
export interface TableRef {
  readonly schema: string;
  readonly name: string;
}

/** A native enum type (`CREATE TYPE ... AS ENUM`): its schema and name. */
export interface EnumTypeRef {
  readonly schema: string;
  readonly name: string;
}

/**
 * A column as MikroORM's schema layer describes it (`Column` of `@mikro-orm/knex`), copied.
 * `default` is SQL text (`'user'`, `now()`, `0`) or `null`; `type` is the column type as MikroORM
 * writes it (`varchar(255)`, `int`, `user_role`, `tag_kind[]`).
 */
export interface ColumnDefinition {
  readonly name: string;
  readonly type: string;
  /** MikroORM's type object (drives how MikroORM renders the column). */
  readonly mappedType: Type<unknown>;
  readonly nullable: boolean;
  readonly default: string | null;
  readonly primary: boolean;
  readonly autoincrement: boolean;
  readonly unsigned?: boolean;
  readonly length?: number;
  readonly precision?: number;
  readonly scale?: number;
  readonly comment?: string | null;
  readonly generated?: string;
  /** Set for a native enum column: the type's name as MikroORM knows it (`user_role`, `app.user_role`). */
  readonly nativeEnumName?: string;
  /** The values of an enum column (native, or text with a check constraint). */
  readonly enumItems?: readonly string[];
  readonly unique?: boolean;
  readonly extra?: string;
}

/** An index, unique constraint or primary key. */
export interface IndexDefinition {
  readonly keyName: string;
  readonly columnNames: readonly string[];
  readonly unique: boolean;
  readonly primary: boolean;
  /** A constraint (`UNIQUE`, `PRIMARY KEY`) rather than a bare index. */
  readonly constraint: boolean;
  readonly composite?: boolean;
  /** The whole `create index ...` statement, for expression and partial indexes. */
  readonly expression?: string;
  /** Index method or MikroORM's index type (`fulltext`, `gin`, ...). */
  readonly type?: string;
  readonly deferMode?: DeferMode | `${DeferMode}`;
  /** Column types, for `fulltext` indexes only (MikroORM builds their expression from them). */
  readonly columnTypes?: readonly string[];
  /**
   * For an index read from the database: the catalog's own `pg_get_indexdef` (`CREATE INDEX ... USING
   * hash (name) WHERE ...`). Re-creating it (the `down` of a drop) renders this text, never a rebuilt one.
   */
  readonly definition?: string;
  /** For a unique, primary key or exclusion constraint read from the database: its `pg_get_constraintdef`. */
  readonly constraintDefinition?: string;
}

/** A check constraint. */
export interface CheckDefinition {
  readonly name: string;
  /** The boolean expression (without `check (...)`). */
  readonly expression: string;
  readonly columnName?: string;
  /**
   * For a check read from the database: the catalog's own `pg_get_constraintdef` (`CHECK (...)`, with
   * `NOT VALID` where it applies). Re-creating it renders this text, never a rebuilt one.
   */
  readonly definition?: string;
}

/** A foreign key constraint. Table names are qualified (`public.author`) as MikroORM writes them. */
export interface ForeignKeyDefinition {
  readonly constraintName: string;
  readonly columnNames: readonly string[];
  readonly localTableName: string;
  readonly referencedTableName: string;
  readonly referencedColumnNames: readonly string[];
  readonly updateRule?: string;
  readonly deleteRule?: string;
  readonly deferMode?: DeferMode | `${DeferMode}`;
}

/** A whole table without its foreign keys (those are separate operations, created after all tables). */
export interface TableDefinition extends TableRef {
  readonly comment?: string;
  readonly columns: readonly ColumnDefinition[];
  /** Indexes, unique constraints and the primary key. */
  readonly indexes: readonly IndexDefinition[];
  readonly checks: readonly CheckDefinition[];
}

/** A column that uses a native enum type (what a type rebuild must convert). */
export interface EnumColumnUse {
  readonly table: TableRef;
  readonly column: string;
  /** The column is an array of the enum type. */
  readonly array: boolean;
  /** The column's default (SQL text) at that point of the revision, or `null`. */
  readonly default: string | null;
}

/** `CREATE SCHEMA`. */
export interface CreateSchemaOperation {
  readonly kind: 'createSchema';
  readonly schema: string;
}

/** `DROP SCHEMA`. */
export interface DropSchemaOperation {
  readonly kind: 'dropSchema';
  readonly schema: string;
}

/** `CREATE TYPE ... AS ENUM (values)`. */
export interface CreateEnumTypeOperation {
  readonly kind: 'createEnumType';
  readonly type: EnumTypeRef;
  readonly values: readonly string[];
}

/** `DROP TYPE`; `values` (in order) let the inverse re-create it. */
export interface DropEnumTypeOperation {
  readonly kind: 'dropEnumType';
  readonly type: EnumTypeRef;
  readonly values: readonly string[];
}

/**
 * `ALTER TYPE ... ADD VALUE`. Rendered outside the revision's transaction (PostgreSQL refuses to use a
 * value added in the same transaction). Its inverse is a rebuild of the type without the value.
 */
export interface AddEnumValueOperation {
  readonly kind: 'addEnumValue';
  readonly type: EnumTypeRef;
  readonly value: string;
  /** The type's values before and after (the position of `value` in `valuesAfter` is where it goes). */
  readonly valuesBefore: readonly string[];
  readonly valuesAfter: readonly string[];
  /** The columns using the type at this point (for the inverse rebuild). */
  readonly columns: readonly EnumColumnUse[];
  /** What the inverse rebuild drops and re-creates (indexes, constraints, views over the type). */
  readonly dependents?: EnumDependents;
  /** Objects that keep `down` from removing the value again (a function over the type, ...): a safety note. */
  readonly downBlockers?: readonly string[];
}

/**
 * Replaces a native enum type by one with other values (removal, reordering): drop the dependent
 * views, constraints and indexes, rename the old type, create the new one, convert every column
 * through `text` (one rewrite per table), drop the old type, re-create the dependents. Its own
 * inverse. When `toValues` only inserts values into `fromValues` (the inverse of a removal), it is
 * rendered as `ADD VALUE` steps instead: nothing is rewritten.
 */
export interface RebuildEnumTypeOperation {
  readonly kind: 'rebuildEnumType';
  readonly type: EnumTypeRef;
  readonly fromValues: readonly string[];
  readonly toValues: readonly string[];
  /** The columns using the type at this point, converted to the new type. */
  readonly columns: readonly EnumColumnUse[];
  /** What rows holding a removed value become (default: none; such rows stop the revision). */
  readonly map?: EnumValueMap;
  /** What the rebuild drops before converting and re-creates after. */
  readonly dependents?: EnumDependents;
}

/**
 * `ALTER TYPE ... RENAME TO` (and `SET SCHEMA` when the schema changes): a `nativeEnumName` changed.
 * Columns keep using the type. `guessed`: inferred from a dropped and a created type used by the same
 * columns (rather than declared in `AutogenOptions.enumRenames`).
 */
export interface RenameEnumTypeOperation {
  readonly kind: 'renameEnumType';
  readonly from: EnumTypeRef;
  readonly to: EnumTypeRef;
  readonly guessed: boolean;
}

/**
 * `ALTER TYPE ... RENAME VALUE`: rows (and defaults, predicates, views) keep the value under its new
 * label. `guessed`: one value removed and one added at the same position (rather than declared).
 */
export interface RenameEnumValueOperation {
  readonly kind: 'renameEnumValue';
  readonly type: EnumTypeRef;
  readonly from: string;
  readonly to: string;
  readonly guessed: boolean;
}

/** `CREATE TABLE` with its columns, indexes, primary key and checks (no foreign keys). */
export interface CreateTableOperation {
  readonly kind: 'createTable';
  readonly table: TableDefinition;
}

/** `DROP TABLE`; `table` is the whole definition, so the inverse restores the structure (not the rows). */
export interface DropTableOperation {
  readonly kind: 'dropTable';
  readonly table: TableDefinition;
}

/** `ALTER TABLE ... RENAME TO` (same schema). MikroORM never proposes it; hand-written or from a pass. */
export interface RenameTableOperation {
  readonly kind: 'renameTable';
  readonly table: TableRef;
  readonly newName: string;
}

/** `COMMENT ON TABLE`. */
export interface AlterTableCommentOperation {
  readonly kind: 'alterTableComment';
  readonly table: TableRef;
  readonly from: string | null;
  readonly to: string | null;
}

/** `ALTER TABLE ... ADD COLUMN` (its foreign key, if any, is a separate operation). */
export interface AddColumnOperation {
  readonly kind: 'addColumn';
  readonly table: TableRef;
  readonly column: ColumnDefinition;
  /**
   * The column (NOT NULL, without a default) is added nullable, then made NOT NULL only when the table
   * has no rows (rows would hold NULL in it). Set by the inverse of a dropped column, so `down` works
   * on a populated table.
   */
  readonly notNullIfEmpty?: boolean;
}

/** `ALTER TABLE ... DROP COLUMN`; `column` is the whole definition, for the inverse. */
export interface DropColumnOperation {
  readonly kind: 'dropColumn';
  readonly table: TableRef;
  readonly column: ColumnDefinition;
}

/** `ALTER TABLE ... RENAME COLUMN`. `guessed`: MikroORM inferred it from a dropped and an added column. */
export interface RenameColumnOperation {
  readonly kind: 'renameColumn';
  readonly table: TableRef;
  readonly from: string;
  readonly to: string;
  readonly guessed: boolean;
}

/** `ALTER COLUMN ... TYPE ... USING`; `from`/`to` are the column before and after. */
export interface AlterColumnTypeOperation {
  readonly kind: 'alterColumnType';
  readonly table: TableRef;
  readonly column: string;
  readonly from: ColumnDefinition;
  readonly to: ColumnDefinition;
}

/** `ALTER COLUMN ... SET NOT NULL` / `DROP NOT NULL`. */
export interface AlterColumnNullableOperation {
  readonly kind: 'alterColumnNullable';
  readonly table: TableRef;
  readonly column: string;
  readonly from: boolean;
  readonly to: boolean;
}

/** `ALTER COLUMN ... SET DEFAULT` / `DROP DEFAULT` (SQL text or `null`). */
export interface AlterColumnDefaultOperation {
  readonly kind: 'alterColumnDefault';
  readonly table: TableRef;
  readonly column: string;
  readonly from: string | null;
  readonly to: string | null;
}

/** `COMMENT ON COLUMN`. */
export interface AlterColumnCommentOperation {
  readonly kind: 'alterColumnComment';
  readonly table: TableRef;
  readonly column: string;
  readonly from: string | null;
  readonly to: string | null;
}

/** A column gains or loses its sequence default (`serial`-like autoincrement). */
export interface AlterColumnAutoincrementOperation {
  readonly kind: 'alterColumnAutoincrement';
  readonly table: TableRef;
  readonly column: string;
  readonly from: boolean;
  readonly to: boolean;
}

/** `CREATE [UNIQUE] INDEX`, `ADD CONSTRAINT ... UNIQUE` or `ADD PRIMARY KEY`. */
export interface CreateIndexOperation {
  readonly kind: 'createIndex';
  readonly table: TableRef;
  readonly index: IndexDefinition;
}

/** `DROP INDEX` or `DROP CONSTRAINT` (unique, primary key); `index` is the whole definition. */
export interface DropIndexOperation {
  readonly kind: 'dropIndex';
  readonly table: TableRef;
  readonly index: IndexDefinition;
  /** The entities declare no such object (it was made by hand or by a hand-written revision): a safety note. */
  readonly undeclared?: boolean;
}

/** `ALTER INDEX ... RENAME TO`. `guessed`: MikroORM inferred it from a dropped and an added index. */
export interface RenameIndexOperation {
  readonly kind: 'renameIndex';
  readonly table: TableRef;
  readonly from: string;
  readonly to: string;
  readonly guessed: boolean;
}

/** `ADD CONSTRAINT ... CHECK`. */
export interface AddCheckOperation {
  readonly kind: 'addCheck';
  readonly table: TableRef;
  readonly check: CheckDefinition;
}

/** `DROP CONSTRAINT` of a check; `check` is the whole definition. */
export interface DropCheckOperation {
  readonly kind: 'dropCheck';
  readonly table: TableRef;
  readonly check: CheckDefinition;
  /** The entities declare no such object (it was made by hand or by a hand-written revision): a safety note. */
  readonly undeclared?: boolean;
}

/** `ADD CONSTRAINT ... FOREIGN KEY`. */
export interface AddForeignKeyOperation {
  readonly kind: 'addForeignKey';
  readonly table: TableRef;
  readonly foreignKey: ForeignKeyDefinition;
}

/** `DROP CONSTRAINT` of a foreign key; `foreignKey` is the whole definition. */
export interface DropForeignKeyOperation {
  readonly kind: 'dropForeignKey';
  readonly table: TableRef;
  readonly foreignKey: ForeignKeyDefinition;
  /** The entities declare no such object (it was made by hand or by a hand-written revision): a safety note. */
  readonly undeclared?: boolean;
}

/** One schema step. Discriminated by `kind`. */
export type Operation =
  | CreateSchemaOperation
  | DropSchemaOperation
  | CreateEnumTypeOperation
  | DropEnumTypeOperation
  | AddEnumValueOperation
  | RebuildEnumTypeOperation
  | RenameEnumTypeOperation
  | RenameEnumValueOperation
  | CreateTableOperation
  | DropTableOperation
  | RenameTableOperation
  | AlterTableCommentOperation
  | AddColumnOperation
  | DropColumnOperation
  | RenameColumnOperation
  | AlterColumnTypeOperation
  | AlterColumnNullableOperation
  | AlterColumnDefaultOperation
  | AlterColumnCommentOperation
  | AlterColumnAutoincrementOperation
  | CreateIndexOperation
  | DropIndexOperation
  | RenameIndexOperation
  | AddCheckOperation
  | DropCheckOperation
  | AddForeignKeyOperation
  | DropForeignKeyOperation;

/** The `kind` of an operation. */
export type OperationKind = Operation['kind'];

/** Every operation kind, in the order the docs list them. */
export const OPERATION_KINDS: readonly OperationKind[] = Object.freeze([
  'createSchema',
  'dropSchema',
  'createEnumType',
  'dropEnumType',
  'addEnumValue',
  'rebuildEnumType',
  'renameEnumType',
  'renameEnumValue',
  'createTable',
  'dropTable',
  'renameTable',
  'alterTableComment',
  'addColumn',
  'dropColumn',
  'renameColumn',
  'alterColumnType',
  'alterColumnNullable',
  'alterColumnDefault',
  'alterColumnComment',
  'alterColumnAutoincrement',
  'createIndex',
  'dropIndex',
  'renameIndex',
  'addCheck',
  'dropCheck',
  'addForeignKey',
  'dropForeignKey',
] as const);
