import type { Client } from 'pg';

/** One kind of database object in a snapshot: a sorted list of one-line descriptions. */
export type SnapshotSection =
  | 'schemas'
  | 'tables'
  | 'columns'
  | 'constraints'
  | 'indexes'
  | 'enumTypes'
  | 'otherTypes'
  | 'views'
  | 'sequences'
  | 'functions'
  | 'triggers'
  | 'comments';

/** What a database's schema is made of, as sorted lines per kind of object: comparable and printable. */
export type SchemaSnapshot = Readonly<Record<SnapshotSection, readonly string[]>>;

/** Which objects to leave out of a snapshot (the version table, by default). */
export interface SnapshotOptions {
  /** Tables to ignore, as `schema.table`. */
  readonly ignoreTables?: readonly string[];
}

const USER_SCHEMA = `n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast') and n.nspname not like 'pg_temp%' and n.nspname not like 'pg_toast_temp%'`;

const QUERIES: Record<SnapshotSection, string> = {
  schemas: `select n.nspname as line from pg_namespace n where ${USER_SCHEMA} and n.nspname <> 'public'`,
  tables: `select n.nspname || '.' || c.relname || ' (' || case c.relkind when 'p' then 'partitioned ' else '' end || 'table)' as line, n.nspname || '.' || c.relname as tbl
             from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relkind in ('r', 'p') and ${USER_SCHEMA}`,
  columns: `select n.nspname || '.' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                   || case when a.attnotnull then ' not null' else '' end
                   || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
                   || case when a.attidentity <> '' then ' identity ' || a.attidentity::text else '' end
                   || case when a.attgenerated <> '' then ' generated' else '' end
                   || coalesce(' collate ' || nullif(co.collname, 'default'), '') as line,
                   n.nspname || '.' || c.relname as tbl
              from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
              left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
              left join pg_collation co on co.oid = a.attcollation and a.attcollation <> 0
             where c.relkind in ('r', 'p', 'v', 'm') and a.attnum > 0 and not a.attisdropped and ${USER_SCHEMA}`,
  constraints: `select n.nspname || '.' || coalesce(c.relname, t.typname) || ' ' || con.conname || ' ' || pg_get_constraintdef(con.oid) as line,
                       n.nspname || '.' || coalesce(c.relname, '') as tbl
                  from pg_constraint con join pg_namespace n on n.oid = con.connamespace
                  left join pg_class c on c.oid = con.conrelid left join pg_type t on t.oid = con.contypid
                 where ${USER_SCHEMA}`,
  indexes: `select i.schemaname || '.' || i.indexname || ' ' || i.indexdef as line, i.schemaname || '.' || i.tablename as tbl
              from pg_indexes i join pg_namespace n on n.nspname = i.schemaname where ${USER_SCHEMA}`,
  enumTypes: `select n.nspname || '.' || t.typname || ' enum (' || string_agg(quote_literal(e.enumlabel), ', ' order by e.enumsortorder) || ')' as line
                from pg_type t join pg_enum e on e.enumtypid = t.oid join pg_namespace n on n.oid = t.typnamespace
               where ${USER_SCHEMA} group by n.nspname, t.typname`,
  otherTypes: `select n.nspname || '.' || t.typname || ' ' || case t.typtype when 'd' then 'domain ' || format_type(t.typbasetype, t.typtypmod) when 'c' then 'composite' when 'r' then 'range' else t.typtype::text end as line
                 from pg_type t join pg_namespace n on n.oid = t.typnamespace
                 left join pg_class c on c.oid = t.typrelid
                where ${USER_SCHEMA} and t.typtype in ('d', 'c', 'r') and (t.typrelid = 0 or c.relkind = 'c')`,
  views: `select n.nspname || '.' || c.relname || case c.relkind when 'm' then ' materialized view: ' else ' view: ' end || regexp_replace(pg_get_viewdef(c.oid), '\\s+', ' ', 'g') as line
            from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relkind in ('v', 'm') and ${USER_SCHEMA}`,
  sequences: `select n.nspname || '.' || c.relname || ' sequence ' || format_type(s.seqtypid, null) || ' increment ' || s.seqincrement
                     || coalesce(' owned by ' || dn.nspname || '.' || dc.relname || '.' || da.attname, '') as line,
                     n.nspname || '.' || coalesce(dc.relname, '') as tbl
                from pg_class c join pg_namespace n on n.oid = c.relnamespace join pg_sequence s on s.seqrelid = c.oid
                left join pg_depend dep on dep.objid = c.oid and dep.classid = 'pg_class'::regclass and dep.deptype in ('a', 'i')
                left join pg_class dc on dc.oid = dep.refobjid left join pg_namespace dn on dn.oid = dc.relnamespace
                left join pg_attribute da on da.attrelid = dep.refobjid and da.attnum = dep.refobjsubid
               where c.relkind = 'S' and ${USER_SCHEMA}`,
  functions: `select n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ') ' || md5(pg_get_functiondef(p.oid)) as line
                from pg_proc p join pg_namespace n on n.oid = p.pronamespace
               where ${USER_SCHEMA} and p.prokind in ('f', 'p') and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')`,
  triggers: `select n.nspname || '.' || c.relname || ' ' || pg_get_triggerdef(tg.oid) as line, n.nspname || '.' || c.relname as tbl
               from pg_trigger tg join pg_class c on c.oid = tg.tgrelid join pg_namespace n on n.oid = c.relnamespace
              where not tg.tgisinternal and ${USER_SCHEMA}`,
  comments: `select n.nspname || '.' || c.relname || coalesce('.' || a.attname, '') || ' comment ' || quote_literal(d.description) as line,
                    n.nspname || '.' || c.relname as tbl
               from pg_description d join pg_class c on c.oid = d.objoid and d.classoid = 'pg_class'::regclass
               join pg_namespace n on n.oid = c.relnamespace
               left join pg_attribute a on a.attrelid = c.oid and a.attnum = d.objsubid and d.objsubid > 0
              where ${USER_SCHEMA}`,
};

