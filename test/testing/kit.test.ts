/**
 * The migration test kit against deliberately broken revision chains (one per problem it must
 * catch) and against healthy branched chains, on real PostgreSQL.
 */
import { expect } from 'chai';
import { Client } from 'pg';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeRevision } from '../../src/script';
import { MigrationCheckError, MigrationTestKit, TEST_DB_PREFIX_VARIABLE } from '../../src/testing';
import { useTestDatabase } from '../support/database';

const IMPORT_FROM = resolve(__dirname, '../../src/script/revision');

interface Spec {
  id: string;
  parent?: string | string[] | null;
  up: string[];
  down?: string[] | 'irreversible';
  dependsOn?: string[];
  labels?: string[];
}

/** A migrations folder written with the real writer, one revision per spec. */
function chain(specs: Spec[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'mo-alembic-kit-'));
  const body = (sql: string[]) => sql.map((s) => `this.addSql(${JSON.stringify(s)});`).join('\n');
  for (const s of specs) {
    const written = writeRevision({
      directory: dir,
      heads: [],
      head: s.parent ?? null,
      splice: true,
      message: `revision ${s.id}`,
      revId: s.id,
      createDate: new Date('2026-01-01T00:00:00Z'),
      importFrom: IMPORT_FROM,
      upBody: body(s.up),
      downBody: s.down === 'irreversible' ? undefined : body(s.down ?? []),
      dependsOn: s.dependsOn,
      branchLabels: s.labels,
    });
    if (s.down === 'irreversible') {
      // a data migration: down() left out on purpose (the base class throws IrreversibleRevisionError)
      const fs = require('node:fs') as typeof import('node:fs');
      const text = fs.readFileSync(written.path, 'utf8').replace(/\n  override async down\(\)[\s\S]*?\n  \}\n/, '\n');
      fs.writeFileSync(written.path, text);
    }
  }
  return dir;
}

async function failure(fn: () => unknown): Promise<MigrationCheckError> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof MigrationCheckError) return e;
    throw e;
  }
  throw new Error('the check passed');
}

