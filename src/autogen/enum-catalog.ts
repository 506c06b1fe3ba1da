import { parseEnumDefault, type EnumDependentConstraint, type EnumDependentIndex, type EnumDependentView, type EnumViewGrant } from '../script/enum-sql';
import { compareStrings, DEFAULT_SCHEMA, sortKey } from './names';
import { nativeEnumKey } from './enum-usage';
import type { EnumColumnUse, EnumTypeRef, TableRef } from './operation';

/** Runs one SQL statement (no parameters) and returns its rows. */
export type CatalogQuery = (sql: string) => Promise<readonly Record<string, unknown>[]>;

/** An index a rebuild of the type drops and re-creates (its expression or predicate uses the type). */
export interface CatalogIndex extends EnumDependentIndex {
  readonly table: TableRef;
  /** The table columns it depends on (a dropped column takes the index with it). */
  readonly columns: readonly string[];
}

/** A constraint a rebuild of the type drops and re-creates (a check using the type, a foreign key on a converted column). */
export interface CatalogConstraint extends EnumDependentConstraint {
  readonly table: TableRef;
  readonly columns: readonly string[];
  /** `c` check, `f` foreign key. */
  readonly kind: 'c' | 'f';
}

/** A view a rebuild of the type drops and re-creates. */
export interface CatalogView extends EnumDependentView {
  readonly view: TableRef;
}

/**
 * One native enum type as the database has it when the revision is generated: its values, every
 * table column that uses it (in every schema), and what a rebuild of it must drop and re-create, or
 * cannot handle.
 */
export interface CatalogEnumType {
  readonly type: EnumTypeRef;
  readonly values: readonly string[];
  /** Every table column using the type (inherited partition columns are left to their parent). */
  readonly columns: readonly EnumColumnUse[];
  readonly indexes: readonly CatalogIndex[];
  readonly constraints: readonly CatalogConstraint[];
  /** Views using the type or one of its columns, and the views built on them, in creation order. */
  readonly views: readonly CatalogView[];
  /**
   * Objects a rebuild (or a drop) of the type cannot carry along: functions and domains using the
   * type, materialized views, triggers, policies, rules, generated columns. One description each.
   */
  readonly blockers: readonly string[];
}

/** The native enum types of a database (everything autogenerate must know that MikroORM's schema does not say). */
export interface EnumCatalog {
  /** The type, or `undefined` when the database has no such type. */
  get(type: EnumTypeRef): CatalogEnumType | undefined;
  /** Every type, sorted by schema and name. */
  readonly types: readonly CatalogEnumType[];
}

const USER_SCHEMA = `n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'`;

/**
 * Reads the native enum types of the database from `pg_catalog`, with everything a rebuild needs that
 * MikroORM's introspection leaves out: the columns in every schema (tables outside the model too),
 * the indexes and check constraints whose definition uses the type, foreign keys on its columns, the
 * views over it (and the views over those), and what would block it. Read once, when the revision is
 * generated: the revision itself never reads the catalog.
 *
 * @example
 * ```ts
 * const catalog = await readEnumCatalog((sql) => orm.em.getConnection().execute(sql));
 * catalog.get({ schema: 'public', name: 'user_role' })?.values; // ['admin', 'user']
 * ```
 */
