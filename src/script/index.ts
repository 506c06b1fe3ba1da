/**
 * `script/`: revision files. Discovery and reading (no import), loading on demand, writing new
 * revisions and merges, ids, and the `Revision` base class with the context it runs against.
 */
export {
  HeadRequiredError,
  InvalidEnumStepError,
  InvalidRevisionIdError,
  ReservedNameError,
  IrreversibleRevisionError,
  NoRevisionClassError,
  NotAHeadError,
  NothingToMergeError,
  OfflineExecuteError,
  RevisionExistsError,
  RevisionNotRunningError,
  RevisionStatementError,
  ScriptDirectoryMissingError,
  ScriptDuplicateFieldError,
  ScriptFileError,
  ScriptHeaderMismatchError,
  ScriptLoadError,
  ScriptModuleMismatchError,
  ScriptNotALiteralError,
  ScriptParseError,
  ScriptReservedNameError,
  TsLoaderMissingError,
} from './errors';
export {
  enumSql,
  type EnumColumn,
  type EnumDependentConstraint,
  type EnumDependentIndex,
  type EnumDependents,
  type EnumDependentView,
  type EnumGuardColumn,
  type EnumRebuild,
  type EnumTypeName,
  type EnumValueMap,
  type EnumValuePosition,
  type EnumValueRemoval,
  type EnumViewGrant,
  type QualifiedName,
} from './enum-sql';
export { readRevisionHeader, type RevisionHeader } from './header-reader';
export { Revision } from './revision';
export type { QueuedStatement, RevisionContext } from './revision-context';
export { isValidRevisionId, newRevisionId, slugify } from './revision-id';
export { isTsLoaderRegistered, loadRevision, type LoadableRevision } from './revision-loader';
export {
  renderRevision,
  revisionClassName,
  writeMerge,
  writeRevision,
  type RenderedRevision,
  type RevisionTemplate,
  type WriteMergeOptions,
  type WriteRevisionOptions,
  type WrittenRevision,
} from './revision-writer';
export { runRevision } from './run-revision';
export {
  isRevisionFileName,
  resolveScriptFolder,
  ScriptDirectory,
  type KeptFile,
  type RevisionScript,
  type ScriptDirectoryOptions,
} from './script-directory';
