/**
 * The branch-and-merge walk-through of docs/walkthrough.md, checked step by step against real PostgreSQL:
 * TypeScript revisions written by `revision`, run through ts-node as MikroORM's CLI would.
 */
import { expect } from 'chai';
import { useTestDatabase } from '../support/database';
import { appliedIds, cliBuild, query, type CliResult } from './support/cli';
import { WALKTHROUGH, walkthroughProject, type WalkState } from './support/walkthrough';

const sorted = (text: string) => text.trimEnd().split('\n').sort();

describe('cli: the branch-and-merge walk-through', function () {
  this.timeout(180_000);
  const db = useTestDatabase({ prefix: 'mo_alembic_walk' });
  before(() => cliBuild());

  it('init, revision, two branches, heads, upgrade head refused, upgrade heads, merge, upgrade, history --graph, downgrade -1, current, stamp', async () => {
    const project = walkthroughProject(db.url);
    const state: WalkState = {};
    const results: CliResult[] = [];
    for (const step of WALKTHROUGH) {
      const args = step.args(state);
      const result = await project.run(args);
      expect(result.code, `${args.join(' ')}\n${result.stdout}${result.stderr}`).to.equal(step.code);
      step.after?.(result, state, project);
      results.push(result);
    }
    const [init, , , , heads, upgradeHead, upgradeHeads, merge, , upgrade, graph, downgrade, current, stamp, history] = results;
    const { users, invoices, name, number } = state;
    const mergeId = state.merge;

    expect(init.stdout).to.contain('Created migrations/');
    expect(sorted(heads.stdout)).to.deep.equal([`${invoices} (billing) (head)`, `${name} (head)`].sort());

    expect(upgradeHead.stderr).to.contain("Multiple heads are present for 'head'").and.to.contain('merge heads').and.to.contain('upgrade heads');
    expect(upgradeHead.stdout).to.equal('');

    expect(upgradeHeads.stdout).to.contain(`Running upgrade <base> -> ${users}, create users (1/3)`);
    expect(upgradeHeads.stdout).to.contain('Upgraded 3 revisions');
    expect(merge.stdout).to.contain(`Created merge revision ${mergeId} of `);
    expect(upgrade.stdout).to.contain('Upgraded 2 revisions').and.to.contain(`current heads: ${number} (billing) (head)`);

    const g = graph.stdout.trimEnd().split('\n');
    expect(g[0]).to.equal('(* applied, o not applied)');
    expect(g[1]).to.equal(`* ${number} (billing) (head) (current), add invoice number`);
    expect(g[2]).to.equal(`* ${mergeId} (billing) (mergepoint), merge billing and user name`);
    expect(g[3]).to.equal('|\\');
    expect([g[4].slice(0, 4), g[5].slice(0, 4)].sort()).to.deep.equal(['* | ', '| * ']);
    expect([g[4].slice(4), g[5].slice(4)].sort()).to.deep.equal([`${invoices} (billing), create invoices`, `${name}, add user name`].sort());
    expect(g[6]).to.equal('|/');
    expect(g[7]).to.equal(`* ${users} (branchpoint), create users`);

    expect(downgrade.stdout).to.contain(`Running downgrade ${number} -> ${mergeId}, add invoice number (1/1)`).and.to.contain('Downgraded 1 revision');
    expect(current.stdout).to.equal(`${mergeId} (billing)\n`);
    expect(stamp.stdout).to.equal(`Stamped head: 1 revision(s) recorded as applied, 0 removed; current heads: ${number}\n`);
    expect(history.stdout.split('\n')).to.include(`${mergeId} -> ${number} (billing) (head) (current), add invoice number`);

    expect(await appliedIds(db.url)).to.deep.equal([users, invoices, name, mergeId, number].sort());
    const columns = await query<{ column_name: string }>(db.url, "select column_name from information_schema.columns where table_name = 'user' order by 1");
    expect(columns.map((c) => c.column_name)).to.deep.equal(['email', 'id', 'name']);
    const invoice = await query<{ column_name: string }>(db.url, "select column_name from information_schema.columns where table_name = 'invoice' order by 1");
    expect(invoice.map((c) => c.column_name)).to.deep.equal(['id', 'user_id']); // stamped, not run
  });
});
