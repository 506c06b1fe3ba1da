import type { Options } from '@mikro-orm/core';
import { Client } from 'pg';
import { acquireServer, type AcquiredServer } from '../harness/server';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../harness/throwaway-database';
import { lintRevisions, type LintReport } from '../lint/lint-revisions';
import { MigrationEnvironment, type EnvironmentOptions } from '../runtime/migration-environment';
import type { MigrationRuntime } from '../runtime/migration-runtime';
import { VersionTable } from '../runtime/version-table';
import { MigrationCheckError, describeError, isIrreversible } from './errors';
import { describeCommute, verifyBranchesCommute, type CommuteResult } from './branch-commute';
import { diffSchemaSnapshots, readSchemaSnapshot } from './schema-snapshot';
import { checkSquashEquivalent, type SquashEquivalence } from './squash-equivalence';

/** A database handed to data hooks: its URL and a one-statement query helper. */
export interface KitDatabase {
  readonly url: string;
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

/**
 * Data checks around one revision, as pytest-alembic's `before_revision_data` and
 * `at_revision_data`: `before` runs just before the revision's `up()` (insert rows the revision
 * must migrate), `after` just after it (check them). Throw (or fail an assertion) to fail the check.
 */
export interface DataHook {
  before?(db: KitDatabase): Promise<void> | void;
  after?(db: KitDatabase): Promise<void> | void;
}

/** Options of {@link MigrationTestKit}: where revisions live, and where throw-away databases are made. */
export interface MigrationTestKitOptions extends EnvironmentOptions {
  /**
   * A server URL (any database on it) where the kit creates and drops its throw-away databases.
   * Default: the harness — `DATABASE_URL`'s server, else an embedded PostgreSQL. A function is called
   * when a check first needs a database (for servers started in a test hook).
   */
  readonly serverUrl?: string | (() => string | Promise<string>);
  /** An already opened environment (default: one built from these options). */
  readonly environment?: MigrationEnvironment;
  /** Data hooks per revision id (or unique prefix). */
  readonly dataHooks?: Readonly<Record<string, DataHook>>;
  /**
   * The application's MikroORM options (entities, naming strategy, ...), for
   * `assertModelsMatchMigrations`. The connection settings are replaced by the kit's database.
   */
  readonly orm?: OrmOptions | (() => OrmOptions | Promise<OrmOptions>);
  /**
   * The start of the names of the kit's throw-away databases (`<prefix>_<pid>_<random>`), so that a
   * shared server's administrators can tell them apart and clean up after a killed run. Default:
   * the `MIKRO_ORM_ALEMBIC_TEST_DB_PREFIX` environment variable, else `mo_alembic_kit`. Lower-cased;
   * characters other than `a-z0-9_` become `_`.
   *
   * @example
   * ```ts
   * const kit = await MigrationTestKit.open({ path: 'migrations', databasePrefix: 'ci_billing' });
   * ```
   */
  readonly databasePrefix?: string;
}

/** The environment variable that sets the kit's database name prefix when the option does not. */
export const TEST_DB_PREFIX_VARIABLE = 'MIKRO_ORM_ALEMBIC_TEST_DB_PREFIX';

/** MikroORM options as the kit takes them (`Options` of `@mikro-orm/core`). */
export type OrmOptions = Options;

/** What a stairway did. */
export interface StairwayResult {
  /** Revisions stepped up, down and up again, in order. */
  readonly stepped: readonly string[];
  /** The newest revision whose down() is irreversible, where the walk down to base stopped; or null. */
  readonly floor: string | null;
}

/**
 * The migration test kit: the checks that catch broken migrations before deploy, each on its own
 * throw-away database. Runner-agnostic: every check is an async function that throws a
 * {@link MigrationCheckError} with a readable report. `describeMigrations` (mocha) wraps them.
 *
 * @example
 * ```ts
 * const kit = await MigrationTestKit.open({ path: 'migrations' });
 * try {
 *   kit.assertGraphValid();
 *   kit.assertSingleHead();
 *   await kit.assertUpgradeFromEmpty();
 *   await kit.stairway();
 *   await kit.assertDowngradeLeavesNoTrace();
 * } finally {
 *   await kit.close();
 * }
 * ```
 */
export class MigrationTestKit {
  readonly environment: MigrationEnvironment;
  private readonly options: MigrationTestKitOptions;
  private server: AcquiredServer | undefined;
  private serverUrl: string | undefined;

