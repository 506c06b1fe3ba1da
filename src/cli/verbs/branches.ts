import { RevisionFormat } from '../revision-format';
import { openProject, type VerbContext } from '../verb-context';

/** Options of `branches`. */
export interface BranchesOptions {
  readonly json?: boolean;
}

/**
 * `branches`: every branch point (a revision that several revisions build on), newest first, with
 * the revisions that branch off it, as `alembic branches` prints them:
 *
 * ```text
 * 1975ea83b712 (branchpoint)
 *              -> 27c6a30d7c24 (head), Add a column
 *              -> ae1027a6acf2 (head), Add another column
 * ```
 *
 * @example
 * ```ts
 * await branches(ctx, { json: true }); // [{ id, ..., children: [{ id, ... }, ...] }]
 * ```
 */
export async function branches(ctx: VerbContext, options: BranchesOptions): Promise<void> {
  const project = await openProject(ctx, 'graph');
  const graph = project.graph;
  const format = new RevisionFormat(graph, project.scripts.scripts, ctx.cwd, ctx.output.color);
  const points = graph.history().filter((id) => graph.get(id).isBranchPoint);
  if (options.json) {
    return ctx.output.json(points.map((id) => ({ ...format.json(id), children: graph.get(id).children.map((c) => format.json(c)) })));
  }
  const lines: string[] = [];
  for (const id of points) {
    lines.push(format.line(id));
    for (const child of graph.get(id).children) {
      lines.push(`${' '.repeat(id.length)} -> ${format.line(child, { message: true, tree: false })}`);
    }
  }
  ctx.output.lines(lines);
}
