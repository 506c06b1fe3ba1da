import type { MikroORM } from '@mikro-orm/core';
import type { SchemaFilterOptions } from './schema-filter';

/**
 * The key the plugin's options are kept under on the extension object (`alembic({...})`) and on
 * `AlembicMigrator`. `Symbol.for`, so it is the same symbol as `ALEMBIC_OPTIONS` of the MikroORM
 * adapter, which sits above this layer.
 */
const OPTIONS_KEY = Symbol.for('mikro-orm-alembic.options');

/** The options of `alembic({...})` autogenerate reads by itself. */
export interface PluginAutogenOptions extends SchemaFilterOptions {
  readonly bookkeepingTables?: readonly string[];
}

/**
 * The autogenerate options of the plugin registered in the ORM's `extensions`, if any: so that every
 * caller (the migrator, the bin, the test kit's drift check) compares the same objects.
 *
 * @example
 * ```ts
 * registeredPluginOptions(orm)?.ignore; // ['audit_*']
 * ```
 */
export function registeredPluginOptions(orm: MikroORM): PluginAutogenOptions | undefined {
  const extensions = (orm.config.get('extensions') ?? []) as unknown[];
  for (const ext of extensions) {
    if ((typeof ext === 'object' || typeof ext === 'function') && ext !== null && OPTIONS_KEY in ext) {
      return (ext as Record<symbol, PluginAutogenOptions>)[OPTIONS_KEY];
    }
  }
  return undefined;
}
