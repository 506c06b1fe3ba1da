import { RevisionGraphError } from '../graph/errors';
import type { RevisionGraph } from '../graph/revision-graph';
import type { RecordedView, SquashCatalog } from '../graph/squash-catalog';
import type { MigrationPlan } from '../graph/types';
import { acquireAdvisoryLock, releaseAdvisoryLock, type LockWaitInfo } from './advisory-lock';
import { checkAppliedState, type AppliedState } from './applied-state';
import { verifyRecordedChecksums } from './revision-checksum';
import { recordView, rowsInView } from './squash-rows';
import { describeHolders } from './errors';
import { renderOfflineSql } from './offline-sql';
import { DEFAULT_APPLICATION_NAME, PgChannel, type ConnectionOptions } from './pg-channel';
import { runRevisions, type LockRetry, type RevisionTiming, type RunProgress, type TransactionMode } from './revision-runner';
import type { RevisionSource } from './revision-source';
import { stampRevisions, type StampResult } from './stamp';
import { acceptEdits, type AcceptEditsResult } from './accept-edits';
import { TenantSchema } from './tenant-schema';
import { VersionTable, type AppliedRevision, type VersionTableOptions } from './version-table';
import { ensureVersionTable, type VersionTableSeed } from './version-table-seed';

/** The `lock_timeout` of every statement a writing command runs, unless configured: 2 s. */
export const DEFAULT_STATEMENT_LOCK_TIMEOUT_MS = 2_000;

/** Tries in all for a statement whose lock wait timed out, unless configured. */
export const DEFAULT_STATEMENT_LOCK_ATTEMPTS = 5;

/** The wait before the second try of a lock wait that timed out, unless configured (then 1 s, 2 s, 4 s). */
export const DEFAULT_STATEMENT_LOCK_RETRY_DELAY_MS = 500;

/** PostgreSQL's `lock_timeout` is an int in milliseconds. */
const MAX_LOCK_TIMEOUT_MS = 2_147_483_647;

/** Where the runtime's messages go. Both methods are optional; nothing is printed by default. */
export interface RuntimeLog {
  info?(message: string): void;
  warn?(message: string): void;
  /** One-time events that change the database besides revisions (history taken over). Default: `info`, else `warn`. */
  notice?(message: string): void;
}

/** Options of {@link MigrationRuntime}. */
export interface MigrationRuntimeOptions extends RunProgress {
  /** How to reach the database: a connection string or a pg `ClientConfig`. */
  readonly connection: ConnectionOptions;
  /** The revision graph (built from the same revisions as `source`). */
  readonly graph: RevisionGraph;
  /** The revisions: list, loader, checksums. */
  readonly source: RevisionSource;
  /**
   * The squashed revisions of the same revisions (`SquashCatalog`): when it has any, each command
   * plans with the graph the database's version table chooses (the originals of a run while the
   * database is inside it, else the squashed revision) and `graph` must be `squashes.graph`.
   */
  readonly squashes?: SquashCatalog;
  /** The version table's schema and name. Default `public.mikro_orm_alembic_version`. */
  readonly versionTable?: VersionTableOptions;
  /**
   * Schema-per-tenant: the schema to migrate (verbatim: case, spaces and quotes kept). The version table
   * lives in it (this replaces `versionTable.schema`; the table name is kept), so the migration lock is
   * this schema's own: two schemas of one database upgrade side by side, the same schema never twice at
   * once. Every revision runs with `search_path` = this schema, then `public`, so unqualified names
   * (tables, enum types, indexes) are created in and looked up in the tenant schema. A schema that does
   * not exist is refused (`SchemaNotFoundError`, code `SCHEMA_NOT_FOUND`) unless `createSchema` is set. See docs/tenants.md.
   */
  readonly schema?: string;
  /** With `schema`: a writing command creates the schema when it does not exist, instead of refusing. Default `false`. */
  readonly createSchema?: boolean;
  /** How long a writing command waits for the migration lock, in ms. Default 60 000; `Infinity` waits forever. */
  readonly lockTimeoutMs?: number;
  /**
   * PostgreSQL's `lock_timeout` for the statements a writing command runs once it holds the migration
   * lock (the revisions, the version table), in ms. A statement that waits longer for a lock (an
   * `ALTER TABLE` behind a long transaction on that table) fails with SQLSTATE 55P03 instead of making
   * every later query on the table queue behind it; the {@link RevisionFailedError} then lists the
   * sessions holding table locks. `0` means no limit (and no retries). Default
   * {@link DEFAULT_STATEMENT_LOCK_TIMEOUT_MS} (2 s): writers queue behind a waiting `ALTER TABLE` for
   * at most that long per try.
   */
  readonly statementLockTimeoutMs?: number;
  /**
   * Tries in all for a revision (or a statement outside a transaction) whose lock wait timed out:
   * it is rolled back and run again after a wait. Default {@link DEFAULT_STATEMENT_LOCK_ATTEMPTS} (5).
   */
  readonly statementLockAttempts?: number;
  /** The wait before the second try, in ms, doubled for each further try (±25 % jitter, at most 30 s). Default 500. */
  readonly statementLockRetryDelayMs?: number;
  /** Default `per-revision`. */
  readonly transactionMode?: TransactionMode;
  /** Applied revisions whose file was edited are an error instead of a warning. */
  readonly strict?: boolean;
  /** `application_name` of our connections. Default `mikro-orm-alembic`. */
  readonly applicationName?: string;
  /** Called once when another session holds the migration lock (default: a `log.info` line). */
  readonly onWait?: (info: LockWaitInfo) => void;
  /** Messages (revision progress, warnings). */
  readonly log?: RuntimeLog;
  /**
   * History to record when the version table is created (another migrator's applied set, e.g.
   * MikroORM's `mikro_orm_migrations`; see `src/adopt/`). Taken under the migration lock, in the
   * transaction that creates the table; read-only commands take the lock for it too.
   */
  readonly historySeed?: VersionTableSeed;
}

