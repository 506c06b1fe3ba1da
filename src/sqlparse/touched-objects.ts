import type { ParsedStatement, PgNode } from './parse-sql';
import { field, list, nameOf, nameParts, partsToName, rangeVar, str, walk } from './pg-node';
import type { RelationName } from './schema-change';

/**
 * The kinds of database object a statement can touch. Tables, views, materialized views, sequences
 * and indexes share one namespace in PostgreSQL (`pg_class`), so they are all `relation`s here; the
 * statement's own word for it is in {@link ObjectRef.shownAs}.
 */
export type ObjectKind = 'schema' | 'relation' | 'column' | 'constraint' | 'trigger' | 'type' | 'enumValue' | 'function' | 'extension';

/** How a statement touches an object. */
export type TouchAction = 'create' | 'alter' | 'drop' | 'rename' | 'reads';

/**
 * One database object as a statement names it (nothing is looked up: `schema` is `null` when the
 * statement leaves it to the search path). `member` names the part of a relation or type: the column,
 * constraint or trigger of a relation, the value of an enum type.
 */
export interface ObjectRef {
  readonly kind: ObjectKind;
  readonly schema: string | null;
  /** The relation, type, function, schema or extension. */
  readonly name: string;
  /** The column / constraint / trigger (of relation `name`), or the enum value (of type `name`); else `null`. */
  readonly member: string | null;
  /** The statement's word for it: `table`, `view`, `index`, `sequence`, `enum type`, `domain`, ... */
  readonly shownAs: string;
}

/** One object one statement touches, and how. */
export interface ObjectTouch {
  readonly object: ObjectRef;
  readonly action: TouchAction;
  /** For `rename`: the new name (of the relation, type, function or member). */
  readonly newName?: string;
  /**
   * For `reads` of a relation: every column of it may matter (a view's query, rows read or written),
   * not only its existence. A change to any of its columns then matters too.
   */
  readonly whole?: boolean;
  /** What exactly, for people: `add column`, `add value 'x'`, `set not null`, ... */
  readonly detail: string;
}

/** What {@link touchedObjects} found in one statement. */
export interface StatementTouches {
  readonly statement: ParsedStatement;
  readonly touches: readonly ObjectTouch[];
  /**
   * Why the statement's effect cannot be known from its text (`a DO block`, `a SELECT that calls
   * functions`, `CreateExtensionStmt is not analysed`), or `null` when `touches` is all of it.
   */
  readonly unknown: string | null;
}

/** Type names PostgreSQL knows without a schema (the parser writes most keyword types as `pg_catalog.x`). */
const BUILTIN_TYPES = new Set([
  'text', 'uuid', 'json', 'jsonb', 'bytea', 'date', 'time', 'timetz', 'timestamp', 'timestamptz', 'interval', 'bool', 'boolean',
  'int2', 'int4', 'int8', 'smallint', 'integer', 'bigint', 'serial', 'serial4', 'serial8', 'bigserial', 'smallserial', 'serial2',
  'float4', 'float8', 'numeric', 'money', 'inet', 'cidr', 'macaddr', 'xml', 'tsvector', 'tsquery', 'point', 'line', 'box',
  'polygon', 'circle', 'path', 'lseg', 'oid', 'regclass', 'name', 'char', 'varchar', 'bpchar', 'bit', 'varbit', 'citext',
  'int4range', 'int8range', 'numrange', 'tsrange', 'tstzrange', 'daterange', 'record', 'void', 'trigger', 'anyelement',
]);

/** Statements that change no database object (transaction control, settings). */
const NO_OBJECT = new Set(['TransactionStmt', 'VariableSetStmt', 'VariableShowStmt', 'CheckPointStmt', 'DiscardStmt', 'NotifyStmt', 'ListenStmt', 'UnlistenStmt']);

