import {
  enumSql,
  type EnumGuardColumn,
  type EnumRebuild,
  type EnumTypeName,
  type EnumValueMap,
  type EnumValuePosition,
  type EnumValueRemoval,
} from './enum-sql';
import { IrreversibleRevisionError, OfflineExecuteError, RevisionNotRunningError, RevisionStatementError } from './errors';
import type { QueuedStatement, RevisionContext } from './revision-context';

/**
 * The key of the method `runRevision` calls on a revision. A registered symbol, so that a revision
 * class built on another copy of this package (another `node_modules`) still runs.
 * @internal
 */
export const RUN_REVISION: unique symbol = Symbol.for('mikro-orm-alembic.runRevision');

/** The state of one run of one revision. */
interface Session {
  readonly ctx: RevisionContext;
  readonly direction: 'up' | 'down';
  readonly queue: QueuedStatement[];
  inAutocommit: boolean;
}

/**
 * The base class of every revision file. A revision declares its identity with literal fields
 * (read from the file text, without running it) and its steps in `up()` and `down()`.
 *
 * - `revision`: its id. `downRevision`: `null` for a base, one id, or several for a merge.
 * - `branchLabels` (default `[]`), `dependsOn` (ids or labels, default `[]`),
 *   `transactional` (default `true`; `false` runs every statement outside a transaction).
 * - `acknowledge` (lint codes this revision accepts, each with a reason; default `{}`).
 * - `this.addSql(sql, params?)` queues a statement; queued statements run in order when `up()`/`down()`
 *   returns, or before `execute()` / `outsideTransaction()`.
 * - `await this.execute(sql, params?)` runs one statement now and returns its rows (online only).
 * - `await this.outsideTransaction(async () => { ... })` runs a block with no transaction
 *   (`CREATE INDEX CONCURRENTLY`, `ALTER TYPE ... ADD VALUE` used later in the same revision):
 *   statements so far run and are committed, the block runs, then a new transaction begins.
 * - `down()` not overridden: the revision is irreversible (`IrreversibleRevisionError`).
 * - PostgreSQL enum steps: `createEnum`, `dropEnum`, `addEnumValue` (committed before anything uses
 *   the value), `renameEnumValue`, `renameEnum`, `removeEnumValue`, `rebuildEnum` and the guard
 *   `assertEnumValuesUnused` (SQL from `enumSql`; see docs/enums.md).
 *
 * @example
 * ```ts
 * import { Revision } from 'mikro-orm-alembic';
 *
 * export class AddUserRole_1a2b3c4d5e6f extends Revision {
 *   override readonly revision = '1a2b3c4d5e6f';
 *   override readonly downRevision = '0f9e8d7c6b5a';
 *   override readonly branchLabels = [];
 *   override readonly dependsOn = [];
 *
 *   override async up(): Promise<void> {
 *     this.addSql(`alter type "user_role" add value 'auditor'`);
 *     await this.outsideTransaction(async () => {
 *       this.addSql(`create index concurrently "user_role_idx" on "user" ("role")`);
 *     });
 *     const rows = await this.execute<{ n: number }>(`select count(*)::int as n from "user"`);
 *     if (rows[0].n > 0) this.addSql(`update "user" set "role" = $1 where "role" is null`, ['auditor']);
 *   }
 *
 *   override async down(): Promise<void> {
 *     this.addSql(`drop index "user_role_idx"`);
 *   }
 * }
 * ```
 */
export abstract class Revision {
  /** This revision's id (e.g. `'1a2b3c4d5e6f'`). */
  abstract readonly revision: string;
  /** The revision(s) this one builds on: `null` for a base, one id, or several ids for a merge. */
  abstract readonly downRevision: string | readonly string[] | null;
  /** Names usable in targets (`billing@head`). */
  readonly branchLabels: readonly string[] = [];
  /** Revisions (ids or labels) that must be applied first, without being parents. */
  readonly dependsOn: readonly string[] = [];
  /** `false` to run every statement of this revision outside a transaction. */
  readonly transactional: boolean = true;
  /** A squashed revision: the ids of the revisions it stands for, parents first (docs/squash.md). */
  readonly replaces: readonly string[] = [];
  /**
   * Lint findings this revision accepts, by code, each with the reason (docs/lint.md):
   * `override readonly acknowledge = { RENAME_COLUMN: 'no deployed code reads "name" since v2.3' };`
   */
  readonly acknowledge: Readonly<Record<string, string>> = {};

  #session: Session | undefined;

  /** The upgrade steps. */
  abstract up(): Promise<void> | void;

  /** The downgrade steps. Not overridden: the revision is irreversible. */
  down(): Promise<void> | void {
    throw new IrreversibleRevisionError(revisionIdOf(this));
  }

