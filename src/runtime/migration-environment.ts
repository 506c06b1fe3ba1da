import type { RevisionGraph } from '../graph/revision-graph';
import { SquashCatalog } from '../graph/squash-catalog';
import { ScriptDirectory, type ScriptDirectoryOptions } from '../script/script-directory';
import { MigrationRuntime, type MigrationRuntimeOptions } from './migration-runtime';
import type { ConnectionOptions } from './pg-channel';
import type { RevisionSource } from './revision-source';
import { scriptDirectorySource } from './script-source';

/**
 * Everything that says where revisions live and how they are recorded: the options shared by the
 * bin, the MikroORM extension and the test kit.
 */
export interface EnvironmentOptions extends ScriptDirectoryOptions, Omit<MigrationRuntimeOptions, 'graph' | 'source' | 'connection'> {}

/**
 * A migrations folder opened for work: its scripts (read from the files' text, no module is
 * imported), the revision graph they form, and — given a connection — a runtime that upgrades,
 * downgrades and stamps a database with them.
 *
 * Reading the folder and building the graph are done once, on first use, and validate everything:
 * a file that cannot be read, a cycle, a missing parent each throw a typed error naming the file or
 * the revisions.
 *
 * @example
 * ```ts
 * import { MigrationEnvironment } from 'mikro-orm-alembic';
 *
 * const env = new MigrationEnvironment({ path: 'migrations', lockTimeoutMs: 30_000 });
 * console.log(env.graph.heads);
 * const result = await env.runtime(process.env.DATABASE_URL!).upgrade('head');
 * console.log(result.headsAfter);
 * ```
 */
export class MigrationEnvironment {
  private directory: ScriptDirectory | undefined;
  private catalog: SquashCatalog | undefined;
  private revisionSource: RevisionSource | undefined;

  constructor(readonly options: EnvironmentOptions = {}) {}

  /** The revision files of the folder, in load (file name) order. */
  get scripts(): ScriptDirectory {
    this.directory ??= ScriptDirectory.read(this.options);
    return this.directory;
  }

  /**
   * The revision graph of the folder, as a new database sees it: a squashed revision stands for the
   * revisions it replaces (see {@link squashes}).
   */
  get graph(): RevisionGraph {
    return this.squashes.graph;
  }

  /** The folder's squashed revisions (`replaces`), and the graph each database sees. */
  get squashes(): SquashCatalog {
    this.catalog ??= new SquashCatalog(this.scripts.toRecords());
    return this.catalog;
  }

  /** The folder's revisions as the runtime loads them (one module import per revision that runs). */
  get source(): RevisionSource {
    this.revisionSource ??= scriptDirectorySource(this.scripts, { cwd: this.options.baseDir });
    return this.revisionSource;
  }

  /**
   * A runtime for one database.
   *
   * @example
   * ```ts
   * const { heads } = await env.runtime('postgres://postgres@127.0.0.1/app').current();
   * ```
   */
  runtime(connection: ConnectionOptions, overrides: Partial<EnvironmentOptions> = {}): MigrationRuntime {
    return new MigrationRuntime({ ...this.options, ...overrides, connection, graph: this.graph, squashes: this.squashes, source: this.source });
  }

  /** Forgets what was read, so the next use reads the folder again (after a revision was written). */
  refresh(): void {
    this.directory = undefined;
    this.catalog = undefined;
    this.revisionSource = undefined;
  }
}
