import type { Operation, TableRef } from '../autogen/operation';
import type { RenderedOperation } from '../autogen/render-code';
import { sqlIdentifier, sqlQualifiedName, sqlString } from '../script/sql-quote';
import { tsTemplateLiteral } from '../script/ts-source';
import { SqlParseError } from '../sqlparse/errors';
import { analyzeStatement } from '../sqlparse/analyze-statement';
import { parseSql } from '../sqlparse/parse-sql';
import { addsNotValidConstraint, concurrentIndexBuild, dropConstraintFirst, notValidConstraint } from '../sqlparse/statement-rewrite';

/** Options of {@link lockSafeSteps}. */
export interface LockSafeOptions {
  /** `false`: leave every statement as rendered. Default `true`. */
  readonly enabled?: boolean;
}

/**
 * Rewrites the rendered steps of one method (`up()` or `down()`) that would make writers wait on a
 * table that already exists into their lock-safe forms (docs/safe-ddl.md). Tables the same method
 * creates keep the plain statements. The forms:
 *
 * - index → an INVALID leftover of an interrupted build is dropped, then `create index concurrently if
 *   not exists`, outside the transaction;
 * - unique constraint → the unique index built that way, then `add constraint ... unique using index`;
 * - foreign key, check → `drop constraint if exists ..., add constraint ... not valid` (one statement: a
 *   leftover of a failed run goes, the table is locked once, nothing is scanned), then
 *   `validate constraint` outside the transaction (its own transaction, SHARE UPDATE EXCLUSIVE: writes go on);
 * - set not null → `check (col is not null) not valid`, `validate`, `set not null` (PostgreSQL 12+ skips
 *   the scan), the helper check dropped;
 * - index drop → `drop index concurrently if exists`, outside the transaction.
 *
 * Every safe step can run again: a revision that failed half-way (a duplicate for a unique index, an
 * orphan row for a foreign key, a lock wait that ran out) finishes on the next run once the cause is
 * fixed. Safe steps on tables that nothing else in the method changes go first; the plain steps follow
 * in one transaction; safe steps on tables the plain steps change (an index on a column added here)
 * come after them (docs/safe-ddl.md says what a failure there leaves). Steps that still rewrite a
 * table under ACCESS EXCLUSIVE (type changes, per-row defaults) get a note naming the alternative.
 *
 * @example
 * ```ts
 * const safe = await lockSafeSteps(items, operations);
 * renderMethodBody(safe); // await this.outsideTransaction(() => { ... create index concurrently ... });
 * ```
 */
export async function lockSafeSteps(items: readonly RenderedOperation[], operations: readonly Operation[], options: LockSafeOptions = {}): Promise<RenderedOperation[]> {
  if (options.enabled === false) return [...items];
  const created = new Set(operations.filter((op) => op.kind === 'createTable').map((op) => tableKey(op.table)));
  const rewritten: { item: RenderedOperation; safe: boolean }[] = [];
  for (const item of items) {
    const existing = !created.has(tableKeyOf(item.operation) ?? '');
    const safe = existing ? await safeFormOrPlain(item) : undefined;
    if (safe !== undefined) rewritten.push({ item: safe, safe: true });
    else {
      const note = existing ? await rewriteNote(item.operation) : undefined;
      rewritten.push({ item: note === undefined ? item : { ...item, comments: [...(item.comments ?? []), note] }, safe: false });
    }
  }
  // tables the plain steps change: safe steps on them wait for the plain steps
  const touched = new Set<string>();
  for (const r of rewritten) {
    if (r.safe) continue;
    const key = tableKeyOf(r.item.operation);
    if (key !== undefined) touched.add(key);
  }
  // a plain step on no table (an enum value added, a type or schema created) may be what a safe step
  // uses (a partial index on the new value): then every safe step waits for the plain steps
  const untabledPlain = rewritten.some((r) => !r.safe && tableKeyOf(r.item.operation) === undefined);
  const dependsOnPlain = (op: Operation): boolean => {
    if (untabledPlain) return true;
    const key = tableKeyOf(op);
    if (key !== undefined && touched.has(key)) return true;
    if (op.kind === 'addForeignKey') {
      const referenced = qualifiedKey(op.foreignKey.referencedTableName, op.table.schema);
      return touched.has(referenced) || created.has(referenced);
    }
    return false;
  };
  const first = rewritten.filter((r) => r.safe && !dependsOnPlain(r.item.operation)).map((r) => r.item);
  const rest = rewritten.filter((r) => !(r.safe && !dependsOnPlain(r.item.operation))).map((r) => r.item);
  return [...first, ...rest];
}

