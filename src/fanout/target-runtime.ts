import type { ConnectionOptions } from '../runtime/connection';
import type { VersionTableOptions } from '../runtime/version-table';
import type { PlannedTarget } from './target-sources';

/** What a single-target runtime needs to work on one fan-out target. */
export interface TargetRuntimeSettings {
  readonly connection: ConnectionOptions;
  /** The version table as configured (a schema target's runtime moves it into the target's schema). */
  readonly versionTable: VersionTableOptions | undefined;
  /** The tenant schema, for the runtime's `schema` option; `undefined` for a database target. */
  readonly schema: string | undefined;
}

/**
 * The runtime settings of a target. A database target uses the project's version table as configured.
 * A schema target is the single-target runtime's `schema` option (docs/tenants.md): the version table,
 * its name kept, lives in the target's schema, so its rows and the advisory lock derived from
 * `schema.name` are that tenant's alone (two tenants of one database migrate in parallel, two processes
 * never the same tenant at once), and the session's `search_path` is the schema, then `public`.
 *
 * @example
 * ```ts
 * const { connection, versionTable, schema } = targetRuntimeSettings(planned, { name: 'mikro_orm_alembic_version' });
 * const runtime = env.runtime(connection, { versionTable, schema });
 * ```
 */
export function targetRuntimeSettings(planned: PlannedTarget, versionTable: VersionTableOptions | undefined): TargetRuntimeSettings {
  return { connection: planned.connection, versionTable, schema: planned.target.schema };
}
