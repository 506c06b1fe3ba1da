import { expect } from 'chai';
import { LockTimeoutError, MigrationRuntime, RevisionFailedError, VersionTable, type LockWaitInfo } from '../../src/runtime';
import { Revision } from '../../src/script/revision';
import { advisoryLocks, connect, defineRevision, MemoryRevisions, sql, tables, useFreshDatabases, versionIds } from './support/helpers';
import { until } from '../support/until';

const A = 'ffffffffff01';
const B = 'ffffffffff02';
const C = 'ffffffffff03';

function runtimeFor(url: string, revs: MemoryRevisions, extra: Partial<ConstructorParameters<typeof MigrationRuntime>[0]> = {}): MigrationRuntime {
  return new MigrationRuntime({ connection: url, graph: revs.graph, source: revs.source, lockTimeoutMs: 10_000, ...extra });
}

/** The pid of the session with this application_name that holds an advisory lock. */
async function lockHolderPid(url: string, applicationName: string): Promise<number | undefined> {
  const rows = await sql<{ pid: number }>(
    url,
    "select l.pid from pg_locks l join pg_stat_activity a on a.pid = l.pid where l.locktype = 'advisory' and l.granted and a.application_name = $1 and a.datname = current_database()",
    [applicationName],
  );
  return rows[0]?.pid;
}

