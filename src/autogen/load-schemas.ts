import type { Transaction } from '@mikro-orm/core';
import { DatabaseSchema, SqlSchemaGenerator, type SqlEntityManager } from '@mikro-orm/knex';
import { DEFAULT_VERSION_TABLE } from '../runtime/version-table';
import { readMultilineText } from './introspected-text';
import { bookkeepingTableNames, isBookkeepingTable } from './bookkeeping-tables';
import { DEFAULT_SCHEMA } from './names';
import { quoteStringDefaults } from './string-defaults';
import type { TemplateSchema } from './template-schema';

/** The two schemas autogenerate compares. */
export interface SchemaPair {
  /** The database as it is (introspected), without the version table. */
  readonly from: DatabaseSchema;
  /** The schema the entity metadata describes. */
  readonly to: DatabaseSchema;
}

/** Where the plugin's version table lives (it is never part of a diff). */
export interface VersionTableRef {
  readonly schema?: string;
  readonly name?: string;
}

/** Schema-per-tenant: compare the wildcard entities with this template schema (see {@link TemplateSchema}). */
export interface TemplateLoadOptions {
  readonly template: TemplateSchema;
  /** The transaction whose `search_path` is the template's (catalog definitions print its names unqualified). */
  readonly ctx?: Transaction;
}

/**
 * Loads the target schema from the metadata and the current schema from the database, as MikroORM's
 * own migrator prepares them (`getTargetSchema`, `DatabaseSchema.create` over the target's namespaces
 * with `schemaGenerator.skipTables`, both pruned), and takes the version table and the bookkeeping
 * tables of migration tools (`DEFAULT_BOOKKEEPING_TABLES`, MikroORM's `migrations.tableName`, and
 * `bookkeepingTables`: `'name'` or `'schema.name'`) that no entity declares out of the current one,
 * so the diff never proposes to drop them (nor their schema, when nothing else lives there).
 *
 * @example
 * ```ts
 * const { from, to } = await loadSchemas(orm.em as SqlEntityManager, { schema: 'ops', name: 'versions' });
 * ```
 */
export async function loadSchemas(
  em: SqlEntityManager,
  versionTable: VersionTableRef = {},
  bookkeepingTables: readonly string[] = [],
  tenants?: TemplateLoadOptions,
): Promise<SchemaPair> {
  const generator = new SqlSchemaGenerator(em);
  const platform = em.getPlatform();
  const config = em.config;
  const template = tenants?.template.name;
  // with a template: only the wildcard entities (and any of that schema), placed in the template schema
  const to = generator.getTargetSchema(template);
  quoteStringDefaults(to, Object.values(em.getMetadata().getAll()));
  const skipTables = config.get('schemaGenerator').skipTables;
  const namespaces = template === undefined ? to.getNamespaces() : [template];
  const from = await DatabaseSchema.create(em.getConnection(), platform, config, template, namespaces, undefined, skipTables, tenants?.ctx);
  readMultilineText(from, platform);

  const schema = template ?? versionTable.schema ?? DEFAULT_SCHEMA;
  const name = versionTable.name ?? DEFAULT_VERSION_TABLE;
  const tables = from.getTables(); // the schema's own array: removing from it removes the table
  for (let i = tables.length - 1; i >= 0; i--) {
    if (tables[i].name === name && (tables[i].schema ?? DEFAULT_SCHEMA) === schema) tables.splice(i, 1);
  }
  // other migrators' bookkeeping tables (and MikroORM's configured one), unless an entity declares the table
  const bookkeeping = bookkeepingTableNames([...bookkeepingTables, config.get('migrations').tableName ?? 'mikro_orm_migrations']);
  const declared = new Set(to.getTables().map((t) => `${t.schema ?? DEFAULT_SCHEMA}.${t.name}`));
  for (let i = tables.length - 1; i >= 0; i--) {
    const tableSchema = tables[i].schema ?? DEFAULT_SCHEMA;
    if (isBookkeepingTable(bookkeeping, tableSchema, tables[i].name) && !declared.has(`${tableSchema}.${tables[i].name}`)) tables.splice(i, 1);
  }

  const wildcardTables = Object.values(em.getMetadata().getAll())
    .filter((meta) => meta.schema === '*')
    .map((meta) => meta.tableName);
  from.prune(template, wildcardTables);
  to.prune(template, wildcardTables);
  if (tenants !== undefined) {
    tenants.template.relabel(from);
    tenants.template.relabel(to);
  }
  return { from, to };
}
