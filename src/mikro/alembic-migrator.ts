import { mkdirSync, readFileSync } from 'node:fs';
import type {
  IMigrator,
  MigrateOptions,
  MigrationResult as OrmMigrationResult,
  MigratorEvent,
  MikroORM,
} from '@mikro-orm/core';
import { RevisionGraphError } from '../graph/errors';
import type { RevisionGraph } from '../graph/revision-graph';
import { readAppliedState } from '../runtime/applied-state';
import { MigrationEnvironment, type EnvironmentOptions } from '../runtime/migration-environment';
import type { CurrentState, MigrationResult, MigrationRuntime, RunOptions, RuntimeLog } from '../runtime/migration-runtime';
import type { StampResult } from '../runtime/stamp';
import { VersionTable } from '../runtime/version-table';
import { displayPath } from '../script/display-path';
import { isTsLoaderRegistered } from '../script/revision-loader';
import { writeRevision } from '../script/revision-writer';
import { resolveScriptFolder } from '../script/script-directory';
import { ALEMBIC_OPTIONS, type AlembicOptions } from './alembic-options';
import { skipBookkeepingTables } from './skip-bookkeeping-tables';
import { versionTableOf } from './tenant-version-table';
import type { AutogenOptions, AutogenResult } from '../autogen';
import { runAutogenerate, runBaseline, type AutogenSafetyNote } from './autogen-port';
import { CheckNeedsHeadError, CREATE_HEAD_VARIABLE, DatabaseNotAtHeadError, InitialRevisionExistsError, InitialSchemaPartialError, MultipleHeadsError } from './errors';
import { initialSchemaState } from './initial-schema';
import { migrateRequest, type MigrateInput } from './migrate-request';
import { mikroOrmHistorySeed, rememberMikroOrmHistoryTable } from './mikro-orm-history-table';
import { MigratorEvents, type MigratorListener } from './migrator-events';
import { transactionModeOf } from './all-or-nothing';
import { connectionFromConfig } from './orm-connection';
import { ormQueryable } from './orm-queryable';
import { migrationEntry, type ExecutedMigration, type MigrationEntry, type MigrationEventPayload } from './migration-entry';
import { MigrationNames } from './migration-names';
import { revisionDisplayName } from './revision-name';
import { createScratchDatabase } from './scratch-database';
import { VersionStorage, type MigratorStorage } from './version-storage';

/** Options of {@link AlembicMigrator.createRevision}. */
export interface CreateRevisionOptions {
  /** The revision's message (first line of its header, and the file name's slug). Default: autogenerate's summary. */
  readonly message?: string;
  /** Diff the entities against the database (default `true`); `false` writes an empty revision. */
  readonly autogenerate?: boolean;
  /**
   * The revision to build on: a target (`billing@head`, an id or prefix), or `'base'` for a new base.
   * Default: the single head (several heads: {@link MultipleHeadsError}).
   */
  readonly head?: string;
  /** Allow `head` to be a revision that is not a head (start a branch from the middle). */
  readonly splice?: boolean;
  /** Branch label(s) of the new revision. */
  readonly branchLabel?: string | readonly string[];
  /** Revisions (or labels) that must be applied first, without being parents. */
  readonly dependsOn?: readonly string[];
  /** The migrations folder to read and write instead of the configured one (`migration:create -p`). */
  readonly path?: string;
  /** The new revision's id (default: a random one). */
  readonly revId?: string;
  /**
   * Write a baseline: the whole current model as a new base revision (the entities compared with an
   * empty schema, not with the database, which is not read). Stamp it where the schema exists,
   * upgrade where it does not. Implies `autogenerate`; `head` defaults to `'base'`.
   */
  readonly baseline?: boolean;
}

/** What {@link AlembicMigrator.createRevision} did. */
export interface CreatedRevision {
  /** Whether a file was written: `false` when autogenerate found no difference. */
  readonly written: boolean;
  /** The new revision's id, or `null` when nothing was written. */
  readonly id: string | null;
  /** Absolute path of the new file, or `null`. */
  readonly path: string | null;
  /** The new file's name, or `null`. */
  readonly fileName: string | null;
  readonly message: string;
  /** The new revision's down revisions (`[]` for a base). */
  readonly downRevisions: readonly string[];
  /** The SQL of `up()` / `down()` as autogenerate rendered it (empty for a blank revision). */
  readonly upSql: readonly string[];
  readonly downSql: readonly string[];
  /** Autogenerate's safety notes, also listed in the file's header. */
  readonly notes: readonly AutogenSafetyNote[];
  /** Autogenerate's summary of the changes (`''` for a blank revision). */
  readonly summary: string;
  /** The file's text (`''` when nothing was written). */
  readonly code: string;
}

