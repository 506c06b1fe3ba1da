import { LockTimeoutError, LockWaitInterruptedError, type LockHolder } from './errors';
import type { Queryable } from './version-table';

/** What `onWait` is told when the lock is held by someone else. */
export interface LockWaitInfo {
  /** A readable name of what is locked (the version table). */
  readonly lock: string;
  /** The advisory lock key (signed 64-bit). */
  readonly key: bigint;
  /** The sessions holding it (pid, application_name where visible). */
  readonly holders: readonly LockHolder[];
  /** How long we will wait, in milliseconds (`Infinity`: forever). */
  readonly timeoutMs: number;
}

/** How to take the lock. */
export interface AdvisoryLockOptions {
  /** Milliseconds to wait for the lock; `0` fails at once if it is held, `Infinity` waits forever. */
  readonly timeoutMs: number;
  /** Called once when the lock is held by someone else, before waiting. */
  readonly onWait?: (info: LockWaitInfo) => void;
}

/** PostgreSQL's `lock_timeout` is an int in milliseconds. */
const MAX_LOCK_TIMEOUT_MS = 2_147_483_647;

/**
 * Takes the session-level advisory lock `key` on `db` (a dedicated connection), waiting at most
 * `timeoutMs`. It first tries `pg_try_advisory_lock`; if the lock is held it reports the holders through
 * `onWait`, then blocks in `pg_advisory_lock` under `lock_timeout`, so it gets the lock the moment it is
 * released and gives up cleanly (with {@link LockTimeoutError} naming the holder) when the time is up.
 *
 * The lock is held until {@link releaseAdvisoryLock} or until the connection closes (PostgreSQL also
 * releases it when the process dies).
 *
 * @example
 * ```ts
 * await acquireAdvisoryLock(channel, table.lockKey, String(table), {
 *   timeoutMs: 30_000,
 *   onWait: ({ holders }) => console.log(`waiting for ${holders.map((h) => h.pid).join(', ')}`),
 * });
 * ```
 */
export async function acquireAdvisoryLock(
  db: Queryable,
  key: bigint,
  lockName: string,
  options: AdvisoryLockOptions,
): Promise<void> {
  const [first] = await db.query('select pg_try_advisory_lock($1::bigint) as locked', [key.toString()]);
  if (first?.locked === true) return;

  const started = Date.now();
  const holders = await findLockHolders(db, key);
  if (!(options.timeoutMs > 0)) throw new LockTimeoutError(lockName, 0, holders);
  options.onWait?.(Object.freeze({ lock: lockName, key, holders, timeoutMs: options.timeoutMs }));

  const timeout = Number.isFinite(options.timeoutMs)
    ? Math.max(1, Math.min(MAX_LOCK_TIMEOUT_MS, Math.ceil(options.timeoutMs - (Date.now() - started))))
    : 0;
  await db.query(`set lock_timeout = ${timeout}`);
  try {
    await db.query('select pg_advisory_lock($1::bigint)', [key.toString()]);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    // 55P03 lock_not_available (lock_timeout); 57014 query_canceled (a statement_timeout that came first)
    if (code === '55P03' || code === '57014') {
      throw new LockTimeoutError(lockName, Date.now() - started, await findLockHolders(db, key));
    }
    // the connection died while waiting (pg_terminate_backend 57P01, a restart 57P02/57P03, the network:
    // 08xxx or no SQLSTATE at all): say so, and that nothing ran
    if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code) || code.startsWith('57P') || code.startsWith('08')) {
      throw new LockWaitInterruptedError(lockName, holders, Date.now() - started, e);
    }
    throw e;
  } finally {
    await db.query('reset lock_timeout').catch(() => undefined);
  }
}

/**
 * Releases the session-level advisory lock `key`. Returns whether it was held.
 *
 * @example
 * ```ts
 * await releaseAdvisoryLock(channel, table.lockKey);
 * ```
 */
export async function releaseAdvisoryLock(db: Queryable, key: bigint): Promise<boolean> {
  const [row] = await db.query('select pg_advisory_unlock($1::bigint) as released', [key.toString()]);
  return row?.released === true;
}

/**
 * The sessions holding advisory lock `key` in the current database, from `pg_locks` joined with
 * `pg_stat_activity` (application_name is `null` where the role may not see it).
 *
 * @example
 * ```ts
 * const holders = await findLockHolders(channel, table.lockKey);
 * ```
 */
export async function findLockHolders(db: Queryable, key: bigint): Promise<LockHolder[]> {
  const unsigned = BigInt.asUintN(64, key);
  const classid = (unsigned >> 32n).toString();
  const objid = (unsigned & 0xffffffffn).toString();
  const rows = await db.query(
    'select l.pid, a.application_name, a.usename, a.client_addr::text as client_addr, a.backend_start ' +
      'from pg_locks l left join pg_stat_activity a on a.pid = l.pid ' +
      "where l.locktype = 'advisory' and l.granted and l.objsubid = 1 " +
      'and l.database = (select oid from pg_database where datname = current_database()) ' +
      'and l.classid = $1::oid and l.objid = $2::oid and l.pid <> pg_backend_pid() ' +
      'order by l.pid',
    [classid, objid],
  );
  return rows.map((r) =>
    Object.freeze({
      pid: Number(r.pid),
      applicationName: nonEmpty(r.application_name),
      userName: nonEmpty(r.usename),
      clientAddress: nonEmpty(r.client_addr),
      backendStart: r.backend_start instanceof Date ? r.backend_start : null,
    }),
  );
}

function nonEmpty(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}
