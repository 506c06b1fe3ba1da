import type { AbstractSqlPlatform, Knex, SchemaHelper } from '@mikro-orm/knex';
import { sqlIdentifier, sqlQualifiedName, sqlString } from '../script/sql-quote';
import { toDatabaseTable, toMikroColumn, toMikroForeignKey, toMikroIndex } from './definitions';
import { enumStepSql, enumSteps } from './enum-steps';
import { OperationRenderError } from './errors';
import { DEFAULT_SCHEMA } from './names';
import type { ColumnDefinition, IndexDefinition, Operation, TableRef } from './operation';

/**
 * Renders operations as SQL statements, with MikroORM's own schema helper and knex builders wherever
 * MikroORM has a piece for the step (create/drop table, add/drop/rename column, indexes, checks,
 * foreign keys, schemas, comments), so the SQL is what MikroORM would emit. Column alterations (type,
 * nullability, default) use small templates of the same shape, one statement per property, without
 * MikroORM's redundant `alter column ... type` on every change. Enum type steps are the statements of
 * the `Revision` enum helpers (`enumSql`), which generated revisions call.
 *
 * Every statement ends with `;`. `create table` statements list one column or constraint per line.
 *
 * @example
 * ```ts
 * const sql = new OperationSqlRenderer(orm.em.getPlatform() as AbstractSqlPlatform);
 * await sql.render({ kind: 'createSchema', schema: 'app' }); // ['create schema if not exists "app";']
 * ```
 */
export class OperationSqlRenderer {
  private readonly helper: SchemaHelper;

  constructor(private readonly platform: AbstractSqlPlatform) {
    const helper = platform.getSchemaHelper();
    if (helper === undefined) throw new OperationRenderError('any', 'the platform has no schema helper');
    this.helper = helper;
  }

  /** The statements of one operation, in order. */
  async render(op: Operation): Promise<string[]> {
    const statements = await this.statements(op);
    if (statements.length === 0) throw new OperationRenderError(op.kind, 'no statement was produced');
    return statements.map((s) => terminate(s.trim()));
  }

