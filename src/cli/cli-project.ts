import { existsSync } from 'node:fs';
import { extname, isAbsolute, relative, resolve } from 'node:path';
import { RevisionGraphError, type RevisionGraphErrorCode } from '../graph/errors';
import type { RevisionGraph } from '../graph/revision-graph';
import { SquashCatalog } from '../graph/squash-catalog';
import type { ConnectionOptions } from '../runtime/pg-channel';
import type { MigrationEnvironment } from '../runtime/migration-environment';
import type { MigrationRuntime, MigrationRuntimeOptions } from '../runtime/migration-runtime';
import type { RevisionSource } from '../runtime/revision-source';
import type { TransactionMode } from '../runtime/revision-runner';
import type { VersionTableOptions } from '../runtime/version-table';
import { ScriptDirectory } from '../script/script-directory';
import { ConfigLoadError, NoConnectionError } from './errors';
import { loadOrmConfig, resolveOrmConfig, type LoadedOrmConfig, type OrmConfigResolution } from './orm-config';
import { configSearchPaths, readProjectSettings, type ProjectSettings } from './project-settings';
import { prefetchingSource } from './prefetching-source';
import { ensureTsLoader, prefersTypeScript } from './ts-loader';

/** The options every verb accepts (before or after the verb). */
export interface GlobalOptions {
  /** `--config <file>` (repeatable): the MikroORM config file(s) to try, instead of the search paths. */
  readonly config?: readonly string[];
  /** `--context <name>`: which config of a multi-config file. */
  readonly context?: string;
  /** `--path <folder>`: the migrations folder (both `path` and `pathTs`). */
  readonly path?: string;
  /** `--url <url>`: the database, instead of the config's connection. */
  readonly url?: string;
  /** `--schema <name>`: schema-per-tenant, the schema database verbs migrate (version table, lock, `search_path`). */
  readonly schema?: string;
}

/**
 * What a verb needs from the project, which decides whether the MikroORM config is loaded:
 * - `graph`: the revision files only. The config is loaded only when the folder is not known from
 *   `--path` or package.json's `"mikro-orm-alembic"` key.
 * - `offline`: the files and the plugin options (version table, transaction mode): the config is
 *   loaded when one exists.
 * - `database`: also a connection: `--url`, or the config's (loaded when one exists).
 * - `optional-database`: like `database`, but without a connection the verb goes on without one.
 */
export type ProjectNeed = 'graph' | 'offline' | 'database' | 'optional-database';

/** The plugin options the bin uses, after flags, package.json and the config were merged. */
export interface ResolvedOptions {
  readonly versionTable: VersionTableOptions | undefined;
  readonly lockTimeoutMs: number | undefined;
  /** PostgreSQL's `lock_timeout` for the statements of revisions (waiting for table locks). */
  readonly statementLockTimeoutMs: number | undefined;
  readonly transactionMode: TransactionMode | undefined;
  readonly strict: boolean | undefined;
  readonly importFrom: string | undefined;
  /** Autogenerate: drop enum types no column uses (config only). */
  readonly dropUnusedEnums: boolean | undefined;
  /** Autogenerate: leave out destructive steps (config only; default MikroORM's `migrations.safe`). */
  readonly safe: boolean | undefined;
}

/** Where the migrations folder setting came from (for messages). */
export type FolderSource = '--path' | 'package.json' | 'config' | 'default';

/**
 * One project as a verb sees it: the migrations folder (read lazily, once), its revision graph, the
 * plugin options and — when needed — the database connection. Opening it loads the MikroORM config
 * only when the verb's {@link ProjectNeed} requires it.
 *
 * @example
 * ```ts
 * const project = await CliProject.open({ path: 'migrations' }, 'graph', process.cwd(), warn);
 * console.log(project.graph.heads);
 * ```
 */
export class CliProject {
  private directory: ScriptDirectory | undefined;
  private keepScans = false;
  private catalog: SquashCatalog | undefined;
  private revisionSource: RevisionSource | undefined;

