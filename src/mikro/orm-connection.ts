import type { Configuration } from '@mikro-orm/core';
import type { ClientConfig } from 'pg';

/** What is read from the driver's connection: the fields MikroORM itself connects with. */
interface DriverConnectionOptions {
  host?: string;
  port?: number;
  user?: string;
  password?: string | (() => string | Promise<string>);
  database?: string;
}

/**
 * The pg connection settings of a MikroORM config: `clientUrl`, or `host`/`port`/`user`/`password`/
 * `dbName` (each field overriding the URL's, as MikroORM does), plus `driverOptions.connection`
 * (e.g. `ssl`). The runtime opens its own dedicated connection (the one holding the migration lock)
 * with them.
 *
 * @example
 * ```ts
 * import { connectionFromConfig } from 'mikro-orm-alembic';
 *
 * const settings = connectionFromConfig(orm.config); // { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'app' }
 * ```
 */
export function connectionFromConfig(config: Configuration): ClientConfig {
  // MikroORM's own resolution (URL parts overridden by explicit options), without connecting
  const options = config.getDriver().getConnection().getConnectionOptions() as DriverConnectionOptions;
  const result: ClientConfig = {};
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
      (result as Record<string, unknown>)[key] = value;
    }
  }
  return result;
}
