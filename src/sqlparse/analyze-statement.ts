import { strongerLock, type LockMode } from './lock-modes';
import type { ParsedStatement, PgNode } from './parse-sql';
import { field, list, nameOf, nameParts, partsToName, rangeVar, walk } from './pg-node';
import { relationText, type DefaultKind, type RelationName, type SchemaChange } from './schema-change';

/** A lock a statement takes on one relation. */
export interface RelationLock {
  readonly relation: RelationName;
  readonly mode: LockMode;
  /** What the relation is to the statement. */
  readonly role: 'table' | 'index' | 'referenced';
}

/** What one statement does, as far as locks go. */
export interface StatementAnalysis {
  readonly statement: ParsedStatement;
  /** The schema changes it makes (one per `ALTER TABLE` subcommand). */
  readonly changes: readonly SchemaChange[];
  /** The strongest lock per relation (relations the statement creates are left out). */
  readonly locks: readonly RelationLock[];
  /** Relations read in full while the lock is held (validation, index build, NOT NULL check). */
  readonly scans: readonly RelationName[];
  /** Relations whose every row is rewritten while the lock is held (type change, volatile default). */
  readonly rewrites: readonly RelationName[];
  /** Relations (tables, indexes) the statement creates. */
  readonly creates: readonly RelationName[];
  /** It must run outside a transaction block (`CONCURRENTLY`). */
  readonly concurrent: boolean;
}

/** Functions known not to be volatile (a default calling them is evaluated once when a column is added). */
const NON_VOLATILE = new Set([
  'now',
  'transaction_timestamp',
  'statement_timestamp',
  'current_date',
  'current_timestamp',
  'localtimestamp',
  'current_setting',
  'current_user',
  'session_user',
  'current_schema',
  'lower',
  'upper',
  'concat',
  'coalesce',
  'to_jsonb',
  'jsonb_build_object',
  'json_build_object',
  'jsonb_build_array',
  'array',
  'make_interval',
  'length',
  'abs',
]);

/** Functions known to be volatile. */
const VOLATILE = new Set(['random', 'gen_random_uuid', 'uuid_generate_v1', 'uuid_generate_v4', 'uuidv4', 'uuidv7', 'clock_timestamp', 'timeofday', 'nextval', 'txid_current', 'pg_current_xact_id']);

/** Column types that fill every existing row from a sequence. */
const SERIAL_TYPES = new Set(['serial', 'serial4', 'bigserial', 'serial8', 'smallserial', 'serial2']);

/**
 * What a parsed statement changes and locks, from PostgreSQL's rules (the lock levels of
 * `AlterTableGetLockLevel`, `CREATE INDEX`, `DROP`, ...). Tables are named as the statement names
 * them; nothing is looked up. A `DO` block or a function call is `opaque`: its effects are unknown.
 *
 * @example
 * ```ts
 * const [stmt] = await parseSql('alter table "post" add constraint "post_author_fk" foreign key ("author_id") references "author" ("id")');
 * const a = analyzeStatement(stmt);
 * a.locks;  // [{ relation: post, mode: 'ShareRowExclusiveLock', role: 'table' }, { relation: author, mode: 'ShareRowExclusiveLock', role: 'referenced' }]
 * a.scans;  // [post]: the constraint is validated while writes wait
 * ```
 */
export function analyzeStatement(statement: ParsedStatement): StatementAnalysis {
  const acc = new Accumulator();
  const changes = changesOf(statement, acc);
  return Object.freeze({
    statement,
    changes: Object.freeze(changes),
    locks: acc.lockList(),
    scans: Object.freeze(acc.scans),
    rewrites: Object.freeze(acc.rewrites),
    creates: Object.freeze(acc.creates),
    concurrent: acc.concurrent,
  });
}

class Accumulator {
  readonly locks = new Map<string, RelationLock>();
  readonly scans: RelationName[] = [];
  readonly rewrites: RelationName[] = [];
  readonly creates: RelationName[] = [];
  concurrent = false;

  lock(relation: RelationName, mode: LockMode, role: RelationLock['role'] = 'table'): void {
    const key = relationText(relation);
    const had = this.locks.get(key);
    this.locks.set(key, Object.freeze({ relation, mode: had ? strongerLock(had.mode, mode) : mode, role: had?.role ?? role }));
  }

  scan(relation: RelationName): void {
    if (!this.scans.some((r) => relationText(r) === relationText(relation))) this.scans.push(relation);
  }

