import type { Client, ClientConfig, QueryResult } from 'pg';
import { connectionFailure, fallsBack, resolveConnection, type ConnectionOptions } from './connection';
import { StatementBatchError, type SqlChannel } from './sql-channel';
import { terminateStatement } from './sql-text';
import { pgModule } from './pg-module';

/** The `application_name` our connections carry unless configured otherwise. */
export const DEFAULT_APPLICATION_NAME = 'mikro-orm-alembic';

export type { ConnectionOptions } from './connection';

/**
 * A {@link SqlChannel} on one dedicated pg connection: the connection that holds the migration lock
 * and runs every statement, so non-transactional work happens under the lock too.
 *
 * Round trips are kept to a minimum: `begin()` is deferred and sent in front of the next message
 * (`BEGIN;` then the statements, one simple-protocol message), and `commit(statements)` sends the
 * statements and `COMMIT` in the same message. A transactional revision whose statements were only
 * queued (`addSql`) therefore costs one round trip: `BEGIN`, its statements, its version row, `COMMIT`.
 * The server's count of completed commands tells which statement of a message failed.
 *
 * @example
 * ```ts
 * const channel = await PgChannel.connect('postgres://localhost/app');
 * try {
 *   await channel.begin();
 *   await channel.commit(['create table t (id int)', 'insert into t values (1)']);
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
   * Opens a connection with `application_name` set (ours unless the config names one). The settings go
   * through {@link resolveConnection} (the URL checked, libpq's `sslmode` and certificate parameters
   * honoured, `prefer`/`allow` falling back as libpq does).
   *
   * @throws {InvalidConnectionError} malformed settings (nothing is tried)
   * @throws {ConnectionFailedError} the server's reason, with every secret redacted
   *
   * @example
   * ```ts
   * const channel = await PgChannel.connect({ host: 'db', database: 'app' }, 'deploy-42');
   * ```
   */
  static async connect(connection: ConnectionOptions, applicationName = DEFAULT_APPLICATION_NAME): Promise<PgChannel> {
    // one resolution for every source: the URL checked, libpq's sslmode honoured, secrets never printed
    const resolved = resolveConnection(connection);
    const last = resolved.attempts.length - 1;
    for (let i = 0; ; i++) {
      try {
        return await PgChannel.open(resolved.attempts[i], applicationName);
      } catch (error) {
        if (i < last && fallsBack(resolved, error)) continue;
        throw connectionFailure(resolved, error);
      }
    }
  }

  /** Opens one connection with `config` (errors are pg's own, for {@link connect} to judge and redact). */
  private static async open(attempt: ClientConfig, applicationName: string): Promise<PgChannel> {
    const config: ClientConfig = { ...attempt };
    if (config.application_name === undefined) config.application_name = applicationName;
    const client = new (pgModule().Client)(config);
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
      throw e;
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
    if (params !== undefined && params.length > 0) {
      if (this.pendingBegin) {
        this.pendingBegin = false;
        await this.client.query('BEGIN');
      }
      return (await this.client.query(sql, params as unknown[])).rows as Record<string, unknown>[];
    }
    try {
      return await this.send([sql], false);
    } catch (e) {
      throw e instanceof StatementBatchError ? e.cause : e;
    }
  }

  async batch(statements: readonly string[]): Promise<Record<string, unknown>[]> {
    return statements.length === 0 ? [] : this.send(statements, false);
  }

  async begin(): Promise<void> {
    if (this.open) throw new Error('A transaction is already open on this channel');
    this.open = true;
    this.pendingBegin = true;
  }

  async commit(statements: readonly string[] = []): Promise<void> {
    if (!this.open) throw new Error('No transaction is open on this channel');
    if (this.pendingBegin && statements.length === 0) {
      // nothing ran: there is no transaction on the server to end
      this.pendingBegin = false;
      this.open = false;
      return;
    }
    await this.send(statements, true);
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

  /**
   * One simple-protocol message: the deferred `BEGIN` if any, the statements, `COMMIT` if asked. The
   * last statement is sent as is when nothing follows it (it may hold several commands); the others
   * are terminated with `;`. Returns the rows of the last statement.
   */
  private async send(statements: readonly string[], commit: boolean): Promise<Record<string, unknown>[]> {
    let text = this.pendingBegin ? 'BEGIN;\n' : '';
    const before = this.pendingBegin ? 1 : 0;
    this.pendingBegin = false;
    const offsets: number[] = [];
    const last = statements.length - 1;
    for (let i = 0; i <= last; i++) {
      offsets.push(text.length);
      text += i < last || commit ? `${terminateStatement(statements[i])}\n` : statements[i];
    }
    if (commit) text += 'COMMIT';
    const query = new (countingQuery())(text);
    try {
      const results = await query.run(this.client);
      const own = results[results.length - 1];
      return commit || !own ? [] : (own.rows as Record<string, unknown>[]);
    } catch (e) {
      const located = e as { position?: unknown };
      // The server's count of completed commands names a statement that failed while running. A syntax
      // error aborts the whole message before any command runs (the count is 0): its position, which is
      // in the whole message, names the statement instead.
      const counted = Math.min(Math.max(query.completed - before, 0), commit ? statements.length : last);
      // (PostgreSQL counts characters; JavaScript offsets count UTF-16 units)
      const at = typeof located.position === 'string' ? utf16Offset(text, Number(located.position) - 1) : NaN;
      const index = Number.isInteger(at) && at >= (offsets[0] ?? Infinity) ? statementAt(offsets, at) : counted;
      if (index < statements.length && Number.isInteger(at)) {
        // the position inside the failing statement, not inside the whole message
        const pos = [...text.slice(offsets[index], at)].length + 1;
        if (at >= offsets[index]) located.position = String(pos);
      }
      throw new StatementBatchError(index, e);
    }
  }
}

