import { Client } from 'pg';
import { parseDatabaseUrl } from './database-url';
import { DatabaseConnectionError, type DatabaseConnectionErrorCode } from './errors';

/** Options of {@link connectClient}. */
export interface ConnectOptions {
  /** What to call the URL in error messages, e.g. `DATABASE_URL` (default: `the server URL`). */
  source?: string;
  /** Give up connecting after this many milliseconds (default 10 000). */
  connectTimeoutMs?: number;
}

const NETWORK_CODES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused; is a PostgreSQL server running and listening there?',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved right now',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ETIMEDOUT: 'the connection timed out',
  ECONNRESET: 'the connection was reset; is this really a PostgreSQL server?',
  ENOENT: 'no Unix socket there; is a PostgreSQL server running?',
  EACCES: 'permission denied on the Unix socket',
};

/**
 * Opens a `pg` client on `url`, turning every failure into a {@link DatabaseConnectionError} that names
 * the server (`host:port`), the source of the URL and the reason.
 *
 * The client gets an `'error'` listener that ignores errors after connecting (e.g. when the server is stopped or a
 * `DROP DATABASE ... WITH (FORCE)` ends the session), so such events cannot crash the process; queries on it still
 * reject normally.
 *
 * @throws {InvalidDatabaseUrlError} when `url` is not a PostgreSQL URL
 * @throws {DatabaseConnectionError} `DATABASE_UNREACHABLE`, `DATABASE_AUTH_FAILED`, `DATABASE_NOT_FOUND` or `DATABASE_CONNECTION_FAILED`
 * @example
 * ```ts
 * import { connectClient } from 'mikro-orm-alembic';
 * const client = await connectClient(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
 * try {
 *   console.log((await client.query('select 1 as one')).rows[0].one);
 * } finally {
 *   await client.end();
 * }
 * ```
 */
export async function connectClient(url: string, options: ConnectOptions = {}): Promise<Client> {
  const source = options.source ?? 'the server URL';
  const parsed = parseDatabaseUrl(url, source);
  const client = new Client({ connectionString: parsed.href, connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000 });
  client.on('error', () => {
    /* the session ended under us; the next query on this client rejects with the reason */
  });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw translateConnectError(error, parsed.address, parsed.user, parsed.database, source);
  }
  return client;
}

function translateConnectError(
  error: unknown,
  address: string,
  user: string | undefined,
  database: string | undefined,
  source: string,
): DatabaseConnectionError {
  const code = typeof error === 'object' && error !== null ? String((error as { code?: unknown }).code ?? '') : '';
  const text = error instanceof Error ? error.message : String(error);
  const at = `PostgreSQL at ${address} (from ${source})`;
  let kind: DatabaseConnectionErrorCode;
  let message: string;
  if (NETWORK_CODES[code] !== undefined) {
    kind = 'DATABASE_UNREACHABLE';
    message = `Could not connect to ${at}: ${NETWORK_CODES[code]} [${code}]`;
  } else if (/timeout/i.test(text) || /terminated unexpectedly/i.test(text)) {
    kind = 'DATABASE_UNREACHABLE';
    message = `Could not connect to ${at}: ${text}`;
  } else if (code === '28P01' || code === '28000') {
    kind = 'DATABASE_AUTH_FAILED';
    message = `${at} refused the login of role "${user ?? '(default)'}": ${text} [${code}]`;
  } else if (code === '3D000') {
    kind = 'DATABASE_NOT_FOUND';
    message = `${at} has no database "${database ?? user ?? ''}": ${text} [${code}]`;
  } else {
    kind = 'DATABASE_CONNECTION_FAILED';
    message = `Could not connect to ${at}: ${text}${code ? ` [${code}]` : ''}`;
  }
  return new DatabaseConnectionError(kind, address, message, { cause: error });
}
