import { InvalidEnumStepError } from './errors';
import { sqlIdentifier, sqlString } from './sql-quote';

/**
 * The SQL of PostgreSQL enum steps: creating, dropping and renaming a type, adding, renaming and
 * removing values, rebuilding a type (removed or reordered values), and the guard that stops a
 * revision before a removal when rows still hold the value. The `Revision` helpers
 * (`this.createEnum(...)`, `this.addEnumValue(...)`, ...) queue exactly these statements, and
 * autogenerate renders a revision's SQL with them, so a generated revision's `upgrade --sql` output is
 * what its `up()` runs.
 *
 * This is the one place where enum steps quote names and labels: identifiers are always
 * double-quoted (`"` doubled), labels are string literals (`'` doubled, `E'...'` with doubled
 * backslashes when there is a backslash), whatever they contain (quotes, spaces, unicode, reserved
 * words). Nothing here reads the database: every step says what it needs (the values in order, the
 * columns and their defaults, the objects a rebuild must re-create).
 */

/**
 * A type or table name: `'user_role'` (the default schema, unqualified as MikroORM writes it),
 * `'app.user_role'` (split at the first dot), or `{ schema, name }` for names that contain a dot.
 * The schema `public` is written unqualified.
 */
export type QualifiedName = string | { readonly schema?: string; readonly name: string };

/** An enum type: `'user_role'`, `'app.user_role'` or `{ schema: 'app', name: 'user_role' }`. */
export type EnumTypeName = QualifiedName;

/** A column that uses an enum type (directly or as an array), which a rebuild converts. */
export interface EnumColumn {
  /** Its table: `'user'`, `'app.invite'` or `{ schema, name }`. */
  readonly table: QualifiedName;
  readonly column: string;
  /** The column is an array of the type (`user_role[]`). */
  readonly array?: boolean;
  /** Its default as SQL text (`'user'`, `'{user}'`), dropped before the conversion and set again after. */
  readonly default?: string | null;
}

/**
 * What rows holding a removed value become: `{ guest: 'user' }` turns `'guest'` into `'user'` (in
 * arrays too, and in defaults). A key must be a removed value, a target a value the type keeps.
 */
export type EnumValueMap = Readonly<Record<string, string>>;

/** An index whose expression or predicate uses the type: dropped before a rebuild, re-created after. */
export interface EnumDependentIndex {
  readonly table: QualifiedName;
  readonly name: string;
  /** The whole `CREATE INDEX` statement (PostgreSQL's `pg_get_indexdef`). */
  readonly definition: string;
  readonly comment?: string;
}

/** A table constraint (a check using the type, a foreign key between converted columns) re-created around a rebuild. */
export interface EnumDependentConstraint {
  readonly table: QualifiedName;
  readonly name: string;
  /** What follows `add constraint "name"` (PostgreSQL's `pg_get_constraintdef`, e.g. `CHECK ((role <> 'guest'::user_role))`). */
  readonly definition: string;
  readonly comment?: string;
}

/** A privilege on a view, re-granted after it is re-created. */
export interface EnumViewGrant {
  /** A role name, or `PUBLIC`. */
  readonly grantee: string;
  /** `SELECT`, `INSERT`, ... */
  readonly privileges: readonly string[];
  readonly grantable?: boolean;
}

/** A view that uses the type or a converted column: dropped before a rebuild, re-created after. */
export interface EnumDependentView {
  readonly view: QualifiedName;
  /** Its query (PostgreSQL's `pg_get_viewdef`). */
  readonly definition: string;
  /** `with (...)` options, e.g. `security_barrier=true`, `check_option=local`. */
  readonly options?: readonly string[];
  readonly comment?: string;
  /** Comments on its columns, by column name. */
  readonly columnComments?: Readonly<Record<string, string>>;
  readonly grants?: readonly EnumViewGrant[];
}

