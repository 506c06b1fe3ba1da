/**
 * What the bin takes from where (issue 11 item 6, issue 18): offline SQL needs no database, `--url` is
 * enough for every database verb (the config may name none), and a compiled config picked by the
 * default search is named.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { expect } from 'chai';
import { useTestDatabase } from '../support/database';
import { appliedIds, cliBuild, query, tableRevision, TestProject } from './support/cli';

/** A config whose database comes from a variable that is not set, with one entity (an EntitySchema). */
const NO_DATABASE_CONFIG = [
  "const { defineConfig, EntitySchema } = require('@mikro-orm/postgresql');",
  "const Account = new EntitySchema({ name: 'Account', tableName: 'account', properties: { id: { type: 'number', primary: true }, email: { type: 'string' } } });",
  'module.exports = defineConfig({ clientUrl: process.env.MO_ALEMBIC_UNSET_URL, entities: [Account] });',
  '',
].join('\n');

describe('cli: inputs (--sql and --url need no database in the config; which config was loaded)', function () {
  this.timeout(180_000);
  const db = useTestDatabase({ prefix: 'mo_alembic_cli_inputs' });
  before(() => cliBuild());
  const env = { MO_ALEMBIC_UNSET_URL: undefined, DATABASE_URL: undefined, MIKRO_ORM_CLIENT_URL: undefined };

  it('upgrade head --sql works when the config names no database (DATABASE_URL unset)', async () => {
    const project = new TestProject();
    project.write('mikro-orm.config.js', NO_DATABASE_CONFIG);
    project.write('migrations/aaaa00000001_a.js', tableRevision('aaaa00000001', null));
    const r = await project.run(['upgrade', 'head', '--sql'], { env });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.contain('create table "t_aaaa00000001"');
    // and without --sql, the error says what is missing and what to pass
    const online = await project.run(['upgrade', 'head'], { env });
    expect(online.code).to.equal(1);
    expect(online.stderr).to.contain('mikro-orm.config.js names no database').and.to.contain('--url');
  });

  it('current, upgrade and downgrade with --url when the config names no database', async () => {
    const project = new TestProject();
    project.write('mikro-orm.config.js', NO_DATABASE_CONFIG);
    project.write('migrations/aaaa00000001_a.js', tableRevision('aaaa00000001', null));
    const before = await project.run(['current', '--url', db.url], { env });
    expect(before.code, before.stderr).to.equal(0);
    expect(before.stderr).to.contain('at base');
    const up = await project.run(['upgrade', 'head', '--url', db.url], { env });
    expect(up.code, up.stderr).to.equal(0);
    expect(await appliedIds(db.url)).to.deep.equal(['aaaa00000001']);
    const current = await project.run(['current', '--url', db.url], { env });
    expect(current.stdout).to.contain('aaaa00000001');
    const down = await project.run(['downgrade', 'base', '--url', db.url], { env });
    expect(down.code, down.stderr).to.equal(0);
    expect(await appliedIds(db.url)).to.deep.equal([]);
  });

  it('revision --autogenerate --url compares the entities with that database', async () => {
    const project = new TestProject({ packageJson: { 'mikro-orm-alembic': { path: 'migrations' } } });
    project.write('mikro-orm.config.js', NO_DATABASE_CONFIG);
    project.write('migrations/README.md', 'revisions\n');
    const r = await project.run(['revision', '--autogenerate', '-m', 'create account', '--url', db.url], { env });
    expect(r.code, r.stderr).to.equal(0);
    const file = readdirSync(project.path('migrations')).find((f) => f.endsWith('_create_account.ts')) as string;
    expect(readFileSync(project.path('migrations', file), 'utf8')).to.match(/create table "account"/);
    const up = await project.run(['upgrade', '--url', db.url], { env });
    expect(up.code, up.stderr).to.equal(0);
    expect(await query(db.url, "select 1 from pg_tables where tablename = 'account'")).to.have.length(1);
    const again = await project.run(['revision', '--autogenerate', '-m', 'nothing', '--url', db.url], { env });
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stdout).to.contain('No changes');
    expect((await project.run(['downgrade', 'base', '--url', db.url], { env })).code).to.equal(0);
  });

  it('names a compiled dist/mikro-orm.config.js picked because the .ts is missing, relative to the project; not a .ts or --config', async () => {
    const project = new TestProject();
    project.write('dist/mikro-orm.config.js', NO_DATABASE_CONFIG);
    project.write('dist/migrations/aaaa00000001_a.js', tableRevision('aaaa00000001', null));
    project.write('migrations/aaaa00000001_a.js', tableRevision('aaaa00000001', null));
    const stale = await project.run(['heads'], { env });
    expect(stale.code, stale.stderr).to.equal(0);
    expect(stale.stderr).to.contain('Using the MikroORM config dist/mikro-orm.config.js, compiled JavaScript (there is no src/mikro-orm.config.ts or mikro-orm.config.ts)');
    expect(stale.stderr).not.to.contain(project.dir);
    const chosen = await project.run(['heads', '--config', 'dist/mikro-orm.config.js'], { env });
    expect(chosen.code, chosen.stderr).to.equal(0);
    expect(chosen.stderr).to.equal('');
    project.write('mikro-orm.config.ts', NO_DATABASE_CONFIG.replace(/require\(([^)]*)\)/, 'require($1) as typeof import($1)').replace('module.exports =', 'export default'));
    const ts = await project.run(['heads'], { env });
    expect(ts.code, ts.stderr).to.equal(0);
    expect(ts.stderr).to.equal('');
  });

  it('a database that does not exist: upgrade and stamp create it (as migration:up does) and say so; current refuses with a hint; ensureDatabase: false refuses', async () => {
    const project = new TestProject({ packageJson: { 'mikro-orm-alembic': { path: 'migrations' } } });
    project.write('migrations/aaaa00000001_a.js', tableRevision('aaaa00000001', null));
    const name = `mo_alembic_created_${process.pid}_${Date.now()}`;
    const missing = new URL(db.url);
    missing.pathname = `/${name}`;
    missing.password = 'Created-Db-Pw-5';
    const drop = () => query(db.serverUrl, `drop database if exists "${name}" with (force)`);
    try {
      const current = await project.run(['current', '--url', missing.toString()], { env });
      expect(current.code).to.equal(1);
      expect(current.stderr).to.contain('does not exist').and.to.contain('upgrade and stamp create a missing database');
      const up = await project.run(['upgrade', 'head', '--url', missing.toString()], { env });
      expect(up.code, up.stderr).to.equal(0);
      expect(up.stderr).to.contain(`Created database "${name}" (it did not exist)`);
      expect(up.stdout + up.stderr).not.to.contain('Created-Db-Pw-5');
      expect(await appliedIds(missing.toString())).to.deep.equal(['aaaa00000001']);
      await drop();
      const stamped = await project.run(['stamp', 'head', '--url', missing.toString()], { env });
      expect(stamped.code, stamped.stderr).to.equal(0);
      expect(stamped.stderr).to.contain(`Created database "${name}"`);
      expect(await appliedIds(missing.toString())).to.deep.equal(['aaaa00000001']);
      await drop();

      // a config that turns MikroORM's ensureDatabase off: refused, nothing created
      const off = new TestProject();
      off.writeConfig(missing.toString(), { extra: 'ensureDatabase: false,' });
      off.write('migrations/aaaa00000001_a.js', tableRevision('aaaa00000001', null));
      const refused = await off.run(['upgrade', 'head'], { env });
      expect(refused.code).to.equal(1);
      expect(refused.stderr).to.contain('does not exist').and.to.contain('ensureDatabase: false');
      expect(await query(db.serverUrl, 'select 1 from pg_database where datname = $1', [name])).to.have.length(0);
    } finally {
      await drop();
    }
  });
});