/** A revision as the typed API lists it. */
export interface RevisionInfo {
  readonly id: string;
  readonly message: string;
  readonly downRevisions: readonly string[];
  readonly branchLabels: readonly string[];
  readonly dependsOn: readonly string[];
  readonly isHead: boolean;
  readonly isBranchPoint: boolean;
  readonly isMergePoint: boolean;
  /** The file, relative to the working directory when inside it. */
  readonly path: string;
}

/**
 * What {@link AlembicMigrator.check} found. The entities are compared with the schema the revisions
 * produce (head): the database itself when it is at head, else a scratch database upgraded to head.
 */
export interface SchemaCheckResult {
  /** The entities differ from the head schema: a new revision is needed. */
  readonly needed: boolean;
  /** Revisions not applied to the database, in upgrade order. */
  readonly pending: readonly string[];
  /** What the entities were compared with. */
  readonly comparedWith: 'database' | 'scratch-database';
  /** Autogenerate's summary of the difference (`''` when none). */
  readonly summary: string;
  /** The SQL a new revision's `up()` would run. */
  readonly upSql: readonly string[];
  readonly notes: readonly AutogenSafetyNote[];
}

const BLANK_DIFF = '-- blank revision: write its steps in up() and down()';

/**
 * The plugin's migrator: MikroORM's `IMigrator` (what `npx mikro-orm migration:*` and
 * `orm.migrator` call) over an Alembic revision graph, plus a typed API of its own.
 *
 * Register it with `extensions: [alembic({ ... })]`, or `extensions: [AlembicMigrator]` for the
 * defaults. It replaces MikroORM's migrator (`@mikro-orm/migrator`) and points MikroORM's
 * `migrations.tableName` at the version table, so `schema:update` never proposes to drop it and
 * `migration:fresh` drops it.
 *
 * The revisions are read from `pathTs` when TypeScript is preferred (the CLI, ts-node), else from
 * `path`; the runtime opens its own connection (from `clientUrl` or `host`/`port`/`user`/`password`/
 * `dbName`), takes the migration lock on it and runs each revision in its own transaction.
 *
 * @example
 * ```ts
 * import { MikroORM } from '@mikro-orm/postgresql';
 * import { alembic, alembicMigrator } from 'mikro-orm-alembic';
 *
 * const orm = await MikroORM.init({ clientUrl: process.env.DATABASE_URL, entities: [User], extensions: [alembic()] });
 * const migrator = alembicMigrator(orm);          // orm.migrator, typed
 * await migrator.upgrade('head');
 * console.log(migrator.heads(), (await migrator.current()).heads);
 * await migrator.createRevision({ message: 'add user role' });
 * await orm.close();
 * ```
 */
export class AlembicMigrator implements IMigrator {
  /** The class as an extension uses the default options; {@link alembic} passes others. */
  static readonly [ALEMBIC_OPTIONS]: AlembicOptions = Object.freeze({});

  /** The plugin's options. */
  readonly options: AlembicOptions;
  private readonly orm: MikroORM;
  private readonly events: MigratorEvents;
  private env: MigrationEnvironment | undefined;

  constructor(orm: MikroORM, options: AlembicOptions = {}) {
    this.orm = orm;
    this.options = Object.freeze({ ...options });
    this.events = new MigratorEvents((error) => this.log.warn?.(`a migrator event listener failed: ${describe(error)}`));
  }

  /**
   * Registers the plugin on an ORM (what MikroORM calls for each entry of `extensions`): the
   * migrator extension `@mikro-orm/migrator`, and `migrations.tableName` set to the version table.
   *
   * @example
   * ```ts
   * export default defineConfig({ entities: [User], extensions: [AlembicMigrator] }); // default options
   * ```
   */
  static register(orm: MikroORM, options: AlembicOptions = {}): void {
    const table = new VersionTable(versionTableOf(options));
    rememberMikroOrmHistoryTable(orm.config, table);
    const configured = orm.config.get('migrations').tableName ?? 'mikro_orm_migrations';
    orm.config.set('migrations', { ...orm.config.get('migrations'), tableName: `${table.schema}.${table.name}` });
    skipBookkeepingTables(orm, [configured, table.name, ...(options.bookkeepingTables ?? [])]);
    orm.config.registerExtension('@mikro-orm/migrator', () => new AlembicMigrator(orm, options));
  }

  // ─── the typed API ──────────────────────────────────────────────────────────────────────────────

  /**
   * The migrations folder as configured: its scripts and graph (read once; see {@link refresh}).
   *
   * @example
   * ```ts
   * console.log(migrator.environment.scripts.folder, migrator.environment.graph.heads);
   * ```
   */
  get environment(): MigrationEnvironment {
    this.env ??= this.openEnvironment(this.environmentOptions());
    return this.env;
  }