describe('migration test kit', function () {
  this.timeout(120_000);
  const db = useTestDatabase({ prefix: 'mo_alembic_kit_t' });
  const dirs: string[] = [];
  let kit: MigrationTestKit | undefined;
  const open = async (specs: Spec[]) => {
    const dir = chain(specs);
    dirs.push(dir);
    kit = await MigrationTestKit.open({ path: dir, serverUrl: db.serverUrl, preferTs: true });
    return kit;
  };
  afterEach(async () => {
    await kit?.close();
    kit = undefined;
  });
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  const healthy: Spec[] = [
    { id: 'aaaa00000001', up: ['create table team (id serial primary key, name text not null)'], down: ['drop table team'] },
    { id: 'aaaa00000002', parent: 'aaaa00000001', up: [`create type user_role as enum ('super_user', 'admin', 'user')`, `create table "user" (id serial primary key, role user_role not null default 'user')`], down: ['drop table "user"', 'drop type user_role'] },
    // two branches from 2, merged by 5
    { id: 'bbbb00000003', parent: 'aaaa00000002', up: ['create index user_role_idx on "user" (role)'], down: ['drop index user_role_idx'], labels: ['search'] },
    { id: 'cccc00000004', parent: 'aaaa00000002', up: ['alter table team add column slug text'], down: ['alter table team drop column slug'] },
    { id: 'dddd00000005', parent: ['bbbb00000003', 'cccc00000004'], up: [], down: [] },
    // depends_on across lines: 6 needs the search branch
    { id: 'eeee00000006', parent: 'dddd00000005', up: [`create view admins as select id from "user" where role = 'admin'`], down: ['drop view admins'], dependsOn: ['search'] },
  ];

  it('passes every check on a healthy branched chain with a merge and depends_on', async () => {
    const k = await open(healthy);
    k.assertGraphValid();
    k.assertSingleHead();
    await k.assertUpgradeFromEmpty();
    const result = await k.stairway();
    expect(result.stepped).to.have.length(6);
    expect(result.stepped[0]).to.equal('aaaa00000001');
    expect(result.stepped[5]).to.equal('eeee00000006');
    expect(result.floor).to.equal(null);
    await k.assertDowngradeLeavesNoTrace();
  });

  it('names its throw-away databases with the databasePrefix option, else MIKRO_ORM_ALEMBIC_TEST_DB_PREFIX, else mo_alembic_kit', async () => {
    const dir = chain(healthy.slice(0, 1));
    dirs.push(dir);
    const saved = process.env[TEST_DB_PREFIX_VARIABLE];
    const names: string[] = [];
    try {
      delete process.env[TEST_DB_PREFIX_VARIABLE];
      for (const [prefix, env] of [['CI-Billing', 'from_env'], [undefined, 'from_env'], [undefined, undefined]] as const) {
        if (env === undefined) delete process.env[TEST_DB_PREFIX_VARIABLE];
        else process.env[TEST_DB_PREFIX_VARIABLE] = env;
        kit = await MigrationTestKit.open({ path: dir, serverUrl: db.serverUrl, preferTs: true, databasePrefix: prefix });
        const made = await kit.createDatabase();
        try {
          names.push(made.name);
          const client = new Client({ connectionString: db.serverUrl });
          await client.connect();
          const found = await client.query('select 1 from pg_database where datname = $1', [made.name]).finally(() => client.end());
          expect(found.rows).to.have.length(1);
        } finally {
          await made.drop();
        }
        await kit.close();
        kit = undefined;
      }
    } finally {
      if (saved === undefined) delete process.env[TEST_DB_PREFIX_VARIABLE];
      else process.env[TEST_DB_PREFIX_VARIABLE] = saved;
    }
    expect(names[0]).to.match(/^ci_billing_\d+_[0-9a-f]{8}$/);
    expect(names[1]).to.match(/^from_env_\d+_[0-9a-f]{8}$/);
    expect(names[2]).to.match(/^mo_alembic_kit_\d+_[0-9a-f]{8}$/);
  });

  it('catches two heads after parallel pull requests, and says how to merge them', async () => {
    const k = await open(healthy.slice(0, 4));
    const e = await failure(() => k.assertSingleHead());
    expect(e.code).to.equal('NOT_SINGLE_HEAD');
    expect(e.message).to.contain('2 heads');
    expect(e.message).to.contain('bbbb00000003').and.to.contain('cccc00000004');
    expect(e.message).to.contain('npx mikro-orm-alembic merge bbbb00000003 cccc00000004');
  });

  it('catches a graph that does not load (a missing parent)', async () => {
    const k = await open([{ id: 'aaaa00000001', up: [] }, { id: 'ffff00000002', parent: 'aaaa00000001', up: [] }]);
    rmSync(join(k.environment.scripts.folder, k.environment.scripts.get('aaaa00000001')!.fileName));
    k.environment.refresh();
    const e = await failure(() => k.assertGraphValid());
    expect(e.code).to.equal('GRAPH_INVALID');
    expect(e.message).to.contain('ffff00000002').and.to.contain('aaaa00000001');
  });

  it('catches a revision that fails on an empty database', async () => {
    const k = await open([...healthy.slice(0, 2), { id: 'ffff00000003', parent: 'aaaa00000002', up: ['alter table profile add column bio text'], down: [] }]);
    const e = await failure(() => k.assertUpgradeFromEmpty());
    expect(e.code).to.equal('UPGRADE_FROM_EMPTY_FAILED');
    expect(e.revision).to.equal('ffff00000003');
    expect(e.message).to.contain('relation "profile" does not exist');
  });

  it('catches a down() that crashes', async () => {
    const k = await open([...healthy.slice(0, 2), { id: 'ffff00000003', parent: 'aaaa00000002', up: ['alter table team add column slug text'], down: ['alter table team drop column sluggg'] }]);
    const e = await failure(() => k.stairway());
    expect(e.code).to.equal('STAIRWAY_FAILED');
    expect(e.revision).to.equal('ffff00000003');
    expect(e.message).to.contain('down').and.to.contain('sluggg');
  });

  it('catches a down() that leaves a type behind, so the next up fails with "already exists"', async () => {
    const leaky: Spec = { id: 'ffff00000003', parent: 'aaaa00000002', up: [`create type mood as enum ('happy', 'sad')`, 'alter table team add column mood mood'], down: ['alter table team drop column mood'] };
    const k = await open([...healthy.slice(0, 2), leaky]);
    const stair = await failure(() => k.stairway());
    expect(stair.code).to.equal('STAIRWAY_FAILED');
    expect(stair.message).to.contain('up again').and.to.contain('type "mood" already exists');
    const trace = await failure(() => k.assertDowngradeLeavesNoTrace());
    expect(trace.code).to.equal('DOWNGRADE_LEFT_TRACE');
    expect(trace.message).to.contain('ffff00000003');
    expect(trace.message).to.contain(`+ enumTypes: public.mood enum ('happy', 'sad')`);
  });

  it('catches a down() that removes more than its up() created', async () => {
    const greedy: Spec = { id: 'ffff00000003', parent: 'aaaa00000002', up: ['create index team_name_idx on team (name)'], down: ['drop index team_name_idx', 'alter table team drop column name'] };
    const k = await open([...healthy.slice(0, 2), greedy]);
    const trace = await failure(() => k.assertDowngradeLeavesNoTrace());
    expect(trace.message).to.contain('- columns: public.team.name text not null');
  });

  it('stops the walk down at an irreversible revision and reports that floor', async () => {
    const k = await open([
      ...healthy.slice(0, 2),
      { id: 'ffff00000003', parent: 'aaaa00000002', up: [`update "user" set role = 'admin' where false`], down: 'irreversible' },
      { id: 'ffff00000004', parent: 'ffff00000003', up: ['alter table team add column slug text'], down: ['alter table team drop column slug'] },
    ]);
    const result = await k.stairway();
    expect(result.floor).to.equal('ffff00000003');
    expect(result.stepped).to.deep.equal(['aaaa00000001', 'aaaa00000002', 'ffff00000003', 'ffff00000004']);
  });

  it('runs data hooks before and after a revision, and reports a failing data check', async () => {
    const specs: Spec[] = [
      { id: 'aaaa00000001', up: ['create table account (id serial primary key, name text)'], down: ['drop table account'] },
      { id: 'aaaa00000002', parent: 'aaaa00000001', up: [`alter table account add column tier text not null default 'free'`], down: ['alter table account drop column tier'] },
    ];
    const seen: string[] = [];
    const dir = chain(specs);
    dirs.push(dir);
    kit = await MigrationTestKit.open({
      path: dir,
      serverUrl: db.serverUrl,
      dataHooks: {
        aaaa00000002: {
          before: async (d) => {
            await d.query(`insert into account (name) values ('ann')`);
          },
          after: async (d) => {
            const rows = await d.query<{ name: string; tier: string }>('select name, tier from account');
            seen.push(...rows.map((r) => `${r.name}:${r.tier}`));
          },
        },
      },
    });
    await kit.stairway();
    expect(seen).to.deep.equal(['ann:free']);
    await kit.close();

    kit = await MigrationTestKit.open({
      path: dir,
      serverUrl: db.serverUrl,
      dataHooks: {
        aaaa00000002: {
          after: async (d) => {
            const rows = await d.query<{ tier: string }>('select tier from account');
            if (rows.length !== 1) throw new Error(`expected the row inserted before the revision, found ${rows.length}`);
          },
        },
      },
    });
    const e = await failure(() => kit!.stairway());
    expect(e.code).to.equal('DATA_CHECK_FAILED');
    expect(e.message).to.contain('expected the row inserted before the revision, found 0');
  });
});

