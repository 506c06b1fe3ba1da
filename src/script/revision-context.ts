/**
 * What a running revision talks to: the one interface between `Revision` (this layer) and the runtime,
 * which implements it online (statements run on a locked `pg` connection) and offline (statements are
 * appended to an SQL script).
 *
 * @example
 * ```ts
 * import { RevisionContext, runRevision } from 'mikro-orm-alembic';
 *
 * // A context that prints statements instead of running them (what offline mode does, in short).
 * const printing: RevisionContext = {
 *   offline: true,
 *   async query(sql) {
 *     console.log(`${sql};`);
 *     return [];
 *   },
 *   async autocommit(fn) {
 *     console.log('COMMIT;');
 *     const result = await fn();
 *     console.log('BEGIN;');
 *     return result;
 *   },
 * };
 * await runRevision(new AddUserRole_1a2b3c4d5e6f(), 'up', printing);
 * ```
 */
export interface RevisionContext {
  /** True when rendering an SQL script with no database: there are no rows to return. */
  readonly offline: boolean;
  /** Run one statement now (in the current transaction if any); rows for SELECTs. */
  query(sql: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]>;
  /** Commit the current transaction (if any), run fn with no transaction, then begin again if the revision is transactional. */
  autocommit<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Optional: run statements whose rows nobody reads (what `addSql` queued), in order. A context may
   * hold them back and send them with whatever comes next (the runtime sends them with the version row
   * and the `COMMIT`, in one round trip); it then names the failing statement itself. Without it, each
   * statement goes through {@link query}.
   */
  queued?(statements: readonly QueuedStatement[]): Promise<void>;
}

/** A statement `addSql` queued: SQL and, optionally, its parameters. */
export interface QueuedStatement {
  readonly sql: string;
  readonly params: readonly unknown[] | undefined;
}
