/**
 * PostgreSQL's table-level lock modes, weakest first (the names of `pg_locks.mode`).
 */
export const LOCK_MODES = Object.freeze([
  'AccessShareLock',
  'RowShareLock',
  'RowExclusiveLock',
  'ShareUpdateExclusiveLock',
  'ShareLock',
  'ShareRowExclusiveLock',
  'ExclusiveLock',
  'AccessExclusiveLock',
] as const);

/** One of {@link LOCK_MODES}. */
export type LockMode = (typeof LOCK_MODES)[number];

/** PostgreSQL's conflict table (docs: "Conflicting Lock Modes"), by index in {@link LOCK_MODES}. */
const CONFLICTS: readonly (readonly number[])[] = [
  [7],
  [6, 7],
  [4, 5, 6, 7],
  [3, 4, 5, 6, 7],
  [2, 3, 5, 6, 7],
  [2, 3, 4, 5, 6, 7],
  [1, 2, 3, 4, 5, 6, 7],
  [0, 1, 2, 3, 4, 5, 6, 7],
];

/**
 * Whether two lock modes conflict (one waits for the other).
 *
 * @example
 * ```ts
 * lockConflicts('ShareLock', 'RowExclusiveLock'); // true: CREATE INDEX blocks INSERT
 * lockConflicts('ShareUpdateExclusiveLock', 'RowExclusiveLock'); // false: CREATE INDEX CONCURRENTLY does not
 * ```
 */
export function lockConflicts(a: LockMode, b: LockMode): boolean {
  return CONFLICTS[LOCK_MODES.indexOf(a)].includes(LOCK_MODES.indexOf(b));
}

/**
 * Whether a lock mode makes `INSERT`/`UPDATE`/`DELETE` on the relation wait (conflicts with `RowExclusiveLock`).
 *
 * @example
 * ```ts
 * blocksWrites('ShareRowExclusiveLock'); // true
 * ```
 */
export function blocksWrites(mode: LockMode): boolean {
  return lockConflicts(mode, 'RowExclusiveLock');
}

/**
 * Whether a lock mode makes plain `SELECT`s on the relation wait (only `AccessExclusiveLock`).
 *
 * @example
 * ```ts
 * blocksReads('AccessExclusiveLock'); // true
 * ```
 */
export function blocksReads(mode: LockMode): boolean {
  return lockConflicts(mode, 'AccessShareLock');
}

/**
 * The stronger of two modes (in PostgreSQL's order).
 *
 * @example
 * ```ts
 * strongerLock('ShareLock', 'AccessExclusiveLock'); // 'AccessExclusiveLock'
 * ```
 */
export function strongerLock(a: LockMode, b: LockMode): LockMode {
  return LOCK_MODES.indexOf(a) >= LOCK_MODES.indexOf(b) ? a : b;
}