/**
 * The database objects one parsed statement touches — tables and other relations, columns, types and
 * their enum values, indexes, constraints, triggers, views, sequences, functions, schemas — each with
 * how it is touched (`create`, `alter`, `drop`, `rename`, `reads`). Objects are named as the statement
 * names them. What the text cannot tell (a `DO` block, a procedure call, a `SELECT` calling functions,
 * a statement kind this does not analyse) is reported in `unknown`, never left out silently.
 *
 * @example
 * ```ts
 * const [stmt] = await parseSql(`alter type "status" add value 'archived'`);
 * touchedObjects(stmt).touches;
 * // [{ object: { kind: 'type', name: 'status', ... }, action: 'alter', detail: "add value 'archived'" },
 * //  { object: { kind: 'enumValue', name: 'status', member: 'archived', ... }, action: 'create', ... }]
 * ```
 */
export function touchedObjects(statement: ParsedStatement): StatementTouches {
  const out = new Touches();
  const unknown = collect(statement, out);
  return Object.freeze({ statement, touches: Object.freeze(out.list), unknown });
}

class Touches {
  readonly list: ObjectTouch[] = [];

  add(object: ObjectRef, action: TouchAction, detail: string, extra: { newName?: string; whole?: boolean } = {}): void {
    this.list.push(Object.freeze({ object: Object.freeze(object), action, detail, ...extra }));
  }

  relation(rel: RelationName, shownAs: string, action: TouchAction, detail: string, extra: { newName?: string; whole?: boolean } = {}): void {
    this.add({ kind: 'relation', schema: rel.schema, name: rel.name, member: null, shownAs }, action, detail, extra);
  }

  member(kind: 'column' | 'constraint' | 'trigger', rel: RelationName, member: string, action: TouchAction, detail: string, newName?: string): void {
    this.add({ kind, schema: rel.schema, name: rel.name, member, shownAs: kind }, action, detail, newName === undefined ? {} : { newName });
  }

  type(type: RelationName, shownAs: string, action: TouchAction, detail: string, newName?: string): void {
    if (action === 'reads' && type.schema === null && BUILTIN_TYPES.has(type.name)) return;
    if (type.schema === 'pg_catalog' || type.name === '') return;
    this.add({ kind: 'type', schema: type.schema, name: type.name, member: null, shownAs }, action, detail, newName === undefined ? {} : { newName });
  }

  /** Every relation a query (or expression) reads, wholly. */
  reads(node: unknown, detail: string): void {
    // a bare TypeName (a column's or a parameter's type)
    if (node !== null && typeof node === 'object' && Array.isArray((node as PgNode).names)) this.type(typeName(node), 'type', 'reads', detail);
    walk(node, (type, n) => {
      if (type === 'RangeVar') this.relation(rangeVar(n), 'table', 'reads', detail, { whole: true });
      else if (type === 'TypeName') this.type(typeName(n), 'type', 'reads', detail);
      else if ((type === 'TypeCast' || type === 'ColumnDef') && n.typeName !== undefined) this.type(typeName(n.typeName), 'type', 'reads', detail);
    });
  }
}

