/**
 * The one narrow interface through which the runner talks to PostgreSQL, or to an offline script.
 *
 * The runner drives transactions through it (`begin`, `commit`, `rollback`) so that an online channel
 * can save round trips (a deferred `BEGIN` sent with the first statement, the version row sent with the
 * `COMMIT`) and an offline channel can write `BEGIN;` / `COMMIT;` lines.
 *
 * @example
 * ```ts
 * await channel.begin();
 * await channel.query('create table t (id int)');
 * await channel.commit(table.insertSql(row)); // the version row and COMMIT in one round trip
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
  /** Starts a transaction (an online channel may defer the `BEGIN` to the next statement). */
  begin(): Promise<void>;
  /** Runs `finalSql` (literal SQL, no params) inside the transaction, if given, then commits. */
  commit(finalSql?: string): Promise<void>;
  /** Rolls the open transaction back; does nothing when none is open. */
  rollback(): Promise<void>;
}