  rewrite(relation: RelationName): void {
    if (!this.rewrites.some((r) => relationText(r) === relationText(relation))) this.rewrites.push(relation);
  }

  lockList(): readonly RelationLock[] {
    const created = new Set(this.creates.map(relationText));
    return Object.freeze([...this.locks.values()].filter((l) => !created.has(relationText(l.relation))));
  }
}

function changesOf(statement: ParsedStatement, acc: Accumulator): SchemaChange[] {
  const n = statement.node;
  switch (statement.type) {
    case 'CreateStmt': {
      const table = rangeVar(n.relation);
      acc.creates.push(table);
      const references: RelationName[] = [];
      for (const element of list(n.tableElts)) {
        const column = field(element, 'ColumnDef');
        const constraints = column ? list(column.constraints) : [];
        const tableConstraint = field(element, 'Constraint');
        if (tableConstraint) constraints.push(element);
        for (const c of constraints) {
          const con = field(c, 'Constraint');
          if (con?.contype === 'CONSTR_FOREIGN') references.push(rangeVar(con.pktable));
        }
      }
      // a foreign key takes SHARE ROW EXCLUSIVE on the referenced table (briefly: the new table is empty)
      for (const r of references) if (relationText(r) !== relationText(table)) acc.lock(r, 'ShareRowExclusiveLock', 'referenced');
      return [{ kind: 'createTable', table, references }];
    }
    case 'CreateTableAsStmt': {
      const into = field(n.into, 'IntoClause');
      const table = rangeVar(into?.rel);
      acc.creates.push(table);
      return [{ kind: 'createTable', table, references: [] }];
    }
    case 'IndexStmt': {
      const table = rangeVar(n.relation);
      const concurrent = n.concurrent === true;
      acc.lock(table, concurrent ? 'ShareUpdateExclusiveLock' : 'ShareLock');
      acc.scan(table);
      if (typeof n.idxname === 'string') acc.creates.push({ schema: table.schema, name: n.idxname });
      acc.concurrent ||= concurrent;
      return [
        {
          kind: 'createIndex',
          table,
          index: typeof n.idxname === 'string' ? n.idxname : null,
          unique: n.unique === true,
          concurrent,
          ifNotExists: n.if_not_exists === true,
        },
      ];
    }
    case 'DropStmt': {
      const objects = list(n.objects).map(nameOf);
      const concurrent = n.concurrent === true;
      acc.concurrent ||= concurrent;
      switch (n.removeType) {
        case 'OBJECT_TABLE':
          return objects.map((table) => (acc.lock(table, 'AccessExclusiveLock'), { kind: 'dropTable', table }));
        case 'OBJECT_INDEX':
          return objects.map((index) => {
            acc.lock(index, concurrent ? 'ShareUpdateExclusiveLock' : 'AccessExclusiveLock', 'index');
            return { kind: 'dropIndex', index, concurrent };
          });
        case 'OBJECT_VIEW':
        case 'OBJECT_MATVIEW':
        case 'OBJECT_SEQUENCE':
          for (const o of objects) acc.lock(o, 'AccessExclusiveLock');
          return [{ kind: 'other', type: `DropStmt:${String(n.removeType)}` }];
        default:
          return [{ kind: 'other', type: `DropStmt:${String(n.removeType)}` }];
      }
    }
    case 'TruncateStmt':
      return list(n.relations).map((r) => {
        const table = rangeVar(field(r, 'RangeVar') ?? r);
        acc.lock(table, 'AccessExclusiveLock');
        return { kind: 'truncate', table };
      });
    case 'ReindexStmt': {
      const relation = n.relation ? rangeVar(n.relation) : { schema: null, name: String(n.name ?? '') };
      const concurrent = list(n.params).some((p) => field(p, 'DefElem')?.defname === 'concurrently');
      acc.concurrent ||= concurrent;
      acc.lock(relation, concurrent ? 'ShareUpdateExclusiveLock' : 'ShareLock');
      acc.scan(relation);
      return [{ kind: 'reindex', relation, concurrent }];
    }
    case 'AlterTableStmt':
      return alterTable(n, acc);
    case 'RenameStmt':
      return rename(n, acc);
    case 'VariableSetStmt': {
      const name = typeof n.name === 'string' ? n.name : '';
      if (n.kind === 'VAR_RESET' || n.kind === 'VAR_SET_DEFAULT') return [{ kind: 'setting', name, value: null, local: n.is_local === true }];
      const [arg] = list(n.args);
      return [{ kind: 'setting', name, value: arg === undefined ? null : constText(arg), local: n.is_local === true }];
    }
    case 'TransactionStmt': {
      const kind = String(n.kind);
      const action = kind === 'TRANS_STMT_BEGIN' || kind === 'TRANS_STMT_START' ? 'begin' : kind === 'TRANS_STMT_COMMIT' ? 'commit' : kind === 'TRANS_STMT_ROLLBACK' ? 'rollback' : 'other';
      return [{ kind: 'transaction', action }];
    }
    case 'InsertStmt':
    case 'UpdateStmt':
    case 'DeleteStmt': {
      const table = rangeVar(n.relation);
      acc.lock(table, 'RowExclusiveLock');
      const verb = statement.type === 'InsertStmt' ? 'insert' : statement.type === 'UpdateStmt' ? 'update' : 'delete';
      const whole = verb !== 'insert' && n.whereClause === undefined;
      return [{ kind: 'write', table, verb, whole }];
    }
    case 'CommentStmt': {
      if (n.objtype === 'OBJECT_TABLE' || n.objtype === 'OBJECT_COLUMN') {
        const names = nameParts(n.object);
        const rel = n.objtype === 'OBJECT_COLUMN' ? names.slice(0, -1) : names;
        if (rel.length > 0) acc.lock(partsToName(rel), 'ShareUpdateExclusiveLock');
      }
      return [{ kind: 'other', type: statement.type }];
    }
    case 'DoStmt':
      return [{ kind: 'opaque', what: 'a DO block' }];
    case 'CallStmt':
      return [{ kind: 'opaque', what: 'a procedure call' }];
    case 'SelectStmt':
      if (selectCallsFunction(n)) return [{ kind: 'opaque', what: 'a SELECT that calls functions' }];
      return [{ kind: 'other', type: statement.type }];
    case 'VacuumStmt': {
      const full = list(n.options).some((o) => field(o, 'DefElem')?.defname === 'full');
      for (const r of list(n.rels)) {
        const rel = rangeVar(field(r, 'VacuumRelation')?.relation);
        if (full) {
          acc.lock(rel, 'AccessExclusiveLock');
          acc.rewrite(rel);
        } else acc.lock(rel, 'ShareUpdateExclusiveLock');
      }
      return [{ kind: 'other', type: statement.type }];
    }
    case 'ClusterStmt': {
      if (n.relation) {
        const rel = rangeVar(n.relation);
        acc.lock(rel, 'AccessExclusiveLock');
        acc.rewrite(rel);
      }
      return [{ kind: 'other', type: statement.type }];
    }
    default:
      return [{ kind: 'other', type: statement.type }];
  }
}

