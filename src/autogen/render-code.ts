import { tsLineComment, tsTemplateLiteral } from '../script/ts-source';
import { isValueInsertion } from './enum-steps';
import type { Operation, OperationKind } from './operation';

/** One operation ready to be written: its SQL and the comment lines shown above it. */
export interface RenderedOperation {
  readonly operation: Operation;
  /** Its statements, each ending with `;`. */
  readonly statements: readonly string[];
  /** Comment lines (without `//`) written just above its statements: safety notes, remarks. */
  readonly comments?: readonly string[];
  /**
   * Its code lines, when they are not one `this.addSql(...)` per statement (enum steps are calls of
   * the `Revision` enum helpers, whose SQL is `statements`).
   */
  readonly code?: readonly string[];
}

const SECTIONS: Readonly<Record<OperationKind, string>> = {
  createSchema: 'create schemas',
  dropSchema: 'drop schemas',
  createEnumType: 'create enum types',
  dropEnumType: 'drop enum types',
  addEnumValue: 'add enum values (committed first: PostgreSQL refuses a value added in the same transaction)',
  rebuildEnumType: 'rebuild enum types',
  renameEnumType: 'rename enum types',
  renameEnumValue: 'rename enum values',
  createTable: 'create tables',
  dropTable: 'drop tables',
  renameTable: 'rename tables',
  alterTableComment: 'table comments',
  addColumn: 'add columns',
  dropColumn: 'drop columns',
  renameColumn: 'rename columns',
  alterColumnType: 'alter columns',
  alterColumnNullable: 'alter columns',
  alterColumnDefault: 'alter columns',
  alterColumnComment: 'alter columns',
  alterColumnAutoincrement: 'alter columns',
  createIndex: 'create indexes',
  dropIndex: 'drop indexes',
  renameIndex: 'rename indexes',
  addCheck: 'add check constraints',
  dropCheck: 'drop check constraints',
  addForeignKey: 'add foreign keys',
  dropForeignKey: 'drop foreign keys',
};

/**
 * The title of the group an operation is written under (`create tables`, `alter columns`, ...). A
 * rebuild that only inserts values is written as value additions.
 *
 * @example
 * ```ts
 * operationSection({ kind: 'createSchema', schema: 'app' }); // 'create schemas'
 * ```
 */
export function operationSection(op: Operation): string {
  if (op.kind === 'rebuildEnumType' && isValueInsertion(op)) return SECTIONS.addEnumValue;
  return SECTIONS[op.kind];
}

/**
 * The body of a revision's `up()` or `down()`: `preamble` first (the enum removal guards), then one
 * `this.addSql(...)` per statement (or the item's own `code`), under a comment per group of
 * consecutive operations of the same section, groups separated by a blank line. Enum value additions
 * given as bare statements run in an `outsideTransaction` block. The code is not indented
 * (`writeRevision` indents it); nothing at all gives `''`.
 *
 * @example
 * ```ts
 * renderMethodBody([{ operation, statements: ['create schema if not exists "app";'] }]);
 * // => '// create schemas\nthis.addSql(`create schema if not exists "app";`);'
 * ```
 */
export function renderMethodBody(items: readonly RenderedOperation[], preamble: readonly string[] = []): string {
  const lines: string[] = [...preamble];
  let i = 0;
  while (i < items.length) {
    const section = operationSection(items[i].operation);
    let end = i;
    while (end < items.length && operationSection(items[end].operation) === section) end++;
    if (lines.length > 0) lines.push('');
    lines.push(`// ${section}`);
    const group = items.slice(i, end);
    if (items[i].operation.kind === 'addEnumValue' && items[i].code === undefined) {
      lines.push('await this.outsideTransaction(() => {');
      for (const item of group) lines.push(...itemLines(item).map((l) => (l === '' ? l : `  ${l}`)));
      lines.push('});');
    } else {
      for (const item of group) lines.push(...itemLines(item));
    }
    i = end;
  }
  return lines.join('\n');
}

function itemLines(item: RenderedOperation): string[] {
  const lines = (item.comments ?? []).map((c) => `// ${tsLineComment(c)}`);
  if (item.code !== undefined) lines.push(...item.code);
  else for (const sql of item.statements) lines.push(...addSqlCode(sql));
  return lines;
}

/**
 * The code that queues `sql`: `this.addSql(<literal>);` whose value is exactly `sql`. Every line of
 * the code is whole: a statement of several lines is one literal per line, joined with `+`, so
 * indenting the code (as `writeRevision` does) cannot change what reaches PostgreSQL. The literals
 * are template literals (SQL is full of `'` and `"`) with backticks, `${` and backslashes escaped.
 *
 * @example
 * ```ts
 * addSqlCode(`comment on table "t" is 'a';`); // ["this.addSql(`comment on table \"t\" is 'a';`);"]
 * addSqlCode('create table "t" (\n  "id" int\n);');
 * // ['this.addSql(', '  `create table "t" (\\n` +', '  `  "id" int\\n` +', '  `);`,', ');']
 * ```
 */
export function addSqlCode(sql: string): string[] {
  const literal = tsTemplateLiteral;
  const pieces = sql.split(/(?<=\n)/);
  if (pieces.length === 1) return [`this.addSql(${literal(sql)});`];
  return ['this.addSql(', ...pieces.map((piece, i) => `  ${literal(piece)}${i < pieces.length - 1 ? ' +' : ','}`), ');'];
}

/** A JS template literal whose value is exactly `text`, on one line (see `tsTemplateLiteral`). */
export function templateLiteral(text: string): string {
  return tsTemplateLiteral(text);
}
