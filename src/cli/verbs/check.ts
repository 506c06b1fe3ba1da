import { CheckFailedError } from '../errors';
import { RevisionFormat } from '../revision-format';
import { openProject, type VerbContext } from '../verb-context';

/** Options of `check`. */
export interface CheckOptions {
  readonly json?: boolean;
}

/**
 * `check`: the health of the revision graph, for CI. Every file is read and the graph is built
 * (a file that cannot be read, a duplicate id, a missing parent, a cycle: exit 1 with the error),
 * and there must be at most one head (several: exit 1, suggesting `merge`). No database.
 *
 * @example
 * ```ts
 * await check(ctx, {}); // 'OK: 12 revisions, one head: 27c6a30d7c24 (head), Add a column'
 * ```
 */
export async function check(ctx: VerbContext, options: CheckOptions): Promise<void> {
  const project = await openProject(ctx, 'graph');
  const graph = project.graph;
  const heads = graph.heads;
  const format = new RevisionFormat(graph, project.scripts.scripts, ctx.cwd, ctx.output.color);
  const ok = heads.length <= 1;
  if (options.json) {
    ctx.output.json({ ok, folder: project.shown(), revisions: graph.size, heads: heads.map((id) => format.json(id)) });
  } else if (ok) {
    ctx.output.line(
      heads.length === 0
        ? `OK: ${project.shown()} has no revisions yet`
        : `OK: ${graph.size} revision${graph.size === 1 ? '' : 's'} in ${project.shown()}, one head: ${format.line(heads[0], { message: true, tree: false })}`,
    );
  }
  if (!ok) throw new CheckFailedError(heads);
}
