/**
 * A version table that contradicts the revision graph (a row deleted by hand, a partial restore): every
 * writing command refuses with the diagnosis and the `stamp` that repairs it, read-only commands show the
 * same diagnosis, nothing in the database changes. Through the real bin, against real tables with rows.
 */
import { expect } from 'chai';
import { useTestDatabase } from '../support/database';
import { appliedIds, cliBuild, jsRevision, query, TestProject } from './support/cli';

const A = 'aaa111';
const B = 'bbb222';
const C = 'ccc333';

/** A revision whose up() creates table `t<n>` with a row in it and whose down() drops it. */
function rowsRevision(id: string, down: string | null, table: string): string {
  return jsRevision({
    id,
    down,
    message: `create ${table}`,
    up: `this.addSql('create table "${table}" (id int)'); this.addSql('insert into "${table}" values (1), (2)');`,
    down_: `this.addSql('drop table "${table}"');`,
  });
}

async function rowCounts(url: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const tables = await query<{ tablename: string }>(url, "select tablename from pg_tables where schemaname = 'public' and tablename ~ '^t[0-9]$' order by 1");
  for (const { tablename } of tables) {
    const [{ n }] = await query<{ n: number }>(url, `select count(*)::int as n from "${tablename}"`);
    out[tablename] = n;
  }
  return out;
}