  /**
   * The revision graph of the migrations folder.
   *
   * @example
   * ```ts
   * migrator.graph.resolve('billing@head'); // ['1a2b3c4d5e6f']
   * ```
   */
  get graph(): RevisionGraph {
    return this.environment.graph;
  }

  /**
   * Forgets the folder read so far (after files were added outside this migrator).
   *
   * @example
   * ```ts
   * writeMerge({ directory: 'migrations', heads: migrator.heads() });
   * migrator.refresh();
   * ```
   */
  refresh(): void {
    this.env = undefined;
  }

  /**
   * A runtime for the ORM's database (its own connection, the migration lock, the version table).
   *
   * @example
   * ```ts
   * const sql = await migrator.runtime().offlineSql({ direction: 'up', target: 'head' });
   * ```
   */
  runtime(environment: MigrationEnvironment = this.environment): MigrationRuntime {
    return environment.runtime(connectionFromConfig(this.orm.config));
  }

  /**
   * Upgrades the database to `target` (default `head`; any Alembic target: `heads`, `billing@head`,
   * `+1`, an id or prefix). Creates the database first when MikroORM's `ensureDatabase` is on.
   *
   * @example
   * ```ts
   * const { ran, headsAfter } = await migrator.upgrade('heads');
   * ```
   */
  async upgrade(target = 'head', options: RunOptions = {}): Promise<MigrationResult> {
    await this.ensureDatabase();
    return this.runtime().upgrade(target, this.progress('up', options));
  }

  /**
   * Downgrades the database to `target` (default `-1`; `base` for everything, an id, `label@-1`).
   *
   * @example
   * ```ts
   * await migrator.downgrade('base');
   * ```
   */
  async downgrade(target = '-1', options: RunOptions = {}): Promise<MigrationResult> {
    return this.runtime().downgrade(target, this.progress('down', options));
  }

  /**
   * The database's current heads and applied revisions (read-only).
   *
   * @example
   * ```ts
   * const { heads, applied } = await migrator.current();
   * ```
   */
  async current(): Promise<CurrentState> {
    return this.runtime().current();
  }

  /**
   * The heads of the revision graph (no database).
   *
   * @example
   * ```ts
   * if (migrator.heads().length > 1) console.log('merge the branches first');
   * ```
   */
  heads(): readonly string[] {
    return this.graph.heads;
  }

  /**
   * The revisions, newest first (`alembic history`), optionally within a range `lower:upper`.
   *
   * @example
   * ```ts
   * for (const r of migrator.history()) console.log(`${r.downRevisions.join(',') || '<base>'} -> ${r.id} ${r.message}`);
   * ```
   */
  history(range?: string): readonly RevisionInfo[] {
    const { graph, scripts } = this.environment;
    return Object.freeze(
      graph.history(range).map((id) => {
        const node = graph.get(id);
        const script = scripts.get(id);
        return Object.freeze({
          id,
          message: script?.message ?? '',
          downRevisions: node.downRevisions,
          branchLabels: node.branchLabels,
          dependsOn: node.dependsOn,
          isHead: node.isHead,
          isBranchPoint: node.isBranchPoint,
          isMergePoint: node.isMergePoint,
          path: script ? displayPath(script.path) : '',
        });
      }),
    );
  }

  /**
   * Records `target`'s ancestry as applied without running anything (an existing schema put under
   * revision control).
   *
   * @example
   * ```ts
   * await migrator.stamp('head');
   * ```
   */
  async stamp(target: string, options: { purge?: boolean } = {}): Promise<StampResult> {
    await this.ensureDatabase();
    return this.runtime().stamp(target, options);
  }

