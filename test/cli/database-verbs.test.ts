/**
 * The bin's database commands (upgrade, downgrade, current, stamp, history marks, offline SQL) against
 * real PostgreSQL, the connection coming from a `mikro-orm.config.js` in the temporary project, and the
 * failures that must leave the database unchanged.
 */
import { expect } from 'chai';
import { Client } from 'pg';
import { useTestDatabase } from '../support/database';
import { appliedIds, cliBuild, jsRevision, query, tableRevision, tTables, TestProject } from './support/cli';

const A = 'a000000000a1';
const B = 'b000000000b2';
const C = 'c000000000c3';
const D = 'd000000000d4';

/** Every project here reads compiled-style .js revisions and no TypeScript (useTsNode: false keeps runs fast). */
function project(url: string, config: Parameters<TestProject['writeConfig']>[1] = {}): TestProject {
  const p = new TestProject({ packageJson: { 'mikro-orm': { useTsNode: false } } });
  p.writeConfig(url, config);
  return p;
}

describe('cli: database commands', function () {
  this.timeout(120_000);
  const db = useTestDatabase({ prefix: 'mo_alembic_cli' });
  before(() => cliBuild());

  beforeEach(async () => {
    await query(db.url, 'drop schema public cascade; create schema public');
  });

  it('upgrade, current, history --indicate-current, downgrade, stamp: with a config that has no plugin (defaults)', async () => {
    const p = project(db.url);
    p.write(`migrations/${A}_a.js`, tableRevision(A, null));
    p.write(`migrations/${B}_b.js`, tableRevision(B, A));
    p.write(`migrations/${C}_c.js`, tableRevision(C, B));

    const up = await p.run(['upgrade', B]);
    expect(up.stderr).to.equal('');
    expect(up.code).to.equal(0);
    // not a terminal: one line per revision
    expect(up.stdout).to.match(new RegExp(`^Running upgrade <base> -> ${A}, create t_${A} \\(1/2\\) \\.\\.\\. \\d+ ms\\n`));
    expect(up.stdout).to.match(new RegExp(`Running upgrade ${A} -> ${B}, create t_${B} \\(2/2\\) \\.\\.\\. \\d+ ms\\n`));
    expect(up.stdout).to.match(new RegExp(`Upgraded 2 revisions in [\\d.]+ m?s; current heads: ${B}\\n$`));
    expect(await appliedIds(db.url)).to.deep.equal([A, B]);
    expect(await tTables(db.url)).to.deep.equal([`t_${A}`, `t_${B}`]);

    const current = await p.run(['current']);
    expect(current.stdout).to.equal(`${B}\n`);
    const json = JSON.parse((await p.run(['current', '--json'])).stdout) as { heads: { id: string }[]; applied: { id: string }[] };
    expect(json.heads.map((h) => h.id)).to.deep.equal([B]);
    expect(json.applied.map((r) => r.id)).to.deep.equal([A, B]);

    const history = await p.run(['history', '--indicate-current']);
    expect(history.stdout.split('\n')).to.include(`${A} -> ${B} (current), create t_${B}`);
    const graph = await p.run(['history', '--graph']);
    expect(graph.stdout).to.equal(
      ['(* applied, o not applied)', `o ${C} (head), create t_${C}`, `* ${B} (current), create t_${B}`, `* ${A}, create t_${A}`, ''].join('\n'),
    );

    const again = await p.run(['upgrade']);
    expect(again.stdout).to.contain(`Upgraded 1 revision in`);
    expect((await p.run(['upgrade', 'head'])).stdout).to.equal(`Nothing to upgrade: the database is at ${C} (head)\n`);

    const down = await p.run(['downgrade', '-2']);
    expect(down.code).to.equal(0);
    expect(down.stdout).to.contain(`Running downgrade ${C} -> ${B}, create t_${C} (1/2)`);
    expect(down.stdout).to.contain(`Downgraded 2 revisions`);
    expect(await appliedIds(db.url)).to.deep.equal([A]);
    expect(await tTables(db.url)).to.deep.equal([`t_${A}`]);

    const stamped = await p.run(['stamp', 'head']);
    expect(stamped.stdout).to.equal(`Stamped head: 2 revision(s) recorded as applied, 0 removed; current heads: ${C}\n`);
    expect(await appliedIds(db.url)).to.deep.equal([A, B, C]);
    expect(await tTables(db.url)).to.deep.equal([`t_${A}`]); // nothing ran
    await p.run(['stamp', 'base', '--purge']);
    expect(await appliedIds(db.url)).to.deep.equal([]);
    expect((await p.run(['current'])).stderr).to.contain('No revision is applied');
  });

  it('takes the plugin options from the config extensions (version table, lock timeout), and --url', async () => {
    const p = project('postgres://nobody@127.0.0.1:1/nowhere', { alembic: { versionTable: { schema: 'ops', name: 'versions' } } });
    p.write(`migrations/${A}_a.js`, tableRevision(A, null));
    const refused = await p.run(['current']);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.contain('Cannot connect to PostgreSQL at 127.0.0.1:1/nowhere').and.to.contain('hint:');
    const up = await p.run(['upgrade', '--url', db.url]);
    expect(up.code, up.stderr).to.equal(0);
    expect(await appliedIds(db.url, 'ops.versions')).to.deep.equal([A]);
    expect(await appliedIds(db.url)).to.deep.equal([]);
  });

  it('upgrade --sql prints the script offline; downgrade --sql needs from:to; --transaction all', async () => {
    const p = project('postgres://nobody@127.0.0.1:1/nowhere'); // never connected
    p.write(`migrations/${A}_a.js`, tableRevision(A, null));
    p.write(`migrations/${B}_b.js`, tableRevision(B, A));
    const sql = await p.run(['upgrade', '--sql', `${A}:head`]);
    expect(sql.stderr).to.equal('');
    expect(sql.code).to.equal(0);
    expect(sql.stdout).to.contain(`-- heads before: ${A}`).and.to.contain(`create table "t_${B}" (id int);`);
    expect(sql.stdout).not.to.contain(`create table "t_${A}"`);
    const all = await p.run(['upgrade', 'head', '--sql', '--transaction', 'all']);
    expect(all.stdout.match(/^BEGIN;$/gm)).to.have.length(1);
    const down = await p.run(['downgrade', '--sql', `${B}:base`]);
    expect(down.stdout).to.contain(`drop table "t_${B}"`).and.to.contain(`drop table "t_${A}"`);
    // the script applies
    const client = new Client({ connectionString: db.url });
    await client.connect();
    await client.query(all.stdout);
    await client.end();
    expect(await appliedIds(db.url)).to.deep.equal([A, B]);
  });

  it('two heads: upgrade head fails suggesting merge or heads, changes nothing; upgrade heads works', async () => {
    const p = project(db.url);
    p.write(`migrations/${A}_a.js`, tableRevision(A, null));
    p.write(`migrations/${B}_b.js`, tableRevision(B, A));
    p.write(`migrations/${C}_c.js`, tableRevision(C, A));
    const r = await p.run(['upgrade', 'head']);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.contain(`Multiple heads are present for 'head': ${B}, ${C}`).and.to.contain('merge').and.to.contain('upgrade heads');
    expect(await tTables(db.url)).to.deep.equal([]);
    expect(await appliedIds(db.url)).to.deep.equal([]);
    expect((await p.run(['upgrade', 'heads'])).code).to.equal(0);
    expect(await appliedIds(db.url)).to.deep.equal([A, B, C]);
  });

  it('unknown and ambiguous targets fail naming them, and change nothing', async () => {
    const p = project(db.url);
    p.write(`migrations/${A}_a.js`, tableRevision(A, null));
    p.write(`migrations/abcd00000001_b.js`, tableRevision('abcd00000001', A));
    p.write(`migrations/abcd00000002_c.js`, tableRevision('abcd00000002', 'abcd00000001'));
    const unknown = await p.run(['upgrade', 'ffff']);
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr).to.contain("No such revision or branch 'ffff'");
    const ambiguous = await p.run(['upgrade', 'abcd']);
    expect(ambiguous.code).to.equal(1);
    expect(ambiguous.stderr).to.contain("Multiple revisions start with 'abcd'");
    expect(await appliedIds(db.url)).to.deep.equal([]);
  });

  it('a revision that throws: exit 1 naming it and its file; the revisions before it stay, it is rolled back', async () => {
    const p = project(db.url);
    p.write(`migrations/${A}_a.js`, tableRevision(A, null));
    p.write(
      `migrations/${B}_b.js`,
      jsRevision({ id: B, down: A, message: 'boom', up: `this.addSql('create table "t_${B}" (id int)'); throw new Error('kaboom in up');` }),
    );
    p.write(`migrations/${C}_c.js`, tableRevision(C, B));
    const r = await p.run(['upgrade']);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.contain(`Running upgrade ${A} -> ${B}, boom (2/3) ... failed`);
    expect(r.stderr).to.contain(`Revision ${B} (migrations/${B}_b.js) failed in up(): kaboom in up`);
    expect(r.stderr).to.contain(`revision ${B} was rolled back`);
    expect(await appliedIds(db.url)).to.deep.equal([A]);
    expect(await tTables(db.url)).to.deep.equal([`t_${A}`]);
  });

  it('a lock that cannot be had before the timeout: exit 1 naming the holder, nothing applied', async () => {
    const p = project(db.url, { alembic: { lockTimeoutMs: 400 } });
    p.write(`migrations/${A}_a.js`, tableRevision(A, null));
    // the lock key of public.mikro_orm_alembic_version, as the runtime computes it
    const { VersionTable } = await import('../../src/runtime/version-table');
    const key = new VersionTable().lockKey;
    const holder = new Client({ connectionString: db.url, application_name: 'someone-else' });
    await holder.connect();
    try {
      await holder.query('select pg_advisory_lock($1)', [key.toString()]);
      const r = await p.run(['upgrade']);
      expect(r.code).to.equal(1);
      expect(r.stderr).to.contain('Waiting for the migration lock on public.mikro_orm_alembic_version, held by pid');
      expect(r.stderr).to.contain('Timed out after').and.to.contain('someone-else').and.to.contain('--lock-timeout');
      const flag = await p.run(['upgrade', '--lock-timeout', '100']);
      expect(flag.code).to.equal(1);
      expect(flag.stderr).to.match(/Timed out after \d+ ms/);
    } finally {
      await holder.end();
    }
    expect(await tTables(db.url)).to.deep.equal([]);
    expect(await appliedIds(db.url)).to.deep.equal([]);
  });

  it('package.json "mikro-orm-alembic" options reach the runtime (statementLockTimeoutMs); unknown fields are refused', async () => {
    await query(db.url, 'create table busy (id int)');
    const p = new TestProject({
      packageJson: { 'mikro-orm': { useTsNode: false }, 'mikro-orm-alembic': { path: 'migrations', statementLockTimeoutMs: 300 } },
    });
    p.writeConfig(db.url);
    p.write(`migrations/${A}_a.js`, jsRevision({ id: A, up: `this.addSql('alter table busy add column x int');` }));
    const holder = new Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query('begin; lock table busy in access exclusive mode');
      const r = await p.run(['upgrade'], { timeoutMs: 20_000 });
      expect(r.code).to.equal(1);
      expect(r.stderr).to.contain(`Revision ${A}`).and.to.contain('55P03');
    } finally {
      await holder.end();
    }
    expect(await appliedIds(db.url)).to.deep.equal([]);
    const bad = new TestProject({ packageJson: { 'mikro-orm-alembic': { path: 'migrations', pathTS: 'x' } } });
    const r = await bad.run(['heads']);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.contain('has an unknown field "pathTS"');
  });

  it('a connection that drops mid-revision: exit 1 saying so; the revision is not recorded', async () => {
    const p = project(db.url);
    p.write(`migrations/${A}_a.js`, tableRevision(A, null));
    p.write(
      `migrations/${B}_b.js`,
      jsRevision({ id: B, down: A, message: 'slow', up: `this.addSql('create table "t_${B}" (id int)'); this.addSql('select pg_sleep(30)');` }),
    );
    const running = p.run(['upgrade']);
    const killer = new Client({ connectionString: db.url });
    await killer.connect();
    try {
      for (let i = 0; i < 200; i++) {
        const rows = await killer.query(
          "select pid from pg_stat_activity where application_name = 'mikro-orm-alembic' and datname = current_database() and query like '%pg_sleep%'",
        );
        if (rows.rows.length > 0) {
          await killer.query('select pg_terminate_backend($1)', [rows.rows[0].pid]);
          break;
        }
        await new Promise((done) => setTimeout(done, 50));
      }
    } finally {
      await killer.end();
    }
    const r = await running;
    expect(r.code).to.equal(1);
    expect(r.stderr).to.contain(`Revision ${B} (migrations/${B}_b.js) failed in up()`).and.to.contain('the connection to PostgreSQL was lost');
    expect(await appliedIds(db.url)).to.deep.equal([A]);
    expect(await tTables(db.url)).to.deep.equal([`t_${A}`]);
  });

  it('no connection configured: database commands say how to configure one', async () => {
    const p = new TestProject({ packageJson: { 'mikro-orm': { useTsNode: false }, 'mikro-orm-alembic': { path: 'migrations' } } });
    p.write(`migrations/${A}_a.js`, tableRevision(A, null));
    const r = await p.run(['current']);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.contain('No database is configured').and.to.contain('--url');
    const d = await p.run(['upgrade', '--url', db.url]);
    expect(d.code, d.stderr).to.equal(0);
    expect(await appliedIds(db.url)).to.deep.equal([A]);
  });

  it('takes the connection from host, port, user, password and dbName when there is no clientUrl', async () => {
    const url = new URL(db.url);
    const p = new TestProject({ packageJson: { 'mikro-orm': { useTsNode: false } } });
    const parts = {
      host: url.hostname,
      port: Number(url.port || 5432),
      user: decodeURIComponent(url.username) || 'postgres',
      password: decodeURIComponent(url.password) || undefined,
      dbName: url.pathname.slice(1),
    };
    p.write('mikro-orm.config.js', `module.exports = require('@mikro-orm/postgresql').defineConfig(${JSON.stringify(parts)});\n`);
    p.write(`migrations/${A}_a.js`, tableRevision(A, null));
    const r = await p.run(['upgrade']);
    expect(r.code, r.stderr).to.equal(0);
    expect(await appliedIds(db.url)).to.deep.equal([A]);
  });

  it('--config and --context select the config as MikroORM does', async () => {
    const p = new TestProject({ packageJson: { 'mikro-orm': { useTsNode: false } } });
    p.write(
      'config/orm.js',
      [
        "const { defineConfig } = require('@mikro-orm/postgresql');",
        `module.exports = [defineConfig({ contextName: 'broken', clientUrl: 'postgres://nobody@127.0.0.1:1/x' }), defineConfig({ contextName: 'main', clientUrl: ${JSON.stringify(db.url)} })];`,
      ].join('\n'),
    );
    p.write(`migrations/${D}_d.js`, tableRevision(D, null));
    const r = await p.run(['upgrade', '--config', 'config/orm.js', '--context', 'main']);
    expect(r.code, r.stderr).to.equal(0);
    expect(await appliedIds(db.url)).to.deep.equal([D]);
    const missing = await p.run(['current', '--config', 'config/nope.js']);
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.contain('MikroORM config file not found: config/nope.js');
  });
});
