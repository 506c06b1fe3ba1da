import { sqlIdentifier, sqlString } from '../script/sql-quote';

/**
 * pg's own conversion of a JS value to the text it sends as a parameter (`Date` in local time with
 * offset, arrays as array literals, objects as JSON, `Buffer` as is). Using it keeps offline literals
 * identical to what an online run sends. Loaded when a first value is quoted (with pg-types behind
 * it): most offline scripts have no parameters.
 */
let prepareValue: ((value: unknown) => string | Buffer | null) | undefined;

/**
 * Quotes an SQL identifier (schema, table, column name): always double-quoted, `"` doubled, so the
 * name is used exactly as given (case-sensitive).
 *
 * @example
 * ```ts
 * quoteIdent('my "odd" Schema'); // => '"my ""odd"" Schema"'
 * ```
 */
export function quoteIdent(name: string): string {
  return sqlIdentifier(name);
}

/**
 * Renders a JS value as an SQL literal the way pg would send it as a parameter: `NULL` for
 * `null`/`undefined`, otherwise a quoted untyped literal (so PostgreSQL infers its type from context,
 * exactly as it does for a parameter). Strings with backslashes use the `E'...'` form, so the result is
 * safe whatever `standard_conforming_strings` is.
 *
 * @example
 * ```ts
 * quoteLiteral("it's");  // => "'it''s'"
 * quoteLiteral(42);      // => "'42'"
 * quoteLiteral(null);    // => 'NULL'
 * ```
 */
export function quoteLiteral(value: unknown): string {
  // what pg sends for these is their toString(): no need to load it
  const type = typeof value;
  if (type === 'string' || type === 'number' || type === 'boolean' || type === 'bigint') return sqlString(String(value));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  prepareValue ??= (require('pg/lib/utils') as { prepareValue(value: unknown): string | Buffer | null }).prepareValue;
  const prepared = prepareValue(value);
  if (prepared === null) return 'NULL';
  const text = Buffer.isBuffer(prepared) ? `\\x${prepared.toString('hex')}` : prepared;
  return sqlString(text);
}

/**
 * Replaces `$1`, `$2`, ... in `sql` by the literals of `params`, leaving string literals, quoted
 * identifiers, dollar-quoted bodies and comments alone.
 *
 * @example
 * ```ts
 * inlineParams('insert into t (a, b) values ($1, $2)', ['x', null]);
 * // => "insert into t (a, b) values ('x', NULL)"
 * ```
 */
export function inlineParams(sql: string, params: readonly unknown[]): string {
  if (params.length === 0) return sql;
  let out = '';
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i];
    const next = sql[i + 1];
    if (c === "'" || c === '"') {
      const backslashes = c === "'" && i > 0 && /[eE]/.test(sql[i - 1]) && !/\w/.test(sql[i - 2] ?? '');
      const end = skipQuoted(sql, i, c, backslashes);
      out += sql.slice(i, end);
      i = end;
    } else if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? n : end;
      out += sql.slice(i, stop);
      i = stop;
    } else if (c === '/' && next === '*') {
      const end = skipBlockComment(sql, i);
      out += sql.slice(i, end);
      i = end;
    } else if (c === '$') {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
      const num = /^\$(\d+)/.exec(sql.slice(i));
      if (tag && !/[\w$]/.test(sql[i - 1] ?? '')) {
        const close = sql.indexOf(tag[0], i + tag[0].length);
        const end = close === -1 ? n : close + tag[0].length;
        out += sql.slice(i, end);
        i = end;
      } else if (num && !/[\w$]/.test(sql[i - 1] ?? '')) {
        const index = Number(num[1]);
        if (index < 1 || index > params.length) {
          throw new RangeError(`Parameter $${index} has no value (${params.length} given): ${sql}`);
        }
        out += quoteLiteral(params[index - 1]);
        i += num[0].length;
      } else {
        out += c;
        i += 1;
      }
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}

function skipQuoted(sql: string, start: number, quote: string, backslashes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (backslashes && c === '\\') {
      i += 2;
    } else if (c === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else {
      i += 1;
    }
  }
  return sql.length;
}

function skipBlockComment(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql[i] === '/' && sql[i + 1] === '*') {
      depth += 1;
      i += 2;
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth -= 1;
      i += 2;
      if (depth === 0) return i;
    } else {
      i += 1;
    }
  }
  return sql.length;
}

/**
 * Ends a statement with `;` for a script: trims trailing blanks, adds `;` unless there is one, and puts
 * it on its own line when the last line has a `--` comment (which would swallow it).
 *
 * @example
 * ```ts
 * terminateStatement('create table t (id int)'); // => 'create table t (id int);'
 * ```
 */
export function terminateStatement(sql: string): string {
  const last = sql.charCodeAt(sql.length - 1);
  // ends in a visible ASCII character (the usual case): nothing to trim, no regular expression
  const trimmed = last > 32 && last < 127 ? sql : sql.replace(/\s+$/, '');
  if (trimmed.endsWith(';')) return trimmed;
  const lastLine = trimmed.slice(trimmed.lastIndexOf('\n') + 1);
  return lastLine.includes('--') ? `${trimmed}\n;` : `${trimmed};`;
}

/**
 * Whether `sql` is one SQL command: no `;` except at its end, and something besides comments. Only
 * such statements are sent together in one message, where PostgreSQL's count of completed commands
 * tells which one failed. Conservative: a `;` inside a literal or a `DO` body makes it `false`.
 *
 * @example
 * ```ts
 * isSingleCommand('create table t (id int);'); // => true
 * isSingleCommand('do $$ begin perform 1; end $$'); // => false
 * isSingleCommand('-- nothing'); // => false
 * ```
 */
export function isSingleCommand(sql: string): boolean {
  // no semicolon and no comment (most statements): one command when anything is not white space
  if (!sql.includes(';') && !sql.includes('--') && !sql.includes('/*')) return /\S/.test(sql);
  const body = sql.replace(/[\s;]+$/, '');
  if (body.includes(';')) return false;
  return /\S/.test(body.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ''));
}
