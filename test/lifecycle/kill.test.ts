/**
 * `kill -9` of an app while `MikroORM.init` upgrades its database, at many points of a 200-revision
 * upgrade. After each kill: PostgreSQL releases the migration lock, the schema is exactly that of the
 * revisions recorded as applied (per-revision transactions: a killed revision leaves nothing), and the
 * next start goes on from there.
 *
 * One database and one chain: each trial starts an app (spawned ahead of time, so its start-up does not
 * count), kills it after a random delay, checks, and the next trial continues from where the database
 * is. When a trial reaches head, the schema is compared with a reference database and the database is
 * emptied for the next round.
 */
import { expect } from 'chai';
import { MigrationEnvironment } from '../../src/runtime';
import { useTestDatabase } from '../support/database';
import { writeChain, type Chain } from './support/chain';
import { advisoryLockCount, expectConsistent, otherSessions, readChainState, resetDatabase, snapshot } from './support/chain-state';
import { startApp, until, useAppCleanup, type AppHandle } from './support/processes';

const LENGTH = 200;
const TRIALS = 32;

interface Trial {
  readonly before: number;
  readonly after: number;
  readonly delayMs: number;
  readonly completed: boolean;
  readonly lockReleasedMs: number;
}

describe('lifecycle: kill -9 during the upgrade on start-up', function () {
  this.timeout(120_000);
  const db = useTestDatabase({ prefix: 'lc_kill' });
  const reference = useTestDatabase({ prefix: 'lc_kill_ref' });
  useAppCleanup();
  let chain: Chain;

  before(async function () {
    this.timeout(60_000);
    chain = writeChain(LENGTH);
    await new MigrationEnvironment({ path: chain.path, preferTs: false }).runtime(reference.url).upgrade('head');
  });
  after(() => chain?.cleanup());

  const spawnApp = (): AppHandle => startApp({ url: db.url, path: chain.path, upgradeOnInit: true, waitForGo: true });

  it(`${TRIALS} kills at random points of a ${LENGTH}-revision upgrade: always consistent, lock released, the next start finishes`, async () => {
    const headSnapshot = await snapshot(reference.url);

    // measure how long the start-up takes before the first revision, and each revision
    await resetDatabase(db.url);
    const probe = spawnApp();
    await probe.waitFor('loaded');
    probe.go();
    await probe.waitFor('started');
    await probe.exited;
    const firstLine = probe.events.findIndex((e) => e.ev === 'log' && e.line.includes('Upgrading the database'));
    const lastLine = probe.events.findIndex((e) => e.ev === 'log' && e.line.includes('Database at head'));
    expect(firstLine).to.be.greaterThan(-1);
    const overheadMs = probe.arrivals[firstLine] - (probe.wentAt() as number);
    const perRevisionMs = (probe.arrivals[lastLine] - probe.arrivals[firstLine]) / LENGTH;
    expect(await snapshot(db.url)).to.deep.equal(headSnapshot);
    await resetDatabase(db.url);

    const trials: Trial[] = [];
    let next = spawnApp();
    for (let t = 0; t < TRIALS; t++) {
      const app = next;
      await app.waitFor('loaded');
      const before = (await readChainState(db.url, chain)).applied.length;
      app.go();
      next = spawnApp(); // the next trial's process loads meanwhile (it waits for its own `go`)
      // the kill point: sometimes during the start-up (connect, lock, reading the applied set), mostly
      // a random moment after revision `before + k` committed, k at most 40 (so a round to head takes
      // several trials and the points spread over the whole chain)
      let delayMs: number;
      if (Math.random() < 0.15) {
        delayMs = Math.random() * overheadMs;
        await new Promise((r) => setTimeout(r, delayMs));
      } else {
        const k = 1 + Math.floor(Math.random() * Math.min(40, LENGTH - before));
        await app
          .waitUntil(`revision ${before + k}`, (e) => e.ev === 'started' || (e.ev === 'log' && e.line.includes(`[${k}/`)), 30_000)
          .catch(() => undefined);
        delayMs = Math.random() * perRevisionMs * 1.5;
        await new Promise((r) => setTimeout(r, delayMs));
      }
      app.child.kill('SIGKILL');
      const exit = await app.exited;
      const completed = app.events.some((e) => e.ev === 'started');
      expect(exit.signal === 'SIGKILL' || (completed && exit.code === 0), `trial ${t}: ${JSON.stringify(exit)} ${app.stderr()}`).to.equal(true);

      // PostgreSQL notices the closed socket and ends the backend: the session lock goes with it
      const killedAt = Date.now();
      await until(`trial ${t}: the killed app's sessions to end`, async () =>
        (await advisoryLockCount(db.url)) === 0 && (await otherSessions(db.url)).length === 0 ? true : undefined,
      );
      const lockReleasedMs = Date.now() - killedAt;

      const state = await readChainState(db.url, chain);
      expectConsistent(state, `(trial ${t})`);
      expect(state.applied.length).to.be.at.least(before);
      trials.push({ before, after: state.applied.length, delayMs, completed, lockReleasedMs });

      if (state.applied.length === LENGTH) {
        expect(await snapshot(db.url), `trial ${t}: at head`).to.deep.equal(headSnapshot);
        await resetDatabase(db.url);
      }
    }

    // the last trial's state: the next start finishes the upgrade
    const last = next;
    await last.waitFor('loaded');
    const stateBefore = (await readChainState(db.url, chain)).applied.length;
    last.go();
    const started = await last.waitFor('started');
    expect(started.thenable).to.equal(false);
    await last.exited;
    const final = await readChainState(db.url, chain);
    expectConsistent(final);
    expect(final.applied).to.have.length(LENGTH);
    expect(await snapshot(db.url)).to.deep.equal(headSnapshot);
    const appliedByLast = last.logLines().filter((l) => /\[migrator\] Applied /.test(l)).length;
    expect(appliedByLast).to.equal(LENGTH - stateBefore);

    if (process.env.LIFECYCLE_VERBOSE) process.stderr.write(`      kill points: ${trials.map((t) => `${t.before}->${t.after}${t.completed ? " (done)" : ""}`).join(", ")}\n`);
    // the kills landed at many different points, most of them in the middle of the upgrade
    const points = new Set(trials.filter((t) => !t.completed).map((t) => t.after));
    const midUpgrade = trials.filter((t) => !t.completed && t.after > t.before && t.after < LENGTH);
    const report = trials.map((t) => `${t.before}->${t.after}${t.completed ? ' (done)' : ''}`).join(', ');
    expect(points.size, report).to.be.at.least(Math.floor(TRIALS * 0.6));
    expect(midUpgrade.length, report).to.be.at.least(Math.floor(TRIALS * 0.6));
    expect(trials.filter((t) => t.completed).length, report).to.be.below(TRIALS / 4);
    expect(Math.max(...trials.map((t) => t.lockReleasedMs)), 'lock release after the kill (ms)').to.be.below(5_000);
  });
});