/** Per-call options of `upgrade`/`downgrade`. */
export interface RunOptions extends RunProgress {
  /** Overrides the runtime's transaction mode for this call. */
  readonly transactionMode?: TransactionMode;
}

/** What an upgrade or downgrade did. */
export interface MigrationResult {
  readonly direction: 'up' | 'down';
  /** The revisions whose `up()` (or `down()`) ran and committed, in order, with their time. */
  readonly ran: readonly RevisionTiming[];
  readonly headsBefore: readonly string[];
  readonly headsAfter: readonly string[];
  /** Warnings: edited files, plan remarks. */
  readonly warnings: readonly string[];
}

/** What `current()` reports. */
export interface CurrentState {
  /** The current heads (empty for an empty database or when the version table does not exist). */
  readonly heads: readonly string[];
  /** The version table's rows, oldest first. */
  readonly applied: readonly AppliedRevision[];
  readonly warnings: readonly string[];
}

/** Which offline script to render. */
export interface OfflineSqlRequest {
  readonly direction: 'up' | 'down';
  /** The target (`head`, an id, `base`, ...). */
  readonly target: string;
  /**
   * Where the database is assumed to be (the `from` of a `from:to` range): a target whose revisions
   * are taken as the current heads. Default for an upgrade: `base` (an empty database). Required for a
   * downgrade.
   */
  readonly from?: string;
  readonly transactionMode?: TransactionMode;
  /** Take/release the advisory lock in the script. Default `true`. */
  readonly lock?: boolean;
}

/**
 * The runtime: upgrades, downgrades, stamps and reports a PostgreSQL database against a revision
 * graph. Every writing command opens one dedicated connection, takes the session-level advisory lock
 * of the version table on it (waiting at most `lockTimeoutMs`), creates the version table if needed,
 * re-reads the applied set, runs, and releases the lock and closes the connection on every exit path.
 *
 * @example
 * ```ts
 * import { MigrationRuntime, RevisionGraph } from 'mikro-orm-alembic';
 *
 * const runtime = new MigrationRuntime({
 *   connection: process.env.DATABASE_URL!,
 *   graph: new RevisionGraph(records),
 *   source,                                   // a RevisionSource over the migrations folder
 *   lockTimeoutMs: 30_000,
 *   log: { info: console.log, warn: console.warn },
 * });
 * const result = await runtime.upgrade('head');
 * console.log(result.ran.map((r) => `${r.id} ${r.ms.toFixed(0)} ms`), result.headsAfter);
 * ```
 */
