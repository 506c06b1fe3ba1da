import { expect } from 'chai';
import {
  InvalidSchemaNameError,
  LockTimeoutError,
  MigrationRuntime,
  SchemaNotFoundError,
  VersionTable,
  type LockWaitInfo,
  type MigrationRuntimeOptions,
} from '../../src/runtime';
import { advisoryLocks, connect, defineRevision, MemoryRevisions, sql, tables, useFreshDatabases, versionIds } from '../runtime/support/helpers';
import { until } from '../support/until';

const A = 'aaaaaaaaaa01';
const B = 'aaaaaaaaaa02';
const C = 'aaaaaaaaaa03';

/** Revisions with unqualified names only: a table, an enum type used by a column, an index. */
function tenantRevisions(): MemoryRevisions {
  return new MemoryRevisions([
    defineRevision({
      id: A,
      up: ["create type mood as enum ('happy', 'sad')", 'create table account (id int primary key, mood mood not null)'],
      downSql: ['drop table account', 'drop type mood'],
    }),
    defineRevision({ id: B, down: A, up: ['alter table account add column name text', 'create index account_name_idx on account (name)'], downSql: ['alter table account drop column name'] }),
    defineRevision({ id: C, down: B, up: ["insert into account values (1, 'happy', 'first')"], downSql: ['delete from account'] }),
  ]);
}

function runtimeFor(url: string, revs: MemoryRevisions, schema: string | undefined, extra: Partial<MigrationRuntimeOptions> = {}): MigrationRuntime {
  return new MigrationRuntime({ connection: url, graph: revs.graph, source: revs.source, lockTimeoutMs: 10_000, schema, ...extra });
}

function versionTableOf(schema: string): string {
  return new VersionTable({ schema }).qualifiedName;
}

async function schemaExists(url: string, schema: string): Promise<boolean> {
  const [row] = await sql<{ found: boolean }>(url, 'select exists (select 1 from pg_namespace where nspname = $1) as found', [schema]);
  return row.found;
}

/** The schema of each enum type named `typname`. */
async function typeSchemas(url: string, typname: string): Promise<string[]> {
  const rows = await sql<{ nspname: string }>(url, 'select n.nspname from pg_type t join pg_namespace n on n.oid = t.typnamespace where t.typname = $1 order by 1', [typname]);
  return rows.map((r) => r.nspname);
}