  private constructor(options: MigrationTestKitOptions) {
    this.options = options;
    this.environment = options.environment ?? new MigrationEnvironment(options);
  }

  /**
   * A kit over a migrations folder. The server is acquired when a check first needs a database.
   *
   * @example
   * ```ts
   * const kit = await MigrationTestKit.open({ path: 'migrations', serverUrl: process.env.DATABASE_URL });
   * ```
   */
  static async open(options: MigrationTestKitOptions = {}): Promise<MigrationTestKit> {
    return new MigrationTestKit(options);
  }

  /**
   * Lints every revision (`up()`, rendered offline; docs/lint.md) and fails on a finding its revision
   * does not acknowledge, listing each with the revision, file, statement and the safe alternative.
   * No database.
   *
   * @example
   * ```ts
   * const report = await kit.assertLintClean();
   * console.log(`${report.findings.length - report.unacknowledged.length} acknowledged`);
   * ```
   */
  async assertLintClean(): Promise<LintReport> {
    const report = await lintRevisions(this.environment.source, this.upgradeOrder(), {
      versionTable: this.options.versionTable,
      runnerLockTimeout: this.options.statementLockTimeoutMs !== 0,
    });
    if (report.unacknowledged.length > 0) {
      const lines = report.unacknowledged.map(
        (f) => `  ${this.describeRevision(f.revision)} ${f.code}: ${f.message}
    statement: ${f.statement}
    instead: ${f.alternative}`,
      );
      throw new MigrationCheckError(
        'LINT_FINDINGS',
        `${report.unacknowledged.length} lint finding(s) no revision acknowledges (fix the statement, or add acknowledge = { CODE: 'reason' } to the revision):\n${lines.join('\n')}`,
        { revision: report.unacknowledged[0].revision },
      );
    }
    return report;
  }

  /** Releases the server the kit acquired (an embedded PostgreSQL is stopped). */
  async close(): Promise<void> {
    await this.server?.release();
    this.server = undefined;
  }

  /**
   * The revisions in upgrade order (base to heads, across branches and merges). Throws like
   * {@link assertGraphValid} when the graph does not load.
   */
  upgradeOrder(): readonly string[] {
    return this.environment.graph.planUpgrade([], 'heads').revisions;
  }

  /**
   * The migrations folder loads into a valid graph: every file readable, no duplicate ids, no cycles,
   * no missing parents or dependencies. Needs no database.
   *
   * @example
   * ```ts
   * kit.assertGraphValid();
   * ```
   */
  assertGraphValid(): void {
    try {
      void this.environment.graph.heads;
    } catch (e) {
      throw new MigrationCheckError('GRAPH_INVALID', `The revision graph in ${this.environment.scripts.folder ?? 'the migrations folder'} does not load:\n  ${describeError(e)}`, { cause: e });
    }
  }

  /**
   * Exactly one head. Two heads after parallel pull requests are reported with the command that
   * merges them. Needs no database.
   *
   * @example
   * ```ts
   * kit.assertSingleHead();
   * ```
   */
  assertSingleHead(): void {
    this.assertGraphValid();
    const { graph, scripts } = this.environment;
    const heads = graph.heads;
    if (heads.length === 1) return;
    if (heads.length === 0) {
      throw new MigrationCheckError('NOT_SINGLE_HEAD', `No revisions in ${scripts.folder}: there is no head. Create one with \`npx mikro-orm migration:create\`.`);
    }
    const lines = heads.map((id) => {
      const script = scripts.get(id);
      return `  ${id}  ${script?.message ?? ''}  (${script?.fileName ?? '?'})`;
    });
    throw new MigrationCheckError(
      'NOT_SINGLE_HEAD',
      [
        `${heads.length} heads in ${scripts.folder}; expected exactly one:`,
        ...lines,
        'Revisions were added in parallel (two branches). Merge them:',
        `  npx mikro-orm-alembic merge ${heads.join(' ')} -m "merge heads"`,
      ].join('\n'),
    );
  }

