import { randomBytes } from 'node:crypto';
import { Client, type ClientConfig } from 'pg';
import { quoteIdent } from '../runtime/sql-text';

/** An empty database made for one check, on the same server as the app's. */
export interface ScratchDatabase {
  /** Its name: `<app database>_check_<8 hex>`, at most 63 bytes. */
  readonly name: string;
  /** The same settings as the app's, with this database. */
  readonly connection: ClientConfig;
  /** Drops it (`WITH (FORCE)` on PostgreSQL 13+). Never throws; safe to call twice. */
  drop(): Promise<void>;
}

/**
 * Creates an empty scratch database next to the app's database (same server, same role), e.g. to
 * upgrade it to head and compare the entities with what the revisions produce. The role needs
 * `CREATEDB`; otherwise PostgreSQL's error is thrown.
 *
 * @example
 * ```ts
 * const scratch = await createScratchDatabase({ host: '127.0.0.1', user: 'postgres', database: 'app' });
 * try {
 *   await env.runtime(scratch.connection).upgrade('heads');
 * } finally {
 *   await scratch.drop();
 * }
 * ```
 */
export async function createScratchDatabase(connection: ClientConfig): Promise<ScratchDatabase> {
  const base = (connection.database ?? 'db').replace(/[^A-Za-z0-9_]/g, '_').slice(0, 40);
  const name = `${base}_check_${randomBytes(4).toString('hex')}`;
  await withClient(connection, (client) => client.query(`create database ${quoteIdent(name)} template template0`));
  let dropped = false;
  return Object.freeze({
    name,
    connection: { ...connection, database: name },
    drop: async () => {
      if (dropped) return;
      dropped = true;
      await withClient(connection, async (client) => {
        const { rows } = await client.query<{ v: number }>(`select current_setting('server_version_num')::int as v`);
        const force = (rows[0]?.v ?? 0) >= 130000 ? ' with (force)' : '';
        await client.query(`drop database if exists ${quoteIdent(name)}${force}`);
      }).catch(() => undefined);
    },
  });
}

async function withClient<T>(connection: ClientConfig, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ ...connection, application_name: 'mikro-orm-alembic check' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
