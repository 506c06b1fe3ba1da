import type { IMigrator, MigrationRow, Transaction } from '@mikro-orm/core';
import type { AppliedRevision, VersionTable } from '../runtime/version-table';
import { UnsupportedMigrateOptionError } from './errors';
import { targetOfName } from './revision-name';

/** MikroORM's `IMigratorStorage` (not exported from `@mikro-orm/core`'s root). */
export type MigratorStorage = ReturnType<IMigrator['getStorage']>;

/**
 * MikroORM's `IMigratorStorage` over the plugin's version table, for code that reaches for
 * `migrator.getStorage()`. Reading works; writing is refused (`UnsupportedMigrateOptionError`):
 * revisions are recorded by the runtime, in the same transaction as their steps and under the
 * migration lock (use `stamp` to record without running).
 *
 * @example
 * ```ts
 * const storage = orm.migrator.getStorage();
 * console.log(await storage.executed(), storage.getTableName?.());
 * ```
 */
export class VersionStorage implements MigratorStorage {
  constructor(
    private readonly table: VersionTable,
    private readonly read: () => Promise<readonly AppliedRevision[]>,
  ) {}

  /** The applied revision ids, oldest first. */
  async executed(): Promise<string[]> {
    return (await this.read()).map((row) => row.id);
  }

  /** The applied revisions as MikroORM's rows (`id`: the position, oldest first; `name`: the revision id). */
  async getExecutedMigrations(): Promise<(MigrationRow & { id: number })[]> {
    return (await this.read()).map((row, index) => ({ id: index + 1, name: row.id, executed_at: row.appliedAt }));
  }

  async logMigration(): Promise<void> {
    throw refused('logMigration');
  }

  async unlogMigration(): Promise<void> {
    throw refused('unlogMigration');
  }

  setMasterMigration(trx: Transaction): void {
    void trx;
    throw refused('setMasterMigration');
  }

  unsetMasterMigration(): void {
    // no master transaction is ever set
  }

  /** A revision id from a name (`<id> <message>` or a file name). */
  getMigrationName(name: string): string {
    return targetOfName(name).replace(/\.(ts|js|cjs)$/, '').split('_', 1)[0];
  }

  getTableName(): { schemaName: string; tableName: string } {
    return { schemaName: this.table.schema, tableName: this.table.name };
  }
}

function refused(method: string): UnsupportedMigrateOptionError {
  return new UnsupportedMigrateOptionError(
    method,
    `${method} is not supported: the runtime records revisions with their steps, under the migration lock (use stamp to record without running).`,
  );
}