describe('runtime: the migration lock', function () {
  const dbs = useFreshDatabases();

  it('makes a second runtime wait, tells it who holds the lock, and lets it re-read the applied set', async () => {
    const url = await dbs.fresh();
    const revs = new MemoryRevisions([
      defineRevision({ id: A, up: ['create table t_a (id int)'] }),
      defineRevision({ id: B, down: A, up: ['select pg_sleep(1)', 'create table t_b (id int)'] }),
    ]);
    const first = runtimeFor(url, revs, { applicationName: 'deployer-one' }).upgrade('head');
    const holder = await until('the first runtime to hold the lock', () => lockHolderPid(url, 'deployer-one'));

    const waits: LockWaitInfo[] = [];
    const second = await runtimeFor(url, revs, { applicationName: 'deployer-two', onWait: (info) => waits.push(info) }).upgrade('head');
    const firstResult = await first;

    // Which promise settles first is not the point (the first may still be closing its connection when the
    // second, which had nothing to do, returns); that the second saw the first's work committed is.
    expect(waits).to.have.length(1);
    expect(waits[0].holders.map((h) => [h.pid, h.applicationName])).to.deep.equal([[holder, 'deployer-one']]);
    expect(waits[0].lock).to.equal('public.mikro_orm_alembic_version');
    expect(waits[0].key).to.equal(new VersionTable().lockKey);
    expect(firstResult.ran.map((r) => r.id)).to.deep.equal([A, B]);
    // it planned after it had the lock: nothing left to do, and nothing ran twice
    expect(second.ran).to.deep.equal([]);
    expect(second.headsBefore).to.deep.equal([B]);
    expect(await versionIds(url)).to.deep.equal([A, B]);
    expect(await advisoryLocks(url)).to.deep.equal([]);
  });

  it('lets runtimes started together on an empty database apply each revision exactly once', async () => {
    const url = await dbs.fresh();
    const revs = new MemoryRevisions([
      defineRevision({ id: A, up: ['create table t_a (id int)'] }),
      defineRevision({ id: B, down: A, up: ['create table t_b (id int)', 'insert into t_b values (1)'] }),
      defineRevision({ id: C, down: B, up: ['insert into t_b values (2)'] }),
    ]);
    const results = await Promise.all(Array.from({ length: 4 }, () => runtimeFor(url, revs).upgrade('head')));
    const ran = results.flatMap((r) => r.ran.map((x) => x.id));
    expect(ran).to.deep.equal([A, B, C]);
    expect(results.filter((r) => r.ran.length > 0)).to.have.length(1);
    for (const r of results) expect(r.headsAfter).to.deep.equal([C]);
    expect(await sql(url, 'select id from t_b order by id')).to.deep.equal([{ id: 1 }, { id: 2 }]);
    expect(await versionIds(url)).to.deep.equal([A, B, C]);
    expect(await advisoryLocks(url)).to.deep.equal([]);
  });

  it('gives up after lockTimeoutMs with a typed error naming the holder, without touching the database', async () => {
    const url = await dbs.fresh();
    const revs = new MemoryRevisions([defineRevision({ id: A, up: ['create table t_a (id int)'] })]);
    const holder = await connect(url, 'manual-holder');
    try {
      await holder.query('select pg_advisory_lock($1::bigint)', [new VersionTable().lockKey.toString()]);
      const holderPid = Number((await holder.query('select pg_backend_pid() as pid')).rows[0].pid);
      const waits: LockWaitInfo[] = [];
      const started = Date.now();
      const error = (await runtimeFor(url, revs, { lockTimeoutMs: 400, onWait: (w) => waits.push(w) })
        .upgrade('head')
        .catch((e: unknown) => e)) as LockTimeoutError;
      const elapsed = Date.now() - started;

      expect(error).to.be.instanceOf(LockTimeoutError);
      expect(error.code).to.equal('LOCK_TIMEOUT');
      expect(error.holders.map((h) => [h.pid, h.applicationName])).to.deep.equal([[holderPid, 'manual-holder']]);
      expect(error.message).to.contain(`pid ${holderPid}`).and.contain('manual-holder');
      expect(error.waitedMs).to.be.at.least(350);
      expect(elapsed).to.be.within(350, 5_000);
      expect(waits[0].timeoutMs).to.equal(400);
      expect(await tables(url)).to.deep.equal([]);

      // 0: do not wait at all
      const immediate = (await runtimeFor(url, revs, { lockTimeoutMs: 0 })
        .upgrade('head')
        .catch((e: unknown) => e)) as LockTimeoutError;
      expect(immediate).to.be.instanceOf(LockTimeoutError);
      expect(immediate.waitedMs).to.equal(0);
      // the waiting connection is gone and left no lock behind
      expect((await advisoryLocks(url)).map((l) => l.pid)).to.deep.equal([holderPid]);
    } finally {
      await holder.end();
    }
    const after = await runtimeFor(url, revs, { lockTimeoutMs: 0 }).upgrade('head');
    expect(after.ran.map((r) => r.id)).to.deep.equal([A]);
  });

  it('holds the lock only while a command runs: released after success and after failure', async () => {
    const url = await dbs.fresh();
    const key = BigInt.asUintN(64, new VersionTable().lockKey);
    let heldDuringRun: unknown;
    class Probe extends Revision {
      override readonly revision = A;
      override readonly downRevision = null;
      override async up(): Promise<void> {
        this.addSql('create table t_a (id int)');
        const rows = await this.execute(
          "select count(*)::int as n from pg_locks where locktype = 'advisory' and granted and pid = pg_backend_pid() " +
            'and classid = $1::oid and objid = $2::oid and objsubid = 1',
          [(key >> 32n).toString(), (key & 0xffffffffn).toString()],
        );
        heldDuringRun = rows[0].n;
      }
    }
    const revs = new MemoryRevisions([
      Probe,
      defineRevision({ id: B, down: A, up: ['insert into t_a values (1)', 'insert into t_a values (1 / 0)'] }),
    ]);
    const runtime = runtimeFor(url, revs, { lockTimeoutMs: 0 });
    const ok = await runtime.upgrade(A);
    expect(ok.ran.map((r) => r.id)).to.deep.equal([A]);
    expect(heldDuringRun).to.equal(1);
    expect(await advisoryLocks(url)).to.deep.equal([]);

    const failure = await runtime.upgrade('head').catch((e: unknown) => e);
    expect(failure).to.be.instanceOf(RevisionFailedError);
    expect((failure as RevisionFailedError).pgCode).to.equal('22012');
    expect(await advisoryLocks(url)).to.deep.equal([]);
    expect(await versionIds(url)).to.deep.equal([A]);
    expect(await sql(url, 'select count(*)::int as n from t_a')).to.deep.equal([{ n: 0 }]);

    // stamp and a failing downgrade take and release it too (lockTimeoutMs 0 would fail if anything still held it)
    expect((await runtime.stamp(A)).headsAfter).to.deep.equal([A]);
    const irreversible = (await runtime.downgrade('base').catch((e: unknown) => e)) as RevisionFailedError;
    expect(irreversible.revision).to.equal(A);
    expect((irreversible.cause as { code?: string }).code).to.equal('IRREVERSIBLE');
    expect(irreversible.message).to.contain(`nothing of revision ${A} was downgraded (its down() is irreversible): it is still applied and recorded`);
    expect(irreversible.message).not.to.contain('rolled back');
    expect(await versionIds(url)).to.deep.equal([A]);
    expect(await advisoryLocks(url)).to.deep.equal([]);
  });

  it('reports a connection terminated mid-revision clearly; PostgreSQL rolled the revision back', async () => {
    const url = await dbs.fresh();
    const revs = new MemoryRevisions([
      defineRevision({ id: A, up: ['create table t_a (id int)'] }),
      defineRevision({ id: B, down: A, up: ['create table doomed (id int)', 'insert into t_a values (1)', 'select pg_sleep(30)'] }),
      defineRevision({ id: C, down: B, up: ['create table never (id int)'] }),
    ]);
    let terminated: Promise<unknown> | undefined;
    const runtime = runtimeFor(url, revs, {
      applicationName: 'doomed-runner',
      onRevisionStart: (id) => {
        if (id !== B) return;
        terminated = until('the revision to be sleeping', async () => {
          const rows = await sql<{ pid: number }>(
            url,
            "select pid from pg_stat_activity where datname = current_database() and application_name = 'doomed-runner' and state = 'active' and query like '%pg_sleep%'",
          );
          return rows[0]?.pid;
        }).then((pid) => sql(url, 'select pg_terminate_backend($1)', [pid]));
      },
    });
    const started = Date.now();
    const error = (await runtime.upgrade('head').catch((e: unknown) => e)) as RevisionFailedError;
    await terminated;
    expect(Date.now() - started).to.be.below(20_000);
    expect(error).to.be.instanceOf(RevisionFailedError);
    expect(error.revision).to.equal(B);
    expect(error.connectionLost).to.equal(true);
    expect(error.pgCode).to.equal('57P01');
    expect(error.statement).to.equal('select pg_sleep(30)');
    expect(error.completed).to.deep.equal([A]);
    expect(error.message).to.contain('terminating connection due to administrator command');
    expect(error.message).to.contain('connection to PostgreSQL was lost');
    expect(error.message).to.contain(`PostgreSQL rolled back revision ${B}'s open transaction; it is not recorded as applied`);

    expect(await tables(url)).to.deep.equal(['mikro_orm_alembic_version', 't_a']);
    expect(await sql(url, 'select count(*)::int as n from t_a')).to.deep.equal([{ n: 0 }]);
    expect(await versionIds(url)).to.deep.equal([A]);
    expect(await advisoryLocks(url)).to.deep.equal([]);
    expect(await sql(url, "select pid from pg_stat_activity where datname = current_database() and application_name = 'doomed-runner'")).to.deep.equal([]);

    // a later run (the revision fixed) applies it
    const fixed = new MemoryRevisions([
      defineRevision({ id: A, up: ['create table t_a (id int)'] }),
      defineRevision({ id: B, down: A, up: ['create table doomed (id int)'] }),
      defineRevision({ id: C, down: B, up: ['create table never (id int)'] }),
    ]);
    const retry = await runtimeFor(url, fixed).upgrade('head');
    expect(retry.ran.map((r) => r.id)).to.deep.equal([B, C]);
  });

  it('says the outcome is unknown when the connection is lost during the COMMIT itself', async () => {
    const url = await dbs.fresh();
    const revs = new MemoryRevisions([
      defineRevision({ id: A, up: ['create table t_a (id int)'] }),
      defineRevision({ id: B, down: A, up: ['create table t_b (id int)'] }),
    ]);
    await runtimeFor(url, revs).upgrade(A);
    // a deferred trigger on the version table ends the session at COMMIT time, after every statement succeeded
    await sql(
      url,
      `create function die_at_commit() returns trigger language plpgsql as $$
         begin perform pg_terminate_backend(pg_backend_pid()); perform pg_sleep(5); return null; end $$;
       create constraint trigger die_at_commit after insert on mikro_orm_alembic_version
         deferrable initially deferred for each row execute function die_at_commit()`,
    );
    const error = (await runtimeFor(url, revs).upgrade('head').catch((e: unknown) => e)) as RevisionFailedError;
    expect(error).to.be.instanceOf(RevisionFailedError);
    expect(error.revision).to.equal(B);
    expect(error.connectionLost).to.equal(true);
    expect(error.message).to.contain('may or may not have committed it');
    // here the session died inside the trigger (pg_sleep answers the signal), before the commit record:
    // neither the revision nor its row is there
    expect(await versionIds(url)).to.deep.equal([A]);
    expect(await tables(url)).to.deep.equal(['mikro_orm_alembic_version', 't_a']);
    expect(await advisoryLocks(url)).to.deep.equal([]);
  });
});