export class MigrationRuntime {
  /** The version table this runtime records revisions in. */
  readonly versionTable: VersionTable;
  /** The tenant schema this runtime migrates (`schema` option), or `undefined`. */
  readonly schema: TenantSchema | undefined;
  private readonly options: MigrationRuntimeOptions;

  constructor(options: MigrationRuntimeOptions) {
    const ms = options.statementLockTimeoutMs;
    if (ms !== undefined && !(typeof ms === 'number' && ms >= 0 && ms <= MAX_LOCK_TIMEOUT_MS)) {
      throw new TypeError(`statementLockTimeoutMs must be a number of milliseconds from 0 to ${MAX_LOCK_TIMEOUT_MS}, not ${String(ms)}`);
    }
    const attempts = options.statementLockAttempts;
    if (attempts !== undefined && !(Number.isInteger(attempts) && attempts >= 1 && attempts <= 100)) {
      throw new TypeError(`statementLockAttempts must be a whole number of tries from 1 to 100, not ${String(attempts)}`);
    }
    const delay = options.statementLockRetryDelayMs;
    if (delay !== undefined && !(typeof delay === 'number' && delay >= 0 && delay <= 600_000)) {
      throw new TypeError(`statementLockRetryDelayMs must be a number of milliseconds from 0 to 600000, not ${String(delay)}`);
    }
    this.options = options;
    this.schema = options.schema === undefined ? undefined : new TenantSchema(options.schema);
    this.versionTable = new VersionTable(this.schema === undefined ? options.versionTable : { ...options.versionTable, schema: this.schema.name });
  }

  /**
   * Upgrades to `target` (`head`, `heads`, an id or prefix, `label@head`, `+N`, ...).
   *
   * @example
   * ```ts
   * const { ran, headsAfter } = await runtime.upgrade('heads');
   * ```
   */
  async upgrade(target: string, options: RunOptions = {}): Promise<MigrationResult> {
    return this.migrate('up', target, options);
  }

  /**
   * Downgrades to `target` (`base`, an id, `-1`, `label@-1`, ...).
   *
   * @example
   * ```ts
   * await runtime.downgrade('-1');
   * ```
   */
  async downgrade(target: string, options: RunOptions = {}): Promise<MigrationResult> {
    return this.migrate('down', target, options);
  }

  /**
   * The current heads and the applied rows, checked against the files (a missing file is an error, an
   * edited one a warning). Read-only: no lock, and the version table is not created.
   *
   * @example
   * ```ts
   * const { heads } = await runtime.current();
   * ```
   */
  async current(): Promise<CurrentState> {
    const read = async (channel: PgChannel): Promise<CurrentState> => {
      const state = await this.readState(channel);
      return Object.freeze({ heads: state.heads, applied: state.rows, warnings: state.warnings });
    };
    const found = await this.readOnly(async (channel) => {
      if (!(await this.versionTable.exists(channel))) {
        if (await this.historyWaiting(channel)) return undefined;
        return Object.freeze({ heads: Object.freeze([]), applied: Object.freeze([]), warnings: Object.freeze([]) });
      }
      return read(channel);
    });
    return found ?? this.locked(read);
  }

  /**
   * The version table's rows, oldest first, unchecked (empty when the table does not exist).
   *
   * @example
   * ```ts
   * for (const row of await runtime.appliedRevisions()) console.log(row.id, row.appliedAt, row.durationMs);
   * ```
   */
  async appliedRevisions(): Promise<readonly AppliedRevision[]> {
    const found = await this.readOnly(async (channel) => {
      if (await this.versionTable.exists(channel)) return Object.freeze(await this.versionTable.read(channel));
      return (await this.historyWaiting(channel)) ? undefined : Object.freeze([]);
    });
    return found ?? this.locked(async (channel) => Object.freeze(await this.versionTable.read(channel)));
  }

