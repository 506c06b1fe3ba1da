import 'reflect-metadata';
import { Entity, PrimaryKey, Property, type Options } from '@mikro-orm/core';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { expect } from 'chai';
import { Client } from 'pg';
import { alembic, alembicMigrator, initWithUpgrade, RevisionFailedError, type AlembicOptions } from '../../src';
import { useTestDatabase } from '../support/database';
import { addRevision, PLUGIN_SRC, tempDir } from './support/orm';

@Entity({ tableName: 'widget' })
class Widget {
  @PrimaryKey() id!: number;
  @Property() name!: string;
}

async function query(url: string, sql: string): Promise<Record<string, unknown>[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('mikro: upgradeOnInit through initWithUpgrade()', function () {
  this.timeout(60_000);
  const db = useTestDatabase({ prefix: 'mikro_init' });
  let dir: ReturnType<typeof tempDir>;
  let a: string;
  let b: string;
  let c: string;
  const messages: string[] = [];

  const config = (plugin: AlembicOptions, extra: Partial<Options<PostgreSqlDriver>> = {}): Options<PostgreSqlDriver> => ({
    driver: PostgreSqlDriver,
    clientUrl: db.url,
    entities: [Widget],
    debug: false,
    logger: (message: string) => messages.push(message),
    migrations: { silent: true },
    extensions: [alembic({ path: dir.path, importFrom: PLUGIN_SRC, ...plugin })],
    ...extra,
  });

  beforeEach(async () => {
    messages.length = 0;
    await query(db.url, 'drop schema public cascade; create schema public');
    dir = tempDir();
    a = addRevision(dir.path, [], { message: 'widgets', up: ['select pg_sleep(0.3)', 'create table "widget" ("id" serial primary key, "name" varchar(255) not null)'], down: ['drop table "widget"'] }).id;
    b = addRevision(dir.path, [a], { message: 'billing', up: ['create table "b" (id int)'], down: ['drop table "b"'], branchLabels: ['billing'] }).id;
    c = addRevision(dir.path, [a, b], { message: 'audit', head: a, up: ['create table "c" (id int)'], down: ['drop table "c"'] }).id;
  });
  afterEach(() => dir.cleanup());

  it('upgradeOnInit: "heads" — the database is upgraded before the ORM is handed out', async () => {
    const orm = await initWithUpgrade(config({ upgradeOnInit: 'heads' }));
    try {
      expect((await alembicMigrator(orm).current()).heads).to.have.members([b, c]);
    } finally {
      await orm.close(true);
    }
  });

  it('upgradeOnInit: "billing@head" upgrades that branch only; unset or MIKRO_ORM_ALEMBIC_UPGRADE_ON_INIT=0 upgrades nothing', async () => {
    let orm = await initWithUpgrade(config({}));
    expect((await alembicMigrator(orm).current()).heads).to.deep.equal([]);
    await orm.close(true);
    process.env.MIKRO_ORM_ALEMBIC_UPGRADE_ON_INIT = '0';
    try {
      orm = await initWithUpgrade(config({ upgradeOnInit: 'heads' }));
      expect((await alembicMigrator(orm).current()).heads).to.deep.equal([]);
      await orm.close(true);
    } finally {
      delete process.env.MIKRO_ORM_ALEMBIC_UPGRADE_ON_INIT;
    }
    orm = await initWithUpgrade(config({ upgradeOnInit: 'billing@head' }));
    expect((await alembicMigrator(orm).current()).heads).to.deep.equal([b]);
    await orm.close(true);
  });

  it('three instances starting together: the lock serialises the upgrade, each revision runs once', async () => {
    const orms = await Promise.all([1, 2, 3].map(() => initWithUpgrade(config({ upgradeOnInit: 'heads' }))));
    try {
      const rows = await query(db.url, 'select revision from mikro_orm_alembic_version');
      expect(rows.map((r) => r.revision)).to.have.members([a, b, c]);
    } finally {
      await Promise.all(orms.map((orm) => orm.close(true)));
    }
  });

  it('a failing revision fails the start with the revision named, and nothing stays connected', async () => {
    addRevision(dir.path, [b, c], { message: 'broken', head: [b, c], up: ['select * from no_such_table'], down: [] });
    const err = await initWithUpgrade(config({ upgradeOnInit: true })).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(RevisionFailedError);
    expect((err as Error).message).to.contain('no_such_table');
    const sessions = await query(db.url, `select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`);
    expect(sessions).to.deep.equal([{ n: 0 }]);
  });

  it('plain MikroORM.init with upgradeOnInit warns and upgrades nothing; the CLI path (connect: false) stays quiet', async () => {
    const { MikroORM } = await import('@mikro-orm/core');
    let orm = await MikroORM.init(config({ upgradeOnInit: true }));
    expect(messages.join('\n')).to.contain('upgradeOnInit is set, but MikroORM.init does not wait').and.contain('initWithUpgrade');
    expect((await alembicMigrator(orm).current()).heads).to.deep.equal([]);
    await orm.close(true);
    messages.length = 0;
    orm = await MikroORM.init(config({ upgradeOnInit: true }, { connect: false }));
    expect(messages.join('\n')).not.to.contain('upgradeOnInit');
    await orm.close(true);
  });
});