function alterTable(n: PgNode, acc: Accumulator): SchemaChange[] {
  const table = rangeVar(n.relation);
  const objtype = String(n.objtype);
  const changes: SchemaChange[] = [];
  for (const item of list(n.cmds)) {
    const cmd = field(item, 'AlterTableCmd');
    if (!cmd) continue;
    const subtype = String(cmd.subtype);
    const name = typeof cmd.name === 'string' ? cmd.name : '';
    if (objtype === 'OBJECT_INDEX') {
      acc.lock(table, 'AccessExclusiveLock', 'index');
      changes.push({ kind: 'alterTableOther', table, subtype });
      continue;
    }
    switch (subtype) {
      case 'AT_AddColumn': {
        const def = field(cmd.def, 'ColumnDef') ?? {};
        acc.lock(table, 'AccessExclusiveLock');
        const change = addColumn(table, def);
        for (const r of change.references) acc.lock(r, 'ShareRowExclusiveLock', 'referenced');
        if (change.defaultKind === 'volatile' || change.generatedStored) acc.rewrite(table);
        if (change.inlineConstraints.length > 0) acc.scan(table);
        changes.push(change);
        break;
      }
      case 'AT_DropColumn':
        acc.lock(table, 'AccessExclusiveLock');
        changes.push({ kind: 'dropColumn', table, column: name });
        break;
      case 'AT_SetNotNull':
        acc.lock(table, 'AccessExclusiveLock');
        acc.scan(table);
        changes.push({ kind: 'setNotNull', table, column: name });
        break;
      case 'AT_DropNotNull':
        acc.lock(table, 'AccessExclusiveLock');
        changes.push({ kind: 'dropNotNull', table, column: name });
        break;
      case 'AT_AlterColumnType': {
        acc.lock(table, 'AccessExclusiveLock');
        acc.rewrite(table);
        const def = field(cmd.def, 'ColumnDef') ?? {};
        changes.push({ kind: 'alterColumnType', table, column: name, type: typeText(def.typeName) });
        break;
      }
      case 'AT_ColumnDefault': {
        acc.lock(table, 'AccessExclusiveLock');
        changes.push({ kind: 'setDefault', table, column: name, defaultKind: cmd.def === undefined ? 'none' : defaultKindOf(cmd.def) });
        break;
      }
      case 'AT_AddConstraint': {
        const con = field(cmd.def, 'Constraint') ?? {};
        changes.push(addConstraint(table, con, acc));
        break;
      }
      case 'AT_ValidateConstraint':
        acc.lock(table, 'ShareUpdateExclusiveLock');
        acc.scan(table);
        changes.push({ kind: 'validateConstraint', table, constraint: name });
        break;
      case 'AT_DropConstraint':
        acc.lock(table, 'AccessExclusiveLock');
        changes.push({ kind: 'dropConstraint', table, constraint: name });
        break;
      case 'AT_SetStatistics':
      case 'AT_ClusterOn':
      case 'AT_DropCluster':
      case 'AT_SetRelOptions':
      case 'AT_ResetRelOptions':
      case 'AT_ReplicaIdentity':
        acc.lock(table, 'ShareUpdateExclusiveLock');
        changes.push({ kind: 'alterTableOther', table, subtype });
        break;
      case 'AT_EnableTrig':
      case 'AT_DisableTrig':
      case 'AT_EnableTrigAll':
      case 'AT_DisableTrigAll':
      case 'AT_EnableTrigUser':
      case 'AT_DisableTrigUser':
        acc.lock(table, 'ShareRowExclusiveLock');
        changes.push({ kind: 'alterTableOther', table, subtype });
        break;
      default:
        acc.lock(table, 'AccessExclusiveLock');
        changes.push({ kind: 'alterTableOther', table, subtype });
    }
  }
  return changes;
}

