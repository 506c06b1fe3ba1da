import { AlembicError } from '../errors';

/**
 * SQL text that PostgreSQL's own parser (libpg_query) refuses. The message is the parser's, with the
 * position inside the text and, when the caller gave one, where the text came from (a revision).
 *
 * Code `SQL_PARSE_FAILED`.
 *
 * @example
 * ```ts
 * try {
 *   await parseSql('alter tabel t add column a int', { origin: 'revision 1a2b3c4d5e6f' });
 * } catch (e) {
 *   if (e instanceof SqlParseError) console.error(e.origin, e.position, e.message);
 * }
 * ```
 */
export class SqlParseError extends AlembicError {
  /** Where the SQL came from (e.g. `revision 1a2b3c4d5e6f (up)`), or `null`. */
  readonly origin: string | null;
  /** The 0-based character offset of the error in the text, when the parser gave one. */
  readonly position: number | null;

  constructor(message: string, origin: string | null, position: number | null, cause: unknown) {
    super('SQL_PARSE_FAILED', `${origin ? `${origin}: ` : ''}PostgreSQL's parser refused the SQL${position === null ? '' : ` at offset ${position}`}: ${message}`, { cause });
    this.origin = origin;
    this.position = position;
  }
}