  private async statements(op: Operation): Promise<string[]> {
    const { helper } = this;
    switch (op.kind) {
      case 'createSchema':
        return [helper.getCreateNamespaceSQL(op.schema)];
      case 'dropSchema':
        return [helper.getDropNamespaceSQL(op.schema)];
      case 'createEnumType':
      case 'dropEnumType':
      case 'addEnumValue':
      case 'rebuildEnumType':
      case 'renameEnumType':
      case 'renameEnumValue':
        return (enumSteps(op) ?? []).flatMap(enumStepSql);
      case 'createTable': {
        // comments are written by commentSql, check names quoted here: MikroORM's createTable writes
        // a check's name unquoted and a comment with a backslash as broken SQL (MikroORM 6.6.16)
        const { comment: _comment, ...shape } = op.table;
        // indexes and checks read from the database (the inverse of a dropped table) come back as the
        // catalog defines them, after the table; the primary key stays in `create table`
        const fromCatalog = (i: IndexDefinition) => !i.primary && (i.definition !== undefined || i.constraintDefinition !== undefined);
        const table = toDatabaseTable(this.platform, {
          ...shape,
          columns: op.table.columns.map((c) => ({ ...c, comment: undefined })),
          indexes: op.table.indexes.filter((i) => !fromCatalog(i)),
          checks: op.table.checks.filter((c) => c.definition === undefined).map((c) => ({ ...c, name: this.quote(c.name) })),
        });
        const statements = (await ddl(helper.createTable(table, true))).map(formatCreateTable);
        for (const check of op.table.checks) if (check.definition !== undefined) statements.push(this.catalogConstraintSql(op.table, check.name, check.definition));
        for (const index of op.table.indexes) if (fromCatalog(index)) statements.push(this.catalogIndexSql(op.table, index));
        if (op.table.comment) statements.push(this.tableCommentSql(op.table, op.table.comment));
        for (const c of op.table.columns) if (c.comment) statements.push(this.columnCommentSql(op.table, c.name, c.comment));
        return statements;
      }
      case 'dropTable':
        return ddl(this.builder(op.table).dropTable(op.table.name));
      case 'renameTable':
        return ddl(this.builder(op.table).renameTable(op.table.name, op.newName) as unknown as Knex.SchemaBuilder); // knex types it as a promise; it is a builder
      case 'alterTableComment':
        return [this.tableCommentSql(op.table, op.to)];
      case 'addColumn': {
        const statements = await this.alter(op.table, (t) => {
          const column = toMikroColumn({ ...op.column, comment: undefined });
          const col = helper.createTableColumn(t, column, toDatabaseTable(this.platform, { ...op.table }), undefined, true);
          if (col === undefined) throw new OperationRenderError(op.kind, `MikroORM has no column builder for ${op.column.name}`);
          helper.configureColumn(column, col, helper.knex);
        });
        if (op.column.comment) statements.push(this.columnCommentSql(op.table, op.column.name, op.column.comment));
        if (op.notNullIfEmpty !== true) return statements;
        const table = this.tableName(op.table);
        const setNotNull = `alter table ${table} alter column ${this.quote(op.column.name)} set not null`;
        const body = `begin if not exists (select from ${table}) then ${setNotNull}; end if; end`;
        const tag = dollarTag(body);
        return [...statements, `do ${tag} ${body} ${tag}`];
      }
      case 'dropColumn':
        return [helper.getDropColumnsSQL(op.table.name, [toMikroColumn(op.column)], this.schemaArg(op.table))];
      case 'renameColumn':
        return [helper.getRenameColumnSQL(op.table.name, op.from, toMikroColumn(this.namedColumn(op.to)), this.schemaArg(op.table))];
      case 'alterColumnType':
        return [`alter table ${this.tableName(op.table)} alter column ${this.quote(op.column)} type ${this.typeSql(op.to, op.table)} using (${this.usingSql(op.from, op.to, op.table)})`];
      case 'alterColumnNullable':
        return [`alter table ${this.tableName(op.table)} alter column ${this.quote(op.column)} ${op.to ? 'drop' : 'set'} not null`];
      case 'alterColumnDefault':
        return [this.defaultSql(op.table, op.column, op.to)];
      case 'alterColumnComment':
        return [this.columnCommentSql(op.table, op.column, op.to)];
      case 'alterColumnAutoincrement':
        return this.autoincrementSql(op.table, op.column, op.to);
      case 'createIndex': {
        const index = op.index;
        // an index read from the database comes back as the catalog defines it
        if (index.definition !== undefined || index.constraintDefinition !== undefined) return [this.catalogIndexSql(op.table, index)];
        const columns = (index.columnTypes ?? []).map((type, i) => ({ ...this.namedColumn(index.columnNames[i]), type }));
        const table = toDatabaseTable(this.platform, { ...op.table, columns, indexes: [index] });
        return this.alter(op.table, (t) => {
          if (index.primary) {
            t.primary([...index.columnNames], { constraintName: index.keyName });
          } else if (index.unique && !index.constraint && !index.expression) {
            t.index([...index.columnNames], index.keyName, { indexType: 'unique' });
          } else {
            helper.createIndex(t, toMikroIndex(index), table);
          }
        });
      }
      case 'dropIndex': {
        const index = op.index;
        return this.alter(op.table, (t) => {
          if (index.primary) t.dropPrimary(index.keyName);
          else if (index.unique && index.constraint) t.dropUnique([...index.columnNames], index.keyName);
          else t.dropIndex([...index.columnNames], index.keyName);
        });
      }
      case 'renameIndex':
        return [`alter index ${this.qualified(op.table.schema, op.from)} rename to ${this.quote(op.to)}`];
      case 'addCheck':
        // a check read from the database comes back as the catalog defines it (pg_get_constraintdef)
        if (op.check.definition !== undefined) return [this.catalogConstraintSql(op.table, op.check.name, op.check.definition)];
        return this.alter(op.table, (t) => t.check(op.check.expression, {}, this.quote(op.check.name)));
      case 'dropCheck':
        return this.alter(op.table, (t) => t.dropChecks(this.quote(op.check.name)));
      case 'addForeignKey':
        return this.alter(op.table, (t) => helper.createForeignKey(t, toMikroForeignKey(op.foreignKey)));
      case 'dropForeignKey':
        return this.alter(op.table, (t) => t.dropForeign([...op.foreignKey.columnNames], op.foreignKey.constraintName));
    }
  }

