import { analyzeStatement } from './analyze-statement';
import { parseSql, scanSql } from './parse-sql';

/**
 * Rewrites of single statements that the lock-safe forms need, done on PostgreSQL's own tokens: the
 * statement is parsed first (it must be what the rewrite expects), the keyword is put after the
 * scanner's token, and the result is parsed again to check it means what was meant.
 */

/**
 * `create [unique] index "ix" on ...` → `create [unique] index concurrently if not exists "ix" on ...`.
 *
 * @throws {TypeError} when `sql` is not one `CREATE INDEX` statement
 * @example
 * ```ts
 * await concurrentIndexBuild('create index "ix" on "t" ("a");'); // 'create index concurrently if not exists "ix" on "t" ("a")'
 * ```
 */
export async function concurrentIndexBuild(sql: string): Promise<string> {
  const text = await single(sql, 'IndexStmt');
  const out = await insertAfterKeyword(text, 'index', 'concurrently if not exists');
  const [check] = await parseSql(out);
  if (check.node.concurrent !== true || check.node.if_not_exists !== true) throw new TypeError(`could not make this index build concurrent: ${sql}`);
  return out;
}

/**
 * `alter table ... add constraint ... foreign key|check ...` → the same with `not valid`.
 *
 * @throws {TypeError} when `sql` is not one `ALTER TABLE ... ADD CONSTRAINT` of a foreign key or check
 * @example
 * ```ts
 * await notValidConstraint('alter table "p" add constraint "fk" foreign key ("a") references "u" ("id");');
 * // 'alter table "p" add constraint "fk" foreign key ("a") references "u" ("id") not valid'
 * ```
 */
export async function notValidConstraint(sql: string): Promise<string> {
  const text = await single(sql, 'AlterTableStmt');
  const out = `${text} not valid`;
  const [check] = await parseSql(out);
  const changes = analyzeStatement(check).changes;
  if (changes.length !== 1 || !((changes[0].kind === 'addForeignKey' || changes[0].kind === 'addCheck') && changes[0].notValid)) {
    throw new TypeError(`not one foreign key or check constraint: ${sql}`);
  }
  return out;
}

/**
 * `alter table t add constraint "c" ...` → `alter table t drop constraint if exists "c", add constraint "c" ...`:
 * a leftover of a failed run is dropped in the same statement, so the table's lock is taken once.
 * PostgreSQL runs an `ALTER TABLE`'s drops before its adds, so the new constraint is the one that stays.
 *
 * @throws {TypeError} when `sql` is not one `ALTER TABLE` whose only command adds constraint `name`
 * @example
 * ```ts
 * await dropConstraintFirst('alter table "t" add constraint "c" check (a > 0) not valid;', 'c');
 * // 'alter table "t" drop constraint if exists "c", add constraint "c" check (a > 0) not valid'
 * ```
 */
export async function dropConstraintFirst(sql: string, name: string): Promise<string> {
  const [statement] = await parseSql(sql);
  const text = await single(sql, 'AlterTableStmt');
  const before = analyzeStatement(statement).changes;
  if (before.length !== 1 || !('constraint' in before[0]) || before[0].constraint !== name || !before[0].kind.startsWith('add')) {
    throw new TypeError(`expected one added constraint ${name}: ${sql}`);
  }
  const add = (await scanSql(text)).find((t) => t.keyword && t.text.toLowerCase() === 'add');
  if (!add) throw new TypeError(`no add keyword in: ${text}`);
  const bytes = Buffer.from(text, 'utf8');
  const out = `${bytes.subarray(0, add.start).toString('utf8')}drop constraint if exists ${quoteIdentifier(name)}, ${bytes.subarray(add.start).toString('utf8')}`;
  const [check] = await parseSql(out);
  const changes = analyzeStatement(check).changes;
  const cmds = (check.node.cmds as { AlterTableCmd?: { subtype?: string; missing_ok?: boolean; name?: string } }[] | undefined) ?? [];
  const drop = cmds[0]?.AlterTableCmd;
  if (changes.length !== 2 || drop?.subtype !== 'AT_DropConstraint' || drop.missing_ok !== true || drop.name !== name || changes[1].kind !== before[0].kind) {
    throw new TypeError(`could not drop constraint ${name} first in: ${sql}`);
  }
  return out;
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Whether the statement adds a foreign key or check constraint that is already `not valid` (as the
 * catalog's definition of a constraint never validated reads): adding it takes no scan, and validating it
 * would change what it is.
 *
 * @example
 * ```ts
 * await addsNotValidConstraint('alter table "u" add constraint "c" CHECK ((id > 0)) NOT VALID;'); // true
 * ```
 */
export async function addsNotValidConstraint(sql: string): Promise<boolean> {
  const statements = await parseSql(sql);
  if (statements.length !== 1) return false;
  const changes = analyzeStatement(statements[0]).changes;
  return changes.length === 1 && (changes[0].kind === 'addForeignKey' || changes[0].kind === 'addCheck') && changes[0].notValid === true;
}

async function single(sql: string, type: string): Promise<string> {
  const statements = await parseSql(sql);
  if (statements.length !== 1 || statements[0].type !== type) throw new TypeError(`expected one ${type}, got: ${sql}`);
  return statements[0].sql;
}

async function insertAfterKeyword(text: string, keyword: string, insert: string): Promise<string> {
  const token = (await scanSql(text)).find((t) => t.keyword && t.text.toLowerCase() === keyword);
  if (!token) throw new TypeError(`no ${keyword} keyword in: ${text}`);
  const bytes = Buffer.from(text, 'utf8');
  return `${bytes.subarray(0, token.end).toString('utf8')} ${insert}${bytes.subarray(token.end).toString('utf8')}`;
}