/** What a rebuild drops before converting the columns and re-creates after, in this order. */
export interface EnumDependents {
  readonly indexes?: readonly EnumDependentIndex[];
  readonly constraints?: readonly EnumDependentConstraint[];
  /** In creation order (a view before the views built on it); dropped in reverse. */
  readonly views?: readonly EnumDependentView[];
}

/** A rebuild: the type's values now and after, and everything it converts and re-creates. */
export interface EnumRebuild {
  /** The type's values now, in order. */
  readonly from: readonly string[];
  /** Its values after, in order. */
  readonly to: readonly string[];
  /** Every column that uses the type (all tables, all schemas). */
  readonly columns: readonly EnumColumn[];
  /** What rows holding a removed value become (default: nothing; such rows make the cast fail). */
  readonly map?: EnumValueMap;
  readonly dependents?: EnumDependents;
}

/** The removal of one value: the type's values now, and the rest of {@link EnumRebuild}. */
export interface EnumValueRemoval extends Omit<EnumRebuild, 'to'> {}

/** Where `ADD VALUE` puts the new value (default: at the end). */
export interface EnumValuePosition {
  readonly before?: string;
  readonly after?: string;
}

/** A column the removal guard checks: only its table, name and arrayness matter. */
export type EnumGuardColumn = Pick<EnumColumn, 'table' | 'column' | 'array'>;

/**
 * The statements of each enum step, named after the `Revision` helper that queues them. No
 * statement ends with `;`.
 *
 * @example
 * ```ts
 * import { enumSql } from 'mikro-orm-alembic';
 *
 * enumSql.addEnumValue('user_role', 'guest', { after: 'user' });
 * // => [`alter type "user_role" add value if not exists 'guest' after 'user'`]
 * enumSql.renameEnumValue('app.user_role', 'user', 'member');
 * // => [`alter type "app"."user_role" rename value 'user' to 'member'`]
 * ```
 */