  /**
   * On a new empty database, `upgrade heads` succeeds.
   *
   * @example
   * ```ts
   * await kit.assertUpgradeFromEmpty();
   * ```
   */
  async assertUpgradeFromEmpty(): Promise<void> {
    this.assertGraphValid();
    await this.withDatabase(async (url) => {
      try {
        await this.runtime(url).upgrade('heads');
      } catch (e) {
        throw new MigrationCheckError('UPGRADE_FROM_EMPTY_FAILED', `upgrade heads on an empty database failed:\n  ${describeError(e)}`, {
          cause: e,
          revision: (e as { revision?: string }).revision,
        });
      }
    });
  }

  /**
   * For every revision in upgrade order: up, down, up again (running its data hooks around the
   * first up); then the whole graph down to base and up again. A revision whose `down()` is
   * irreversible is stepped up only, and the walk down stops at the newest such revision (the floor).
   *
   * @example
   * ```ts
   * const { stepped, floor } = await kit.stairway();
   * ```
   */
  async stairway(): Promise<StairwayResult> {
    const session = this.stairwaySession();
    try {
      await session.open();
      for (const id of session.order) await session.step(id);
      await session.roundTrip();
      return session.result();
    } finally {
      await session.close();
    }
  }

  /**
   * The stairway as separate steps sharing one database, so a test runner can report one test per
   * revision: `open()`, `step(id)` for each id of `order`, `roundTrip()`, `close()`.
   */
  stairwaySession(): StairwaySession {
    return new StairwaySession(this, this.upgradeOrder());
  }

  /**
   * For every revision, the schema after up + down equals the schema before the up: tables, columns,
   * types, enum types and their values, indexes, constraints, views, sequences, functions,
   * triggers, comments. Reports what each leaky revision left behind (or removed).
   *
   * @example
   * ```ts
   * await kit.assertDowngradeLeavesNoTrace();
   * ```
   */
  async assertDowngradeLeavesNoTrace(): Promise<void> {
    const order = this.upgradeOrder();
    const ignore = [this.versionTableName()];
    await this.withDatabase(async (url) => {
      const runtime = this.runtime(url);
      const client = await this.connect(url);
      try {
        const problems: string[] = [];
        for (const id of order) {
          const before = await readSchemaSnapshot(client, { ignoreTables: ignore });
          try {
            await runtime.runExactly('up', [id]);
          } catch (e) {
            throw new MigrationCheckError('DOWNGRADE_LEFT_TRACE', `${this.describeRevision(id)}: up() failed:\n  ${describeError(e)}`, { revision: id, cause: e });
          }
          try {
            await runtime.runExactly('down', [id]);
          } catch (e) {
            if (isIrreversible(e)) break;
            throw new MigrationCheckError('DOWNGRADE_LEFT_TRACE', `${this.describeRevision(id)}: down() failed:\n  ${describeError(e)}`, { revision: id, cause: e });
          }
          const diff = diffSchemaSnapshots(before, await readSchemaSnapshot(client, { ignoreTables: ignore }));
          if (diff.length > 0) {
            // the database no longer matches the revisions recorded as applied: later revisions cannot be judged
            problems.push(`${this.describeRevision(id)}: after up and down the schema differs from before (- missing, + left behind):\n${diff.map((d) => `    ${d}`).join('\n')}`);
            break;
          }
          await runtime.runExactly('up', [id]);
        }
        if (problems.length > 0) {
          throw new MigrationCheckError('DOWNGRADE_LEFT_TRACE', `${problems.length} revision(s) do not undo themselves exactly:\n${problems.join('\n')}`, {
            revision: problems[0].split(' ')[0],
          });
        }
      } finally {
        await client.end();
      }
    });
  }

