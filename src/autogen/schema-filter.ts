import type { DatabaseSchema, DatabaseTable } from '@mikro-orm/knex';
import { DEFAULT_SCHEMA } from './names';

/** The kinds of objects a schema filter is asked about. */
export type SchemaObjectType = 'table' | 'column' | 'index' | 'check' | 'foreignKey';

/** One object of the comparison, as a filter function sees it (Alembic's `include_object` arguments). */
export interface SchemaObject {
  readonly type: SchemaObjectType;
  /** The table's schema (`public` by default). */
  readonly schema: string;
  /** The table, for a column, index, check or foreign key. */
  readonly table?: string;
  /** The object's own name (the table's name for a table). */
  readonly name: string;
  /** The database has it (Alembic's `reflected`). */
  readonly inDatabase: boolean;
  /** The entities declare it. */
  readonly inModel: boolean;
}

/**
 * One pattern of {@link SchemaFilterOptions}:
 *
 * - a string: a name with `*` (any run of characters) and `?` (one character) wildcards, compared with
 *   the object's name and its qualified forms (`user`, `public.user` for a table; `user_name_idx`,
 *   `user.user_name_idx`, `public.user.user_name_idx` for an index). A prefix `index:`, `check:`,
 *   `column:`, `foreignKey:` or `table:` says which kind of object it is about; without one it is
 *   about tables.
 * - a RegExp: the same, tested against the same names; about tables.
 * - a function: asked about every object (of every kind); `true` means it matches.
 */
export type SchemaObjectPattern = string | RegExp | ((object: SchemaObject) => boolean);

/**
 * Which objects autogenerate, the test kit's drift check and `migration:check` compare (Alembic's
 * `include_object` / `include_name`). An object left out is neither created, changed nor dropped:
 * it is as if neither the entities nor the database had it.
 *
 * @example
 * ```ts
 * import { defineConfig } from '@mikro-orm/postgresql';
 * import { alembic } from 'mikro-orm-alembic';
 *
 * export default defineConfig({
 *   entities: [User],
 *   extensions: [
 *     alembic({
 *       // tables of another tool, a partial index and every check made by hand
 *       ignore: ['audit_*', 'public.spatial_ref_sys', 'index:user_active_idx', 'check:manual_*'],
 *       // or decide per object
 *       include: (object) => !(object.type === 'index' && object.inDatabase && !object.inModel && object.name.startsWith('keep_')),
 *     }),
 *   ],
 * });
 * ```
 */
export interface SchemaFilterOptions {
  /**
   * When given, only the objects that match are compared, per kind: a kind no include pattern is
   * about is compared whole (a function is about every kind).
   */
  readonly include?: SchemaObjectPattern | readonly SchemaObjectPattern[];
  /** Objects that match are never compared. */
  readonly ignore?: SchemaObjectPattern | readonly SchemaObjectPattern[];
}

/** A compiled {@link SchemaFilterOptions}: whether an object takes part in the comparison. */
export type SchemaObjectPredicate = (object: SchemaObject) => boolean;

const TYPES: readonly SchemaObjectType[] = ['table', 'column', 'index', 'check', 'foreignKey'];

interface CompiledPattern {
  /** The kinds it is about; `undefined`: every kind (a function). */
  readonly types?: ReadonlySet<SchemaObjectType>;
  readonly test: (object: SchemaObject) => boolean;
}

/**
 * The predicate of a filter: `true` for an object that takes part in the comparison.
 *
 * @throws {TypeError} when a pattern is not a string, RegExp or function, or names an unknown kind
 * @example
 * ```ts
 * const keep = compileSchemaFilter({ ignore: ['index:legacy_*'] });
 * keep({ type: 'index', schema: 'public', table: 'user', name: 'legacy_name', inDatabase: true, inModel: false }); // false
 * ```
 */
export function compileSchemaFilter(options: SchemaFilterOptions): SchemaObjectPredicate {
  const include = compileAll(options.include, 'include');
  const ignore = compileAll(options.ignore, 'ignore');
  if (include.length === 0 && ignore.length === 0) return () => true;
  const includedTypes = new Set<SchemaObjectType>();
  for (const p of include) for (const t of p.types ?? TYPES) includedTypes.add(t);
  return (object) => {
    if (ignore.some((p) => applies(p, object) && p.test(object))) return false;
    if (!includedTypes.has(object.type)) return true;
    return include.some((p) => applies(p, object) && p.test(object));
  };
}

/** Whether a filter leaves anything out (no patterns: nothing to do). */
export function hasSchemaFilter(options: SchemaFilterOptions): boolean {
  return toList(options.include).length > 0 || toList(options.ignore).length > 0;
}

/**
 * Takes what the filter leaves out out of both schemas (the database's and the entities'), before
 * MikroORM compares them: tables, and the columns, indexes, checks and foreign keys of the tables kept.
 *
 * @example
 * ```ts
 * applySchemaFilter(from, to, compileSchemaFilter({ ignore: ['audit_*'] }));
 * const diff = new SchemaComparator(platform).compare(from, to);
 * ```
 */
