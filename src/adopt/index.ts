/**
 * `adopt/`: taking over a project that ran MikroORM's own migrator: its migrations folder becomes a
 * linear chain of revisions (`adoptMigrations`), and each database's `mikro_orm_migrations` becomes the
 * applied set the first time the plugin reads the version table (`mikroOrmHistory`, the runtime's
 * `historySeed`). See docs/switching-from-mikro-orm.md.
 */
export { adoptMigrations, type AdoptedMigration, type AdoptOptions, type AdoptResult } from './adopt-migrations';
export { AdoptedRevision } from './adopted-revision';
export { adoptedMigrationName, adoptedRevisionId, MIKRO_ORM_HEADER_KEY, ORIGINALS_FOLDER, renderAdoptedRevision, type AdoptedRevisionSpec } from './adopted-file';
export { AdoptFolderError, AdoptHistoryError, AdoptMigrationError, AdoptOldMigratorError } from './errors';
export { inspectMigration, type InspectedMigration } from './inspect-migration';
export { findMigrationClass, migrationBaseOf, type MigrationClass } from './migration-class';
export { mikroOrmHistory, mikroOrmHistoryTable, type MikroOrmHistoryOptions, type MikroOrmHistoryTable } from './mikro-orm-history';
export {
  listMikroOrmMigrations,
  MIKRO_ORM_MIGRATION_DEFAULTS,
  mikroOrmMigrationsFolder,
  recordedName,
  type MikroOrmMigrationFile,
  type MikroOrmMigrationsOptions,
} from './mikro-orm-folder';
