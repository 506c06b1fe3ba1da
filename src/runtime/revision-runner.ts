import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import { AlembicError } from '../errors';
import { IrreversibleRevisionError, RevisionStatementError } from '../script/errors';
import type { QueuedStatement, RevisionContext } from '../script/revision-context';
import { revisionFieldOf, type Revision } from '../script/revision';
import { runRevision } from '../script/run-revision';
import { AutocommitInTransactionError, OfflineResultError, RevisionFailedError, RevisionNotInSourceError, type RelationLockHolder } from './errors';
import { findRelationLockHolders } from './relation-locks';
import { knownRevisionChecksum, revisionChecksum } from './revision-checksum';
import type { RevisionSource, RevisionSourceEntry } from './revision-source';
import { StatementBatchError, type SqlChannel } from './sql-channel';
import { isSingleCommand, quoteLiteral } from './sql-text';
import { analyzeStatement } from '../sqlparse/analyze-statement';
import { parseSql } from '../sqlparse/parse-sql';
import type { VersionTable } from './version-table';

/**
 * `per-revision` (default): each revision and its version row commit together, so a failure rolls back
 * only that revision. `all`: the whole run is one transaction (no non-transactional revisions, no
 * autocommit blocks).
 */
export type TransactionMode = 'per-revision' | 'all';

/** How long one revision took. */
export interface RevisionTiming {
  /** The revision id. */
  readonly id: string;
  /** Milliseconds from the start of its `up()`/`down()` to its commit. */
  readonly ms: number;
}

/** Progress callbacks of a run. */
export interface RunProgress {
  /** Before revision `id` (the `index`-th of `total`, from 0) is loaded and run; a returned promise is awaited first. */
  readonly onRevisionStart?: (id: string, index: number, total: number) => unknown;
  /** After revision `id` is committed (in `all` mode: after its statements and version row); a returned promise is awaited before the next. */
  readonly onRevisionDone?: (id: string, ms: number) => unknown;
}

/** What {@link runRevisions} runs. */
export interface RunRevisionsOptions extends RunProgress {
  readonly direction: 'up' | 'down';
  /** Revision ids in run order (a graph plan's `revisions`). */
  readonly revisions: readonly string[];
  readonly source: RevisionSource;
  readonly table: VersionTable;
  readonly transactionMode?: TransactionMode;
  /**
   * Retries of a statement that gave up waiting for a lock (`lock_timeout`, SQLSTATE 55P03): a
   * revision whose transaction was rolled back and of which nothing is committed runs again from its
   * start; a statement outside a transaction runs again alone. Default: no retry.
   */
  readonly lockRetry?: LockRetry;
}

/** How often and how patiently a lock wait that timed out is tried again. */
export interface LockRetry {
  /** Tries in all (the first included), at least 1. */
  readonly attempts: number;
  /** The wait before the second try, in ms; it doubles for each further try (with ±25 % jitter), up to 30 s. */
  readonly delayMs: number;
  /** Called before each wait (the runtime logs it). */
  readonly onRetry?: (info: { revision: string; attempt: number; attempts: number; delayMs: number; statement: string | null }) => void;
}

/** The state of one revision while it runs. */
interface RevisionState {
  /** The statement in flight (kept when it fails). */
  statement: { sql: string; params: readonly unknown[] | undefined } | null;
  /** Statements run in the currently open transaction. */
  inTransaction: number;
  /** Something of this revision is already committed. */
  partial: boolean;
  inAutocommit: boolean;
  /** Whether the revision runs in its own transaction (unknown until it is loaded). */
  ownTransaction: boolean;
  /** The final statement (version row + COMMIT, or the version row alone) is in flight. */
  committing: boolean;
  /** Queued statements held back to go out with the next message (only inside a transaction). */
  pending: string[];
}

/**
 * Runs the revisions of a plan through `channel`, recording each in the version table in the same
 * transaction as its statements (INSERT on up, DELETE on down).
 *
 * - `per-revision`: `BEGIN` → statements → version row → `COMMIT` for each transactional revision; a
 *   non-transactional revision runs its statements and then its version row without a transaction;
 *   `ctx.autocommit` commits what ran so far, runs the block with no transaction, then begins again.
 * - `all`: one `BEGIN` … `COMMIT` around everything; a non-transactional revision is refused before
 *   anything runs and an autocommit block fails the run.
 *
 * On a failure the open transaction is rolled back and a {@link RevisionFailedError} names the
 * revision, its file, the statement and PostgreSQL's message. Online and offline runs share this code,
 * so the offline script has exactly the statements an online run sends.
 *
 * @example
 * ```ts
 * const channel = await PgChannel.connect(url);
 * const ran = await runRevisions(channel, {
 *   direction: 'up',
 *   revisions: graph.planUpgrade(heads, 'head').revisions,
 *   source,
 *   table: new VersionTable(),
 *   onRevisionDone: (id, ms) => console.log(`${id} ${ms.toFixed(0)} ms`),
 * });
 * ```
 */