/** The UTF-16 offset of the `chars`-th character (code point) of `text`. */
function utf16Offset(text: string, chars: number): number {
  if (!Number.isInteger(chars) || chars < 0) return NaN;
  let offset = 0;
  for (let n = 0; n < chars && offset < text.length; n++) offset += (text.codePointAt(offset) ?? 0) > 0xffff ? 2 : 1;
  return offset;
}

/** The index of the statement whose text holds character `at` of the message (`offsets`: where each starts). */
function statementAt(offsets: readonly number[], at: number): number {
  let index = 0;
  while (index + 1 < offsets.length && offsets[index + 1] <= at) index++;
  return index;
}

/** The query handler methods of pg's `Query` that its typings leave out. */
interface QueryHandlers {
  handleCommandComplete(message: unknown, connection: unknown): void;
}

/**
 * A pg `Query` that counts the commands the server completed, so that the failing statement of a
 * multi-statement message is known (the server stops at the first error). A class made on first use:
 * it extends pg's, and pg is loaded only when a connection is made.
 */
function countingQuery() {
  countingQueryClass ??= makeCountingQuery(pgModule().Query);
  return countingQueryClass;
}

let countingQueryClass: ReturnType<typeof makeCountingQuery> | undefined;

function makeCountingQuery(Query: typeof import('pg').Query) {
  return class CountingQuery extends Query {
    completed = 0;

    handleCommandComplete(message: unknown, connection: unknown): void {
      this.completed += 1;
      (Query.prototype as unknown as QueryHandlers).handleCommandComplete.call(this, message, connection);
    }

    /** Submits this query on `client`; resolves with one result per completed command. */
    run(client: Client): Promise<QueryResult[]> {
      return new Promise((resolve, reject) => {
        (this as unknown as { callback: (error: Error | undefined, result: QueryResult | QueryResult[]) => void }).callback = (error, result) => {
          if (error) reject(error);
          else resolve(Array.isArray(result) ? result : [result]);
        };
        client.query(this);
      });
    }
  };
}
