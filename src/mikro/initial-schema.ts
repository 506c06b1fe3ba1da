import type { MikroORM } from '@mikro-orm/core';
import { DatabaseSchema, type SqlEntityManager } from '@mikro-orm/knex';

/** Which of the entities' tables the database already has. */
export interface InitialSchemaState {
  /** `none`: an empty database (run the initial revision); `all`: the schema exists (stamp it); `some`: neither. */
  readonly state: 'none' | 'all' | 'some';
  /** The entities' tables (`schema.table`), sorted. */
  readonly expected: readonly string[];
  /** Those the database has. */
  readonly existing: readonly string[];
}

/**
 * Which of the entities' tables exist in the ORM's database, as MikroORM's migrator decides before an
 * initial migration (`validateInitialMigration`): every table of a non-embeddable, non-virtual
 * entity, by schema and name. `all` means the schema exists and the initial revision is recorded as
 * applied without running; `some` is refused by the caller.
 *
 * @example
 * ```ts
 * const { state, existing } = await initialSchemaState(orm);
 * if (state === 'some') throw new Error(`remove ${existing.join(', ')} first`);
 * ```
 */
export async function initialSchemaState(orm: MikroORM): Promise<InitialSchemaState> {
  const em = orm.em as unknown as SqlEntityManager;
  const platform = em.getPlatform();
  const defaultSchema = orm.config.get('schema') ?? platform.getDefaultSchemaName() ?? 'public';
  const expected = new Set<string>();
  for (const meta of Object.values(em.getMetadata().getAll())) {
    if (!meta.tableName || meta.embeddable || meta.virtual) continue;
    expected.add(`${meta.schema && meta.schema !== '*' ? meta.schema : defaultSchema}.${meta.tableName}`);
  }
  const schema = await DatabaseSchema.create(em.getConnection(), platform, orm.config);
  const existing = new Set<string>();
  for (const table of schema.getTables()) {
    const name = `${table.schema ?? platform.getDefaultSchemaName() ?? 'public'}.${table.name}`;
    if (expected.has(name)) existing.add(name);
  }
  const state = existing.size === 0 ? 'none' : existing.size === expected.size ? 'all' : 'some';
  return Object.freeze({ state, expected: Object.freeze([...expected].sort()), existing: Object.freeze([...existing].sort()) });
}