export async function runRevisions(channel: SqlChannel, options: RunRevisionsOptions): Promise<readonly RevisionTiming[]> {
  const { direction, revisions, source, table } = options;
  const all = options.transactionMode === 'all';
  const entries = new Map<string, RevisionSourceEntry>(source.scripts.map((s) => [s.id, s]));
  const plan = revisions.map((id) => {
    const entry = entries.get(id);
    if (!entry) throw new RevisionNotInSourceError(id);
    if (all && !entry.transactional) throw new AutocommitInTransactionError(id, 'is non-transactional (transactional = false)');
    return entry;
  });

  const done: RevisionTiming[] = [];
  if (all && plan.length > 0) await channel.begin();
  // The next revision's module is loaded (and its file read for the checksum) while the current one's
  // commit is in flight: the CPU work overlaps the server's.
  let next = plan.length > 0 ? prefetch(source, plan[0], direction) : null;
  for (let index = 0; index < plan.length; index++) {
    const entry = plan[index];
    const loaded = next as Prefetched;
    next = null;
    let ms = 0;
    let revisionLoad = loaded.revision;
    const starting = options.onRevisionStart?.(entry.id, index, plan.length);
    if (isThenable(starting)) await starting;
    for (let attempt = 1; ; attempt++) {
      const state = freshState(null);
      try {
        const revision = await revisionLoad;
        // rendered offline on the first instance for the checksum: finished before an instance runs for real
        const checksum = await loaded.checksum();
        const started = performance.now();
        const declared = revisionFieldOf(revision, 'transactional');
        const transactional = typeof declared === 'boolean' ? declared : entry.transactional;
        if (all && !transactional) throw new AutocommitInTransactionError(entry.id, 'is non-transactional (transactional = false)');
        const own = !all && transactional;
        state.ownTransaction = own;
        if (own) await channel.begin();
        await runRevision(revision, direction, contextFor(channel, entry.id, direction, state, own, all, options.lockRetry));

        const versionSql =
          direction === 'up'
            ? table.insertSql({
                id: entry.id,
                checksum,
                fileName: fileNameOf(entry),
                durationMs: channel.offline ? null : performance.now() - started,
              })
            : table.deleteSql(entry.id);
        // the deferred statements, the version row and (own transaction) COMMIT: one message
        const statements = state.pending;
        state.pending = [];
        statements.push(versionSql);
        const sent = send(channel, statements, own ? 'commit' : 'batch', statements.length - 1, entry.id, direction, state);
        if (index + 1 < plan.length && next === null) next = prefetch(source, plan[index + 1], direction);
        await sent;
        ms = performance.now() - started;
        break;
      } catch (error) {
        const retry = options.lockRetry;
        // a lock wait that timed out, and nothing of the revision committed: roll back, wait, run it again
        if (retry && attempt < retry.attempts && !all && !channel.offline && !channel.broken && !state.partial && !state.committing && isLockTimeout(error)) {
          try {
            await channel.rollback();
          } catch {
            // reported by the next try
          }
          const delayMs = retryDelay(retry, attempt);
          retry.onRetry?.({ revision: entry.id, attempt, attempts: retry.attempts, delayMs, statement: state.statement?.sql ?? null });
          await sleep(delayMs);
          revisionLoad = source.load(entry.id);
          continue;
        }
        throw await failed(channel, error, entry, direction, state, all, done, attempt);
      }
    }
    done.push(Object.freeze({ id: entry.id, ms }));
    const doneHook = options.onRevisionDone?.(entry.id, ms);
    if (isThenable(doneHook)) await doneHook;
  }
  if (all && plan.length > 0) {
    const last = plan[plan.length - 1];
    const state = freshState('COMMIT');
    state.ownTransaction = false;
    state.committing = true;
    try {
      await channel.commit();
    } catch (error) {
      throw await failed(channel, error, last, direction, state, all, done);
    }
  }
  return Object.freeze(done);
}