/** Records the touches of a statement; returns why its effect is unknown, or `null`. */
function collect(statement: ParsedStatement, out: Touches): string | null {
  const n = statement.node;
  if (NO_OBJECT.has(statement.type)) return null;
  switch (statement.type) {
    case 'CreateSchemaStmt':
      out.add({ kind: 'schema', schema: null, name: str(n.schemaname), member: null, shownAs: 'schema' }, 'create', 'create schema');
      return list(n.schemaElts).length > 0 ? 'a CREATE SCHEMA with elements' : null;
    case 'CreateStmt':
      return createTable(n, out);
    case 'CreateTableAsStmt': {
      const into = field(n.into, 'IntoClause');
      const rel = rangeVar(into?.rel);
      out.relation(rel, String(n.objtype) === 'OBJECT_MATVIEW' ? 'materialized view' : 'table', 'create', 'create as a query');
      out.reads(n.query, 'read by create table as');
      return queryCallsFunctions(n.query);
    }
    case 'ViewStmt': {
      const rel = rangeVar(n.view);
      out.relation(rel, 'view', n.replace === true ? 'alter' : 'create', n.replace === true ? 'create or replace view' : 'create view');
      out.reads(n.query, `read by view ${rel.name}`);
      return null;
    }
    case 'IndexStmt': {
      const table = rangeVar(n.relation);
      const schema = table.schema;
      const name = typeof n.idxname === 'string' ? n.idxname : null;
      if (name !== null) out.relation({ schema, name }, 'index', 'create', `create ${n.unique === true ? 'unique ' : ''}index on ${table.name}`);
      out.relation(table, 'table', 'reads', name === null ? 'an unnamed index is built on it' : `index ${name} is built on it`);
      for (const column of indexColumns(n)) out.member('column', table, column, 'reads', `indexed by ${name ?? 'an unnamed index'}`);
      return null;
    }
    case 'DropStmt':
      return drop(n, out);
    case 'AlterTableStmt':
      return alterTable(n, out);
    case 'RenameStmt':
      return rename(n, out);
    case 'AlterEnumStmt': {
      const type = nameOf(n.typeName);
      if (typeof n.oldVal === 'string') {
        out.type(type, 'enum type', 'alter', `rename value '${n.oldVal}' to '${str(n.newVal)}'`);
        out.add({ kind: 'enumValue', schema: type.schema, name: type.name, member: n.oldVal, shownAs: 'enum value' }, 'rename', `rename value to '${str(n.newVal)}'`, { newName: str(n.newVal) });
      } else {
        out.type(type, 'enum type', 'alter', `add value '${str(n.newVal)}'`);
        out.add({ kind: 'enumValue', schema: type.schema, name: type.name, member: str(n.newVal), shownAs: 'enum value' }, 'create', 'add value');
      }
      return null;
    }
    case 'CreateEnumStmt': {
      const type = nameOf(n.typeName);
      const values = list(n.vals).map((v) => str(field(v, 'String')?.sval));
      out.type(type, 'enum type', 'create', `create enum type (${values.map((v) => `'${v}'`).join(', ')})`);
      for (const v of values) out.add({ kind: 'enumValue', schema: type.schema, name: type.name, member: v, shownAs: 'enum value' }, 'create', 'create enum type');
      return null;
    }
    case 'CreateDomainStmt':
      out.type(nameOf(n.domainname), 'domain', 'create', 'create domain');
      out.reads(n.typeName, 'a domain is based on it');
      return null;
    case 'CompositeTypeStmt':
      out.type(rangeVar(n.typevar), 'composite type', 'create', 'create composite type');
      out.reads(n.coldeflist, 'used by a composite type');
      return null;
    case 'CreateRangeStmt':
      out.type(nameOf(n.typeName), 'range type', 'create', 'create range type');
      return null;
    case 'AlterDomainStmt':
      out.type(nameOf(n.typeName), 'domain', 'alter', `alter domain (${String(n.subtype)})`);
      return null;
    case 'CreateSeqStmt': {
      out.relation(rangeVar(n.sequence), 'sequence', 'create', 'create sequence');
      ownedBy(n, out);
      return null;
    }
    case 'AlterSeqStmt':
      out.relation(rangeVar(n.sequence), 'sequence', 'alter', 'alter sequence');
      ownedBy(n, out);
      return null;
    case 'CreateFunctionStmt': {
      const fn = nameOf(n.funcname);
      const what = n.is_procedure === true ? 'procedure' : 'function';
      out.add({ kind: 'function', schema: fn.schema, name: fn.name, member: null, shownAs: what }, 'create', n.replace === true ? `create or replace ${what}` : `create ${what}`);
      for (const p of list(n.parameters)) out.reads(field(p, 'FunctionParameter')?.argType, `a parameter of ${what} ${fn.name}`);
      out.reads(n.returnType, `returned by ${what} ${fn.name}`);
      return null;
    }
    case 'CreateTrigStmt': {
      const table = rangeVar(n.relation);
      out.member('trigger', table, str(n.trigname), 'create', 'create trigger');
      out.relation(table, 'table', 'reads', `trigger ${str(n.trigname)} is on it`);
      const fn = nameOf(n.funcname);
      out.add({ kind: 'function', schema: fn.schema, name: fn.name, member: null, shownAs: 'function' }, 'reads', `called by trigger ${str(n.trigname)}`);
      return null;
    }
    case 'CommentStmt':
      return comment(n, out);
    case 'InsertStmt':
    case 'UpdateStmt':
    case 'DeleteStmt': {
      const table = rangeVar(n.relation);
      const verb = statement.type === 'InsertStmt' ? 'insert' : statement.type === 'UpdateStmt' ? 'update' : 'delete';
      out.relation(table, 'table', 'alter', `${verb} rows`, { whole: true });
      for (const key of ['selectStmt', 'fromClause', 'usingClause', 'whereClause', 'withClause', 'targetList', 'returningList'] as const) out.reads(n[key], `read by ${verb} into ${table.name}`);
      return null;
    }
    case 'TruncateStmt':
      for (const r of list(n.relations)) out.relation(rangeVar(r), 'table', 'alter', 'truncate', { whole: true });
      return null;
    case 'SelectStmt':
      out.reads(n, 'read by a select');
      return queryCallsFunctions(n) ?? null;
    case 'LockStmt':
      for (const r of list(n.relations)) out.relation(rangeVar(r), 'table', 'reads', 'locked');
      return null;
    case 'CreateExtensionStmt':
      out.add({ kind: 'extension', schema: null, name: str(n.extname), member: null, shownAs: 'extension' }, 'create', 'create extension');
      return null;
    case 'DoStmt':
      return 'a DO block (its statements are not known before it runs)';
    case 'CallStmt':
      return 'a procedure call';
    default:
      return `${statement.type} is not analysed`;
  }
}