  /**
   * Records `target`'s ancestry as exactly the applied set, without running anything (`base`: nothing
   * applied). `purge` deletes every row first, including rows of revisions whose file is gone, and
   * records fresh checksums.
   *
   * @example
   * ```ts
   * await runtime.stamp('head');                    // an existing schema, now under revision control
   * await runtime.stamp('base', { purge: true });   // forget everything
   * ```
   */
  async stamp(target: string | readonly string[], options: { purge?: boolean } = {}): Promise<StampResult> {
    const targets = typeof target === 'string' ? [target] : target;
    const resolve = (graph: RevisionGraph) => [...new Set(targets.flatMap((t) => graph.resolve(t)).filter((id) => id !== 'base'))];
    if (!this.options.squashes?.hasSquashes) resolve(this.options.graph); // a bad target fails before connecting
    return this.locked(async (channel) => {
      let graph = this.options.graph;
      let ids: string[];
      if (this.options.squashes?.hasSquashes) {
        const rows = options.purge ? [] : await this.versionTable.read(channel);
        const { view, result } = this.withView(rows, (v) => resolve(v.graph));
        if (!options.purge) await recordView(channel, this.versionTable, this.options.source, view);
        graph = view.graph;
        ids = result;
      } else {
        ids = resolve(graph);
      }
      const result = await stampRevisions(channel, this.versionTable, graph, this.options.source, ids, {
        purge: options.purge,
        strict: this.options.strict,
      });
      for (const warning of result.warnings) this.options.log?.warn?.(warning);
      return result;
    });
  }

  /**
   * Accepts the current content of applied revision files (after {@link RevisionEditedError}, when the
   * edit is intended): re-records their checksums, under the migration lock, running nothing.
   * `revisions` limits it to those (ids, prefixes or labels); default every applied revision whose
   * file changed, and every row still in the old checksum format.
   *
   * @example
   * ```ts
   * const { accepted } = await runtime.acceptEdits(['ae1027a6acf5']);
   * ```
   */
  async acceptEdits(revisions?: string | readonly string[]): Promise<AcceptEditsResult> {
    const { graph } = this.options;
    const wanted = revisions === undefined ? undefined : (typeof revisions === 'string' ? [revisions] : revisions).flatMap((r) => graph.resolve(r));
    return this.locked(async (channel) => {
      let viewGraph = graph;
      if (this.options.squashes?.hasSquashes) {
        const view = this.options.squashes.forRecorded((await this.versionTable.read(channel)).map((r) => r.id));
        await recordView(channel, this.versionTable, this.options.source, view);
        viewGraph = view.graph;
      }
      return acceptEdits(channel, this.versionTable, viewGraph, this.options.source, wanted);
    });
  }

  /**
   * Renders the SQL an upgrade or downgrade would run, as one script, without connecting.
   *
   * @example
   * ```ts
   * const sql = await runtime.offlineSql({ direction: 'up', from: 'ae1027a6acf5', target: 'head' });
   * ```
   */
  async offlineSql(request: OfflineSqlRequest): Promise<string> {
    if (request.direction === 'down' && request.from === undefined) {
      throw new TypeError('offlineSql: a downgrade needs `from` (where the database is assumed to be)');
    }
    const planWith = (graph: RevisionGraph) => {
      const from = request.from === undefined ? [] : graph.resolve(request.from).filter((id) => graph.has(id));
      return { from, plan: request.direction === 'up' ? graph.planUpgrade(from, request.target) : graph.planDowngrade(from, request.target) };
    };
    let planned;
    try {
      planned = planWith(this.options.graph);
    } catch (error) {
      // a range from or to a revision inside a squashed run: the script runs the originals
      if (!this.canExpand(error)) throw error;
      planned = planWith(this.options.squashes!.originalsGraph);
    }
    const { from, plan } = planned;
    return renderOfflineSql(plan, this.options.source, {
      versionTable: this.versionTable,
      transactionMode: request.transactionMode ?? this.options.transactionMode,
      lock: request.lock,
      headsBefore: from,
      searchPath: this.schema?.searchPathSql,
    });
  }

  /**
   * Runs exactly the given revisions up (or down), nothing else: their parents must be applied (for
   * a downgrade, nothing applied may build on them). The test kit's stairway uses it to step one
   * revision at a time across branches and merges.
   *
   * @example
   * ```ts
   * await runtime.runExactly('up', ['1a2b3c4d5e6f']);
   * await runtime.runExactly('down', ['1a2b3c4d5e6f']);
   * ```
   */
  async runExactly(direction: 'up' | 'down', revisions: readonly string[], options: RunOptions = {}): Promise<MigrationResult> {
    return this.migrate(direction, (heads, graph) => graph.planExactly(heads, direction, revisions), options);
  }

