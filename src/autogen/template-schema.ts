import type { DatabaseSchema } from '@mikro-orm/knex';
import type { AutogenResult } from './autogen-result';
import type { CatalogQuery } from './enum-catalog';
import { TemplateSchemaLeakError } from './errors';
import { DEFAULT_SCHEMA } from './names';

/**
 * Schema-per-tenant autogenerate: the entities whose `schema` is `'*'` (MikroORM's wildcard) are compared
 * with one **template schema** of the database (a tenant schema kept at head), and the revision is written
 * with no schema name at all, so that it runs in any tenant schema (the runtime's `search_path` is the
 * tenant's).
 *
 * The way there: the template schema is relabelled as PostgreSQL's default schema (`public`) on both sides
 * of the comparison, and in the catalogs read for enum types and indexes, before anything is planned.
 * Names in the default schema are written unqualified everywhere (MikroORM's rule, and ours), so every
 * statement comes out without the template's name. What lives in other schemas keeps its schema, except
 * the real `public`, which is hidden under a name no schema can have while the template stands in for it.
 * The catalog's definitions (`pg_get_indexdef`, views, checks) are read with `search_path` = the
 * template, then `public`, so they print the template's objects unqualified too.
 *
 * @example
 * ```ts
 * const template = new TemplateSchema('tenant_template');
 * template.relabel(to);
 * template.relabel(from);
 * const catalog = await readEnumCatalog(template.catalogQuery(query));
 * ```
 */
export class TemplateSchema {
  /** The stand-in for the real `public` while the template plays it: contains NUL, which no schema name can. */
  static readonly HIDDEN_PUBLIC = '\u0000public';

  constructor(readonly name: string) {}

  /** A schema name as the comparison sees it: the template → `public`, `public` → hidden, others unchanged. */
  schemaOf(schema: string | undefined): string | undefined {
    if (schema === this.name || schema === '*') return DEFAULT_SCHEMA;
    if (schema === DEFAULT_SCHEMA) return TemplateSchema.HIDDEN_PUBLIC;
    return schema;
  }

  /** A `schema.name` (or `*.name`) as the comparison sees it: the template's (and the wildcard's) prefix dropped. */
  qualifiedOf(text: string): string {
    for (const prefix of [`${this.name}.`, '*.']) {
      if (text.startsWith(prefix)) return text.slice(prefix.length);
    }
    return text;
  }

  /**
   * Relabels one side of the comparison in place: tables, foreign keys, enum column types, native enum
   * types and namespaces of the template schema (and the wildcard `*` MikroORM leaves on enum types of
   * wildcard entities) become the default schema's.
   */
  relabel(schema: DatabaseSchema): void {
    const internal = schema as unknown as {
      name: string;
      namespaces: Set<string>;
      nativeEnums: Record<string, { name: string; schema?: string; items: string[] }>;
    };
    for (const table of schema.getTables()) {
      const t = table as unknown as { schema?: string };
      t.schema = this.schemaOf(t.schema);
      for (const fk of Object.values(table.getForeignKeys())) {
        fk.localTableName = this.qualifiedOf(fk.localTableName);
        fk.referencedTableName = this.qualifiedOf(fk.referencedTableName);
      }
      for (const column of Object.values(table.getColumns())) {
        column.type = this.qualifiedOf(column.type);
        if (column.nativeEnumName !== undefined) column.nativeEnumName = this.qualifiedOf(column.nativeEnumName);
      }
    }
    const enums: Record<string, { name: string; schema?: string; items: string[] }> = {};
    for (const value of Object.values(internal.nativeEnums ?? {})) {
      const schemaName = this.schemaOf(value.schema);
      enums[schemaName === DEFAULT_SCHEMA || schemaName === undefined ? value.name : `${schemaName}.${value.name}`] = {
        ...value,
        schema: schemaName,
      };
    }
    internal.nativeEnums = enums;
    internal.namespaces = new Set([...internal.namespaces].filter((ns) => ns !== this.name && ns !== '*' && ns !== DEFAULT_SCHEMA));
    internal.name = DEFAULT_SCHEMA;
  }

  /** A catalog query whose rows speak of the template as the default schema (columns `schema`, `*_schema`). */
  catalogQuery(query: CatalogQuery): CatalogQuery {
    return async (sql) =>
      (await query(sql)).map((row) => {
        const copy: Record<string, unknown> = { ...row };
        for (const key of Object.keys(copy)) {
          if ((key === 'schema' || key.endsWith('_schema')) && typeof copy[key] === 'string') copy[key] = this.schemaOf(copy[key] as string);
        }
        return copy;
      });
  }

  /**
   * The result as a tenant revision: since the template stood in for `public`, a `"public".` qualifier
   * that a renderer writes anyway (the lock-safe index steps name the index's schema) means "the tenant's
   * schema", and is dropped; a catalog lookup `nspname = 'public'` becomes `nspname = current_schema()`
   * (the first schema of the tenant's `search_path`: the tenant).
   */
  forTenants(result: AutogenResult): AutogenResult {
    const fix = (text: string): string => text.replace(/"public"\./g, '').replace(/(nspname\s*=\s*)'public'/g, '$1current_schema()');
    const fixed: AutogenResult = Object.freeze({
      ...result,
      upBody: fix(result.upBody),
      downBody: fix(result.downBody),
      upSql: Object.freeze(result.upSql.map(fix)),
      downSql: Object.freeze(result.downSql.map(fix)),
    });
    this.assertClean(fixed);
    return fixed;
  }

  /**
   * The check before anything is written: no statement, no line of code and no note of the result names
   * the template schema or the hidden `public`.
   *
   * @throws {TemplateSchemaLeakError} naming the first line that does
   */
  assertClean(result: AutogenResult): void {
    const quoted = `"${this.name.replace(/"/g, '""')}"`;
    const texts = [result.upBody, result.downBody, ...result.upSql, ...result.downSql];
    for (const text of texts) {
      for (const line of text.split('\n')) {
        if (line.includes(TemplateSchema.HIDDEN_PUBLIC) || line.includes(`${quoted}.`) || /"public"\.|'public'/.test(line) || new RegExp(`(^|[^\\w$"])${escapeRegExp(this.name)}\\.`).test(line)) {
          throw new TemplateSchemaLeakError(this.name, line.trim());
        }
      }
    }
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
