/**
 * Conflict analysis of heads: where branches part, what each side's SQL touches, and whether the
 * branches commute (docs/merges.md).
 */
export { branchSplit, headPairs, type BranchSplit } from './branch-split';
export {
  analyzeConflicts,
  type ConflictReport,
  type ConflictVerdict,
  type Overlap,
  type OverlapTouch,
  type PairConflicts,
  type SideRevision,
  type UnknownRevision,
} from './conflict-analysis';
export { describeConflicts } from './describe-conflicts';
export { BranchConflictError } from './errors';
export { branchTouches, type BranchTouch } from './object-identity';
export { revisionEffects, type RevisionEffects, type RevisionTouch } from './revision-effects';
