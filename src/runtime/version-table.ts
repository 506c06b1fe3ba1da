import { createHash } from 'node:crypto';
import { VersionTableInvalidError } from './errors';
import { quoteIdent, quoteLiteral } from './sql-text';

/** Where the version table lives. */
export interface VersionTableOptions {
  /** Schema of the version table (created if missing). Default `public`. Used verbatim (case-sensitive). */
  readonly schema?: string;
  /** Table name. Default `mikro_orm_alembic_version`. Used verbatim (case-sensitive). */
  readonly name?: string;
}

/** One row of the version table: an applied revision. */
export interface AppliedRevision {
  /** The revision id. */
  readonly id: string;
  /** When it was recorded (commit time of its transaction, roughly). */
  readonly appliedAt: Date;
  /** How long its `up()` took in milliseconds (to its version row), or `null` if it was stamped or applied by offline SQL. */
  readonly durationMs: number | null;
  /** sha256 (hex) of the revision file's text as applied. */
  readonly checksum: string;
  /** The file name it was applied from, or `null` if unknown. */
  readonly fileName: string | null;
}

/** What a row is written with. */
export interface VersionRowInput {
  readonly id: string;
  readonly checksum: string;
  readonly fileName: string | null;
  readonly durationMs: number | null;
}

/** The smallest thing the version table needs to read itself. */
export interface Queryable {
  query(sql: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]>;
}

/** Milliseconds the server has spent on the current message so far (an integer). */
const SERVER_ELAPSED_MS = '(extract(epoch from clock_timestamp() - statement_timestamp()) * 1000)::integer';

/** What `pg_class.relkind` calls the relations that are not tables. */
const RELATION_KINDS: Readonly<Record<string, string>> = {
  v: 'a view',
  m: 'a materialized view',
  f: 'a foreign table',
  S: 'a sequence',
  i: 'an index',
  I: 'a partitioned index',
  c: 'a composite type',
  t: 'a TOAST table',
};

/** The default table name. */
export const DEFAULT_VERSION_TABLE = 'mikro_orm_alembic_version';

/**
 * The version table: one row per applied revision (`revision`, `applied_at`, `duration_ms`, `checksum`,
 * `file_name`). This class only renders its SQL and reads it; every name is quoted.
 *
 * @example
 * ```ts
 * const table = new VersionTable({ schema: 'ops', name: 'schema_versions' });
 * table.qualifiedName;           // => '"ops"."schema_versions"'
 * table.insertSql({ id: 'ae1027a6acf5', checksum: 'ab…', fileName: 'ae1027a6acf5_init.ts', durationMs: 12 });
 * ```
 */
export class VersionTable {
  readonly schema: string;
  readonly name: string;
  /** `"schema"."name"`, for SQL. */
  readonly qualifiedName: string;
  /**
   * The advisory lock key of this table: the first 8 bytes of
   * sha256(`mikro-orm-alembic:<schema>.<name>`) as a signed 64-bit integer, so every process that
   * migrates the same table agrees on it.
   */
  readonly lockKey: bigint;

  constructor(options: VersionTableOptions = {}) {
    this.schema = options.schema ?? 'public';
    this.name = options.name ?? DEFAULT_VERSION_TABLE;
    this.qualifiedName = `${quoteIdent(this.schema)}.${quoteIdent(this.name)}`;
    const digest = createHash('sha256').update(`mikro-orm-alembic:${this.schema}.${this.name}`).digest();
    this.lockKey = digest.readBigInt64BE(0);
  }

  /** A readable name for messages: `public.mikro_orm_alembic_version`. */
  toString(): string {
    return `${this.schema}.${this.name}`;
  }

  /** `CREATE SCHEMA IF NOT EXISTS` (skip it online when the schema exists: it needs CREATE on the database). */
  createSchemaSql(): string {
    return `create schema if not exists ${quoteIdent(this.schema)}`;
  }

  /** `CREATE TABLE IF NOT EXISTS` for the version table. */
  createTableSql(): string {
    return [
      `create table if not exists ${this.qualifiedName} (`,
      '  revision varchar(255) not null primary key,',
      '  applied_at timestamptz not null default clock_timestamp(),',
      '  duration_ms integer,',
      '  checksum varchar(64) not null,',
      '  file_name text',
      ')',
    ].join('\n');
  }

