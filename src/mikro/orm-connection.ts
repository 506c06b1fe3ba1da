import type { Configuration } from '@mikro-orm/core';
import { checkConnectionUrl, type ConnectionSettings } from '../runtime/connection';

/** What is read from the driver's connection: the fields MikroORM itself connects with. */
interface DriverConnectionOptions {
  host?: string;
  port?: number;
  user?: string;
  password?: string | (() => string | Promise<string>);
  database?: string;
}

/** What messages call the config's URL. */
export const CLIENT_URL_SOURCE = 'clientUrl of the MikroORM config';

/**
 * The pg connection settings of a MikroORM config: `clientUrl`, or `host`/`port`/`user`/`password`/
 * `dbName` (each field overriding the URL's, as MikroORM does), plus `driverOptions.connection`
 * (e.g. `ssl`), plus libpq's SSL parameters of `clientUrl` (`sslmode`, `sslrootcert`, `sslcert`,
 * `sslkey`: MikroORM's resolution drops them). The runtime opens its own dedicated connection (the
 * one holding the migration lock) with them.
 *
 * @throws {InvalidConnectionError} when `clientUrl` is malformed (named, its value never shown)
 * @example
 * ```ts
 * import { connectionFromConfig } from 'mikro-orm-alembic';
 *
 * const settings = connectionFromConfig(orm.config); // { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'app', source: '...' }
 * ```
 */
export function connectionFromConfig(config: Configuration): ConnectionSettings {
  const clientUrl = config.get('clientUrl') as string | undefined;
  // checked before MikroORM's `new URL(clientUrl)`, whose error carries the whole URL
  const checked = clientUrl === undefined || clientUrl === '' ? null : checkConnectionUrl(clientUrl, CLIENT_URL_SOURCE);
  // MikroORM's own resolution (URL parts overridden by explicit options), without connecting
  const options = config.getDriver().getConnection().getConnectionOptions() as DriverConnectionOptions;
  const result: Record<string, unknown> = { source: checked ? CLIENT_URL_SOURCE : 'the MikroORM config' };
  if (options.host !== undefined && options.host !== '') result.host = options.host;
  if (options.port !== undefined && !Number.isNaN(options.port) && options.port !== 0) result.port = options.port;
  if (options.user !== undefined && options.user !== '') result.user = options.user;
  if (options.password !== undefined && options.password !== '') result.password = options.password;
  if (options.database !== undefined && options.database !== '') result.database = options.database;
  const driverOptions = config.get('driverOptions') as { connection?: unknown } | undefined;
  const extra = driverOptions?.connection;
  if (typeof extra === 'object' && extra !== null) {
    for (const [key, value] of Object.entries(extra)) {
      if (key === 'types' || value === undefined) continue;
      result[key] = value;
    }
  }
  // the URL's sslmode and certificates (an explicit driverOptions.connection field wins)
  for (const [key, value] of Object.entries(checked?.ssl ?? {})) {
    if (result[key] === undefined) result[key] = value;
  }
  return result as ConnectionSettings;
}