function createTable(n: PgNode, out: Touches): string | null {
  const table = rangeVar(n.relation);
  out.relation(table, 'table', 'create', 'create table');
  for (const element of list(n.tableElts)) {
    const column = field(element, 'ColumnDef');
    if (column) {
      const name = str(column.colname);
      out.member('column', table, name, 'create', 'create table');
      out.reads(column.typeName, `type of column ${table.name}.${name}`);
      for (const c of list(column.constraints)) constraint(table, field(c, 'Constraint') ?? {}, [name], out, 'create table');
      continue;
    }
    const con = field(element, 'Constraint');
    if (con) constraint(table, con, [], out, 'create table');
    const like = field(element, 'TableLikeClause');
    if (like) out.relation(rangeVar(like.relation), 'table', 'reads', `copied by create table ${table.name} (like ...)`, { whole: true });
  }
  for (const parent of list(n.inhRelations)) out.relation(rangeVar(parent), 'table', 'reads', `parent of ${table.name}`, { whole: true });
  return null;
}

/** A constraint added to `table` (inline on `columns`, or a table constraint). */
function constraint(table: RelationName, con: PgNode, columns: readonly string[], out: Touches, detail: string): void {
  const type = String(con.contype);
  if (['CONSTR_NULL', 'CONSTR_NOTNULL', 'CONSTR_DEFAULT', 'CONSTR_IDENTITY', 'CONSTR_GENERATED'].includes(type)) {
    if (type === 'CONSTR_DEFAULT' || type === 'CONSTR_GENERATED') out.reads(con.raw_expr, `a default of ${table.name}`);
    return;
  }
  const what = type.replace('CONSTR_', '').toLowerCase().replace('foreign', 'foreign key').replace('primary', 'primary key');
  const keys = [...columns, ...list(con.keys).map((k) => str(field(k, 'String')?.sval)), ...list(con.fk_attrs).map((k) => str(field(k, 'String')?.sval))];
  // an unnamed constraint gets PostgreSQL's default name (ChooseConstraintName, without its truncation and numbering)
  const suffix: Record<string, string> = { CONSTR_PRIMARY: 'pkey', CONSTR_UNIQUE: 'key', CONSTR_FOREIGN: 'fkey', CONSTR_CHECK: 'check', CONSTR_EXCLUSION: 'excl' };
  const name = typeof con.conname === 'string' ? con.conname : [table.name, ...(type === 'CONSTR_PRIMARY' ? [] : keys.slice(0, 1)), suffix[type] ?? 'constraint'].join('_');
  out.member('constraint', table, name, 'create', `${detail}: ${what}${typeof con.conname === 'string' ? '' : ' (unnamed: PostgreSQL names it)'}`);
  // a unique, primary key or exclusion constraint builds an index of its name
  if (['CONSTR_UNIQUE', 'CONSTR_PRIMARY', 'CONSTR_EXCLUSION'].includes(type) && typeof con.indexname !== 'string') {
    out.relation({ schema: table.schema, name }, 'index', 'create', `the index of ${what} ${name}`);
  }
  for (const column of new Set(keys)) if (!columns.includes(column)) out.member('column', table, column, 'reads', `in ${what} ${name}`);
  if (type === 'CONSTR_FOREIGN') {
    const referenced = rangeVar(con.pktable);
    out.relation(referenced, 'table', 'reads', `referenced by ${name} of ${table.name}`);
    for (const k of list(con.pk_attrs)) out.member('column', referenced, str(field(k, 'String')?.sval), 'reads', `referenced by ${name}`);
  }
  if (type === 'CONSTR_CHECK') out.reads(con.raw_expr, `a check of ${table.name}`);
}