export async function readEnumCatalog(query: CatalogQuery): Promise<EnumCatalog> {
  const typeRows = await query(`
    select t.oid::text as oid, t.typarray::text as array_oid, n.nspname as schema, t.typname as name,
      (select json_agg(e.enumlabel::text order by e.enumsortorder) from pg_enum e where e.enumtypid = t.oid) as labels
    from pg_type t join pg_namespace n on n.oid = t.typnamespace
    where t.typtype = 'e' and ${USER_SCHEMA}`);
  if (typeRows.length === 0) return emptyCatalog();

  interface Building {
    type: EnumTypeRef;
    values: string[];
    columns: (EnumColumnUse & { tableOid: string; attnum: number })[];
    indexes: CatalogIndex[];
    constraints: CatalogConstraint[];
    viewOids: Set<string>;
    blockers: Set<string>;
  }
  const byOid = new Map<string, Building>();
  const oids: string[] = [];
  for (const row of typeRows) {
    const building: Building = {
      type: { schema: String(row.schema), name: String(row.name) },
      values: (row.labels as string[] | null) ?? [],
      columns: [],
      indexes: [],
      constraints: [],
      viewOids: new Set(),
      blockers: new Set(),
    };
    byOid.set(String(row.oid), building);
    byOid.set(String(row.array_oid), building);
    oids.push(String(row.oid), String(row.array_oid));
  }
  const oidList = `'{${oids.join(',')}}'::oid[]`;

  // table columns of the types
  const columnRows = await query(`
    select a.atttypid::text as type_oid, c.oid::text as table_oid, n.nspname as schema, c.relname as table, a.attname as column,
      a.attnum as attnum, a.atttypid = t.typarray as is_array, pg_get_expr(d.adbin, d.adrelid) as "default",
      a.attgenerated <> '' as generated, a.attinhcount > 0 as inherited
    from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
    join pg_type t on t.oid = a.atttypid or t.typarray = a.atttypid
    left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
    where c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped and a.atttypid = any(${oidList}) and t.typtype = 'e'
    order by n.nspname, c.relname, a.attnum`);
  const columnKey = (tableOid: string, attnum: number) => `${tableOid}:${attnum}`;
  const enumColumns = new Map<string, Building>();
  for (const row of columnRows) {
    const building = byOid.get(String(row.type_oid));
    if (building === undefined || row.inherited === true) continue;
    const table: TableRef = { schema: String(row.schema), name: String(row.table) };
    if (row.generated === true) {
      building.blockers.add(`generated column ${describe(table)}.${String(row.column)}`);
      continue;
    }
    const attnum = Number(row.attnum);
    building.columns.push({
      table,
      column: String(row.column),
      array: row.is_array === true,
      default: row.default == null ? null : withoutCast(String(row.default)),
      tableOid: String(row.table_oid),
      attnum,
    });
    enumColumns.set(columnKey(String(row.table_oid), attnum), building);
  }

  // objects that depend on the types themselves
  const typeDeps = await query(`
    select d.refobjid::text as type_oid, d.classid::regclass::text as class, d.objid::text as objid,
      pg_describe_object(d.classid, d.objid, d.objsubid) as description,
      c.relkind::text as relkind, rc.oid::text as rule_view, rc.relkind::text as rule_view_kind, r.rulename as rule_name,
      ad.adrelid::text as default_table, ad.adnum as default_attnum,
      con.contype::text as contype, con.conrelid::text as con_table, con.conname as con_name, pg_get_constraintdef(con.oid) as con_def,
      obj_description(con.oid, 'pg_constraint') as con_comment,
      cn.nspname as con_schema, cc.relname as con_table_name,
      (select json_agg(a.attname::text order by a.attnum) from pg_attribute a where a.attrelid = con.conrelid and a.attnum = any(con.conkey)) as con_columns,
      ix.indrelid::text as index_table, exists (select 1 from pg_constraint xc where xc.conindid = c.oid and xc.contype in ('p', 'u', 'x')) as index_is_constraint,
      pg_get_indexdef(c.oid) as index_def, obj_description(c.oid, 'pg_class') as index_comment, c.relname as index_name,
      tn.nspname as index_schema, tc.relname as index_table_name,
      (select json_agg(distinct a.attname::text) from pg_depend dd join pg_attribute a on a.attrelid = dd.refobjid and a.attnum = dd.refobjsubid
        where dd.classid = 'pg_class'::regclass and dd.objid = c.oid and dd.refclassid = 'pg_class'::regclass and dd.refobjsubid > 0) as index_columns
    from pg_depend d
    left join pg_class c on d.classid = 'pg_class'::regclass and c.oid = d.objid
    left join pg_index ix on ix.indexrelid = c.oid
    left join pg_class tc on tc.oid = ix.indrelid left join pg_namespace tn on tn.oid = tc.relnamespace
    left join pg_rewrite r on d.classid = 'pg_rewrite'::regclass and r.oid = d.objid
    left join pg_class rc on rc.oid = r.ev_class
    left join pg_attrdef ad on d.classid = 'pg_attrdef'::regclass and ad.oid = d.objid
    left join pg_constraint con on d.classid = 'pg_constraint'::regclass and con.oid = d.objid
    left join pg_class cc on cc.oid = con.conrelid left join pg_namespace cn on cn.oid = cc.relnamespace
    where d.refclassid = 'pg_type'::regclass and d.refobjid = any(${oidList}) and d.deptype = 'n'
    order by d.objid`);
  for (const row of typeDeps) {
    const building = byOid.get(String(row.type_oid));
    if (building === undefined) continue;
    const description = String(row.description);
    switch (row.class) {
      case 'pg_class':
        if (row.relkind === 'r' || row.relkind === 'p') break; // a column (above)
        if (row.relkind === 'v') building.viewOids.add(String(row.objid));
        else if (row.relkind === 'i' && row.index_is_constraint !== true) {
          building.indexes.push({
            table: { schema: String(row.index_schema), name: String(row.index_table_name) },
            name: String(row.index_name),
            definition: String(row.index_def),
            ...(row.index_comment == null ? {} : { comment: String(row.index_comment) }),
            columns: (row.index_columns as string[] | null) ?? [],
          });
        } else building.blockers.add(description);
        break;
      case 'pg_rewrite':
        if (row.rule_view_kind === 'v' && row.rule_name === '_RETURN') building.viewOids.add(String(row.rule_view));
        else building.blockers.add(description);
        break;
      case 'pg_attrdef':
        if (!enumColumns.has(columnKey(String(row.default_table), Number(row.default_attnum)))) building.blockers.add(description);
        break;
      case 'pg_constraint':
        if (row.contype === 'c' && row.con_table !== '0' && row.con_table != null) {
          building.constraints.push({
            table: { schema: String(row.con_schema), name: String(row.con_table_name) },
            name: String(row.con_name),
            definition: String(row.con_def),
            ...(row.con_comment == null ? {} : { comment: String(row.con_comment) }),
            columns: (row.con_columns as string[] | null) ?? [],
            kind: 'c',
          });
        } else building.blockers.add(description);
        break;
      default:
        building.blockers.add(description);
    }
  }

  // objects that depend on the columns: views, foreign keys, and what ALTER COLUMN TYPE refuses
  const tableOids = [...new Set([...enumColumns.keys()].map((k) => k.split(':')[0]))];
  if (tableOids.length > 0) {
    const columnDeps = await query(`
      select d.refobjid::text as table_oid, d.refobjsubid as attnum, d.classid::regclass::text as class, d.objid::text as objid,
        pg_describe_object(d.classid, d.objid, d.objsubid) as description,
        rc.oid::text as rule_view, rc.relkind::text as rule_view_kind, r.rulename as rule_name,
        ad.adnum as default_attnum, c.relkind::text as relkind
      from pg_depend d
      left join pg_class c on d.classid = 'pg_class'::regclass and c.oid = d.objid
      left join pg_rewrite r on d.classid = 'pg_rewrite'::regclass and r.oid = d.objid
      left join pg_class rc on rc.oid = r.ev_class
      left join pg_attrdef ad on d.classid = 'pg_attrdef'::regclass and ad.oid = d.objid
      where d.refclassid = 'pg_class'::regclass and d.refobjid = any('{${tableOids.join(',')}}'::oid[]) and d.refobjsubid > 0
      order by d.objid`);
    for (const row of columnDeps) {
      const building = enumColumns.get(columnKey(String(row.table_oid), Number(row.attnum)));
      if (building === undefined) continue;
      const description = String(row.description);
      switch (row.class) {
        case 'pg_rewrite':
          if (row.rule_view_kind === 'v' && row.rule_name === '_RETURN') building.viewOids.add(String(row.rule_view));
          else building.blockers.add(description);
          break;
        case 'pg_attrdef':
          if (Number(row.default_attnum) !== Number(row.attnum)) building.blockers.add(description); // a generated column over it
          break;
        case 'pg_class':
          if (row.relkind !== 'i' && row.relkind !== 'S') building.blockers.add(description);
          break;
        case 'pg_constraint':
        case 'pg_statistic_ext':
          break; // checks and keys are rebuilt by ALTER COLUMN TYPE (foreign keys between converted columns: below)
        case 'pg_trigger':
        case 'pg_policy':
        default:
          building.blockers.add(description);
      }
    }

    const fkRows = await query(`
      select con.oid::text as oid, con.conrelid::text as table_oid, n.nspname as schema, c.relname as table, con.conname as name,
        pg_get_constraintdef(con.oid) as definition, obj_description(con.oid, 'pg_constraint') as comment,
        (select json_agg(a.attname::text order by a.attnum) from pg_attribute a where a.attrelid = con.conrelid and a.attnum = any(con.conkey)) as columns,
        (select json_agg(k::int) from unnest(con.conkey) k) as conkey, con.confrelid::text as ref_table_oid,
        (select json_agg(k::int) from unnest(con.confkey) k) as confkey
      from pg_constraint con join pg_class c on c.oid = con.conrelid join pg_namespace n on n.oid = c.relnamespace
      where con.contype = 'f' and (con.conrelid = any('{${tableOids.join(',')}}'::oid[]) or con.confrelid = any('{${tableOids.join(',')}}'::oid[]))
      order by n.nspname, c.relname, con.conname`);
    for (const row of fkRows) {
      const local = ((row.conkey as number[] | null) ?? []).map((a) => enumColumns.get(columnKey(String(row.table_oid), a)));
      const remote = ((row.confkey as number[] | null) ?? []).map((a) => enumColumns.get(columnKey(String(row.ref_table_oid), a)));
      for (const building of new Set([...local, ...remote])) {
        if (building === undefined) continue;
        building.constraints.push({
          table: { schema: String(row.schema), name: String(row.table) },
          name: String(row.name),
          definition: String(row.definition),
          ...(row.comment == null ? {} : { comment: String(row.comment) }),
          columns: (row.columns as string[] | null) ?? [],
          kind: 'f',
        });
      }
    }
  }

  // views: the closure (views over views), their definitions, in creation order
  const allViewOids = new Set<string>();
  for (const building of new Set(byOid.values())) for (const oid of building.viewOids) allViewOids.add(oid);
  const views = allViewOids.size === 0 ? new Map<string, ViewInfo>() : await readViews(query, allViewOids);
  const types: CatalogEnumType[] = [];
  for (const building of new Set(byOid.values())) {
    const closure = closeOver(building.viewOids, views);
    for (const oid of closure) {
      const info = views.get(oid);
      if (info?.materialized) building.blockers.add(`materialized view ${describe(info.view.view)}`);
    }
    types.push(
      Object.freeze({
        type: Object.freeze(building.type),
        values: Object.freeze([...building.values]),
        columns: Object.freeze(building.columns.map(({ tableOid: _t, attnum: _a, ...use }) => Object.freeze(use))),
        indexes: Object.freeze(dedupe(building.indexes, (i) => `${sortKey(i.table)}\u0000${i.name}`)),
        constraints: Object.freeze(dedupe(building.constraints, (c) => `${sortKey(c.table)}\u0000${c.name}`)),
        views: Object.freeze(creationOrder(closure, views).filter((v) => !v.materialized).map((v) => v.view)),
        blockers: Object.freeze([...building.blockers].sort(compareStrings)),
      }),
    );
  }
  types.sort((a, b) => compareStrings(sortKey(a.type), sortKey(b.type)));
  const byKey = new Map(types.map((t) => [nativeEnumKey(t.type), t]));
  return Object.freeze({ types: Object.freeze(types), get: (type: EnumTypeRef) => byKey.get(nativeEnumKey(type)) });
}

