import { SqlParseError } from './errors';

/** A node of libpg_query's JSON tree: `{ NodeType: { ...fields } }` (or a field value). */
export type PgNode = Readonly<Record<string, unknown>>;

/** One statement of a parsed text. */
export interface ParsedStatement {
  /** Its 0-based position among the statements of the text. */
  readonly index: number;
  /** Its text, as written (trimmed, without the terminating `;`). */
  readonly sql: string;
  /** The node type (`AlterTableStmt`, `IndexStmt`, `DoStmt`, ...). */
  readonly type: string;
  /** The node's fields, as libpg_query gives them. */
  readonly node: PgNode;
  /** The 0-based character offset of the statement in the text. */
  readonly offset: number;
}

/** Options of {@link parseSql}. */
export interface ParseSqlOptions {
  /** Where the text comes from, for error messages (`revision 1a2b3c4d5e6f (up)`). */
  readonly origin?: string;
}

interface LibPgQuery {
  loadModule(): Promise<void>;
  parseSync(sql: string): { stmts?: { stmt: PgNode; stmt_location?: number; stmt_len?: number }[] };
  scanSync(sql: string): { tokens: { start: number; end: number; text: string; tokenName: string; keywordKind: number }[] };
}

/** One token of PostgreSQL's scanner: its text, and where it is (0-based UTF-8 byte offsets). */
export interface SqlToken {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** A keyword (`index`, `concurrently`, ...), as opposed to an identifier, a literal, an operator, a comment. */
  readonly keyword: boolean;
  readonly comment: boolean;
}

/**
 * PostgreSQL's scanner over `text`: its tokens, comments included. What a rewrite of one statement
 * uses to find where a keyword goes without reading SQL with regular expressions.
 *
 * @example
 * ```ts
 * const tokens = await scanSql('create index "ix" on t (a)');
 * tokens.map((t) => t.text); // ['create', 'index', '"ix"', 'on', 't', '(', 'a', ')']
 * ```
 */
export async function scanSql(text: string): Promise<SqlToken[]> {
  const lib = await parser();
  return lib.scanSync(text).tokens.map((t) =>
    Object.freeze({ start: t.start, end: t.end, text: t.text, keyword: t.keywordKind > 0, comment: t.tokenName === 'SQL_COMMENT' || t.tokenName === 'C_COMMENT' }),
  );
}

let loaded: Promise<LibPgQuery> | undefined;

/** libpg_query (PostgreSQL's own parser compiled to WebAssembly), loaded once, on first use. */
function parser(): Promise<LibPgQuery> {
  loaded ??= (async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const lib = require('libpg-query') as LibPgQuery;
    await lib.loadModule();
    return lib;
  })();
  return loaded;
}

/**
 * Splits and parses SQL text with PostgreSQL's own parser (libpg_query, PostgreSQL 17/18 grammar,
 * which reads every PostgreSQL 12–15 statement the same way). Comments and empty statements are
 * dropped. No database, no regular expressions: dollar quoting, nested comments and string escapes
 * are the parser's business.
 *
 * @throws {SqlParseError} when the parser refuses the text (the message names the origin and offset)
 * @example
 * ```ts
 * import { parseSql } from 'mikro-orm-alembic';
 *
 * const [stmt] = await parseSql('create index concurrently "post_title_idx" on "post" ("title")');
 * stmt.type;                // 'IndexStmt'
 * stmt.node.concurrent;     // true
 * ```
 */
export async function parseSql(text: string, options: ParseSqlOptions = {}): Promise<ParsedStatement[]> {
  const lib = await parser();
  let tree: ReturnType<LibPgQuery['parseSync']>;
  try {
    tree = lib.parseSync(text);
  } catch (error) {
    const details = (error as { sqlDetails?: { message?: string; cursorPosition?: number } }).sqlDetails;
    const message = details?.message ?? (error instanceof Error ? error.message : String(error));
    throw new SqlParseError(message, options.origin ?? null, typeof details?.cursorPosition === 'number' ? details.cursorPosition : null, error);
  }
  // the parser's locations count UTF-8 bytes
  const bytes = Buffer.from(text, 'utf8');
  const out: ParsedStatement[] = [];
  for (const raw of tree.stmts ?? []) {
    const [type] = Object.keys(raw.stmt);
    if (type === undefined) continue;
    const start = raw.stmt_location ?? 0;
    const end = raw.stmt_len === undefined || raw.stmt_len === 0 ? bytes.length : start + raw.stmt_len;
    const slice = bytes.subarray(start, end).toString('utf8');
    const sql = slice.trim();
    const offset = bytes.subarray(0, start).toString('utf8').length + (slice.length - slice.trimStart().length);
    out.push(Object.freeze({ index: out.length, sql, type, node: raw.stmt[type] as PgNode, offset }));
  }
  return out;
}