  /**
   * Writes a new revision on the head (`alembic revision [--autogenerate]`). With `autogenerate`
   * (default) the database must be at head and the revision holds the difference between the
   * entities and the database; no difference → no file (`written: false`). Autogenerate's safety
   * notes are listed in the file's header and logged.
   *
   * @throws {MultipleHeadsError} several heads and no `head` given
   * @throws {DatabaseNotAtHeadError} autogenerate while revisions are not applied
   * @example
   * ```ts
   * const created = await migrator.createRevision({ message: 'add user role' });
   * if (created.written) console.log(`${created.fileName}: ${created.notes.map((n) => n.code).join(', ')}`);
   * const blank = await migrator.createRevision({ message: 'backfill roles', autogenerate: false, branchLabel: 'data' });
   * ```
   */
  async createRevision(options: CreateRevisionOptions = {}): Promise<CreatedRevision> {
    const autogenerate = options.baseline === true || (options.autogenerate ?? true);
    const env = options.path === undefined ? this.authoringEnvironment() : this.authoringEnvironment(options.path);
    const { graph } = env;
    const parents = this.parentsOf(graph, options.head ?? (options.baseline ? 'base' : undefined));
    let result: AutogenResult | undefined;
    if (options.baseline) {
      result = await runBaseline(this.orm);
    } else if (autogenerate) {
      await this.ensureDatabase();
      await this.requireAtHead(env, 'Autogenerating a revision');
      result = await runAutogenerate(this.orm, this.autogenRequest());
      if (result.empty) {
        return Object.freeze({
          written: false,
          id: null,
          path: null,
          fileName: null,
          message: options.message ?? '',
          downRevisions: Object.freeze(parents ?? []),
          upSql: Object.freeze([]),
          downSql: Object.freeze([]),
          notes: Object.freeze([]),
          summary: result.summary,
          code: '',
        });
      }
    }
    const message = options.message?.trim() || (result ? defaultMessage(result.summary) : 'blank revision');
    const written = writeRevision({
      directory: env.scripts.folder,
      heads: graph.heads,
      message,
      head: parents === null ? null : parents,
      splice: options.splice,
      branchLabels: options.branchLabel === undefined ? undefined : typeof options.branchLabel === 'string' ? [options.branchLabel] : options.branchLabel,
      dependsOn: options.dependsOn,
      revId: options.revId,
      importFrom: this.options.importFrom,
      upBody: result?.upBody,
      downBody: result?.downBody,
      notes: result?.notes.map(describeNote),
      acknowledge: result?.acknowledge,
    });
    const notes = result?.notes ?? [];
    const code = readFileSync(written.path, 'utf8');
    if (options.path === undefined) this.refresh();
    this.log.info?.(`Created revision ${written.id} (${displayPath(written.path)}) on ${parents?.length ? parents.join(', ') : 'base'}`);
    for (const line of (result?.summary ?? '').split('\n').filter((l) => l.trim() !== '')) this.log.info?.(`  ${line}`);
    for (const note of notes) this.log.warn?.(`safety note ${describeNote(note)}`);
    return Object.freeze({
      written: true,
      id: written.id,
      path: written.path,
      fileName: written.fileName,
      message,
      downRevisions: Object.freeze(parents ?? []),
      upSql: Object.freeze([...(result?.upSql ?? [])]),
      downSql: Object.freeze([...(result?.downSql ?? [])]),
      notes: Object.freeze([...notes]),
      summary: result?.summary ?? '',
      code,
    });
  }

  /**
   * Whether the entities differ from the schema the revisions produce (head), i.e. whether a new
   * revision is needed. When the database is at head it is compared directly; when revisions are
   * pending, a scratch database on the same server is upgraded to head, compared and dropped
   * (the role needs `CREATEDB`; else {@link CheckNeedsHeadError}). The database itself is never
   * changed.
   *
   * @example
   * ```ts
   * const check = await migrator.check();
   * if (check.needed) console.log(`create a revision: ${check.summary}`);
   * if (check.pending.length) console.log(`not applied yet: ${check.pending.join(', ')}`);
   * ```
   */
  async check(): Promise<SchemaCheckResult> {
    await this.ensureDatabase();
    const env = this.environment;
    const heads = await this.currentHeadsThroughOrm(env);
    const pending = env.graph.size === 0 ? [] : env.graph.planUpgrade(heads, 'heads').revisions;
    if (pending.length === 0) {
      return checkResult(await runAutogenerate(this.orm, this.autogenRequest()), pending, 'database');
    }
    let scratch;
    try {
      scratch = await createScratchDatabase(connectionFromConfig(this.orm.config));
    } catch (error) {
      throw new CheckNeedsHeadError(pending, error);
    }
    try {
      // (a tenant schema is created in the scratch database)
      await env.runtime(scratch.connection, { log: {}, createSchema: true }).upgrade('heads');
      const ormClass = this.orm.constructor as typeof MikroORM;
      const scratchOrm = await ormClass.init({
        ...this.orm.config.getAll(),
        dbName: scratch.name,
        extensions: [],
        connect: false,
        ensureDatabase: false,
        debug: false,
      });
      try {
        return checkResult(await runAutogenerate(scratchOrm, this.autogenRequest()), pending, 'scratch-database');
      } finally {
        await scratchOrm.close(true);
      }
    } finally {
      await scratch.drop();
    }
  }

  // ─── MikroORM's IMigrator ───────────────────────────────────────────────────────────────────────