describe('migration test kit: models match migrations', function () {
  this.timeout(120_000);
  const db = useTestDatabase({ prefix: 'mo_alembic_kit_m' });
  const { Entity, PrimaryKey, Property } = require('@mikro-orm/core') as typeof import('@mikro-orm/core');

  @Entity({ tableName: 'gadget' })
  class Gadget {
    @PrimaryKey()
    id!: number;

    @Property()
    name!: string;

    @Property({ nullable: true })
    colour?: string;
  }

  it('reports drift: an entity property without a revision, with the revision that would be generated', async () => {
    const { PostgreSqlDriver } = require('@mikro-orm/postgresql') as typeof import('@mikro-orm/postgresql');
    const dir = chain([{ id: 'aaaa00000001', up: ['create table gadget (id serial primary key, name varchar(255) not null)'], down: ['drop table gadget'] }]);
    const kit = await MigrationTestKit.open({ path: dir, serverUrl: db.serverUrl, orm: { driver: PostgreSqlDriver, entities: [Gadget] } });
    try {
      const e = await failure(() => kit.assertModelsMatchMigrations());
      expect(e.code).to.equal('MODELS_DIFFER');
      expect(e.message).to.contain('colour');
      expect(e.message).to.match(/alter table "gadget" add column "colour" varchar\(255\) null/);
    } finally {
      await kit.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
