import type { Configuration } from '@mikro-orm/core';
import { mikroOrmHistory } from '../adopt/mikro-orm-history';
import type { VersionTableSeed } from '../runtime/version-table-seed';
import type { VersionTable } from '../runtime/version-table';

/** MikroORM's `migrations.tableName` as the config had it before the plugin pointed it at the version table. */
const HISTORY_TABLES = new WeakMap<Configuration, string>();

/**
 * Called when the plugin registers: remembers MikroORM's own history table (`migrations.tableName` as the
 * user left it, default `mikro_orm_migrations`) so the history of an adopted project can be taken from
 * it, and adds it to `schemaGenerator.skipTables` so that a schema diff never proposes to drop it (it is
 * kept for the way back to MikroORM's migrator). Nothing when it already is the version table.
 *
 * @example
 * ```ts
 * rememberMikroOrmHistoryTable(orm.config, new VersionTable(options.versionTable)); // before tableName is overwritten
 * ```
 */
export function rememberMikroOrmHistoryTable(config: Configuration, versionTable: VersionTable): void {
  const tableName = config.get('migrations').tableName ?? 'mikro_orm_migrations';
  if (tableName === `${versionTable.schema}.${versionTable.name}` || tableName === versionTable.name) return;
  HISTORY_TABLES.set(config, tableName);
  const generator = config.get('schemaGenerator');
  const name = tableName.split('.').pop() as string;
  const skipTables = generator.skipTables ?? [];
  if (!skipTables.includes(name)) config.set('schemaGenerator', { ...generator, skipTables: [...skipTables, name] });
}

/**
 * The runtime's `historySeed` for an ORM whose plugin remembered MikroORM's history table (see
 * {@link rememberMikroOrmHistoryTable}), else `undefined`.
 *
 * @example
 * ```ts
 * env.runtime(connection, { historySeed: mikroOrmHistorySeed(orm.config) });
 * ```
 */
export function mikroOrmHistorySeed(config: Configuration): VersionTableSeed | undefined {
  const tableName = HISTORY_TABLES.get(config);
  if (tableName === undefined) return undefined;
  return mikroOrmHistory({ tableName, schema: config.get('schema') ?? undefined, baseDir: config.get('baseDir') });
}