  private constructor(
    /** The folder discovery reads (absolute). */
    readonly folder: string,
    /** The folder new revisions are written to (absolute): `pathTs`, else `path`. */
    readonly writeFolder: string,
    /** Where the folder setting came from. */
    readonly folderSource: FolderSource,
    /** Whether `.ts` revisions are preferred (see `prefersTypeScript`). */
    readonly preferTs: boolean,
    readonly options: ResolvedOptions,
    /** The database, or `null` when the verb does not need one or none is configured. */
    readonly connection: ConnectionOptions | null,
    /** What the MikroORM config gave (loaded now, or its cached resolution), or `null`. */
    readonly ormConfig: OrmConfigResolution | null,
    readonly settings: ProjectSettings,
    readonly cwd: string,
    /** `--schema`: the tenant schema database verbs work in, or `undefined`. */
    readonly schema: string | undefined,
  ) {}

  /**
   * Resolves the project for a verb. Folders: `--path` (relative to the working directory), else
   * package.json's `"mikro-orm-alembic"` `path`/`pathTs` (relative to that package.json), else the
   * config's `alembic({ path, pathTs })`, else its `migrations.path`/`pathTs` (relative to its
   * `baseDir`), else `migrations`. `writing` (revision, merge): read the folder new revisions go to.
   * `resolutionOnly` (upgrade, current, stamp, ...): the verb needs the folders, options and
   * connection of the config, not MikroORM itself: a cached resolution is used when it is still valid
   * (see `config-cache.ts`), and {@link fullConfig} is not available.
   */
  static async open(
    global: GlobalOptions,
    need: ProjectNeed,
    cwd: string,
    warn: (message: string) => void,
    options: { writing?: boolean; note?: (message: string) => void; resolutionOnly?: boolean } = {},
  ): Promise<CliProject> {
    const settings = readProjectSettings(cwd);
    const key = settings.alembic;
    const folderKnown = global.path !== undefined || key?.path !== undefined || key?.pathTs !== undefined;
    const preferTs = prefersTypeScript(settings, cwd);

    let config: OrmConfigResolution | null = null;
    const wantsConfig =
      need === 'graph'
        ? !folderKnown
        : (global.config?.length ?? 0) > 0 || !folderKnown || configExists(settings, cwd, preferTs) || (need === 'database' && !global.url);
    if (wantsConfig) {
      try {
        const request = { configPaths: global.config, contextName: global.context, cwd, note: options.note };
        config = options.resolutionOnly ? await resolveOrmConfig(settings, request, preferTs) : await loadOrmConfig(settings, request);
      } catch (error) {
        // marks of applied revisions are a bonus: a config that cannot be loaded only loses them
        if (need !== 'optional-database' || !folderKnown || !(error instanceof ConfigLoadError)) throw error;
        warn(`${error.message} (going on without the database)`);
      }
    }

    let path: string;
    let pathTs: string | undefined;
    let folderSource: FolderSource;
    if (global.path !== undefined) {
      path = resolve(cwd, global.path);
      pathTs = path;
      folderSource = '--path';
    } else if (key?.path !== undefined || key?.pathTs !== undefined) {
      path = resolve(settings.root, key.path ?? (key.pathTs as string));
      pathTs = key.pathTs === undefined ? undefined : resolve(settings.root, key.pathTs);
      folderSource = 'package.json';
    } else if (config !== null) {
      const base = config.baseDir;
      const alembicPath = config.alembic?.path ?? config.migrationsPath ?? 'migrations';
      path = resolve(base, alembicPath);
      const ts = config.alembic?.pathTs ?? config.migrationsPathTs;
      pathTs = ts === undefined ? undefined : resolve(base, ts);
      folderSource = 'config';
    } else {
      path = resolve(settings.root, 'migrations');
      pathTs = undefined;
      folderSource = 'default';
    }
    if (key !== null && config?.alembic !== undefined) warnOnDisagreement(key, config.alembic, settings, config, warn);

    const fromConfig = config?.alembic;
    const resolved: ResolvedOptions = Object.freeze({
      versionTable: key?.versionTable ?? fromConfig?.versionTable,
      lockTimeoutMs: key?.lockTimeoutMs ?? fromConfig?.lockTimeoutMs,
      statementLockTimeoutMs: key?.statementLockTimeoutMs ?? fromConfig?.statementLockTimeoutMs,
      transactionMode:
        key?.transactionMode ??
        fromConfig?.transactionMode ??
        // MikroORM's migrations.allOrNothing, when the config sets it
        config?.transactionMode,
      strict: key?.strict ?? fromConfig?.strict,
      importFrom: key?.importFrom ?? fromConfig?.importFrom,
      dropUnusedEnums: fromConfig?.dropUnusedEnums,
      safe: fromConfig?.safe,
    });

    let connection: ConnectionOptions | null = null;
    if (need === 'database' || need === 'optional-database') {
      // labelled, so that a malformed URL or a failed connection names where it came from
      connection = global.url !== undefined ? { connectionString: global.url, source: '--url' } : (config?.connectionSettings() ?? null);
      if (connection === null && need === 'database') {
        throw new NoConnectionError(
          config === null
            ? 'no MikroORM config file was found and --url was not given'
            : `the MikroORM config${config.file === null ? '' : ` ${shownPath(config.file, cwd)}`} names no database (${config.noDatabase ?? 'no connection'}) and --url was not given`,
        );
      }
    }
    // writing verbs read the folder they write to (the TypeScript sources), whatever is compiled
    const readTs = preferTs || options.writing === true;
    const folder = readTs ? (pathTs ?? path) : path;
    return new CliProject(folder, pathTs ?? path, folderSource, readTs, resolved, connection, config, settings, cwd, global.schema);
  }

