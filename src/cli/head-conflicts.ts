import type { ConflictReport } from '../conflicts/conflict-analysis';
import type { CliProject } from './cli-project';

/**
 * The conflict analysis of a project's heads (or of the given ones), for `heads --conflicts`, `merge`
 * and `check`: the revision modules are loaded (ts-node registered for `.ts` files) and rendered
 * offline; no database. The conflicts room is loaded only here.
 *
 * @example
 * ```ts
 * const report = await projectConflicts(project);
 * if (report.verdict === 'overlap') ...
 * ```
 */
export async function projectConflicts(project: CliProject, heads: readonly string[] = project.graph.heads): Promise<ConflictReport> {
  const source = project.loadableSource();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { analyzeConflicts } = require('../conflicts/conflict-analysis') as typeof import('../conflicts/conflict-analysis');
  return analyzeConflicts(project.graph, source, heads);
}

/** The report as lines for people (see `describeConflicts`). */
export function conflictLines(report: ConflictReport): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { describeConflicts } = require('../conflicts/describe-conflicts') as typeof import('../conflicts/describe-conflicts');
  return describeConflicts(report);
}

/**
 * The error for a report whose heads do not commute (`BRANCHES_OVERLAP`: exit 3) or cannot be told
 * (`BRANCHES_UNKNOWN`: exit 4), with `what` saying what was (not) done; `null` when they commute.
 */
export function conflictError(report: ConflictReport, what: string): Error | null {
  if (report.verdict !== 'overlap' && report.verdict !== 'unknown') return null;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { BranchConflictError } = require('../conflicts/errors') as typeof import('../conflicts/errors');
  const shared = report.pairs.reduce((n, p) => n + p.overlaps.length, 0);
  const unknown = new Set(report.pairs.flatMap((p) => p.unknown.map((u) => u.revision))).size;
  const why =
    report.verdict === 'overlap'
      ? `the branches of ${report.heads.join(', ')} touch ${shared} common object${shared === 1 ? '' : 's'} (listed above)`
      : `the effect of ${unknown} revision${unknown === 1 ? '' : 's'} on the branches of ${report.heads.join(', ')} cannot be known from ${unknown === 1 ? 'its' : 'their'} SQL (listed above), so the branches are not proven to commute`;
  return new BranchConflictError(report, `${why}; ${what}`);
}