  private async migrate(
    direction: 'up' | 'down',
    target: string | ((heads: readonly string[], graph: RevisionGraph) => MigrationPlan),
    options: RunOptions,
  ): Promise<MigrationResult> {
    const { source, log } = this.options;
    return this.locked(async (channel) => {
      // a recorded history that contradicts the graph is refused here, before anything is planned
      const planIn = (state: AppliedState & { graph: RevisionGraph }) =>
        typeof target === 'function'
          ? target(state.heads, state.graph)
          : direction === 'up'
            ? state.graph.planUpgrade(state.heads, target)
            : state.graph.planDowngrade(state.heads, target);
      let state = await this.readState(channel, true);
      let plan: MigrationPlan;
      try {
        plan = planIn(state);
      } catch (error) {
        // a target inside a squashed run (downgrade into it): plan with its originals
        if (!this.canExpand(error) || state.view?.expanded.length === this.options.squashes!.runs.length) throw error;
        state = await this.readState(channel, true, true);
        plan = planIn(state);
      }
      if (state.view) await recordView(channel, this.versionTable, source, state.view);
      const graph = state.graph;
      const warnings = [...state.warnings, ...plan.warnings];
      for (const warning of plan.warnings) log?.warn?.(warning);
      const paths = new Map(source.scripts.map((s) => [s.id, s.path]));
      const onStart = options.onRevisionStart ?? this.options.onRevisionStart;
      const ran = await runRevisions(channel, {
        direction,
        revisions: plan.revisions,
        source,
        table: this.versionTable,
        transactionMode: options.transactionMode ?? this.options.transactionMode,
        lockRetry: this.lockRetry(),
        onRevisionStart: (id, index, total) => {
          log?.info?.(`Running ${direction === 'up' ? 'upgrade' : 'downgrade'} ${id}${paths.get(id) ? ` (${paths.get(id)})` : ''}`);
          return onStart?.(id, index, total);
        },
        onRevisionDone: options.onRevisionDone ?? this.options.onRevisionDone,
      });
      const after = new Set(state.ids);
      for (const id of plan.revisions) {
        if (direction === 'up') after.add(id);
        else after.delete(id);
      }
      let headsAfter = graph.currentHeads(after);
      if (direction === 'up' && state.view && state.view.expanded.length > 0) {
        // the upgrade ran a squashed run's last originals: record the squashed revision instead, as a new database would
        const done = this.options.squashes!.forRecorded(after);
        if (done.remove.length > 0) {
          await recordView(channel, this.versionTable, source, done);
          headsAfter = done.graph.currentHeads(done.applied);
        }
      }
      return Object.freeze({
        direction,
        ran,
        headsBefore: state.heads,
        headsAfter,
        warnings: Object.freeze(warnings),
      });
    });
  }

  /** Retries of lock waits that timed out (none when the statement lock timeout is off). */
  private lockRetry(): LockRetry | undefined {
    if (this.options.statementLockTimeoutMs === 0) return undefined;
    const attempts = this.options.statementLockAttempts ?? DEFAULT_STATEMENT_LOCK_ATTEMPTS;
    return {
      attempts,
      delayMs: this.options.statementLockRetryDelayMs ?? DEFAULT_STATEMENT_LOCK_RETRY_DELAY_MS,
      onRetry: ({ revision, attempt, delayMs, statement }) =>
        this.options.log?.warn?.(
          `Revision ${revision}: a statement waited longer than lock_timeout for a lock another session holds` +
            `${statement ? ` (${statement.length > 120 ? `${statement.slice(0, 120)}…` : statement})` : ''}; ` +
            `try ${attempt + 1} of ${attempts} in ${(delayMs / 1000).toFixed(1)} s`,
        ),
    };
  }