  /**
   * The MikroORM config as loaded (its `Configuration`, for MikroORM itself), or `null` when there is
   * none. Not available to a project opened with `resolutionOnly`.
   */
  get fullConfig(): LoadedOrmConfig | null {
    if (this.ormConfig === null) return null;
    if (!('config' in this.ormConfig)) throw new Error('internal: this verb opened the project with resolutionOnly, but needs the MikroORM config');
    return this.ormConfig as LoadedOrmConfig;
  }

  /** The revision files (read once, from the file text: nothing is imported). */
  get scripts(): ScriptDirectory {
    this.directory ??= ScriptDirectory.read({ path: this.folder, pathTs: this.folder, preferTs: this.preferTs, baseDir: this.cwd, keepScans: this.keepScans });
    return this.directory;
  }

  /**
   * For a verb about to load (nearly) every revision, such as the offline SQL of a whole upgrade:
   * discovery keeps each static revision's scan for the revision's load (one read per file, or none for
   * a file unchanged since the header cache stored its scan). Call before anything reads the folder;
   * later it changes nothing.
   */
  willLoadEveryRevision(): void {
    this.keepScans = true;
  }

  /**
   * The revision graph. A broken graph's error (cycle, duplicate id, missing parent, ...) also names
   * the files of the revisions at fault.
   */
  get graph(): RevisionGraph {
    return this.squashes.graph;
  }

  /**
   * The folder's squashed revisions and the graph each database sees (`graph` is a new database's:
   * every squashed revision in place of its run).
   */
  get squashes(): SquashCatalog {
    if (this.catalog === undefined) {
      const scripts = this.scripts;
      try {
        this.catalog = new SquashCatalog(scripts.toRecords());
        void this.catalog.graph; // validates the graph
      } catch (error) {
        throw error instanceof RevisionGraphError ? withFiles(error, scripts, this.cwd) : error;
      }
    }
    return this.catalog;
  }