/**
 * The safe form, or `undefined` (the plain statements stay) when PostgreSQL's parser refuses what MikroORM
 * rendered: such a statement (a name holding a dot, split by MikroORM 6.6.16) is broken either way, and
 * autogenerate writes it as MikroORM gave it, as with safe-ddl off.
 */
async function safeFormOrPlain(item: RenderedOperation): Promise<RenderedOperation | undefined> {
  try {
    return await safeForm(item);
  } catch (error) {
    if (error instanceof SqlParseError) return undefined;
    throw error;
  }
}

async function safeForm(item: RenderedOperation): Promise<RenderedOperation | undefined> {
  const op = item.operation;
  if (item.code !== undefined) return undefined;
  switch (op.kind) {
    case 'createIndex': {
      const index = op.index;
      if (index.primary || index.deferMode !== undefined) return undefined;
      const name = index.keyName;
      if (!index.constraint) {
        if (item.statements.length !== 1) return undefined;
        const build = terminate(await concurrentIndexBuild(item.statements[0]));
        const leftover = dropInvalidIndex(op.table, name);
        return withCode(item, [leftover, build], [
          'lock-safe (safe-ddl): built concurrently, outside the transaction; writes go on meanwhile',
          ...outside([leftover, build]),
        ]);
      }
      if (!index.unique || index.expression !== undefined || index.columnNames.length === 0) return undefined;
      const table = sqlQualifiedName(op.table.schema, op.table.name);
      const build = `create unique index concurrently if not exists ${sqlIdentifier(name)} on ${table} (${index.columnNames.map(sqlIdentifier).join(', ')});`;
      const leftover = dropInvalidIndex(op.table, name);
      const attach = unlessConstraintExists(op.table, name, `alter table ${table} add constraint ${sqlIdentifier(name)} unique using index ${sqlIdentifier(name)}`);
      return withCode(item, [leftover, build, attach], [
        'lock-safe (safe-ddl): the unique index is built concurrently, then becomes the constraint (a short lock)',
        ...outside([leftover, build]),
        add(attach),
      ]);
    }
    case 'dropIndex': {
      const index = op.index;
      if (index.primary || index.constraint) return undefined;
      const drop = `drop index concurrently if exists ${sqlQualifiedName(op.table.schema, index.keyName)};`;
      return withCode(item, [drop], ['lock-safe (safe-ddl): dropped concurrently, outside the transaction', ...outside([drop])]);
    }
    case 'addForeignKey':
    case 'addCheck': {
      if (item.statements.length !== 1) return undefined;
      // a constraint that was never validated comes back as it was: adding it scans nothing already
      if (await addsNotValidConstraint(item.statements[0])) return undefined;
      const name = op.kind === 'addForeignKey' ? op.foreignKey.constraintName : op.check.name;
      const table = sqlQualifiedName(op.table.schema, op.table.name);
      // a leftover of a failed run (not valid) is dropped in the same statement, so the step can run
      // again and the table's lock is taken once, for no scan
      const add_ = terminate(await dropConstraintFirst(await notValidConstraint(item.statements[0]), name));
      const validate = `alter table ${table} validate constraint ${sqlIdentifier(name)};`;
      return withCode(item, [add_, validate], [
        'lock-safe (safe-ddl): added not valid (no scan), then validated in its own transaction while writes go on',
        add(add_),
        ...outside([validate]),
      ]);
    }
    case 'alterColumnNullable': {
      if (op.to) return undefined; // drop not null: nothing to scan
      const table = sqlQualifiedName(op.table.schema, op.table.name);
      const helper = helperName(op.table.name, op.column);
      const drop = `alter table ${table} drop constraint if exists ${sqlIdentifier(helper)};`;
      // a leftover helper of a failed run is dropped in the same statement (one short lock)
      const check = `alter table ${table} drop constraint if exists ${sqlIdentifier(helper)}, add constraint ${sqlIdentifier(helper)} check (${sqlIdentifier(op.column)} is not null) not valid;`;
      const validate = `alter table ${table} validate constraint ${sqlIdentifier(helper)};`;
      // set not null and the helper's drop are separate statements: one ALTER TABLE would drop the
      // helper before set not null looks for it, and scan; both go out in one message with the COMMIT
      const setNotNull = `alter table ${table} alter column ${sqlIdentifier(op.column)} set not null;`;
      return withCode(item, [check, validate, setNotNull, drop], [
        'lock-safe (safe-ddl): a validated check proves the column has no NULL, so set not null skips its scan (PostgreSQL 12+)',
        add(check),
        ...outside([validate]),
        add(setNotNull),
        add(drop),
      ]);
    }
    default:
      return undefined;
  }
}

