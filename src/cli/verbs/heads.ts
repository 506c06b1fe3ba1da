import { RevisionFormat } from '../revision-format';
import { openProject, type VerbContext } from '../verb-context';

/** Options of `heads`. */
export interface HeadsOptions {
  /** Only the heads no other revision depends on (what `upgrade heads` targets). */
  readonly resolveDependencies?: boolean;
  readonly json?: boolean;
  readonly verbose?: boolean;
}

/**
 * `heads`: the revisions no other revision builds on (Alembic's `alembic heads`), one per line:
 * `1a2b3c4d5e6f (billing) (head)`. Graph only: no database, and no MikroORM config when the
 * folder is known from `--path` or package.json.
 *
 * @example
 * ```ts
 * await heads(ctx, { resolveDependencies: true }); // prints '27c6a30d7c24 (head)'
 * ```
 */
export async function heads(ctx: VerbContext, options: HeadsOptions): Promise<void> {
  const project = await openProject(ctx, 'graph');
  const graph = project.graph;
  const ids = options.resolveDependencies ? graph.realHeads : graph.heads;
  const format = new RevisionFormat(graph, project.scripts.scripts, ctx.cwd, ctx.output.color);
  if (options.json) return ctx.output.json(ids.map((id) => format.json(id)));
  if (options.verbose) return ctx.output.lines(ids.flatMap((id, i) => [...(i > 0 ? [''] : []), ...format.block(id)]));
  ctx.output.lines(ids.map((id) => format.line(id, { tree: false })));
}