  /**
   * The applied state, checked against the graph this database sees: with squashed revisions, the
   * view its version table chooses (`expand`: every run with its originals); the rows the view would
   * rewrite are shown rewritten, and `view` says what to write.
   */
  private async readState(channel: PgChannel, writing = false, expand = false): Promise<AppliedState & { graph: RevisionGraph; view?: RecordedView }> {
    const { source, strict, squashes } = this.options;
    let rows = await this.versionTable.read(channel);
    let graph = this.options.graph;
    let view: RecordedView | undefined;
    if (squashes?.hasSquashes) {
      view = squashes.forRecorded(rows.map((r) => r.id), { expand });
      rows = rowsInView(rows, view, source);
      graph = view.graph;
    }
    // a .js compiled from the .ts that was applied, or other line ends, is not an edit
    const state = checkAppliedState(rows, graph, await verifyRecordedChecksums(rows, source), { strict, writing, table: String(this.versionTable) });
    for (const warning of state.warnings) this.options.log?.warn?.(warning);
    return Object.freeze({ ...state, graph, view });
  }

  /** An error planning in the squashed view that planning with a run's originals may not have. */
  private canExpand(error: unknown): boolean {
    const squashes = this.options.squashes;
    return (
      squashes !== undefined &&
      squashes.runs.some((r) => r.originals === 'present') &&
      error instanceof RevisionGraphError &&
      error.code === 'UNKNOWN_REVISION'
    );
  }

  /** Runs `fn` with the view of `rows`, and with every run expanded when `fn` fails in it for want of the originals. */
  private withView<T>(rows: readonly AppliedRevision[], fn: (view: RecordedView) => T): { view: RecordedView; result: T } {
    const squashes = this.options.squashes!;
    let view = squashes.forRecorded(rows.map((r) => r.id));
    try {
      return { view, result: fn(view) };
    } catch (error) {
      if (!this.canExpand(error)) throw error;
      view = squashes.forRecorded(rows.map((r) => r.id), { expand: true });
      return { view, result: fn(view) };
    }
  }

  /** The version table is missing and {@link MigrationRuntimeOptions.historySeed} has history to record. */
  private async historyWaiting(channel: PgChannel): Promise<boolean> {
    return this.options.historySeed !== undefined && (await this.options.historySeed.detect(channel));
  }

  /** A dedicated connection; in a tenant schema, checked to exist and with `search_path` set to it (one round trip). */
  private async connect(): Promise<PgChannel> {
    const channel = await PgChannel.connect(this.options.connection, this.options.applicationName ?? DEFAULT_APPLICATION_NAME);
    if (this.schema === undefined) return channel;
    try {
      await this.schema.enter(channel, this.options.createSchema === true);
    } catch (error) {
      await channel.close();
      throw error;
    }
    return channel;
  }

  private async readOnly<T>(fn: (channel: PgChannel) => Promise<T>): Promise<T> {
    const channel = await this.connect();
    try {
      return await fn(channel);
    } finally {
      await channel.close();
    }
  }

  /** Connect, lock, ensure the version table, run `fn`, unlock and close on every path. */
  private async locked<T>(fn: (channel: PgChannel) => Promise<T>): Promise<T> {
    const table = this.versionTable;
    const channel = await this.connect();
    let locked = false;
    try {
      await acquireAdvisoryLock(channel, table.lockKey, String(table), {
        timeoutMs: this.options.lockTimeoutMs ?? 60_000,
        onWait:
          this.options.onWait ??
          ((info) => this.options.log?.info?.(`Waiting for the migration lock on ${info.lock}, held by ${describeHolders(info.holders)}`)),
      });
      locked = true;
      const statementLockTimeout = this.options.statementLockTimeoutMs ?? DEFAULT_STATEMENT_LOCK_TIMEOUT_MS;
      await channel.query(`set lock_timeout = ${Math.ceil(statementLockTimeout)}`);
      await ensureVersionTable(channel, table, {
        seed: this.options.historySeed,
        context: { graph: this.options.graph, source: this.options.source, table },
        // a one-time event that changes the database: shown even where only warnings are
        log: (message) => (this.options.log?.notice ?? this.options.log?.info ?? this.options.log?.warn)?.(message),
      });
      return await fn(channel);
    } finally {
      if (locked && !channel.broken) {
        try {
          await releaseAdvisoryLock(channel, table.lockKey);
        } catch {
          // closing the connection below releases it anyway
        }
      }
      await channel.close();
    }
  }
}