  /**
   * MikroORM's statements for giving a column a sequence default (or taking it away), with the
   * sequence named as MikroORM names it, but qualified with the table's schema and quoted: MikroORM
   * 6.6.16 writes the name into `setval('...')`/`nextval('...')` as bare text (a `'` in a table name
   * breaks the statement, an upper-case one names another sequence).
   */
  private autoincrementSql(table: TableRef, column: string, to: boolean): string[] {
    const prefix = `alter table ${this.tableName(table)} alter column ${this.quote(column)}`;
    if (!to) return [`${prefix} drop default`];
    const sequence = this.platform.getIndexName(table.name, [column], 'sequence');
    const qualified = this.qualified(table.schema, sequence);
    const regclass = sqlString([...(table.schema === DEFAULT_SCHEMA ? [] : [table.schema]), sequence].map((part) => (/^[a-z_][a-z0-9_$]*$/.test(part) ? part : this.quote(part))).join('.'));
    return [
      `create sequence if not exists ${qualified}`,
      `select setval(${regclass}, (select max(${this.quote(column)}) from ${this.tableName(table)}))`,
      `${prefix} set default nextval(${regclass})`,
    ];
  }

  /**
   * `comment on table ... is ...` (`is null` removes it), the text quoted by `sqlString` so it
   * reaches PostgreSQL byte for byte.
   */
  private tableCommentSql(table: TableRef, comment: string | null): string {
    return `comment on table ${this.tableName(table)} is ${comment ? sqlString(comment) : 'null'}`;
  }

  /** `comment on column ... is ...` (`is null` removes it). */
  private columnCommentSql(table: TableRef, column: string, comment: string | null | undefined): string {
    return `comment on column ${this.tableName(table)}.${this.quote(column)} is ${comment ? sqlString(comment) : 'null'}`;
  }

  /** An index or index-backed constraint re-created from the catalog's definition (`pg_get_indexdef` / `pg_get_constraintdef`). */
  private catalogIndexSql(table: TableRef, index: IndexDefinition): string {
    if (index.constraintDefinition !== undefined) return this.catalogConstraintSql(table, index.keyName, index.constraintDefinition);
    return index.definition as string;
  }

  /** `alter table ... add constraint "name" <pg_get_constraintdef>`. */
  private catalogConstraintSql(table: TableRef, name: string, definition: string): string {
    return `alter table ${this.tableName(table)} add constraint ${this.quote(name)} ${definition}`;
  }

  /**
   * The SQL type of a column: a native enum type always quoted (`"we""ird"`, `"app"."Kind"`; a name
   * MikroORM gives as `schema.name` is split at its first dot, a bare one takes the table's schema),
   * with `[]` for an array; any other type as MikroORM writes it.
   */
  private typeSql(column: ColumnDefinition, table: TableRef): string {
    if (column.nativeEnumName !== undefined) {
      const dot = column.nativeEnumName.indexOf('.');
      const schema = dot >= 0 ? column.nativeEnumName.slice(0, dot) : table.schema;
      const name = dot >= 0 ? column.nativeEnumName.slice(dot + 1) : column.nativeEnumName;
      return `${sqlQualifiedName(schema === DEFAULT_SCHEMA ? undefined : schema, name)}${column.type.endsWith('[]') ? '[]' : ''}`;
    }
    // serial is a pseudo type: it cannot be altered to (MikroORM does the same)
    return column.type.replace(/^(big|small)?serial\b/, (_m, size: string | undefined) => (size === 'big' ? 'bigint' : size === 'small' ? 'smallint' : 'int'));
  }

