/**
 * `mikro-orm-alembic test`: the test kit from the bin, for CI pipelines without mocha.
 */
import { expect } from 'chai';
import { useTestDatabase } from '../support/database';
import { jsRevision, tableRevision, TestProject } from './support/cli';

describe('cli: test', function () {
  this.timeout(120_000);
  const db = useTestDatabase({ prefix: 'mo_alembic_cli_kit' });

  function project(): TestProject {
    const p = new TestProject({ packageJson: { 'mikro-orm': { useTsNode: false } } });
    p.writeConfig(db.url, { alembic: { path: 'migrations' } });
    return p;
  }

  it('passes a healthy chain and prints one line per check', async () => {
    const p = project();
    p.write('migrations/aaaa00000001_a.js', tableRevision('aaaa00000001', null));
    p.write('migrations/aaaa00000002_b.js', tableRevision('aaaa00000002', 'aaaa00000001'));
    const r = await p.run(['test']);
    expect(r.stderr).to.equal('');
    expect(r.code).to.equal(0);
    for (const check of ['graph', 'single-head', 'lint', 'upgrade-from-empty', 'stairway', 'no-trace']) expect(r.stdout).to.match(new RegExp(`✔ ${check} \\(\\d+ ms\\)`));
    expect(r.stdout).to.contain('6 checks passed');
  });

  it('exits 1 with the report of a down() that leaves a type behind, and of two heads', async () => {
    const p = project();
    p.write('migrations/aaaa00000001_a.js', tableRevision('aaaa00000001', null));
    p.write(
      'migrations/aaaa00000002_mood.js',
      jsRevision({
        id: 'aaaa00000002',
        down: 'aaaa00000001',
        message: 'add mood',
        up: `this.addSql("create type mood as enum ('happy', 'sad')"); this.addSql('alter table "t_aaaa00000001" add column mood mood');`,
        down_: `this.addSql('alter table "t_aaaa00000001" drop column mood');`,
      }),
    );
    p.write('migrations/aaaa00000003_c.js', tableRevision('aaaa00000003', 'aaaa00000001'));
    const r = await p.run(['test', '--skip', 'upgrade-from-empty']);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.contain('✘ single-head');
    expect(r.stdout).to.contain('merge aaaa00000002 aaaa00000003');
    expect(r.stdout).to.contain('✘ stairway');
    expect(r.stdout).to.contain('type "mood" already exists');
    expect(r.stdout).to.contain('✘ no-trace');
    expect(r.stdout).to.contain(`+ enumTypes: public.mood enum ('happy', 'sad')`);
    expect(r.stderr).to.contain('3 migration checks failed: single-head, stairway, no-trace');
    // the app's database itself is untouched: the kit works on throw-away databases
    const { Client } = require('pg') as typeof import('pg');
    const c = new Client({ connectionString: db.url });
    await c.connect();
    try {
      expect((await c.query(`select count(*)::int as n from pg_tables where schemaname = 'public'`)).rows[0].n).to.equal(0);
    } finally {
      await c.end();
    }
  });

  it('refuses an unknown check with exit code 2', async () => {
    const r = await project().run(['test', '--skip', 'nonsense']);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain("Unknown check 'nonsense'");
  });
});
