import { conflictError, conflictLines, projectConflicts } from '../head-conflicts';
import { RevisionFormat } from '../revision-format';
import { openProject, type VerbContext } from '../verb-context';

/** Options of `heads`. */
export interface HeadsOptions {
  /** Only the heads no other revision depends on (what `upgrade heads` targets). */
  readonly resolveDependencies?: boolean;
  readonly json?: boolean;
  readonly verbose?: boolean;
  /**
   * Also analyse whether the heads' branches commute (docs/merges.md): the revisions since each merge
   * base, the objects their SQL touches, the shared ones. Loads the revision modules; exit 3 on an
   * overlap, 4 when a revision's effect is unknown.
   */
  readonly conflicts?: boolean;
}

/**
 * `heads`: the revisions no other revision builds on (Alembic's `alembic heads`), one per line:
 * `1a2b3c4d5e6f (billing) (head)`. Graph only: no database, and no MikroORM config when the
 * folder is known from `--path` or package.json. With `conflicts`, the analysis of whether their
 * branches commute follows (exit 3 when they touch common objects, 4 when it cannot be told).
 *
 * @example
 * ```ts
 * await heads(ctx, { resolveDependencies: true }); // prints '27c6a30d7c24 (head)'
 * await heads(ctx, { conflicts: true });           // the heads, then whether their branches commute
 * ```
 */
export async function heads(ctx: VerbContext, options: HeadsOptions): Promise<void> {
  const project = await openProject(ctx, 'graph');
  const graph = project.graph;
  const ids = options.resolveDependencies ? graph.realHeads : graph.heads;
  const format = new RevisionFormat(graph, project.scripts.scripts, ctx.cwd, ctx.output.color);
  if (options.conflicts) {
    const report = await projectConflicts(project, ids);
    if (options.json) ctx.output.json({ heads: ids.map((id) => format.json(id)), verdict: report.verdict, pairs: report.pairs });
    else ctx.output.lines([...ids.map((id) => format.line(id, { tree: false })), ...conflictLines(report)]);
    const error = conflictError(report, 'merging them needs care (docs/merges.md)');
    if (error !== null) throw error;
    return;
  }
  if (options.json) return ctx.output.json(ids.map((id) => format.json(id)));
  if (options.verbose) return ctx.output.lines(ids.flatMap((id, i) => [...(i > 0 ? [''] : []), ...format.block(id)]));
  ctx.output.lines(ids.map((id) => format.line(id, { tree: false })));
}
