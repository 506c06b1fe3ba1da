/**
 * The bin starts MikroORM too (`revision --autogenerate` compares the config's entities with the
 * database): with `upgradeOnInit` in that config, it must not upgrade the database it is comparing.
 */
import { readdirSync } from 'node:fs';
import { expect } from 'chai';
import { useTestDatabase } from '../support/database';
import { appliedIds, cliBuild, query, tableRevision, TestProject } from '../cli/support/cli';

describe('lifecycle: the bin never upgrades on start', function () {
  this.timeout(120_000);
  const db = useTestDatabase({ prefix: 'lc_bin' });
  before(function () {
    this.timeout(120_000);
    cliBuild();
  });

  it('revision --autogenerate --head <rev> with upgradeOnInit: true in the config leaves the database at <rev>', async () => {
    const A = 'a1a1a1a1a1a1';
    const B = 'b2b2b2b2b2b2';
    const project = new TestProject();
    project.write('migrations/a1a1a1a1a1a1_a.js', tableRevision(A, null));
    project.write('migrations/b2b2b2b2b2b2_b.js', tableRevision(B, A));
    project.write(
      'mikro-orm.config.js',
      [
        "const { defineConfig, EntitySchema } = require('@mikro-orm/postgresql');",
        "const { alembic } = require('mikro-orm-alembic');",
        "const Account = new EntitySchema({ name: 'Account', tableName: 'account', properties: { id: { type: 'number', primary: true } } });",
        `module.exports = defineConfig({ clientUrl: ${JSON.stringify(db.url)}, entities: [Account], extensions: [alembic({ path: 'migrations', upgradeOnInit: true })] });`,
        '',
      ].join('\n'),
    );
    expect((await project.run(['upgrade', A])).code).to.equal(0);

    const created = await project.run(['revision', '--autogenerate', '--head', A, '--splice', '-m', 'accounts']);
    expect(created.code, created.stderr).to.equal(0);
    expect(await appliedIds(db.url), 'the database stayed at the new revision\'s parent').to.deep.equal([A]);
    expect(await query(db.url, "select 1 from pg_tables where tablename = 't_b2b2b2b2b2b2'")).to.have.length(0);
    expect(readdirSync(project.path('migrations')).filter((f) => f.endsWith('_accounts.ts'))).to.have.length(1);
  });
});
