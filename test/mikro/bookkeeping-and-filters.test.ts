/**
 * Bookkeeping tables of migration tools (`mikro_orm_migrations`, `alembic_version`, created as those
 * tools create them) and objects left out with `ignore`/`include`: `migration:create`, `migration:check`,
 * MikroORM's own `schema:update --dump` and `schema:drop --dump` (through the real MikroORM CLI) and the
 * test kit's drift check never mention them.
 */
import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { expect } from 'chai';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { alembic } from '../../src/mikro';
import { writeRevision } from '../../src/script';
import { MigrationCheckError, MigrationTestKit } from '../../src/testing';
import { useTestDatabase } from '../support/database';
import { CliProject, PLUGIN } from './support/cli-project';

const USER = `import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

@Entity({ tableName: 'user' })
export class User {
  @PrimaryKey() id!: number;
  @Property() name!: string;
}
`;

/**
 * As MikroORM 6.6.16's migrator creates its table (empty: rows there would be MikroORM's history, which
 * the plugin adopts), and Alembic 1.x its version table.
 */
const BOOKKEEPING = [
  `create table "mikro_orm_migrations" ("id" serial primary key, "name" varchar(255), "executed_at" timestamptz default current_timestamp)`,
  `CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))`,
  `insert into alembic_version values ('1975ea83b712')`,
];

/** What a hand-written revision of a team made, which the entities do not declare. */
const HAND_MADE = [
  `create index "user_keep_active_idx" on "user" (name) where (name <> '')`,
  `alter table "user" add constraint "user_manual_check" check ((name <> 'root') or (id > 1))`,
];

async function exec(url: string, statements: readonly string[]): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    for (const s of statements) await client.query(s);
  } finally {
    await client.end();
  }
}

const MENTIONS = /mikro_orm_migrations|alembic_version/;

describe('mikro: bookkeeping tables and ignored objects stay out of every diff (real MikroORM CLI)', function () {
  this.timeout(420_000); // each MikroORM CLI call starts ts-node: slow on a loaded machine
  const db = useTestDatabase({ prefix: 'mikro_bookkeeping' });
  let project: CliProject;

  before(async () => {
    await exec(db.url, BOOKKEEPING);
    project = new CliProject({
      databaseUrl: db.url,
      pluginOptions: `{ path: 'migrations', importFrom: ${JSON.stringify(PLUGIN)}, ignore: ['index:user_keep_*', 'check:user_manual_*'] }`,
    });
    project.setEntities({ 'User.ts': USER });
  });
  after(() => project.remove());

  it('migration:create --initial and migration:check never mention mikro_orm_migrations or alembic_version', async () => {
    const check = await project.run(['migration:check']);
    expect(check.code).to.equal(1);
    expect(check.output, check.output).to.contain('create table user').and.not.match(MENTIONS);
    const create = await project.run(['migration:create', '--initial', '-d']);
    expect(create.code, create.output).to.equal(0);
    expect(create.output).to.not.match(MENTIONS);
    const [file] = project.revisionFiles();
    expect(project.readRevision(file)).to.contain('create table "user"').and.not.match(MENTIONS);
    expect((await project.run(['migration:up'])).code).to.equal(0);
    const after = await project.run(['migration:check']);
    expect(after.code, after.output).to.equal(0);
    expect(after.output).to.contain('No changes required').and.not.match(MENTIONS);
  });

  it("MikroORM's own schema:update --dump and schema:drop --dump leave them alone when the plugin is registered", async () => {
    const update = await project.run(['schema:update', '--dump']);
    expect(update.code, update.output).to.equal(0);
    expect(update.output).to.not.match(MENTIONS);
    expect(update.output).to.not.contain('drop table');
    const drop = await project.run(['schema:drop', '--dump']);
    expect(drop.code, drop.output).to.equal(0);
    expect(drop.output).to.contain('drop table if exists "user"').and.not.match(MENTIONS);
  });

  it('ignore: a hand-made partial index and check are neither dropped by migration:create nor reported by migration:check', async () => {
    await exec(db.url, HAND_MADE);
    const check = await project.run(['migration:check']);
    expect(check.code, check.output).to.equal(0);
    expect(check.output).to.contain('No changes required');
    const before = project.revisionFiles().length;
    const create = await project.run(['migration:create']);
    expect(create.output).to.not.contain('user_keep_active_idx').and.not.contain('user_manual_check');
    expect(project.revisionFiles().length).to.equal(before);
  });

  it('without the option, migration:check reports them and migration:create drops them with DROP_UNDECLARED_INDEX and DROP_UNDECLARED_CHECK notes', async () => {
    const plain = new CliProject({ databaseUrl: db.url });
    try {
      plain.setEntities({ 'User.ts': USER });
      cpSync(project.migrationsDir, plain.migrationsDir, { recursive: true });
      const check = await plain.run(['migration:check']);
      expect(check.code, check.output).to.equal(1);
      expect(check.output).to.contain('drop index user_keep_active_idx').and.contain('drop check user_manual_check').and.not.match(MENTIONS);
      const create = await plain.run(['migration:create', '-d']);
      expect(create.code, create.output).to.equal(0);
      expect(create.output).to.contain('DROP_UNDECLARED_INDEX').and.contain('DROP_UNDECLARED_CHECK').and.not.match(MENTIONS);
      // down re-creates it lock-safe (safe-ddl): not valid, then validated outside the transaction
      expect(create.output).to.contain(`add constraint "user_manual_check" CHECK ((((name)::text <> 'root'::text) OR (id > 1))) not valid;`);
      expect(create.output).to.contain(`validate constraint "user_manual_check";`);
    } finally {
      plain.remove();
    }
  });
});

