import type { MikroORM } from '@mikro-orm/core';
import './all-or-nothing'; // MikroORM's allOrNothing default made recognisable, before any config is built
import { ALEMBIC_OPTIONS, type AlembicOptions, type HasAlembicOptions } from './alembic-options';
import { AlembicMigrator } from './alembic-migrator';
import { startUpgradeOnInit } from './upgrade-on-init';

/** The extension object {@link alembic} returns: what MikroORM's `extensions` takes. */
export interface AlembicExtension extends HasAlembicOptions {
  /**
   * Called by `MikroORM.init`: registers the plugin's migrator with these options, and with
   * `upgradeOnInit` starts the upgrade that `init` then waits for.
   */
  register(orm: MikroORM): void;
}

/**
 * The plugin, for MikroORM's `extensions`: replaces MikroORM's migrator with {@link AlembicMigrator}
 * (so `npx mikro-orm migration:*` and `orm.migrator` work on the revision graph) and makes the
 * version table MikroORM's `migrations.tableName`. `extensions: [AlembicMigrator]` is the same with
 * the default options.
 *
 * With `upgradeOnInit`, `await MikroORM.init(config)` returns only once the database is at the
 * target (or throws the upgrade's error); see `docs/upgrade-on-init.md`.
 *
 * @example
 * ```ts
 * // mikro-orm.config.ts
 * import { defineConfig } from '@mikro-orm/postgresql';
 * import { alembic } from 'mikro-orm-alembic';
 * import { User } from './entities/User';
 *
 * export default defineConfig({
 *   clientUrl: process.env.DATABASE_URL,
 *   entities: [User],
 *   extensions: [alembic({ path: 'dist/migrations', pathTs: 'migrations', lockTimeoutMs: 30_000, upgradeOnInit: true })],
 * });
 *
 * // main.ts
 * const orm = await MikroORM.init(config); // the database is at head here
 * ```
 */
export function alembic(options: AlembicOptions = {}): AlembicExtension {
  const frozen = Object.freeze({ ...options });
  return Object.freeze({
    [ALEMBIC_OPTIONS]: frozen,
    register: (orm: MikroORM) => {
      AlembicMigrator.register(orm, frozen);
      startUpgradeOnInit(orm, frozen);
    },
  });
}
