import type { ConnectionOptions, ConnectionSettings } from '../runtime/connection';
import type { VersionTableOptions } from '../runtime/version-table';
import type { PlannedTarget } from './target-sources';

/** What a single-target runtime needs to work on one fan-out target. */
export interface TargetRuntimeSettings {
  /** The connection (for a schema target: with `search_path` set to the schema for the whole session). */
  readonly connection: ConnectionOptions;
  /** The version table (for a schema target: in that schema, so its advisory lock key is the schema's own). */
  readonly versionTable: VersionTableOptions | undefined;
}

/**
 * The runtime settings of a target. A database target uses the project's version table as configured.
 * A schema target keeps the table's name but puts it in the target's schema: its rows, and the advisory
 * lock derived from `schema.name`, are that tenant's alone, so two tenants of one database migrate in
 * parallel while two processes never migrate the same tenant at once. Its session's `search_path` is the
 * schema, so the revisions' unqualified names land in it.
 *
 * @example
 * ```ts
 * const settings = targetRuntimeSettings(planned, { name: 'mikro_orm_alembic_version' });
 * const runtime = env.runtime(settings.connection, { versionTable: settings.versionTable });
 * ```
 */
export function targetRuntimeSettings(planned: PlannedTarget, versionTable: VersionTableOptions | undefined): TargetRuntimeSettings {
  const schema = planned.target.schema;
  if (schema === undefined) return { connection: planned.connection, versionTable };
  const base: ConnectionSettings = typeof planned.connection === 'string' ? { connectionString: planned.connection } : planned.connection;
  const options = [typeof base.options === 'string' ? base.options : '', `-c search_path=${startupValue(searchPathOf(schema))}`].filter((o) => o !== '').join(' ');
  return {
    connection: { ...base, options, source: base.source ?? `target ${planned.target.name}` },
    versionTable: { ...versionTable, schema },
  };
}

/** `search_path`'s value naming one schema, quoted as an identifier. */
export function searchPathOf(schema: string): string {
  return `"${schema.replace(/"/g, '""')}"`;
}

/** A value of PostgreSQL's startup `options`: spaces and backslashes escaped with a backslash. */
function startupValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/ /g, '\\ ');
}