function alterTable(n: PgNode, out: Touches): string | null {
  const rel = rangeVar(n.relation);
  const objtype = String(n.objtype);
  const shownAs = objtype === 'OBJECT_INDEX' ? 'index' : objtype === 'OBJECT_VIEW' ? 'view' : objtype === 'OBJECT_SEQUENCE' ? 'sequence' : objtype === 'OBJECT_MATVIEW' ? 'materialized view' : 'table';
  for (const item of list(n.cmds)) {
    const cmd = field(item, 'AlterTableCmd');
    if (!cmd) continue;
    const subtype = String(cmd.subtype);
    const name = typeof cmd.name === 'string' ? cmd.name : '';
    if (shownAs !== 'table') {
      out.relation(rel, shownAs, 'alter', `alter ${shownAs} (${subtype})`);
      continue;
    }
    switch (subtype) {
      case 'AT_AddColumn': {
        const def = field(cmd.def, 'ColumnDef') ?? {};
        const column = str(def.colname);
        out.relation(rel, 'table', 'reads', `column ${column} is added`);
        out.member('column', rel, column, 'create', 'add column');
        out.reads(def.typeName, `type of column ${rel.name}.${column}`);
        for (const c of list(def.constraints)) constraint(rel, field(c, 'Constraint') ?? {}, [column], out, 'add column');
        break;
      }
      case 'AT_DropColumn':
        out.member('column', rel, name, 'drop', 'drop column');
        out.relation(rel, 'table', 'reads', `column ${name} is dropped`);
        break;
      case 'AT_AlterColumnType': {
        const def = field(cmd.def, 'ColumnDef') ?? {};
        out.member('column', rel, name, 'alter', `set type ${typeText(def.typeName)}`);
        out.relation(rel, 'table', 'reads', `column ${name} changes type`);
        out.reads(def.typeName, `type of column ${rel.name}.${name}`);
        out.reads(def.raw_default, `the USING of ${rel.name}.${name}`);
        break;
      }
      case 'AT_SetNotNull':
      case 'AT_DropNotNull':
      case 'AT_ColumnDefault':
      case 'AT_SetStatistics':
      case 'AT_SetStorage':
      case 'AT_SetCompression':
      case 'AT_AddIdentity':
      case 'AT_SetIdentity':
      case 'AT_DropIdentity':
      case 'AT_DropExpression':
      case 'AT_SetOptions':
      case 'AT_ResetOptions': {
        const what = subtype === 'AT_ColumnDefault' ? (cmd.def === undefined ? 'drop default' : 'set default') : subtype.slice(3).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
        out.member('column', rel, name, 'alter', what);
        out.relation(rel, 'table', 'reads', `column ${name}: ${what}`);
        if (cmd.def !== undefined) out.reads(cmd.def, `the default of ${rel.name}.${name}`);
        break;
      }
      case 'AT_AddConstraint':
        out.relation(rel, 'table', 'reads', 'a constraint is added');
        constraint(rel, field(cmd.def, 'Constraint') ?? {}, [], out, 'add constraint');
        break;
      case 'AT_ValidateConstraint':
        out.member('constraint', rel, name, 'alter', 'validate constraint');
        out.relation(rel, 'table', 'reads', `constraint ${name} is validated`);
        break;
      case 'AT_DropConstraint':
        out.member('constraint', rel, name, 'drop', 'drop constraint');
        out.relation(rel, 'table', 'reads', `constraint ${name} is dropped`);
        break;
      case 'AT_EnableTrig':
      case 'AT_DisableTrig':
      case 'AT_EnableAlwaysTrig':
      case 'AT_EnableReplicaTrig':
        out.member('trigger', rel, name, 'alter', subtype.slice(3).toLowerCase());
        break;
      case 'AT_AddInherit':
      case 'AT_DropInherit':
      case 'AT_AttachPartition':
      case 'AT_DetachPartition':
        out.relation(rel, 'table', 'alter', subtype.slice(3).toLowerCase());
        walk(cmd.def, (type, node) => {
          if (type === 'RangeVar') out.relation(rangeVar(node), 'table', 'alter', `${subtype.slice(3).toLowerCase()} of ${rel.name}`);
        });
        break;
      default:
        out.relation(rel, 'table', 'alter', `alter table (${subtype.slice(3)})`);
    }
  }
  return null;
}

