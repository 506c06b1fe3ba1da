import 'reflect-metadata';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Entity, Enum, PrimaryKey, Property, type MikroORM } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { MikroORM as PgMikroORM } from '@mikro-orm/postgresql';
import { expect } from 'chai';
import {
  AlembicMigrator,
  alembicMigrator,
  connectionFromConfig,
  DatabaseNotAtHeadError,
  findAlembicOptions,
  FromMismatchError,
  InitialRevisionExistsError,
  MultipleHeadsError,
  NotRegisteredError,
  RevisionGraphError,
  UnknownMigrationError,
  UnsupportedMigrateOptionError,
} from '../../src';
import { useTestDatabase } from '../support/database';
import { addRevision, initOrm, PLUGIN_SRC, query, tables, tempDir } from './support/orm';

enum Mood {
  HAPPY = 'happy',
  SAD = 'sad',
}

@Entity({ tableName: 'gadget' })
class Gadget {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @Enum({ items: () => Mood, nativeEnumName: 'mood' }) mood!: Mood;
}

async function enumTypes(url: string): Promise<string[]> {
  const rows = await query<{ t: string }>(url, "select typname as t from pg_type where typtype = 'e' order by 1");
  return rows.map((r) => r.t);
}

async function reset(url: string): Promise<void> {
  await query(url, 'drop schema if exists public cascade; drop schema if exists ops cascade; create schema public');
}

