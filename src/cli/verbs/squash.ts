import { AlembicError } from '../../errors';
import { CliUsageError } from '../errors';
import { openProject, type VerbContext } from '../verb-context';

/** Options of `squash`. */
export interface SquashVerbOptions {
  readonly message?: string;
  readonly revId?: string;
  /** Report where the database stands relative to each squashed run instead of writing one. */
  readonly status?: boolean;
  readonly json?: boolean;
}

/**
 * `squash <from>:<to> -m <message>`: writes one revision replacing the linear run from `from` to `to`
 * (both included; see docs/squash.md). `squash --status`: for each squashed revision whose originals
 * are still in the folder, where the database stands (before the run, inside it, at or past its end);
 * exits 1 (`SQUASH_ORIGINALS_NEEDED`) when it is inside one, since its originals cannot be deleted yet.
 *
 * @example
 * ```ts
 * await squash(ctx, '0c96:555d', { message: 'squash the first revisions' });
 * await squash(ctx, undefined, { status: true });
 * ```
 */
export async function squash(ctx: VerbContext, range: string | undefined, options: SquashVerbOptions): Promise<void> {
  if (options.status) return status(ctx, options);
  if (range === undefined) throw new CliUsageError('squash needs a range <from>:<to> (or --status)');
  if (options.message === undefined || options.message.trim() === '') throw new CliUsageError('squash needs a message: -m "..."');
  const project = await openProject(ctx, 'offline', { writing: true });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { squashRevisions } = require('../../squash/squash-revisions') as typeof import('../../squash/squash-revisions');
  const written = await squashRevisions({
    directory: project.writeFolder,
    scripts: project.scripts,
    squashes: project.squashes,
    source: project.loadableSource(),
    range,
    message: options.message,
    revId: options.revId,
    importFrom: project.options.importFrom,
  });
  const c = ctx.output.color;
  ctx.output.line(
    `Created squashed revision ${c.yellow(written.id)} replacing ${written.replaces.length} revisions ` +
      `(${written.replaces[0]} … ${written.replaces[written.replaces.length - 1]}; ${written.statements.up} statements up, ${written.statements.down} down): ${project.shown(written.path)}`,
  );
  ctx.output.line('Keep the originals until every deployed database is before the run or past it (`squash --status` on each); see docs/squash.md');
}

async function status(ctx: VerbContext, options: SquashVerbOptions): Promise<void> {
  const project = await openProject(ctx, 'database');
  const catalog = project.squashes;
  const rows = await project.runtime().appliedRevisions();
  const ids = rows.map((r) => r.id);
  const report = catalog.runs
    .filter((run) => run.originals === 'present')
    .map((run) => ({ squash: run.id, replaces: run.replaces.length, ...catalog.position(run.id, ids) }));
  const inside = report.filter((r) => r.state === 'inside');
  if (options.json) ctx.output.json({ runs: report, originalsDeletable: inside.length === 0 });
  else if (report.length === 0) ctx.output.line('No squashed revision has its originals in the folder');
  else {
    ctx.output.lines(
      report.map((r) =>
        r.state === 'inside'
          ? `${r.squash}: INSIDE the run (at ${r.last}, ${r.recorded} of ${r.replaces} applied): keep its originals until this database is upgraded past ${r.squash}`
          : `${r.squash}: ${r.state === 'done' ? 'at or past the end of the run' : 'before the run'}: its originals can be deleted as far as this database is concerned`,
      ),
    );
  }
  if (inside.length > 0) {
    // exit 1: the report is printed, then why
    throw new AlembicError(
      'SQUASH_ORIGINALS_NEEDED',
      `the database is inside the run of ${inside.map((r) => r.squash).join(', ')}: do not delete ${inside.length > 1 ? 'their' : 'its'} original revisions yet (upgrade it past the run first)`,
    );
  }
}
