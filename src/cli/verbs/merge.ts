import { isValidRevisionId } from '../../script/revision-id';
import { writeMerge } from '../../script/revision-writer';
import { CliUsageError } from '../errors';
import { namedTarget } from '../revision-names';
import { checkTargetSyntax } from '../target-syntax';
import { openProject, type VerbContext } from '../verb-context';

/** Options of `merge`. */
export interface MergeOptions {
  readonly message?: string;
  readonly branchLabel?: string;
  readonly revId?: string;
}

/**
 * `merge [revs...] -m "message"`: writes a merge revision whose parents are the given heads
 * (default: all heads; `heads` and prefixes are accepted). Its `up()`/`down()` run nothing.
 *
 * @example
 * ```ts
 * await merge(ctx, [], { message: 'merge billing and users' });
 * await merge(ctx, ['ae10', '27c6'], {});
 * ```
 */
export async function merge(ctx: VerbContext, revisions: readonly string[], options: MergeOptions): Promise<void> {
  if (options.revId !== undefined && !isValidRevisionId(options.revId)) {
    throw new CliUsageError(`--rev-id '${options.revId}' is not a valid revision id: use letters, digits and _`);
  }
  for (const rev of revisions) checkTargetSyntax(rev, 'revision to merge');
  const project = await openProject(ctx, 'graph', { writing: true });
  const graph = project.graph;
  const ids = revisions.length === 0 ? graph.heads : [...new Set(revisions.flatMap((rev) => graph.resolve(namedTarget(project, rev)).filter((id) => id !== 'base')))];
  const written = writeMerge({
    directory: project.writeFolder,
    heads: graph.heads,
    revisions: ids,
    message: options.message,
    branchLabels: options.branchLabel === undefined ? [] : [options.branchLabel],
    revId: options.revId,
    importFrom: project.options.importFrom,
  });
  ctx.output.line(`Created merge revision ${ctx.output.color.yellow(written.id)} of ${ids.join(', ')}: ${project.shown(written.path)}`);
}
