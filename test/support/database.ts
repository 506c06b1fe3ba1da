/**
 * Mocha integration of the database harness (loaded through `.mocharc.json` "require").
 *
 * - The server is acquired lazily, the first time a suite needs a database: suites that never call
 *   `useTestDatabase()` (the graph oracle, pure unit tests) never start PostgreSQL.
 * - `DATABASE_URL` set: that server. Unset: one embedded PostgreSQL for the whole run (temporary cluster).
 * - Each `useTestDatabase()` suite gets its own throw-away database, created in `before` and dropped in `after`.
 * - The server is released in `mochaGlobalTeardown` (and stopped by its pid on any exit anyway).
 *
 * Set `HARNESS_LOG=1` to see the embedded server's progress lines (initdb, start, orphan clean-up).
 */
import { acquireServer, createThrowawayDatabase, type AcquiredServer, type ThrowawayDatabase } from '../../src/harness';

let serverPromise: Promise<AcquiredServer> | undefined;

/**
 * The run's PostgreSQL server, acquired on first use and shared by all suites.
 * A failure is cached, so every suite reports the same error quickly.
 */
export function testServer(): Promise<AcquiredServer> {
  serverPromise ??= acquireServer({
    log: process.env.HARNESS_LOG ? (line) => process.stderr.write(`  [harness] ${line}\n`) : undefined,
  }).then((server) => {
    process.stderr.write(`  using ${server.describe()}\n`);
    return server;
  });
  return serverPromise;
}

/** The throw-away database of one suite. Read its fields inside hooks and tests, not at describe time. */
export interface TestDatabase {
  /** Connection URL of the suite's own database. */
  readonly url: string;
  /** Its name. */
  readonly name: string;
  /** A URL of the server's maintenance database (for creating more databases, roles, ...). */
  readonly serverUrl: string;
}

/** Options of {@link useTestDatabase}. */
export interface UseTestDatabaseOptions {
  /** Start of the database name (default `mikro_orm_alembic_t`). */
  prefix?: string;
}

/**
 * Gives the enclosing `describe` its own empty database: created in a `before` hook, dropped (WITH FORCE) in `after`.
 *
 * @example
 * ```ts
 * import { Client } from 'pg';
 * import { useTestDatabase } from '../support/database';
 *
 * describe('my feature', () => {
 *   const db = useTestDatabase();
 *   it('talks to PostgreSQL', async () => {
 *     const client = new Client({ connectionString: db.url });
 *     await client.connect();
 *     await client.query('create table t (id int)');
 *     await client.end();
 *   });
 * });
 * ```
 */
export function useTestDatabase(options: UseTestDatabaseOptions = {}): TestDatabase {
  let database: ThrowawayDatabase | undefined;
  let server: AcquiredServer | undefined;
  before(async function () {
    this.timeout(120_000);
    server = await testServer();
    database = await createThrowawayDatabase(server.url, {
      prefix: options.prefix ?? 'mikro_orm_alembic_t',
      source: server.source === 'DATABASE_URL' ? 'DATABASE_URL' : 'the embedded server',
    });
  });
  after(async () => {
    const current = database;
    database = undefined;
    await current?.drop();
  });
  const ready = (field: string): ThrowawayDatabase => {
    if (database === undefined) {
      throw new Error(
        `useTestDatabase(): .${field} is only available inside hooks and tests of the suite (the database is created in its before() hook)`,
      );
    }
    return database;
  };
  return {
    get url() {
      return ready('url').url;
    },
    get name() {
      return ready('name').name;
    },
    get serverUrl() {
      ready('serverUrl');
      return (server as AcquiredServer).url;
    },
  };
}

/**
 * Mocha global fixture, in the main process before any test file runs. In parallel mode (`npm test` runs the
 * files in worker processes, one per core) the workers must share one server: without `DATABASE_URL`, the
 * embedded server is started here and its URL handed to the workers through `DATABASE_URL` (they are forked
 * after this fixture, with this process's environment). A serial run keeps acquiring the server lazily.
 */
export async function mochaGlobalSetup(): Promise<void> {
  if (process.env.DATABASE_URL || !runsInParallel()) return;
  const server = await testServer();
  process.env.DATABASE_URL = server.url;
}

/** Whether mocha was asked for `--parallel` (`-p`) on its command line. */
function runsInParallel(): boolean {
  return process.argv.some((arg) => arg === '--parallel' || arg === '-p');
}

/** Mocha global fixture: stops the embedded server (if one was started) after the whole run. */
export async function mochaGlobalTeardown(): Promise<void> {
  const pending = serverPromise;
  serverPromise = undefined;
  if (pending !== undefined) {
    const server = await pending.catch(() => undefined);
    await server?.release();
  }
}