function drop(n: PgNode, out: Touches): string | null {
  const removeType = String(n.removeType);
  const objects = list(n.objects);
  const relationKinds: Record<string, string> = {
    OBJECT_TABLE: 'table',
    OBJECT_VIEW: 'view',
    OBJECT_MATVIEW: 'materialized view',
    OBJECT_SEQUENCE: 'sequence',
    OBJECT_INDEX: 'index',
    OBJECT_FOREIGN_TABLE: 'foreign table',
  };
  const cascade = n.behavior === 'DROP_CASCADE' ? ' cascade' : '';
  if (relationKinds[removeType] !== undefined) {
    for (const o of objects) out.relation(nameOf(o), relationKinds[removeType], 'drop', `drop ${relationKinds[removeType]}${cascade}`);
    return cascade ? 'DROP ... CASCADE (what it drops with it depends on the database)' : null;
  }
  switch (removeType) {
    case 'OBJECT_TYPE':
    case 'OBJECT_DOMAIN':
      for (const o of objects) out.type(typeName(field(o, 'TypeName') ?? o), removeType === 'OBJECT_DOMAIN' ? 'domain' : 'type', 'drop', `drop type${cascade}`);
      return cascade ? 'DROP TYPE ... CASCADE (what it drops with it depends on the database)' : null;
    case 'OBJECT_FUNCTION':
    case 'OBJECT_PROCEDURE':
    case 'OBJECT_ROUTINE':
      for (const o of objects) {
        const fn = nameOf(field(o, 'ObjectWithArgs')?.objname);
        out.add({ kind: 'function', schema: fn.schema, name: fn.name, member: null, shownAs: 'function' }, 'drop', `drop function${cascade}`);
      }
      return cascade ? 'DROP FUNCTION ... CASCADE' : null;
    case 'OBJECT_TRIGGER':
    case 'OBJECT_TABCONSTRAINT':
      for (const o of objects) {
        const parts = nameParts(o);
        const member = parts.pop() ?? '';
        out.member(removeType === 'OBJECT_TRIGGER' ? 'trigger' : 'constraint', partsToName(parts), member, 'drop', `drop ${removeType === 'OBJECT_TRIGGER' ? 'trigger' : 'constraint'}`);
      }
      return null;
    case 'OBJECT_SCHEMA':
      for (const o of objects) out.add({ kind: 'schema', schema: null, name: str(field(o, 'String')?.sval), member: null, shownAs: 'schema' }, 'drop', `drop schema${cascade}`);
      return cascade ? 'DROP SCHEMA ... CASCADE' : null;
    case 'OBJECT_EXTENSION':
      for (const o of objects) out.add({ kind: 'extension', schema: null, name: str(field(o, 'String')?.sval), member: null, shownAs: 'extension' }, 'drop', 'drop extension');
      return null;
    default:
      return `DROP of ${removeType.replace('OBJECT_', '').toLowerCase()} is not analysed`;
  }
}

