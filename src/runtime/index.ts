export { acquireAdvisoryLock, findLockHolders, releaseAdvisoryLock, type AdvisoryLockOptions, type LockWaitInfo } from './advisory-lock';
export { acceptEdits, type AcceptEditsResult } from './accept-edits';
export {
  behaviourDigest,
  formatChecksum,
  legacyDigests,
  normaliseSource,
  revisionChecksum,
  sourceDigest,
  verifyRecordedChecksums,
} from './revision-checksum';
export { checkAppliedState, readAppliedState, type AppliedState, type CheckAppliedOptions } from './applied-state';
export {
  AutocommitInTransactionError,
  ConnectionFailedError,
  InvalidConnectionError,
  LockTimeoutError,
  LockWaitInterruptedError,
  MissingRevisionFileError,
  RecordedHistoryError,
  OfflineResultError,
  RevisionEditedError,
  RevisionFailedError,
  RevisionNotInSourceError,
  InvalidSchemaNameError,
  SchemaNotFoundError,
  VersionTableInvalidError,
  describeRecordedHistory,
  describeRelationLockHolders,
  stampCommand,
  type ChecksumMismatch,
  type LockHolder,
  type RelationLockHolder,
} from './errors';
export { findRelationLockHolders } from './relation-locks';
export {
  DEFAULT_STATEMENT_LOCK_ATTEMPTS,
  DEFAULT_STATEMENT_LOCK_RETRY_DELAY_MS,
  DEFAULT_STATEMENT_LOCK_TIMEOUT_MS,
  MigrationRuntime,
  type CurrentState,
  type MigrationResult,
  type MigrationRuntimeOptions,
  type OfflineSqlRequest,
  type RunOptions,
  type RuntimeLog,
} from './migration-runtime';
export { OfflineChannel } from './offline-channel';
export { renderOfflineSql, type OfflineSqlOptions } from './offline-sql';
export {
  checkConnectionUrl,
  resolveConnection,
  type CheckedUrl,
  type ConnectionOptions,
  type ConnectionSettings,
  type ResolvedConnection,
  type SslMode,
  type SslParameters,
} from './connection';
export { DEFAULT_APPLICATION_NAME, PgChannel } from './pg-channel';
export { runRevisions, type LockRetry, type RevisionTiming, type RunProgress, type RunRevisionsOptions, type TransactionMode } from './revision-runner';
export type { RevisionSource, RevisionSourceEntry } from './revision-source';
export { StatementBatchError, type SqlChannel } from './sql-channel';
export { inlineParams, quoteIdent, quoteLiteral, terminateStatement } from './sql-text';
export { stampRevisions, type StampOptions, type StampResult } from './stamp';
export {
  DEFAULT_VERSION_TABLE,
  VersionTable,
  type AppliedRevision,
  type Queryable,
  type VersionRowInput,
  type VersionTableOptions,
} from './version-table';
export { scriptDirectorySource, type ScriptDirectorySourceOptions } from './script-source';
export { MigrationEnvironment, type EnvironmentOptions } from './migration-environment';
export { ensureVersionTable, type SeedContext, type SeedResult, type VersionTableSeed } from './version-table-seed';
export { TenantSchema, checkSchemaName } from './tenant-schema';
