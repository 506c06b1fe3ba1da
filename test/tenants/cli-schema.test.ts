/**
 * The bin's `--schema <name>` (schema-per-tenant, one target): upgrade, current, downgrade, stamp and
 * offline SQL in a tenant schema; a missing schema refused with a hint, `--create-schema`.
 */
import { expect } from 'chai';
import { useTestDatabase } from '../support/database';
import { appliedIds, cliBuild, jsRevision, query, TestProject } from '../cli/support/cli';

const A = 'a000000000e1';
const B = 'b000000000e2';

/** Revisions with unqualified names: an enum type and a table using it, then a column. */
function tenantProject(url: string): TestProject {
  const p = new TestProject({ packageJson: { 'mikro-orm': { useTsNode: false } } });
  p.writeConfig(url);
  p.write(
    `migrations/${A}_a.js`,
    jsRevision({
      id: A,
      message: 'account',
      up: `this.addSql("create type plan as enum ('free', 'paid')"); this.addSql('create table account (id int primary key, plan plan not null)');`,
      down_: `this.addSql('drop table account'); this.addSql('drop type plan');`,
    }),
  );
  p.write(`migrations/${B}_b.js`, jsRevision({ id: B, down: A, message: 'name', up: `this.addSql('alter table account add column name text');`, down_: `this.addSql('alter table account drop column name');` }));
  return p;
}

async function tablesOf(url: string, schema: string): Promise<string[]> {
  const rows = await query<{ t: string }>(url, 'select tablename as t from pg_tables where schemaname = $1 order by 1', [schema]);
  return rows.map((r) => r.t);
}

describe('tenants: the bin with --schema', function () {
  this.timeout(120_000);
  const db = useTestDatabase({ prefix: 'mo_alembic_tcli' });
  before(() => cliBuild());

  beforeEach(async () => {
    await query(db.url, 'drop schema public cascade; create schema public');
    for (const row of await query<{ n: string }>(db.url, "select nspname as n from pg_namespace where nspname like 'Tenant%' or nspname like 'tenant%'")) {
      await query(db.url, `drop schema "${row.n.replace(/"/g, '""')}" cascade`);
    }
  });

  it('upgrades, reports, stamps and downgrades one tenant schema; others and public stay untouched', async () => {
    const p = tenantProject(db.url);
    await query(db.url, 'create schema tenant_a; create schema "Tenant B"');

    const up = await p.run(['upgrade', '--schema', 'tenant_a']);
    expect(up.stderr).to.equal('');
    expect(up.code).to.equal(0);
    expect(up.stdout).to.contain(`Upgraded 2 revisions`);
    const upB = await p.run(['--schema', 'Tenant B', 'upgrade', A]);
    expect(upB.code, upB.stderr).to.equal(0);

    expect(await tablesOf(db.url, 'tenant_a')).to.deep.equal(['account', 'mikro_orm_alembic_version']);
    expect(await tablesOf(db.url, 'Tenant B')).to.deep.equal(['account', 'mikro_orm_alembic_version']);
    expect(await tablesOf(db.url, 'public')).to.deep.equal([]);
    expect(await appliedIds(db.url, 'tenant_a.mikro_orm_alembic_version')).to.deep.equal([A, B]);
    expect(await appliedIds(db.url, '"Tenant B".mikro_orm_alembic_version')).to.deep.equal([A]);

    expect((await p.run(['current', '--schema', 'tenant_a'])).stdout).to.equal(`${B} (head)\n`);
    expect((await p.run(['current', '--schema', 'Tenant B'])).stdout).to.equal(`${A}\n`);
    // without --schema: the public version table, which does not exist
    const none = await p.run(['current']);
    expect(none.stdout).to.equal('');
    expect(none.stderr).to.contain('at base');

    expect((await p.run(['downgrade', 'base', '--schema', 'tenant_a'])).code).to.equal(0);
    expect(await tablesOf(db.url, 'tenant_a')).to.deep.equal(['mikro_orm_alembic_version']);
    expect(await appliedIds(db.url, '"Tenant B".mikro_orm_alembic_version')).to.deep.equal([A]);

    expect((await p.run(['stamp', 'head', '--schema', 'tenant_a'])).code).to.equal(0);
    expect(await appliedIds(db.url, 'tenant_a.mikro_orm_alembic_version')).to.deep.equal([A, B]);
  });

  it('refuses a schema that does not exist (exit 1, a hint, nothing created); --create-schema creates it', async () => {
    const p = tenantProject(db.url);
    const refused = await p.run(['upgrade', '--schema', 'tenant_typo']);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.contain('The schema "tenant_typo" does not exist').and.contain('--create-schema');
    const [{ n }] = await query<{ n: number }>(db.url, "select count(*)::int as n from pg_namespace where nspname = 'tenant_typo'");
    expect(n).to.equal(0);
    expect(await tablesOf(db.url, 'public')).to.deep.equal([]);

    const usage = await p.run(['upgrade', '--create-schema']);
    expect(usage.code).to.equal(2);
    expect(usage.stderr).to.contain('--create-schema needs --schema');

    const mixed = await p.run(['upgrade', '--schema', 'tenant_a', '--target-url', db.url]);
    expect(mixed.code).to.equal(2);
    expect(mixed.stderr).to.contain('--schema names one tenant schema');

    const bad = await p.run(['current', '--schema', 'x'.repeat(64)]);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.contain('63');

    const created = await p.run(['upgrade', '--schema', 'tenant_new', '--create-schema']);
    expect(created.code, created.stderr).to.equal(0);
    expect(await tablesOf(db.url, 'tenant_new')).to.deep.equal(['account', 'mikro_orm_alembic_version']);
  });

  it('--sql --schema writes a script that sets search_path and builds only that schema', async () => {
    const p = tenantProject(db.url);
    const offline = await p.run(['upgrade', '--sql', '--schema', 'Tenant "C"']);
    expect(offline.code, offline.stderr).to.equal(0);
    expect(offline.stdout).to.contain('set search_path to "Tenant ""C""", public;');
    await query(db.url, offline.stdout);
    expect(await tablesOf(db.url, 'Tenant "C"')).to.deep.equal(['account', 'mikro_orm_alembic_version']);
    expect(await tablesOf(db.url, 'public')).to.deep.equal([]);
    expect((await p.run(['current', '--schema', 'Tenant "C"'])).stdout).to.equal(`${B} (head)\n`);
  });
});