function rename(n: PgNode, out: Touches): string | null {
  const to = str(n.newname);
  const rel = n.relation ? rangeVar(n.relation) : null;
  const type = String(n.renameType);
  const relationKinds: Record<string, string> = { OBJECT_TABLE: 'table', OBJECT_VIEW: 'view', OBJECT_MATVIEW: 'materialized view', OBJECT_SEQUENCE: 'sequence', OBJECT_INDEX: 'index', OBJECT_FOREIGN_TABLE: 'foreign table' };
  if (relationKinds[type] !== undefined && rel) {
    out.relation(rel, relationKinds[type], 'rename', `rename to ${to}`, { newName: to });
    return null;
  }
  switch (type) {
    case 'OBJECT_COLUMN':
      if (!rel) break;
      out.member('column', rel, str(n.subname), 'rename', `rename column to ${to}`, to);
      out.relation(rel, 'table', 'reads', `column ${str(n.subname)} is renamed`);
      return null;
    case 'OBJECT_TABCONSTRAINT':
      if (!rel) break;
      out.member('constraint', rel, str(n.subname), 'rename', `rename constraint to ${to}`, to);
      return null;
    case 'OBJECT_TRIGGER':
      if (!rel) break;
      out.member('trigger', rel, str(n.subname), 'rename', `rename trigger to ${to}`, to);
      return null;
    case 'OBJECT_TYPE':
    case 'OBJECT_DOMAIN':
      out.type(nameOf(n.object), type === 'OBJECT_DOMAIN' ? 'domain' : 'type', 'rename', `rename type to ${to}`, to);
      return null;
    case 'OBJECT_ATTRIBUTE':
      if (!rel) break;
      out.type(rel, 'composite type', 'alter', `rename attribute ${str(n.subname)} to ${to}`);
      return null;
    case 'OBJECT_FUNCTION':
    case 'OBJECT_PROCEDURE': {
      const fn = nameOf(field(n.object, 'ObjectWithArgs')?.objname);
      out.add({ kind: 'function', schema: fn.schema, name: fn.name, member: null, shownAs: 'function' }, 'rename', `rename function to ${to}`, { newName: to });
      return null;
    }
    case 'OBJECT_SCHEMA':
      out.add({ kind: 'schema', schema: null, name: str(n.subname), member: null, shownAs: 'schema' }, 'rename', `rename schema to ${to}`, { newName: to });
      return null;
  }
  return `renaming a ${type.replace('OBJECT_', '').toLowerCase()} is not analysed`;
}

