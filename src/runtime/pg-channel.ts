import { Client, type ClientConfig, type QueryResult } from 'pg';
import { ConnectionFailedError } from './errors';
import type { SqlChannel } from './sql-channel';

/** The `application_name` our connections carry unless configured otherwise. */
export const DEFAULT_APPLICATION_NAME = 'mikro-orm-alembic';

/** How to reach the database: a connection string or a pg `ClientConfig`. */
export type ConnectionOptions = string | ClientConfig;

const BEGIN_PREFIX = 'BEGIN;\n';

/**
 * A {@link SqlChannel} on one dedicated pg connection: the connection that holds the migration lock
 * and runs every statement, so non-transactional work happens under the lock too.
 *
 * Round trips are kept to a minimum: `begin()` is deferred and sent in front of the next statement
 * without parameters (`BEGIN;\n<statement>`, one simple-protocol message), and `commit(sql)` sends
 * `<sql>;\nCOMMIT` as one message. A one-statement revision therefore costs two round trips.
 *
 * @example
 * ```ts
 * const channel = await PgChannel.connect('postgres://localhost/app');
 * try {
 *   await channel.begin();
 *   await channel.query('create table t (id int)');
 *   await channel.commit();
 * } finally {
 *   await channel.close();
 * }
 * ```
 */
export class PgChannel implements SqlChannel {
  readonly offline = false;
  /** The backend pid of this connection. */
  readonly pid: number;
  private pendingBegin = false;
  private open = false;
  private lostError: Error | null = null;
  private closed = false;

  private constructor(
    private readonly client: Client,
    pid: number,
  ) {
    this.pid = pid;
  }

  /**
   * Opens a connection with `application_name` set (ours unless the config names one).
   *
   * @example
   * ```ts
   * const channel = await PgChannel.connect({ host: 'db', database: 'app' }, 'deploy-42');
   * ```
   */
  static async connect(connection: ConnectionOptions, applicationName = DEFAULT_APPLICATION_NAME): Promise<PgChannel> {
    const config: ClientConfig = typeof connection === 'string' ? { connectionString: connection } : { ...connection };
    if (config.application_name === undefined) config.application_name = applicationName;
    const client = new Client(config);
    // Without a listener, an 'error' on an idle connection (terminated backend) would crash the process.
    let early: Error | null = null;
    client.on('error', (e: Error) => {
      early = e;
    });
    let result: QueryResult;
    try {
      await client.connect();
      result = await client.query('select pg_backend_pid() as pid');
    } catch (e) {
      await client.end().catch(() => undefined);
      throw new ConnectionFailedError(describeTarget(client), e);
    }
    const channel = new PgChannel(client, Number(result.rows[0].pid));
    client.removeAllListeners('error');
    client.on('error', (e: Error) => {
      channel.lostError = e;
    });
    client.on('end', () => {
      channel.closed = true;
    });
    if (early) channel.lostError = early;
    return channel;
  }

  get inTransaction(): boolean {
    return this.open;
  }

  /** The error that broke the connection, or `null` while it is healthy. */
  get connectionError(): Error | null {
    return this.lostError;
  }

  /** Whether the connection is gone (terminated, closed or broken). */
  get broken(): boolean {
    return this.lostError !== null || this.closed;
  }

  async query(sql: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]> {
    const hasParams = params !== undefined && params.length > 0;
    if (this.pendingBegin) {
      if (hasParams) {
        await this.client.query('BEGIN');
        this.pendingBegin = false;
      } else {
        this.pendingBegin = false;
        const results = await this.run(BEGIN_PREFIX + sql, undefined, BEGIN_PREFIX.length);
        return lastRows(results, 1);
      }
    }
    return lastRows(await this.run(sql, hasParams ? params : undefined, 0), 0);
  }

  async begin(): Promise<void> {
    if (this.open) throw new Error('A transaction is already open on this channel');
    this.open = true;
    this.pendingBegin = true;
  }

  async commit(finalSql?: string): Promise<void> {
    if (!this.open) throw new Error('No transaction is open on this channel');
    if (this.pendingBegin && finalSql === undefined) {
      this.pendingBegin = false;
      this.open = false;
      return;
    }
    const prefix = this.pendingBegin ? BEGIN_PREFIX : '';
    const body = finalSql === undefined ? 'COMMIT' : `${finalSql};\nCOMMIT`;
    this.pendingBegin = false;
    await this.run(prefix + body, undefined, prefix.length);
    this.open = false;
  }

  async rollback(): Promise<void> {
    if (!this.open) return;
    const wasPending = this.pendingBegin;
    this.pendingBegin = false;
    this.open = false;
    if (wasPending || this.broken) return;
    await this.client.query('ROLLBACK');
  }

  /** Closes the connection (PostgreSQL releases any session lock it still held). Never throws. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.client.end();
    } catch {
      // already gone
    }
  }

  private async run(text: string, params: readonly unknown[] | undefined, prefixLength: number): Promise<QueryResult[]> {
    try {
      const result = (await this.client.query(text, params as unknown[] | undefined)) as QueryResult | QueryResult[];
      return Array.isArray(result) ? result : [result];
    } catch (e) {
      const located = e as { position?: unknown };
      if (prefixLength > 0 && typeof located.position === 'string') {
        // the statement's own position, not counting the BEGIN we sent in front of it
        const pos = Number(located.position);
        if (pos > prefixLength) located.position = String(pos - prefixLength);
      }
      throw e;
    }
  }
}

/** `host:port/database` of a client (no user or password). */
function describeTarget(client: Client): string {
  const c = client as unknown as { host?: string; port?: number; database?: string };
  return `${c.host ?? 'localhost'}:${c.port ?? 5432}/${c.database ?? ''}`;
}

function lastRows(results: QueryResult[], skip: number): Record<string, unknown>[] {
  const own = results.slice(skip);
  const last = own[own.length - 1];
  return last ? (last.rows as Record<string, unknown>[]) : [];
}
