export { SqlParseError } from './errors';
export { LOCK_MODES, blocksReads, blocksWrites, lockConflicts, strongerLock, type LockMode } from './lock-modes';
export { parseSql, type ParseSqlOptions, type ParsedStatement, type PgNode } from './parse-sql';
export { analyzeStatement, type RelationLock, type StatementAnalysis } from './analyze-statement';
export { identText, relationText, type DefaultKind, type RelationName, type SchemaChange, type SchemaChangeKind } from './schema-change';
export { scanSql, type SqlToken } from './parse-sql';
export { concurrentIndexBuild, notValidConstraint } from './statement-rewrite';
export { touchedObjects, type ObjectKind, type ObjectRef, type ObjectTouch, type StatementTouches, type TouchAction } from './touched-objects';
