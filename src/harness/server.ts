import { isAbsolute, relative } from 'node:path';
import { describeDatabaseUrl, parseDatabaseUrl } from './database-url';
import { startEmbeddedServer, type EmbeddedServer } from './embedded-server';
import { DATABASE_URL_HINT, HarnessConfigError } from './errors';

/** Options of {@link acquireServer}. */
export interface AcquireServerOptions {
  /**
   * Embedded case only: keep the cluster in this folder (e.g. `.data/embedded-pg`) instead of a temporary one.
   * Ignored when `DATABASE_URL` is set.
   */
  persistentDir?: string;
  /** Receives progress lines of the embedded server (initdb, start, orphan clean-up). Default: silent. */
  log?: (line: string) => void;
  /** The environment to read `DATABASE_URL` and `EMBEDDED_PG` from (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
}

/** A PostgreSQL server to work with, and how to give it back. */
export interface AcquiredServer {
  /** Connection URL: `DATABASE_URL` as given, or `postgres://postgres@127.0.0.1:PORT/postgres` for the embedded server. */
  readonly url: string;
  /** Where the server came from. */
  readonly source: 'DATABASE_URL' | 'embedded';
  /** The embedded server, when `source` is `embedded`. */
  readonly embedded?: EmbeddedServer;
  /** One line for people, e.g. `embedded PostgreSQL 15.18 on 127.0.0.1:41234` or `DATABASE_URL 127.0.0.1:5432/postgres`. */
  describe(): string;
  /** Stops the embedded server (nothing to do for `DATABASE_URL`). Safe to call twice. */
  release(): Promise<void>;
}

const OFF = new Set(['0', 'false', 'no', 'off']);

/**
 * Gives a PostgreSQL server: the one in `DATABASE_URL` when that is set (never starting anything),
 * otherwise an embedded PostgreSQL started for this process (see {@link startEmbeddedServer}).
 *
 * Nothing is probed silently: without `DATABASE_URL` the embedded server is the only choice, and
 * `EMBEDDED_PG=0` turns that into an error. An empty `DATABASE_URL` counts as unset.
 *
 * @throws {InvalidDatabaseUrlError} when `DATABASE_URL` is set but is not a PostgreSQL URL
 * @throws {HarnessConfigError} `NO_DATABASE_URL` when `DATABASE_URL` is unset and `EMBEDDED_PG=0`
 * @throws {EmbeddedServerError} when the embedded server cannot start (PostgreSQL's reason, and the `DATABASE_URL` hint)
 * @example
 * ```ts
 * import { acquireServer } from 'mikro-orm-alembic';
 * const server = await acquireServer({ persistentDir: '.data/embedded-pg' });
 * try {
 *   console.log(`using ${server.describe()}`); // using embedded PostgreSQL 15.18 on 127.0.0.1:41234 (...)
 * } finally {
 *   await server.release();
 * }
 * ```
 */
export async function acquireServer(options: AcquireServerOptions = {}): Promise<AcquiredServer> {
  const env = options.env ?? process.env;
  const configured = env.DATABASE_URL?.trim() ?? '';
  if (configured !== '') {
    const parsed = parseDatabaseUrl(configured, 'DATABASE_URL');
    return Object.freeze({
      url: configured,
      source: 'DATABASE_URL' as const,
      describe: () => `DATABASE_URL ${describeDatabaseUrl(parsed)}`,
      release: () => Promise.resolve(),
    });
  }
  if (OFF.has((env.EMBEDDED_PG ?? '').trim().toLowerCase())) {
    throw new HarnessConfigError(
      'NO_DATABASE_URL',
      `DATABASE_URL is not set, and EMBEDDED_PG=${env.EMBEDDED_PG} forbids starting an embedded PostgreSQL. ${DATABASE_URL_HINT}`,
    );
  }
  const embedded = await startEmbeddedServer({ dataDir: options.persistentDir, log: options.log });
  const where = embedded.temporary ? '' : ` (data in ${shownPath(embedded.dataDir)})`;
  return Object.freeze({
    url: embedded.url,
    source: 'embedded' as const,
    embedded,
    describe: () => `embedded PostgreSQL ${embedded.version} on ${embedded.host}:${embedded.port}${where}`,
    release: () => embedded.stop(),
  });
}

/** A folder as messages show it: relative to the working directory when inside it, else absolute. */
function shownPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}