/**
 * A catalog with no enum types (a database without any, or a caller that has no database).
 *
 * @example
 * ```ts
 * planOperations({ from, to, diff, platform, enumCatalog: emptyCatalog() }); // rebuilds convert the introspected columns only
 * ```
 */
export function emptyCatalog(): EnumCatalog {
  return Object.freeze({ types: Object.freeze([]), get: () => undefined });
}

interface ViewInfo {
  readonly oid: string;
  readonly materialized: boolean;
  readonly view: CatalogView;
  /** Views this one reads from. */
  readonly uses: ReadonlySet<string>;
}

async function readViews(query: CatalogQuery, start: ReadonlySet<string>): Promise<Map<string, ViewInfo>> {
  // every view and what it reads from (small: one row per view and relation)
  const edges = await query(`
    select distinct rc.oid::text as view_oid, d.refobjid::text as ref
    from pg_rewrite r join pg_class rc on rc.oid = r.ev_class
    join pg_depend d on d.classid = 'pg_rewrite'::regclass and d.objid = r.oid and d.refclassid = 'pg_class'::regclass
    where rc.relkind in ('v', 'm') and d.refobjid <> rc.oid`);
  const dependents = new Map<string, Set<string>>();
  const uses = new Map<string, Set<string>>();
  for (const row of edges) {
    const view = String(row.view_oid);
    const ref = String(row.ref);
    if (!dependents.has(ref)) dependents.set(ref, new Set());
    dependents.get(ref)!.add(view);
    if (!uses.has(view)) uses.set(view, new Set());
    uses.get(view)!.add(ref);
  }
  const wanted = new Set(start);
  const queue = [...start];
  while (queue.length > 0) {
    for (const next of dependents.get(queue.pop()!) ?? []) {
      if (!wanted.has(next)) {
        wanted.add(next);
        queue.push(next);
      }
    }
  }
  const rows = await query(`
    select c.oid::text as oid, n.nspname as schema, c.relname as name, c.relkind::text as relkind,
      pg_get_viewdef(c.oid) as definition, coalesce(array_to_json(c.reloptions), '[]'::json) as options,
      obj_description(c.oid, 'pg_class') as comment,
      (select json_object_agg(a.attname, col_description(c.oid, a.attnum)) from pg_attribute a
        where a.attrelid = c.oid and a.attnum > 0 and col_description(c.oid, a.attnum) is not null) as column_comments,
      (select json_agg(json_build_object('grantee', case when x.grantee = 0 then 'PUBLIC' else pg_get_userbyid(x.grantee) end,
          'privilege', x.privilege_type, 'grantable', x.is_grantable) order by x.grantee, x.privilege_type)
        from aclexplode(c.relacl) x where x.grantee <> c.relowner) as grants
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.oid = any('{${[...wanted].join(',')}}'::oid[])`);
  const out = new Map<string, ViewInfo>();
  for (const row of rows) {
    const oid = String(row.oid);
    const view: Record<string, unknown> = {
      view: { schema: String(row.schema), name: String(row.name) },
      definition: collapseWhitespace(String(row.definition)).replace(/;$/, ''),
    };
    const options = (row.options as string[] | null) ?? [];
    if (options.length > 0) view.options = Object.freeze(options);
    if (row.comment != null) view.comment = String(row.comment);
    if (row.column_comments != null) view.columnComments = Object.freeze(row.column_comments as Record<string, string>);
    const grants = groupGrants((row.grants as { grantee: string; privilege: string; grantable: boolean }[] | null) ?? []);
    if (grants.length > 0) view.grants = Object.freeze(grants);
    out.set(oid, { oid, materialized: row.relkind === 'm', view: Object.freeze(view) as unknown as CatalogView, uses: uses.get(oid) ?? new Set() });
  }
  return out;
}

