import { AlembicError } from '../errors';

/**
 * The hint appended to every error that is about the embedded server or a missing configuration:
 * the way out is always to point the harness at a server you run yourself.
 */
export const DATABASE_URL_HINT =
  'Set DATABASE_URL=postgres://USER[:PASSWORD]@HOST:PORT/DATABASE to use a PostgreSQL server you run yourself instead.';

/**
 * `DATABASE_URL` (or another URL handed to the harness) is not a usable PostgreSQL URL.
 *
 * The message names the source (e.g. `DATABASE_URL`) and what part is wrong; it never shows the value,
 * which may hold a password.
 *
 * @example
 * ```ts
 * import { parseDatabaseUrl, InvalidDatabaseUrlError } from 'mikro-orm-alembic';
 * try {
 *   parseDatabaseUrl('mysql://root@localhost/app');
 * } catch (e) {
 *   if (e instanceof InvalidDatabaseUrlError) console.error(e.code, e.message); // INVALID_DATABASE_URL ...
 * }
 * ```
 */
export class InvalidDatabaseUrlError extends AlembicError {
  /** Where the value came from, e.g. `DATABASE_URL`. */
  readonly source: string;

  constructor(source: string, message: string) {
    super('INVALID_DATABASE_URL', message);
    this.source = source;
  }
}

/** The stable codes of {@link HarnessConfigError}. */
export type HarnessConfigErrorCode = 'NO_DATABASE_URL';

/**
 * The environment asks for something the harness may not do, e.g. `EMBEDDED_PG=0` without a `DATABASE_URL`.
 *
 * @example
 * ```ts
 * import { acquireServer } from 'mikro-orm-alembic';
 * await acquireServer({ env: { EMBEDDED_PG: '0' } }).catch((e) => console.error(e.code)); // NO_DATABASE_URL
 * ```
 */
export class HarnessConfigError extends AlembicError {
  declare readonly code: HarnessConfigErrorCode;

  constructor(code: HarnessConfigErrorCode, message: string) {
    super(code, message);
  }
}

/** The stable codes of {@link DatabaseConnectionError}. */
export type DatabaseConnectionErrorCode =
  | 'DATABASE_UNREACHABLE'
  | 'DATABASE_AUTH_FAILED'
  | 'DATABASE_NOT_FOUND'
  | 'DATABASE_CONNECTION_FAILED';

/**
 * A PostgreSQL server could not be reached or refused the login.
 *
 * `address` is `host:port` (what the message names too); `cause` is the original driver error.
 *
 * @example
 * ```ts
 * import { createThrowawayDatabase, DatabaseConnectionError } from 'mikro-orm-alembic';
 * await createThrowawayDatabase('postgres://postgres@127.0.0.1:1/postgres').catch((e) => {
 *   if (e instanceof DatabaseConnectionError) console.error(e.code, e.address); // DATABASE_UNREACHABLE 127.0.0.1:1
 * });
 * ```
 */
export class DatabaseConnectionError extends AlembicError {
  declare readonly code: DatabaseConnectionErrorCode;
  /** `host:port` of the server that could not be used. */
  readonly address: string;

  constructor(code: DatabaseConnectionErrorCode, address: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.address = address;
  }
}

/** The stable codes of {@link ThrowawayDatabaseError}. */
export type ThrowawayDatabaseErrorCode = 'CREATEDB_DENIED' | 'THROWAWAY_CREATE_FAILED' | 'THROWAWAY_DROP_FAILED';

/**
 * Creating or dropping a throw-away test database failed (most often: the role lacks CREATEDB).
 *
 * @example
 * ```ts
 * import { createThrowawayDatabase, ThrowawayDatabaseError } from 'mikro-orm-alembic';
 * await createThrowawayDatabase('postgres://app@127.0.0.1:5432/app').catch((e) => {
 *   if (e instanceof ThrowawayDatabaseError && e.code === 'CREATEDB_DENIED') console.error(e.message);
 * });
 * ```
 */
export class ThrowawayDatabaseError extends AlembicError {
  declare readonly code: ThrowawayDatabaseErrorCode;
  /** The database that could not be created or dropped. */
  readonly database: string;

  constructor(code: ThrowawayDatabaseErrorCode, database: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.database = database;
  }
}

/** The stable codes of {@link EmbeddedServerError}. */
export type EmbeddedServerErrorCode =
  | 'EMBEDDED_BINARIES_MISSING'
  | 'EMBEDDED_BINARIES_BROKEN'
  | 'EMBEDDED_UNSAFE_DIR'
  | 'EMBEDDED_DIR_UNREACHABLE'
  | 'EMBEDDED_DATA_DIR_INVALID'
  | 'EMBEDDED_DATA_DIR_IN_USE'
  | 'EMBEDDED_SPAWN_FAILED'
  | 'EMBEDDED_INITDB_FAILED'
  | 'EMBEDDED_START_FAILED'
  | 'EMBEDDED_START_TIMEOUT'
  | 'EMBEDDED_STOP_FAILED';

/**
 * The embedded PostgreSQL could not be prepared, started or stopped.
 *
 * The message carries PostgreSQL's own words (its stderr, also in `output`) and ends with
 * {@link DATABASE_URL_HINT}.
 *
 * @example
 * ```ts
 * import { startEmbeddedServer, EmbeddedServerError } from 'mikro-orm-alembic';
 * await startEmbeddedServer({ port: 5432 }).catch((e) => {
 *   if (e instanceof EmbeddedServerError) console.error(e.code, e.output); // EMBEDDED_START_FAILED ... Address already in use
 * });
 * ```
 */
export class EmbeddedServerError extends AlembicError {
  declare readonly code: EmbeddedServerErrorCode;
  /** What the PostgreSQL program printed (stderr, trimmed to the last lines), when there was a program. */
  readonly output: string;

  constructor(code: EmbeddedServerErrorCode, message: string, options?: { cause?: unknown; output?: string }) {
    const output = options?.output?.trim() ?? '';
    const body = output ? `${message}\nPostgreSQL said:\n${indent(output)}` : message;
    super(code, `${body}\n${DATABASE_URL_HINT}`, options);
    this.output = output;
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