/** A revision being loaded ahead of its turn, and its checksum (upgrades only). */
interface Prefetched {
  readonly revision: Promise<Revision>;
  checksum(): Promise<string>;
}

/**
 * Starts loading `entry` (the synchronous `require` runs now) and, for an upgrade, its checksum (the
 * file read, and the instance rendered offline for the behaviour part); errors wait for `await`.
 */
function prefetch(source: RevisionSource, entry: RevisionSourceEntry, direction: 'up' | 'down'): Prefetched {
  const revision = source.load(entry.id);
  revision.catch(() => undefined); // reported when its turn comes, not as an unhandled rejection
  // the behaviour part is rendered on this same instance (rendering starts a fresh session on it)
  const checksum =
    direction === 'up'
      ? revision.then((instance) => knownRevisionChecksum(source, entry.id, instance) ?? revisionChecksum(source, entry.id, instance))
      : Promise.resolve('');
  checksum.catch(() => undefined);
  return { revision, checksum: () => checksum };
}

/**
 * Sends `statements` as one message (`commit`: then commits), and when one fails records which in
 * `state`: the first `own` statements are the revision's (their failure becomes a
 * `RevisionStatementError` naming it), the rest are the runner's (version row; `COMMIT`).
 */
async function send(
  channel: SqlChannel,
  statements: readonly string[],
  mode: 'batch' | 'commit',
  own: number,
  id: string,
  direction: 'up' | 'down',
  state: RevisionState,
): Promise<Record<string, unknown>[]> {
  state.statement = { sql: statements[statements.length - 1] ?? 'COMMIT', params: undefined };
  state.committing = mode === 'commit';
  try {
    const rows = mode === 'commit' ? (await channel.commit(statements), []) : await channel.batch(statements);
    state.statement = null;
    state.committing = false;
    state.inTransaction += own;
    return rows;
  } catch (error) {
    if (!(error instanceof StatementBatchError)) throw error;
    const failing = statements[error.index];
    state.statement = { sql: failing ?? 'COMMIT', params: undefined };
    // Only a COMMIT in flight may or may not have committed (a failure before it certainly did not),
    // or, with no transaction, the runner's own version row.
    state.committing = mode === 'commit' ? error.index === statements.length : !channel.inTransaction && error.index >= own;
    if (error.index < own) throw new RevisionStatementError(id, direction, failing, undefined, error.cause);
    throw error.cause;
  }
}

/** Whether a hook returned something to wait for (awaiting anything else would only cost a turn). */
function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

function freshState(statement: string | null): RevisionState {
  return {
    statement: statement === null ? null : { sql: statement, params: undefined },
    inTransaction: 0,
    partial: false,
    inAutocommit: false,
    ownTransaction: true,
    committing: false,
    pending: [],
  };
}

/** The file name recorded in the version table (basename of the path). */
function fileNameOf(entry: RevisionSourceEntry): string | null {
  return entry.path === null ? null : basename(entry.path);
}

function contextFor(
  channel: SqlChannel,
  id: string,
  direction: 'up' | 'down',
  state: RevisionState,
  own: boolean,
  all: boolean,
  lockRetry?: LockRetry,
): RevisionContext {
  /** Runs one statement now, after the deferred ones (in the same message when it has no params). */
  const run = async (sql: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]> => {
    const literal = params === undefined || params.length === 0;
    if (state.pending.length > 0) {
      const statements = state.pending.splice(0);
      if (literal) {
        statements.push(sql);
        const rows = await send(channel, statements, 'batch', statements.length, id, direction, state);
        return channel.offline ? offlineRows(id, sql) : rows;
      }
      await send(channel, statements, 'batch', statements.length, id, direction, state);
    }
    state.statement = { sql, params };
    const rows = channel.inTransaction || channel.offline ? await channel.query(sql, params) : await runAlone(channel, id, sql, params, lockRetry);
    state.statement = null;
    if (channel.inTransaction) state.inTransaction += 1;
    else state.partial = true;
    return channel.offline ? offlineRows(id, sql) : rows;
  };
  return {
    offline: channel.offline,
    query: run,
    async queued(statements: readonly QueuedStatement[]): Promise<void> {
      for (const { sql, params } of statements) {
        // Inside a transaction a single literal command waits for the next message (at the latest the
        // COMMIT's). Outside one it runs alone: a multi-statement message would be an implicit transaction.
        if (channel.inTransaction && (params === undefined || params.length === 0) && isSingleCommand(sql)) {
          state.pending.push(sql);
          continue;
        }
        try {
          await run(sql, params);
        } catch (error) {
          if (error instanceof RevisionStatementError) throw error;
          throw new RevisionStatementError(id, direction, sql, params, error);
        }
      }
    },
    async autocommit<T>(fn: () => Promise<T>): Promise<T> {
      if (all) throw new AutocommitInTransactionError(id, 'opened an autocommit block (outsideTransaction)');
      if (state.inAutocommit || !own) return fn();
      if (channel.inTransaction) {
        const statements = state.pending.splice(0);
        await send(channel, statements, 'commit', statements.length, id, direction, state);
        if (state.inTransaction > 0) state.partial = true;
        state.inTransaction = 0;
      }
      state.inAutocommit = true;
      try {
        return await fn();
      } finally {
        state.inAutocommit = false;
        await channel.begin();
      }
    },
  };
}