  /**
   * Queues one statement; queued statements run in order when `up()`/`down()` returns, or earlier
   * when `execute()` or `outsideTransaction()` is called.
   *
   * @example
   * ```ts
   * this.addSql(`alter table "user" add column "nickname" text`);
   * this.addSql(`update "user" set "nickname" = $1 where "id" = $2`, ['bob', 1]);
   * ```
   */
  addSql(sql: string, params?: readonly unknown[]): void {
    this.#require('addSql').queue.push({ sql, params });
  }

  /**
   * Runs the queued statements, then `sql` now, and returns its rows. Only online: a revision that
   * reads data cannot be rendered as offline SQL (`OfflineExecuteError`).
   *
   * @example
   * ```ts
   * const rows = await this.execute<{ id: number }>(`select "id" from "user" where "role" is null`);
   * for (const row of rows) this.addSql(`update "user" set "role" = 'member' where "id" = $1`, [row.id]);
   * ```
   */
  async execute<T extends Record<string, unknown> = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    const session = this.#require('execute');
    if (session.ctx.offline) throw new OfflineExecuteError(revisionIdOf(this), sql);
    await this.#flush(session);
    return (await this.#run(session, { sql, params })) as T[];
  }

  /**
   * Runs `fn` with no transaction (Alembic's autocommit block): the statements queued so far run and
   * are committed, `fn` runs and its statements run outside any transaction, then (for a
   * transactional revision) a new transaction begins for the rest. Nested blocks run inline.
   *
   * @example
   * ```ts
   * this.addSql(`alter type "status" add value 'archived'`);
   * await this.outsideTransaction(async () => {
   *   this.addSql(`create index concurrently "post_status_idx" on "post" ("status")`);
   * });
   * this.addSql(`update "post" set "status" = 'archived' where "deleted"`);
   * ```
   */
  async outsideTransaction<T>(fn: () => Promise<T> | T): Promise<T> {
    const session = this.#require('outsideTransaction');
    await this.#flush(session);
    if (session.inAutocommit) return this.#block(session, fn);
    return session.ctx.autocommit(async () => {
      session.inAutocommit = true;
      try {
        return await this.#block(session, fn);
      } finally {
        session.inAutocommit = false;
      }
    });
  }

  /**
   * Queues `create type ... as enum (...)`: the type, with its values in order.
   *
   * @example
   * ```ts
   * this.createEnum('user_role', ['super_user', 'admin', 'user']);
   * this.addSql(`alter table "user" add column "role" "user_role" not null default 'user'`);
   * ```
   */
  createEnum(type: EnumTypeName, values: readonly string[]): void {
    this.#queue(enumSql.createEnum(type, values));
  }

  /**
   * Queues `drop type ...` (it fails while a column, default, index or view still uses the type).
   *
   * @example
   * ```ts
   * this.addSql(`alter table "user" drop column "role"`);
   * this.dropEnum('user_role');
   * ```
   */
  dropEnum(type: EnumTypeName): void {
    this.#queue(enumSql.dropEnum(type));
  }