export const enumSql = Object.freeze({
  /** `create type ... as enum (...)`. */
  createEnum(type: EnumTypeName, values: readonly string[]): string[] {
    checkValues('createEnum', values);
    return [`create type ${typeSql(type)} as enum (${values.map(literal).join(', ')})`];
  },

  /** `drop type ...`. */
  dropEnum(type: EnumTypeName): string[] {
    return [`drop type ${typeSql(type)}`];
  },

  /** `alter type ... add value if not exists ... [before|after ...]` (a re-run after a later failure is harmless). */
  addEnumValue(type: EnumTypeName, value: string, position: EnumValuePosition = {}): string[] {
    checkLabel('addEnumValue', value);
    if (position.before !== undefined && position.after !== undefined) {
      throw new InvalidEnumStepError('addEnumValue', 'give either `before` or `after`, not both');
    }
    const where = position.before !== undefined ? ` before ${literal(position.before)}` : position.after !== undefined ? ` after ${literal(position.after)}` : '';
    return [`alter type ${typeSql(type)} add value if not exists ${literal(value)}${where}`];
  },

  /** `alter type ... rename value ... to ...` (rows keep their value under the new label). */
  renameEnumValue(type: EnumTypeName, from: string, to: string): string[] {
    checkLabel('renameEnumValue', from);
    checkLabel('renameEnumValue', to);
    return [`alter type ${typeSql(type)} rename value ${literal(from)} to ${literal(to)}`];
  },

  /**
   * `alter type ... rename to ...`, and `set schema` first when `to` names another schema (a bare
   * `to` keeps the type's schema).
   */
  renameEnum(type: EnumTypeName, to: EnumTypeName): string[] {
    const from = splitName(type);
    const target = splitName(to, from.schema);
    const statements: string[] = [];
    let current = from;
    if (normalSchema(target.schema) !== normalSchema(from.schema)) {
      statements.push(`alter type ${qualified(from)} set schema ${identifier(target.schema ?? 'public')}`);
      current = { schema: target.schema, name: from.name };
    }
    if (target.name !== from.name) statements.push(`alter type ${qualified(current)} rename to ${identifier(target.name)}`);
    if (statements.length === 0) throw new InvalidEnumStepError('renameEnum', `the type is already named ${describeName(target)}`);
    return statements;
  },

  /**
   * Replaces the type by one with the values `to` (values removed or reordered): drops the dependent
   * views, constraints and indexes; renames the type to `<name>_old`; creates it with the new values;
   * converts every column through `text` (a cast between enum types does not exist), one
   * `alter table` per table so each table is rewritten once, defaults dropped and set again; drops
   * the old type; re-creates the dependents (with their comments and grants).
   */
  rebuildEnum(type: EnumTypeName, rebuild: EnumRebuild): string[] {
    checkValues('rebuildEnum', rebuild.from);
    checkValues('rebuildEnum', rebuild.to);
    const map = checkedMap(rebuild);
    const name = splitName(type);
    const typeName = qualified(name);
    const oldName = oldTypeName(name.name);
    const dependents = rebuild.dependents ?? {};
    const views = dependents.views ?? [];
    const statements: string[] = [];
    for (const view of [...views].reverse()) statements.push(`drop view ${qualified(splitName(view.view))}`);
    for (const c of dependents.constraints ?? []) statements.push(`alter table ${qualified(splitName(c.table))} drop constraint ${identifier(c.name)}`);
    for (const index of dependents.indexes ?? []) statements.push(`drop index ${qualified({ schema: splitName(index.table).schema, name: index.name })}`);
    statements.push(`alter type ${typeName} rename to ${identifier(oldName)}`);
    statements.push(...enumSql.createEnum(type, rebuild.to));
    for (const [table, columns] of groupByTable(rebuild.columns)) {
      const parts: string[] = [];
      for (const column of columns) {
        const col = identifier(column.column);
        const target = column.array ? `${typeName}[]` : typeName;
        const hasDefault = column.default !== undefined && column.default !== null;
        if (hasDefault) parts.push(`alter column ${col} drop default`);
        parts.push(`alter column ${col} type ${target} using (${convertSql(col, target, column.array === true, map)})`);
        if (hasDefault) parts.push(`alter column ${col} set default ${mapEnumDefault(String(column.default), map)}`);
      }
      statements.push(`alter table ${table} ${parts.join(', ')}`);
    }
    statements.push(`drop type ${qualified({ schema: name.schema, name: oldName })}`);
    for (const index of dependents.indexes ?? []) {
      statements.push(index.definition.trim().replace(/;$/, ''));
      if (index.comment !== undefined) statements.push(`comment on index ${qualified({ schema: splitName(index.table).schema, name: index.name })} is ${literal(index.comment)}`);
    }
    for (const c of dependents.constraints ?? []) {
      const table = qualified(splitName(c.table));
      statements.push(`alter table ${table} add constraint ${identifier(c.name)} ${c.definition.trim()}`);
      if (c.comment !== undefined) statements.push(`comment on constraint ${identifier(c.name)} on ${table} is ${literal(c.comment)}`);
    }
    for (const view of views) statements.push(...createViewSql(view));
    return statements;
  },

  /** The rebuild that removes one value (`from` without `value`); see {@link enumSql.rebuildEnum}. */
  removeEnumValue(type: EnumTypeName, value: string, removal: EnumValueRemoval): string[] {
    if (!removal.from.includes(value)) {
      throw new InvalidEnumStepError('removeEnumValue', `${literal(value)} is not one of the type's values (${removal.from.map(literal).join(', ')})`);
    }
    return enumSql.rebuildEnum(type, { ...removal, to: removal.from.filter((v) => v !== value) });
  },

  /**
   * One `DO` block per column that counts the rows holding any of `values` (minus the mapped ones) and
   * raises `check_violation` with the table, the column and the row count when there are some. It
   * only checks: it changes nothing and decides nothing.
   */
  assertEnumValuesUnused(type: EnumTypeName, values: readonly string[], columns: readonly EnumGuardColumn[], map: EnumValueMap = {}): string[] {
    const checked = values.filter((v) => !Object.prototype.hasOwnProperty.call(map, v));
    for (const v of checked) checkLabel('assertEnumValuesUnused', v);
    if (checked.length === 0) return [];
    const typeText = describeName(splitName(type));
    const labels = checked.map(literal).join(', ');
    const valuesText = checked.map((v) => `'${v}'`).join(', ');
    return columns.map((column) => {
      const table = splitName(column.table);
      const col = identifier(column.column);
      const where = column.array ? `${col}::text[] && array[${labels}]::text[]` : `${col}::text in (${labels})`;
      const place = `${describeName(table)}.${column.column}`;
      const message = [
        `${literal(`cannot remove ${valuesText} from enum type ${typeText}: `)} || n || `,
        literal(` row(s) of ${place} still hold ${checked.length === 1 ? 'it' : 'one of them'}`),
      ].join('');
      const hint = literal('update or delete those rows first, or map the value to one the type keeps in the revision (see docs/enums.md)');
      const body = [
        'declare n bigint;',
        'begin',
        `  select count(*) into n from ${qualified(table)} where ${where};`,
        `  if n > 0 then raise exception using errcode = 'check_violation', message = ${message}, hint = ${hint}; end if;`,
        'end',
      ].join('\n');
      const tag = dollarTag(body);
      return `do ${tag}\n${body}\n${tag}`;
    });
  },
});

