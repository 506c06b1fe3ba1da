import { checkConnectionUrl, type CheckedUrl } from '../runtime/connection';
import { InvalidConnectionError } from '../runtime/errors';
import { InvalidDatabaseUrlError } from './errors';

/** A checked PostgreSQL connection URL, taken apart. Plain, frozen data. */
export interface DatabaseUrl {
  /** The URL as given (trimmed), password included: do not print it, see {@link redactUrl}. */
  readonly href: string;
  /** Host name or IP address (IPv6 without brackets), or a Unix socket directory given as `?host=/dir`. */
  readonly host: string;
  /** TCP port; 5432 when the URL names none. */
  readonly port: number;
  /** The role name, when the URL names one. */
  readonly user?: string;
  /** The password, when the URL has one. */
  readonly password?: string;
  /** The database name, when the URL names one (PostgreSQL then defaults to the role name). */
  readonly database?: string;
  /** `host:port` for messages (`[::1]:5432` for IPv6). */
  readonly address: string;
}

const MAX_IDENTIFIER_BYTES = 63;

/**
 * Checks that `text` is a PostgreSQL URL and takes it apart, with the runtime's parser
 * ({@link checkConnectionUrl}: the one parser of the package), and that its database name fits
 * PostgreSQL's 63-byte identifiers.
 *
 * Accepts `postgres://` and `postgresql://`, percent-encoded user, password and database names,
 * IPv6 hosts in brackets and a Unix socket directory as `?host=/run/postgresql`.
 *
 * @param text the URL, e.g. the value of `DATABASE_URL`
 * @param source what to call the value in error messages (default `DATABASE_URL`)
 * @throws {InvalidDatabaseUrlError} naming `source` and what is wrong with it; never the value, which may hold a password
 * @example
 * ```ts
 * import { parseDatabaseUrl } from 'mikro-orm-alembic';
 * const url = parseDatabaseUrl('postgres://postgres:secret@127.0.0.1:5432/app');
 * console.log(url.address, url.database); // 127.0.0.1:5432 app
 * ```
 */
export function parseDatabaseUrl(text: string, source = 'DATABASE_URL'): DatabaseUrl {
  const value = text.trim();
  let checked: CheckedUrl;
  try {
    checked = checkConnectionUrl(value, source);
  } catch (error) {
    if (error instanceof InvalidConnectionError) throw new InvalidDatabaseUrlError(source, error.message);
    throw error;
  }
  const { user, password, database } = checked;
  const host = checked.host as string; // checkConnectionUrl refuses a URL without one
  if (database !== undefined && Buffer.byteLength(database) > MAX_IDENTIFIER_BYTES) {
    throw new InvalidDatabaseUrlError(source, `${source} names a database longer than ${MAX_IDENTIFIER_BYTES} bytes (PostgreSQL's limit for a name)`);
  }
  const port = checked.port ?? 5432;
  const address = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  return Object.freeze({ href: value, host, port, user, password, database, address });
}

/**
 * The same server URL, pointing at another database (user, password, host, port and query are kept).
 *
 * @param url a PostgreSQL URL (checked with {@link parseDatabaseUrl})
 * @param database the database name (any characters; it is percent-encoded)
 * @example
 * ```ts
 * import { withDatabase } from 'mikro-orm-alembic';
 * withDatabase('postgres://postgres@127.0.0.1:5432/postgres', 'app_test'); // 'postgres://postgres@127.0.0.1:5432/app_test'
 * ```
 */
export function withDatabase(url: string, database: string): string {
  const checked = parseDatabaseUrl(url, 'the server URL').href;
  const parts = /^([^:]+:\/\/[^/?#]*)(\/[^?#]*)?(.*)$/s.exec(checked) as RegExpExecArray;
  return `${parts[1]}/${encodeURIComponent(database)}${parts[3]}`;
}

/**
 * The URL with its password replaced by `***`, for logs and error messages. Also works on text that
 * is not a valid URL: whatever stands between `user:` and `@`, else everything before the last `@`,
 * else the whole text.
 *
 * @example
 * ```ts
 * import { redactUrl } from 'mikro-orm-alembic';
 * redactUrl('postgres://app:s3cret@db:5432/app'); // 'postgres://app:***@db:5432/app'
 * ```
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') {
      parsed.password = '***';
    }
    return parsed.href;
  } catch {
    const redacted = url.replace(/^([^:/?#]+:\/\/[^:@/?#]*:)[^@/?#]*@/, '$1***@');
    if (redacted !== url) return redacted;
    // malformed (`postgres//user:pw@host`, `pw#x@host`): the password may be anywhere before the last @,
    // and without an @ anywhere at all
    const at = url.lastIndexOf('@');
    return at >= 0 ? `***${url.slice(at)}` : '*** (not shown: not a URL)';
  }
}

/**
 * `host:port/database` for messages such as "using DATABASE_URL 127.0.0.1:5432/postgres" (never the password).
 *
 * @example
 * ```ts
 * import { describeDatabaseUrl } from 'mikro-orm-alembic';
 * describeDatabaseUrl('postgres://postgres:pw@127.0.0.1:5432/app'); // '127.0.0.1:5432/app'
 * ```
 */
export function describeDatabaseUrl(url: string | DatabaseUrl): string {
  const parsed = typeof url === 'string' ? parseDatabaseUrl(url, 'the server URL') : url;
  return `${parsed.address}/${parsed.database ?? parsed.user ?? ''}`;
}
