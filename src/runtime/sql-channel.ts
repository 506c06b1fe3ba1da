/**
 * The one narrow interface through which the runner talks to PostgreSQL, or to an offline script.
 *
 * The runner drives transactions through it (`begin`, `commit`, `rollback`) so that an online channel
 * can save round trips: a deferred `BEGIN` goes out with the first statement, and a revision's queued
 * statements, its version row and the `COMMIT` go out as one message. An offline channel writes the
 * same statements as `BEGIN;` / `...;` / `COMMIT;` lines.
 *
 * @example
 * ```ts
 * await channel.begin();
 * // BEGIN, the statement, the version row and COMMIT: one round trip online
 * await channel.commit(['create table t (id int)', table.insertSql(row)]);
 * ```
 */
export interface SqlChannel {
  /** True when statements are written to a script instead of being executed. */
  readonly offline: boolean;
  /** True when the connection is gone (terminated backend, network); always false offline. */
  readonly broken: boolean;
  /** True between `begin()` and `commit()`/`rollback()`. */
  readonly inTransaction: boolean;
  /**
   * Runs one statement (or, without params, several separated by `;`) and returns the rows of the last
   * one. Without params the simple query protocol is used.
   */
  query(sql: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]>;
  /**
   * Runs literal statements (no params) in order, online as one message, and returns the rows of the
   * last one. Each statement but the last must be a single SQL command, so that a failure can name it:
   * a failure throws a {@link StatementBatchError} whose `index` is the failing statement's.
   */
  batch(statements: readonly string[]): Promise<Record<string, unknown>[]>;
  /** Starts a transaction (an online channel may defer the `BEGIN` to the next statement). */
  begin(): Promise<void>;
  /**
   * Runs `statements` (literal SQL, each a single command) inside the transaction, then commits, online
   * in one message. A failure throws a {@link StatementBatchError}; `index` = `statements.length` when
   * the `COMMIT` itself failed (or was in flight when the connection was lost).
   */
  commit(statements?: readonly string[]): Promise<void>;
  /** Rolls the open transaction back; does nothing when none is open. */
  rollback(): Promise<void>;
}

/**
 * A statement of a {@link SqlChannel.batch} or {@link SqlChannel.commit} failed: `index` says which
 * (`statements.length` for the `COMMIT`), `cause` is the driver's error (its `position`, when it has
 * one, counted from the start of that statement).
 *
 * @example
 * ```ts
 * try {
 *   await channel.commit(statements);
 * } catch (e) {
 *   if (e instanceof StatementBatchError) console.error(statements[e.index] ?? 'COMMIT', e.cause);
 * }
 * ```
 */
export class StatementBatchError extends Error {
  override readonly name = 'StatementBatchError';

  constructor(
    /** The failing statement's index; the statement count for the `COMMIT`. */
    readonly index: number,
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/**
 * Runs `statements` in one transaction of their own (one message online) and commits; on failure the
 * transaction is rolled back (a rollback that fails too is ignored: the connection is then gone) and
 * the statement's error is thrown.
 *
 * @example
 * ```ts
 * await commitInTransaction(channel, [table.deleteManySql(['ae1027a6acf2']), table.insertManySql(rows)]);
 * ```
 */
export async function commitInTransaction(channel: SqlChannel, statements: readonly string[]): Promise<void> {
  await channel.begin();
  try {
    await channel.commit(statements);
  } catch (error) {
    await channel.rollback().catch(() => undefined);
    throw error;
  }
}