/**
 * Reads a snapshot of everything a migration can create in a database: schemas, tables, columns
 * (type, nullability, default, identity, collation), constraints, indexes, enum types and their
 * values in order, domains and composite types, views, sequences, functions, triggers and comments.
 * The version table is left out.
 *
 * @example
 * ```ts
 * const before = await readSchemaSnapshot(client, { ignoreTables: ['public.mikro_orm_alembic_version'] });
 * // ... up, then down ...
 * const after = await readSchemaSnapshot(client, { ignoreTables: ['public.mikro_orm_alembic_version'] });
 * console.log(diffSchemaSnapshots(before, after)); // [] when nothing was left behind
 * ```
 */
export async function readSchemaSnapshot(client: Client, options: SnapshotOptions = {}): Promise<SchemaSnapshot> {
  const ignored = new Set(options.ignoreTables ?? []);
  const out = {} as Record<SnapshotSection, string[]>;
  for (const [section, sql] of Object.entries(QUERIES) as [SnapshotSection, string][]) {
    const { rows } = await client.query<{ line: string; tbl?: string }>(sql);
    out[section] = rows
      .filter((r) => !(r.tbl !== undefined && ignored.has(r.tbl)))
      // sequences and indexes of an ignored table are named after it
      .filter((r) => ![...ignored].some((t) => r.line.startsWith(`${t} `) || r.line.startsWith(`${t}_`)))
      .map((r) => r.line)
      .sort();
  }
  return Object.freeze(out);
}

/**
 * The differences between two snapshots, one line each: `+ line` is only in `after`, `- line` only
 * in `before`. Empty when they are equal.
 *
 * @example
 * ```ts
 * diffSchemaSnapshots(before, after); // ['+ tables: public.audit (table)']
 * ```
 */
export function diffSchemaSnapshots(before: SchemaSnapshot, after: SchemaSnapshot): string[] {
  const out: string[] = [];
  for (const section of Object.keys(QUERIES) as SnapshotSection[]) {
    const a = new Set(before[section]);
    const b = new Set(after[section]);
    for (const line of before[section]) if (!b.has(line)) out.push(`- ${section}: ${line}`);
    for (const line of after[section]) if (!a.has(line)) out.push(`+ ${section}: ${line}`);
  }
  return out;
}
