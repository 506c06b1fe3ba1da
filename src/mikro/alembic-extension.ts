import type { MikroORM } from '@mikro-orm/core';
import { ALEMBIC_OPTIONS, type AlembicOptions, type HasAlembicOptions } from './alembic-options';
import { AlembicMigrator } from './alembic-migrator';

/** The extension object {@link alembic} returns: what MikroORM's `extensions` takes. */
export interface AlembicExtension extends HasAlembicOptions {
  /** Called by `MikroORM.init`: registers the plugin's migrator with these options. */
  register(orm: MikroORM): void;
}

/**
 * The plugin, for MikroORM's `extensions`: replaces MikroORM's migrator with {@link AlembicMigrator}
 * (so `npx mikro-orm migration:*` and `orm.migrator` work on the revision graph) and makes the
 * version table MikroORM's `migrations.tableName`. `extensions: [AlembicMigrator]` is the same with
 * the default options.
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
 *   extensions: [alembic({ path: 'dist/migrations', pathTs: 'migrations', lockTimeoutMs: 30_000 })],
 * });
 * ```
 */
export function alembic(options: AlembicOptions = {}): AlembicExtension {
  const frozen = Object.freeze({ ...options });
  return Object.freeze({
    [ALEMBIC_OPTIONS]: frozen,
    register: (orm: MikroORM) => AlembicMigrator.register(orm, frozen),
  });
}
