/**
 * `upgradeOnInit` for schema-per-tenant: the tenant an app instance serves (`schema`), or every tenant of
 * the plugin's `tenants` function, through plain `MikroORM.init`.
 */
import 'reflect-metadata';
import { Entity, MikroORM, PrimaryKey, Property, type Options } from '@mikro-orm/core';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { expect } from 'chai';
import { alembic, FanoutFailedError, UpgradeOnInitTenantsError, type AlembicOptions } from '../../src';
import { useTestDatabase } from '../support/database';
import { addRevision, PLUGIN_SRC, tempDir } from '../mikro/support/orm';
import { query } from '../lifecycle/support/processes';

@Entity({ tableName: 'widget', schema: '*' })
class Widget {
  @PrimaryKey() id!: number;
  @Property() name!: string;
}

describe('tenants: upgradeOnInit for one tenant or for all', function () {
  this.timeout(60_000);
  const db = useTestDatabase({ prefix: 'mo_alembic_tinit' });
  let dir: ReturnType<typeof tempDir>;
  let a: string;
  let b: string;

  const config = (plugin: AlembicOptions): Options<PostgreSqlDriver> => ({
    driver: PostgreSqlDriver,
    clientUrl: db.url,
    entities: [Widget],
    debug: false,
    logger: () => undefined,
    extensions: [alembic({ path: dir.path, importFrom: PLUGIN_SRC, ...plugin })],
  });
  const applied = async (schema: string): Promise<string[]> =>
    (await query(db.url, `select revision from "${schema}".mikro_orm_alembic_version order by applied_at`).catch(() => [])).map((r) => String(r.revision));
  const tables = async (schema: string): Promise<string[]> =>
    (await query(db.url, `select tablename from pg_tables where schemaname = '${schema}' order by 1`)).map((r) => String(r.tablename));

  beforeEach(async () => {
    const existing = await query(db.url, "select nspname from pg_namespace where nspname like 'tenant_%'");
    for (const row of existing) await query(db.url, `drop schema "${String(row.nspname)}" cascade`);
    await query(db.url, 'create schema tenant_a; create schema tenant_b; create schema tenant_c');
    dir = tempDir();
    a = addRevision(dir.path, [], { message: 'widgets', up: ['create table "widget" ("id" serial primary key, "name" varchar(255) not null)'], down: ['drop table "widget"'] }).id;
    b = addRevision(dir.path, [a], { message: 'widget index', up: ['create index "widget_name_idx" on "widget" ("name")'], down: ['drop index "widget_name_idx"'] }).id;
  });
  afterEach(() => dir.cleanup());

  it('upgrades the tenant schema the instance serves (the plugin schema), and the ORM works in it', async () => {
    const orm = await MikroORM.init(config({ schema: 'tenant_a', upgradeOnInit: true }));
    try {
      expect(await applied('tenant_a')).to.deep.equal([a, b]);
      expect(await tables('tenant_a')).to.deep.equal(['mikro_orm_alembic_version', 'widget']);
      expect(await tables('tenant_b')).to.deep.equal([]);
      expect(await tables('public')).to.deep.equal([]);
      const em = orm.em.fork({ schema: 'tenant_a' });
      em.create(Widget, { name: 'first' });
      await em.flush();
      expect(await query(db.url, 'select name from tenant_a.widget')).to.deep.equal([{ name: 'first' }]);
      // MikroORM's view of this tenant: nothing pending
      expect(await orm.migrator.getPendingMigrations()).to.deep.equal([]);
    } finally {
      await orm.close(true);
    }
    // upgradeOnInit's own schema wins over the plugin's
    const other = await MikroORM.init(config({ schema: 'tenant_a', upgradeOnInit: { schema: 'tenant_b', target: a } }));
    await other.close(true);
    expect(await applied('tenant_b')).to.deep.equal([a]);
  });

  it('refuses a tenant schema that does not exist, unless createSchema', async () => {
    const error = await MikroORM.init(config({ schema: 'tenant_new', upgradeOnInit: true })).then(
      (orm) => orm.close(true).then(() => null),
      (e: unknown) => e,
    );
    expect((error as { code?: string }).code).to.equal('SCHEMA_NOT_FOUND');
    const orm = await MikroORM.init(config({ schema: 'tenant_new', createSchema: true, upgradeOnInit: true }));
    await orm.close(true);
    expect(await applied('tenant_new')).to.deep.equal([a, b]);
  });

  it('upgrades every tenant of the tenants function; a failing tenant is reported while the others reach head', async () => {
    const orm = await MikroORM.init(config({ tenants: async () => ['tenant_a', 'tenant_b'], upgradeOnInit: { tenants: true, concurrency: 2 } }));
    await orm.close(true);
    expect(await applied('tenant_a')).to.deep.equal([a, b]);
    expect(await applied('tenant_b')).to.deep.equal([a, b]);
    expect(await tables('public')).to.deep.equal([]);

    // tenant_c has a table in the way: its first revision fails and is rolled back, the others go on
    await query(db.url, 'create table tenant_c.widget (id int)');
    const c = addRevision(dir.path, [b], { message: 'widget note', up: ['alter table "widget" add column "note" text'], down: ['alter table "widget" drop column "note"'] }).id;
    const error = await MikroORM.init(config({ tenants: () => ['tenant_a', 'tenant_c', 'tenant_b'], upgradeOnInit: { tenants: true } })).then(
      (o) => o.close(true).then(() => null),
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(FanoutFailedError);
    expect((error as FanoutFailedError).failed).to.deep.equal(['tenant_c']);
    expect(await applied('tenant_a')).to.deep.equal([a, b, c]);
    expect(await applied('tenant_b')).to.deep.equal([a, b, c]);
    expect(await applied('tenant_c')).to.deep.equal([]);
  });

  it('without a tenants function, { tenants: true } is refused', async () => {
    const error = await MikroORM.init(config({ upgradeOnInit: { tenants: true } })).then(
      (o) => o.close(true).then(() => null),
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(UpgradeOnInitTenantsError);
    expect(await tables('public')).to.deep.equal([]);
  });
});