export function applySchemaFilter(from: DatabaseSchema, to: DatabaseSchema, keep: SchemaObjectPredicate): void {
  const fromTables = from.getTables();
  const toTables = to.getTables();
  const byKey = (tables: readonly DatabaseTable[]) => new Map(tables.map((t) => [tableKey(t), t]));
  const fromByKey = byKey(fromTables);
  const toByKey = byKey(toTables);
  const dropped = new Set<string>();
  for (const key of new Set([...fromByKey.keys(), ...toByKey.keys()])) {
    const db = fromByKey.get(key);
    const model = toByKey.get(key);
    const table = (db ?? model)!;
    const object: SchemaObject = { type: 'table', schema: schemaOf(table), name: table.name, inDatabase: db !== undefined, inModel: model !== undefined };
    if (!keep(object)) {
      dropped.add(key);
      continue;
    }
    filterTableObjects(db, model, keep);
  }
  for (const tables of [fromTables, toTables]) {
    for (let i = tables.length - 1; i >= 0; i--) if (dropped.has(tableKey(tables[i]))) tables.splice(i, 1); // the schema's own array
  }
}

/** What `DatabaseTable` keeps and has no public setter for (its schema helper only reads them). */
interface TableInternals {
  columns: Record<string, { name: string }>;
  indexes: { keyName: string }[];
  checks: { name: string }[];
  foreignKeys: Record<string, { constraintName: string }>;
}

function filterTableObjects(db: DatabaseTable | undefined, model: DatabaseTable | undefined, keep: SchemaObjectPredicate): void {
  const table = (db ?? model)!;
  const base = { schema: schemaOf(table), table: table.name };
  const a = db as unknown as TableInternals | undefined;
  const b = model as unknown as TableInternals | undefined;
  const decide = (type: SchemaObjectType, name: string, inDatabase: boolean, inModel: boolean) => keep({ ...base, type, name, inDatabase, inModel });

  const columnNames = new Set([...Object.keys(a?.columns ?? {}), ...Object.keys(b?.columns ?? {})]);
  for (const name of columnNames) {
    if (decide('column', name, a?.columns[name] !== undefined, b?.columns[name] !== undefined)) continue;
    if (a) delete a.columns[name];
    if (b) delete b.columns[name];
  }
  const filterList = <T>(type: SchemaObjectType, get: (t: TableInternals) => T[], nameOf: (item: T) => string) => {
    const names = new Set([...(a ? get(a) : []), ...(b ? get(b) : [])].map(nameOf));
    const gone = new Set([...names].filter((n) => !decide(type, n, a !== undefined && get(a).some((i) => nameOf(i) === n), b !== undefined && get(b).some((i) => nameOf(i) === n))));
    if (gone.size === 0) return;
    for (const t of [a, b]) {
      if (t === undefined) continue;
      const list = get(t);
      for (let i = list.length - 1; i >= 0; i--) if (gone.has(nameOf(list[i]))) list.splice(i, 1);
    }
  };
  filterList('index', (t) => t.indexes, (i) => i.keyName);
  filterList('check', (t) => t.checks, (c) => c.name);
  const fkNames = new Set([...Object.values(a?.foreignKeys ?? {}), ...Object.values(b?.foreignKeys ?? {})].map((fk) => fk.constraintName));
  for (const name of fkNames) {
    const has = (t: TableInternals | undefined) => t !== undefined && Object.values(t.foreignKeys).some((fk) => fk.constraintName === name);
    if (decide('foreignKey', name, has(a), has(b))) continue;
    for (const t of [a, b]) {
      if (t === undefined) continue;
      for (const [key, fk] of Object.entries(t.foreignKeys)) if (fk.constraintName === name) delete t.foreignKeys[key];
    }
  }
}

function compileAll(patterns: SchemaFilterOptions['include'], option: string): CompiledPattern[] {
  return toList(patterns).map((p, i) => compile(p, `${option}[${i}]`));
}

function toList(patterns: SchemaFilterOptions['include']): readonly SchemaObjectPattern[] {
  if (patterns === undefined) return [];
  return Array.isArray(patterns) ? (patterns as readonly SchemaObjectPattern[]) : [patterns as SchemaObjectPattern];
}

function compile(pattern: SchemaObjectPattern, where: string): CompiledPattern {
  if (typeof pattern === 'function') return { test: pattern };
  if (pattern instanceof RegExp) return { types: new Set(['table']), test: (o) => namesOf(o).some((n) => pattern.test(n)) };
  if (typeof pattern !== 'string') throw new TypeError(`alembic({ ${where} }): a pattern is a string, a RegExp or a function`);
  const colon = /^(table|column|index|check|foreignKey):/.exec(pattern);
  if (colon === null && /^[A-Za-z]+:/.test(pattern)) {
    throw new TypeError(`alembic({ ${where} }): unknown kind in '${pattern}' (use table:, column:, index:, check: or foreignKey:)`);
  }
  const type = (colon?.[1] ?? 'table') as SchemaObjectType;
  const glob = colon === null ? pattern : pattern.slice(colon[0].length);
  const regex = new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
  return { types: new Set([type]), test: (o) => namesOf(o).some((n) => regex.test(n)) };
}

/** The object's name and its qualified forms. */
function namesOf(o: SchemaObject): string[] {
  if (o.table === undefined) return [o.name, `${o.schema}.${o.name}`];
  return [o.name, `${o.table}.${o.name}`, `${o.schema}.${o.table}.${o.name}`];
}

function applies(p: CompiledPattern, o: SchemaObject): boolean {
  return p.types === undefined || p.types.has(o.type);
}

function schemaOf(table: DatabaseTable): string {
  return table.schema ?? DEFAULT_SCHEMA;
}

function tableKey(table: DatabaseTable): string {
  return `${schemaOf(table)}\u0000${table.name}`;
}