  /**
   * After upgrading a new database to heads, the entities and the database schema have no
   * difference: a revision was not forgotten (drift). The report shows the revision that
   * `migration:create` would generate. Needs the `orm` option. It compares what `migration:create`
   * compares: the `include`/`ignore` of a plugin in `orm.extensions` (`alembic({...})`) hold, and
   * bookkeeping tables of migration tools (`mikro_orm_migrations`, `alembic_version`, ...) are left out.
   *
   * @example
   * ```ts
   * const kit = await MigrationTestKit.open({ path: 'migrations', orm: config });
   * await kit.assertModelsMatchMigrations();
   * ```
   */
  async assertModelsMatchMigrations(): Promise<void> {
    const given = this.options.orm;
    if (given === undefined) throw new TypeError('assertModelsMatchMigrations needs the `orm` option (the MikroORM options of the application)');
    const ormOptions = typeof given === 'function' ? await given() : given;
    this.assertGraphValid();
    await this.withDatabase(async (url) => {
      await this.runtime(url).upgrade('heads');
      // loaded on demand: the rest of the kit does not need MikroORM or the schema diff
      const { MikroORM } = require('@mikro-orm/core') as typeof import('@mikro-orm/core');
      const { autogenerate } = require('../autogen') as typeof import('../autogen');
      const target = new URL(url);
      const orm = await MikroORM.init({
        ...ormOptions,
        clientUrl: url,
        host: target.hostname,
        port: Number(target.port || 5432),
        user: decodeURIComponent(target.username) || undefined,
        password: decodeURIComponent(target.password) || undefined,
        dbName: decodeURIComponent(target.pathname.slice(1)),
        allowGlobalContext: true,
        debug: false,
      });
      try {
        const result = await autogenerate(orm, { versionTable: this.options.versionTable });
        if (!result.empty) {
          const indent = (text: string) => text.split('\n').map((l) => `      ${l}`).join('\n');
          throw new MigrationCheckError(
            'MODELS_DIFFER',
            [
              'The entities differ from the schema the revisions produce (a revision is missing):',
              result.summary
                .split('\n')
                .map((l) => `  ${l}`)
                .join('\n'),
              'The revision `npx mikro-orm migration:create` would generate:',
              '    up():',
              indent(result.upBody),
              '    down():',
              indent(result.downBody),
            ].join('\n'),
          );
        }
      } finally {
        await orm.close(true);
      }
    });
  }

  /**
   * Proves that the branches of two heads (default: the graph's two heads) commute by running them:
   * on two throw-away databases, the revisions both build on, then A's then B's, and B's then A's
   * (data hooks around each revision), comparing the schemas. Returns the result of each pair of heads;
   * see {@link assertBranchesCommute} for the check that throws.
   *
   * @example
   * ```ts
   * const [result] = await kit.verifyBranchesCommute();
   * console.log(result.commutes, result.difference);
   * ```
   */
  async verifyBranchesCommute(heads: readonly string[] = this.environment.graph.heads): Promise<readonly CommuteResult[]> {
    this.assertGraphValid();
    const results: CommuteResult[] = [];
    for (let i = 0; i < heads.length; i++) for (let j = i + 1; j < heads.length; j++) results.push(await verifyBranchesCommute(this, heads[i], heads[j]));
    return Object.freeze(results);
  }

  /**
   * The branches of the heads (default: every head of the graph) commute: applied in both orders from
   * their merge base, each pair gives the same schema (docs/merges.md). Throws `BRANCHES_DO_NOT_COMMUTE`
   * with the schema difference, or the revision at which an order fails. One head: nothing to check.
   *
   * @example
   * ```ts
   * await kit.assertBranchesCommute(); // before merging two pull requests' heads
   * ```
   */
  async assertBranchesCommute(heads?: readonly string[]): Promise<readonly CommuteResult[]> {
    const results = await this.verifyBranchesCommute(heads);
    const failing = results.filter((r) => !r.commutes);
    if (failing.length > 0) {
      const failed = failing[0].runs.find((r) => r.failed !== null)?.failed;
      throw new MigrationCheckError('BRANCHES_DO_NOT_COMMUTE', failing.flatMap((r) => describeCommute(r)).join('\n'), { revision: failed?.revision });
    }
    return results;
  }

