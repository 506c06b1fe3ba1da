import type { CatalogQuery } from './enum-catalog';
import type { TableRef } from './operation';

/** One index as the catalog defines it. */
export interface CatalogIndexDefinition {
  /** `pg_get_indexdef`: the whole `CREATE [UNIQUE] INDEX ...` statement. */
  readonly indexdef: string;
  /** `pg_get_constraintdef` when the index backs a unique, primary key or exclusion constraint. */
  readonly constraintdef?: string;
}

/** The definitions of the indexes of a database, by table and index name. */
export interface IndexCatalog {
  get(table: TableRef, name: string): CatalogIndexDefinition | undefined;
}

const USER_SCHEMA = `n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'`;

/**
 * Reads every index of the database's user schemas with the catalog's own definition
 * (`pg_get_indexdef`, and `pg_get_constraintdef` for the constraints behind them). MikroORM's
 * introspection keeps the full text only for expression and partial indexes; an index re-created by
 * `down` (the inverse of a drop) must come back exactly (method, opclasses, ordering, `INCLUDE`,
 * predicate, `DEFERRABLE`), so autogenerate renders it from this text.
 *
 * @example
 * ```ts
 * const indexes = await readIndexCatalog((sql) => orm.em.getConnection().execute(sql));
 * indexes.get({ schema: 'public', name: 'user' }, 'user_name_hash')?.indexdef;
 * // 'CREATE INDEX user_name_hash ON public."user" USING hash (name)'
 * ```
 */
export async function readIndexCatalog(query: CatalogQuery): Promise<IndexCatalog> {
  const rows = await query(`
    select n.nspname as schema, t.relname as table, i.relname as name, pg_get_indexdef(i.oid) as indexdef,
      (select pg_get_constraintdef(c.oid) from pg_constraint c
        where c.conindid = i.oid and c.conrelid = t.oid and c.contype in ('p', 'u', 'x') limit 1) as constraintdef
    from pg_index x
    join pg_class i on i.oid = x.indexrelid
    join pg_class t on t.oid = x.indrelid
    join pg_namespace n on n.oid = t.relnamespace
    where ${USER_SCHEMA}`);
  const byKey = new Map<string, CatalogIndexDefinition>();
  for (const row of rows) {
    const def: { indexdef: string; constraintdef?: string } = { indexdef: String(row.indexdef) };
    if (typeof row.constraintdef === 'string') def.constraintdef = row.constraintdef;
    byKey.set(key({ schema: String(row.schema), name: String(row.table) }, String(row.name)), Object.freeze(def));
  }
  return Object.freeze({ get: (table: TableRef, name: string) => byKey.get(key(table, name)) });
}

/** A catalog without indexes (plans made without a database). */
export function emptyIndexCatalog(): IndexCatalog {
  return Object.freeze({ get: () => undefined });
}

function key(table: TableRef, name: string): string {
  return `${table.schema}\u0000${table.name}\u0000${name}`;
}
