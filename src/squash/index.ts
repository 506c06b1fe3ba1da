export { SquashError, type SquashErrorCode } from './errors';
export { renderRevisionSteps, type RevisionSteps, type StepBlock } from './revision-steps';
export { selectSquashRun, squashRevisions, type SquashOptions, type SquashResult } from './squash-revisions';