  /**
   * `migration:create [-b] [-p path] [-n name] [-i]`: {@link createRevision} on the head, with `name`
   * as the message; `initial` is {@link createInitialMigration}. No difference → `fileName: ''` (the
   * CLI says the schema is up to date). `fileName` is the bare file name, as MikroORM's. With several
   * heads, `MIKRO_ORM_ALEMBIC_HEAD=<rev>` names the one to build on (MikroORM's CLI has no flag for it).
   *
   * @example
   * ```ts
   * const { fileName, diff } = await orm.migrator.createMigration(undefined, false, false, 'add user role');
   * ```
   */
  async createMigration(path?: string, blank?: boolean, initial?: boolean, name?: string): Promise<OrmMigrationResult> {
    if (initial) return this.createInitialMigration(path, name, blank);
    // MikroORM's CLI has no flag for the parent: with several heads, the environment names it
    const head = process.env[CREATE_HEAD_VARIABLE]?.trim() || undefined;
    const created = await this.createRevision({ message: name, autogenerate: !blank, path, head });
    return migrationResult(created, blank === true);
  }

  /**
   * `migration:check`: {@link check}, logging what differs and what is pending.
   *
   * @example
   * ```ts
   * if (await orm.migrator.checkMigrationNeeded()) process.exitCode = 1;
   * ```
   */
  async checkMigrationNeeded(): Promise<boolean> {
    const result = await this.check();
    if (result.pending.length > 0) {
      this.log.info?.(
        `${result.pending.length} revision(s) not applied to the database (${result.pending.join(', ')}); ` +
          'the entities were compared with a scratch database upgraded to head.',
      );
    }
    if (result.needed) {
      this.log.info?.(`The entities differ from the schema the revisions produce: ${result.summary.replace(/\s*\n\s*/g, '; ')}`);
    }
    return result.needed;
  }

  /**
   * `migration:create --initial`: the first revision, as MikroORM's migrator writes it. Refused once
   * revisions exist (`INITIAL_EXISTS`). The revision is the whole current model, compared with an
   * empty schema (a baseline, see {@link createRevision}'s `baseline`), whatever the database holds:
   *
   * - none of the entities' tables exist: the revision is pending (`migration:up` runs it);
   * - all exist: the revision is recorded as applied in this database (stamped), without running,
   *   as MikroORM marks its initial migration executed; a model that differs from the tables is
   *   logged as a warning (run `migration:create` for the difference);
   * - some exist: refused (`INITIAL_SCHEMA_PARTIAL`), nothing written, as MikroORM refuses.
   *
   * `blank` writes an empty base revision (nothing is stamped).
   *
   * @example
   * ```ts
   * const { fileName } = await orm.migrator.createInitialMigration(); // on a database made by schema:update: written and stamped
   * ```
   */
  async createInitialMigration(path?: string, name?: string, blank?: boolean): Promise<OrmMigrationResult> {
    const env = path === undefined ? this.authoringEnvironment() : this.authoringEnvironment(path);
    if (env.graph.size > 0) throw new InitialRevisionExistsError(env.graph.size);
    if (blank) return migrationResult(await this.createRevision({ message: name, autogenerate: false, path }), true);
    await this.ensureDatabase();
    const schema = await initialSchemaState(this.orm);
    if (schema.state === 'some') {
      throw new InitialSchemaPartialError(schema.existing, schema.expected.filter((t) => !schema.existing.includes(t)));
    }
    const created = await this.createRevision({ message: name?.trim() || 'initial', baseline: true, path });
    if (schema.state === 'all' && created.id !== null) {
      await this.runtime(this.authoringEnvironment(path)).stamp(created.id);
      this.log.info?.(`The schema exists: revision ${created.id} recorded as applied without running it (stamp)`);
      const drift = await runAutogenerate(this.orm, this.autogenRequest());
      if (!drift.empty) {
        this.log.warn?.(
          `The database differs from the entities (${drift.summary.replace(/\s*\n\s*/g, '; ')}): run migration:create to write the difference.`,
        );
      }
    }
    return migrationResult(created, false);
  }

  /**
   * `migration:list`: the applied revisions, parents first, named `<id> <message>`, with the time
   * each was applied.
   *
   * @example
   * ```ts
   * for (const row of await orm.migrator.getExecutedMigrations()) console.log(row.name, row.executed_at);
   * ```
   */
  async getExecutedMigrations(): Promise<ExecutedMigration[]> {
    const env = this.environment;
    const { heads, applied } = await this.runtime(env).current();
    const at = new Map(applied.map((row) => [row.id, row.appliedAt]));
    const order = heads.length === 0 ? [] : env.graph.ancestry(heads).filter((id) => at.has(id));
    return order.map((id, index) => ({
      id: index + 1,
      name: revisionDisplayName(id, env.scripts.get(id)?.message),
      executed_at: at.get(id) as Date,
      revision: id,
    }));
  }

