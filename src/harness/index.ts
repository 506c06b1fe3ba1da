/**
 * The database harness: one PostgreSQL server per process (`DATABASE_URL`, or an embedded PostgreSQL when that is
 * unset) and throw-away databases on it. Used by the test suite and by the example app's run command.
 */
export { acquireServer } from './server';
export type { AcquireServerOptions, AcquiredServer } from './server';
export { startEmbeddedServer } from './embedded-server';
export type { EmbeddedServer, EmbeddedServerOptions } from './embedded-server';
export { reapOrphanedClusters } from './orphans';
export type { ReapOptions, ReapedCluster } from './orphans';
export { locateNativeBinaries } from './native-binaries';
export type { NativeBinaries } from './native-binaries';
export type { RunAs } from './file-access';
export { createThrowawayDatabase, dropDatabase } from './throwaway-database';
export type { ThrowawayDatabase, ThrowawayDatabaseOptions } from './throwaway-database';
export { connectClient } from './connect';
export type { ConnectOptions } from './connect';
export { describeDatabaseUrl, parseDatabaseUrl, redactUrl, withDatabase } from './database-url';
export type { DatabaseUrl } from './database-url';
export {
  DATABASE_URL_HINT,
  DatabaseConnectionError,
  EmbeddedServerError,
  HarnessConfigError,
  InvalidDatabaseUrlError,
  ThrowawayDatabaseError,
} from './errors';
export type {
  DatabaseConnectionErrorCode,
  EmbeddedServerErrorCode,
  HarnessConfigErrorCode,
  ThrowawayDatabaseErrorCode,
} from './errors';
