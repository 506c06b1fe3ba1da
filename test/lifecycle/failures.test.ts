/**
 * What an app starting with `upgradeOnInit` does when the upgrade fails: a revision that fails, a
 * connection terminated mid-revision, a table lock held by a long transaction, the migration lock held
 * by someone else. Real processes: the app's `MikroORM.init` must reject (the app must not start on a
 * half-migrated schema), the revisions before the failure stay applied, and the next start goes on.
 */
import { expect } from 'chai';
import { Client } from 'pg';
import { MigrationEnvironment, VersionTable } from '../../src/runtime';
import { useTestDatabase } from '../support/database';
import { rewriteStep, writeChain, type Chain } from './support/chain';
import { advisoryLockCount, expectConsistent, otherSessions, readChainState, resetDatabase } from './support/chain-state';
import { query, startApp, until, useAppCleanup, type AppHandle } from './support/processes';

type Failed = { ev: 'failed'; ms: number; error: { name: string; code: string | null; message: string; revision: string | null; statement: string | null } };

async function failure(app: AppHandle): Promise<Failed['error'] & { ms: number }> {
  const failed = (await app.waitFor('failed')) as Failed;
  expect((await app.exited).code, 'the app exits with an error').to.equal(1);
  return { ...failed.error, ms: failed.ms };
}

