/**
 * Squash of the example app's chain (a copy of migrations/ in a temporary folder): users and teams →
 * posts → the role of users, then two branches merged. The linear run before the branch point is
 * squashed; databases at every position of it, and past the merge, reach the same head schema.
 */
import { expect } from 'chai';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MigrationEnvironment } from '../../src/runtime/migration-environment';
import { SquashError } from '../../src/squash/errors';
import { squashRevisions } from '../../src/squash/squash-revisions';
import { MigrationTestKit } from '../../src/testing/migration-test-kit';
import { testServer } from '../support/database';
import { recorded, snapshot, squashDatabases } from './support';

const RUN = ['0c9657712dc1', 'd8e585eccfa8', '555d97e085ce'];
const MERGE = '359f47c94009';
const SQUASH = 'e0000000000a';

describe('squash: the example app\'s chain', () => {
  let dir: string;
  const databases = squashDatabases();
  const env = () => new MigrationEnvironment({ path: dir, preferTs: true });
  const newDatabase = databases.create;
  const squash = (range: string, revId = SQUASH) =>
    squashRevisions({ directory: dir, scripts: env().scripts, squashes: env().squashes, source: env().source, range, message: 'the first three revisions', revId });

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mo-alembic-squash-example-'));
    cpSync(resolve(__dirname, '../../migrations'), dir, { recursive: true });
    const src = resolve(__dirname, '../../src');
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      writeFileSync(path, readFileSync(path, 'utf8').replace("from '../src'", `from ${JSON.stringify(src)}`));
    }
  });

  after(async () => {
    await databases.dropAll();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a run across the merge, or across the branch point, naming the revisions', async () => {
    for (const [range, code, named] of [
      [`0c96:${MERGE}`, 'SQUASH_ACROSS_MERGE', MERGE],
      ['0c96:465a', 'SQUASH_ACROSS_BRANCH', '555d97e085ce'],
    ] as const) {
      let error: unknown;
      try {
        await squash(range);
      } catch (e) {
        error = e;
      }
      expect(error, range).to.be.instanceOf(SquashError);
      expect((error as SquashError).code).to.equal(code);
      expect((error as SquashError).message).to.include(named);
    }
    expect(readdirSync(dir)).to.have.length(6); // nothing written
  });

  it('squashes 0c96:555d into one revision that the test kit finds equivalent', async () => {
    const written = await squash('0c96:555d');
    expect(written.replaces).to.deep.equal(RUN);
    expect(written.downRevisions).to.deep.equal([]);
    const text = readFileSync(written.path, 'utf8');
    expect(text).to.include("create type \"user_role\" as enum ('super_user', 'admin', 'user')");
    const kit = await MigrationTestKit.open({ environment: env(), serverUrl: (await testServer()).url });
    expect((await kit.assertSquashEquivalent(SQUASH)).map((r) => r.squash)).to.deep.equal([SQUASH]);
  });

  it('databases at 0, 1, 2 and 3 of the run, past the merge, and new all reach the same head schema', async () => {
    const reference = await newDatabase();
    const fresh = await env().runtime(reference).upgrade('head');
    expect(fresh.ran.map((r) => r.id).slice(0, 1)).to.deep.equal([SQUASH]);
    expect(fresh.ran.map((r) => r.id)).to.not.include(RUN[0]);
    const head = await snapshot(reference);
    for (let position = 0; position <= RUN.length; position++) {
      const url = await newDatabase();
      if (position > 0) await env().runtime(url).upgrade(RUN[position - 1]);
      await env().runtime(url).upgrade('head');
      expect(await snapshot(url), `position ${position}`).to.deep.equal(head);
      expect(await recorded(url)).to.include(SQUASH).and.not.include(RUN[0]);
      expect((await env().runtime(url).current()).heads).to.deep.equal([MERGE]);
    }
    // back into the run and up again
    await env().runtime(reference).downgrade(RUN[1]);
    expect((await env().runtime(reference).current()).heads).to.deep.equal([RUN[1]]);
    await env().runtime(reference).upgrade('head');
    expect(await snapshot(reference)).to.deep.equal(head);
  });
});