function comment(n: PgNode, out: Touches): string | null {
  const type = String(n.objtype);
  const parts = nameParts(n.object);
  const relationKinds: Record<string, string> = { OBJECT_TABLE: 'table', OBJECT_VIEW: 'view', OBJECT_MATVIEW: 'materialized view', OBJECT_SEQUENCE: 'sequence', OBJECT_INDEX: 'index' };
  if (relationKinds[type] !== undefined) {
    out.relation(partsToName(parts), relationKinds[type], 'alter', 'comment');
    return null;
  }
  if (type === 'OBJECT_COLUMN' && parts.length >= 2) {
    const column = parts.pop() ?? '';
    out.member('column', partsToName(parts), column, 'alter', 'comment');
    return null;
  }
  if (type === 'OBJECT_TYPE' || type === 'OBJECT_DOMAIN') {
    out.type(typeName(field(n.object, 'TypeName') ?? n.object), 'type', 'alter', 'comment');
    return null;
  }
  if (type === 'OBJECT_FUNCTION') {
    const fn = nameOf(field(n.object, 'ObjectWithArgs')?.objname);
    out.add({ kind: 'function', schema: fn.schema, name: fn.name, member: null, shownAs: 'function' }, 'alter', 'comment');
    return null;
  }
  return `a comment on a ${type.replace('OBJECT_', '').toLowerCase()} is not analysed`;
}

/** `owned by t.c` of a sequence: reads the column. */
function ownedBy(n: PgNode, out: Touches): void {
  for (const o of list(n.options)) {
    const def = field(o, 'DefElem');
    if (def?.defname !== 'owned_by') continue;
    const parts = nameParts(def.arg);
    if (parts.length < 2 || (parts.length === 1 && parts[0] === 'none')) continue;
    const column = parts.pop() ?? '';
    out.member('column', partsToName(parts), column, 'reads', 'owns a sequence');
  }
}

/** The plain columns an index is built on. */
function indexColumns(n: PgNode): string[] {
  const out: string[] = [];
  for (const p of [...list(n.indexParams), ...list(n.indexIncludingParams)]) {
    const elem = field(p, 'IndexElem');
    if (typeof elem?.name === 'string') out.push(elem.name);
    else if (elem?.expr !== undefined) {
      walk(elem.expr, (type, node) => {
        if (type === 'ColumnRef') {
          const parts = nameParts(node.fields);
          if (parts.length > 0) out.push(parts[parts.length - 1]);
        }
      });
    }
  }
  walk(n.whereClause, (type, node) => {
    if (type === 'ColumnRef') {
      const parts = nameParts(node.fields);
      if (parts.length > 0) out.push(parts[parts.length - 1]);
    }
  });
  return [...new Set(out)];
}

/** Whether a query calls functions (which may do anything): the reason, or `null`. */
function queryCallsFunctions(node: unknown): string | null {
  let calls: string | null = null;
  walk(node, (type, n) => {
    if (type === 'FuncCall' && calls === null) calls = `a query that calls ${nameParts({ List: { items: n.funcname } }).join('.')}()`;
  });
  return calls;
}

function typeName(value: unknown): RelationName {
  const t = field(value, 'TypeName') ?? ((value ?? {}) as PgNode);
  return nameOf(t.names);
}

function typeText(value: unknown): string {
  const t = field(value, 'TypeName') ?? ((value ?? {}) as PgNode);
  const parts = nameParts(t.names).filter((p, i, all) => !(p === 'pg_catalog' && i < all.length - 1));
  const mods = list(t.typmods).map((m) => {
    const c = field(m, 'A_Const');
    const i = field(c, 'ival');
    return i ? String(typeof i.ival === 'number' ? i.ival : 0) : '?';
  });
  return parts.join('.') + (mods.length > 0 ? `(${mods.join(', ')})` : '') + (Array.isArray(t.arrayBounds) ? '[]' : '');
}
