import { RevisionNotRunningError } from './errors';
import { RUN_REVISION, Revision, revisionFieldOf } from './revision';
import type { RevisionContext } from './revision-context';

/**
 * Runs a revision's `up()` or `down()` against a context: the statements it queues with `addSql()`
 * go through `ctx.query` in order, `execute()` runs through `ctx.query` at once, and
 * `outsideTransaction()` blocks through `ctx.autocommit`. The runtime calls this inside the
 * revision's transaction (or with none, for a non-transactional revision).
 *
 * Errors: a failing statement → `RevisionStatementError` (revision id, SQL, driver error as `cause`);
 * `down()` not implemented → `IrreversibleRevisionError`; anything else `up()`/`down()` throws
 * passes through unchanged. Statements still queued when an error is thrown do not run.
 *
 * @example
 * ```ts
 * import { loadRevision, runRevision, ScriptDirectory } from 'mikro-orm-alembic';
 *
 * const scripts = ScriptDirectory.read({ path: 'migrations' });
 * const revision = loadRevision(scripts.get('1a2b3c4d5e6f')!);
 * const ran: string[] = [];
 * await runRevision(revision, 'up', {
 *   offline: true,
 *   query: async (sql) => (ran.push(sql), []),
 *   autocommit: async (fn) => fn(),
 * });
 * ```
 */
export async function runRevision(instance: Revision, direction: 'up' | 'down', ctx: RevisionContext): Promise<void> {
  const run: unknown = (instance as unknown as Record<symbol, unknown>)[RUN_REVISION];
  if (typeof run !== 'function') {
    const id = revisionFieldOf(instance, 'revision');
    throw new RevisionNotRunningError(String(id), 'is not a Revision (it does not extend Revision from mikro-orm-alembic), so it cannot run');
  }
  await (run as Revision[typeof RUN_REVISION]).call(instance, direction, ctx);
}