  /** A {@link KitDatabase} on `url`: what data hooks are handed. */
  database(url: string): KitDatabase {
    return {
      url,
      query: async <T>(sql: string, params?: readonly unknown[]): Promise<T[]> => {
        const client = await this.connect(url);
        try {
          return (await client.query(sql, params as unknown[] | undefined)).rows as T[];
        } finally {
          await client.end();
        }
      },
    };
  }

  /**
   * A squashed revision (or each one whose originals are still in the folder) gives the same schema as
   * the run it replaces, after `up()` and after `down()` (catalog snapshots on new databases;
   * `SQUASH_NOT_EQUIVALENT` with the difference otherwise).
   *
   * @example
   * ```ts
   * await kit.assertSquashEquivalent();              // every squash
   * await kit.assertSquashEquivalent('9f8e7d6c5b4a'); // one
   * ```
   */
  async assertSquashEquivalent(squash?: string): Promise<readonly SquashEquivalence[]> {
    return checkSquashEquivalent(this, squash);
  }

  /** A runtime for `url` with the kit's options (a short lock timeout: the database is the kit's own). */
  runtime(url: string): MigrationRuntime {
    return this.environment.runtime(url, { lockTimeoutMs: this.options.lockTimeoutMs ?? 10_000 });
  }

  /** A new empty database on the kit's server; drop it yourself. */
  async createDatabase(): Promise<ThrowawayDatabase> {
    return createThrowawayDatabase(await this.server_(), { prefix: this.databasePrefix });
  }

  /** The prefix of the kit's database names: the option, else `MIKRO_ORM_ALEMBIC_TEST_DB_PREFIX`, else `mo_alembic_kit`. */
  get databasePrefix(): string {
    const fromEnv = process.env[TEST_DB_PREFIX_VARIABLE];
    return this.options.databasePrefix ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : 'mo_alembic_kit');
  }

  /** Runs `fn` on a new empty database, dropped afterwards whatever happens. */
  async withDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
    const db = await this.createDatabase();
    try {
      return await fn(db.url);
    } finally {
      await db.drop();
    }
  }

  /** The data hook registered for a revision (by id or unique prefix). */
  dataHook(id: string): DataHook | undefined {
    const hooks = this.options.dataHooks ?? {};
    for (const [key, hook] of Object.entries(hooks)) {
      if (key === id) return hook;
      const resolved = this.environment.graph.resolve(key);
      if (resolved.length === 1 && resolved[0] === id) return hook;
    }
    return undefined;
  }

  /** `id (file): message`, for reports. */
  describeRevision(id: string): string {
    const script = this.environment.scripts.get(id);
    return script ? `${id} (${script.fileName}: ${script.message})` : id;
  }

  /** A pg client on `url` (end it yourself). */
  async connect(url: string): Promise<Client> {
    const client = new Client({ connectionString: url, application_name: 'mikro-orm-alembic-kit' });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  }

  /** `schema.table` of the version table. */
  versionTableName(): string {
    const table = new VersionTable(this.options.versionTable);
    return `${table.schema}.${table.name}`;
  }

  private async server_(): Promise<string> {
    if (this.serverUrl === undefined) {
      const given = this.options.serverUrl;
      if (typeof given === 'function') this.serverUrl = await given();
      else if (given !== undefined) this.serverUrl = given;
      else {
        this.server = await acquireServer();
        this.serverUrl = this.server.url;
      }
    }
    return this.serverUrl;
  }
}

