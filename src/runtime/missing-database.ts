import { sqlIdentifier } from '../script/sql-quote';
import { checkConnectionUrl, type ConnectionOptions, type ConnectionSettings } from './connection';
import { ConnectionFailedError } from './errors';
import { PgChannel } from './pg-channel';

/**
 * A database that does not exist yet, created the way MikroORM's `ensureDatabase` creates it (before
 * `migration:up`): through the server's `postgres` database, with the same settings (host, user,
 * password, SSL). Used by the bin's `upgrade` and `stamp`, so that they behave as `migration:up` does.
 */

/**
 * Whether `error` is a connection refused because its database does not exist (PostgreSQL's `3D000`).
 *
 * @example
 * ```ts
 * try { await runtime.upgrade('head'); } catch (e) { if (isMissingDatabase(e)) await createMissingDatabase(url); }
 * ```
 */
export function isMissingDatabase(error: unknown): boolean {
  if (!(error instanceof ConnectionFailedError)) return false;
  const cause = error.cause as { code?: unknown } | undefined;
  return cause?.code === '3D000';
}

/**
 * The name of the database `connection` names (libpq's default: the user's name), or `null` when
 * the settings name neither.
 *
 * @example
 * ```ts
 * databaseNameOf('postgres://app@db/shop'); // 'shop'
 * ```
 */
export function databaseNameOf(connection: ConnectionOptions): string | null {
  const settings: ConnectionSettings = typeof connection === 'string' ? { connectionString: connection } : connection;
  if (settings.connectionString !== undefined) {
    const url = checkConnectionUrl(settings.connectionString, settings.source ?? 'the connection URL');
    return url.database ?? url.user ?? settings.database ?? settings.user ?? null;
  }
  return settings.database ?? settings.user ?? null;
}

/**
 * Creates the database `connection` names, connected to the same server's `postgres` database with
 * the same settings; resolves to its name. A database created meanwhile by someone else (`42P04`) is
 * fine.
 *
 * @throws {ConnectionFailedError} when the server cannot be reached through `postgres` either
 * @throws the server's error when it refuses (no `CREATEDB` privilege, ...)
 * @example
 * ```ts
 * const name = await createMissingDatabase({ connectionString: 'postgres://app:pw@db/shop', source: '--url' });
 * console.log(`created ${name}`);
 * ```
 */
export async function createMissingDatabase(connection: ConnectionOptions): Promise<string> {
  const name = databaseNameOf(connection);
  if (name === null) throw new Error('The connection settings name no database to create');
  const channel = await PgChannel.connect(maintenanceConnection(connection));
  try {
    await channel.query(`create database ${sqlIdentifier(name)}`);
  } catch (error) {
    if ((error as { code?: unknown }).code !== '42P04') throw error;
  } finally {
    await channel.close();
  }
  return name;
}

/** The same settings, naming the server's `postgres` database instead. */
function maintenanceConnection(connection: ConnectionOptions): ConnectionSettings {
  const settings: ConnectionSettings = typeof connection === 'string' ? { connectionString: connection } : { ...connection };
  if (settings.connectionString === undefined) return { ...settings, database: 'postgres' };
  const text = settings.connectionString.trim();
  // the path is the database; libpq's socket-directory form ("/run/postgresql db") names it after a space
  if (/^\/[^/]/.test(text) && !text.includes('@')) return { ...settings, connectionString: `${text.split(' ')[0]} postgres` };
  const match = /^([^:]+:\/\/[^/?#]*)(\/[^?#]*)?(.*)$/.exec(text);
  return { ...settings, connectionString: match === null ? text : `${match[1]}/postgres${match[3]}` };
}
