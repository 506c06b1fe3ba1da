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
});
