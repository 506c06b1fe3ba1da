import type { MigrationPlan } from '../graph/types';
import { OfflineChannel } from './offline-channel';
import { runRevisions, type TransactionMode } from './revision-runner';
import type { RevisionSource } from './revision-source';
import { VersionTable, type VersionTableOptions } from './version-table';

/** Options of {@link renderOfflineSql}. */
export interface OfflineSqlOptions {
  /** The version table (a {@link VersionTable} or its options). Default `public.mikro_orm_alembic_version`. */
  readonly versionTable?: VersionTable | VersionTableOptions;
  /** Default `per-revision`: `BEGIN;` … `COMMIT;` around each revision. `all`: one around everything. */
  readonly transactionMode?: TransactionMode;
  /**
   * Take the migration advisory lock at the top of the script (in a `DO` block, no output) and release
   * it at the end, so the script never runs alongside an online upgrade. Default `true`.
   */
  readonly lock?: boolean;
  /** Heads before the plan, for the header comment only. */
  readonly headsBefore?: readonly string[];
  /** Schema-per-tenant: the `set search_path` statement the script runs first (after the lock). */
  readonly searchPath?: string;
}

/**
 * Renders a plan as one complete SQL script, without connecting to any database: the version table's
 * creation (`if not exists`), then for each revision `BEGIN;`, its statements (parameters inlined as
 * quoted literals), its version-table `INSERT` (up) or `DELETE` (down), `COMMIT;`. An autocommit block
 * appears as `COMMIT;` … `BEGIN;`; a non-transactional revision has no `BEGIN;`/`COMMIT;`.
 *
 * Each revision runs against an offline context (`ctx.offline` is true); using a query's rows offline
 * fails with a typed error naming the revision. Ranges (`from:to`) are the caller's business: plan from
 * `from`'s heads and pass the plan.
 *
 * @example
 * ```ts
 * const plan = graph.planUpgrade([], 'head');
 * const sql = await renderOfflineSql(plan, source, { versionTable: { schema: 'public' } });
 * writeFileSync('upgrade.sql', sql); // psql -v ON_ERROR_STOP=1 -f upgrade.sql
 * ```
 */
export async function renderOfflineSql(plan: MigrationPlan, source: RevisionSource, options: OfflineSqlOptions = {}): Promise<string> {
  const table = options.versionTable instanceof VersionTable ? options.versionTable : new VersionTable(options.versionTable);
  const channel = new OfflineChannel();
  const messages = new Map(source.scripts.map((s) => [s.id, s]));
  const action = plan.direction === 'up' ? 'upgrade' : 'downgrade';

  channel.comment(`mikro-orm-alembic offline SQL: ${action} of ${plan.revisions.length} revision(s)`);
  if (options.headsBefore) channel.comment(`heads before: ${listOrBase(options.headsBefore)}`);
  channel.comment(`heads after:  ${listOrBase(plan.headsAfter)}`);
  for (const warning of plan.warnings) channel.comment(`warning: ${warning}`);
  channel.blank();

  const lock = options.lock ?? true;
  if (lock) {
    await channel.query(`DO $$ BEGIN PERFORM pg_advisory_lock(${table.lockKey}); END $$`);
  }
  if (options.searchPath !== undefined) await channel.query(options.searchPath);
  await channel.query(table.createSchemaSql());
  await channel.query(table.createTableSql());

  await runRevisions(channel, {
    direction: plan.direction,
    revisions: plan.revisions,
    source,
    table,
    transactionMode: options.transactionMode,
    onRevisionStart: (id) => {
      const entry = messages.get(id);
      channel.blank();
      channel.comment(`Running ${action} ${id}${entry?.path ? ` (${entry.path})` : ''}${entry?.message ? `: ${entry.message}` : ''}`);
    },
  });

  if (lock) {
    channel.blank();
    await channel.query(`DO $$ BEGIN PERFORM pg_advisory_unlock(${table.lockKey}); END $$`);
  }
  return channel.text();
}

function listOrBase(ids: readonly string[]): string {
  return ids.length === 0 ? '(base)' : ids.join(', ');
}
