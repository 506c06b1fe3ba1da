import { AlembicError } from '../errors';
import type { ConflictReport } from './conflict-analysis';

/**
 * The heads to merge touch common objects (`BRANCHES_OVERLAP`, the bin exits 3), or some revision's
 * effect cannot be known statically (`BRANCHES_UNKNOWN`, exit 4). `report` is the whole analysis.
 *
 * @example
 * ```ts
 * const report = await analyzeConflicts(env.graph, env.source);
 * if (report.verdict === 'overlap') throw new BranchConflictError(report, 'the heads touch common objects');
 * // elsewhere
 * if (e instanceof BranchConflictError && e.code === 'BRANCHES_OVERLAP') console.error(e.report.pairs[0].overlaps);
 * ```
 */
export class BranchConflictError extends AlembicError {
  readonly report: ConflictReport;

  constructor(report: ConflictReport, message: string) {
    super(report.verdict === 'overlap' ? 'BRANCHES_OVERLAP' : 'BRANCHES_UNKNOWN', message);
    this.report = report;
  }
}
