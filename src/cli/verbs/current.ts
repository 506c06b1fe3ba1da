import { RevisionFormat } from '../revision-format';
import { openProject, type VerbContext } from '../verb-context';
import { fanout, refuseFanoutOnly, wantsFanout, type FanoutVerbOptions } from './fanout';

/** Options of `current`. */
export interface CurrentOptions extends FanoutVerbOptions {
  readonly json?: boolean;
  /** Also list every applied revision with when it was applied and how long it took. */
  readonly verbose?: boolean;
}

/**
 * `current`: the database's current heads (its newest applied revisions), one per line:
 * `27c6a30d7c24 (head)`. Read-only: no lock, the version table is not created. Applied revisions
 * whose file is gone are an error; edited files are warnings.
 *
 * @example
 * ```ts
 * await current(ctx, { verbose: true });
 * ```
 */
export async function current(ctx: VerbContext, options: CurrentOptions): Promise<void> {
  if (wantsFanout(options)) return fanout(ctx, { kind: 'current' }, options, {});
  refuseFanoutOnly(options, 'current', true);
  const project = await openProject(ctx, 'database', { resolutionOnly: true });
  const runtime = project.runtime({ log: { warn: (message) => ctx.output.warn(message), notice: (message) => ctx.output.note(message) } });
  const state = await runtime.current();
  const format = new RevisionFormat(project.graphWith(state.heads), project.scripts.scripts, ctx.cwd, ctx.output.color);
  if (options.json) {
    return ctx.output.json({
      heads: state.heads.map((id) => format.json(id)),
      applied: state.applied.map((row) => ({
        id: row.id,
        appliedAt: row.appliedAt.toISOString(),
        durationMs: row.durationMs,
        fileName: row.fileName,
      })),
      warnings: state.warnings,
    });
  }
  if (state.heads.length === 0) ctx.output.note('No revision is applied: the database is at base');
  const lines = state.heads.map((id) => format.line(id, { tree: false }));
  if (options.verbose && state.applied.length > 0) {
    lines.push('', 'Applied revisions (oldest first):');
    for (const row of state.applied) {
      const took = row.durationMs === null ? 'stamped' : `${row.durationMs} ms`;
      lines.push(`  ${row.id}  ${row.appliedAt.toISOString()}  ${took.padStart(9)}  ${row.fileName ?? ''}`.trimEnd());
    }
  }
  ctx.output.lines(lines);
}
