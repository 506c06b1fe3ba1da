/**
 * The compatibility suite: the same scripted calls against MikroORM 6.6.16's own migrator
 * (`@mikro-orm/migrations`) and against the plugin, each on its own real database with the same
 * entities and the same three migrations (tables a, b, c, in that order), asserting the same outcome
 * or the documented difference (docs/mikro-orm-compat.md) with its reason.
 *
 * The `npx mikro-orm migration:*` flags are parsed by MikroORM's own command builders (yargs) and
 * handed to MikroORM's own command handlers (`MigrationCommandFactory`), in-process: exactly what the
 * CLI passes to either migrator, without a process per command.
 */
import 'reflect-metadata';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { Entity, PrimaryKey, type IMigrator, type MikroORM } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { MikroORM as PgMikroORM } from '@mikro-orm/postgresql';
import { expect } from 'chai';
import { writeRevision } from '../../src/script';
import { useTestDatabase } from '../support/database';
import { initOrm, PLUGIN_SRC, query, tables, tempDir } from './support/orm';

/** The part of yargs (MikroORM's CLI parser; no types installed) these tests use. */
interface Yargs {
  exitProcess(exit: boolean): Yargs;
  parseSync(argv: string[]): Record<string, unknown>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yargs = require('yargs') as (argv: string[]) => Yargs;

// MikroORM's CLI command factory (not in its package's exports): the real handlers and flag builders
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { MigrationCommandFactory } = require(join(dirname(require.resolve('@mikro-orm/cli')), 'commands/MigrationCommandFactory.js')) as {
  MigrationCommandFactory: {
    create(command: string): { builder: (args: Yargs) => Yargs };
    getUpDownOptions(flags: Record<string, unknown>): Record<string, unknown>;
    handleUpDownCommand(args: Record<string, unknown>, migrator: IMigrator, method: 'up' | 'down'): Promise<void>;
    handleCreateCommand(migrator: IMigrator, args: Record<string, unknown>, config: MikroORM['config']): Promise<void>;
    handleListCommand(migrator: IMigrator): Promise<void>;
    handlePendingCommand(migrator: IMigrator): Promise<void>;
    handleFreshCommand(args: Record<string, unknown>, migrator: IMigrator, orm: MikroORM): Promise<void>;
  };
};

@Entity({ tableName: 'a' })
class A {
  @PrimaryKey() id!: number;
}
@Entity({ tableName: 'b' })
class B {
  @PrimaryKey() id!: number;
}
@Entity({ tableName: 'c' })
class C {
  @PrimaryKey() id!: number;
}
const ENTITIES = [A, B, C];
const STEPS = ['a', 'b', 'c'] as const;
type Step = (typeof STEPS)[number];
const MIKRO_MIGRATIONS = resolve(__dirname, '..', '..', 'node_modules', '@mikro-orm', 'migrations');
const mikroName = (step: Step) => `Migration2024010100000${STEPS.indexOf(step) + 1}`;
const revId = (step: Step) => `${step}0000000000${STEPS.indexOf(step) + 1}`;

/** One side of the comparison: a migrator, the names it gives the three steps, and how to read its state. */
interface Side {
  readonly kind: 'mikro' | 'plugin';
  readonly orm: MikroORM;
  readonly migrator: IMigrator;
  readonly url: string;
  readonly folder: string;
  /** What a MikroORM user names a step with: the file name without extension. */
  fileName(step: Step): string;
  /** A name as the side reports it (`up()` result, list, events) → the step. */
  step(name: string): Step;
}

function writeMikroMigrations(folder: string): void {
  for (const step of STEPS) {
    const name = mikroName(step);
    writeFileSync(
      join(folder, `${name}.js`),
      [
        "'use strict';",
        `const { Migration } = require(${JSON.stringify(MIKRO_MIGRATIONS)});`,
        `class ${name} extends Migration {`,
        `  async up() { this.addSql('create table "${step}" ("id" serial primary key);'); }`,
        `  async down() { this.addSql('drop table if exists "${step}" cascade;'); }`,
        '}',
        `exports.${name} = ${name};`,
        '',
      ].join('\n'),
    );
  }
}

function writePluginRevisions(folder: string): void {
  let heads: string[] = [];
  for (const step of STEPS) {
    writeRevision({
      directory: folder,
      heads,
      message: step,
      revId: revId(step),
      upBody: `this.addSql('create table "${step}" ("id" serial primary key)');`,
      downBody: `this.addSql('drop table if exists "${step}" cascade');`,
      importFrom: PLUGIN_SRC,
    });
    heads = [revId(step)];
  }
}

async function openMikro(url: string, folder: string, entities = ENTITIES): Promise<MikroORM> {
  return PgMikroORM.init({
    clientUrl: url,
    entities,
    extensions: [Migrator],
    migrations: { path: folder, snapshot: false, silent: true, emit: 'js', glob: '!(*.d).js' },
    preferTs: false,
    debug: false,
    allowGlobalContext: true,
  });
}

function side(kind: Side['kind'], orm: MikroORM, url: string, folder: string): Side {
  return {
    kind,
    orm,
    migrator: orm.migrator,
    url,
    folder,
    fileName: (step) => (kind === 'mikro' ? mikroName(step) : `${revId(step)}_${step}`),
    step: (name) => {
      const found = STEPS.find((s) => (kind === 'mikro' ? name.replace(/\.[jt]s$/, '') === mikroName(s) : name.startsWith(`${revId(s)} `)));
      if (found === undefined) throw new Error(`${kind}: unknown name ${name}`);
      return found;
    },
  };
}

/** The steps whose table exists: the schema, whatever the side's bookkeeping says. */
async function built(url: string): Promise<Step[]> {
  const all = await tables(url);
  return STEPS.filter((s) => all.includes(`public.${s}`));
}

/** What a call did: the steps it ran (in order) and the tables after, or that it failed. */
type Outcome = { ran: Step[]; after: Step[] } | { error: true; after: Step[] };

async function outcome(s: Side, call: (s: Side) => Promise<unknown>): Promise<Outcome> {
  try {
    const result = await call(s);
    const ran = Array.isArray(result) ? (result as { name: string }[]).map((m) => s.step(m.name)) : [];
    return { ran, after: await built(s.url) };
  } catch {
    return { error: true, after: await built(s.url) };
  }
}

/** Puts a side at `applied` (a prefix of the steps): everything down, then up to the last. */
async function putAt(s: Side, applied: readonly Step[]): Promise<void> {
  const executed = (await s.migrator.getExecutedMigrations()).map((r) => s.step(r.name));
  if (executed.join() === applied.join() && (await built(s.url)).join() === applied.join()) return;
  await s.migrator.down({ to: 0 });
  if (applied.length > 0) await s.migrator.up({ to: s.fileName(applied[applied.length - 1]) });
  expect(await built(s.url)).to.deep.equal(applied, `${s.kind} at ${applied.join(',')}`);
}

/** Parses `migration:<command> <flags>` with MikroORM's own builder. */
function cliArgs(command: string, flags: string[]): Record<string, unknown> {
  const builder = MigrationCommandFactory.create(command).builder;
  return builder(yargs([]).exitProcess(false)).parseSync(flags);
}

interface Case {
  readonly call: string;
  readonly from: readonly Step[];
  readonly run: (s: Side) => Promise<unknown>;
  /** Omitted: the same outcome on both. Given: what each does, and why they differ. */
  readonly differs?: { readonly mikro: Outcome; readonly plugin: Outcome; readonly reason: string };
}

const ALL: Step[] = ['a', 'b', 'c'];

/** Every IMigrator up/down shape, and every migration:up/down flag through MikroORM's CLI handler. */
const CASES: readonly Case[] = [
  { call: 'up()', from: [], run: (s) => s.migrator.up() },
  { call: "up('<b>')", from: ['a'], run: (s) => s.migrator.up(s.fileName('b')) },
  {
    call: "up('<b>') with a not applied",
    from: [],
    run: (s) => s.migrator.up(s.fileName('b')),
    differs: {
      mikro: { ran: ['b'], after: ['b'] },
      plugin: { ran: ['a', 'b'], after: ['a', 'b'] },
      reason: 'a revision cannot run before its down revision: the plugin applies a too, and marks it (dependencyOf)',
    },
  },
  {
    call: "up('<a>') when a is applied",
    from: ['a'],
    run: (s) => s.migrator.up(s.fileName('a')),
    differs: {
      mikro: { error: true, after: ['a'] },
      plugin: { ran: [], after: ['a'] },
      reason: 'the plugin upgrades to the named revision, which is already applied: nothing to do',
    },
  },
  { call: "up('<b>.js' / '<b>.ts')", from: ['a'], run: (s) => s.migrator.up(`${s.fileName('b')}${s.kind === 'mikro' ? '.js' : '.ts'}`) },
  { call: "up({ to: '<b>' })", from: [], run: (s) => s.migrator.up({ to: s.fileName('b') }) },
  { call: 'up({ to: 0 })', from: ['a'], run: (s) => s.migrator.up({ to: 0 }) },
  { call: "up({ from: '<a>', to: '<c>' })", from: ['a'], run: (s) => s.migrator.up({ from: s.fileName('a'), to: s.fileName('c') }) },
  {
    call: "up({ from: '<b>', to: '<c>' }) at a",
    from: ['a'],
    run: (s) => s.migrator.up({ from: s.fileName('b'), to: s.fileName('c') }),
    differs: {
      mikro: { ran: ['b', 'c'], after: ALL },
      plugin: { error: true, after: ['a'] },
      reason: 'umzug ignores from; the plugin checks it as a precondition (FROM_MISMATCH)',
    },
  },
  { call: 'up({ migrations: [<a>, <b>] })', from: [], run: (s) => s.migrator.up({ migrations: [s.fileName('a'), s.fileName('b')] }) },
  { call: 'up([<a>])', from: [], run: (s) => s.migrator.up([s.fileName('a')]) },
  {
    call: 'up({ migrations: [<c>] }) with b not applied',
    from: ['a'],
    run: (s) => s.migrator.up({ migrations: [s.fileName('c')] }),
    differs: {
      mikro: { ran: ['c'], after: ['a', 'c'] },
      plugin: { error: true, after: ['a'] },
      reason: 'exactly the named revisions, and c builds on b: refused (NOT_APPLICABLE) rather than run out of order',
    },
  },
  { call: "up('nope')", from: [], run: (s) => s.migrator.up('nope') },
  { call: 'down()', from: ALL, run: (s) => s.migrator.down() },
  { call: "down('<c>')", from: ALL, run: (s) => s.migrator.down(s.fileName('c')) },
  { call: "down('<b>') at a, b", from: ['a', 'b'], run: (s) => s.migrator.down(s.fileName('b')) },
  {
    call: "down('<b>') with c applied",
    from: ALL,
    run: (s) => s.migrator.down(s.fileName('b')),
    differs: {
      mikro: { ran: ['b'], after: ['a', 'c'] },
      plugin: { error: true, after: ALL },
      reason: 'c builds on b: reverting b alone would leave c applied on a missing parent; refused (NOT_APPLICABLE), nothing changed',
    },
  },
  { call: "down('<c>') when c is not applied", from: ['a'], run: (s) => s.migrator.down(s.fileName('c')) },
  {
    call: "down({ to: '<b>' })",
    from: ALL,
    run: (s) => s.migrator.down({ to: s.fileName('b') }),
    differs: {
      mikro: { ran: ['c', 'b'], after: ['a'] },
      plugin: { ran: ['c'], after: ['a', 'b'] },
      reason: "{ to } is an Alembic target: downgrade X keeps X applied (umzug reverts X too); down('<b>') reverts exactly b",
    },
  },
  { call: 'down({ to: 0 })', from: ALL, run: (s) => s.migrator.down({ to: 0 }) },
  { call: 'down({ migrations: [<c>, <b>] })', from: ALL, run: (s) => s.migrator.down({ migrations: [s.fileName('c'), s.fileName('b')] }) },
  {
    call: 'down([<a>]) with b, c applied',
    from: ALL,
    run: (s) => s.migrator.down([s.fileName('a')]),
    differs: {
      mikro: { ran: ['a'], after: ['b', 'c'] },
      plugin: { error: true, after: ALL },
      reason: 'b and c build on a: refused (NOT_APPLICABLE), nothing changed',
    },
  },
  { call: 'down() with nothing applied', from: [], run: (s) => s.migrator.down() },
  // the CLI: flags parsed by MikroORM's builders, run by MikroORM's handler
  { call: 'migration:up', from: [], run: (s) => cli(s, 'up', []) },
  { call: 'migration:up -t <b>', from: [], run: (s) => cli(s, 'up', ['-t', s.fileName('b')]) },
  { call: 'migration:up --to <b>', from: [], run: (s) => cli(s, 'up', ['--to', s.fileName('b')]) },
  { call: 'migration:up -t 0', from: ['a'], run: (s) => cli(s, 'up', ['-t', '0']) },
  { call: 'migration:up --only <a>,<b>', from: [], run: (s) => cli(s, 'up', ['--only', `${s.fileName('a')},${s.fileName('b')}`]) },
  { call: 'migration:up -o "<a> <b>"', from: [], run: (s) => cli(s, 'up', ['-o', `${s.fileName('a')} ${s.fileName('b')}`]) },
  { call: 'migration:up --from <a> -t <c>', from: ['a'], run: (s) => cli(s, 'up', ['--from', s.fileName('a'), '-t', s.fileName('c')]) },
  {
    call: 'migration:up -f <b> at a',
    from: ['a'],
    run: (s) => cli(s, 'up', ['-f', s.fileName('b')]),
    differs: {
      mikro: { ran: [], after: ALL },
      plugin: { error: true, after: ['a'] },
      reason: 'umzug ignores from (and runs everything pending); the plugin checks it (FROM_MISMATCH)',
    },
  },
  { call: 'migration:down', from: ALL, run: (s) => cli(s, 'down', []) },
  { call: 'migration:down -t 0', from: ALL, run: (s) => cli(s, 'down', ['-t', '0']) },
  {
    call: 'migration:down -t <b>',
    from: ALL,
    run: (s) => cli(s, 'down', ['-t', s.fileName('b')]),
    differs: {
      mikro: { ran: [], after: ['a'] },
      plugin: { ran: [], after: ['a', 'b'] },
      reason: 'Alembic target: -t X keeps X applied (the bin and { to } keep Alembic meaning)',
    },
  },
  { call: 'migration:down --only <c>', from: ALL, run: (s) => cli(s, 'down', ['--only', s.fileName('c')]) },
];

/** `migration:up|down <flags>` through MikroORM's handler (it prints a success line; nothing is returned). */
async function cli(s: Side, method: 'up' | 'down', flags: string[]): Promise<unknown[]> {
  await MigrationCommandFactory.handleUpDownCommand(cliArgs(method, flags), s.migrator, method);
  return [];
}

describe('mikro: compatibility with MikroORM 6.6.16\'s own migrator (same calls, same fixture)', function () {
  this.timeout(120_000);
  const mikroDb = useTestDatabase({ prefix: 'compat_mikro' });
  const pluginDb = useTestDatabase({ prefix: 'compat_plugin' });
  let mikroDir: ReturnType<typeof tempDir>;
  let pluginDir: ReturnType<typeof tempDir>;
  let sides: Side[];
  const quiet = console.log;

  before(async () => {
    mikroDir = tempDir('compat-mikro-');
    pluginDir = tempDir('compat-plugin-');
    writeMikroMigrations(mikroDir.path);
    writePluginRevisions(pluginDir.path);
    sides = [
      side('mikro', await openMikro(mikroDb.url, mikroDir.path), mikroDb.url, mikroDir.path),
      side('plugin', await initOrm(pluginDb.url, pluginDir.path, ENTITIES), pluginDb.url, pluginDir.path),
    ];
    console.log = () => undefined; // MikroORM's CLI handlers print their success lines
  });
  after(async () => {
    console.log = quiet;
    for (const s of sides ?? []) await s.orm.close(true);
    mikroDir.cleanup();
    pluginDir.cleanup();
  });

  describe('up() and down(): every argument shape and migration:up/down flag', () => {
    for (const c of CASES) {
      it(`${c.call}${c.differs ? ' (documented difference)' : ''}`, async () => {
        // the two sides are independent databases: run them side by side
        const [mikro, plugin] = await Promise.all(
          sides.map(async (s) => {
            await putAt(s, c.from);
            return outcome(s, c.run);
          }),
        );
        if (c.differs === undefined) {
          expect(plugin, `plugin vs MikroORM for ${c.call}`).to.deep.equal(mikro);
        } else {
          expect(mikro, `MikroORM's own outcome for ${c.call}`).to.deep.equal(c.differs.mikro);
          expect(plugin, `the plugin's outcome for ${c.call} (${c.differs.reason})`).to.deep.equal(c.differs.plugin);
        }
      });
    }
  });

  describe('reading: getExecutedMigrations, getPendingMigrations, migration:list / pending, checkMigrationNeeded', () => {
    it('rows: MikroORM\'s { id, name, executed_at } (the plugin adds revision); pending: { name, path } with an absolute path', async () => {
      const seen: Record<string, { executed: Record<string, unknown>[]; pending: { name: string; path?: string }[] }> = {};
      for (const s of sides) {
        await putAt(s, ['a', 'b']);
        const executed = (await s.migrator.getExecutedMigrations()) as unknown as Record<string, unknown>[];
        const pending = await s.migrator.getPendingMigrations();
        seen[s.kind] = { executed, pending };
        expect(executed.map((r) => s.step(r.name as string))).to.deep.equal(['a', 'b']);
        expect(pending.map((p) => s.step(p.name))).to.deep.equal(['c']);
        expect(isAbsolute(pending[0].path as string), `${s.kind} path ${pending[0].path}`).to.equal(true);
        expect(existsSync(pending[0].path as string)).to.equal(true);
        for (const row of executed) {
          expect(row.id, s.kind).to.be.a('number');
          expect(row.executed_at, s.kind).to.be.instanceOf(Date);
        }
      }
      expect(Object.keys(seen.plugin.executed[0])).to.include.members(Object.keys(seen.mikro.executed[0]));
      expect(seen.plugin.executed[0].revision).to.equal(revId('a'));
      expect(seen.plugin.executed.map((r) => r.id)).to.deep.equal([1, 2]);
      // names: MikroORM's is the file name; the plugin's is '<id> <message>' (documented), and its file name is accepted as input
      expect(seen.mikro.executed[0].name).to.equal(mikroName('a'));
      expect(seen.plugin.executed[0].name).to.equal(`${revId('a')} a`);
      // migration:list and migration:pending run through MikroORM's handlers on both
      for (const s of sides) {
        await MigrationCommandFactory.handleListCommand(s.migrator);
        await MigrationCommandFactory.handlePendingCommand(s.migrator);
      }
    });

    it('checkMigrationNeeded: false at head on both; with a migration pending, MikroORM says true (the database lacks the table), the plugin false (the revisions already hold the model)', async () => {
      const answers: Record<string, boolean[]> = {};
      for (const s of sides) {
        await putAt(s, ALL);
        const atHead = await s.migrator.checkMigrationNeeded();
        await putAt(s, ['a', 'b']);
        answers[s.kind] = [atHead, await s.migrator.checkMigrationNeeded()];
      }
      expect(answers.mikro).to.deep.equal([false, true]);
      expect(answers.plugin).to.deep.equal([false, false]);
    });
  });

  describe('events', () => {
    /** A migrator that has not been called yet (MikroORM's keeps on() listeners only until its second call: see below). */
    const fresh = async (s: Side): Promise<{ migrator: IMigrator; close(): Promise<void> }> => {
      const orm = s.kind === 'mikro' ? await openMikro(s.url, s.folder) : await initOrm(s.url, s.folder, ENTITIES);
      return { migrator: orm.migrator, close: () => orm.close(true) };
    };

    it('migrating/migrated/reverting/reverted: same order, umzug\'s payload keys, async listeners awaited before the revision runs', async () => {
      const logs: Record<string, string[]> = {};
      const payloads: Record<string, Record<string, unknown>> = {};
      for (const s of sides) {
        await putAt(s, []);
        const log: string[] = [];
        const record = (event: string) => async (e: { name: string }) => {
          log.push(`${event} ${s.step(e.name)}`);
          if (event === 'migrating' || event === 'reverting') {
            await new Promise((r) => setTimeout(r, 30));
            log.push(`${event} ${s.step(e.name)} listener done, table there: ${(await built(s.url)).includes(s.step(e.name))}`);
          }
          payloads[s.kind] ??= e as unknown as Record<string, unknown>;
        };
        for (const call of [(m: IMigrator) => m.up({ to: s.fileName('b') }), (m: IMigrator) => m.down()]) {
          const { migrator, close } = await fresh(s);
          try {
            for (const event of ['migrating', 'migrated', 'reverting', 'reverted'] as const) migrator.on(event, record(event));
            await call(migrator);
          } finally {
            await close();
          }
        }
        logs[s.kind] = log;
      }
      expect(logs.mikro).to.deep.equal([
        'migrating a',
        'migrating a listener done, table there: false',
        'migrated a',
        'migrating b',
        'migrating b listener done, table there: false',
        'migrated b',
        'reverting b',
        'reverting b listener done, table there: true',
        'reverted b',
      ]);
      expect(logs.plugin).to.deep.equal(logs.mikro);
      expect(Object.keys(payloads.mikro).sort()).to.deep.equal(['context', 'name', 'path']);
      expect(Object.keys(payloads.plugin)).to.include.members(['context', 'name', 'path']);
      expect(payloads.plugin.context).to.deep.equal(payloads.mikro.context);
      expect(isAbsolute(payloads.plugin.path as string) && isAbsolute(payloads.mikro.path as string)).to.equal(true);
    });

    it('listeners stay registered: MikroORM 6.6.16 drops them from its second call on, the plugin keeps them until off() (documented difference)', async () => {
      const counts: Record<string, number[]> = {};
      for (const s of sides) {
        await putAt(s, []);
        const { migrator, close } = await fresh(s);
        const seen: string[] = [];
        const listener = (e: { name: string }) => void seen.push(s.step(e.name));
        try {
          migrator.on('migrated', listener);
          await migrator.up({ to: s.fileName('a') }); // first call
          const first = seen.length;
          await migrator.up({ to: s.fileName('b') }); // second call
          const second = seen.length - first;
          migrator.off('migrated', listener);
          await migrator.up();
          counts[s.kind] = [first, second, seen.length - first - second];
        } finally {
          await close();
        }
      }
      // MikroORM: the second call's ensureDatabase() answers "created" from its cache and the migrator
      // rebuilds its umzug instance, losing the listeners
      expect(counts.mikro).to.deep.equal([1, 0, 0]);
      expect(counts.plugin).to.deep.equal([1, 1, 0]);
    });

    it('a listener that throws: MikroORM fails the run (and rolls it back), the plugin reports it and goes on (documented difference)', async () => {
      const results: Record<string, { failed: boolean; after: Step[] }> = {};
      for (const s of sides) {
        await putAt(s, []);
        const { migrator, close } = await fresh(s);
        try {
          migrator.on('migrated', () => {
            throw new Error('listener failed');
          });
          const failed = await migrator.up({ to: s.fileName('a') }).then(
            () => false,
            () => true,
          );
          results[s.kind] = { failed, after: await built(s.url) };
        } finally {
          await close();
        }
      }
      expect(results).to.deep.equal({ mikro: { failed: true, after: [] }, plugin: { failed: false, after: ['a'] } });
    });
  });

  describe('migration:create and the initial migration', () => {
    it('nothing to do at head: fileName \'\' and an empty diff on both; -b -n writes a blank migration named by its bare file name, pending on both; -p writes elsewhere', async () => {
      for (const s of sides) {
        await putAt(s, ALL);
        const none = await s.migrator.createMigration();
        expect(none, s.kind).to.deep.include({ fileName: '', code: '' });
        expect(none.diff.up, s.kind).to.deep.equal([]);
        const args = cliArgs('create', ['-b', '-n', 'blank_one']);
        const blank = await s.migrator.createMigration(args.path as string | undefined, args.blank as boolean, args.initial as boolean, args.name as string);
        expect(blank.fileName, s.kind).to.match(/^[^/\\]+blank_one\.(js|ts)$/);
        expect(existsSync(join(s.folder, blank.fileName)), s.kind).to.equal(true);
        expect(blank.diff.up.length, s.kind).to.be.greaterThan(0);
        expect((await s.migrator.getPendingMigrations()).map((p) => p.name.includes('blank_one') || p.name.endsWith('blank one')), s.kind).to.deep.equal([true]);
        rmSync(join(s.folder, blank.fileName));
        if (s.kind === 'plugin') (s.migrator as unknown as { refresh(): void }).refresh();
        // -p: into (and, for the plugin, reading the graph of) another folder
        const other = tempDir(`compat-p-${s.kind}-`);
        try {
          const p = cliArgs('create', ['-b', '-p', other.path, '-n', 'elsewhere']);
          const aside = await s.migrator.createMigration(p.path as string, p.blank as boolean, p.initial as boolean, p.name as string);
          expect(readdirSync(other.path), s.kind).to.deep.equal([aside.fileName]);
          expect(existsSync(join(s.folder, aside.fileName)), s.kind).to.equal(false);
        } finally {
          other.cleanup();
        }
        // the CLI handler prints "<fileName> successfully created" for both
        await MigrationCommandFactory.handleCreateCommand(s.migrator, cliArgs('create', ['-d']), s.orm.config);
      }
    });

    it('createInitialMigration / migration:create --initial: on an existing schema both write it and mark it executed; on an empty one both leave it pending; a partial schema is refused by both', async () => {
      const outcomes: Record<string, unknown[]> = {};
      for (const kind of ['mikro', 'plugin'] as const) {
        const url = kind === 'mikro' ? mikroDb.url : pluginDb.url;
        const results: unknown[] = [];
        for (const schema of ['all', 'none', 'some'] as const) {
          await query(url, 'drop schema public cascade; create schema public');
          const folder = tempDir(`compat-initial-${kind}-`);
          const orm = kind === 'mikro' ? await openMikro(url, folder.path) : await initOrm(url, folder.path, ENTITIES);
          try {
            if (schema === 'all') await orm.schema.createSchema();
            if (schema === 'some') await query(url, 'create table "a" ("id" serial primary key)');
            const args = cliArgs('create', ['--initial']);
            const created = await orm.migrator.createMigration(undefined, args.blank as boolean, args.initial as boolean, args.name as string).then(
              (r) => r,
              () => null,
            );
            results.push({
              schema,
              refused: created === null,
              files: readdirSync(folder.path).filter((f) => !f.startsWith('.')).length,
              bare: created === null ? null : !created.fileName.includes('/'),
              executed: (await orm.migrator.getExecutedMigrations()).length,
              pending: (await orm.migrator.getPendingMigrations()).length,
              tables: await built(url),
            });
          } finally {
            await orm.close(true);
            folder.cleanup();
          }
        }
        outcomes[kind] = results;
        await query(url, 'drop schema public cascade; create schema public');
      }
      expect(outcomes.mikro).to.deep.equal([
        { schema: 'all', refused: false, files: 1, bare: true, executed: 1, pending: 0, tables: ALL },
        { schema: 'none', refused: false, files: 1, bare: true, executed: 0, pending: 1, tables: [] },
        { schema: 'some', refused: true, files: 0, bare: null, executed: 0, pending: 0, tables: ['a'] },
      ]);
      expect(outcomes.plugin).to.deep.equal(outcomes.mikro);
    });
  });

  describe('migration:fresh', () => {
    it('drops the schema and the migrations table, then migrates up: the same tables on both', async () => {
      const after: Record<string, Step[]> = {};
      for (const s of sides) {
        await putAt(s, ['a']);
        await MigrationCommandFactory.handleFreshCommand(cliArgs('fresh', []), s.migrator, s.orm);
        after[s.kind] = await built(s.url);
        expect((await s.migrator.getExecutedMigrations()).length, s.kind).to.equal(3);
      }
      expect(after.plugin).to.deep.equal(after.mikro).and.deep.equal(ALL);
    });
  });
});