  /**
   * Adds a value in place with `alter type ... add value if not exists` (no table is rewritten), in
   * an `outsideTransaction` block: the value is committed before the rest of the revision (or a later
   * revision of the same run) uses it, which PostgreSQL requires. A re-run is harmless.
   *
   * @example
   * ```ts
   * await this.addEnumValue('user_role', 'guest', { after: 'user' });
   * this.addSql(`alter table "user" alter column "role" set default 'guest'`);
   * ```
   */
  async addEnumValue(type: EnumTypeName, value: string, position?: EnumValuePosition): Promise<void> {
    const statements = enumSql.addEnumValue(type, value, position);
    await this.outsideTransaction(() => this.#queue(statements));
  }

  /**
   * Queues `alter type ... rename value ... to ...`: rows, defaults, index predicates and views that
   * hold the value keep it under its new label.
   *
   * @example
   * ```ts
   * this.renameEnumValue('user_role', 'user', 'member');
   * ```
   */
  renameEnumValue(type: EnumTypeName, from: string, to: string): void {
    this.#queue(enumSql.renameEnumValue(type, from, to));
  }

  /**
   * Renames a type (`alter type ... rename to`, and `set schema` when `to` names another schema);
   * every column keeps using it.
   *
   * @example
   * ```ts
   * this.renameEnum('user_role', 'member_role');
   * this.renameEnum('user_role', 'app.user_role'); // moves it to the schema app
   * ```
   */
  renameEnum(type: EnumTypeName, to: EnumTypeName): void {
    this.#queue(enumSql.renameEnum(type, to));
  }

  /**
   * Queues a rebuild of the type with other values (removed or reordered), converting every listed
   * column (one rewrite per table) and re-creating the listed dependents. Rows holding a removed value
   * make the cast fail, unless `map` says what they become; call {@link assertEnumValuesUnused} first
   * to stop before anything changes, with a message that names the table, the column and the count.
   *
   * @example
   * ```ts
   * this.rebuildEnum('user_role', {
   *   from: ['admin', 'user', 'guest'],
   *   to: ['guest', 'admin', 'user'],
   *   columns: [{ table: 'user', column: 'role', default: `'user'` }],
   * });
   * ```
   */
  rebuildEnum(type: EnumTypeName, rebuild: EnumRebuild): void {
    this.#queue(enumSql.rebuildEnum(type, rebuild));
  }

  /**
   * Queues the rebuild that removes one value (see {@link rebuildEnum}); `from` is the type's values
   * now, in order.
   *
   * @example
   * ```ts
   * const columns = [{ table: 'user', column: 'role', default: `'user'` }];
   * this.assertEnumValuesUnused('user_role', ['guest'], columns);
   * this.removeEnumValue('user_role', 'guest', { from: ['admin', 'user', 'guest'], columns });
   * // or keep such rows, as 'user': { from: [...], columns, map: { guest: 'user' } }
   * ```
   */
  removeEnumValue(type: EnumTypeName, value: string, removal: EnumValueRemoval): void {
    this.#queue(enumSql.removeEnumValue(type, value, removal));
  }

  /**
   * Queues a check that no row holds one of `values` (except the ones `map` converts) in the given
   * columns; when some do, it raises an error naming the table, the column and the row count. Put it
   * first in `up()`/`down()`, so the revision stops before it changes anything.
   *
   * @example
   * ```ts
   * this.assertEnumValuesUnused('user_role', ['guest'], [{ table: 'user', column: 'role' }]);
   * ```
   */
  assertEnumValuesUnused(type: EnumTypeName, values: readonly string[], columns: readonly EnumGuardColumn[], map?: EnumValueMap): void {
    this.#queue(enumSql.assertEnumValuesUnused(type, values, columns, map));
  }

  #queue(statements: readonly string[]): void {
    for (const sql of statements) this.addSql(sql);
  }

  /**
   * Runs `up()` or `down()` against `ctx`. Call `runRevision(instance, direction, ctx)` instead.
   * @internal
   */
  async [RUN_REVISION](direction: 'up' | 'down', ctx: RevisionContext): Promise<void> {
    if (this.#session) throw new RevisionNotRunningError(revisionIdOf(this), 'this instance is already running; create one instance per run');
    const session: Session = { ctx, direction, queue: [], inAutocommit: false };
    this.#session = session;
    try {
      await (direction === 'up' ? this.up() : this.down());
      await this.#flush(session);
    } finally {
      this.#session = undefined;
    }
  }

  async #block<T>(session: Session, fn: () => Promise<T> | T): Promise<T> {
    try {
      const result = await fn();
      await this.#flush(session);
      return result;
    } catch (error) {
      session.queue.length = 0; // statements the failed block queued never run
      throw error;
    }
  }

  #require(what: string): Session {
    if (!this.#session) {
      throw new RevisionNotRunningError(revisionIdOf(this), `${what}() was called while the revision is not running; run it with runRevision()`);
    }
    return this.#session;
  }

  async #flush(session: Session): Promise<void> {
    if (session.queue.length === 0) return;
    const statements = session.queue.splice(0);
    // a context that runs queued statements itself (maybe later, batched) names a failing one itself
    if (session.ctx.queued) return session.ctx.queued(statements);
    for (const statement of statements) await this.#run(session, statement);
  }

  async #run(session: Session, statement: QueuedStatement): Promise<Record<string, unknown>[]> {
    try {
      return await session.ctx.query(statement.sql, statement.params);
    } catch (error) {
      if (error instanceof RevisionStatementError) throw error; // already names its statement
      throw new RevisionStatementError(revisionIdOf(this), session.direction, statement.sql, statement.params, error);
    }
  }
}

/**
 * A revision field's value as a loaded class declares it: a static field (plain-JS revisions may use
 * `static revision = '...'`) wins over the instance field.
 * @internal
 */
export function revisionFieldOf(instance: object, field: string): unknown {
  const ctor: unknown = instance.constructor;
  if (typeof ctor === 'function') {
    const value: unknown = (ctor as unknown as Record<string, unknown>)[field];
    if (value !== undefined) return value;
  }
  return (instance as Record<string, unknown>)[field];
}

/** The revision id for messages. */
function revisionIdOf(instance: object): string {
  const id = revisionFieldOf(instance, 'revision');
  return typeof id === 'string' ? id : `(${instance.constructor.name})`;
}
