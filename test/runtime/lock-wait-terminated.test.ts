/**
 * A writing command waiting for the migration lock whose connection is terminated (pg_terminate_backend,
 * a failover, an idle-session killer): the error says it was waiting for the migration lock, who held
 * it, and that nothing was applied (issue 17). A real second session holds the lock.
 */
import { expect } from 'chai';
import { LockWaitInterruptedError, MigrationRuntime, VersionTable } from '../../src/runtime';
import { connect, defineRevision, MemoryRevisions, sql, tables, useFreshDatabases } from './support/helpers';

const A = 'feedface0001';

describe('runtime: a lock waiter whose connection is terminated', function () {
  this.timeout(60_000);
  const dbs = useFreshDatabases();

  it('says it was waiting for the migration lock and that nothing was applied', async () => {
    const url = await dbs.fresh();
    const revs = new MemoryRevisions([defineRevision({ id: A, up: ['create table t_a (id int)'] })]);
    const holder = await connect(url, 'lock-holder');
    try {
      await holder.query('select pg_advisory_lock($1::bigint)', [new VersionTable().lockKey.toString()]);
      let waiting = false;
      const runtime = new MigrationRuntime({
        connection: url,
        graph: revs.graph,
        source: revs.source,
        lockTimeoutMs: 30_000,
        applicationName: 'waiting-upgrader',
        onWait: () => (waiting = true),
      });
      const outcome = runtime.upgrade('head').catch((e: unknown) => e);
      let pid: number | undefined;
      for (let i = 0; i < 500 && pid === undefined; i++) {
        const rows = await sql<{ pid: number }>(
          url,
          "select pid from pg_stat_activity where application_name = 'waiting-upgrader' and wait_event_type = 'Lock' and query like '%pg_advisory_lock%'",
        );
        pid = rows[0]?.pid;
        if (pid === undefined) await new Promise((r) => setTimeout(r, 20));
      }
      expect(pid, 'the upgrader waits in pg_advisory_lock').to.be.a('number');
      expect(waiting).to.equal(true);
      await sql(url, 'select pg_terminate_backend($1)', [pid]);
      const error = (await outcome) as LockWaitInterruptedError;
      expect(error).to.be.instanceOf(LockWaitInterruptedError);
      expect(error.code).to.equal('LOCK_WAIT_INTERRUPTED');
      expect(error.lock).to.equal('public.mikro_orm_alembic_version');
      expect(error.pgCode).to.equal('57P01');
      expect(error.holders.map((h) => h.applicationName)).to.deep.equal(['lock-holder']);
      expect(error.message).to.contain('while waiting for the migration lock on public.mikro_orm_alembic_version');
      expect(error.message).to.contain('held by pid').and.to.contain('"lock-holder"');
      expect(error.message).to.contain('terminating connection due to administrator command');
      expect(error.message).to.contain('Nothing was applied');
    } finally {
      await holder.end();
    }
    expect(await tables(url)).to.deep.equal([]);
  });
});