/**
 * An identifier, always double-quoted.
 *
 * @example
 * ```ts
 * identifier('user "role"'); // => '"user ""role"""'
 * ```
 */
export function identifier(name: string): string {
  if (name.length === 0) throw new InvalidEnumStepError('identifier', 'a name cannot be empty');
  if (name.includes('\0')) throw new InvalidEnumStepError('identifier', 'a name cannot contain a NUL character');
  return sqlIdentifier(name);
}

/**
 * A string literal: `'` doubled; with a backslash, the `E'...'` form with backslashes doubled, so it
 * reads the same whatever `standard_conforming_strings` is.
 *
 * @example
 * ```ts
 * literal("it's");  // => "'it''s'"
 * literal('a\\b');  // => "E'a\\\\b'"
 * ```
 */
export function literal(value: string): string {
  if (value.includes('\0')) throw new InvalidEnumStepError('literal', 'a value cannot contain a NUL character');
  return sqlString(value);
}

/**
 * Splits a {@link QualifiedName}: `'app.user_role'` → `{ schema: 'app', name: 'user_role' }`;
 * `fallbackSchema` when there is no schema.
 *
 * @example
 * ```ts
 * splitName('user_role');                           // { schema: undefined, name: 'user_role' }
 * splitName({ schema: 'app', name: 'odd.name' });   // { schema: 'app', name: 'odd.name' }
 * ```
 */
export function splitName(name: QualifiedName, fallbackSchema?: string): { readonly schema?: string; readonly name: string } {
  if (typeof name !== 'string') return { schema: name.schema ?? fallbackSchema, name: name.name };
  const dot = name.indexOf('.');
  return dot < 0 ? { schema: fallbackSchema, name } : { schema: name.slice(0, dot), name: name.slice(dot + 1) };
}

/** A type reference for SQL (`"user_role"`, `"app"."user_role"`). */
function typeSql(type: EnumTypeName): string {
  return qualified(splitName(type));
}

function qualified(name: { readonly schema?: string; readonly name: string }): string {
  const schema = normalSchema(name.schema);
  return schema === undefined ? identifier(name.name) : `${identifier(schema)}.${identifier(name.name)}`;
}

function normalSchema(schema: string | undefined): string | undefined {
  return schema === undefined || schema === 'public' ? undefined : schema;
}