@Entity({ tableName: 'gadget' })
class Gadget {
  @PrimaryKey() id!: number;
  @Property() name!: string;
}

describe('testing: the drift check leaves bookkeeping tables and ignored objects out', function () {
  this.timeout(120_000);
  const db = useTestDatabase({ prefix: 'kit_bookkeeping' });
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mo-alembic-bookkeeping-'));
    writeRevision({
      directory: dir,
      heads: [],
      message: 'gadgets, and what other tools and hands made',
      revId: 'bb0000000001',
      importFrom: PLUGIN,
      upBody: [
        'this.addSql(`create table "gadget" ("id" serial primary key, "name" varchar(255) not null)`);',
        ...BOOKKEEPING.filter((s) => !s.startsWith('insert')).map((s) => `this.addSql(${JSON.stringify(s)});`),
        `this.addSql(${JSON.stringify(`create index "gadget_keep_idx" on "gadget" (name) where (name <> '')`)});`,
      ].join('\n'),
      downBody: ['this.addSql(`drop table "gadget"`);', 'this.addSql(`drop table "mikro_orm_migrations"`);', 'this.addSql(`drop table alembic_version`);'].join('\n'),
    });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('passes with the plugin ignoring the hand-made index, and never mentions the bookkeeping tables', async () => {
    const kit = await MigrationTestKit.open({
      path: dir,
      serverUrl: db.serverUrl,
      preferTs: true,
      orm: { driver: PostgreSqlDriver, entities: [Gadget], extensions: [alembic({ ignore: ['index:gadget_keep_*'] })] },
    });
    try {
      await kit.assertModelsMatchMigrations();
    } finally {
      await kit.close();
    }
  });

  it('fails on the hand-made index without the option, naming only it', async () => {
    const kit = await MigrationTestKit.open({ path: dir, serverUrl: db.serverUrl, preferTs: true, orm: { driver: PostgreSqlDriver, entities: [Gadget] } });
    try {
      const e = await kit.assertModelsMatchMigrations().then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(e).to.be.instanceOf(MigrationCheckError);
      const message = (e as MigrationCheckError).message;
      expect(message).to.contain('drop index gadget_keep_idx').and.not.match(MENTIONS);
    } finally {
      await kit.close();
    }
  });
});