function groupGrants(rows: readonly { grantee: string; privilege: string; grantable: boolean }[]): EnumViewGrant[] {
  const byKey = new Map<string, { grantee: string; privileges: string[]; grantable: boolean }>();
  for (const row of rows) {
    const key = `${row.grantee}\u0000${row.grantable}`;
    const entry = byKey.get(key) ?? { grantee: row.grantee, privileges: [], grantable: row.grantable };
    entry.privileges.push(row.privilege);
    byKey.set(key, entry);
  }
  return [...byKey.values()].map((g) => Object.freeze({ grantee: g.grantee, privileges: Object.freeze(g.privileges), ...(g.grantable ? { grantable: true } : {}) }));
}

/** The views in `start` and every view built on one of them. */
function closeOver(start: ReadonlySet<string>, views: ReadonlyMap<string, ViewInfo>): Set<string> {
  const out = new Set(start);
  let grew = true;
  while (grew) {
    grew = false;
    for (const info of views.values()) {
      if (out.has(info.oid)) continue;
      if ([...info.uses].some((ref) => out.has(ref))) {
        out.add(info.oid);
        grew = true;
      }
    }
  }
  return out;
}

/** A view after the views it reads from; ties by schema and name. */
function creationOrder(oids: ReadonlySet<string>, views: ReadonlyMap<string, ViewInfo>): { view: CatalogView; materialized: boolean }[] {
  const pending = [...oids].map((oid) => views.get(oid)).filter((v): v is ViewInfo => v !== undefined);
  pending.sort((a, b) => compareStrings(sortKey(a.view.view), sortKey(b.view.view)));
  const done = new Set<string>();
  const out: { view: CatalogView; materialized: boolean }[] = [];
  while (pending.length > 0) {
    const index = pending.findIndex((v) => [...v.uses].every((ref) => !oids.has(ref) || done.has(ref)));
    const next = pending.splice(index < 0 ? 0 : index, 1)[0];
    done.add(next.oid);
    out.push({ view: next.view, materialized: next.materialized });
  }
  return out;
}