function describeName(name: { readonly schema?: string; readonly name: string }): string {
  const schema = normalSchema(name.schema);
  return schema === undefined ? name.name : `${schema}.${name.name}`;
}

/** `<name>_old`, shortened to PostgreSQL's 63 bytes. */
function oldTypeName(name: string): string {
  let base = name;
  while (Buffer.byteLength(`${base}_old`) > 63) base = base.slice(0, -1);
  return `${base}_old`;
}

function convertSql(column: string, target: string, array: boolean, map: EnumValueMap): string {
  const entries = Object.entries(map);
  if (array) {
    let expr = `${column}::text[]`;
    for (const [from, to] of entries) expr = `array_replace(${expr}, ${literal(from)}, ${literal(to)})`;
    return `${expr}::${target}`;
  }
  if (entries.length === 0) return `${column}::text::${target}`;
  const whens = entries.map(([from, to]) => `when ${literal(from)} then ${literal(to)}`).join(' ');
  return `(case ${column}::text ${whens} else ${column}::text end)::${target}`;
}

/**
 * An enum column's default with its labels replaced through `map` (`'guest'`, `'guest'::user_role`,
 * `'{guest,user}'`); any other text as it is.
 *
 * @example
 * ```ts
 * mapEnumDefault(`'guest'::user_role`, { guest: 'user' }); // `'user'::user_role`
 * mapEnumDefault(`'{guest,admin}'`, { guest: 'user' });    // `'{"user","admin"}'`
 * ```
 */
export function mapEnumDefault(text: string, map: EnumValueMap): string {
  if (Object.keys(map).length === 0) return text;
  const parsed = parseEnumDefault(text);
  if (parsed === undefined) return text;
  const mapped = parsed.labels.map((e) => (e !== null && Object.prototype.hasOwnProperty.call(map, e) ? map[e] : e));
  if (mapped.every((e, i) => e === parsed.labels[i])) return text;
  const value = parsed.array ? formatArrayLiteral(mapped) : String(mapped[0]);
  return `${literal(value)}${parsed.cast}`;
}

/**
 * The labels of an enum column's default as SQL text: a quoted label (`'user'`, `'user'::user_role`)
 * or a one-dimensional array literal (`'{user,admin}'`, `'{}'::user_role[]`); `undefined` for
 * anything else (an expression).
 *
 * @example
 * ```ts
 * parseEnumDefault(`'user'::user_role`); // { labels: ['user'], array: false, cast: '::user_role' }
 * parseEnumDefault(`'{a,"b c"}'`);        // { labels: ['a', 'b c'], array: true, cast: '' }
 * parseEnumDefault('now()');              // undefined
 * ```
 */
export function parseEnumDefault(text: string): { readonly labels: readonly (string | null)[]; readonly array: boolean; readonly cast: string } | undefined {
  const match = /^'((?:[^']|'')*)'(::.*)?$/s.exec(text.trim());
  if (match === null) return undefined;
  const value = match[1].replace(/''/g, "'");
  const cast = match[2] ?? '';
  const array = cast.endsWith('[]') || (cast === '' && value.startsWith('{') && value.endsWith('}'));
  if (!array) return { labels: [value], array: false, cast };
  const elements = parseArrayLiteral(value);
  return elements === undefined ? undefined : { labels: elements, array: true, cast };
}

