import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Configuration } from '@mikro-orm/core';
import type { ClientConfig } from 'pg';
import { findAlembicOptions, type AlembicOptions } from '../mikro/alembic-options';
import { InvalidConnectionError } from '../runtime/errors';
import type { TransactionMode } from '../runtime/revision-runner';
import { ConfigLoadError } from './errors';
import type { ProjectSettings } from './project-settings';
import { prefersTypeScript, ensureTsLoader } from './ts-loader';

/**
 * What the bin takes from a MikroORM config to find the revisions and the database: plain data, which
 * `config-cache.ts` can keep between runs (without the password) and give back without loading the config.
 */
export interface OrmConfigResolution {
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
  /** MikroORM's `migrations.allOrNothing` as a transaction mode, when the config sets it. */
  readonly transactionMode: TransactionMode | undefined;
  /** MikroORM's `ensureDatabase` (on unless the config sets it to `false`): `upgrade` and `stamp` create a missing database. */
  readonly ensureDatabase: boolean;
  /** MikroORM's own migrations table (`migrations.tableName`) and the config's `schema`: an adopted project's history. */
  readonly mikroOrmHistory: { readonly tableName: string | undefined; readonly schema: string | undefined };
}

/** What the bin takes from a MikroORM config it loaded: the resolution, and the configuration itself. */
export interface LoadedOrmConfig extends OrmConfigResolution {
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
  /** Told the config files that were looked for, before the one found, and did not exist. */
  readonly onSearched?: (absent: readonly string[]) => void;
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
  const allOrNothing = require('../mikro/all-or-nothing') as typeof import('../mikro/all-or-nothing');
  allOrNothing.markAllOrNothingDefault();
  const paths = explicit ? [...(request.configPaths as readonly string[])] : ConfigurationLoader.getConfigPaths();
  const candidates = paths.map((p) => (isAbsolute(p) ? p : resolve(request.cwd, p)));
  const found = candidates.find((p) => existsSync(p)) ?? null;
  request.onSearched?.(found === null ? candidates : candidates.slice(0, candidates.indexOf(found)));
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
  const migrations = (config.get('migrations') ?? {}) as { path?: string; pathTs?: string; tableName?: string };
  const loaded = config;
  return Object.freeze({
    file: found,
    alembic: findAlembicOptions(config.get('extensions') as readonly unknown[] | undefined),
    migrationsPath: migrations.path,
    migrationsPathTs: migrations.pathTs,
    baseDir: String(config.get('baseDir') ?? request.cwd),
    connectionSettings: () => (noDatabase === null ? connectionOf(loaded, found) : null),
    noDatabase,
    transactionMode: allOrNothing.transactionModeOf(config),
    ensureDatabase: config.get('ensureDatabase') !== false,
    mikroOrmHistory: Object.freeze({ tableName: migrations.tableName, schema: (config.get('schema') as string | undefined) ?? undefined }),
    config,
  });
}

/**
 * What the bin takes from the MikroORM config (see {@link loadOrmConfig}), from a cached resolution
 * when nothing it depends on changed since it was cached (`config-cache.ts`): then neither ts-node
 * nor MikroORM is loaded. Otherwise the config is loaded, and its resolution cached when it can be
 * kept without a secret. For verbs that need the folders, the options and the connection only.
 *
 * @example
 * ```ts
 * const resolution = await resolveOrmConfig(readProjectSettings(cwd), { cwd }, true);
 * console.log(resolution?.connectionSettings()?.database);
 * ```
 */
export async function resolveOrmConfig(settings: ProjectSettings, request: OrmConfigRequest, preferTs: boolean): Promise<OrmConfigResolution | null> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ConfigCache } = require('./config-cache') as typeof import('./config-cache');
  const cache = ConfigCache.for(settings, { cwd: request.cwd, configPaths: request.configPaths, contextName: request.contextName, preferTs });
  const hit = cache?.read();
  if (hit) {
    for (const note of hit.notes) request.note?.(note);
    return hit.resolution;
  }
  if (cache === null) return loadOrmConfig(settings, request);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { recordConfigReads } = require('./config-reads') as typeof import('./config-reads');
  const notes: string[] = [];
  let absent: readonly string[] = [];
  let file: string | null = null;
  const { result, reads } = await recordConfigReads(async () => {
    const loaded = await loadOrmConfig(settings, {
      ...request,
      note: (message) => {
        notes.push(message);
        request.note?.(message);
      },
      onSearched: (paths) => (absent = paths),
    });
    file = loaded?.file ?? null;
    return loaded;
  }, () => file);
  if (result !== null) {
    // the search: a config file that appears before the one found (or a compiled one) would be loaded instead
    const compiled = ['dist', 'build', 'src'].map((dir) => resolve(request.cwd, dir, 'mikro-orm.config.js'));
    // what MikroORM and ts-node read for the config: package.json, .env (MIKRO_ORM_* variables), tsconfig.json
    const read = [
      settings.packageJson,
      resolve(request.cwd, process.env.MIKRO_ORM_ENV ?? '.env'),
      resolve(process.cwd(), process.env.MIKRO_ORM_ENV ?? '.env'),
      resolve(request.cwd, settings.tsConfigPath ?? 'tsconfig.json'),
    ].filter((p): p is string => p !== null);
    cache.write(result, reads, [...read, ...absent, ...compiled.filter((p) => p !== result.file && !existsSync(p))], notes);
  }
  return result;
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
    // loaded here: the verbs that need no connection (heads, history, --sql) never load the URL parser
    const { connectionFromConfig } = require('../mikro/orm-connection') as typeof import('../mikro/orm-connection');
    return connectionFromConfig(config);
  } catch (error) {
    // a malformed clientUrl is named as such (its value never shown)
    if (error instanceof InvalidConnectionError) throw error;
    throw unusable(error);
  }
}