/** A label default without its cast (`'user'::user_role` → `'user'`), as MikroORM writes defaults. */
function withoutCast(text: string): string {
  const parsed = parseEnumDefault(text);
  return parsed === undefined || parsed.cast === '' ? text : text.trim().slice(0, text.trim().length - parsed.cast.length);
}

/** The text with each run of whitespace outside literals, quoted names and comments made one space. */
function collapseWhitespace(sql: string): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < sql.length && !(sql[j] === c && sql[j + 1] !== c)) j += sql[j] === c ? 2 : 1;
      out += sql.slice(i, j + 1);
      i = j + 1;
    } else if (c === '$') {
      const tag = /^\$[A-Za-z_]*\$/.exec(sql.slice(i));
      const end = tag === null ? -1 : sql.indexOf(tag[0], i + tag[0].length);
      if (tag === null || end < 0) {
        out += c;
        i++;
      } else {
        out += sql.slice(i, end + tag[0].length);
        i = end + tag[0].length;
      }
    } else if (/\s/.test(c)) {
      while (i < sql.length && /\s/.test(sql[i])) i++;
      out += ' ';
    } else {
      out += c;
      i++;
    }
  }
  return out.trim();
}

function dedupe<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), Object.freeze(item));
  return [...seen.values()].sort((a, b) => compareStrings(key(a), key(b)));
}

function describe(ref: TableRef): string {
  return ref.schema === DEFAULT_SCHEMA ? ref.name : `${ref.schema}.${ref.name}`;
}