/** Whether `error` (or a cause of it) is a revision's irreversible `down()`. */
function isIrreversible(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e !== null && e !== undefined && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof IrreversibleRevisionError) return true;
  }
  return false;
}

/** Offline there are no rows: an empty array that throws a typed error when the revision reads it. */
function offlineRows(id: string, sql: string): Record<string, unknown>[] {
  return new Proxy([] as Record<string, unknown>[], {
    get(target, property, receiver) {
      if (property === 'then') return undefined;
      if (property === Symbol.toPrimitive || property === 'toJSON') return Reflect.get(target, property, receiver);
      throw new OfflineResultError(id, sql);
    },
  });
}

/** Rolls back what is open and builds the error that names the revision. */
async function failed(
  channel: SqlChannel,
  error: unknown,
  entry: RevisionSourceEntry,
  direction: 'up' | 'down',
  state: RevisionState,
  all: boolean,
  done: readonly RevisionTiming[],
  attempts = 1,
): Promise<RevisionFailedError> {
  if (error instanceof RevisionFailedError) return error;
  try {
    await channel.rollback();
  } catch {
    // the connection is gone: PostgreSQL rolled back on its side
  }
  const pg = findPgError(error);
  const connectionLost = channel.broken || isConnectionLoss(pg ?? error);
  const record = direction === 'up' ? 'it is not recorded as applied' : 'it is still recorded as applied';
  // what became of the revisions this run already went through: applied and recorded (up), or
  // reverted and no longer recorded (down)
  const ids = done.map((d) => d.id).join(', ');
  const earlier =
    done.length === 0
      ? ''
      : direction === 'up'
        ? `; the ${done.length} revision(s) before it in this run (${ids}) stay applied and recorded`
        : `; the ${done.length} revision(s) downgraded before it in this run (${ids}) stay downgraded: reverted, and no longer recorded`;
  const irreversible = direction === 'down' && isIrreversible(error);
  let rolledBack: string;
  if (channel.offline) rolledBack = 'no SQL script was produced';
  else if (connectionLost && state.committing) {
    rolledBack =
      `the connection was lost while ${all ? 'the run' : `revision ${entry.id}`} was being committed: PostgreSQL may or may not ` +
      'have committed it; check the version table (current) before running again';
  } else if (connectionLost) {
    rolledBack = all
      ? `PostgreSQL rolled back the open transaction: ${direction === 'up' ? 'none of the run is applied' : 'nothing of the run was downgraded; every revision is still applied and recorded'}`
      : `PostgreSQL rolled back ${state.ownTransaction ? `revision ${entry.id}'s open transaction` : 'the statement in flight'}; ` +
        record +
        earlier;
  } else if (all) {
    rolledBack =
      direction === 'up'
        ? `the whole run was rolled back: none of its ${done.length + 1} revision(s) is applied`
        : `the whole run was rolled back: none of its ${done.length + 1} revision(s) was downgraded; all are still applied and recorded`;
  } else if (irreversible) {
    rolledBack = `nothing of revision ${entry.id} was downgraded (its down() is irreversible): it is still applied and recorded${earlier}`;
  } else {
    rolledBack =
      (state.ownTransaction
        ? `revision ${entry.id} was rolled back; ${record}`
        : `revision ${entry.id} ran without a transaction: statements before the failing one ${direction === 'up' ? 'stay applied' : 'took effect'}; ${record}`) +
      earlier;
  }
  const lockTimeout = pg?.code === LOCK_NOT_AVAILABLE && !channel.offline && !connectionLost ? await lockTimeoutReport(channel) : undefined;
  return new RevisionFailedError({
    revision: entry.id,
    file: entry.path,
    direction,
    statement: state.statement?.sql ?? null,
    pgCode: pg?.code ?? null,
    pgMessage: pg ? describePgError(pg) : messageOf(error),
    connectionLost,
    partiallyApplied: !all && state.partial,
    completed: all ? [] : done.map((d) => d.id),
    rolledBack,
    lockTimeout: lockTimeout && { ...lockTimeout, attempts },
    cause: error,
  });
}