/** The elements of a one-dimensional array literal (`{a,"b c",NULL}`), or `undefined` when it is not one. */
function parseArrayLiteral(text: string): (string | null)[] | undefined {
  if (!text.startsWith('{') || !text.endsWith('}')) return undefined;
  const inner = text.slice(1, -1);
  if (inner === '') return [];
  const out: (string | null)[] = [];
  let i = 0;
  while (i <= inner.length) {
    if (inner[i] === '"') {
      let value = '';
      i++;
      while (i < inner.length && inner[i] !== '"') {
        if (inner[i] === '\\') i++;
        value += inner[i] ?? '';
        i++;
      }
      if (inner[i] !== '"') return undefined;
      out.push(value);
      i++;
    } else {
      let end = inner.indexOf(',', i);
      if (end < 0) end = inner.length;
      const raw = inner.slice(i, end).trim();
      if (raw.includes('{') || raw.includes('"')) return undefined;
      out.push(raw.toUpperCase() === 'NULL' ? null : raw);
      i = end;
    }
    if (i < inner.length && inner[i] !== ',') return undefined;
    i++;
  }
  return out;
}

function formatArrayLiteral(elements: readonly (string | null)[]): string {
  return `{${elements.map((e) => (e === null ? 'NULL' : `"${e.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)).join(',')}}`;
}

function createViewSql(view: EnumDependentView): string[] {
  const name = qualified(splitName(view.view));
  const options = view.options ?? [];
  for (const option of options) {
    if (!/^[a-z_]+=[A-Za-z0-9_]+$/.test(option)) throw new InvalidEnumStepError('rebuildEnum', `view option ${literal(option)} is not of the form name=value`);
  }
  const statements = [`create view ${name}${options.length > 0 ? ` with (${options.join(', ')})` : ''} as ${view.definition.trim().replace(/;$/, '')}`];
  if (view.comment !== undefined) statements.push(`comment on view ${name} is ${literal(view.comment)}`);
  for (const [column, comment] of Object.entries(view.columnComments ?? {})) {
    statements.push(`comment on column ${name}.${identifier(column)} is ${literal(comment)}`);
  }
  for (const grant of view.grants ?? []) {
    for (const privilege of grant.privileges) {
      if (!/^[A-Z ]+$/.test(privilege)) throw new InvalidEnumStepError('rebuildEnum', `privilege ${literal(privilege)} is not a privilege name`);
    }
    const grantee = grant.grantee.toUpperCase() === 'PUBLIC' ? 'public' : identifier(grant.grantee);
    statements.push(`grant ${grant.privileges.join(', ').toLowerCase()} on ${name} to ${grantee}${grant.grantable ? ' with grant option' : ''}`);
  }
  return statements;
}

function groupByTable(columns: readonly EnumColumn[]): [string, EnumColumn[]][] {
  const groups = new Map<string, EnumColumn[]>();
  for (const column of columns) {
    const table = qualified(splitName(column.table));
    const list = groups.get(table) ?? [];
    list.push(column);
    groups.set(table, list);
  }
  return [...groups];
}

/** `$guard$`, or `$guard1$`, ... : a dollar-quote tag that does not occur in `body`. */
function dollarTag(body: string): string {
  for (let i = 0; ; i++) {
    const tag = `$guard${i === 0 ? '' : i}$`;
    if (!body.includes(tag)) return tag;
  }
}

function checkLabel(step: string, value: string): void {
  if (typeof value !== 'string' || value.length === 0) throw new InvalidEnumStepError(step, 'an enum value must be a non-empty string');
}

function checkValues(step: string, values: readonly string[]): void {
  if (values.length === 0) throw new InvalidEnumStepError(step, 'an enum type needs at least one value');
  for (const value of values) checkLabel(step, value);
  const seen = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) throw new InvalidEnumStepError(step, `the value ${literal(value)} is listed twice`);
    seen.add(value);
  }
}

function checkedMap(rebuild: EnumRebuild): EnumValueMap {
  const map = rebuild.map ?? {};
  for (const [from, to] of Object.entries(map)) {
    if (!rebuild.from.includes(from) || rebuild.to.includes(from)) {
      throw new InvalidEnumStepError('rebuildEnum', `map: ${literal(from)} is not a value this step removes`);
    }
    if (!rebuild.to.includes(to)) throw new InvalidEnumStepError('rebuildEnum', `map: ${literal(to)} is not a value the type keeps`);
  }
  return map;
}
