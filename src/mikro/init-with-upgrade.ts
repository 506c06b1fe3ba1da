import type { IDatabaseDriver, MikroORM, Options } from '@mikro-orm/core';
import { findAlembicOptions } from './alembic-options';
import { alembicMigrator } from './alembic-migrator-of';
import { beginInitWithUpgrade } from './init-in-progress';

const OFF = new Set(['0', 'false', 'no', 'off']);

/**
 * `MikroORM.init`, then the upgrade the plugin's `upgradeOnInit` option asks for (`true`: `head`, or
 * a target), before the ORM is handed out. Without `upgradeOnInit` (or with
 * `MIKRO_ORM_ALEMBIC_UPGRADE_ON_INIT=0`) it is `MikroORM.init`. The upgrade runs under the migration
 * lock (instances starting together apply each revision once); when it fails, the ORM is closed and
 * the error (e.g. `RevisionFailedError`, `LockTimeoutError`) is thrown.
 *
 * MikroORM's CLI starts the ORM itself, so `npx mikro-orm ...` never upgrades on start.
 *
 * @example
 * ```ts
 * import { defineConfig } from '@mikro-orm/postgresql';
 * import { alembic, initWithUpgrade } from 'mikro-orm-alembic';
 *
 * const config = defineConfig({ clientUrl: process.env.DATABASE_URL, entities: [User], extensions: [alembic({ upgradeOnInit: true })] });
 * const orm = await initWithUpgrade(config); // the database is at head here
 * ```
 */
export async function initWithUpgrade<D extends IDatabaseDriver = IDatabaseDriver>(options: Options<D>): Promise<MikroORM<D>> {
  // loaded here, not at import: importing the package (e.g. from a revision file) must not load MikroORM
  const { MikroORM: ORM } = require('@mikro-orm/core') as typeof import('@mikro-orm/core');
  const end = beginInitWithUpgrade();
  let orm: MikroORM<D>;
  try {
    orm = await ORM.init<D>(options);
  } finally {
    end();
  }
  const target = upgradeTarget(findAlembicOptions(orm.config.get('extensions'))?.upgradeOnInit);
  if (target === undefined) return orm;
  try {
    await alembicMigrator(orm).upgrade(target);
  } catch (error) {
    await orm.close(true);
    throw error;
  }
  return orm;
}

/** The target `upgradeOnInit` asks for, or `undefined` for none. @internal */
export function upgradeTarget(option: boolean | string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (option === undefined || option === false || option === '') return undefined;
  if (OFF.has((env.MIKRO_ORM_ALEMBIC_UPGRADE_ON_INIT ?? '').trim().toLowerCase())) return undefined;
  return option === true ? 'head' : option;
}
