export { RevisionGraph, type RevisionNode } from './revision-graph';
export { RevisionGraphError, type RevisionGraphErrorCode } from './errors';
export type { MigrationPlan, RevisionRecord } from './types';
export { diagnoseRecordedHistory, type RecordedHistoryDiagnosis, type RecordedHistoryGap } from './recorded-history';
export { RESERVED_NAMES, reservedNameProblem } from './reserved-names';
export { SquashCatalog, type SquashedRun, type RecordedView, type RecordedViewOptions } from './squash-catalog';