function addConstraint(table: RelationName, con: PgNode, acc: Accumulator): SchemaChange {
  const constraint = typeof con.conname === 'string' ? con.conname : null;
  const notValid = con.skip_validation === true;
  switch (con.contype) {
    case 'CONSTR_FOREIGN': {
      const referenced = rangeVar(con.pktable);
      acc.lock(table, 'ShareRowExclusiveLock');
      acc.lock(referenced, 'ShareRowExclusiveLock', 'referenced');
      if (!notValid) acc.scan(table);
      return { kind: 'addForeignKey', table, constraint, referenced, notValid };
    }
    case 'CONSTR_CHECK':
      acc.lock(table, 'AccessExclusiveLock');
      if (!notValid) acc.scan(table);
      return { kind: 'addCheck', table, constraint, notValid, notNullOf: notNullColumn(con.raw_expr) };
    case 'CONSTR_UNIQUE':
    case 'CONSTR_PRIMARY':
    case 'CONSTR_EXCLUSION': {
      const usingIndex = typeof con.indexname === 'string' ? con.indexname : null;
      acc.lock(table, 'AccessExclusiveLock');
      if (usingIndex === null) acc.scan(table);
      return { kind: 'addUnique', table, constraint, usingIndex, primary: con.contype === 'CONSTR_PRIMARY', exclusion: con.contype === 'CONSTR_EXCLUSION' };
    }
    default:
      acc.lock(table, 'AccessExclusiveLock');
      return { kind: 'alterTableOther', table, subtype: `AT_AddConstraint:${String(con.contype)}` };
  }
}

