import type { MikroORM } from '@mikro-orm/core';
import { bookkeepingTableNames } from '../autogen/bookkeeping-tables';

/**
 * Adds the bookkeeping tables of migration tools (MikroORM's `mikro_orm_migrations` or the
 * configured `migrations.tableName`, Alembic's `alembic_version`, TypeORM's `migrations`, Knex's
 * `knex_migrations` and `knex_migrations_lock`, the plugin's version table, and `extra`) to MikroORM's
 * `schemaGenerator.skipTables`, so that MikroORM's own schema commands (`schema:update`,
 * `schema:drop`, `schema:fresh`) never propose to drop one. A name an entity declares as its table is
 * left alone (`skipTables` also hides entities). Called from the extension's `register`, after
 * discovery; `skipTables` matches bare table names, so a `schema.table` entry is added by its name.
 *
 * @example
 * ```ts
 * skipBookkeepingTables(orm, ['mikro_orm_migrations', 'public.mikro_orm_alembic_version']);
 * orm.config.get('schemaGenerator').skipTables; // [..., 'mikro_orm_migrations', 'alembic_version', ...]
 * ```
 */
export function skipBookkeepingTables(orm: MikroORM, extra: readonly string[]): void {
  const declared = new Set(
    Object.values(orm.getMetadata().getAll())
      .filter((meta) => !meta.embeddable && !meta.virtual && meta.tableName !== undefined)
      .map((meta) => meta.tableName.toLowerCase()),
  );
  const generator = orm.config.get('schemaGenerator');
  const skip = [...(generator.skipTables ?? [])];
  const present = (name: string) => skip.some((s) => typeof s === 'string' && s.toLowerCase() === name.toLowerCase());
  for (const { name } of bookkeepingTableNames(extra)) {
    if (declared.has(name.toLowerCase()) || present(name)) continue;
    skip.push(name);
  }
  orm.config.set('schemaGenerator', { ...generator, skipTables: skip });
}
