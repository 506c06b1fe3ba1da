import type { TransactionMode } from '../runtime/revision-runner';
import type { VersionTableOptions } from '../runtime/version-table';

/**
 * The plugin's options, given to {@link alembic} in `mikro-orm.config.ts`. The bin
 * (`npx mikro-orm-alembic`) reads the same object from the same config file.
 *
 * @example
 * ```ts
 * import { defineConfig } from '@mikro-orm/postgresql';
 * import { alembic } from 'mikro-orm-alembic';
 *
 * export default defineConfig({
 *   clientUrl: process.env.DATABASE_URL,
 *   entities: [User],
 *   extensions: [alembic({ path: 'dist/migrations', pathTs: 'migrations', versionTable: { schema: 'ops' } })],
 * });
 * ```
 */
export interface AlembicOptions {
  /** Folder of compiled (`.js`) revisions. Default: MikroORM's `migrations.path`, else `'migrations'`. */
  readonly path?: string;
  /** Folder of TypeScript revisions. Default: MikroORM's `migrations.pathTs`, else `path`. */
  readonly pathTs?: string;
  /** The version table. Default `public.mikro_orm_alembic_version`. */
  readonly versionTable?: VersionTableOptions;
  /** How long a writing command waits for the migration lock, in ms. Default 60 000. */
  readonly lockTimeoutMs?: number;
  /** One transaction per revision (default), or one for the whole run. */
  readonly transactionMode?: TransactionMode;
  /** Applied revisions whose file was edited are an error instead of a warning. */
  readonly strict?: boolean;
  /**
   * Upgrade when the app starts the ORM with {@link initWithUpgrade}: `true` means `'head'`, a string
   * is any target (`'heads'`, `'billing@head'`). Default `false`. `MIKRO_ORM_ALEMBIC_UPGRADE_ON_INIT=0`
   * turns it off. The upgrade takes the migration lock, so instances starting together apply each
   * revision once. Plain `MikroORM.init` cannot wait for an upgrade (it does not await extensions; it
   * logs a warning when this is set), and MikroORM's CLI never upgrades on start.
   */
  readonly upgradeOnInit?: boolean | string;
  /** Module specifier generated revisions import `Revision` from. Default `'mikro-orm-alembic'`. */
  readonly importFrom?: string;
  /** Drop native enum types in the database that no entity uses (default: leave them alone). */
  readonly dropUnusedEnums?: boolean;
  /**
   * Autogenerate leaves out destructive steps (drop table, column, enum type, foreign key).
   * Default: MikroORM's `migrations.safe`.
   */
  readonly safe?: boolean;
}

/** Marks the extension object so the bin can find the options among `extensions`. */
export const ALEMBIC_OPTIONS = Symbol.for('mikro-orm-alembic.options');

/** Anything carrying plugin options under {@link ALEMBIC_OPTIONS}. */
export interface HasAlembicOptions {
  readonly [ALEMBIC_OPTIONS]: AlembicOptions;
}

/**
 * The plugin options declared in a MikroORM config's `extensions`, or `undefined` when the plugin
 * is not there. Accepts the extension object made by `alembic({...})` and the extension class itself.
 *
 * @example
 * ```ts
 * const options = findAlembicOptions(config.get('extensions')) ?? {};
 * ```
 */
export function findAlembicOptions(extensions: readonly unknown[] | undefined): AlembicOptions | undefined {
  for (const ext of extensions ?? []) {
    if ((typeof ext === 'object' || typeof ext === 'function') && ext !== null && ALEMBIC_OPTIONS in ext) {
      return (ext as HasAlembicOptions)[ALEMBIC_OPTIONS];
    }
  }
  return undefined;
}
