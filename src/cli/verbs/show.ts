import { CliUsageError } from '../errors';
import { RevisionFormat } from '../revision-format';
import { namedTarget } from '../revision-names';
import { checkTargetSyntax } from '../target-syntax';
import { openProject, type VerbContext } from '../verb-context';

/** Options of `show`. */
export interface ShowOptions {
  readonly json?: boolean;
  /** The lock preview of the revisions' `up()` (see `upgrade --explain`). */
  readonly explain?: boolean;
}

/**
 * `show <rev>`: one revision (or each revision a target names: `heads`, `billing@head`, a prefix)
 * in full: parents, merges, branches, dependencies, labels, file, message and header.
 *
 * @example
 * ```ts
 * await show(ctx, 'ae10', {}); // Rev: ae1027a6acf2 (head) / Parent: 1975ea83b712 / Path: migrations/ae10..._add.ts ...
 * ```
 */
export async function show(ctx: VerbContext, target: string, options: ShowOptions): Promise<void> {
  checkTargetSyntax(target, 'revision');
  const project = await openProject(ctx, options.explain ? 'optional-database' : 'graph');
  const graph = project.graph;
  const ids = graph.resolve(namedTarget(project, target)).filter((id) => id !== 'base');
  if (ids.length === 0) throw new CliUsageError(`'${target}' names no revision (base is before the first revision)`);
  if (options.explain) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { explainRevisions } = require('./explain') as typeof import('./explain');
    return explainRevisions(ctx, project, ids, 'up', { json: options.json });
  }
  const format = new RevisionFormat(graph, project.scripts.scripts, ctx.cwd, ctx.output.color);
  if (options.json) return ctx.output.json(ids.map((id) => format.json(id)));
  ctx.output.lines(ids.flatMap((id, i) => [...(i > 0 ? [''] : []), ...format.block(id)]));
}