function addColumn(table: RelationName, def: PgNode): Extract<SchemaChange, { kind: 'addColumn' }> {
  let notNull = false;
  let defaultKind: DefaultKind = 'none';
  let generatedStored = false;
  const inline: ('check' | 'unique' | 'primary' | 'foreign')[] = [];
  const references: RelationName[] = [];
  const type = typeText(def.typeName);
  if (SERIAL_TYPES.has(type)) defaultKind = 'volatile';
  for (const c of list(def.constraints)) {
    const con = field(c, 'Constraint');
    if (!con) continue;
    switch (con.contype) {
      case 'CONSTR_NOTNULL':
        notNull = true;
        break;
      case 'CONSTR_DEFAULT':
        defaultKind = defaultKindOf(con.raw_expr);
        break;
      case 'CONSTR_IDENTITY':
        defaultKind = 'volatile';
        break;
      case 'CONSTR_GENERATED':
        generatedStored = true;
        break;
      case 'CONSTR_CHECK':
        inline.push('check');
        break;
      case 'CONSTR_UNIQUE':
        inline.push('unique');
        break;
      case 'CONSTR_PRIMARY':
        inline.push('primary');
        notNull = true;
        break;
      case 'CONSTR_FOREIGN':
        inline.push('foreign');
        references.push(rangeVar(con.pktable));
        break;
    }
  }
  return { kind: 'addColumn', table, column: String(def.colname ?? ''), notNull, defaultKind, generatedStored, inlineConstraints: inline, references };
}

function rename(n: PgNode, acc: Accumulator): SchemaChange[] {
  const relation = n.relation ? rangeVar(n.relation) : null;
  const to = String(n.newname ?? '');
  switch (n.renameType) {
    case 'OBJECT_COLUMN':
      if (!relation) break;
      acc.lock(relation, 'AccessExclusiveLock');
      return [{ kind: 'renameColumn', table: relation, from: String(n.subname ?? ''), to }];
    case 'OBJECT_TABLE':
      if (!relation) break;
      acc.lock(relation, 'AccessExclusiveLock');
      return [{ kind: 'renameTable', table: relation, to }];
    case 'OBJECT_INDEX':
      if (!relation) break;
      acc.lock(relation, 'ShareUpdateExclusiveLock', 'index');
      return [{ kind: 'renameIndex', index: relation, to }];
    case 'OBJECT_TABCONSTRAINT':
      if (!relation) break;
      acc.lock(relation, 'AccessExclusiveLock');
      return [{ kind: 'renameConstraint', table: relation, from: String(n.subname ?? ''), to }];
    case 'OBJECT_VIEW':
    case 'OBJECT_MATVIEW':
    case 'OBJECT_SEQUENCE':
      if (relation) acc.lock(relation, 'AccessExclusiveLock');
      break;
  }
  return [{ kind: 'other', type: `RenameStmt:${String(n.renameType)}` }];
}

/** How a default expression behaves when a column is added with it. */
function defaultKindOf(expr: unknown): DefaultKind {
  let kind: DefaultKind = 'constant';
  walk(expr, (type, node) => {
    if (type === 'FuncCall') {
      const name = nameParts({ List: { items: node.funcname } }).pop()?.toLowerCase() ?? '';
      if (VOLATILE.has(name)) kind = 'volatile';
      else if (!NON_VOLATILE.has(name) && kind !== 'volatile') kind = 'unknown';
    } else if (type === 'SubLink' && kind !== 'volatile') kind = 'unknown';
  });
  return kind;
}

/** `col is not null` → `col`; anything else → `null`. */
function notNullColumn(expr: unknown): string | null {
  const test = field(expr, 'NullTest');
  if (!test || test.nulltesttype !== 'IS_NOT_NULL') return null;
  const ref = field(test.arg, 'ColumnRef');
  const parts = nameParts(ref?.fields);
  return parts.length === 1 ? parts[0] : null;
}

function selectCallsFunction(n: PgNode): boolean {
  let calls = false;
  walk(n, (type) => {
    if (type === 'FuncCall') calls = true;
  });
  return calls;
}

/** A type name as written (`int8`, `varchar`, `app.status`), `pg_catalog.` left out. */
function typeText(value: unknown): string {
  const t = field(value, 'TypeName') ?? ((value ?? {}) as PgNode);
  const parts = nameParts(t.names).filter((p, i, all) => !(p === 'pg_catalog' && i < all.length - 1));
  return parts.join('.') + (Array.isArray(t.arrayBounds) ? '[]' : '');
}

/** The text of a constant (`'5s'`, `5000`, `on`). */
function constText(value: unknown): string | null {
  const c = field(value, 'A_Const');
  if (!c) return null;
  const s = field(c, 'sval');
  if (typeof s?.sval === 'string') return s.sval;
  const i = field(c, 'ival');
  if (i) return String(typeof i.ival === 'number' ? i.ival : 0);
  const f = field(c, 'fval');
  if (typeof f?.fval === 'string') return f.fval;
  const b = field(c, 'boolval');
  if (b) return b.boolval === true ? 'on' : 'off';
  return null;
}
