import { sqlIdentifier } from '../script/sql-quote';
import { InvalidSchemaNameError, SchemaNotFoundError } from './errors';
import type { Queryable } from './version-table';

/** PostgreSQL's limit on a name (NAMEDATALEN - 1), in bytes: a longer quoted name is silently cut. */
const MAX_NAME_BYTES = 63;

/**
 * The schema a runtime migrates in schema-per-tenant mode (one schema per tenant in one database).
 *
 * - The version table lives in this schema (its name unchanged), so each tenant has its own applied set,
 *   and the migration lock, keyed on the version table, is this schema's own: two schemas of one
 *   database upgrade side by side, two deploys of the same schema never do.
 * - Every statement of a revision runs with `search_path` = this schema, then `public`: unqualified
 *   names (`create table "user"`, `create type mood as enum`, `alter table "user"`) land in, and are
 *   looked up in, the tenant schema first; `public` stays behind it for what all tenants share
 *   (extensions such as `uuid-ossp` or `citext`, shared lookup tables).
 * - A schema that does not exist is refused ({@link SchemaNotFoundError}) unless creating it was asked
 *   for (`createSchema`): a typo in a tenant name never creates a stray schema.
 *
 * Names are used verbatim (case, spaces and quotes kept) and always quoted.
 *
 * @example
 * ```ts
 * const tenant = new TenantSchema('Tenant "A"');
 * tenant.searchPathSql; // => 'set search_path to "Tenant ""A""", public'
 * ```
 */
export class TenantSchema {
  /** The `search_path` value: `"<schema>", public` (just `public` for the schema `public`). */
  readonly searchPath: string;
  /** `set search_path to "<schema>", public`, for offline scripts. */
  readonly searchPathSql: string;

  /**
   * @param name the schema, verbatim
   * @throws {InvalidSchemaNameError} for an empty name, a NUL character, or more than 63 bytes
   */
  constructor(readonly name: string) {
    checkSchemaName(name);
    this.searchPath = name === 'public' ? 'public' : `${sqlIdentifier(name)}, public`;
    this.searchPathSql = `set search_path to ${this.searchPath}`;
  }

  /**
   * Prepares a dedicated connection for this schema in one round trip: sets its `search_path` (for the
   * session) and checks that the schema exists. With `create`, a missing schema is no error (a writing
   * command creates it with the version table, under the migration lock; a read-only one finds nothing
   * applied).
   *
   * @throws {SchemaNotFoundError} when it does not exist and `create` is not set; nothing was changed
   * @example
   * ```ts
   * await new TenantSchema('tenant_42').enter(channel);
   * ```
   */
  async enter(db: Queryable, create = false): Promise<void> {
    const [row] = await db.query(
      "select set_config('search_path', $2, false) as search_path, exists (select 1 from pg_namespace where nspname = $1) as found",
      [this.name, this.searchPath],
    );
    if (row?.found !== true && !create) throw new SchemaNotFoundError(this.name);
  }

  /** The name as messages show it. */
  toString(): string {
    return this.name;
  }
}

/**
 * Refuses a schema name PostgreSQL would not store as given.
 *
 * @throws {InvalidSchemaNameError}
 * @example
 * ```ts
 * checkSchemaName('tenant_42'); // fine
 * checkSchemaName('');          // throws INVALID_SCHEMA_NAME
 * ```
 */
export function checkSchemaName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length === 0) throw new InvalidSchemaNameError(String(name), 'it is empty');
  if (name.includes('\0')) throw new InvalidSchemaNameError(name, 'it contains a NUL character');
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > MAX_NAME_BYTES) {
    throw new InvalidSchemaNameError(name, `it is ${bytes} bytes long and PostgreSQL keeps at most ${MAX_NAME_BYTES} (it would cut the name)`);
  }
}
