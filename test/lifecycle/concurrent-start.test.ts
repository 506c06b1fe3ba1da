/**
 * Many instances of an app start at the same moment on a fresh database, each with
 * `await MikroORM.init(config)` and `upgradeOnInit`: real processes, released together from a barrier.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import { Client } from 'pg';
import { MigrationEnvironment } from '../../src/runtime';
import { useTestDatabase } from '../support/database';
import { REPO } from './support/build';
import { writeChain, type Chain } from './support/chain';
import { advisoryLockCount, expectConsistent, otherSessions, readChainState, resetDatabase, snapshot } from './support/chain-state';
import { startApp, until, useAppCleanup, type AppHandle } from './support/processes';

const INSTANCES = 16;
const LENGTH = 50;
/**
 * An advisory lock the last revision the bin runs takes in its transaction: the second test holds it
 * until an app reports waiting, so the bin still holds the migration lock then, however fast it runs.
 * Nobody holds it elsewhere, so it costs nothing.
 */
const GATE = 7_300_113;

/** Starts `n` apps, waits until all are loaded, then releases them together. */
async function startTogether(n: number, settings: Parameters<typeof startApp>[0]): Promise<AppHandle[]> {
  const apps = Array.from({ length: n }, (_, i) => startApp({ ...settings, init: i % 2 === 0 ? 'core' : 'postgresql', waitForGo: true }));
  await Promise.all(apps.map((a) => a.waitFor('loaded')));
  for (const app of apps) app.go();
  return apps;
}

/** What the apps did: which applied revisions (from their log lines), which waited. */
function summarise(apps: readonly AppHandle[]) {
  return apps.map((app) => {
    const lines = app.logLines();
    return {
      pid: app.pid,
      applied: lines.filter((l) => /\[migrator\] Applied [0-9a-f]{12} /.test(l)).length,
      waited: lines.filter((l) => l.includes('Waiting for the migration lock')),
      migratorLines: lines.filter((l) => l.includes('[migrator]')),
    };
  });
}

