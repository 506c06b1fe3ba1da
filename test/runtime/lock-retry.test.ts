import { expect } from 'chai';
import { DEFAULT_STATEMENT_LOCK_TIMEOUT_MS, MigrationRuntime, RevisionFailedError } from '../../src/runtime';
import { Revision } from '../../src/script/revision';
import { connect, defineRevision, MemoryRevisions, sql, useFreshDatabases, versionIds } from './support/helpers';

const A = 'ffffffff0001';
const B = 'ffffffff0002';

describe('runtime: lock_timeout on every statement, retried with backoff', function () {
  this.timeout(120_000);
  const dbs = useFreshDatabases();

  const revisions = () =>
    new MemoryRevisions([
      defineRevision({ id: A, up: ['create table widget (id int)', 'insert into widget values (1)'] }),
      defineRevision({ id: B, down: A, up: ['alter table widget add column name text'] }),
    ]);

  it('by default every statement runs under lock_timeout (2 s)', async () => {
    const url = await dbs.fresh();
    const revs = new MemoryRevisions([defineRevision({ id: A, up: ["create table seen as select current_setting('lock_timeout') as v"] })]);
    await new MigrationRuntime({ connection: url, graph: revs.graph, source: revs.source }).upgrade('head');
    expect(DEFAULT_STATEMENT_LOCK_TIMEOUT_MS).to.equal(2_000);
    expect(await sql(url, 'select v from seen')).to.deep.equal([{ v: '2s' }]);
  });

  it('behind a long transaction: every try times out, the revision is rolled back each time, and the error names the session in the way', async () => {
    const url = await dbs.fresh();
    const revs = revisions();
    await new MigrationRuntime({ connection: url, graph: revs.graph, source: revs.source }).upgrade(A);
    const longTx = await connect(url, 'quarterly-report');
    await longTx.query('begin');
    await longTx.query('select count(*) from widget');
    const warnings: string[] = [];
    try {
      const runtime = new MigrationRuntime({
        connection: url,
        graph: revs.graph,
        source: revs.source,
        statementLockTimeoutMs: 200,
        statementLockAttempts: 3,
        statementLockRetryDelayMs: 100,
        log: { warn: (m) => warnings.push(m) },
      });
      const err = await runtime.upgrade('head').catch((e: unknown) => e);
      expect(err).to.be.instanceOf(RevisionFailedError);
      const failed = err as RevisionFailedError;
      expect(failed.pgCode).to.equal('55P03');
      expect(failed.message).to.contain('(3 tries, with waits between them)');
      const holder = failed.lockHolders.find((h) => h.applicationName === 'quarterly-report');
      expect(holder, failed.message).to.not.equal(undefined);
      expect(holder!.pid).to.be.a('number');
      expect(holder!.locks).to.include('AccessShareLock on widget');
      expect(holder!.query).to.equal('select count(*) from widget');
      expect(holder!.transactionMs).to.be.a('number');
      expect(failed.message).to.contain(`pid ${holder!.pid}`).and.contain('application_name "quarterly-report"').and.contain('idle in transaction for');
      expect(warnings.filter((w) => w.includes('try '))).to.have.length(2);
      expect(warnings[0]).to.contain(`Revision ${B}`).and.contain('try 2 of 3');
      expect(await versionIds(url)).to.deep.equal([A]);
      expect((await sql<{ n: number }>(url, "select count(*)::int as n from information_schema.columns where table_name = 'widget' and column_name = 'name'"))[0].n).to.equal(0);
    } finally {
      await longTx.query('rollback');
      await longTx.end();
    }
  });

  it('a later try succeeds once the long transaction ends; writers never wait longer than lock_timeout', async () => {
    const url = await dbs.fresh();
    const revs = revisions();
    await new MigrationRuntime({ connection: url, graph: revs.graph, source: revs.source }).upgrade(A);
    const longTx = await connect(url, 'short-report');
    await longTx.query('begin');
    await longTx.query('select count(*) from widget');
    const warnings: string[] = [];
    const runtime = new MigrationRuntime({
      connection: url,
      graph: revs.graph,
      source: revs.source,
      statementLockTimeoutMs: 300,
      statementLockAttempts: 10,
      statementLockRetryDelayMs: 200,
      log: { warn: (m) => warnings.push(m) },
    });
    const upgrade = runtime.upgrade('head');
    // a writer meanwhile: it may queue behind a waiting ALTER, for one lock_timeout at most
    const writer = await connect(url, 'writer');
    let slowest = 0;
    for (let i = 0; i < 10; i++) {
      const t = Date.now();
      await writer.query('insert into widget (id) values ($1)', [i + 10]);
      slowest = Math.max(slowest, Date.now() - t);
      await new Promise((r) => setTimeout(r, 60));
    }
    await longTx.query('rollback');
    await longTx.end();
    await upgrade;
    await writer.end();
    expect(warnings.length).to.be.greaterThan(0);
    expect(slowest).to.be.below(3_000);
    expect(await versionIds(url)).to.deep.equal([A, B]);
  });

  it('a concurrent index build in outsideTransaction is not cancelled by lock_timeout while it waits for an older transaction', async () => {
    const url = await dbs.fresh();
    class Build extends Revision {
      override readonly revision = B;
      override readonly downRevision = A;
      override async up(): Promise<void> {
        await this.outsideTransaction(() => this.addSql('create index concurrently widget_id_idx on widget (id)'));
        this.addSql("create table after_build as select current_setting('lock_timeout') as v");
      }
    }
    const revs = new MemoryRevisions([defineRevision({ id: A, up: ['create table widget (id int)', 'insert into widget values (1)'] }), Build]);
    await new MigrationRuntime({ connection: url, graph: revs.graph, source: revs.source }).upgrade(A);
    const old = await connect(url, 'old-transaction');
    await old.query('begin');
    await old.query('insert into widget values (2)'); // a writer's open transaction: the build waits for it to end
    const runtime = new MigrationRuntime({ connection: url, graph: revs.graph, source: revs.source, statementLockTimeoutMs: 200, statementLockAttempts: 1 });
    const upgrade = runtime.upgrade('head');
    await new Promise((r) => setTimeout(r, 1_000)); // five lock_timeouts
    await old.query('commit');
    await old.end();
    await upgrade;
    expect(await sql(url, "select i.indisvalid as valid from pg_index i join pg_class c on c.oid = i.indexrelid where c.relname = 'widget_id_idx'")).to.deep.equal([{ valid: true }]);
    // the setting is back for the statements after the build
    expect(await sql(url, 'select v from after_build')).to.deep.equal([{ v: '200ms' }]);
  });
});
