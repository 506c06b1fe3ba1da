import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Configuration } from '@mikro-orm/core';
import type { ClientConfig } from 'pg';
import { findAlembicOptions, type AlembicOptions } from '../mikro/alembic-options';
import { connectionFromConfig } from '../mikro/orm-connection';
import { InvalidConnectionError } from '../runtime/errors';
import { ConfigLoadError } from './errors';
import type { ProjectSettings } from './project-settings';
import { prefersTypeScript, ensureTsLoader } from './ts-loader';

/** What the bin takes from a MikroORM config. */
export interface LoadedOrmConfig {
  /** The config file that was loaded (absolute), or `null` when it came from `MIKRO_ORM_*` variables alone. */
  readonly file: string | null;
  /** The plugin options found among `extensions` (`alembic({...})`), or `undefined` without the plugin. */
  readonly alembic: AlembicOptions | undefined;
  /** MikroORM's `migrations.path` and `migrations.pathTs` (the fallback folders). */
  readonly migrationsPath: string | undefined;
  readonly migrationsPathTs: string | undefined;
  /** MikroORM's `baseDir`: relative folders of the config are resolved against it. */
  readonly baseDir: string;
  /**
   * The pg connection settings (`clientUrl`, or host/port/user/password/dbName, plus
   * `driverOptions.connection`), or `null` when the config names no database (e.g. `clientUrl:
   * process.env.DATABASE_URL` with the variable unset: fine for offline SQL and with `--url`).
   * Resolved when called: a malformed `clientUrl` throws then, not while a verb that needs no
   * connection loads the config.
   */
  connectionSettings(): ClientConfig | null;
  /** Why the config has no connection (MikroORM's message), or `null` when it has one. */
  readonly noDatabase: string | null;
  /** The loaded configuration itself (for `MikroORM.init`, which `revision --autogenerate` needs). */
  readonly config: Configuration;
}

/** Where to look for the config. */
export interface OrmConfigRequest {
  /** `--config` paths (they replace the search paths). */
  readonly configPaths?: readonly string[];
  /** Told which config file was loaded when it is not the obvious one (see `noteWhenNotObvious`). */
  readonly note?: (message: string) => void;
  /** `--context`; default `MIKRO_ORM_CONTEXT_NAME`, else `default`. */
  readonly contextName?: string;
  readonly cwd: string;
}

const CONNECTION_VARIABLES = ['MIKRO_ORM_CLIENT_URL', 'MIKRO_ORM_HOST', 'MIKRO_ORM_DB_NAME'];

/**
 * Loads the MikroORM config the way MikroORM's CLI does: ts-node registered first (unless
 * `useTsNode` is `false`), `.env` read, the same search paths (or `--config`), the same context
 * selection, through `ConfigurationLoader.getConfiguration`. Returns `null` when no config file
 * exists on the search paths and no `MIKRO_ORM_*` connection variable is set. A config without the
 * plugin is fine: its options are `undefined` and defaults apply.
 *
 * This imports `@mikro-orm/core` (and ts-node): only commands that need the config call it.
 *
 * @example
 * ```ts
 * const config = await loadOrmConfig(readProjectSettings(cwd), { cwd, contextName: 'reporting' });
 * if (config) console.log(config.file, config.connectionSettings()?.database, config.alembic?.path);
 * ```
 */