describe('lifecycle: instances starting together', function () {
  this.timeout(120_000);
  const db = useTestDatabase({ prefix: 'lc_together' });
  const reference = useTestDatabase({ prefix: 'lc_reference' });
  useAppCleanup();
  let chain: Chain;

  before(async () => {
    chain = writeChain(LENGTH, { [LENGTH / 2]: { before: [`select pg_advisory_xact_lock(${GATE})`] } });
    // the schema `upgrade head` produces alone, on a second database
    await new MigrationEnvironment({ path: chain.path, preferTs: false }).runtime(reference.url).upgrade('head');
  });
  after(() => chain?.cleanup());
  beforeEach(async () => resetDatabase(db.url));

  it(`${INSTANCES} processes call MikroORM.init with upgradeOnInit at once: each of the ${LENGTH} revisions runs once, every process starts at head`, async () => {
    const apps = await startTogether(INSTANCES, { url: db.url, path: chain.path, upgradeOnInit: true });
    const results = await Promise.all(apps.map((a) => a.waitFor('started').catch((e: Error) => e)));
    const exits = await Promise.all(apps.map((a) => a.exited));
    for (const [i, r] of results.entries()) {
      expect(r, `app ${apps[i].pid}: ${r instanceof Error ? r.message : ''}`).not.to.be.instanceOf(Error);
      expect((r as { thenable: boolean }).thenable, 'the ORM handed out is not a thenable').to.equal(false);
    }
    expect(exits.map((e) => e.code)).to.deep.equal(apps.map(() => 0));

    const state = await readChainState(db.url, chain);
    expectConsistent(state);
    expect(state.applied).to.have.length(LENGTH);
    expect(await snapshot(db.url)).to.deep.equal(await snapshot(reference.url));

    // one process applied all of them (logging each with its message and time); the others waited,
    // said once who held the lock, and found nothing to do
    const summary = summarise(apps);
    const appliers = summary.filter((s) => s.applied > 0);
    expect(appliers.map((s) => s.applied)).to.deep.equal([LENGTH]);
    expect(appliers[0].migratorLines.find((l) => l.includes('Applied'))).to.match(/Applied [0-9a-f]{12} table t_001 \(\d+ ms\) \[1\/50\]/);
    expect(appliers[0].migratorLines.at(-1)).to.match(/Database at head \([0-9a-f]{12}\): 50 revision\(s\) applied in /);
    const waiters = summary.filter((s) => s.waited.length > 0);
    expect(waiters.length, 'most instances had to wait').to.be.greaterThan(INSTANCES / 2);
    for (const w of waiters) {
      expect(w.waited).to.have.length(1);
      expect(w.waited[0]).to.match(/held by pid \d+ \(application_name "mikro-orm-alembic init pid \d+ on [^"]+"\)/);
      if (w.applied === 0) expect(w.migratorLines).to.deep.equal(w.waited);
    }
    expect(await advisoryLockCount(db.url)).to.equal(0);
    expect(await otherSessions(db.url)).to.deep.equal([]);

    // a later start with nothing to do logs nothing
    const later = startApp({ url: db.url, path: chain.path, upgradeOnInit: true });
    await later.waitFor('started');
    expect(later.logLines().filter((l) => l.includes('[migrator]'))).to.deep.equal([]);
  });

  it('the same while the bin (`mikro-orm-alembic upgrade`, under ts-node) upgrades: the apps wait for it, then one of them goes on', async () => {
    const middle = chain.ids[LENGTH / 2 - 1];
    const gate = new Client({ connectionString: db.url });
    await gate.connect();
    await gate.query('select pg_advisory_lock($1)', [GATE]);
    const bin = spawn(
      process.execPath,
      ['-r', require.resolve('ts-node/register/transpile-only'), join(REPO, 'src/cli/main.ts'), '--path', chain.path, '--url', db.url, 'upgrade', middle],
      // run outside the repository: no MikroORM config to find, only --path and --url
      { cwd: dirname(chain.path), env: { ...process.env, NO_COLOR: '1', TS_NODE_PROJECT: join(REPO, 'tsconfig.json') }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let binOutput = '';
    bin.stdout?.on('data', (c: Buffer) => (binOutput += c.toString()));
    bin.stderr?.on('data', (c: Buffer) => (binOutput += c.toString()));
    let binExited = false;
    const binExit = new Promise<number | null>((resolve) => bin.on('exit', (code) => ((binExited = true), resolve(code))));
    // the apps are released as soon as the bin runs its first revision: it holds the lock then
    const apps = Array.from({ length: INSTANCES }, () => startApp({ url: db.url, path: chain.path, upgradeOnInit: 'heads', waitForGo: true }));
    await Promise.all(apps.map((a) => a.waitFor('loaded')));
    try {
      await until('the bin to start upgrading', async () => (binExited || /Running upgrade/.test(binOutput) ? true : undefined), 60_000, 5);
    } catch (e) {
      bin.kill('SIGKILL');
      await gate.end();
      throw new Error(`${(e as Error).message}; the bin said: ${binOutput}`);
    }
    for (const app of apps) app.go();
    try {
      await until('an app to wait for the bin', async () => (apps.some((a) => a.logLines().some((l) => l.includes('Waiting for the migration lock'))) ? true : undefined), 60_000);
    } finally {
      await gate.end(); // the bin's last revision goes on
    }

    const results = await Promise.all(apps.map((a) => a.waitFor('started').catch((e: Error) => e)));
    for (const r of results) expect(r, r instanceof Error ? r.message : '').not.to.be.instanceOf(Error);
    expect(await binExit, binOutput).to.equal(0);
    await Promise.all(apps.map((a) => a.exited));

    const state = await readChainState(db.url, chain);
    expectConsistent(state);
    expect(state.applied).to.have.length(LENGTH);
    expect(await snapshot(db.url)).to.deep.equal(await snapshot(reference.url));
    const summary = summarise(apps);
    const appliedByApps = summary.reduce((sum, s) => sum + s.applied, 0);
    const appliedByBin = (binOutput.match(/Running upgrade/g) ?? []).length;
    if (process.env.LIFECYCLE_VERBOSE) process.stderr.write(`      the bin applied ${appliedByBin}, the apps ${appliedByApps}\n`);
    expect(appliedByBin, binOutput).to.equal(LENGTH / 2);
    expect(summary.filter((s) => s.applied > 0).map((s) => s.applied)).to.deep.equal([LENGTH / 2]);
    // the apps that found the bin holding the lock said so, naming it
    expect(summary.some((s) => s.waited.some((l) => /held by pid \d+ \(application_name "mikro-orm-alembic"\)/.test(l))), JSON.stringify(summary.map((s) => s.waited))).to.equal(true);
    expect(await advisoryLockCount(db.url)).to.equal(0);
  });
});
