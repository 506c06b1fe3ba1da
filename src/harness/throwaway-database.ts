import { randomBytes } from 'node:crypto';
import type { Client } from 'pg';
import { connectClient } from './connect';
import { parseDatabaseUrl, withDatabase } from './database-url';
import { DatabaseConnectionError, ThrowawayDatabaseError } from './errors';

/** Options of {@link createThrowawayDatabase}. */
export interface ThrowawayDatabaseOptions {
  /** Start of the database name; lower-cased, other characters than `a-z0-9_` become `_` (default `mikro_orm_alembic_t`). */
  prefix?: string;
  /** What to call the server URL in error messages (default `the server URL`). */
  source?: string;
}

/** A database made for one test file or suite. Plain data plus `drop()`. */
export interface ThrowawayDatabase {
  /** Connection URL of the new database (same server, user and password as the server URL). */
  readonly url: string;
  /** Its name: prefix, process id and a random part, e.g. `mikro_orm_alembic_t_4242_9f3a1c0b`. */
  readonly name: string;
  /** Drops it with `DROP DATABASE ... WITH (FORCE)`, ending sessions still connected. Safe to call twice. */
  drop(): Promise<void>;
}

const MAX_NAME = 63;

/**
 * Creates an empty database with a unique name on the server of `serverUrl`.
 *
 * Connects to the server's maintenance database `postgres` for this (falling back to the database named in
 * the URL when `postgres` is missing or closed to the role), so the URL may name any database.
 *
 * @param serverUrl any PostgreSQL URL on the server, e.g. `DATABASE_URL`
 * @throws {InvalidDatabaseUrlError} when `serverUrl` is not a PostgreSQL URL
 * @throws {DatabaseConnectionError} when the server cannot be reached or refuses the login (names `host:port`)
 * @throws {ThrowawayDatabaseError} `CREATEDB_DENIED` when the role may not create databases, else `THROWAWAY_CREATE_FAILED`
 * @example
 * ```ts
 * import { createThrowawayDatabase } from 'mikro-orm-alembic';
 * const db = await createThrowawayDatabase('postgres://postgres@127.0.0.1:5432/postgres', { prefix: 'demo' });
 * try {
 *   console.log(db.name, db.url); // demo_4242_9f3a1c0b postgres://postgres@127.0.0.1:5432/demo_4242_9f3a1c0b
 * } finally {
 *   await db.drop();
 * }
 * ```
 */
export async function createThrowawayDatabase(
  serverUrl: string,
  options: ThrowawayDatabaseOptions = {},
): Promise<ThrowawayDatabase> {
  const source = options.source ?? 'the server URL';
  const server = parseDatabaseUrl(serverUrl, source);
  const name = uniqueName(options.prefix ?? 'mikro_orm_alembic_t');
  const client = await connectMaintenance(server.href, source);
  try {
    await createDatabase(client, name, server.user, server.address);
  } finally {
    await client.end().catch(() => undefined);
  }
  let dropping: Promise<void> | undefined;
  return Object.freeze({
    url: withDatabase(server.href, name),
    name,
    drop: () => (dropping ??= dropDatabase(server.href, name, { source })),
  });
}

/**
 * Drops a database, ending every session still connected to it (`WITH (FORCE)` on PostgreSQL 13+,
 * `pg_terminate_backend` before that). Does nothing when it does not exist.
 *
 * @example
 * ```ts
 * import { dropDatabase } from 'mikro-orm-alembic';
 * await dropDatabase('postgres://postgres@127.0.0.1:5432/postgres', 'left_over_test_db');
 * ```
 */
export async function dropDatabase(serverUrl: string, name: string, options: { source?: string } = {}): Promise<void> {
  const source = options.source ?? 'the server URL';
  const address = parseDatabaseUrl(serverUrl, source).address;
  const client = await connectMaintenance(serverUrl, source);
  try {
    const version = Number((await client.query<{ v: string }>(`select current_setting('server_version_num') as v`)).rows[0]?.v);
    if (version >= 130000) {
      await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    } else {
      await client.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
      await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`);
    }
  } catch (error) {
    throw new ThrowawayDatabaseError(
      'THROWAWAY_DROP_FAILED',
      name,
      `Could not drop the throw-away database "${name}" on ${address}: ${describePgError(error)}`,
      { cause: error },
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function connectMaintenance(serverUrl: string, source: string): Promise<Client> {
  const own = parseDatabaseUrl(serverUrl, source).database;
  try {
    return await connectClient(withDatabase(serverUrl, 'postgres'), { source });
  } catch (error) {
    const closed =
      error instanceof DatabaseConnectionError &&
      (error.code === 'DATABASE_NOT_FOUND' || /permission denied for database/i.test(error.message));
    if (!closed || own === undefined || own === 'postgres') {
      throw error;
    }
    return connectClient(serverUrl, { source });
  }
}

async function createDatabase(client: Client, name: string, user: string | undefined, address: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.query(`CREATE DATABASE ${quoteIdent(name)}`);
      return;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === '55006' && attempt < 8) {
        // "source database template1 is being accessed by other users": another CREATE DATABASE is running.
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
        continue;
      }
      if (code === '42501') {
        const role = user ?? 'the connecting role';
        throw new ThrowawayDatabaseError(
          'CREATEDB_DENIED',
          name,
          `Role "${role}" may not create databases on ${address} (${describePgError(error)}). ` +
            `The test harness creates one throw-away database per suite: grant it with ALTER ROLE ${quoteIdent(role)} CREATEDB, ` +
            'or point DATABASE_URL at a role that has CREATEDB.',
          { cause: error },
        );
      }
      throw new ThrowawayDatabaseError(
        'THROWAWAY_CREATE_FAILED',
        name,
        `Could not create the throw-away database "${name}" on ${address}: ${describePgError(error)}`,
        { cause: error },
      );
    }
  }
}

function uniqueName(prefix: string): string {
  let clean = prefix.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  if (!/^[a-z_]/.test(clean)) {
    clean = `t_${clean}`;
  }
  const suffix = `_${process.pid}_${randomBytes(4).toString('hex')}`;
  return clean.slice(0, MAX_NAME - suffix.length) + suffix;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function describePgError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code !== '' ? `${message} [${code}]` : message;
}
