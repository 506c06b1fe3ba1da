/**
 * A normalized dump of a database's schema from pg_catalog, to check that a downgrade restores
 * exactly what was there before: schemas, enum types (labels in order), tables and their comments,
 * columns (type, NOT NULL, default, comment, identity, generation), constraints, indexes, sequences.
 *
 * Column *order* is left out on purpose: PostgreSQL cannot re-add a dropped column in its old
 * position, so a column restored by `down` comes last.
 */
import { Client } from 'pg';

export interface SchemaFingerprint {
  readonly schemas: readonly string[];
  readonly enums: readonly Record<string, unknown>[];
  readonly tables: readonly Record<string, unknown>[];
  readonly columns: readonly Record<string, unknown>[];
  readonly constraints: readonly Record<string, unknown>[];
  readonly indexes: readonly Record<string, unknown>[];
  readonly sequences: readonly Record<string, unknown>[];
}

const USER_SCHEMA = `n.nspname not like 'pg\\_%' and n.nspname <> 'information_schema'`;

/** The fingerprint of the database at `url`, leaving out the tables named in `exclude` (`schema.table`). */
export async function schemaFingerprint(url: string, exclude: readonly string[] = ['public.mikro_orm_alembic_version']): Promise<SchemaFingerprint> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const q = async (sql: string): Promise<Record<string, unknown>[]> => {
      const rows = (await client.query(sql)).rows as Record<string, unknown>[];
      return rows.filter((r) => !(typeof r.table === 'string' && exclude.includes(`${String(r.schema)}.${r.table}`)));
    };
    const schemas = (await q(`select n.nspname as schema from pg_namespace n where ${USER_SCHEMA} order by 1`)).map((r) => String(r.schema));
    const enums = await q(`
      select n.nspname as schema, t.typname as name, array_agg(e.enumlabel::text order by e.enumsortorder) as labels
      from pg_type t join pg_enum e on e.enumtypid = t.oid join pg_namespace n on n.oid = t.typnamespace
      where ${USER_SCHEMA} group by 1, 2 order by 1, 2`);
    const tables = await q(`
      select n.nspname as schema, c.relname as table, obj_description(c.oid, 'pg_class') as comment
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and ${USER_SCHEMA} order by 1, 2`);
    const columns = await q(`
      select n.nspname as schema, c.relname as table, a.attname as column, format_type(a.atttypid, a.atttypmod) as type,
        a.attnotnull as not_null, pg_get_expr(d.adbin, d.adrelid) as default, col_description(c.oid, a.attnum) as comment,
        a.attidentity as identity, a.attgenerated as generated
      from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
      left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
      where c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped and ${USER_SCHEMA}
      order by 1, 2, 3`);
    const constraints = await q(`
      select n.nspname as schema, c.relname as table, con.conname as name, con.contype as type, pg_get_constraintdef(con.oid) as definition
      from pg_constraint con join pg_class c on c.oid = con.conrelid join pg_namespace n on n.oid = c.relnamespace
      where ${USER_SCHEMA} order by 1, 2, 3`);
    const indexes = await q(`
      select schemaname as schema, tablename as table, indexname as name, indexdef as definition
      from pg_indexes n0 join pg_namespace n on n.nspname = n0.schemaname where ${USER_SCHEMA} order by 1, 2, 3`);
    const sequences = await q(`
      select schemaname as schema, sequencename as name, data_type::text as type from pg_sequences s join pg_namespace n on n.nspname = s.schemaname
      where ${USER_SCHEMA} and sequencename not like 'mikro_orm_alembic_version%' order by 1, 2`);
    return { schemas, enums, tables, columns, constraints, indexes, sequences };
  } finally {
    await client.end();
  }
}

/** Runs SQL on `url` and returns the rows. */
export async function sql<T = Record<string, unknown>>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Empties a database: every user schema dropped, `public` re-created. */
export async function resetDatabase(url: string): Promise<void> {
  const schemas = await sql<{ nspname: string }>(url, `select nspname from pg_namespace n where ${USER_SCHEMA}`);
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    for (const { nspname } of schemas) await client.query(`drop schema "${nspname.replace(/"/g, '""')}" cascade`);
    await client.query('create schema public');
  } finally {
    await client.end();
  }
}