  /**
   * `migration:pending`: the revisions not applied, in the order `upgrade heads` would run them.
   *
   * @example
   * ```ts
   * const pending = await orm.migrator.getPendingMigrations(); // [{ name: '1a2b3c4d5e6f add user role', path: 'migrations/…' }]
   * ```
   */
  async getPendingMigrations(): Promise<MigrationEntry[]> {
    const env = this.environment;
    if (env.graph.size === 0) return [];
    const { heads } = await this.runtime(env).current();
    return env.graph.planUpgrade(heads, 'heads').revisions.map((id) => this.entry(env, id));
  }

  /**
   * `migration:up [-t target] [--only names] [--from rev]`: see {@link migrateRequest} for how each
   * argument shape maps to a run, and docs/mikro-orm-compat.md for MikroORM's behaviour next to it. A
   * string names one revision (id, file name with or without extension, or the listed name): it runs
   * with the unapplied revisions it builds on, which the result marks with `dependencyOf`. Returns the
   * revisions that ran (`{ name, path, revision }`).
   *
   * @example
   * ```ts
   * await orm.migrator.up();                          // head
   * await orm.migrator.up({ to: 'billing@head' });    // any Alembic target
   * await orm.migrator.up('97ad6c411a80_add_roles');  // that revision (and what it builds on)
   * ```
   */
  async up(options?: string | string[] | MigrateOptions): Promise<MigrationEntry[]> {
    return this.migrate('up', options);
  }

  /**
   * `migration:down [-t target] [--only names]`: one step down by default, `{ to: 0 }` or `base` for
   * everything, `{ to: X }` down to the Alembic target `X` (which stays applied). A string or
   * `{ migrations }` names revisions, as MikroORM's does: exactly those are reverted, refused
   * (`NOT_APPLICABLE`, nothing changed) while an applied revision builds on one of them; a target given
   * as a string is refused (`UnknownMigrationError`: pass it as `{ to }`).
   *
   * @example
   * ```ts
   * await orm.migrator.down();                          // -1
   * await orm.migrator.down({ to: 0 });                 // base
   * await orm.migrator.down('97ad6c411a80_add_roles');  // exactly that revision
   * ```
   */
  async down(options?: string | string[] | MigrateOptions): Promise<MigrationEntry[]> {
    return this.migrate('down', options);
  }

  /**
   * Listens to `migrating`/`migrated`/`reverting`/`reverted` (umzug's `{ name, path, context }` of each
   * revision, plus `revision`). As in MikroORM, the run waits for async listeners; unlike MikroORM, a
   * listener that throws is logged and does not fail the run (see {@link MigratorEvents}).
   *
   * @example
   * ```ts
   * orm.migrator.on('migrated', ({ name }) => console.log(`applied ${name}`));
   * ```
   */
  on(event: MigratorEvent, listener: MigratorListener): this {
    this.events.on(event, listener);
    return this;
  }

  /**
   * Removes a listener added with {@link on}.
   *
   * @example
   * ```ts
   * orm.migrator.off('migrated', listener);
   * ```
   */
  off(event: MigratorEvent, listener: MigratorListener): this {
    this.events.off(event, listener);
    return this;
  }

  /**
   * MikroORM's storage interface over the version table (read-only: recording revisions is the
   * runtime's job, under the migration lock).
   * @internal
   */
  getStorage(): MigratorStorage {
    return new VersionStorage(new VersionTable(versionTableOf(this.options)), async () => {
      const { applied } = await this.current();
      return applied;
    });
  }

  // ─── internals ──────────────────────────────────────────────────────────────────────────────────

  private async migrate(direction: 'up' | 'down', input: MigrateInput): Promise<MigrationEntry[]> {
    if (direction === 'up') await this.ensureDatabase();
    const env = this.environment;
    const runtime = this.runtime(env);
    const names = new MigrationNames(env.graph, env.scripts.scripts);
    const needsCurrent =
      direction === 'down' || (typeof input === 'object' && input !== null && !Array.isArray(input) && 'from' in input);
    const current = needsCurrent ? (await runtime.current()).heads : [];
    if (direction === 'down' && current.length === 0 && typeof input !== 'string' && !Array.isArray(input) && !hasMigrations(input)) return [];
    const request = migrateRequest(direction, input, names, current);
    const progress = this.progress(direction, {});
    const result =
      request.kind === 'exactly'
        ? await runtime.runExactly(direction, request.revisions, progress).catch((error: unknown) => {
            throw withExactlyHint(error, direction, request.revisions);
          })
        : direction === 'up'
          ? await runtime.upgrade(request.target, progress)
          : await runtime.downgrade(request.target, progress);
    const named = request.kind === 'target' ? request.named : undefined;
    const extra = named === undefined ? [] : result.ran.filter((r) => r.id !== named).map((r) => r.id);
    if (extra.length > 0) {
      this.log.info?.(`up('${named}') also applied ${extra.length} revision(s) it builds on: ${extra.join(', ')}`);
    }
    return result.ran.map((r) => this.entry(env, r.id, named !== undefined && r.id !== named ? named : undefined));
  }

