import type { RelationLockHolder } from './errors';
import type { Queryable } from './version-table';

/** Most holders listed in a message. */
const MAX_HOLDERS = 10;

/**
 * The other sessions that hold locks on tables (and indexes, sequences, views) of the current database,
 * oldest transaction first, from `pg_locks` joined with `pg_stat_activity`. System catalogs are left
 * out. The runner calls it when a revision's statement gave up waiting for a lock (`lock_timeout`,
 * SQLSTATE 55P03), so the error can say which transaction was in the way.
 *
 * Fields that the role may not see in `pg_stat_activity` (another role's query, without
 * `pg_read_all_stats`) are `null`.
 *
 * @example
 * ```ts
 * for (const h of await findRelationLockHolders(channel)) console.log(h.pid, h.applicationName, h.locks.join(', '));
 * // 4242 'report-job' [ 'AccessShareLock on public.widget' ]
 * ```
 */
export async function findRelationLockHolders(db: Queryable): Promise<RelationLockHolder[]> {
  const rows = await db.query(
    'select l.pid, a.application_name, a.state, ' +
      'floor(extract(epoch from (clock_timestamp() - a.xact_start)) * 1000)::float8 as xact_ms, ' +
      'left(a.query, 500) as query, ' +
      "array_agg(distinct l.mode || ' on ' || l.relation::regclass::text) as locks " +
      'from pg_locks l left join pg_stat_activity a on a.pid = l.pid ' +
      "where l.locktype = 'relation' and l.granted and l.relation >= 16384 " +
      'and l.database = (select oid from pg_database where datname = current_database()) ' +
      'and l.pid <> pg_backend_pid() ' +
      'group by l.pid, a.application_name, a.state, a.xact_start, a.query ' +
      `order by a.xact_start nulls last, l.pid limit ${MAX_HOLDERS}`,
  );
  return rows.map((r) =>
    Object.freeze({
      pid: Number(r.pid),
      applicationName: nonEmpty(r.application_name),
      state: nonEmpty(r.state),
      transactionMs: r.xact_ms === null || r.xact_ms === undefined ? null : Number(r.xact_ms),
      query: nonEmpty(r.query),
      locks: Object.freeze(toStrings(r.locks).sort()),
    }),
  );
}

/** `array_agg` of text comes back as an array from pg, or as `{a,b}` text from other drivers. */
function toStrings(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string') return value.replace(/^\{|\}$/g, '').split(',').map((s) => s.replace(/^"|"$/g, ''));
  return [];
}

function nonEmpty(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}
