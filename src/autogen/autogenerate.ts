import type { MikroORM } from '@mikro-orm/core';
import { SchemaComparator, type SqlEntityManager } from '@mikro-orm/knex';
import { PostgreSqlPlatform } from '@mikro-orm/postgresql';
import { renderAutogenResult, type AutogenResult } from './autogen-result';
import { readEnumCatalog, type CatalogQuery } from './enum-catalog';
import type { EnumRenames } from './enum-planner';
import { AutogenUnsupportedPlatformError } from './errors';
import { readIndexCatalog } from './index-catalog';
import { loadSchemas } from './load-schemas';
import { applyPasses, type OperationPass } from './operation-pass';
import { planOperations } from './plan-operations';
import { registeredPluginOptions } from './plugin-options';
import { applySchemaFilter, compileSchemaFilter, hasSchemaFilter, type SchemaFilterOptions } from './schema-filter';
import { TemplateSchema } from './template-schema';
import { SchemaNotFoundError } from '../runtime/errors';
import { sqlIdentifier } from '../script/sql-quote';

/** Options of {@link autogenerate}. */
export interface AutogenOptions {
  /** The plugin's version table, left out of the comparison. Default `public.mikro_orm_alembic_version`. */
  readonly versionTable?: { readonly schema?: string; readonly name?: string };
  /**
   * Also drop native enum types that no column of the database uses. Default `false`: only types
   * that columns used before this revision (and no entity uses any more) are dropped; types the
   * model never knew are left alone.
   */
  readonly dropUnusedEnums?: boolean;
  /** Leave out drops of tables, columns, enum types and schemas (MikroORM's `migrations.safe`). */
  readonly safe?: boolean;
  /**
   * Which tables, columns, indexes, checks and foreign keys are compared (Alembic's `include_object`):
   * see {@link SchemaFilterOptions}. Default: the `include`/`ignore` of the plugin registered in the
   * ORM's `extensions` (`alembic({...})`), else everything.
   */
  readonly include?: SchemaFilterOptions['include'];
  /** Objects never compared: see {@link SchemaFilterOptions}. Default: the registered plugin's `ignore`. */
  readonly ignore?: SchemaFilterOptions['ignore'];
  /**
   * More bookkeeping tables of migration tools to leave out (`'name'` or `'schema.name'`), besides
   * `DEFAULT_BOOKKEEPING_TABLES`, the version table and MikroORM's `migrations.tableName`. Default:
   * the registered plugin's `bookkeepingTables`.
   */
  readonly bookkeepingTables?: readonly string[];
  /**
   * Write changes to tables that already exist in their lock-safe forms (concurrent index builds,
   * `not valid` + `validate`, NOT NULL through a validated check; docs/safe-ddl.md). Default `true`.
   */
  readonly safeDdl?: boolean;
  /**
   * Schema-per-tenant: compare the entities whose `schema` is `'*'` with this schema of the database
   * (a tenant schema at head: the template) and write the revision without any schema name, so that it
   * runs in every tenant schema (docs/tenants.md). Entities of fixed schemas are left out. Default: none
   * (wildcard entities are left out, as in MikroORM's own migrator).
   */
  readonly templateSchema?: string;
  /** Rewrites of the planned operations, in order. Default: none. */
  readonly passes?: readonly OperationPass[];
  /**
   * Enum type and value renames autogenerate cannot be sure of (see docs/enums.md): declared renames,
   * or `null` for "not a rename" where it would guess one.
   */
  readonly enumRenames?: EnumRenames;
  /**
   * Guess renames: a type replaced by a new one with the same values and the same columns, one value
   * replaced by a new one at the same position. Default `true`; guesses carry a safety note.
   */
  readonly guessEnumRenames?: boolean;
}