describe('mikro: the plugin in-process (registration, up/down/list/pending, blank create)', function () {
  this.timeout(60_000);
  const db = useTestDatabase({ prefix: 'mikro_plugin' });
  let dir: ReturnType<typeof tempDir>;
  let orm: MikroORM | undefined;

  beforeEach(async () => {
    await reset(db.url);
    dir = tempDir();
  });
  afterEach(async () => {
    await orm?.close(true);
    orm = undefined;
    dir.cleanup();
  });

  describe('registration', () => {
    it('alembic({...}) replaces the migrator and makes the version table MikroORM\'s migrations table', async () => {
      orm = await initOrm(db.url, dir.path, [Gadget], { lockTimeoutMs: 5000 });
      expect(orm.migrator).to.be.instanceOf(AlembicMigrator);
      expect(alembicMigrator(orm).options.lockTimeoutMs).to.equal(5000);
      expect(orm.config.get('migrations').tableName).to.equal('public.mikro_orm_alembic_version');
      expect(findAlembicOptions(orm.config.get('extensions'))).to.deep.include({ path: dir.path, lockTimeoutMs: 5000 });
    });

    it('the class itself is an extension with the default options', async () => {
      orm = await PgMikroORM.init({
        clientUrl: db.url,
        entities: [Gadget],
        extensions: [AlembicMigrator],
        migrations: { path: dir.path, silent: true },
        debug: false,
      });
      expect(orm.migrator).to.be.instanceOf(AlembicMigrator);
      expect(alembicMigrator(orm).environment.scripts.folder).to.equal(dir.path);
      expect(findAlembicOptions(orm.config.get('extensions'))).to.deep.equal({});
    });

    it('a custom version table is what MikroORM sees as its migrations table', async () => {
      orm = await initOrm(db.url, dir.path, [Gadget], { versionTable: { schema: 'ops', name: 'schema_versions' } });
      expect(orm.config.get('migrations').tableName).to.equal('ops.schema_versions');
      await alembicMigrator(orm).upgrade('heads');
      expect(await tables(db.url)).to.include('ops.schema_versions');
    });

    it('alembicMigrator() names the problem when the plugin is not registered', async () => {
      orm = await PgMikroORM.init({ clientUrl: db.url, entities: [Gadget], extensions: [Migrator], debug: false });
      expect(() => alembicMigrator(orm as MikroORM)).to.throw(NotRegisteredError, /not the mikro-orm-alembic migrator/);
    });

    it('schema:update never proposes to drop the version table; dropSchema({ dropMigrationsTable }) drops it and the enum types', async () => {
      orm = await initOrm(db.url, dir.path, [Gadget]);
      const migrator = alembicMigrator(orm);
      const first = addRevision(dir.path, [], {
        message: 'gadgets',
        up: [`create type "mood" as enum ('happy', 'sad')`, `create table "gadget" ("id" serial primary key, "name" varchar(255) not null, "mood" "mood" not null)`],
        down: ['drop table "gadget"', 'drop type "mood"'],
      });
      migrator.refresh();
      await migrator.upgrade();
      expect(await tables(db.url)).to.include.members(['public.gadget', 'public.mikro_orm_alembic_version']);
      const update = await orm.schema.getUpdateSchemaSQL({ wrap: false });
      expect(update).not.to.contain('mikro_orm_alembic_version');
      expect(update.trim()).to.equal('');
      // the control: without the plugin's setting, MikroORM would drop the version table
      const tableName = orm.config.get('migrations').tableName;
      orm.config.set('migrations', { ...orm.config.get('migrations'), tableName: 'mikro_orm_migrations' });
      expect(await orm.schema.getUpdateSchemaSQL({ wrap: false })).to.contain('drop table if exists "mikro_orm_alembic_version"');
      orm.config.set('migrations', { ...orm.config.get('migrations'), tableName });
      await orm.schema.dropSchema({ dropMigrationsTable: true });
      expect(await tables(db.url)).to.deep.equal([]);
      expect(await enumTypes(db.url)).to.deep.equal([]);
      await migrator.upgrade();
      expect((await migrator.current()).heads).to.deep.equal([first.id]);
    });
  });

  describe('folders and connection', () => {
    it('defaults to MikroORM\'s migrations.path / pathTs, and reads pathTs only when TypeScript is preferred', async () => {
      const js = tempDir();
      try {
        orm = await PgMikroORM.init({
          clientUrl: db.url,
          entities: [Gadget],
          extensions: [AlembicMigrator],
          migrations: { path: js.path, pathTs: dir.path, silent: true },
          preferTs: false,
          debug: false,
        });
        expect(alembicMigrator(orm).environment.scripts.folder).to.equal(js.path);
        await orm.close(true);
        orm = await PgMikroORM.init({
          clientUrl: db.url,
          entities: [Gadget],
          extensions: [AlembicMigrator],
          migrations: { path: js.path, pathTs: dir.path, silent: true },
          preferTs: true,
          debug: false,
        });
        expect(alembicMigrator(orm).environment.scripts.folder).to.equal(dir.path);
        // new revisions are TypeScript sources: written to pathTs
        const created = await alembicMigrator(orm).createRevision({ message: 'ts source', autogenerate: false });
        expect(created.path?.startsWith(dir.path)).to.equal(true);
      } finally {
        js.cleanup();
      }
    });

    it('takes the connection from clientUrl, or from host/port/user/password/dbName', async () => {
      const url = new URL(db.url);
      orm = await PgMikroORM.init({
        host: url.hostname,
        port: Number(url.port),
        user: decodeURIComponent(url.username),
        password: decodeURIComponent(url.password) || undefined,
        dbName: db.name,
        entities: [Gadget],
        extensions: [AlembicMigrator],
        migrations: { path: dir.path, silent: true },
        debug: false,
      });
      const settings = connectionFromConfig(orm.config);
      expect(settings).to.include({ host: url.hostname, port: Number(url.port), database: db.name });
      addRevision(dir.path, [], { message: 'one', up: ['create table "t1" (id int)'], down: ['drop table "t1"'] });
      await alembicMigrator(orm).upgrade();
      expect(await tables(db.url)).to.include('public.t1');
      await orm.close(true);
      orm = await initOrm(db.url, dir.path, [Gadget]);
      expect(connectionFromConfig(orm.config)).to.include({ host: url.hostname, port: Number(url.port), database: db.name });
      expect((await alembicMigrator(orm).current()).heads).to.have.length(1);
    });
  });

  describe('up / down / list / pending (MikroORM\'s migrator API)', () => {
    /** base -> a -> (b [billing], c) ; d merges b and c later in some tests */
    function chain() {
      const a = addRevision(dir.path, [], { message: 'create a', up: ['create table "a" (id int)'], down: ['drop table "a"'] });
      const b = addRevision(dir.path, [a.id], {
        message: 'create b',
        up: ['create table "b" (id int)'],
        down: ['drop table "b"'],
        branchLabels: ['billing'],
      });
      const c = addRevision(dir.path, [a.id, b.id], { message: 'create c', head: a.id, up: ['create table "c" (id int)'], down: ['drop table "c"'] });
      return { a: a.id, b: b.id, c: c.id };
    }

    it('up() is head; with two heads it refuses and names them; heads, label@head, +1 and prefixes work', async () => {
      const { a, b, c } = chain();
      orm = await initOrm(db.url, dir.path, [Gadget]);
      const migrator = orm.migrator;
      const err = await migrator.up().catch((e: unknown) => e);
      expect(err).to.be.instanceOf(RevisionGraphError).and.have.property('code', 'MULTIPLE_HEADS');
      expect((err as Error).message).to.contain(b).and.contain(c);

      expect((await migrator.up({ to: '+1' })).map((m) => m.name)).to.deep.equal([`${a} create a`]);
      expect((await migrator.up({ to: 'billing@head' })).map((m) => m.name)).to.deep.equal([`${b} create b`]);
      expect((await migrator.up({ to: c.slice(0, 6) })).map((m) => m.name)).to.deep.equal([`${c} create c`]);
      expect(await tables(db.url)).to.include.members(['public.a', 'public.b', 'public.c']);
      expect(await migrator.up({ to: 'heads' })).to.deep.equal([]);
    });

    it('list and pending name revisions "<id> <message>", parents first; down() is -1, { to: 0 } and base are everything', async () => {
      const { a, b, c } = chain();
      orm = await initOrm(db.url, dir.path, [Gadget]);
      const migrator = orm.migrator;
      const pending = await migrator.getPendingMigrations();
      expect(pending.map((p) => p.name)).to.have.members([`${a} create a`, `${b} create b`, `${c} create c`]);
      expect(pending[0].name).to.equal(`${a} create a`);
      expect(pending[0].path).to.match(/create_a\.ts$/);
      expect(await migrator.getExecutedMigrations()).to.deep.equal([]);

      await migrator.up({ to: 'heads' });
      const executed = await migrator.getExecutedMigrations();
      expect(executed.map((e) => e.name)[0]).to.equal(`${a} create a`);
      expect(executed.map((e) => e.name)).to.have.members([`${a} create a`, `${b} create b`, `${c} create c`]);
      expect(executed[0].executed_at).to.be.instanceOf(Date);
      expect(await migrator.getPendingMigrations()).to.deep.equal([]);

      expect((await migrator.down({ to: 'billing@-1' })).map((m) => m.name)).to.deep.equal([`${b} create b`]);
      expect((await migrator.down()).map((m) => m.name)).to.deep.equal([`${c} create c`]);
      expect((await migrator.getPendingMigrations()).map((p) => p.name)).to.have.members([`${b} create b`, `${c} create c`]);
      await migrator.up({ to: 'heads' });
      expect(await migrator.down({ to: 0 })).to.have.length(3);
      expect(await tables(db.url)).to.deep.equal(['public.mikro_orm_alembic_version']);
      await migrator.up({ to: 'heads' });
      expect(await migrator.down({ to: 'base' })).to.have.length(3);
      expect(await migrator.down()).to.deep.equal([], 'nothing applied: nothing to do');
    });

    it('down({ to: X }) keeps X applied (Alembic), unlike umzug', async () => {
      const { a } = chain();
      orm = await initOrm(db.url, dir.path, [Gadget]);
      await orm.migrator.up({ to: 'heads' });
      expect(await orm.migrator.down({ to: a })).to.have.length(2);
      expect((await alembicMigrator(orm).current()).heads).to.deep.equal([a]);
    });

    it('--only runs exactly the named revisions, or refuses and says why', async () => {
      const { a, b, c } = chain();
      orm = await initOrm(db.url, dir.path, [Gadget]);
      const migrator = orm.migrator;
      const refused = await migrator.up({ migrations: [b] }).catch((e: unknown) => e);
      expect(refused).to.be.instanceOf(RevisionGraphError).and.have.property('code', 'NOT_APPLICABLE');
      expect((refused as Error).message).to.contain(a);
      expect((await migrator.up({ migrations: [a, c] })).map((m) => m.name)).to.deep.equal([`${a} create a`, `${c} create c`]);
      expect((await migrator.up([`${b} create b`])).map((m) => m.name)).to.deep.equal([`${b} create b`]);
      const blocked = await migrator.down({ migrations: [a] }).catch((e: unknown) => e);
      expect(blocked).to.be.instanceOf(RevisionGraphError).and.have.property('code', 'NOT_APPLICABLE');
      expect((await migrator.down({ migrations: [c] })).map((m) => m.name)).to.deep.equal([`${c} create c`]);
      expect(await tables(db.url)).to.include.members(['public.a', 'public.b']).and.not.include('public.c');
      expect(await migrator.up({ migrations: ['heads'] }).catch((e: unknown) => e)).to.be.instanceOf(UnknownMigrationError);
    });

    it("down('<name>') reverts exactly that revision (MikroORM), by id, file name or listed name, and refuses while something applied builds on it", async () => {
      const { a, b, c } = chain();
      orm = await initOrm(db.url, dir.path, [Gadget]);
      const migrator = orm.migrator;
      const fileOf = (id: string) => (alembicMigrator(orm as MikroORM).environment.scripts.get(id)?.fileName as string);
      await migrator.up({ to: 'heads' });
      // a has b and c applied on it: refused, nothing changed
      const blocked = await migrator.down(a).catch((e: unknown) => e);
      expect(blocked).to.be.instanceOf(RevisionGraphError).and.have.property('code', 'NOT_APPLICABLE');
      expect((blocked as Error).message).to.contain(b).and.contain(c).and.contain('Nothing was reverted').and.contain('down({ migrations: [');
      expect(await tables(db.url)).to.include.members(['public.a', 'public.b', 'public.c']);
      // b by its file name without extension: exactly b, c stays
      const stem = fileOf(b).replace(/\.ts$/, '');
      expect((await migrator.down(stem)).map((m) => m.name)).to.deep.equal([`${b} create b`]);
      expect((await alembicMigrator(orm).current()).heads).to.deep.equal([c]);
      // c by its file name with extension
      expect((await migrator.down(fileOf(c))).map((m) => m.name)).to.deep.equal([`${c} create c`]);
      expect((await alembicMigrator(orm).current()).heads).to.deep.equal([a]);
      // not applied: refused
      expect(await migrator.down(b).catch((e: unknown) => e)).to.be.instanceOf(RevisionGraphError).and.have.property('code', 'NOT_APPLICABLE');
      // an Alembic target is not a migration's name: refused, pointing at { to }
      for (const target of ['base', '-1', 'heads', a.slice(0, 6)]) {
        const err = await migrator.down(target).catch((e: unknown) => e);
        expect(err, target).to.be.instanceOf(UnknownMigrationError).and.have.property('code', 'UNKNOWN_MIGRATION');
        expect((err as Error).message).to.contain(`{ to: '${target}' }`);
      }
      expect((await alembicMigrator(orm).current()).heads).to.deep.equal([a]);
      expect((await alembicMigrator(orm).down(`${a} create a`)).map((m) => m.revision)).to.deep.equal([a]);
      expect(await tables(db.url)).to.deep.equal(['public.mikro_orm_alembic_version']);
    });

    it("up('<name>') also applies the revisions it builds on and marks them (dependencyOf); file names work in { to } and { migrations }", async () => {
      const { a, b, c } = chain();
      orm = await initOrm(db.url, dir.path, [Gadget]);
      const migrator = alembicMigrator(orm);
      const fileOf = (id: string) => migrator.environment.scripts.get(id)?.fileName as string;
      const ran = await migrator.up(fileOf(b));
      expect(ran.map((m) => [m.revision, m.dependencyOf])).to.deep.equal([
        [a, b],
        [b, undefined],
      ]);
      expect(ran[1].path).to.equal(migrator.environment.scripts.get(b)?.path);
      expect((await migrator.up({ migrations: [fileOf(c).replace(/\.ts$/, '')] })).map((m) => m.revision)).to.deep.equal([c]);
      await migrator.down({ to: 'base' });
      expect((await migrator.up({ to: fileOf(a) })).map((m) => m.revision)).to.deep.equal([a]);
      const rows = await migrator.getExecutedMigrations();
      expect(rows).to.have.length(1);
      expect(rows[0]).to.include({ id: 1, name: `${a} create a`, revision: a });
    });

    it('--from is a precondition; transaction is refused', async () => {
      const { a, b } = chain();
      orm = await initOrm(db.url, dir.path, [Gadget]);
      const migrator = orm.migrator;
      await migrator.up({ to: a });
      const err = await migrator.up({ from: b, to: 'billing@head' }).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(FromMismatchError).and.have.property('code', 'FROM_MISMATCH');
      expect((await migrator.up({ from: a, to: 'billing@head' })).map((m) => m.name)).to.deep.equal([`${b} create b`]);
      const trx = await migrator.up({ transaction: {} }).catch((e: unknown) => e);
      expect(trx).to.be.instanceOf(UnsupportedMigrateOptionError).and.have.property('option', 'transaction');
      expect(await migrator.up({ migrations: [b], to: 'heads' }).catch((e: unknown) => e)).to.be.instanceOf(UnsupportedMigrateOptionError);
    });

    it('fires migrating/migrated and reverting/reverted; off() stops a listener', async () => {
      const { a } = chain();
      orm = await initOrm(db.url, dir.path, [Gadget]);
      const seen: string[] = [];
      const listener = (e: { name: string }) => {
        seen.push(`migrated ${e.name}`);
      };
      orm.migrator.on('migrating', (e) => void seen.push(`migrating ${e.name}`)).on('migrated', listener);
      orm.migrator.on('reverting', (e) => void seen.push(`reverting ${e.name}`));
      await orm.migrator.up({ to: a });
      orm.migrator.off('migrated', listener);
      await orm.migrator.down();
      expect(seen).to.deep.equal([`migrating ${a} create a`, `migrated ${a} create a`, `reverting ${a} create a`]);
    });

    it('getStorage() reads the version table and refuses to write it', async () => {
      const { a } = chain();
      orm = await initOrm(db.url, dir.path, [Gadget]);
      await orm.migrator.up({ to: a });
      const storage = orm.migrator.getStorage();
      expect(await storage.executed()).to.deep.equal([a]);
      expect(storage.getTableName?.()).to.deep.equal({ schemaName: 'public', tableName: 'mikro_orm_alembic_version' });
      expect(storage.getMigrationName(`${a} create a`)).to.equal(a);
      expect(await storage.logMigration({ name: a }).catch((e: unknown) => e)).to.be.instanceOf(UnsupportedMigrateOptionError);
    });
  });

  describe('database and lock', () => {
    it('up() creates a missing database first (MikroORM\'s ensureDatabase), as MikroORM\'s migrator does', async () => {
      const url = new URL(db.url);
      const name = `${db.name}_new`;
      url.pathname = `/${name}`;
      addRevision(dir.path, [], { message: 'one', up: ['create table "t1" (id int)'], down: ['drop table "t1"'] });
      orm = await initOrm(url.toString(), dir.path, [Gadget], {}, { connect: false });
      try {
        expect(await orm.migrator.up()).to.have.length(1);
        expect(await tables(url.toString())).to.include('public.t1');
      } finally {
        await orm.close(true);
        orm = undefined;
        await query(db.serverUrl, `drop database if exists "${name}" with (force)`);
      }
    });

    it('two ORMs upgrading at once: the migration lock serialises them and each revision runs once', async () => {
      addRevision(dir.path, [], { message: 'slow', up: ['select pg_sleep(0.5)', 'create table "t1" (id int)'], down: ['drop table "t1"'] });
      orm = await initOrm(db.url, dir.path, [Gadget]);
      const other = await initOrm(db.url, dir.path, [Gadget]);
      try {
        const [a, b] = await Promise.all([orm.migrator.up(), other.migrator.up()]);
        expect([a.length, b.length].sort()).to.deep.equal([0, 1]);
        expect(await query(db.url, 'select revision from mikro_orm_alembic_version')).to.have.length(1);
      } finally {
        await other.close(true);
      }
    });
  });

  describe('autogenerate in-process: createRevision() and check()', () => {
    it('without a message, the first change and how many more; check() before and after the upgrade', async () => {
      orm = await initOrm(db.url, dir.path, [Gadget]);
      const migrator = alembicMigrator(orm);
      const before = await migrator.check();
      expect(before).to.include({ needed: true, comparedWith: 'database' });
      expect(before.summary).to.contain('create table gadget');
      const created = await migrator.createRevision();
      expect(created.written).to.equal(true);
      expect(created.message).to.match(/^create enum type mood .* and 1 more change$/);
      expect(created.upSql.join('\n')).to.contain('create table "gadget"');
      expect(created.downRevisions).to.deep.equal([]);
      const pending = await migrator.check();
      expect(pending).to.include({ needed: false, comparedWith: 'scratch-database' });
      expect(pending.pending).to.deep.equal([created.id]);
      await migrator.upgrade();
      expect(await migrator.check()).to.include({ needed: false, comparedWith: 'database' });
      expect(await orm.migrator.checkMigrationNeeded()).to.equal(false);
      const again = await migrator.createRevision({ message: 'nothing' });
      expect(again).to.include({ written: false, id: null });
      expect(readdirSync(dir.path)).to.have.length(1);
    });
  });

  describe('create (blank) and the refusals of create', () => {
    it('a blank revision builds on the head; -n is its message; the diff is marked blank', async () => {
      orm = await initOrm(db.url, dir.path, [Gadget]);
      const first = await orm.migrator.createMigration(undefined, true, false, 'first step');
      expect(first.fileName).to.match(/^[0-9a-f]{12}_first_step\.ts$/);
      expect(first.diff.up).to.have.length(1);
      const second = await orm.migrator.createMigration(undefined, true, false, 'second step');
      const migrator = alembicMigrator(orm);
      const [firstId, secondId] = [first, second].map((r) => /([0-9a-f]{12})_/.exec(r.fileName)?.[1]);
      expect(migrator.heads()).to.deep.equal([secondId]);
      expect(migrator.graph.get(secondId as string).downRevisions).to.deep.equal([firstId]);
      expect(second.code).to.contain(`import { Revision } from '${PLUGIN_SRC}'`).and.contain('second step');
      expect(migrator.history().map((r) => r.message)).to.deep.equal(['second step', 'first step']);
    });

    it('with several heads it refuses and names them', async () => {
      const a = addRevision(dir.path, [], { message: 'a' });
      const b = addRevision(dir.path, [a.id], { message: 'b' });
      const c = addRevision(dir.path, [a.id, b.id], { message: 'c', head: a.id });
      orm = await initOrm(db.url, dir.path, [Gadget]);
      for (const blank of [true, false]) {
        const err = await orm.migrator.createMigration(undefined, blank, false, 'x').catch((e: unknown) => e);
        expect(err).to.be.instanceOf(MultipleHeadsError).and.have.property('code', 'MULTIPLE_HEADS');
        expect((err as MultipleHeadsError).heads).to.have.members([b.id, c.id]);
        expect((err as Error).message).to.contain(b.id).and.contain(c.id);
      }
      // the typed API can pick the head (and label the new branch)
      const created = await alembicMigrator(orm).createRevision({ message: 'on billing', autogenerate: false, head: b.id, branchLabel: 'billing' });
      expect(created.downRevisions).to.deep.equal([b.id]);
      expect(alembicMigrator(orm).graph.resolve('billing@head')).to.deep.equal([created.id]);
    });

    it('autogenerate refuses while revisions are pending, and says which', async () => {
      const a = addRevision(dir.path, [], { message: 'create a', up: ['create table "a" (id int)'], down: ['drop table "a"'] });
      const b = addRevision(dir.path, [a.id], { message: 'create b', up: ['create table "b" (id int)'], down: ['drop table "b"'] });
      orm = await initOrm(db.url, dir.path, [Gadget]);
      await orm.migrator.up({ to: a.id });
      const err = await orm.migrator.createMigration().catch((e: unknown) => e);
      expect(err).to.be.instanceOf(DatabaseNotAtHeadError).and.have.property('code', 'NOT_AT_HEAD');
      expect((err as DatabaseNotAtHeadError).pending).to.deep.equal([b.id]);
      expect((err as Error).message).to.contain(`${b.id} (create b)`);
      expect(readdirSync(dir.path)).to.have.length(2);
    });

    it('-p writes into (and reads the graph of) another folder; --initial only while there is no revision', async () => {
      const other = tempDir();
      try {
        orm = await initOrm(db.url, dir.path, [Gadget]);
        const created = await orm.migrator.createMigration(other.path, true, true, 'elsewhere');
        expect(readdirSync(other.path)).to.have.length(1);
        expect(readdirSync(dir.path)).to.have.length(0);
        expect(readFileSync(join(other.path, readdirSync(other.path)[0]), 'utf8')).to.equal(created.code);
        const again = await orm.migrator.createMigration(other.path, true, true, 'again').catch((e: unknown) => e);
        expect(again).to.be.instanceOf(InitialRevisionExistsError);
        await orm.migrator.createMigration(other.path, true, false, 'again');
        const ids = readdirSync(other.path);
        expect(ids).to.have.length(2);
      } finally {
        other.cleanup();
      }
    });
  });
});
