import { resolveConnection } from '../runtime/connection';
import { checkSchemaName } from '../runtime/tenant-schema';
import { FanoutTargetsError } from './errors';

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

/**
 * The default name of a target: `host:port/database`, and `/schema` for a schema target. Never the
 * user or password.
 *
 * @throws {InvalidConnectionError} when `url` is not a PostgreSQL URL (the message never shows it)
 * @example
 * ```ts
 * targetNameOf('postgres://app:secret@db-a:5432/app', 'tenant_acme'); // 'db-a:5432/app/tenant_acme'
 * ```
 */
export function targetNameOf(url: string, schema?: string, source = 'a target URL'): string {
  const where = resolveConnection({ connectionString: url, source }).target;
  return schema === undefined ? where : `${where}/${schema}`;
}

/**
 * Checks a list of targets before anything runs: at least one, every name non-empty and unique, every
 * URL a PostgreSQL URL, every schema a name PostgreSQL keeps as given. Returns the list frozen.
 *
 * @throws {FanoutTargetsError} naming `source` and the offending target
 * @example
 * ```ts
 * const targets = checkTargets([{ name: 'a', url: 'postgres://db/a' }], '--targets targets.txt');
 * ```
 */
export function checkTargets(targets: readonly FanoutTarget[], source: string): readonly FanoutTarget[] {
  if (targets.length === 0) throw new FanoutTargetsError(source, `${source} gives no targets`);
  const seen = new Map<string, number>();
  targets.forEach((target, index) => {
    const at = `${source}, target ${index + 1}`;
    if (typeof target.name !== 'string' || target.name.trim() === '') throw new FanoutTargetsError(source, `${at} has no name`);
    if (typeof target.url !== 'string' || target.url.trim() === '') throw new FanoutTargetsError(source, `${at} (${target.name}) has no url`);
    if (target.schema !== undefined) {
      try {
        checkSchemaName(target.schema);
      } catch (error) {
        // empty, a NUL, longer than PostgreSQL keeps: refused before any target runs
        throw new FanoutTargetsError(source, `${at} (${target.name}): ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
    }
    // the URL is checked here (its value never shown), so a bad line fails before any target runs
    resolveConnection({ connectionString: target.url, source: `${at} (${target.name})` });
    const before = seen.get(target.name);
    if (before !== undefined) {
      throw new FanoutTargetsError(source, `${source} names target "${target.name}" twice (targets ${before + 1} and ${index + 1}); names must be unique`);
    }
    seen.set(target.name, index);
  });
  return Object.freeze(targets.map((t) => Object.freeze({ ...t })));
}
