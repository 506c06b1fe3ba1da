/**
 * One prefix rule wherever a target is typed (issue 11 item 9; docs/cli.md "Targets"): the bin's
 * `upgrade`/`downgrade <target>` and MikroORM's `migration:up|down -t <target>` resolve the same words
 * to the same revisions. Alembic's rule: a prefix may be short (`7`, `1`), but only ids and labels of
 * four characters or more are matched by prefix; a number without a sign is a prefix, never a count of
 * steps; two matches are ambiguous. The one difference, MikroORM's own: `-t 0` means everything.
 */
import { join } from 'node:path';
import { expect } from 'chai';
import { useTestDatabase } from '../support/database';
import { appliedIds, cliBuild, tableRevision, TestProject } from './support/cli';

const A = '7a1b00000001';
const B = '1c2d00000002';
const C = 'c3d400000003';
const D = '7e5f00000004';

describe('cli and migration:*: one prefix rule for targets', function () {
  this.timeout(300_000);
  const db = useTestDatabase({ prefix: 'mo_alembic_prefix' });
  let project: TestProject;

  before(() => {
    cliBuild();
    const v = '6.6.16';
    project = new TestProject({ packageJson: { dependencies: { '@mikro-orm/core': v, '@mikro-orm/postgresql': v, '@mikro-orm/cli': v } } });
    project.write(
      'mikro-orm.config.js',
      [
        "const { defineConfig } = require('@mikro-orm/postgresql');",
        "const { alembic } = require('mikro-orm-alembic');",
        "module.exports = defineConfig({ clientUrl: process.env.PREFIX_TEST_URL, discovery: { warnWhenNoEntities: false }, extensions: [alembic({ path: 'migrations' })] });",
        '',
      ].join('\n'),
    );
    project.write(`migrations/${A}_a.js`, tableRevision(A, null));
    project.write(`migrations/${B}_b.js`, tableRevision(B, A, { branchLabels: ['billing'] }));
    project.write(`migrations/${C}_c.js`, tableRevision(C, B, { branchLabels: ['ab'] }));
  });

  const env = () => ({ PREFIX_TEST_URL: db.url, MIKRO_ORM_CLI_CONFIG: './mikro-orm.config.js', MIKRO_ORM_CLI_USE_TS_NODE: '0' });
  /** The bin: `upgrade <target>` / `downgrade <target>`. */
  const bin = (verb: 'upgrade' | 'downgrade', target: string) => project.run([verb, target], { env: env() });
  /** MikroORM's CLI: `migration:up|down -t <target>`. */
  const mikro = (verb: 'upgrade' | 'downgrade', target: string) =>
    project.run([verb === 'upgrade' ? 'migration:up' : 'migration:down', '-t', target], {
      env: env(),
      nodeArgs: [],
      script: join(cliBuild(), 'node_modules', '@mikro-orm', 'cli', 'cli.js'),
    });
  const applied = async () => [...(await appliedIds(db.url).catch(() => []))].sort();
  const reset = async () => {
    const r = await bin('downgrade', 'base');
    expect(r.code, r.stderr).to.equal(0);
  };

  for (const [name, run] of [
    ['the bin', bin],
    ['migration:*', mikro],
  ] as const) {
    it(`${name}: a one-character prefix names the revision (7 -> ${A}); a number is a prefix, not steps (1 -> ${B})`, async () => {
      await reset();
      const seven = await run('upgrade', '7');
      expect(seven.code, seven.stdout + seven.stderr).to.equal(0);
      expect(await applied()).to.deep.equal([A]);
      const one = await run('upgrade', '1');
      expect(one.code, one.stdout + one.stderr).to.equal(0);
      expect(await applied()).to.deep.equal([B, A].sort());
      // downgrade to a prefix keeps that revision applied
      const down = await run('downgrade', '7');
      expect(down.code, down.stdout + down.stderr).to.equal(0);
      expect(await applied()).to.deep.equal([A]);
    });

    it(`${name}: a label matches by prefix when it has four characters or more (bil -> billing), not when shorter (a -/-> ab)`, async () => {
      await reset();
      const bil = await run('upgrade', 'bil');
      expect(bil.code, bil.stdout + bil.stderr).to.equal(0);
      expect(await applied()).to.deep.equal([B, A].sort());
      const short = await run('upgrade', 'a');
      expect(short.code).to.equal(1);
      expect(short.stdout + short.stderr).to.contain("'a'").and.to.contain('a prefix matches only ids and labels of four characters or more');
      expect(await applied()).to.deep.equal([B, A].sort());
      const exact = await run('upgrade', 'ab');
      expect(exact.code, exact.stdout + exact.stderr).to.equal(0);
      expect(await applied()).to.deep.equal([A, B, C].sort());
    });
  }

  it('both: two revisions starting with 7 make the prefix 7 ambiguous, nothing changes; -t 0 is MikroORM\'s "everything", downgrade 0 the prefix 0', async () => {
    project.write(`migrations/${D}_d.js`, tableRevision(D, C));
    await reset();
    for (const run of [bin, mikro]) {
      const r = await run('upgrade', '7');
      expect(r.code).to.equal(1);
      expect(r.stdout + r.stderr).to.contain("Multiple revisions start with '7'");
      expect(await applied()).to.deep.equal([]);
    }
    const all = await mikro('upgrade', '0');
    expect(all.code, all.stdout + all.stderr).to.equal(0);
    expect(await applied()).to.deep.equal([A, B, C, D].sort());
    const zero = await bin('downgrade', '0');
    expect(zero.code).to.equal(1);
    expect(zero.stderr).to.contain("'0'");
    expect(await applied()).to.deep.equal([A, B, C, D].sort());
    const none = await mikro('downgrade', '0');
    expect(none.code, none.stdout + none.stderr).to.equal(0);
    expect(await applied()).to.deep.equal([]);
  });
});