async function holdingClient(url: string, applicationName: string): Promise<Client> {
  const client = new Client({ connectionString: url, application_name: applicationName });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

describe('lifecycle: failures during the upgrade on start-up', function () {
  this.timeout(60_000);
  const db = useTestDatabase({ prefix: 'lc_fail' });
  useAppCleanup();
  let chain: Chain | undefined;

  beforeEach(async () => resetDatabase(db.url));
  afterEach(() => {
    chain?.cleanup();
    chain = undefined;
  });

  const upgradeTo = async (c: Chain, n: number) => {
    await new MigrationEnvironment({ path: c.path, preferTs: false }).runtime(db.url).upgrade(c.ids[n - 1]);
  };

  it('a revision that fails: init throws naming the revision and the statement; earlier revisions stay; the next start retries from there', async () => {
    chain = writeChain(10, { 6: { after: ['select * from "no_such_table"'] } });
    const app = startApp({ url: db.url, path: chain.path, upgradeOnInit: true });
    const error = await failure(app);
    expect(error.name).to.equal('RevisionFailedError');
    expect(error.code).to.equal('REVISION_FAILED');
    expect(error.revision).to.equal(chain.ids[5]);
    expect(error.statement).to.equal('select * from "no_such_table"');
    expect(error.message)
      .to.contain(`Revision ${chain.ids[5]}`)
      .and.contain('relation "no_such_table" does not exist')
      .and.contain('statement: select * from "no_such_table"')
      .and.match(/the 5 revision\(s\) before it in this run \([0-9a-f, ]+\) stay applied/);
    expect(app.logLines().filter((l) => l.includes('] Applied '))).to.have.length(5);
    expect(app.events.some((e) => e.ev === 'started')).to.equal(false);

    const state = await readChainState(db.url, chain);
    expectConsistent(state);
    expect(state.applied).to.deep.equal([1, 2, 3, 4, 5]);
    expect(await otherSessions(db.url), 'the failed app left no session behind').to.deep.equal([]);

    rewriteStep(chain, 6, {}); // the fix is deployed
    const next = startApp({ url: db.url, path: chain.path, upgradeOnInit: true });
    await next.waitFor('started');
    expect(next.logLines().filter((l) => l.includes('] Applied '))).to.have.length(5);
    expect((await readChainState(db.url, chain)).applied).to.have.length(10);
  });

  it('the connection terminated mid-revision (pg_terminate_backend): init throws, the revision left nothing, the next start finishes', async () => {
    chain = writeChain(6, { 4: { before: ['select pg_sleep(1)'] } });
    const app = startApp({ url: db.url, path: chain.path, upgradeOnInit: true });
    const pid = await until(
      'revision 4 to sleep',
      async () => {
        const rows = await query<{ pid: number }>(
          db.url,
          "select pid from pg_stat_activity where datname = current_database() and application_name like 'mikro-orm-alembic init%' and state = 'active' and query like '%pg_sleep%'",
        );
        return rows[0]?.pid;
      },
      20_000,
      10,
    );
    await query(db.url, 'select pg_terminate_backend($1)', [pid]);
    const error = await failure(app);
    expect(error.name).to.equal('RevisionFailedError');
    expect(error.revision).to.equal(chain.ids[3]);
    expect(error.statement).to.equal('select pg_sleep(1)');
    expect(error.message).to.contain('the connection to PostgreSQL was lost').and.contain('PostgreSQL rolled back');

    const state = await readChainState(db.url, chain);
    expectConsistent(state);
    expect(state.applied).to.deep.equal([1, 2, 3]);
    await until('no leftover session', async () => ((await otherSessions(db.url)).length === 0 ? true : undefined));
    expect(await advisoryLockCount(db.url)).to.equal(0);

    const next = startApp({ url: db.url, path: chain.path, upgradeOnInit: true });
    await next.waitFor('started');
    expect((await readChainState(db.url, chain)).applied).to.have.length(6);
  });

  it('a long transaction holding a table a revision alters: the revision gives up after lock_timeout, naming the transaction; traffic is not blocked behind it', async () => {
    chain = writeChain(3, { 3: { after: ['alter table "t_001" add column "extra" int'] } });
    await upgradeTo(chain, 2);
    const report = await holdingClient(db.url, 'nightly-report');
    try {
      await report.query('begin');
      await report.query('select count(*) from "t_001"');
      const app = startApp({ url: db.url, path: chain.path, upgradeOnInit: true, statementLockTimeoutMs: 400 });
      // while the ALTER waits, readers of the table queue behind it — for lock_timeout at most
      await until('the ALTER to wait', async () => {
        const rows = await query(db.url, "select 1 from pg_stat_activity where datname = current_database() and application_name like 'mikro-orm-alembic init%' and wait_event_type = 'Lock'");
        return rows.length > 0 ? true : undefined;
      }, 20_000, 10);
      const reading = Date.now();
      await query(db.url, 'select count(*) from "t_001"');
      expect(Date.now() - reading, 'a reader waited at most about lock_timeout').to.be.below(2_000);

      const error = await failure(app);
      expect(error.name).to.equal('RevisionFailedError');
      expect(error.revision).to.equal(chain.ids[2]);
      expect(error.statement).to.equal('alter table "t_001" add column "extra" int');
      expect(error.message)
        .to.contain('canceling statement due to lock timeout')
        .and.contain('lock_timeout (400ms)')
        .and.match(/pid \d+ \(application_name "nightly-report", idle in transaction for [\d.]+ s, last statement: select count\(\*\) from "t_001"\) holds AccessShareLock on t_001/);
      expect((await readChainState(db.url, chain)).applied).to.deep.equal([1, 2]);
    } finally {
      await report.query('rollback').catch(() => undefined);
      await report.end();
    }
    const next = startApp({ url: db.url, path: chain.path, upgradeOnInit: true, statementLockTimeoutMs: 400 });
    await next.waitFor('started');
    expect((await readChainState(db.url, chain)).applied).to.deep.equal([1, 2, 3]);
  });

  it('the migration lock held elsewhere: the app says once who holds it, then fails after lockTimeoutMs naming the holder; once released, it starts', async () => {
    chain = writeChain(2);
    const deploy = await holdingClient(db.url, 'deploy-job 42');
    try {
      const [{ pid }] = (await deploy.query('select pg_backend_pid() as pid, pg_advisory_lock($1::bigint)', [new VersionTable().lockKey.toString()])).rows;
      const app = startApp({ url: db.url, path: chain.path, upgradeOnInit: true, lockTimeoutMs: 500 });
      const error = await failure(app);
      expect(error.name).to.equal('LockTimeoutError');
      expect(error.code).to.equal('LOCK_TIMEOUT');
      expect(error.message).to.contain(`held by pid ${pid} (application_name "deploy-job 42")`);
      expect(error.ms).to.be.within(400, 5_000);
      const waited = app.logLines().filter((l) => l.includes('Waiting for the migration lock'));
      expect(waited).to.deep.equal([
        `[migrator] Waiting for the migration lock on public.mikro_orm_alembic_version, held by pid ${pid} (application_name "deploy-job 42") (for at most 500 ms)`,
      ]);

      // released while the next one waits: it starts at once when the lock is free
      const patient = startApp({ url: db.url, path: chain.path, upgradeOnInit: true, lockTimeoutMs: 30_000 });
      await patient.waitUntil('the wait line', (e) => e.ev === 'log' && e.line.includes('Waiting for the migration lock'), 20_000);
      await deploy.query('select pg_advisory_unlock($1::bigint)', [new VersionTable().lockKey.toString()]);
      await patient.waitFor('started');
      expect((await readChainState(db.url, chain)).applied).to.deep.equal([1, 2]);
    } finally {
      await deploy.end();
    }
  });
});
