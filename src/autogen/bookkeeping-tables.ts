/**
 * The tables migration tools keep their history in. They are never the entities' business: no diff
 * the plugin takes part in (autogenerate, the test kit's drift check, `migration:check`, MikroORM's
 * `schema:update` with the plugin registered) proposes to create, change or drop one, unless an entity
 * declares a table of that name.
 *
 * - `mikro_orm_migrations`: MikroORM's own migrator (default `migrations.tableName`);
 * - `alembic_version`: Alembic;
 * - `migrations`: TypeORM;
 * - `knex_migrations`, `knex_migrations_lock`: Knex;
 * - the plugin's version table, MikroORM's configured `migrations.tableName`, and the names a project
 *   adds (`bookkeepingTables` of `alembic({...})`).
 */
export const DEFAULT_BOOKKEEPING_TABLES: readonly string[] = Object.freeze([
  'mikro_orm_migrations',
  'alembic_version',
  'migrations',
  'knex_migrations',
  'knex_migrations_lock',
]);

/** A bookkeeping table name: bare (any schema) or `schema.table`. */
export interface BookkeepingTableName {
  readonly schema?: string;
  readonly name: string;
}

/**
 * The bookkeeping table names to leave out: the defaults, then `extra` (`'name'` or `'schema.name'`),
 * without duplicates.
 *
 * @example
 * ```ts
 * bookkeepingTableNames(['ops.schema_versions', 'flyway_schema_history']);
 * // [{ name: 'mikro_orm_migrations' }, ..., { schema: 'ops', name: 'schema_versions' }, { name: 'flyway_schema_history' }]
 * ```
 */
export function bookkeepingTableNames(extra: readonly string[] = []): BookkeepingTableName[] {
  const seen = new Set<string>();
  const out: BookkeepingTableName[] = [];
  for (const entry of [...DEFAULT_BOOKKEEPING_TABLES, ...extra]) {
    if (seen.has(entry)) continue;
    seen.add(entry);
    const dot = entry.indexOf('.');
    out.push(Object.freeze(dot < 0 ? { name: entry } : { schema: entry.slice(0, dot), name: entry.slice(dot + 1) }));
  }
  return out;
}

/** Whether a table (`schema`, `name`) is one of `names`. */
export function isBookkeepingTable(names: readonly BookkeepingTableName[], schema: string, name: string): boolean {
  return names.some((n) => n.name === name && (n.schema === undefined || n.schema === schema));
}
