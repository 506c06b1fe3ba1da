/**
 * `mikro/`: the MikroORM plugin. `alembic()` for `extensions`, the migrator behind
 * `npx mikro-orm migration:*` and `orm.migrator`, and its typed API.
 */
export { alembic, type AlembicExtension } from './alembic-extension';
export {
  AlembicMigrator,
  type CreatedRevision,
  type CreateRevisionOptions,
  type RevisionInfo,
  type SchemaCheckResult,
} from './alembic-migrator';
export { alembicMigrator } from './alembic-migrator-of';
export {
  ALEMBIC_OPTIONS,
  findAlembicOptions,
  type AlembicOptions,
  type HasAlembicOptions,
  type UpgradeOnInitOptions,
} from './alembic-options';
export type { AutogenSafetyNote } from './autogen-port';
export {
  CheckNeedsHeadError,
  DatabaseNotAtHeadError,
  FromMismatchError,
  InitialRevisionExistsError,
  InitialSchemaPartialError,
  CREATE_HEAD_VARIABLE,
  MultipleHeadsError,
  NotRegisteredError,
  UnknownMigrationError,
  UnsupportedMigrateOptionError,
  UpgradeOnInitTenantsError,
} from './errors';
export { initialSchemaState, type InitialSchemaState } from './initial-schema';
export { initWithUpgrade } from './init-with-upgrade';
export { migrateRequest, type MigrateInput, type MigrateRequest } from './migrate-request';
export { migrationEntry, type ExecutedMigration, type MigrationEntry, type MigrationEventPayload } from './migration-entry';
export { MigrationNames, type NamedScript } from './migration-names';
export { MigratorEvents, type MigratorListener } from './migrator-events';
export { connectionFromConfig } from './orm-connection';
export { revisionDisplayName, targetOfName } from './revision-name';
export { createScratchDatabase, type ScratchDatabase } from './scratch-database';
export {
  UPGRADE_ON_INIT_ENV,
  upgradeOnInitApplicationName,
  upgradeOnInitPlan,
  type UpgradeOnInitPlan,
} from './upgrade-on-init';
export { VersionStorage, type MigratorStorage } from './version-storage';
export type { SchemaFilterOptions, SchemaObject, SchemaObjectPattern, SchemaObjectType } from '../autogen/schema-filter';
