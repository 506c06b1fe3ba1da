import { readAppliedMarks } from '../applied-marks';
import { CliUsageError } from '../errors';
import { drawGraph } from '../graph-drawing';
import { RevisionFormat, type AppliedMarks } from '../revision-format';
import { openProject, type VerbContext } from '../verb-context';

/** Options of `history`. */
export interface HistoryOptions {
  /** `-r a:b`: only the revisions from `a` up to `b` (either end may be empty). */
  readonly revRange?: string;
  /** Draw the graph (lanes, merges, branch points), like `git log --graph`. */
  readonly graph?: boolean;
  /**
   * `true`: read the database (an error if it cannot be read) and mark the current revisions.
   * `false`: never read it. Unset: only `--graph` reads it, when a connection is configured and
   * the server answers.
   */
  readonly indicateCurrent?: boolean;
  readonly json?: boolean;
  readonly verbose?: boolean;
}

/**
 * `history`: the revisions, newest first, as `alembic history` prints them
 * (`ae1027a6acf2 -> 27c6a30d7c24 (head), Add a column`), or drawn as a graph with `--graph`, where
 * applied revisions are `*` and the others `o` when the database could be read.
 *
 * Without `--indicate-current` and `--graph`, nothing but the files is read (no database, and no
 * MikroORM config when the folder is known from `--path` or package.json).
 *
 * @example
 * ```ts
 * await history(ctx, { graph: true });
 * await history(ctx, { revRange: 'ae10:head', json: true });
 * ```
 */
export async function history(ctx: VerbContext, options: HistoryOptions): Promise<void> {
  const range = options.revRange;
  if (range !== undefined && range.split(':').length !== 2) {
    throw new CliUsageError(`-r '${range}' is not a range: use start:end, start: or :end (e.g. -r ae10:head, -r -3:)`);
  }
  const need = options.indicateCurrent === true ? 'database' : options.graph && options.indicateCurrent !== false ? 'optional-database' : 'graph';
  const project = await openProject(ctx, need, { resolutionOnly: true });
  const graph = project.graph;
  const order = graph.history(range);
  const marks: AppliedMarks | null = need === 'graph' ? null : await readAppliedMarks(project, need === 'database' ? 'required' : 'optional', ctx.output);
  const c = ctx.output.color;
  const format = new RevisionFormat(graph, project.scripts.scripts, ctx.cwd, c, marks);

  if (options.json) return ctx.output.json(order.map((id) => format.json(id)));
  if (options.verbose && !options.graph) {
    return ctx.output.lines(order.flatMap((id, i) => [...(i > 0 ? [''] : []), ...format.block(id)]));
  }
  if (!options.graph) return ctx.output.lines(order.map((id) => format.line(id, { parents: true, message: true })));

  const shown = new Set(order);
  const laneColors = [c.red, c.green, c.yellow, c.blue, c.magenta, c.cyan];
  const lines = drawGraph({
    order,
    parents: (id) => graph.get(id).downRevisions.filter((p) => shown.has(p)),
    node: (id) => (marks === null ? '*' : marks.applied.has(id) ? c.green('*') : c.yellow('o')),
    text: (id) => {
      const deps = format.script(id).dependsOn;
      return `${format.line(id, { message: true })}${deps.length > 0 ? c.dim(` [depends on ${deps.join(', ')}]`) : ''}`;
    },
    lane: (index, text) => laneColors[index % laneColors.length](text),
  });
  if (marks !== null) lines.unshift(c.dim('(* applied, o not applied)'));
  ctx.output.lines(lines);
}