  /** A graph holding every one of `ids`: the new database's, or the one with the originals of squashed runs. */
  graphWith(ids: readonly string[]): RevisionGraph {
    const graph = this.graph;
    return ids.every((id) => graph.has(id)) || !this.squashes.hasSquashes ? graph : this.squashes.originalsGraph;
  }

  /** The folder as messages show it (relative to the working directory when inside it). */
  shown(path: string = this.folder): string {
    return shownPath(path, this.cwd);
  }

  /**
   * A runtime for this project's database (or, for offline SQL, for none), over the graph and files
   * already read. The runtime and `pg` are loaded now, not before. With `runsRevisions` (upgrade,
   * downgrade, offline SQL), ts-node is registered first when the folder has TypeScript revisions.
   * With `prefetch`, the next revision of a chain is loaded while the database works (see
   * `prefetchingSource`).
   */
  runtime(overrides: Partial<MigrationRuntimeOptions> = {}, options: { runsRevisions?: boolean; prefetch?: 'up' | 'down' } = {}): MigrationRuntime {
    const graph = this.graph;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { MigrationRuntime: Runtime } = require('../runtime/migration-runtime') as typeof import('../runtime/migration-runtime');
    let source = options.runsRevisions ? this.loadableSource() : this.source();
    if (options.prefetch !== undefined) {
      const direction = options.prefetch;
      // a chain's next revision is the only child (up) or the only parent (down)
      source = prefetchingSource(source, (id) => {
        if (!graph.has(id) && !this.squashes.originalsGraph.has(id)) return undefined;
        const node = (graph.has(id) ? graph : this.squashes.originalsGraph).get(id);
        const candidates = direction === 'up' ? node.children : node.downRevisions;
        return candidates.length === 1 ? candidates[0] : undefined;
      });
    }
    const schema = this.schema;
    return new Runtime({
      connection: this.connection ?? '',
      graph,
      squashes: this.squashes.hasSquashes ? this.squashes : undefined,
      source,
      versionTable: this.options.versionTable,
      ...(schema === undefined ? {} : { schema }),
      lockTimeoutMs: this.options.lockTimeoutMs,
      statementLockTimeoutMs: this.options.statementLockTimeoutMs,
      transactionMode: this.options.transactionMode,
      strict: this.options.strict,
      historySeed: this.historySeed(),
      ...overrides,
    });
  }

  /**
   * A {@link MigrationEnvironment} over this project's folder and version table, for the test kit (the
   * `test` verb, `merge --verify`), which loads every revision module: ts-node is registered first when
   * the folder has TypeScript revisions. The environment's module is loaded now, not before.
   */
  kitEnvironment(): MigrationEnvironment {
    if (this.scripts.scripts.some((s) => extname(s.path) === '.ts')) ensureTsLoader(this.settings, this.cwd);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { MigrationEnvironment: Environment } = require('../runtime/migration-environment') as typeof import('../runtime/migration-environment');
    return new Environment({
      path: this.folder,
      pathTs: this.folder,
      preferTs: this.preferTs,
      baseDir: this.cwd,
      versionTable: this.options.versionTable,
    });
  }

  /** MikroORM's history, taken when the version table is created in a database of an adopted project (`src/adopt/`). */
  private historySeed(): MigrationRuntimeOptions['historySeed'] {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { mikroOrmHistory } = require('../adopt/mikro-orm-history') as typeof import('../adopt/mikro-orm-history');
    const { tableName, schema } = this.ormConfig?.mikroOrmHistory ?? { tableName: undefined, schema: undefined };
    const table = this.options.versionTable;
    const ours = `${this.schema ?? table?.schema ?? 'public'}.${table?.name ?? 'mikro_orm_alembic_version'}`;
    if (tableName === ours || tableName === (table?.name ?? 'mikro_orm_alembic_version')) return undefined;
    // in a tenant schema, MikroORM's history is that schema's own
    return mikroOrmHistory({ tableName, schema: this.schema ?? schema, baseDir: this.cwd });
  }