  private entry(env: MigrationEnvironment, id: string, dependencyOf?: string): MigrationEntry {
    return migrationEntry(id, env.scripts.get(id), dependencyOf);
  }

  private eventPayload(env: MigrationEnvironment, id: string): MigrationEventPayload {
    return { ...this.entry(env, id), context: {} };
  }

  /** Fires the MikroORM events around each revision, on top of the caller's callbacks. */
  private progress(direction: 'up' | 'down', options: RunOptions): RunOptions {
    const env = this.environment;
    const [start, done]: [MigratorEvent, MigratorEvent] = direction === 'up' ? ['migrating', 'migrated'] : ['reverting', 'reverted'];
    return {
      ...options,
      onRevisionStart: async (id, index, total) => {
        if (this.events.has(start)) await this.events.emit(start, this.eventPayload(env, id));
        await options.onRevisionStart?.(id, index, total);
      },
      onRevisionDone: async (id, ms) => {
        if (this.events.has(done)) await this.events.emit(done, this.eventPayload(env, id));
        await options.onRevisionDone?.(id, ms);
      },
    };
  }

  private get log(): RuntimeLog {
    const logger = this.orm.config.getLogger();
    const silent = this.orm.config.get('migrations').silent === true;
    return {
      info: (message) => logger.log('migrator', message, { enabled: !silent }),
      warn: (message) => logger.warn('migrator', message, { enabled: true }),
    };
  }

  private folders(): { path: string; pathTs: string } {
    const { path, pathTs } = this.options;
    if (path !== undefined || pathTs !== undefined) return { path: (path ?? pathTs) as string, pathTs: (pathTs ?? path) as string };
    const migrations = this.orm.config.get('migrations');
    const ormPath = migrations.path ?? 'migrations';
    return { path: ormPath, pathTs: migrations.pathTs ?? ormPath };
  }

  private environmentOptions(): EnvironmentOptions {
    return {
      ...this.folders(),
      preferTs: this.orm.config.get('preferTs') ?? isTsLoaderRegistered(),
      baseDir: this.orm.config.get('baseDir'),
      versionTable: this.options.versionTable,
      lockTimeoutMs: this.options.lockTimeoutMs,
      statementLockTimeoutMs: this.options.statementLockTimeoutMs,
      // the plugin's option, else MikroORM's migrations.allOrNothing when the config sets it
      transactionMode: this.options.transactionMode ?? transactionModeOf(this.orm.config),
      strict: this.options.strict,
      log: this.log,
      historySeed: mikroOrmHistorySeed(this.orm.config),
      // schema-per-tenant: the version table, the lock and search_path of that schema
      ...(this.options.schema === undefined ? {} : { schema: this.options.schema, createSchema: this.options.createSchema === true }),
    };
  }

  /** Where new revisions are written: the TypeScript folder (or `path` given to create), read as TypeScript. */
  private authoringEnvironment(path?: string): MigrationEnvironment {
    if (path === undefined && this.environmentOptions().preferTs) return this.environment;
    const folder = path ?? this.folders().pathTs;
    return this.openEnvironment({ ...this.environmentOptions(), path: folder, pathTs: folder, preferTs: true });
  }

  /** An environment on a folder, created when missing (as MikroORM's migrator does). */
  private openEnvironment(options: EnvironmentOptions): MigrationEnvironment {
    mkdirSync(resolveScriptFolder(options), { recursive: true });
    return new MigrationEnvironment(options);
  }

  /** The new revision's parents: `null` for a new base. */
  private parentsOf(graph: RevisionGraph, head: string | undefined): string[] | null {
    if (head === undefined) {
      if (graph.heads.length > 1) throw new MultipleHeadsError(graph.heads);
      return [...graph.heads];
    }
    const resolved = graph.resolve(head);
    if (resolved.length === 1 && resolved[0] === 'base') return null;
    if (resolved.length > 1) throw new MultipleHeadsError(resolved);
    return [...resolved];
  }

  private async requireAtHead(env: MigrationEnvironment, action: string): Promise<void> {
    const heads = await this.currentHeadsThroughOrm(env);
    const graphHeads = env.graph.heads;
    const atHead = heads.length === graphHeads.length && heads.every((h) => graphHeads.includes(h));
    if (atHead) return;
    const pending = env.graph.planUpgrade(heads, 'heads').revisions;
    throw new DatabaseNotAtHeadError(
      action,
      pending.map((id) => ({ id, message: env.scripts.get(id)?.message ?? '' })),
      heads,
    );
  }

