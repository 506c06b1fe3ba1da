import type { MigrationRow, UmzugMigration } from '@mikro-orm/core';
import { revisionDisplayName } from './revision-name';

/**
 * A revision as MikroORM's migrator API returns it (`up()`, `down()`, `getPendingMigrations()`):
 * MikroORM's `{ name, path }` (`path` absolute, as umzug gives it), plus the revision's id.
 */
export interface MigrationEntry extends UmzugMigration {
  /** `<id> <first line of the message>` (see `revisionDisplayName`). */
  readonly name: string;
  /** The file's absolute path (`undefined` when the revision has no file). */
  readonly path?: string;
  /** The revision's id. */
  readonly revision: string;
  /**
   * Set on the revisions `up('<name>')` ran only because the named revision builds on them (MikroORM
   * runs the named migration alone; a revision cannot run before its ancestors): the named id.
   */
  readonly dependencyOf?: string;
}

/** The payload of the `migrating`/`migrated`/`reverting`/`reverted` events: umzug's `{ name, path, context }`. */
export interface MigrationEventPayload extends MigrationEntry {
  /** umzug's context; MikroORM never sets one, so `{}` as there. */
  readonly context: Record<string, never>;
}

/** A row of `getExecutedMigrations()`: MikroORM's `{ id, name, executed_at }`, plus the revision's id. */
export interface ExecutedMigration extends MigrationRow {
  /**
   * The row's position, 1 for the oldest, in the order the list is given (parents first). MikroORM's
   * `id` is the serial key of its table; the version table has none (a revision's id is its key), so
   * this is the number MikroORM's would be for a history without downgrades.
   */
  readonly id: number;
  readonly name: string;
  readonly executed_at: Date;
  /** The revision's id. */
  readonly revision: string;
}

/**
 * The entry of a revision.
 *
 * @example
 * ```ts
 * import { migrationEntry } from 'mikro-orm-alembic';
 *
 * migrationEntry('1a2b3c4d5e6f', { message: 'add user role', path: '/app/migrations/1a2b3c4d5e6f_add_user_role.ts' });
 * // { name: '1a2b3c4d5e6f add user role', path: '/app/migrations/1a2b3c4d5e6f_add_user_role.ts', revision: '1a2b3c4d5e6f' }
 * ```
 */
export function migrationEntry(id: string, script: { readonly message?: string; readonly path: string } | undefined, dependencyOf?: string): MigrationEntry {
  const entry: MigrationEntry = { name: revisionDisplayName(id, script?.message), path: script?.path, revision: id };
  return dependencyOf === undefined ? entry : { ...entry, dependencyOf };
}
