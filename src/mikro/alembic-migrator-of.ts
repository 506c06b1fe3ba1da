import type { MikroORM } from '@mikro-orm/core';
import { AlembicMigrator } from './alembic-migrator';
import { NotRegisteredError } from './errors';

/**
 * `orm.migrator`, typed as the plugin's migrator. Throws {@link NotRegisteredError} when the ORM's
 * migrator is another one (the plugin is missing from `extensions`).
 *
 * @example
 * ```ts
 * import { alembicMigrator } from 'mikro-orm-alembic';
 *
 * const migrator = alembicMigrator(orm);
 * await migrator.upgrade('head');
 * console.log(migrator.history().map((r) => `${r.id} ${r.message}`));
 * ```
 */
export function alembicMigrator(orm: MikroORM): AlembicMigrator {
  const migrator: unknown = orm.migrator;
  if (migrator instanceof AlembicMigrator) return migrator;
  const name = typeof migrator === 'object' && migrator !== null ? migrator.constructor.name : String(migrator);
  throw new NotRegisteredError(name);
}
