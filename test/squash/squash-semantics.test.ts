/**
 * Squash on real PostgreSQL, on a generated chain small enough to try every case: databases before,
 * inside and past the run; a new database; current, history, stamp, downgrade, offline SQL; deleting
 * the originals. The 1,000-revision chain (test/squash/long-chain.test.ts) repeats the core of it at scale.
 */
import { expect } from 'chai';
import { readFileSync, rmSync } from 'node:fs';
import { MigrationEnvironment } from '../../src/runtime/migration-environment';
import { squashRevisions } from '../../src/squash/squash-revisions';
import { MigrationTestKit } from '../../src/testing/migration-test-kit';
import { testServer } from '../support/database';
import { deleteRevisionFiles, recorded, snapshot, squashDatabases, writeChain, type GeneratedChain } from './support';

const SQUASH = 'f00000000001';

describe('squash: semantics on a 30-revision run', () => {
  let chain: GeneratedChain;
  const databases = squashDatabases();
  const env = () => new MigrationEnvironment({ path: chain.dir, preferTs: true });
  const newDatabase = databases.create;
  let deployed: string; // upgraded to head before the squash existed

  before(async function () {
    this.timeout(120_000);
    chain = writeChain(30);
    deployed = await newDatabase();
    await env().runtime(deployed).upgrade('head');
    const written = await squashRevisions({
      directory: chain.dir,
      scripts: env().scripts,
      squashes: env().squashes,
      source: env().source,
      range: `${chain.run[0]}:${chain.run[chain.run.length - 1]}`,
      message: 'squash of steps 1 to 30',
      revId: SQUASH,
      createDate: new Date('2026-02-01T00:00:00Z'),
    });
    expect(written.replaces).to.deep.equal(chain.run);
    expect(written.downRevisions).to.deep.equal([chain.pre]);
  });

  after(async () => {
    await databases.dropAll();
    rmSync(chain.dir, { recursive: true, force: true });
  });

  it('writes one revision whose up() is the originals\' statements in order and whose down() undoes them in reverse', () => {
    const text = readFileSync(env().scripts.get(SQUASH)!.path, 'utf8');
    expect(text).to.include(`override readonly replaces = [\n    '${chain.run[0]}',`);
    const up = text.slice(text.indexOf('async up()'), text.indexOf('async down()'));
    const down = text.slice(text.indexOf('async down()'));
    expect(up.match(/this\.addSql/g)).to.have.length(30);
    expect(down.match(/this\.addSql/g)).to.have.length(30);
    expect(up.indexOf('create table "t1"')).to.be.lessThan(up.indexOf('add column "c11"'));
    expect(down.indexOf('drop column "c11"')).to.be.lessThan(down.indexOf('drop table "t1"'));
    expect(up).to.include(`add column "c2" text default 'v''2'`);
  });

  it('the graph of a new database holds the squashed revision instead of the run; history shows it', () => {
    const graph = env().graph;
    expect([...graph.ids].sort()).to.deep.equal([chain.pre, chain.post, SQUASH].sort());
    expect(graph.history()).to.deep.equal([chain.post, SQUASH, chain.pre]);
    expect(graph.heads).to.deep.equal([chain.post]);
  });

  it('a new database runs only the squashed revision, records it alone, and reaches the head schema', async () => {
    const url = await newDatabase();
    const result = await env().runtime(url).upgrade('head');
    expect(result.ran.map((r) => r.id)).to.deep.equal([chain.pre, SQUASH, chain.post]);
    expect(await recorded(url)).to.deep.equal([chain.pre, chain.post, SQUASH].sort());
    expect(await snapshot(url)).to.deep.equal(await snapshot(deployed));
    expect((await env().runtime(url).current()).heads).to.deep.equal([chain.post]);
  });

  for (const position of [0, 1, 15, 29]) {
    it(`a database at ${position} of the run upgrades to the same head schema (the rest of the originals, then the squash recorded)`, async () => {
      const url = await newDatabase();
      const runtime = env().runtime(url);
      const at = position === 0 ? chain.pre : chain.run[position - 1];
      await runtime.upgrade(at);
      expect(await recorded(url)).to.deep.equal([chain.pre, ...chain.run.slice(0, position)].sort());
      expect((await runtime.current()).heads).to.deep.equal([at]);
      const result = await runtime.upgrade('head');
      expect(result.ran.map((r) => r.id)).to.deep.equal(position === 0 ? [SQUASH, chain.post] : [...chain.run.slice(position), chain.post]);
      expect(result.headsAfter).to.deep.equal([chain.post]);
      expect(await recorded(url)).to.deep.equal([chain.pre, chain.post, SQUASH].sort());
      expect(await snapshot(url)).to.deep.equal(await snapshot(deployed));
    });
  }

  it('a database that ran every original before the squash existed records the squash at its next upgrade', async () => {
    expect((await env().runtime(deployed).current()).heads).to.deep.equal([chain.post]);
    expect(await recorded(deployed)).to.include(chain.run[0]); // read-only commands change nothing
    const result = await env().runtime(deployed).upgrade('head');
    expect(result.ran).to.deep.equal([]);
    expect(await recorded(deployed)).to.deep.equal([chain.pre, chain.post, SQUASH].sort());
  });

  it('downgrade from past the run into it runs the originals\' downs; stamp into the middle records the originals', async () => {
    const url = await newDatabase();
    const runtime = env().runtime(url);
    await runtime.upgrade('head');
    const result = await runtime.downgrade(chain.run[14]);
    expect(result.ran.map((r) => r.id)).to.deep.equal([chain.post, ...chain.run.slice(15).reverse()]);
    expect(result.headsAfter).to.deep.equal([chain.run[14]]);
    expect(await recorded(url)).to.deep.equal([chain.pre, ...chain.run.slice(0, 15)].sort());
    const reference = await newDatabase();
    await env().runtime(reference).upgrade(chain.run[14]);
    expect(await snapshot(url)).to.deep.equal(await snapshot(reference));
    // -1 inside the run steps one original; base undoes everything
    expect((await runtime.downgrade('-1')).ran.map((r) => r.id)).to.deep.equal([chain.run[14]]);
    await runtime.downgrade('base');
    expect(await recorded(url)).to.deep.equal([]);

    await runtime.stamp(chain.run[9]);
    expect(await recorded(url)).to.deep.equal([chain.pre, ...chain.run.slice(0, 10)].sort());
    expect((await runtime.current()).heads).to.deep.equal([chain.run[9]]);
    await runtime.stamp('head');
    expect((await runtime.current()).heads).to.deep.equal([chain.post]);
    await runtime.stamp('base');
    await runtime.upgrade('head');
    // from head, -1 undoes post and -2 the whole squash
    expect((await runtime.downgrade('-2')).ran.map((r) => r.id)).to.deep.equal([chain.post, SQUASH]);
    expect(await recorded(url)).to.deep.equal([chain.pre]);
  });

  it('offline SQL runs the squash from base and the originals from inside the run', async () => {
    const runtime = env().runtime('postgres://unused');
    const fromBase = await runtime.offlineSql({ direction: 'up', target: 'head' });
    expect(fromBase).to.include(`Running upgrade ${SQUASH}`);
    expect(fromBase).not.to.include(`Running upgrade ${chain.run[0]}`);
    const fromInside = await runtime.offlineSql({ direction: 'up', from: chain.run[19], target: 'head' });
    expect(fromInside).to.include(`Running upgrade ${chain.run[20]}`);
    expect(fromInside).not.to.include(`Running upgrade ${SQUASH}`);
  });

  it('the test kit finds the squash equivalent to its run', async () => {
    const kit = await MigrationTestKit.open({ environment: env(), serverUrl: (await testServer()).url });
    const [result] = await kit.assertSquashEquivalent();
    expect(result).to.deep.include({ squash: SQUASH, replaces: chain.run });
    expect(result.snapshotLines).to.be.greaterThan(30);
  });

  describe('after the originals are deleted', () => {
    let early: string;
    let inside: string;
    let done: string;
    let allOriginals: string;
    before(async () => {
      early = await newDatabase();
      await env().runtime(early).upgrade(chain.pre);
      inside = await newDatabase();
      await env().runtime(inside).upgrade(chain.run[4]);
      done = await newDatabase();
      await env().runtime(done).upgrade(SQUASH);
      allOriginals = await newDatabase();
      await env().runtime(allOriginals).upgrade(chain.run[29]); // runs the originals, then records the squash
      expect(await recorded(allOriginals)).to.deep.equal([chain.pre, SQUASH].sort());
      await env().runtime(allOriginals).stamp(chain.run[29]); // written as the originals again (what an older database has)
      expect(await recorded(allOriginals)).to.have.length(31);
      deleteRevisionFiles(chain.dir, chain.run);
    });

    it('a database before the run, at its end or past it upgrades to head', async () => {
      expect(env().squashes.runs[0].originals).to.equal('deleted');
      for (const url of [early, done]) {
        await env().runtime(url).upgrade('head');
        expect(await snapshot(url)).to.deep.equal(await snapshot(deployed));
        expect(await recorded(url)).to.deep.equal([chain.pre, chain.post, SQUASH].sort());
      }
      await env().runtime(allOriginals).upgrade('head');
      expect(await recorded(allOriginals)).to.deep.equal([chain.pre, chain.post, SQUASH].sort());
    });

    it('a database inside the run is refused with a clear message, and nothing changes', async () => {
      const rows = await recorded(inside);
      let error: (Error & { code?: string }) | undefined;
      try {
        await env().runtime(inside).upgrade('head');
      } catch (e) {
        error = e as Error & { code?: string };
      }
      expect(error?.code).to.equal('SQUASH_ORIGINALS_DELETED');
      expect(error?.message).to.include(`inside the run that squashed revision ${SQUASH} replaces: it recorded 5 of its 30 revisions (the last ${chain.run[4]})`);
      expect(await recorded(inside)).to.deep.equal(rows);
    });
  });
});
