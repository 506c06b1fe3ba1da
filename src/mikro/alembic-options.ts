import type { EnumRenames } from '../autogen/enum-planner';
import type { SchemaFilterOptions } from '../autogen/schema-filter';
import type { TenantsOption } from '../fanout/target-sources';
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
   * PostgreSQL's `lock_timeout` for the revisions' statements, in ms: a statement that waits longer for
   * a table lock (an `ALTER TABLE` behind a long transaction) fails, naming the sessions in the way,
   * instead of making all traffic on that table queue behind it, and is tried again (5 tries in all,
   * waits doubling from 0.5 s). Default 2 000 (`DEFAULT_STATEMENT_LOCK_TIMEOUT_MS`); `0`: no limit and no
   * retries.
   */
  readonly statementLockTimeoutMs?: number;
  /**
   * Upgrade the database when the app starts the ORM: `await MikroORM.init(config)` (and NestJS's
   * `MikroOrmModule.forRoot(config)`) returns only once the database is at the target, or throws the
   * upgrade's error. `true` means `'head'`; a string is any target (`'heads'`, `'billing@head'`); an
   * object also sets the lock timeouts of this upgrade. Default `false`.
   *
   * It runs only when `init` connects (`connect: true`, the default), so MikroORM's CLI (`connect: false`)
   * never upgrades on start; `MIKRO_ORM_ALEMBIC_UPGRADE_ON_INIT=0` turns it off for one run. It takes
   * the migration lock, so instances starting together apply each revision once. See
   * `docs/upgrade-on-init.md`.
   */
  readonly upgradeOnInit?: boolean | string | UpgradeOnInitOptions;
  /** Module specifier generated revisions import `Revision` from. Default `'mikro-orm-alembic'`. */
  readonly importFrom?: string;
  /** Drop native enum types in the database that no entity uses (default: leave them alone). */
  readonly dropUnusedEnums?: boolean;
  /**
   * Enum type and value renames autogenerate cannot be sure of (docs/enums.md):
   * `{ types: { old: 'new' | null }, values: { type: { old: 'new' | null } } }`; `null` means "not a rename".
   */
  readonly enumRenames?: EnumRenames;
  /** Guess enum renames (one value replaced at the same position; a type replaced by an identical one). Default `true`. */
  readonly guessEnumRenames?: boolean;
  /**
   * Autogenerate leaves out destructive steps (drop table, column, enum type, foreign key).
   * Default: MikroORM's `migrations.safe`.
   */
  readonly safe?: boolean;
  /**
   * Autogenerate writes changes to tables that already exist in their lock-safe forms (concurrent
   * index builds, `not valid` + `validate`, NOT NULL through a validated check; docs/safe-ddl.md).
   * Default `true`; `false` writes MikroORM's plain statements.
   */
  readonly safeDdl?: boolean;
  /**
   * Only these objects are compared by autogenerate (`migration:create`), the test kit's drift check
   * and `migration:check` (Alembic's `include_object`): names with `*`/`?`, RegExps, or a function
   * asked about every table, column, index, check and foreign key. See {@link SchemaFilterOptions}
   * and docs/autogenerate.md.
   *
   * @example
   * ```ts
   * alembic({ include: (object) => object.schema !== 'legacy' });
   * ```
   */
  readonly include?: SchemaFilterOptions['include'];
  /**
   * Objects never compared (neither created, changed nor dropped): `'audit_*'` (tables),
   * `'index:user_active_idx'`, `'check:manual_*'`, `'column:user.legacy_*'`, `'foreignKey:*_ext_fk'`,
   * RegExps (tables), or a function. See {@link SchemaFilterOptions}.
   *
   * @example
   * ```ts
   * alembic({ ignore: ['audit_*', 'index:user_active_idx', /^tmp_/] });
   * ```
   */
  readonly ignore?: SchemaFilterOptions['ignore'];
  /**
   * More bookkeeping tables of migration tools (`'name'` or `'schema.name'`) to leave out of every
   * diff, MikroORM's `schema:update` included. Always left out: `mikro_orm_migrations` (and MikroORM's
   * configured `migrations.tableName`), `alembic_version`, `migrations`, `knex_migrations`,
   * `knex_migrations_lock` and the version table, unless an entity declares a table of that name.
   */
  readonly bookkeepingTables?: readonly string[];
  /**
   * The targets of `npx mikro-orm-alembic upgrade head --tenants` (and `downgrade`, `current`, `check`,
   * `stamp`): a function returning tenant schema names (schemas on the config's database) or
   * `{ name?, url?, schema? }` (another database, or a schema in one). Each target has its own version
   * table and migration lock; the fan-out runs them in parallel (`--concurrency`). See docs/fanout.md.
   *
   * @example
   * ```ts
   * alembic({
   *   tenants: async () => (await listTenants()).map((t) => `tenant_${t.id}`),
   * });
   * ```
   */
  readonly tenants?: TenantsOption;
  /**
   * Schema-per-tenant: the tenant schema this config works in (docs/tenants.md). `migration:up`/`down`,
   * `migration:list`/`pending`, `orm.migrator` and `upgradeOnInit` migrate that schema: its own version
   * table (`versionTable.name` in this schema) and migration lock, revisions run with `search_path` =
   * this schema, then `public`. `migration:create` and `migration:check` compare the wildcard entities
   * (`schema: '*'`) with it, as the template, and write revisions without any schema name. Default: none.
   *
   * @example
   * ```ts
   * alembic({ path: 'migrations/tenants', schema: process.env.TENANT_SCHEMA ?? 'tenant_template', upgradeOnInit: true });
   * ```
   */
  readonly schema?: string;
  /** With `schema`: a missing schema is created on upgrade (and `upgradeOnInit`) instead of refused. Default `false`. */
  readonly createSchema?: boolean;
}

/**
 * The object form of {@link AlembicOptions.upgradeOnInit}: a target and lock timeouts for the upgrade
 * on start-up that differ from the CLI's.
 *
 * @example
 * ```ts
 * alembic({ upgradeOnInit: { target: 'heads', lockTimeoutMs: 300_000, statementLockTimeoutMs: 5_000 } });
 * ```
 */
export interface UpgradeOnInitOptions {
  /** The target. Default `'head'`. */
  readonly target?: string;
  /** How long start-up waits for the migration lock (another instance upgrading), in ms. Default: `lockTimeoutMs`. */
  readonly lockTimeoutMs?: number;
  /** `lock_timeout` of the revisions run on start-up, in ms. Default: `statementLockTimeoutMs`. */
  readonly statementLockTimeoutMs?: number;
  /**
   * Schema-per-tenant: the tenant schema this app instance serves, upgraded on start-up. Default: the
   * plugin's `schema`. See docs/upgrade-on-init.md.
   */
  readonly schema?: string;
  /**
   * Schema-per-tenant: upgrade every target of the plugin's `tenants` function on start-up (a fan-out,
   * `concurrency` at a time, each tenant under its own lock); `init` throws, naming the tenants that
   * failed, once the others are done. Default `false`.
   */
  readonly tenants?: boolean;
  /** With `tenants`: how many tenants are upgraded at once. Default 4. */
  readonly concurrency?: number;
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
