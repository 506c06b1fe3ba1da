import type { IDatabaseDriver, MikroORM, Options } from '@mikro-orm/core';

/**
 * `MikroORM.init(options)`. With the plugin's `upgradeOnInit`, `MikroORM.init` itself returns only
 * once the database is upgraded (or throws the upgrade's error), so this is kept only for code
 * written against the first version of the plugin, where `MikroORM.init` could not wait.
 *
 * @deprecated use `await MikroORM.init(config)`; see `docs/upgrade-on-init.md`.
 * @example
 * ```ts
 * import { defineConfig } from '@mikro-orm/postgresql';
 * import { alembic, initWithUpgrade } from 'mikro-orm-alembic';
 *
 * const config = defineConfig({ clientUrl: process.env.DATABASE_URL, entities: [User], extensions: [alembic({ upgradeOnInit: true })] });
 * const orm = await initWithUpgrade(config); // the same as: await MikroORM.init(config)
 * ```
 */
export async function initWithUpgrade<D extends IDatabaseDriver = IDatabaseDriver>(options: Options<D>): Promise<MikroORM<D>> {
  // loaded here, not at import: importing the package (e.g. from a revision file) must not load MikroORM
  const { MikroORM: ORM } = require('@mikro-orm/core') as typeof import('@mikro-orm/core');
  return ORM.init<D>(options);
}
