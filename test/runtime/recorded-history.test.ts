/**
 * The runtime against a version table that contradicts the graph (issue 17 item 1, issue 11 item 15):
 * every writing entry point refuses with RecordedHistoryError before running anything, read-only ones
 * report the same diagnosis, stamp repairs. A table that is not a version table (a view) is refused by
 * reads and writes alike (issue 11 item 16).
 */
import { expect } from 'chai';
import { diagnoseRecordedHistory } from '../../src/graph';
import { MigrationRuntime, RecordedHistoryError, VersionTableInvalidError } from '../../src/runtime';
import { defineRevision, MemoryRevisions, sql, tables, useFreshDatabases, versionIds } from './support/helpers';

const A = '9a90000000a1';
const B = '9a90000000b2';
const C = '9a90000000c3';
const X = '9a90000000d4';

function runtimeFor(url: string, revs: MemoryRevisions, warnings: string[] = []): MigrationRuntime {
  return new MigrationRuntime({ connection: url, graph: revs.graph, source: revs.source, lockTimeoutMs: 5_000, log: { warn: (m) => warnings.push(m) } });
}

const chain = () =>
  new MemoryRevisions([
    defineRevision({ id: A, up: ['create table t_a (id int)', 'insert into t_a values (1)'], downSql: ['drop table t_a'] }),
    defineRevision({ id: B, down: A, up: ['create table t_b (id int)', 'insert into t_b values (1)'], downSql: ['drop table t_b'] }),
    defineRevision({ id: C, down: B, up: ['create table t_c (id int)', 'insert into t_c values (1)'], downSql: ['drop table t_c'] }),
  ]);

async function snapshot(url: string): Promise<unknown> {
  return { tables: await tables(url), rows: await sql(url, 'select revision, applied_at, checksum from mikro_orm_alembic_version order by revision') };
}

describe('runtime: a recorded history that contradicts the graph', function () {
  this.timeout(60_000);
  const dbs = useFreshDatabases();

  it('refuses upgrade, downgrade (absolute and relative) and runExactly with a typed error; current reports it; stamp repairs', async () => {
    const url = await dbs.fresh();
    const revs = chain();
    await runtimeFor(url, revs).upgrade('head');
    await sql(url, `delete from mikro_orm_alembic_version where revision = '${B}'`);
    const before = await snapshot(url);

    const attempts: [string, (r: MigrationRuntime) => Promise<unknown>][] = [
      ['downgrade -1', (r) => r.downgrade('-1')],
      ['downgrade base', (r) => r.downgrade('base')],
      ['upgrade head', (r) => r.upgrade('head')],
      ['runExactly down', (r) => r.runExactly('down', [C])],
    ];
    for (const [what, attempt] of attempts) {
      const error = await attempt(runtimeFor(url, revs)).catch((e: unknown) => e);
      expect(error, what).to.be.instanceOf(RecordedHistoryError);
      const e = error as RecordedHistoryError;
      expect(e.code).to.equal('INCONSISTENT_HISTORY');
      expect(e.table).to.equal('public.mikro_orm_alembic_version');
      expect(e.gaps).to.deep.equal([{ revision: C, missing: [B] }]);
      expect(e.stampTargets).to.deep.equal([C]);
      expect(e.repairCommand).to.equal(`npx mikro-orm-alembic stamp ${C}`);
      expect(e.message).to.contain(`${C} is recorded as applied, but its ancestor ${B} is not`).and.to.contain('nothing was run');
      expect(await snapshot(url), what).to.deep.equal(before);
    }

    const warnings: string[] = [];
    const current = await runtimeFor(url, revs, warnings).current();
    expect(current.heads).to.deep.equal([C]);
    expect(current.warnings).to.have.length(1);
    expect(current.warnings[0]).to.contain('contradicts the revision graph').and.to.contain(`npx mikro-orm-alembic stamp ${C}`);
    expect(warnings).to.deep.equal(current.warnings);

    const stamped = await runtimeFor(url, revs).stamp(C);
    expect(stamped.added).to.deep.equal([B]);
    expect(stamped.removed).to.deep.equal([]);
    const down = await runtimeFor(url, revs).downgrade('-1');
    expect(down.ran.map((r) => r.id)).to.deep.equal([C]);
    expect(await tables(url)).to.deep.equal(['mikro_orm_alembic_version', 't_a', 't_b']);
  });

  it('a dependency that is not recorded is a gap too', async () => {
    const url = await dbs.fresh();
    const revs = new MemoryRevisions([
      defineRevision({ id: A, up: ['create table t_a (id int)'], downSql: ['drop table t_a'] }),
      defineRevision({ id: X, up: ['create table t_x (id int)'], downSql: ['drop table t_x'], branchLabels: ['other'] }),
      defineRevision({ id: B, down: A, dependsOn: [X], up: ['create table t_b (id int)'], downSql: ['drop table t_b'] }),
    ]);
    await runtimeFor(url, revs).upgrade('heads');
    await sql(url, `delete from mikro_orm_alembic_version where revision = '${X}'`);
    const error = (await runtimeFor(url, revs).downgrade('-1').catch((e: unknown) => e)) as RecordedHistoryError;
    expect(error).to.be.instanceOf(RecordedHistoryError);
    expect(error.gaps).to.deep.equal([{ revision: B, missing: [X] }]);
    expect(await versionIds(url)).to.deep.equal([A, B].sort());
    expect(await tables(url)).to.deep.equal(['mikro_orm_alembic_version', 't_a', 't_b', 't_x']);
  });

  it('diagnoseRecordedHistory: consistent sets, gaps, unknown ids', () => {
    const revs = chain();
    expect(diagnoseRecordedHistory(revs.graph, [A, B, C]).consistent).to.equal(true);
    expect(diagnoseRecordedHistory(revs.graph, []).consistent).to.equal(true);
    const gap = diagnoseRecordedHistory(revs.graph, [C]);
    expect(gap).to.deep.include({ consistent: false, heads: [C], unrecorded: [A, B], unknown: [] });
    expect(diagnoseRecordedHistory(revs.graph, [A, 'nope'])).to.deep.include({ consistent: false, unknown: ['nope'], gaps: [] });
  });

  it('a view in place of the version table: current and upgrade both refuse it, naming it (issue 11 item 16)', async () => {
    const url = await dbs.fresh();
    const revs = chain();
    await sql(url, `create view mikro_orm_alembic_version as select '${A}'::varchar as revision, now() as applied_at, null::int as duration_ms, ''::varchar as checksum, null::text as file_name`);
    for (const attempt of [(r: MigrationRuntime) => r.current(), (r: MigrationRuntime) => r.upgrade('head'), (r: MigrationRuntime) => r.stamp('head'), (r: MigrationRuntime) => r.appliedRevisions()]) {
      const error = (await attempt(runtimeFor(url, revs)).catch((e: unknown) => e)) as VersionTableInvalidError;
      expect(error).to.be.instanceOf(VersionTableInvalidError);
      expect(error.table).to.equal('public.mikro_orm_alembic_version');
      expect(error.message).to.contain('public.mikro_orm_alembic_version is a view, not a table');
    }
    expect(await tables(url)).to.deep.equal([]);
  });
});
