import type { MikroORM } from '@mikro-orm/core';
import { DatabaseSchema, SchemaComparator, SqlSchemaGenerator, type SqlEntityManager } from '@mikro-orm/knex';
import { PostgreSqlPlatform } from '@mikro-orm/postgresql';
import { renderAutogenResult, type AutogenResult } from './autogen-result';
import { emptyCatalog } from './enum-catalog';
import { AutogenUnsupportedPlatformError } from './errors';
import { applyPasses, type OperationPass } from './operation-pass';
import { planOperations } from './plan-operations';
import { registeredPluginOptions } from './plugin-options';
import { applySchemaFilter, compileSchemaFilter, hasSchemaFilter } from './schema-filter';

/** Options of {@link autogenerateBaseline}. */
export interface BaselineOptions {
  /** Rewrites of the planned operations, in order. Default: none. */
  readonly passes?: readonly OperationPass[];
}

/**
 * The base revision of the current model: the operations that build the entities' schema from an
 * empty database (native enum types, schemas, tables, indexes, foreign keys), each with its inverse,
 * rendered as a revision's `up()`/`down()`. The database is not read: the comparison is with an
 * empty schema, so the result is the same whether the schema already exists or not.
 *
 * It is what a database that exists without history needs (created by `schema:update`, by hand, or
 * by a tool being replaced): write the result as a revision with no down revision, then `stamp` it
 * where the schema exists and `upgrade` where it does not. `migration:create --initial`
 * (`createInitialMigration()`) and the bin's `revision --autogenerate --baseline` use it.
 *
 * @throws {AutogenUnsupportedPlatformError} when the ORM is not on PostgreSQL
 * @example
 * ```ts
 * import { writeRevision } from 'mikro-orm-alembic';
 * import { autogenerateBaseline } from 'mikro-orm-alembic/autogen';
 *
 * const baseline = await autogenerateBaseline(orm);
 * writeRevision({ directory: 'migrations', heads: [], head: null, message: 'baseline', upBody: baseline.upBody, downBody: baseline.downBody });
 * ```
 */
export async function autogenerateBaseline(orm: MikroORM, options: BaselineOptions = {}): Promise<AutogenResult> {
  const platform = orm.em.getPlatform();
  if (!(platform instanceof PostgreSqlPlatform)) throw new AutogenUnsupportedPlatformError(platform.constructor.name);
  const em = orm.em as unknown as SqlEntityManager;
  const to = new SqlSchemaGenerator(em).getTargetSchema();
  const from = new DatabaseSchema(platform, platform.getDefaultSchemaName() as string);
  const wildcardTables = Object.values(em.getMetadata().getAll())
    .filter((meta) => meta.schema === '*')
    .map((meta) => meta.tableName);
  to.prune(undefined, wildcardTables);
  // the registered plugin's include/ignore: an object left out is not created by the baseline either
  const plugin = registeredPluginOptions(orm);
  const filter = { include: plugin?.include, ignore: plugin?.ignore };
  if (hasSchemaFilter(filter)) applySchemaFilter(from, to, compileSchemaFilter(filter));
  const enumCatalog = emptyCatalog();
  const diff = new SchemaComparator(platform).compare(from, to);
  const planned = planOperations({
    from,
    to,
    diff,
    platform,
    safe: false,
    dropUnusedEnums: false,
    foreignKeys: em.config.get('schemaGenerator').createForeignKeyConstraints !== false,
    enumCatalog,
  });
  const operations = applyPasses(planned, options.passes ?? [], { from, to, platform, enumCatalog });
  return renderAutogenResult(operations, platform);
}
