import { expect } from 'chai';
import { MigrationRuntime, RevisionFailedError } from '../../src/runtime';
import { connect, defineRevision, MemoryRevisions, sql, tables, useFreshDatabases, versionIds } from './support/helpers';

const A = 'eeeeeeeee001';
const B = 'eeeeeeeee002';
const C = 'eeeeeeeee003';

describe('runtime: statementLockTimeoutMs (lock_timeout of the revisions)', function () {
  const dbs = useFreshDatabases();

  const revisions = () =>
    new MemoryRevisions([
      defineRevision({ id: A, up: ['create table widget (id int)', 'insert into widget values (1)'], downSql: ['drop table widget'] }),
      defineRevision({ id: B, down: A, up: ['alter table widget add column name text'], downSql: ['alter table widget drop column name'] }),
      defineRevision({ id: C, down: B, up: ['create table gadget (id int)'], downSql: ['drop table gadget'] }),
    ]);

  it('a revision behind a long transaction fails after lock_timeout, naming the session in the way; other queries are not held up for long', async () => {
    const url = await dbs.fresh();
    const revs = revisions();
    await new MigrationRuntime({ connection: url, graph: revs.graph, source: revs.source }).upgrade(A);

    const longTx = await connect(url, 'nightly-report');
    await longTx.query('begin');
    await longTx.query('select count(*) from widget');
    try {
      const runtime = new MigrationRuntime({ connection: url, graph: revs.graph, source: revs.source, statementLockTimeoutMs: 300, statementLockAttempts: 1 });
      const started = Date.now();
      const upgrade = runtime.upgrade('head').catch((e: unknown) => e);
      // while the ALTER waits, a reader queues behind it — for lock_timeout at most, not for the long transaction's life
      await new Promise((r) => setTimeout(r, 100));
      const reader = Date.now();
      await sql(url, 'select count(*) from widget');
      expect(Date.now() - reader).to.be.below(2_000);
      const err = await upgrade;
      expect(Date.now() - started).to.be.below(5_000);

      expect(err).to.be.instanceOf(RevisionFailedError);
      const failed = err as RevisionFailedError;
      expect(failed.revision).to.equal(B);
      expect(failed.pgCode).to.equal('55P03');
      expect(failed.statement).to.equal('alter table widget add column name text');
      expect(failed.lockHolders.map((h) => h.applicationName)).to.include('nightly-report');
      const holder = failed.lockHolders.find((h) => h.applicationName === 'nightly-report');
      expect(holder?.locks).to.include('AccessShareLock on widget');
      expect(holder?.state).to.equal('idle in transaction');
      expect(failed.message).to.contain('lock_timeout (300ms)').and.contain('application_name "nightly-report"').and.contain('AccessShareLock on widget');
      expect(await versionIds(url)).to.deep.equal([A]);
    } finally {
      await longTx.query('rollback');
      await longTx.end();
    }
    const runtime = new MigrationRuntime({ connection: url, graph: revs.graph, source: revs.source, statementLockTimeoutMs: 300 });
    await runtime.upgrade('head');
    expect(await versionIds(url)).to.have.members([A, B, C]);
    expect(await tables(url)).to.include.members(['widget', 'gadget']);
  });

  it('is set only on the locked connection, and validated', async () => {
    const url = await dbs.fresh();
    const revs = new MemoryRevisions([defineRevision({ id: A, up: ["create table seen as select current_setting('lock_timeout') as v"] })]);
    await new MigrationRuntime({ connection: url, graph: revs.graph, source: revs.source, statementLockTimeoutMs: 1_500 }).upgrade('head');
    expect(await sql(url, 'select v from seen')).to.deep.equal([{ v: '1500ms' }]);
    expect(await sql(url, "select current_setting('lock_timeout') as v")).to.deep.equal([{ v: '0' }]);
    for (const bad of [-1, Number.NaN, 3_000_000_000]) {
      expect(() => new MigrationRuntime({ connection: url, graph: revs.graph, source: revs.source, statementLockTimeoutMs: bad })).to.throw(TypeError, /statementLockTimeoutMs/);
    }
  });

  it('turned off (0), a lock error from a revision (NOWAIT) still names the holders, with no retry', async () => {
    const url = await dbs.fresh();
    const revs = new MemoryRevisions([
      defineRevision({ id: A, up: ['create table widget (id int)'] }),
      defineRevision({ id: B, down: A, up: ['lock table widget in access exclusive mode nowait'] }),
    ]);
    await new MigrationRuntime({ connection: url, graph: revs.graph, source: revs.source }).upgrade(A);
    const longTx = await connect(url, 'holder-app');
    await longTx.query('begin; lock table widget in row exclusive mode');
    try {
      const err = await new MigrationRuntime({ connection: url, graph: revs.graph, source: revs.source, statementLockTimeoutMs: 0 }).upgrade('head').catch((e: unknown) => e);
      expect(err).to.be.instanceOf(RevisionFailedError);
      expect((err as RevisionFailedError).pgCode).to.equal('55P03');
      expect((err as RevisionFailedError).message).to.contain('holder-app').and.contain('RowExclusiveLock on widget').and.not.contain('lock_timeout (').and.not.contain('tries');
    } finally {
      await longTx.query('rollback');
      await longTx.end();
    }
  });
});