describe('cli: a recorded history that contradicts the graph', function () {
  this.timeout(120_000);
  const db = useTestDatabase({ prefix: 'mo_alembic_gap' });
  before(() => cliBuild());

  beforeEach(async () => {
    await query(db.url, 'drop schema public cascade; create schema public');
  });

  function project(): TestProject {
    const p = new TestProject({ packageJson: { 'mikro-orm': { useTsNode: false } } });
    p.writeConfig(db.url);
    p.write(`migrations/${A}_t1.js`, rowsRevision(A, null, 't1'));
    p.write(`migrations/${B}_t2.js`, rowsRevision(B, A, 't2'));
    p.write(`migrations/${C}_t3.js`, rowsRevision(C, B, 't3'));
    return p;
  }

  it('downgrade -1 with a middle row deleted refuses, shows the rows and the repairing stamp, and changes nothing (issue 17)', async () => {
    const p = project();
    const up = await p.run(['upgrade']);
    expect(up.code, up.stderr).to.equal(0);
    expect(await rowCounts(db.url)).to.deep.equal({ t1: 2, t2: 2, t3: 2 });
    await query(db.url, `delete from mikro_orm_alembic_version where revision = '${B}'`);
    const before = await query(db.url, 'select * from mikro_orm_alembic_version order by revision');

    const down = await p.run(['downgrade', '-1']);
    expect(down.code).to.equal(1);
    expect(down.stdout).not.to.contain('Running downgrade');
    expect(down.stderr).to.contain('contradicts the revision graph');
    expect(down.stderr).to.contain(`${C} is recorded as applied, but its ancestor ${B} is not`);
    expect(down.stderr).to.contain(`  ${A}  `).and.to.contain(`  ${C}  `); // the recorded rows
    expect(down.stderr).to.contain(`npx mikro-orm-alembic stamp ${C}`);
    // nothing changed: every table, every row, every version row
    expect(await rowCounts(db.url)).to.deep.equal({ t1: 2, t2: 2, t3: 2 });
    expect(await query(db.url, 'select * from mikro_orm_alembic_version order by revision')).to.deep.equal(before);

    // every writing command refuses the same way
    for (const args of [['downgrade', 'base'], ['downgrade', A], ['upgrade'], ['upgrade', 'head'], ['upgrade', '+1']]) {
      const r = await p.run(args);
      expect(r.code, args.join(' ')).to.equal(1);
      expect(r.stderr, args.join(' ')).to.contain('contradicts the revision graph').and.to.contain(`npx mikro-orm-alembic stamp ${C}`);
      expect(r.stderr, args.join(' ')).not.to.contain('overlaps');
    }
    expect(await rowCounts(db.url)).to.deep.equal({ t1: 2, t2: 2, t3: 2 });
    expect(await appliedIds(db.url)).to.deep.equal([A, C]);

    // read-only commands show the same diagnosis
    const current = await p.run(['current']);
    expect(current.code).to.equal(0);
    expect(current.stderr).to.contain('contradicts the revision graph').and.to.contain(`npx mikro-orm-alembic stamp ${C}`);
    const verbose = await p.run(['current', '-v']);
    expect(verbose.stderr).to.contain(`${C} is recorded as applied, but its ancestor ${B} is not`);
    expect(verbose.stdout).to.contain('Applied revisions (oldest first)');
    const history = await p.run(['history', '--indicate-current']);
    expect(history.code).to.equal(0);
    expect(history.stderr).to.contain('contradicts the revision graph').and.to.contain(`npx mikro-orm-alembic stamp ${C}`);

    // the stamp it suggests repairs it (stamp stays allowed), and then -1 is one step
    const stamp = await p.run(['stamp', C]);
    expect(stamp.code, stamp.stderr).to.equal(0);
    expect(await appliedIds(db.url)).to.deep.equal([A, B, C]);
    const again = await p.run(['downgrade', '-1']);
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stdout).to.contain('Downgraded 1 revision');
    expect(await rowCounts(db.url)).to.deep.equal({ t1: 2, t2: 2 });
    expect(await appliedIds(db.url)).to.deep.equal([A, B]);
  });

  it('downgrade -1 at a merge point says what to type, and what it says works; -N never runs more than N (issue 18, issue 17)', async () => {
    const D = 'ddd444';
    const M = 'eee555';
    const p = new TestProject({ packageJson: { 'mikro-orm': { useTsNode: false } } });
    p.writeConfig(db.url);
    p.write(`migrations/${A}_t1.js`, rowsRevision(A, null, 't1'));
    p.write(`migrations/${B}_t2.js`, rowsRevision(B, A, 't2'));
    p.write(`migrations/${C}_t3.js`, rowsRevision(C, A, 't3'));
    p.write(`migrations/${M}_t5.js`, jsRevision({ id: M, down: [B, C], message: 'merge', up: `this.addSql('create table "t5" (id int)');`, down_: `this.addSql('drop table "t5"');` }));
    p.write(`migrations/${D}_t4.js`, rowsRevision(D, B, 't4'));
    expect((await p.run(['upgrade', M])).code).to.equal(0);

    const merge = await p.run(['downgrade', '-1']);
    expect(merge.code).to.equal(1);
    expect(merge.stderr).to.contain(`${M} is a merge point of ${B}, ${C}`).and.to.contain(`\`downgrade ${B}\` or \`downgrade ${C}\``);
    expect(await rowCounts(db.url)).to.deep.equal({ t1: 2, t2: 2, t3: 2, t5: 0 });
    const parent = await p.run(['downgrade', B]);
    expect(parent.code, parent.stderr).to.equal(0);
    expect(parent.stdout).to.contain('Downgraded 1 revision');
    expect(await appliedIds(db.url)).to.deep.equal([A, B, C]);

    // C@-2 walks C and A, but B and D build on A too: refused, nothing runs
    expect((await p.run(['upgrade', D])).code).to.equal(0);
    const wide = await p.run(['downgrade', `${C}@-2`]);
    expect(wide.code).to.equal(1);
    expect(wide.stderr).to.contain('would run').and.to.contain('not 2');
    expect(wide.stdout).not.to.contain('Running downgrade');
    expect(await appliedIds(db.url)).to.deep.equal([A, B, C, D]);
    expect(await rowCounts(db.url)).to.deep.equal({ t1: 2, t2: 2, t3: 2, t4: 2 });
    const one = await p.run(['downgrade', `${D}@-1`]);
    expect(one.code, one.stderr).to.equal(0);
    expect(await appliedIds(db.url)).to.deep.equal([A, B, C]);
  });
});