  /**
   * One round trip telling whether the schema and the table exist (columns `schema_exists`,
   * `table_exists`), and what kind of relation holds the name (`relkind`, `null` when none).
   */
  existsSql(): { sql: string; params: unknown[] } {
    return {
      sql:
        'select exists (select 1 from pg_namespace where nspname = $1) as schema_exists, ' +
        "coalesce((select c.relkind in ('r', 'p') from pg_class c join pg_namespace n on n.oid = c.relnamespace " +
        'where n.nspname = $1 and c.relname = $2), false) as table_exists, ' +
        '(select c.relkind::text from pg_class c join pg_namespace n on n.oid = c.relnamespace ' +
        'where n.nspname = $1 and c.relname = $2) as relkind',
      params: [this.schema, this.name],
    };
  }

  /** Creates the schema (if missing) and the table (if missing). Call it under the migration lock. */
  async ensure(db: Queryable): Promise<void> {
    const { sql, params } = this.existsSql();
    const [state] = await db.query(sql, params);
    if (this.checkKind(state)) return;
    const statements = state?.schema_exists === true ? [] : [this.createSchemaSql()];
    statements.push(this.createTableSql());
    await db.query(statements.join(';\n'));
  }

  /**
   * Whether the table exists (no DDL; for read-only commands). Something else under its name (a view,
   * a sequence, ...) is a {@link VersionTableInvalidError}, as it is for writing commands.
   */
  async exists(db: Queryable): Promise<boolean> {
    const { sql, params } = this.existsSql();
    const [state] = await db.query(sql, params);
    return this.checkKind(state);
  }

  /** True for a table, false for nothing; anything else under the name is refused. */
  private checkKind(state: Record<string, unknown> | undefined): boolean {
    if (state?.table_exists === true) return true;
    const kind = state?.relkind;
    if (typeof kind === 'string' && kind !== '') {
      const what = RELATION_KINDS[kind] ?? `a relation of kind '${kind}'`;
      throw new VersionTableInvalidError(String(this), new Error(`${String(this)} is ${what}, not a table`));
    }
    return false;
  }

  /** The applied revisions, oldest first. A table without our columns → {@link VersionTableInvalidError}. */
  async read(db: Queryable): Promise<AppliedRevision[]> {
    let rows: Record<string, unknown>[];
    try {
      rows = await db.query(
        `select revision, applied_at, duration_ms, checksum, file_name from ${this.qualifiedName} ` +
          'order by applied_at, revision',
      );
    } catch (e) {
      if ((e as { code?: unknown }).code === '42703') throw new VersionTableInvalidError(String(this), e);
      throw e;
    }
    return rows.map((r) =>
      Object.freeze({
        id: String(r.revision),
        appliedAt: r.applied_at instanceof Date ? r.applied_at : new Date(String(r.applied_at)),
        durationMs: r.duration_ms === null || r.duration_ms === undefined ? null : Number(r.duration_ms),
        checksum: String(r.checksum),
        fileName: r.file_name === null || r.file_name === undefined ? null : String(r.file_name),
      }),
    );
  }

  /** INSERT of one row, with literals (no parameters: it can share a round trip with `COMMIT`). */
  insertSql(row: VersionRowInput): string {
    return `insert into ${this.qualifiedName} (revision, duration_ms, checksum, file_name) values ${rowValues(row)}`;
  }

  /**
   * INSERT of several rows in one statement. A row's `durationMs` is the time until the message that
   * carries this INSERT was sent; the server adds the time it spent on that message before the INSERT
   * (the revision's statements may travel in the same message).
   */
  insertManySql(rows: readonly VersionRowInput[]): string {
    return `insert into ${this.qualifiedName} (revision, duration_ms, checksum, file_name) values ${rows.map(rowValues).join(', ')}`;
  }

  /** UPDATE of one row's checksum and file name (`accept-edits`), with literals. */
  updateChecksumSql(id: string, checksum: string, fileName: string | null): string {
    return (
      `update ${this.qualifiedName} set checksum = ${quoteLiteral(checksum)}, file_name = ${quoteLiteral(fileName)} ` +
      `where revision = ${quoteLiteral(id)}`
    );
  }

  /** DELETE of one row, with a literal. */
  deleteSql(id: string): string {
    return this.deleteManySql([id]);
  }

  /** DELETE of several rows. */
  deleteManySql(ids: readonly string[]): string {
    return `delete from ${this.qualifiedName} where revision in (${ids.map((id) => quoteLiteral(id)).join(', ')})`;
  }

  /** DELETE of every row. */
  deleteAllSql(): string {
    return `delete from ${this.qualifiedName}`;
  }
}

/** One row's `(…)` of an INSERT into the version table. */
function rowValues(r: VersionRowInput): string {
  return (
    `(${quoteLiteral(r.id)}, ${r.durationMs === null ? 'NULL' : `${Math.round(r.durationMs)} + ${SERVER_ELAPSED_MS}`}, ` +
    `${quoteLiteral(r.checksum)}, ${quoteLiteral(r.fileName)})`
  );
}
