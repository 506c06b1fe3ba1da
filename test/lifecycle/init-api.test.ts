/**
 * `upgradeOnInit` through plain `MikroORM.init` (in-process): every flavour of `init` waits for the
 * upgrade, the ORM it hands out is not a thenable, failures reject `init`, and what does not connect
 * (MikroORM's CLI, `connect: false`, `initSync`) never upgrades.
 */
import 'reflect-metadata';
import { Entity, MikroORM, PrimaryKey, Property, type LoggerNamespace, type Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { MikroORM as PgMikroORM, PostgreSqlDriver } from '@mikro-orm/postgresql';
import { expect } from 'chai';
import {
  alembic,
  initWithUpgrade,
  NotRegisteredError,
  RevisionFailedError,
  upgradeOnInitApplicationName,
  upgradeOnInitPlan,
  type AlembicOptions,
} from '../../src';
import { useTestDatabase } from '../support/database';
import { CliProject, PLUGIN } from '../mikro/support/cli-project';
import { addRevision, PLUGIN_SRC, tempDir } from '../mikro/support/orm';
import { query } from './support/processes';

@Entity({ tableName: 'widget' })
class Widget {
  @PrimaryKey() id!: number;
  @Property() name!: string;
}

describe('lifecycle: upgradeOnInit through plain MikroORM.init', function () {
  this.timeout(60_000);
  const db = useTestDatabase({ prefix: 'lc_init' });
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
    logger: (message: string) => messages.push(message.replace(/\x1b\[[0-9;]*m/g, '')), // colours follow NO_COLOR/FORCE_COLOR only
    extensions: [alembic({ path: dir.path, importFrom: PLUGIN_SRC, ...plugin })],
    ...extra,
  });
  const heads = async () => [...(await query(db.url, `select revision from mikro_orm_alembic_version`).catch(() => []))].map((r) => r.revision);
  const sessions = async () =>
    query(db.url, `select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`);

  beforeEach(async () => {
    messages.length = 0;
    await query(db.url, 'drop schema public cascade; create schema public');
    dir = tempDir();
    a = addRevision(dir.path, [], { message: 'widgets', up: ['select pg_sleep(0.2)', 'create table "widget" ("id" serial primary key, "name" varchar(255) not null)'], down: ['drop table "widget"'] }).id;
    b = addRevision(dir.path, [a], { message: 'billing', up: ['create table "b" (id int)'], down: ['drop table "b"'], branchLabels: ['billing'] }).id;
    c = addRevision(dir.path, [a, b], { message: 'audit', head: a, up: ['create table "c" (id int)'], down: ['drop table "c"'] }).id;
  });
  afterEach(() => dir.cleanup());

  it("@mikro-orm/core's MikroORM.init returns once the database is at the target; the ORM is not left a thenable", async () => {
    const orm = await MikroORM.init(config({ upgradeOnInit: 'heads' }));
    try {
      expect(await heads()).to.have.members([a, b, c]);
      expect('then' in orm).to.equal(false);
      expect(Object.getOwnPropertyNames(orm)).not.to.include('then');
      expect(await orm.em.fork().count(Widget)).to.equal(0); // the entity's table is there
      const lines = messages.filter((m) => m.includes('[migrator]'));
      expect(lines[0]).to.equal('[migrator] Upgrading the database to heads on start-up: 3 revision(s) to apply');
      expect(lines[1]).to.match(new RegExp(`^\\[migrator\\] Applied ${a} widgets \\(\\d+ ms\\) \\[1/3\\]$`));
      expect(lines[4]).to.match(/^\[migrator\] Database at heads \([0-9a-f]{12}, [0-9a-f]{12}\): 3 revision\(s\) applied in \d+ ms$/);
      expect(lines).to.have.length(5);
    } finally {
      await orm.close(true);
    }
  });

  it("@mikro-orm/postgresql's MikroORM.init (PostgreSqlMikroORM) waits too; a start with nothing to do logs nothing", async () => {
    const { driver: _driver, ...withoutDriver } = config({ upgradeOnInit: 'billing@head' });
    let orm: MikroORM = await PgMikroORM.init(withoutDriver);
    expect(await heads()).to.have.members([a, b]);
    expect('then' in orm).to.equal(false);
    await orm.close(true);
    messages.length = 0;
    orm = await PgMikroORM.init({ ...withoutDriver, extensions: [alembic({ path: dir.path, importFrom: PLUGIN_SRC, upgradeOnInit: 'heads', lockTimeoutMs: 5_000 })] });
    expect(await heads()).to.have.members([a, b, c]);
    expect('then' in orm).to.equal(false);
    await orm.close(true);
    messages.length = 0;
    orm = await PgMikroORM.init({ ...withoutDriver, extensions: [alembic({ path: dir.path, importFrom: PLUGIN_SRC, upgradeOnInit: 'heads' })] });
    expect(messages.filter((m) => m.includes('[migrator]'))).to.deep.equal([]);
    await orm.close(true);
  });

  it('.then() on the init promise and initWithUpgrade (deprecated) behave the same', async () => {
    const orm = await MikroORM.init(config({ upgradeOnInit: { target: 'billing@head' } })).then((o) => {
      expect('then' in o).to.equal(false);
      return o;
    });
    expect(await heads()).to.have.members([a, b]);
    await orm.close(true);
    const again = await initWithUpgrade(config({ upgradeOnInit: 'heads' }));
    expect(await heads()).to.have.members([a, b, c]);
    expect('then' in again).to.equal(false);
    await again.close(true);
  });

  it('unset, false, or MIKRO_ORM_ALEMBIC_UPGRADE_ON_INIT=0: nothing is upgraded', async () => {
    for (const plugin of [{}, { upgradeOnInit: false }] as AlembicOptions[]) {
      const orm = await MikroORM.init(config(plugin));
      expect('then' in orm).to.equal(false);
      await orm.close(true);
    }
    process.env.MIKRO_ORM_ALEMBIC_UPGRADE_ON_INIT = '0';
    try {
      const orm = await MikroORM.init(config({ upgradeOnInit: 'heads' }));
      await orm.close(true);
    } finally {
      delete process.env.MIKRO_ORM_ALEMBIC_UPGRADE_ON_INIT;
    }
    expect(await heads()).to.deep.equal([]);
    expect(messages.filter((m) => m.includes('[migrator]'))).to.deep.equal([]);
  });

  it('three instances starting together in one process: the lock serialises the upgrade, each revision runs once', async () => {
    const orms = await Promise.all([1, 2, 3].map(() => MikroORM.init(config({ upgradeOnInit: 'heads' }))));
    try {
      const rows = await query(db.url, 'select revision from mikro_orm_alembic_version');
      expect(rows.map((r) => r.revision)).to.have.members([a, b, c]);
      expect(messages.filter((m) => m.includes('] Applied '))).to.have.length(3);
      expect(messages.filter((m) => m.includes('Waiting for the migration lock'))).to.have.length(2);
    } finally {
      await Promise.all(orms.map((orm) => orm.close(true)));
    }
  });

  it("a failing revision rejects init with the revision's error, and closes the ORM's connections", async () => {
    // two heads and `true` ('head'): the plan itself fails, before anything runs
    const ambiguous = await MikroORM.init(config({ upgradeOnInit: true })).catch((e: unknown) => e);
    expect((ambiguous as { code?: string }).code).to.equal('MULTIPLE_HEADS');
    expect(await heads()).to.deep.equal([]);
    expect(await sessions()).to.deep.equal([{ n: 0 }]);

    addRevision(dir.path, [b, c], { message: 'broken', head: [b, c], up: ['select * from no_such_table'], down: [] });
    const err = await MikroORM.init(config({ upgradeOnInit: true })).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(RevisionFailedError);
    expect((err as Error).message).to.contain('no_such_table');
    expect(await heads()).to.have.members([a, b, c]);
    expect(await sessions()).to.deep.equal([{ n: 0 }]);
  });

  it('another migrator registered after the plugin: init rejects (NotRegisteredError) instead of starting without the upgrade', async () => {
    const options = config({ upgradeOnInit: true });
    const err = await MikroORM.init({ ...options, extensions: [...(options.extensions ?? []), Migrator] }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(NotRegisteredError);
    expect(await heads()).to.deep.equal([]);
    expect(await sessions()).to.deep.equal([{ n: 0 }]);
  });

  it('connect: false (how the CLI starts the ORM) and initSync never upgrade; initSync says why', async () => {
    let orm = await MikroORM.init(config({ upgradeOnInit: true }, { connect: false }));
    expect('then' in orm).to.equal(false);
    await orm.close(true);
    expect(messages.filter((m) => m.includes('[migrator]'))).to.deep.equal([]);
    orm = MikroORM.initSync(config({ upgradeOnInit: true }));
    expect('then' in orm).to.equal(false);
    expect(messages.join('\n')).to.contain('upgradeOnInit is set, but this ORM was started without connecting (MikroORM.initSync)');
    await orm.close(true);
    expect(await heads()).to.deep.equal([]);
  });

  it('ensureDatabase: { create: true } (tables from the entities on a new database) gets a warning', async () => {
    const orm = await MikroORM.init(config({ upgradeOnInit: 'heads' }, { ensureDatabase: { create: true } }));
    await orm.close(true);
    expect(messages.join('\n')).to.contain("ensureDatabase: { create: true } creates the entities' tables");
  });

  it('migrations.silent hides the progress lines; debug: ["migrator"] adds the runtime\'s own', async () => {
    let orm = await MikroORM.init(config({ upgradeOnInit: 'billing@head' }, { migrations: { silent: true } }));
    await orm.close(true);
    expect(messages.filter((m) => m.includes('[migrator]'))).to.deep.equal([]);
    orm = await MikroORM.init(config({ upgradeOnInit: 'heads' }, { debug: ['migrator'] as unknown as LoggerNamespace[] }));
    await orm.close(true);
    expect(messages.filter((m) => m.includes('[migrator] Running upgrade'))).to.have.length(1);
    expect(messages.filter((m) => m.includes('[migrator] Applied'))).to.have.length(1);
  });

  it('upgradeOnInitPlan and the application name', () => {
    expect(upgradeOnInitPlan({ upgradeOnInit: true }, {})).to.deep.equal({ target: 'head', lockTimeoutMs: undefined, statementLockTimeoutMs: undefined, schema: undefined, tenants: false, concurrency: undefined });
    expect(upgradeOnInitPlan({ upgradeOnInit: 'heads', lockTimeoutMs: 5, statementLockTimeoutMs: 7 }, {})).to.deep.equal({ target: 'heads', lockTimeoutMs: 5, statementLockTimeoutMs: 7, schema: undefined, tenants: false, concurrency: undefined });
    expect(upgradeOnInitPlan({ upgradeOnInit: { lockTimeoutMs: 9 }, lockTimeoutMs: 5, statementLockTimeoutMs: 7 }, {})).to.deep.equal({ target: 'head', lockTimeoutMs: 9, statementLockTimeoutMs: 7, schema: undefined, tenants: false, concurrency: undefined });
    for (const off of ['0', 'false', ' OFF ', 'no']) expect(upgradeOnInitPlan({ upgradeOnInit: true }, { MIKRO_ORM_ALEMBIC_UPGRADE_ON_INIT: off })).to.equal(undefined);
    expect(upgradeOnInitPlan({ upgradeOnInit: true }, { MIKRO_ORM_ALEMBIC_UPGRADE_ON_INIT: '1' })?.target).to.equal('head');
    expect(upgradeOnInitPlan({ upgradeOnInit: true, schema: 'tenant_a' }, {})?.schema).to.equal('tenant_a');
    expect(upgradeOnInitPlan({ upgradeOnInit: { schema: 'tenant_b', tenants: true, concurrency: 3 }, schema: 'tenant_a' }, {})).to.include({ schema: 'tenant_b', tenants: true, concurrency: 3 });
    expect(upgradeOnInitPlan({}, {})).to.equal(undefined);
    expect(upgradeOnInitApplicationName(42, 'web-1')).to.equal('mikro-orm-alembic init pid 42 on web-1');
    expect(upgradeOnInitApplicationName(42, `pod-${'x'.repeat(80)}é`)).to.have.length(63);
  });
});

describe("lifecycle: MikroORM's CLI never upgrades on start", function () {
  this.timeout(120_000);
  const db = useTestDatabase({ prefix: 'lc_cli' });
  let project: CliProject;
  let ids: string[];

  before(() => {
    project = new CliProject({ databaseUrl: '', pluginOptions: `{ path: 'migrations', importFrom: ${JSON.stringify(PLUGIN)}, upgradeOnInit: true }` });
    project.setEntities({
      'one.ts': "import { Entity, PrimaryKey } from '@mikro-orm/core';\n@Entity({ tableName: 'one' })\nexport class One {\n  @PrimaryKey() id!: number;\n}\n",
    });
    const first = addRevision(project.migrationsDir, [], { message: 'first', up: ['create table one (id int)'], down: ['drop table one'] }).id;
    const second = addRevision(project.migrationsDir, [first], { message: 'second', up: ['create table two (id int)'], down: ['drop table two'] }).id;
    ids = [first, second];
  });
  after(() => project?.remove());

  it('migration:pending and migration:up -t <first> with upgradeOnInit: true in the config', async () => {
    const env = { APP_DATABASE_URL: db.url };
    const pending = await project.run(['migration:pending'], env);
    expect(pending.code, pending.output).to.equal(0);
    expect(pending.output).to.contain(`${ids[0]} first`).and.contain(`${ids[1]} second`);
    const up = await project.run(['migration:up', '-t', ids[0]], env);
    expect(up.code, up.output).to.equal(0);
    expect(up.output).not.to.contain('on start-up');
    const rows = await query(db.url, 'select revision from mikro_orm_alembic_version');
    expect(rows.map((r) => r.revision)).to.deep.equal([ids[0]]);
  });
});