/**
 * Compares the entity metadata with the database and returns the operations that make the
 * database match, rendered as the `up()`/`down()` bodies of a revision, as SQL, as safety notes and
 * as a summary. The difference is MikroORM's own (`SchemaComparator`); the plugin's version table is
 * never part of it. Native enum types are planned from the database's catalog (read here, once):
 * renames, values added in place, rebuilds that convert every column and keep what depends on it
 * (docs/enums.md). The caller guarantees the database is at head. No difference gives
 * `{ empty: true }` with empty bodies, SQL, notes and summary.
 *
 * @throws {AutogenUnsupportedPlatformError} when the ORM is not on PostgreSQL
 * @throws {EnumRebuildBlockedError} when an enum type must be rebuilt but something in the database cannot be kept
 * @throws {InvalidEnumRenameError} when a declared enum rename does not fit
 * @example
 * ```ts
 * import { MikroORM } from '@mikro-orm/postgresql';
 * import { writeRevision } from 'mikro-orm-alembic';
 * import { autogenerate } from 'mikro-orm-alembic/autogen';
 *
 * const orm = await MikroORM.init(config);
 * const result = await autogenerate(orm);
 * if (result.empty) console.log('schema is up to date');
 * else {
 *   for (const note of result.notes) console.warn(`${note.code}: ${note.message}`);
 *   writeRevision({ directory: 'migrations', heads, message: 'add posts', upBody: result.upBody, downBody: result.downBody });
 * }
 * ```
 */
export async function autogenerate(orm: MikroORM, options: AutogenOptions = {}): Promise<AutogenResult> {
  const platform = orm.em.getPlatform();
  if (!(platform instanceof PostgreSqlPlatform)) throw new AutogenUnsupportedPlatformError(platform.constructor.name);
  const em = orm.em as unknown as SqlEntityManager;
  const plugin = registeredPluginOptions(orm);
  const connection = em.getConnection();
  const template = options.templateSchema === undefined ? undefined : new TemplateSchema(options.templateSchema);
  // a template's catalog is read in one transaction whose search_path is the template's, then rolled back
  const ctx = template === undefined ? undefined : await connection.begin();
  let from, to, enumCatalog, indexCatalog;
  try {
    if (ctx !== undefined && template !== undefined) {
      await connection.execute(`set local search_path to ${sqlIdentifier(template.name)}, public`, [], 'run', ctx);
      const [found] = await connection.execute<{ found: boolean }[]>('select exists (select 1 from pg_namespace where nspname = ?) as found', [template.name], 'all', ctx);
      if (found?.found !== true) throw new SchemaNotFoundError(template.name);
    }
    ({ from, to } = await loadSchemas(em, options.versionTable, options.bookkeepingTables ?? plugin?.bookkeepingTables, template && { template, ctx }));
    const raw: CatalogQuery = (sql) => connection.execute(sql, [], 'all', ctx);
    const query = template === undefined ? raw : template.catalogQuery(raw);
    enumCatalog = await readEnumCatalog(query);
    indexCatalog = await readIndexCatalog(query);
  } finally {
    if (ctx !== undefined) await connection.rollback(ctx);
  }
  const filter: SchemaFilterOptions = options.include !== undefined || options.ignore !== undefined ? options : { include: plugin?.include, ignore: plugin?.ignore };
  if (hasSchemaFilter(filter)) applySchemaFilter(from, to, compileSchemaFilter(filter));
  const diff = new SchemaComparator(platform).compare(from, to);
  const planned = planOperations({
    from,
    to,
    diff,
    platform,
    safe: options.safe,
    dropUnusedEnums: options.dropUnusedEnums,
    foreignKeys: em.config.get('schemaGenerator').createForeignKeyConstraints !== false,
    enumCatalog,
    enumRenames: options.enumRenames,
    guessEnumRenames: options.guessEnumRenames,
    indexCatalog,
  });
  const operations = applyPasses(planned, options.passes ?? [], { from, to, platform, enumCatalog });
  const result = await renderAutogenResult(operations, platform, { safeDdl: options.safeDdl });
  return template === undefined ? result : template.forTenants(result);
}