  /**
   * The current heads, read through the ORM's own connection (no dedicated connection, no lock):
   * the applied rows checked against the files as the runtime does.
   */
  private async currentHeadsThroughOrm(env: MigrationEnvironment): Promise<readonly string[]> {
    const db = ormQueryable(this.orm);
    const table = new VersionTable(versionTableOf(this.options));
    if (!(await table.exists(db))) {
      // a database of an adopted project: its history is taken (under the lock) before anything else
      return mikroOrmHistorySeed(this.orm.config) === undefined ? [] : (await this.runtime(env).current()).heads;
    }
    const state = await readAppliedState(db, table, env.graph, env.source, { strict: this.options.strict });
    for (const warning of state.warnings) this.log.warn?.(warning);
    return state.heads;
  }

  private autogenRequest(): AutogenOptions {
    return {
      versionTable: versionTableOf(this.options),
      // schema-per-tenant: the wildcard entities compared with the configured schema, as the template
      ...(this.options.schema === undefined ? {} : { templateSchema: this.options.schema }),
      dropUnusedEnums: this.options.dropUnusedEnums,
      enumRenames: this.options.enumRenames,
      guessEnumRenames: this.options.guessEnumRenames,
      safe: this.options.safe ?? this.orm.config.get('migrations').safe ?? false,
      safeDdl: this.options.safeDdl,
      include: this.options.include,
      ignore: this.options.ignore,
      bookkeepingTables: this.options.bookkeepingTables,
    };
  }

  /** Creates the database when it is missing, as MikroORM's migrator does (`ensureDatabase` option). */
  private async ensureDatabase(): Promise<void> {
    if (this.orm.config.get('ensureDatabase') === false) return;
    await this.orm.schema.ensureDatabase();
  }
}

/**
 * A refusal of exactly-these-revisions (`NOT_APPLICABLE`) with what a MikroORM user can do instead:
 * name the blocking revisions too, or downgrade/upgrade to a target (which runs what is in between).
 */
function withExactlyHint(error: unknown, direction: 'up' | 'down', named: readonly string[]): unknown {
  if (!(error instanceof RevisionGraphError) || error.code !== 'NOT_APPLICABLE') return error;
  const others = error.revisions.filter((id) => !named.includes(id));
  if (others.length === 0) return error;
  const all = [...(direction === 'down' ? others : []), ...named, ...(direction === 'up' ? others : [])];
  const list = all.map((id) => `'${id}'`).join(', ');
  const hint =
    direction === 'down'
      ? ` Nothing was reverted. To revert them as well: down({ migrations: [${list}] }); or downgrade to a target with down({ to: ... }).`
      : ` Nothing was applied. To apply them as well: up({ migrations: [${list}] }); or up('${named[named.length - 1]}'), which also applies what it builds on.`;
  return new RevisionGraphError('NOT_APPLICABLE', `${error.message}.${hint}`.replace('..', '.'), error.revisions);
}

/** MikroORM's result of a create: `fileName` bare, `''` when nothing was written. */
function migrationResult(created: CreatedRevision, blank: boolean): OrmMigrationResult {
  if (!created.written || created.path === null) return { fileName: '', code: '', diff: { up: [], down: [] } };
  return {
    fileName: created.fileName ?? '',
    code: created.code,
    diff: blank ? { up: [BLANK_DIFF], down: [BLANK_DIFF] } : { up: [...created.upSql], down: [...created.downSql] },
  };
}

function hasMigrations(input: MigrateInput): boolean {
  return typeof input === 'object' && input !== null && !Array.isArray(input) && (input as MigrateOptions).migrations !== undefined && ((input as MigrateOptions).migrations?.length ?? 0) > 0;
}

function checkResult(result: AutogenResult, pending: readonly string[], comparedWith: SchemaCheckResult['comparedWith']): SchemaCheckResult {
  return Object.freeze({
    needed: !result.empty,
    pending: Object.freeze([...pending]),
    comparedWith,
    summary: result.empty ? '' : result.summary,
    upSql: Object.freeze([...result.upSql]),
    notes: Object.freeze([...result.notes]),
  });
}

/** The file's header comment with the safety notes added after its `Create Date:` line. */
function describeNote(note: AutogenSafetyNote): string {
  const where = note.table ? ` (${note.table}${note.column ? `.${note.column}` : ''})` : '';
  return `${note.code}${where}: ${note.message}`;
}

/** A message from autogenerate's summary: its first change, and how many more (`create table post and 2 more changes`). */
function defaultMessage(summary: string): string {
  const lines = summary.split(/\r?\n/).map((l) => l.trim().replace(/^[-+~*]\s*/, '')).filter((l) => l !== '');
  if (lines.length === 0) return 'autogenerated';
  return lines.length === 1 ? lines[0] : `${lines[0]} and ${lines.length - 1} more change${lines.length === 2 ? '' : 's'}`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