function isLockTimeout(error: unknown): boolean {
  return findPgError(error)?.code === LOCK_NOT_AVAILABLE;
}

/** The wait before try `attempt + 1`: `delayMs` doubled per try, ±25 % jitter, at most 30 s. */
function retryDelay(retry: LockRetry, attempt: number): number {
  const base = Math.min(retry.delayMs * 2 ** (attempt - 1), 30_000);
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A statement outside any transaction (an `outsideTransaction` block, a non-transactional revision).
 * A `concurrently` statement runs without `lock_timeout`: it never makes writers wait, and a timeout
 * would cancel a build that waits for older transactions and leave an INVALID index behind. Any other
 * statement that times out waiting for a lock left nothing behind and is tried again alone.
 */
async function runAlone(
  channel: SqlChannel,
  id: string,
  sql: string,
  params: readonly unknown[] | undefined,
  retry: LockRetry | undefined,
): Promise<Record<string, unknown>[]> {
  if (await isConcurrentStatement(sql)) {
    const [row] = await channel.query('show lock_timeout');
    const saved = typeof row?.lock_timeout === 'string' ? row.lock_timeout : '0';
    if (saved === '0') return channel.query(sql, params);
    await channel.query('set lock_timeout = 0');
    try {
      return await channel.query(sql, params);
    } finally {
      if (!channel.broken) await channel.query(`set lock_timeout = ${quoteLiteral(saved)}`);
    }
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await channel.query(sql, params);
    } catch (error) {
      if (!retry || attempt >= retry.attempts || channel.broken || !isLockTimeout(error)) throw error;
      const delayMs = retryDelay(retry, attempt);
      retry.onRetry?.({ revision: id, attempt, attempts: retry.attempts, delayMs, statement: sql });
      await sleep(delayMs);
    }
  }
}

/** Whether PostgreSQL's parser reads `sql` as a `CONCURRENTLY` statement (an unparsable text is not). */
async function isConcurrentStatement(sql: string): Promise<boolean> {
  try {
    return (await parseSql(sql)).some((s) => analyzeStatement(s).concurrent);
  } catch {
    return false;
  }
}

/** SQLSTATE of a statement that gave up waiting for a lock (`lock_timeout`, `NOWAIT`). */
const LOCK_NOT_AVAILABLE = '55P03';

/** After a lock timeout (the transaction is rolled back): the session's `lock_timeout` and who holds table locks. */
async function lockTimeoutReport(channel: SqlChannel): Promise<{ setting: string | null; holders: readonly RelationLockHolder[] } | undefined> {
  try {
    const [row] = await channel.query('show lock_timeout');
    const setting = typeof row?.lock_timeout === 'string' && row.lock_timeout !== '0' ? row.lock_timeout : null;
    return { setting, holders: await findRelationLockHolders(channel) };
  } catch {
    return undefined; // the report is a courtesy: never hide the revision's own error behind it
  }
}

/** The fields of pg's `DatabaseError` we use. */
interface PgError extends Error {
  code: string;
  detail?: string;
  hint?: string;
  where?: string;
}

function findPgError(error: unknown): PgError | null {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (!(current instanceof AlembicError) && typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return current as PgError;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

function describePgError(e: PgError): string {
  const extra = [e.detail ? `DETAIL: ${e.detail}` : '', e.hint ? `HINT: ${e.hint}` : ''].filter(Boolean);
  return extra.length > 0 ? `${e.message} (${extra.join('; ')})` : e.message;
}

function messageOf(error: unknown): string {
  let current: unknown = error;
  // a statement error of the script layer only wraps the driver's error: show the driver's message
  while (current instanceof AlembicError && current.code === 'REVISION_STATEMENT_FAILED' && current.cause instanceof Error) {
    current = current.cause;
  }
  return current instanceof Error ? current.message : String(current);
}

function isConnectionLoss(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (/^57P0[123]$/.test(code) || /^08/.test(code) || /^E(CONNRESET|PIPE|CONNREFUSED)$/.test(code))) {
    return true;
  }
  return /Connection terminated|connection (is )?closed|Client has encountered a connection error/i.test(messageOf(error));
}