/**
 * The steps that still rewrite the table under ACCESS EXCLUSIVE (no lock-safe form in one statement):
 * a type change, a column added with a per-row default. The note names the alternative.
 */
async function rewriteNote(op: Operation): Promise<string | undefined> {
  if (op.kind === 'alterColumnType') {
    return (
      `LOCK_REWRITE_TYPE: reads and writes on ${op.table.name} wait while it is rewritten (unless the types are binary-compatible); ` +
      'on a big table instead add a new column, backfill it in batches, switch, drop the old one'
    );
  }
  if (op.kind === 'addColumn' && (op.column.autoincrement || op.column.default !== null)) {
    let volatile = op.column.autoincrement;
    if (!volatile && op.column.default !== null) {
      try {
        const [statement] = await parseSql(`alter table t add column c int default ${op.column.default}`);
        const change = analyzeStatement(statement).changes[0];
        volatile = change?.kind === 'addColumn' && (change.defaultKind === 'volatile' || change.defaultKind === 'unknown');
      } catch {
        volatile = false;
      }
    }
    if (volatile) {
      return (
        `LOCK_REWRITE_DEFAULT: the default of ${op.table.name}.${op.column.name} is computed per row, so every row is rewritten while reads and writes wait; ` +
        'instead add the column without it, set the default for new rows, backfill in batches'
      );
    }
  }
  return undefined;
}

function withCode(item: RenderedOperation, statements: readonly string[], lines: readonly string[]): RenderedOperation {
  const [remark, ...code] = lines;
  return { ...item, statements, comments: [...(item.comments ?? []), remark], code };
}

function add(sql: string): string {
  return `this.addSql(${tsTemplateLiteral(sql)});`;
}

function outside(statements: readonly string[]): string[] {
  return ['await this.outsideTransaction(() => {', ...statements.map((s) => `  ${add(s)}`), '});'];
}

/** Drops index `name` of `table`'s schema when it is INVALID (what an interrupted concurrent build leaves). */
function dropInvalidIndex(table: TableRef, name: string): string {
  const body =
    `if exists (select 1 from pg_index i join pg_class c on c.oid = i.indexrelid join pg_namespace n on n.oid = c.relnamespace ` +
    `where n.nspname = ${sqlString(table.schema)} and c.relname = ${sqlString(name)} and not i.indisvalid) then ` +
    `drop index ${sqlQualifiedName(table.schema, name)}; end if;`;
  return doBlock(body);
}

/** Runs `statement` unless `table` already has a constraint called `name` (a re-run after a failure). */
function unlessConstraintExists(table: TableRef, name: string, statement: string): string {
  const body =
    `if not exists (select 1 from pg_constraint where conrelid = ${sqlString(sqlQualifiedName(table.schema, table.name))}::regclass ` +
    `and conname = ${sqlString(name)}) then ${statement}; end if;`;
  return doBlock(body);
}

function doBlock(body: string): string {
  let tag = '$safe_ddl$';
  for (let n = 1; body.includes(tag); n++) tag = `$safe_ddl${n}$`;
  return `do ${tag} begin ${body} end ${tag};`;
}

/** The helper check's name: `<table>_<column>_not_null`, cut to PostgreSQL's 63 bytes. */
function helperName(table: string, column: string): string {
  let name = `${table}_${column}_not_null`;
  while (Buffer.byteLength(name, 'utf8') > 63) name = name.slice(0, -1);
  return name;
}

function terminate(sql: string): string {
  return sql.endsWith(';') ? sql : `${sql};`;
}

function tableKey(table: TableRef): string {
  return `${table.schema}.${table.name}`;
}

/** `public.author` (MikroORM's qualified names) → a key; an unqualified name is in `schema`. */
function qualifiedKey(name: string, schema: string): string {
  const dot = name.indexOf('.');
  return dot < 0 ? `${schema}.${name}` : name;
}

function tableKeyOf(op: Operation): string | undefined {
  const table = (op as { table?: unknown }).table;
  if (table && typeof table === 'object' && 'schema' in table && 'name' in table) return tableKey(table as TableRef);
  return undefined;
}
