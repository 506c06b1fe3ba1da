/**
 * The fan-out through the real bin: 6 databases and 30 tenant schemas reach head; a tenant whose revision
 * fails is rolled back alone and reported (exit 1) while the rest finish, and the re-run resumes it;
 * `current`, `check` and `stamp` over the same targets; the `--json` report; bad target lists refused
 * before anything runs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { expect } from 'chai';
import { useTestDatabase } from '../support/database';
import { cliBuild, query } from '../cli/support/cli';
import { ALL, applied, createSchemas, extraDatabases, fanoutProject, R1, R2, R3, runCounts } from './support';

interface ReportTarget {
  name: string;
  schema: string | null;
  database: string;
  status: string;
  from: string[] | null;
  to: string[] | null;
  ran: string[];
  durationMs: number;
  error: { code: string; message: string; revision: string | null; pgCode: string | null } | null;
}
interface Report {
  command: string;
  ok: boolean;
  concurrency: number;
  durationMs: number;
  counts: { ok: number; failed: number; behind: number; skipped: number; total: number };
  slowest: { name: string; durationMs: number } | null;
  targets: ReportTarget[];
}

describe('fanout: many databases and tenant schemas', function () {
  this.timeout(120_000);
  const db = useTestDatabase({ prefix: 'mo_alembic_fanout' });
  let drop: () => Promise<void> = async () => undefined;
  let urls: string[] = [];
  let schemas: string[] = [];
  const tenantsQuery = "select nspname from pg_namespace where nspname like 'tenant\\_%' order by 1";

  before(async () => {
    cliBuild();
    const extra = await extraDatabases(db.serverUrl, 5);
    drop = extra.drop;
    urls = [db.url, ...extra.databases.map((d) => d.url)];
    schemas = await createSchemas(db.url, 'tenant_', 30);
    // the third revision fails in this tenant only
    await query(db.url, 'create table tenant_07.fail_marker (id int)');
  });
  after(() => drop());

  it('runs 36 targets at concurrency 4: all but the failing tenant reach head, that one is rolled back to its last good revision and reported; the re-run resumes it', async () => {
    const project = fanoutProject();
    const file = project.write('targets.txt', `# the shards\n${urls.join('\n')}\n\n`);
    const args = ['upgrade', 'head', '--url', db.url, '--targets', file, '--tenants-query', tenantsQuery, '--concurrency', '4'];

    const first = await project.run([...args, '--json']);
    expect(first.code, first.stderr).to.equal(1);
    const report = JSON.parse(first.stdout) as Report;
    expect(report.command).to.equal('upgrade head');
    expect(report.ok).to.equal(false);
    expect(report.concurrency).to.equal(4);
    expect(report.counts).to.deep.equal({ ok: 35, failed: 1, behind: 0, skipped: 0, total: 36 });
    expect(report.targets.map((t) => t.name)).to.deep.equal([...urls.map((u) => new URL(u)).map((u) => `${u.hostname}:${u.port || 5432}${u.pathname}`), ...schemas]);
    for (const t of report.targets) {
      expect(Object.keys(t)).to.have.members(['name', 'schema', 'database', 'status', 'from', 'to', 'ran', 'durationMs', 'error']);
      expect(t.durationMs).to.be.a('number').and.at.least(0);
    }
    const failed = report.targets.find((t) => t.status === 'failed') as ReportTarget;
    expect(failed.name).to.equal('tenant_07');
    expect(failed.schema).to.equal('tenant_07');
    expect(failed.from).to.deep.equal([]);
    expect(failed.to).to.deep.equal([R2]);
    expect(failed.ran).to.deep.equal([R1, R2]);
    expect(failed.error?.code).to.equal('REVISION_FAILED');
    expect(failed.error?.revision).to.equal(R3);
    expect(failed.error?.pgCode).to.equal('P0001');
    expect(failed.error?.message).to.contain('fail_marker is here');
    for (const t of report.targets.filter((x) => x !== failed)) {
      expect(t.status, t.name).to.equal('ok');
      expect(t.from).to.deep.equal([]);
      expect(t.to).to.deep.equal([R3]);
      expect(t.ran).to.deep.equal(ALL);
      expect(t.error).to.equal(null);
    }
    expect(first.stderr).to.contain('did not reach the target: tenant_07');

    // in the databases: the failing revision of tenant_07 rolled back alone, everything else at head
    expect(await applied(db.url, 'tenant_07')).to.deep.equal([R1, R2]);
    expect(await query(db.url, "select 1 from pg_tables where schemaname = 'tenant_07' and tablename = 'gadget'")).to.have.length(0);
    for (const url of urls) expect(await applied(url)).to.deep.equal(ALL);
    for (const schema of schemas.filter((s) => s !== 'tenant_07')) expect(await applied(db.url, schema), schema).to.deep.equal(ALL);
    // the tables landed in the tenant's schema (search_path), not in public
    const widgets = await query<{ schemaname: string }>(db.url, "select schemaname from pg_tables where tablename = 'widget' order by 1");
    expect(widgets.map((w) => w.schemaname)).to.deep.equal(['public', ...schemas]);

    // the plain summary names the failure too (a second run is a no-op except for tenant_07, still failing)
    const again = await project.run(args);
    expect(again.code).to.equal(1);
    expect(again.stdout).to.match(/failed +tenant_07 \([^)]*\/tenant_07\): REVISION_FAILED .*fail_marker is here/);
    expect(again.stdout).to.match(/upgrade head: 35 of 36 targets ok, 1 failed in .* \(concurrency 4\); slowest: /);

    // fixed: the re-run resumes tenant_07 with what is left; no other target runs anything
    await query(db.url, 'drop table tenant_07.fail_marker');
    const resumed = await project.run([...args, '--json']);
    expect(resumed.code, resumed.stderr).to.equal(0);
    const after = JSON.parse(resumed.stdout) as Report;
    expect(after.ok).to.equal(true);
    for (const t of after.targets) {
      expect(t.status).to.equal('ok');
      expect(t.to).to.deep.equal([R3]);
      expect(t.ran, t.name).to.deep.equal(t.name === 'tenant_07' ? [R3] : []);
    }
    // nothing ran twice anywhere
    for (const url of urls) expect(await runCounts(url)).to.deep.equal({ [R1]: 1, [R2]: 1, [R3]: 1 });
    for (const schema of schemas) expect(await runCounts(db.url, schema), schema).to.deep.equal({ [R1]: 1, [R2]: 1, [R3]: 1 });

    // current and check over the same targets
    const current = await project.run(['current', '--url', db.url, '--targets', file, '--tenants-query', tenantsQuery, '--json']);
    expect(current.code, current.stderr).to.equal(0);
    expect((JSON.parse(current.stdout) as Report).targets.every((t) => t.status === 'ok' && t.to?.[0] === R3)).to.equal(true);
    expect((await project.run(['check', '--url', db.url, '--targets', file, '--tenants-query', tenantsQuery])).code).to.equal(0);
  });

  it('downgrade and stamp fan out too; check names the targets behind (exit 1); --fail-fast skips what had not started', async () => {
    const project = fanoutProject();
    const some = schemas.slice(0, 6);
    const file = project.write('tenants.json', JSON.stringify(some.map((schema) => ({ url: db.url, schema }))));
    expect((await project.run(['upgrade', 'head', '--targets', file])).code).to.equal(0);
    const down = await project.run(['downgrade', '-1', '--targets', file, '--json', '--concurrency', '3']);
    expect(down.code, down.stderr + down.stdout).to.equal(0);
    for (const t of (JSON.parse(down.stdout) as Report).targets) expect([t.from, t.to, t.ran]).to.deep.equal([[R3], [R2], [R3]]);
    for (const schema of some) expect(await applied(db.url, schema)).to.deep.equal([R1, R2]);

    const check = await project.run(['check', '--targets', file]);
    expect(check.code).to.equal(1);
    expect(check.stdout).to.contain('behind  tenant_00').and.to.contain(`at ${R2}`);
    expect(check.stdout).to.contain('check: 0 of 6 targets ok, 6 behind');

    const stamp = await project.run(['stamp', 'head', '--targets', file, '--json']);
    expect(stamp.code, stamp.stderr).to.equal(0);
    for (const schema of some) expect(await applied(db.url, schema)).to.deep.equal(ALL);
    // stamped, not run: gadget is still gone
    expect(await query(db.url, "select 1 from pg_tables where schemaname = 'tenant_00' and tablename = 'gadget'")).to.have.length(0);

    // fail-fast at concurrency 1: the first target fails (marker), the rest are skipped, not started
    await query(db.url, 'create table tenant_00.fail_marker (id int)');
    await project.run(['stamp', R2, '--targets', file]);
    const fast = await project.run(['upgrade', 'head', '--targets', file, '--concurrency', '1', '--fail-fast', '--json']);
    expect(fast.code).to.equal(1);
    expect(fast.stdout, fast.stderr).not.to.equal('');
    const report = JSON.parse(fast.stdout) as Report;
    expect(report.counts).to.deep.equal({ ok: 0, failed: 1, behind: 0, skipped: 5, total: 6 });
    for (const t of report.targets.slice(1)) expect([t.status, t.ran, t.durationMs]).to.deep.equal(['skipped', [], 0]);
    for (const schema of some.slice(1)) expect(await applied(db.url, schema)).to.deep.equal([R1, R2]);
    await query(db.url, 'drop table tenant_00.fail_marker');
  });

  it('--tenants takes the targets of alembic({ tenants }) in the MikroORM config: schemas on its database, or other databases', async () => {
    const project = fanoutProject();
    project.write(
      'mikro-orm.config.js',
      [
        "const { defineConfig } = require('@mikro-orm/postgresql');",
        `const other = ${JSON.stringify(urls[4])};`,
        'module.exports = defineConfig({',
        `  clientUrl: ${JSON.stringify(db.url)},`,
        "  extensions: [{ [Symbol.for('mikro-orm-alembic.options')]: { tenants: async () => ['tenant_20', { schema: 'tenant_21', name: 'twenty-one' }, { name: 'shard-4', url: other }] } }],",
        '});',
        '',
      ].join('\n'),
    );
    const r = await project.run(['upgrade', 'head', '--tenants', '--json']);
    expect(r.code, r.stderr).to.equal(0);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.targets.map((t) => [t.name, t.schema, t.status, t.to])).to.deep.equal([
      ['tenant_20', 'tenant_20', 'ok', [R3]],
      ['twenty-one', 'tenant_21', 'ok', [R3]],
      ['shard-4', null, 'ok', [R3]],
    ]);
    expect(await applied(db.url, 'tenant_21')).to.deep.equal(ALL);
    expect(await applied(urls[4])).to.deep.equal(ALL);
    // an applied revision edited afterwards: one warning in the report, naming every target it concerns
    const file = project.path('migrations', `${R2}_widget.js`);
    writeFileSync(file, readFileSync(file, 'utf8').replace('create table widget (id int)', 'create table widget (id bigint)'));
    const edited = await project.run(['current', '--tenants', '--json']);
    expect(edited.code, edited.stderr).to.equal(0);
    const { warnings } = JSON.parse(edited.stdout) as { warnings: { message: string; targets: string[] }[] };
    expect(warnings).to.have.length(1);
    expect(warnings[0].message).to.contain(R2);
    expect(warnings[0].targets).to.deep.equal(['tenant_20', 'twenty-one', 'shard-4']);
    // without the option: a clear refusal
    project.write('mikro-orm.config.js', `module.exports = require('@mikro-orm/postgresql').defineConfig({ clientUrl: ${JSON.stringify(db.url)} });\n`);
    const none = await project.run(['current', '--tenants']);
    expect(none.code).to.equal(2);
    expect(none.stderr).to.contain('has no alembic({ tenants: async () => [...] })');
  });

  it('--sql writes one script per target into --out-dir, or one script with a set search_path section per schema', async () => {
    const project = fanoutProject();
    const file = project.write('targets.json', JSON.stringify([{ name: 'main', url: urls[0] }, { url: urls[0], schema: 'tenant_03' }, { url: urls[1], schema: 'Odd "Tenant"' }]));
    const written = await project.run(['upgrade', 'head', '--sql', '--targets', file, '--out-dir', 'sql']);
    expect(written.code, written.stderr).to.equal(0);
    expect(written.stdout).to.contain('Wrote 3 scripts into sql');
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(project.path('sql')).sort()).to.deep.equal(['Odd__Tenant_.sql', 'main.sql', 'tenant_03.sql']);
    const tenant = readFileSync(project.path('sql', 'tenant_03.sql'), 'utf8');
    expect(tenant).to.match(/^-- target: tenant_03\n/).and.to.contain('set search_path to "tenant_03", public;');
    expect(tenant).to.contain('"tenant_03"."mikro_orm_alembic_version"').and.to.contain('create table widget');
    expect(readFileSync(project.path('sql', 'Odd__Tenant_.sql'), 'utf8')).to.contain('set search_path to "Odd ""Tenant""", public;');
    expect(readFileSync(project.path('sql', 'main.sql'), 'utf8')).to.contain('"public"."mikro_orm_alembic_version"').and.not.to.contain('search_path');
    // the per-schema lock keys differ (each script locks its own tenant)
    const lockKey = (sql: string) => /pg_advisory_lock\((-?\d+)/.exec(sql)?.[1];
    expect(lockKey(tenant)).to.be.a('string').and.not.equal(lockKey(readFileSync(project.path('sql', 'main.sql'), 'utf8')));

    // schemas only: one script to stdout; it runs as is
    const schemaOnly = await project.run(['upgrade', 'head', '--sql', '--url', urls[2], '--tenants-query', "select unnest(array['s_one', 's_two'])"]);
    expect(schemaOnly.code, schemaOnly.stderr).to.equal(0);
    expect(schemaOnly.stdout).to.contain('set search_path to "s_one", public;').and.to.contain('set search_path to "s_two", public;').and.to.match(/reset search_path;\n$/);
    await query(urls[2], schemaOnly.stdout);
    expect(await applied(urls[2], 's_one')).to.deep.equal(ALL);
    expect(await applied(urls[2], 's_two')).to.deep.equal(ALL);
    // several databases without --out-dir: refused
    const refused = await project.run(['upgrade', 'head', '--sql', '--targets', file]);
    expect(refused.code).to.equal(2);
    expect(refused.stderr).to.contain('give --out-dir');
  });

  it('refuses a bad target list before anything runs, naming the line and never the password', async () => {
    const project = fanoutProject();
    const secret = 's3cr3t-pw';
    const bad = new URL(urls[0]);
    bad.password = secret;
    const file = project.write('bad.txt', `${bad.href}\npostgres//nope:${secret}@host/db\n`);
    const r = await project.run(['upgrade', 'head', '--targets', file]);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.contain('--targets').and.to.contain('line 2').and.not.to.contain(secret);

    const dup = project.write('dup.txt', `${urls[0]}\n${urls[0]}\n`);
    const d = await project.run(['upgrade', 'head', '--targets', dup]);
    expect(d.code).to.equal(1);
    expect(d.stderr).to.contain('twice');
    const fresh = await extraDatabases(db.serverUrl, 1);
    try {
      writeFileSync(dup, `${fresh.databases[0].url}\n${fresh.databases[0].url}\n`);
      expect((await project.run(['upgrade', 'head', '--targets', dup])).code).to.equal(1);
      expect(await applied(fresh.databases[0].url)).to.deep.equal([]);
    } finally {
      await fresh.drop();
    }
    expect((await project.run(['upgrade', 'head', '--targets', dup, '--concurrency', '0'])).code).to.equal(2);
    const alone = await project.run(['upgrade', 'head', '--url', urls[0], '--concurrency', '2']);
    expect(alone.code).to.equal(2);
    expect(alone.stderr).to.contain('--concurrency goes with a fan-out');

    // a schema target whose schema does not exist: refused (a typo never makes a stray schema), unless --create-schema
    const missing = project.write('missing.json', JSON.stringify([{ url: urls[5], schema: 'not_there' }]));
    const m = await project.run(['upgrade', 'head', '--targets', missing, '--json']);
    expect(m.code).to.equal(1);
    expect((JSON.parse(m.stdout) as Report).targets[0].error?.code).to.equal('SCHEMA_NOT_FOUND');
    expect(await query(urls[5], "select 1 from pg_namespace where nspname = 'not_there'")).to.have.length(0);
    const created = await project.run(['upgrade', 'head', '--targets', missing, '--create-schema']);
    expect(created.code, created.stderr).to.equal(0);
    expect(await applied(urls[5], 'not_there')).to.deep.equal(ALL);

    // a password in a target's URL is redacted from its error (a wrong password)
    const wrong = new URL(urls[0]);
    wrong.username = 'no_such_role_fanout';
    wrong.password = secret;
    const w = await project.run(['current', '--target-url', wrong.href, '--json']);
    expect(w.code).to.equal(1);
    expect(w.stdout + w.stderr).not.to.contain(secret);
    expect((JSON.parse(w.stdout) as Report).targets[0].error?.code).to.equal('CONNECTION_FAILED');
  });
});
