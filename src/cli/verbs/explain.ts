import type { PreviewStatement } from '../../explain/lock-preview';
import type { CliProject } from '../cli-project';
import type { VerbContext } from '../verb-context';

/**
 * `upgrade --explain` / `downgrade --explain` / `show --explain`: for each statement of `revisions`,
 * the lock it takes on which relation, whether writers (or readers) wait, whether it scans or
 * rewrites, and, from the live database when a connection is configured, each relation's row estimate
 * and size. Nothing runs; the database is only read.
 *
 * @example
 * ```ts
 * await explainRevisions(ctx, project, ['ae1027a6acf2'], 'up');
 * ```
 */
export async function explainRevisions(
  ctx: VerbContext,
  project: CliProject,
  revisions: readonly string[],
  direction: 'up' | 'down',
  options: { json?: boolean; title?: string } = {},
): Promise<void> {
  const source = project.loadableSource();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { previewLocks, formatLockPreview } = require('../../explain/lock-preview') as typeof import('../../explain/lock-preview');
  let statements: PreviewStatement[];
  if (project.connection === null) {
    statements = await previewLocks(source, revisions, { direction, versionTable: project.options.versionTable });
  } else {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { PgChannel } = require('../../runtime/pg-channel') as typeof import('../../runtime/pg-channel');
    const channel = await PgChannel.connect(project.connection);
    try {
      statements = await previewLocks(source, revisions, { direction, versionTable: project.options.versionTable, db: channel });
    } finally {
      await channel.close();
    }
  }
  if (options.json) return ctx.output.json({ revisions, statements });
  if (options.title) ctx.output.line(options.title);
  if (statements.length === 0) ctx.output.line(revisions.length === 0 ? 'Nothing to run.' : 'No statements.');
  else ctx.output.lines(formatLockPreview(statements));
  if (project.connection === null) ctx.output.line('(no database configured: relation sizes are not shown)');
}