/** One stairway run, step by step, on one throw-away database (see {@link MigrationTestKit.stairwaySession}). */
export class StairwaySession {
  private db: ThrowawayDatabase | undefined;
  private runtime: MigrationRuntime | undefined;
  private readonly stepped: string[] = [];
  private floor: string | null = null;

  constructor(private readonly kit: MigrationTestKit, readonly order: readonly string[]) {}

  /** Creates the throw-away database. */
  async open(): Promise<void> {
    this.db = await this.kit.createDatabase();
    this.runtime = this.kit.runtime(this.db.url);
  }

  /** Up, down and up again for one revision (its parents are applied by the earlier steps). */
  async step(id: string): Promise<void> {
    const runtime = this.ready();
    const hook = this.kit.dataHook(id);
    const db = this.database();
    await this.phase(id, 'up', async () => {
      if (hook?.before) await this.hook(id, 'before', () => hook.before!(db));
      await runtime.runExactly('up', [id]);
      if (hook?.after) await this.hook(id, 'after', () => hook.after!(db));
    });
    let reversible = true;
    await this.phase(id, 'down', async () => {
      try {
        await runtime.runExactly('down', [id]);
      } catch (e) {
        if (!isIrreversible(e)) throw e;
        reversible = false;
        this.floor = id;
      }
    });
    if (reversible) await this.phase(id, 'up again', () => runtime.runExactly('up', [id]).then(() => undefined));
    this.stepped.push(id);
  }

  /** Every revision down (newest first, stopping at an irreversible one), then `upgrade heads` again. */
  async roundTrip(): Promise<void> {
    const runtime = this.ready();
    const { heads } = await runtime.current();
    const applied = new Set(this.kit.environment.graph.ancestry(heads));
    for (const id of [...this.order].reverse()) {
      if (!applied.has(id)) continue;
      let stop = false;
      await this.phase(id, 'down (walking to base)', async () => {
        try {
          await runtime.runExactly('down', [id]);
        } catch (e) {
          if (!isIrreversible(e)) throw e;
          this.floor = id;
          stop = true;
        }
      });
      if (stop) break;
    }
    await this.phase(this.floor ?? 'base', 'upgrade heads (after walking down)', () => runtime.upgrade('heads').then(() => undefined));
  }

  result(): StairwayResult {
    return Object.freeze({ stepped: Object.freeze([...this.stepped]), floor: this.floor });
  }

  /** Drops the database. */
  async close(): Promise<void> {
    const db = this.db;
    this.db = undefined;
    this.runtime = undefined;
    await db?.drop();
  }

  private ready(): MigrationRuntime {
    if (!this.runtime) throw new Error('StairwaySession: call open() first');
    return this.runtime;
  }

  private database(): KitDatabase {
    const url = this.db!.url;
    const kit = this.kit;
    return {
      url,
      async query<T>(sql: string, params?: readonly unknown[]): Promise<T[]> {
        const client = await kit.connect(url);
        try {
          return (await client.query(sql, params as unknown[] | undefined)).rows as T[];
        } finally {
          await client.end();
        }
      },
    };
  }

  private async phase(id: string, what: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      if (e instanceof MigrationCheckError) throw e;
      throw new MigrationCheckError('STAIRWAY_FAILED', `stairway: ${what} of ${this.kit.describeRevision(id)} failed:\n  ${describeError(e)}${hint(what)}`, { revision: id, cause: e });
    }
  }

  private async hook(id: string, when: 'before' | 'after', fn: () => Promise<void> | void): Promise<void> {
    try {
      await fn();
    } catch (e) {
      throw new MigrationCheckError('DATA_CHECK_FAILED', `data check ${when} ${this.kit.describeRevision(id)} failed:\n  ${describeError(e)}`, { revision: id, cause: e });
    }
  }
}

function hint(what: string): string {
  if (what === 'up again') return '\n  (the down() left something behind that the up() creates again: compare them)';
  if (what.startsWith('down')) return '\n  (the down() does not undo the up(); write it, or raise IrreversibleRevisionError on purpose)';
  return '';
}
