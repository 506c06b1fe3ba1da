/**
 * The introspected schema of a database as sorted text lines (tables, columns, constraints, indexes,
 * enum types, sequences), leaving out the plugin's version table: two databases (or one database at two
 * moments) have the same schema when their dumps are equal.
 */
import { Client } from 'pg';

const VERSION_TABLE = 'mikro_orm_alembic_version';

const QUERIES: readonly string[] = [
  `select 'column ' || c.table_schema || '.' || c.table_name || '.' || c.column_name || ' ' ||
          format_type(a.atttypid, a.atttypmod) || case when c.is_nullable = 'NO' then ' not null' else ' null' end ||
          coalesce(' default ' || c.column_default, '') as line
     from information_schema.columns c
     join pg_attribute a on a.attrelid = format('%I.%I', c.table_schema, c.table_name)::regclass and a.attname = c.column_name
    where c.table_schema not in ('pg_catalog', 'information_schema') and c.table_name <> '${VERSION_TABLE}'`,
  `select 'constraint ' || n.nspname || '.' || t.relname || ' ' || con.conname || ' ' || pg_get_constraintdef(con.oid) as line
     from pg_constraint con join pg_class t on t.oid = con.conrelid join pg_namespace n on n.oid = t.relnamespace
    where n.nspname not in ('pg_catalog', 'information_schema') and t.relname <> '${VERSION_TABLE}'`,
  `select 'index ' || indexdef as line from pg_indexes
    where schemaname not in ('pg_catalog', 'information_schema') and tablename <> '${VERSION_TABLE}'`,
  `select 'enum ' || n.nspname || '.' || t.typname || ' (' || string_agg(e.enumlabel, ', ' order by e.enumsortorder) || ')' as line
     from pg_type t join pg_enum e on e.enumtypid = t.oid join pg_namespace n on n.oid = t.typnamespace
    group by n.nspname, t.typname`,
  `select 'sequence ' || sequence_schema || '.' || sequence_name as line from information_schema.sequences
    where sequence_schema not in ('pg_catalog', 'information_schema')`,
  `select 'table ' || table_schema || '.' || table_name as line from information_schema.tables
    where table_schema not in ('pg_catalog', 'information_schema') and table_name <> '${VERSION_TABLE}'`,
];

/** The schema of the database at `url`, one sorted line per object. */
export async function dumpSchema(url: string): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const lines: string[] = [];
    for (const sql of QUERIES) lines.push(...(await client.query<{ line: string }>(sql)).rows.map((r) => r.line));
    return lines.sort();
  } finally {
    await client.end();
  }
}