  /**
   * The folder's revisions as the runtime loads them (`pg` and the runtime are not loaded before). A
   * TypeScript revision's imports (a helper of the project) need ts-node, registered when the first
   * module is loaded (as loading the config would have), not before: a run with nothing to do never
   * starts it.
   */
  source(): RevisionSource {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { scriptDirectorySource } = require('../runtime/script-source') as typeof import('../runtime/script-source');
    this.revisionSource ??= this.registeringTsNode(scriptDirectorySource(this.scripts, { cwd: this.cwd }), false);
    return this.revisionSource;
  }

  /** {@link source}, with ts-node registered (or its absence reported) before the first TypeScript revision's module is loaded. */
  loadableSource(): RevisionSource {
    return this.registeringTsNode(this.source(), true);
  }

  /** `source` whose first `load` registers ts-node when the folder has TypeScript revisions: always, or when the project uses it. */
  private registeringTsNode(source: RevisionSource, always: boolean): RevisionSource {
    if (!this.scripts.scripts.some((s) => extname(s.path) === '.ts')) return source;
    let registered = false;
    const load = async (id: string) => {
      if (!registered) {
        registered = true;
        if (always || (this.settings.useTsNode !== false && prefersTypeScript(this.settings, this.cwd))) ensureTsLoader(this.settings, this.cwd);
      }
      return source.load(id);
    };
    return Object.freeze({ ...source, load });
  }
}

/** A path relative to `cwd` when inside it, else absolute. */
export function shownPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  if (rel === '') return '.';
  return !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/** Whether a MikroORM config file exists on the search paths (a few `stat`s; MikroORM is not loaded). */
function configExists(settings: ProjectSettings, cwd: string, tsAllowed: boolean): boolean {
  if (['MIKRO_ORM_CLIENT_URL', 'MIKRO_ORM_HOST', 'MIKRO_ORM_DB_NAME'].some((v) => process.env[v])) return true;
  return configSearchPaths(settings, cwd, tsAllowed).some((p) => existsSync(resolve(cwd, p)));
}

function warnOnDisagreement(
  key: NonNullable<ProjectSettings['alembic']>,
  fromConfig: NonNullable<LoadedOrmConfig['alembic']>,
  settings: ProjectSettings,
  config: OrmConfigResolution,
  warn: (message: string) => void,
): void {
  const folder = (base: string, p: string | undefined) => (p === undefined ? undefined : resolve(base, p));
  const differs: string[] = [];
  for (const field of ['path', 'pathTs'] as const) {
    const a = folder(settings.root, key[field]);
    const b = folder(config.baseDir, fromConfig[field]);
    if (a !== undefined && b !== undefined && a !== b) differs.push(field);
  }
  for (const field of ['versionTable', 'lockTimeoutMs', 'statementLockTimeoutMs', 'transactionMode', 'strict', 'importFrom'] as const) {
    const a = key[field];
    const b = fromConfig[field];
    if (a !== undefined && b !== undefined && JSON.stringify(a) !== JSON.stringify(b)) differs.push(field);
  }
  if (differs.length > 0) {
    warn(
      `package.json "mikro-orm-alembic" and the alembic() options of ${config.file ?? 'the MikroORM config'} disagree on ` +
        `${differs.join(', ')}; the bin uses package.json's values`,
    );
  }
}

/** The same graph error, with the file of each revision it names. */
function withFiles(error: RevisionGraphError, scripts: ScriptDirectory, cwd: string): RevisionGraphError {
  const lines: string[] = [];
  for (const id of new Set(error.revisions)) {
    const files = scripts.scripts.filter((s) => s.id === id).map((s) => shownPath(s.path, cwd));
    if (files.length > 0) lines.push(`  ${id}: ${files.join(', ')}`);
  }
  if (lines.length === 0) return error;
  return new RevisionGraphError(error.code as RevisionGraphErrorCode, `${error.message}\n${lines.join('\n')}`, error.revisions);
}
