/**
 * The migration test kit (`mikro-orm-alembic/testing`): stairway, single head, upgrade from empty,
 * downgrade leaves no trace, data hooks; runner-agnostic functions and a mocha helper.
 */
export { MigrationCheckError, type MigrationCheckCode } from './errors';
export {
  MigrationTestKit,
  StairwaySession,
  TEST_DB_PREFIX_VARIABLE,
  type DataHook,
  type KitDatabase,
  type MigrationTestKitOptions,
  type OrmOptions,
  type StairwayResult,
} from './migration-test-kit';
export { describeCommute, verifyBranchesCommute, type CommuteResult, type OrderRun } from './branch-commute';
export { describeMigrations, type DescribeMigrationsOptions } from './mocha';
export { diffSchemaSnapshots, readSchemaSnapshot, type SchemaSnapshot, type SnapshotOptions, type SnapshotSection } from './schema-snapshot';
export { checkSquashEquivalent, type SquashEquivalence } from './squash-equivalence';