export async function loadOrmConfig(settings: ProjectSettings, request: OrmConfigRequest): Promise<LoadedOrmConfig | null> {
  const explicit = request.configPaths !== undefined && request.configPaths.length > 0;
  if (settings.useTsNode !== false && prefersTypeScript(settings, request.cwd)) ensureTsLoader(settings, request.cwd);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ConfigurationLoader } = require('@mikro-orm/core') as typeof import('@mikro-orm/core');
  // before any config is built: MikroORM's allOrNothing default made recognisable (a config that sets it is honoured)
  (require('../mikro/all-or-nothing') as typeof import('../mikro/all-or-nothing')).markAllOrNothingDefault();
  const paths = explicit ? [...(request.configPaths as readonly string[])] : ConfigurationLoader.getConfigPaths();
  const found = paths.map((p) => (isAbsolute(p) ? p : resolve(request.cwd, p))).find((p) => existsSync(p)) ?? null;
  if (found === null) {
    if (explicit) throw new ConfigLoadError(`MikroORM config file not found: ${paths.join(', ')}`, paths);
    if (!CONNECTION_VARIABLES.some((v) => process.env[v])) return null;
  }
  const contextName = request.contextName ?? process.env.MIKRO_ORM_CONTEXT_NAME ?? 'default';
  let config: Configuration;
  let noDatabase: string | null = null;
  const load = (overrides: Record<string, unknown>) => {
    // as @mikro-orm/cli's CLIHelper: in a CommonJS project MikroORM imports files (glob entities,
    // entitiesTs) with require, through which ts-node compiles .ts; its default import() does not
    const options: Record<string, unknown> = {};
    ConfigurationLoader.commonJSCompat(options);
    ConfigurationLoader.registerDotenv(options);
    // the bin needs no entities: don't let an entity-less config (or context) fail validation
    return ConfigurationLoader.getConfiguration(contextName, paths, { ...options, discovery: { warnWhenNoEntities: false }, ...overrides });
  };
  try {
    try {
      config = await load({});
    } catch (error) {
      // a config whose database comes from an unset variable: offline SQL and --url need none, so
      // load it with a placeholder name and remember that it has no connection
      if (!(error instanceof Error) || !/No database specified/.test(error.message)) throw error;
      config = await load({ dbName: NO_DATABASE });
      noDatabase = error.message;
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigLoadError(`Cannot load the MikroORM config${found ? ` ${found}` : ''}: ${reason}`, [], { cause: error });
  }
  if (found !== null && request.note !== undefined) noteWhenNotObvious(found, paths, explicit, settings, request.cwd, request.note);
  else if (found === null && request.note !== undefined) request.note('Using the MikroORM config from the MIKRO_ORM_* environment variables (no config file found)');
  const migrations = (config.get('migrations') ?? {}) as { path?: string; pathTs?: string };
  const loaded = config;
  return Object.freeze({
    file: found,
    alembic: findAlembicOptions(config.get('extensions') as readonly unknown[] | undefined),
    migrationsPath: migrations.path,
    migrationsPathTs: migrations.pathTs,
    baseDir: String(config.get('baseDir') ?? request.cwd),
    connectionSettings: () => (noDatabase === null ? connectionOf(loaded, found) : null),
    noDatabase,
    config,
  });
}

/** The database name the config is loaded with when it names none (never connected to). */
const NO_DATABASE = 'mikro_orm_alembic_no_database';

/**
 * Says which config file was loaded when it is not the obvious one: a compiled
 * `dist/mikro-orm.config.js` (or `build/`) that the default search fell back to, which may be stale
 * (the `.ts` it was built from is missing, or TypeScript configs are not searched). A file named by
 * `--config`, `MIKRO_ORM_CLI_CONFIG` or package.json's `configPaths`, and a source config, are what
 * the user asked for: no note.
 */
function noteWhenNotObvious(
  found: string,
  paths: readonly string[],
  explicit: boolean,
  settings: ProjectSettings,
  cwd: string,
  note: (message: string) => void,
): void {
  if (explicit) return;
  const chosen = (p: string) => resolve(cwd, p) === found;
  if (process.env.MIKRO_ORM_CLI_CONFIG && chosen(process.env.MIKRO_ORM_CLI_CONFIG)) return;
  if (settings.configPaths.some(chosen)) return;
  const shown = relative(cwd, found).split(sep).join('/');
  if (!/^(dist|build)\/mikro-orm\.config\.js$/.test(shown)) return;
  const ts = paths.filter((p) => p.endsWith('.ts')).map((p) => relative(cwd, resolve(cwd, p)).split(sep).join('/'));
  const why = ts.length === 0 ? 'TypeScript configs are not searched: useTsNode is false or ts-node is not installed' : `there is no ${ts.join(' or ')}`;
  note(`Using the MikroORM config ${shown}, compiled JavaScript (${why}); pass --config to choose another`);
}

/**
 * The pg settings of a loaded config, resolved by the driver as MikroORM connects: `clientUrl`, with
 * `host`/`port`/`user`/`password`/`dbName` overriding its parts, plus `driverOptions.connection`
 * (`ssl`, ...). Nothing is connected.
 */
function connectionOf(config: Configuration, file: string | null): ClientConfig {
  const where = `the MikroORM config${file ? ` ${file}` : ''}`;
  const unusable = (error: unknown) =>
    new ConfigLoadError(`${where[0].toUpperCase()}${where.slice(1)} has no usable PostgreSQL driver: ${error instanceof Error ? error.message : String(error)}`, [], { cause: error });
  let platform: string;
  try {
    platform = config.getDriver().getPlatform().constructor.name;
  } catch (error) {
    throw unusable(error);
  }
  if (!/postgre/i.test(platform)) throw new ConfigLoadError(`mikro-orm-alembic works with PostgreSQL, but ${where} uses ${platform}`);
  try {
    return connectionFromConfig(config);
  } catch (error) {
    // a malformed clientUrl is named as such (its value never shown)
    if (error instanceof InvalidConnectionError) throw error;
    throw unusable(error);
  }
}
