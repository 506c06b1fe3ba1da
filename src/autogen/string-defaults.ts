import type { EntityMetadata } from '@mikro-orm/core';
import type { DatabaseSchema } from '@mikro-orm/knex';
import { DEFAULT_SCHEMA } from './names';

/**
 * MikroORM 6.6.16 turns a property's string `default` into SQL as `'${value}'` without doubling the
 * quotes inside (`MetadataDiscovery.initDefaultValue`), so `default: "it's"` becomes the broken
 * `default 'it's'`, and a crafted default is SQL of its own. This corrects the target schema's column
 * defaults that MikroORM built that way: the value as a string literal with `'` doubled, which is also
 * how PostgreSQL reads it back (so the next autogenerate finds nothing to change). Defaults given as
 * SQL (`defaultRaw`, `sql\`...\``) are left as they are.
 *
 * @example
 * ```ts
 * const to = new SqlSchemaGenerator(em).getTargetSchema();
 * quoteStringDefaults(to, Object.values(em.getMetadata().getAll()));
 * ```
 */
export function quoteStringDefaults(to: DatabaseSchema, metadata: readonly EntityMetadata[]): void {
  for (const meta of metadata) {
    if (meta.tableName === undefined || meta.embeddable || meta.virtual) continue;
    const schema = meta.schema && meta.schema !== '*' ? meta.schema : undefined;
    const table = to.getTables().find((t) => t.name === meta.tableName && (schema === undefined ? t.schema === undefined || t.schema === DEFAULT_SCHEMA : t.schema === schema));
    if (table === undefined) continue;
    for (const prop of Object.values(meta.properties)) {
      const value: unknown = prop.default;
      if (typeof value !== 'string' || !value.includes("'") || prop.defaultRaw !== `'${value}'`) continue;
      const column = prop.fieldNames?.length === 1 ? table.getColumn(prop.fieldNames[0]) : undefined;
      if (column !== undefined && column.default === prop.defaultRaw) column.default = `'${value.replace(/'/g, "''")}'`;
    }
  }
}