  /** The `using` expression: enum types convert through text (a cast between two enum types does not exist). */
  private usingSql(from: ColumnDefinition, to: ColumnDefinition, table: TableRef): string {
    const column = this.quote(to.name);
    const target = this.typeSql(to, table);
    if (from.nativeEnumName !== undefined || to.nativeEnumName !== undefined) {
      const text = to.type.endsWith('[]') || from.type.endsWith('[]') ? 'text[]' : 'text';
      return target === text ? `${column}::${text}` : `${column}::${text}::${target}`;
    }
    return `${column}::${target}`;
  }

  private defaultSql(table: TableRef, column: string, value: string | null): string {
    const prefix = `alter table ${this.tableName(table)} alter column ${this.quote(column)}`;
    return value === null ? `${prefix} drop default` : `${prefix} set default ${value}`;
  }

  private async alter(table: TableRef, build: (t: Knex.CreateTableBuilder) => void): Promise<string[]> {
    return ddl(this.builder(table).alterTable(table.name, build));
  }

  private builder(table: TableRef): Knex.SchemaBuilder {
    return this.helper.createSchemaBuilder(table.schema);
  }

  /** The schema argument of MikroORM's helper functions: none for the default schema. */
  private schemaArg(table: TableRef): string | undefined {
    return table.schema === DEFAULT_SCHEMA ? undefined : table.schema;
  }

  private tableName(table: TableRef): string {
    return this.qualified(table.schema, table.name);
  }

  private qualified(schema: string, name: string): string {
    return sqlQualifiedName(schema === DEFAULT_SCHEMA ? undefined : schema, name);
  }

  /** One identifier, quoted whatever it holds (MikroORM's `quoteIdentifier` would split it at dots). */
  private quote(name: string): string {
    return sqlIdentifier(name);
  }

  /** A column stub, for helper functions that only read the name (and set one other field). */
  private namedColumn(name: string): ColumnDefinition {
    return { name, type: 'text', mappedType: undefined as never, nullable: true, default: null, primary: false, autoincrement: false };
  }
}

/** The statements a knex schema builder compiles to (MikroORM's `dump`, one entry per statement). */
async function ddl(builder: Knex.SchemaBuilder): Promise<string[]> {
  // knex types these as strings; at run time an entry may be a `{ sql, bindings }` object
  const compiled = (await builder.generateDdlCommands()) as unknown as Record<'pre' | 'sql' | 'post', (string | { sql: string })[]>;
  return [...compiled.pre, ...compiled.sql, ...compiled.post].map((q) => (typeof q === 'string' ? q : q.sql)).filter((s) => s.trim() !== '');
}

/** A dollar-quote tag (`$alembic$`, `$alembic1$`, ...) that `body` does not contain (names are user text). */
function dollarTag(body: string): string {
  let tag = '$alembic$';
  for (let i = 1; body.includes(tag); i++) tag = `$alembic${i}$`;
  return tag;
}

function terminate(sql: string): string {
  return sql.endsWith(';') ? sql : `${sql};`;
}

/** `create table "t" ("a" int, "b" text)` with one column or constraint per line, for review. */
function formatCreateTable(sql: string): string {
  const match = /^(create table [^(]+?) \((.*)\)$/s.exec(sql.trim());
  if (match === null) return sql;
  const parts = splitTopLevel(match[2]);
  if (parts === undefined) return sql;
  return `${match[1]} (\n${parts.map((p) => `  ${p}`).join(',\n')}\n)`;
}

/** Splits on commas outside parentheses, quotes and identifiers; `undefined` when unbalanced. */
function splitTopLevel(text: string): string[] | undefined {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote !== null) {
      if (ch === quote) {
        if (text[i + 1] === quote) i++;
        else quote = null;
      }
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
    if (depth < 0) return undefined;
  }
  if (depth !== 0 || quote !== null) return undefined;
  parts.push(text.slice(start).trim());
  return parts;
}
