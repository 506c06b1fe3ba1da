/**
 * One place a fan-out runs migrations: a database (`url`), or a schema in a database (`url` + `schema`,
 * schema-per-tenant: the version table and the migration lock live in that schema and the revisions run
 * with `search_path` set to it).
 *
 * `name` identifies the target in progress lines, the summary and the `--json` report; it must be unique
 * in a fan-out. It never contains the password (see {@link targetNameOf}).
 *
 * @example
 * ```ts
 * import type { FanoutTarget } from 'mikro-orm-alembic';
 *
 * const targets: FanoutTarget[] = [
 *   { name: 'shard-a', url: 'postgres://app:secret@db-a/app' },
 *   { name: 'tenant_acme', url: 'postgres://app:secret@db-a/app', schema: 'tenant_acme' },
 * ];
 * ```
 */
export interface FanoutTarget {
  /** Unique in the fan-out; shown in progress, summary and report. */
  readonly name: string;
  /** The database to connect to (a `postgres://` URL; its password is never shown). */
  readonly url: string;
  /** For schema-per-tenant: the schema that holds this tenant's tables, version table and lock. */
  readonly schema?: string;
}