describe('tenants: the single-target runtime in a schema', function () {
  const dbs = useFreshDatabases();

  it('upgrades two schemas of one database independently, each with its own version table, objects created in the tenant schema', async () => {
    const url = await dbs.fresh();
    await sql(url, 'create schema tenant_a; create schema tenant_b');
    const revs = tenantRevisions();

    const a = await runtimeFor(url, revs, 'tenant_a').upgrade('head');
    const b = await runtimeFor(url, revs, 'tenant_b').upgrade(B);

    expect(a.ran.map((r) => r.id)).to.deep.equal([A, B, C]);
    expect(b.ran.map((r) => r.id)).to.deep.equal([A, B]);
    expect(await versionIds(url, versionTableOf('tenant_a'))).to.deep.equal([A, B, C]);
    expect(await versionIds(url, versionTableOf('tenant_b'))).to.deep.equal([A, B]);
    expect(await tables(url, 'tenant_a')).to.deep.equal(['account', 'mikro_orm_alembic_version']);
    expect(await tables(url, 'tenant_b')).to.deep.equal(['account', 'mikro_orm_alembic_version']);
    // nothing in public: no table, no version table, no type
    expect(await tables(url, 'public')).to.deep.equal([]);
    expect(await typeSchemas(url, 'mood')).to.deep.equal(['tenant_a', 'tenant_b']);
    const indexes = await sql<{ schemaname: string }>(url, "select schemaname from pg_indexes where indexname = 'account_name_idx' order by 1");
    expect(indexes.map((r) => r.schemaname)).to.deep.equal(['tenant_a', 'tenant_b']);
    expect(await sql(url, 'select id, mood::text, name from tenant_a.account')).to.deep.equal([{ id: 1, mood: 'happy', name: 'first' }]);
    expect(await sql(url, 'select count(*)::int as n from tenant_b.account')).to.deep.equal([{ n: 0 }]);

    expect((await runtimeFor(url, revs, 'tenant_a').current()).heads).to.deep.equal([C]);
    expect((await runtimeFor(url, revs, 'tenant_b').current()).heads).to.deep.equal([B]);
    // the database without a schema option: public's version table, which does not exist
    expect((await runtimeFor(url, revs, undefined).current()).heads).to.deep.equal([]);

    // a downgrade of one tenant leaves the other alone
    const down = await runtimeFor(url, revs, 'tenant_a').downgrade('base');
    expect(down.ran.map((r) => r.id)).to.deep.equal([C, B, A]);
    expect(await tables(url, 'tenant_a')).to.deep.equal(['mikro_orm_alembic_version']);
    expect(await typeSchemas(url, 'mood')).to.deep.equal(['tenant_b']);
    expect(await versionIds(url, versionTableOf('tenant_b'))).to.deep.equal([A, B]);
    expect(await advisoryLocks(url)).to.deep.equal([]);
  });

  it('keeps the version table name and replaces only its schema', async () => {
    const url = await dbs.fresh();
    await sql(url, 'create schema t1');
    const revs = tenantRevisions();
    const runtime = runtimeFor(url, revs, 't1', { versionTable: { schema: 'ops', name: 'schema_versions' } });
    expect(String(runtime.versionTable)).to.equal('t1.schema_versions');
    await runtime.upgrade(A);
    expect(await tables(url, 't1')).to.deep.equal(['account', 'schema_versions']);
    expect(await schemaExists(url, 'ops')).to.equal(false);
  });

  it('refuses a schema that does not exist, changing nothing; createSchema creates it on upgrade', async () => {
    const url = await dbs.fresh();
    const revs = tenantRevisions();
    for (const call of [
      () => runtimeFor(url, revs, 'tenant_missing').upgrade('head'),
      () => runtimeFor(url, revs, 'tenant_missing').current(),
      () => runtimeFor(url, revs, 'tenant_missing').stamp('head'),
      () => runtimeFor(url, revs, 'tenant_missing').downgrade('base'),
    ]) {
      const error = await call().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(SchemaNotFoundError);
      expect((error as SchemaNotFoundError).code).to.equal('SCHEMA_NOT_FOUND');
      expect((error as SchemaNotFoundError).schema).to.equal('tenant_missing');
      expect((error as Error).message).to.contain('"tenant_missing" does not exist').and.contain('--create-schema');
    }
    expect(await schemaExists(url, 'tenant_missing')).to.equal(false);
    expect(await tables(url, 'public')).to.deep.equal([]);
    expect(await advisoryLocks(url)).to.deep.equal([]);

    // read-only with createSchema: the schema is not created, nothing is applied
    expect((await runtimeFor(url, revs, 'tenant_new', { createSchema: true }).current()).heads).to.deep.equal([]);
    expect(await schemaExists(url, 'tenant_new')).to.equal(false);
    const result = await runtimeFor(url, revs, 'tenant_new', { createSchema: true }).upgrade('head');
    expect(result.ran.map((r) => r.id)).to.deep.equal([A, B, C]);
    expect(await tables(url, 'tenant_new')).to.deep.equal(['account', 'mikro_orm_alembic_version']);
  });

  it('refuses schema names PostgreSQL would not keep as given', () => {
    const revs = tenantRevisions();
    for (const bad of ['', 'nul\0byte', 'x'.repeat(64), 'é'.repeat(32)]) {
      expect(() => runtimeFor('postgres://nowhere/x', revs, bad)).to.throw(InvalidSchemaNameError).with.property('code', 'INVALID_SCHEMA_NAME');
    }
    expect(() => runtimeFor('postgres://nowhere/x', revs, 'x'.repeat(63))).not.to.throw();
  });

  it('locks each schema on its own: another schema upgrades while one is locked, the same schema waits', async () => {
    const url = await dbs.fresh();
    await sql(url, 'create schema tenant_a; create schema tenant_b');
    const revs = new MemoryRevisions([
      defineRevision({ id: A, up: ['create table t (id int)'] }),
      defineRevision({ id: B, down: A, up: ['insert into t values (1)'] }),
    ]);
    const keyA = new VersionTable({ schema: 'tenant_a' }).lockKey;
    expect(keyA).not.to.equal(new VersionTable({ schema: 'tenant_b' }).lockKey);
    expect(keyA).not.to.equal(new VersionTable().lockKey);
    // another deploy holds tenant_a's migration lock
    const holder = await connect(url, 'deploy-a');
    try {
      await holder.query('select pg_advisory_lock($1::bigint)', [keyA.toString()]);

      // tenant_b does not wait for it (lock timeout 0: fail at once if held)
      const waitsB: LockWaitInfo[] = [];
      const other = await runtimeFor(url, revs, 'tenant_b', { lockTimeoutMs: 0, onWait: (i) => waitsB.push(i) }).upgrade('head');
      expect(other.ran.map((r) => r.id)).to.deep.equal([A, B]);
      expect(waitsB).to.deep.equal([]);

      // tenant_a against itself: refused at once with lockTimeoutMs 0, naming the holder, nothing changed
      const refused = await runtimeFor(url, revs, 'tenant_a', { lockTimeoutMs: 0 })
        .upgrade('head')
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(refused).to.be.instanceOf(LockTimeoutError);
      expect((refused as Error).message).to.contain('tenant_a.mikro_orm_alembic_version');
      expect(await tables(url, 'tenant_a')).to.deep.equal([]);

      // waiting: it gets the lock the moment the holder lets go
      const waitsA: LockWaitInfo[] = [];
      const waiting = runtimeFor(url, revs, 'tenant_a', { onWait: (i) => waitsA.push(i) }).upgrade('head');
      await until('tenant_a\'s upgrade to wait', async () => (waitsA.length > 0 ? true : undefined));
      expect(waitsA[0].lock).to.equal('tenant_a.mikro_orm_alembic_version');
      expect(waitsA[0].holders.map((h) => h.applicationName)).to.deep.equal(['deploy-a']);
      await holder.query('select pg_advisory_unlock($1::bigint)', [keyA.toString()]);
      expect((await waiting).ran.map((r) => r.id)).to.deep.equal([A, B]);
    } finally {
      await holder.end();
    }
    expect(await advisoryLocks(url)).to.deep.equal([]);
  });

  it('runs each revision once per schema when deploys of several schemas start together', async () => {
    const url = await dbs.fresh();
    const schemas = ['t_one', 't_two', 't_three'];
    await sql(url, schemas.map((s) => `create schema ${s}`).join(';'));
    const revs = new MemoryRevisions([
      defineRevision({ id: A, up: ['create table t (id int)'] }),
      defineRevision({ id: B, down: A, up: ['insert into t values (1)'] }),
      defineRevision({ id: C, down: B, up: ['insert into t values (2)'] }),
    ]);
    const results = await Promise.all(schemas.flatMap((schema) => Array.from({ length: 3 }, () => runtimeFor(url, revs, schema).upgrade('head').then((r) => ({ schema, r })))));
    for (const schema of schemas) {
      const mine = results.filter((x) => x.schema === schema);
      expect(mine.flatMap((x) => x.r.ran.map((r) => r.id)), schema).to.deep.equal([A, B, C]);
      expect(await sql(url, `select id from ${schema}.t order by id`), schema).to.deep.equal([{ id: 1 }, { id: 2 }]);
      expect(await versionIds(url, versionTableOf(schema)), schema).to.deep.equal([A, B, C]);
    }
    expect(await advisoryLocks(url)).to.deep.equal([]);
  });

  it('works in schemas with quotes, capitals, spaces, semicolons and dots in their names', async () => {
    const url = await dbs.fresh();
    const names = ['Tenant "Q"', 'UPPER', 'with space', "o'brien; drop table x", 'dot.ted', 'ünï'];
    const client = await connect(url);
    try {
      for (const name of names) await client.query(`create schema "${name.replace(/"/g, '""')}"`);
    } finally {
      await client.end();
    }
    const revs = tenantRevisions();
    for (const name of names) {
      const result = await runtimeFor(url, revs, name).upgrade('head');
      expect(result.ran.map((r) => r.id), name).to.deep.equal([A, B, C]);
    }
    for (const name of names) {
      expect(await tables(url, name), name).to.deep.equal(['account', 'mikro_orm_alembic_version']);
      expect(await versionIds(url, versionTableOf(name)), name).to.deep.equal([A, B, C]);
      expect((await runtimeFor(url, revs, name).current()).heads, name).to.deep.equal([C]);
    }
    expect((await typeSchemas(url, 'mood')).sort()).to.deep.equal([...names].sort());
    // the lower-case twin of a capitalised schema is another schema
    const error = await runtimeFor(url, revs, 'upper').current().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(SchemaNotFoundError);
    expect(await tables(url, 'public')).to.deep.equal([]);
  });

  it('offline: --sql in a schema sets search_path, and the script builds the tenant schema alone', async () => {
    const url = await dbs.fresh();
    const revs = tenantRevisions();
    const name = 'Tenant "X"';
    const script = await runtimeFor('postgres://nowhere/x', revs, name).offlineSql({ direction: 'up', target: 'head' });
    expect(script).to.contain('set search_path to "Tenant ""X""", public;');
    expect(script).to.contain('create table if not exists "Tenant ""X"""."mikro_orm_alembic_version"');
    expect(script.indexOf('set search_path')).to.be.lessThan(script.indexOf('create table account'));
    expect(script).to.contain(`pg_advisory_lock(${new VersionTable({ schema: name }).lockKey})`);
    await sql(url, script);
    expect(await tables(url, name)).to.deep.equal(['account', 'mikro_orm_alembic_version']);
    expect(await tables(url, 'public')).to.deep.equal([]);
    // the online runtime reads what the script recorded
    expect((await runtimeFor(url, revs, name).current()).heads).to.deep.equal([C]);
  });
});
