/**
 * Squash of a generated 1,000-revision run: databases at 0 (before the run), 1, 500 and 999 of it reach
 * the same head schema as a new database, which runs only the squashed revision; downgrade back into
 * the run; and after the originals are deleted, one past the run upgrades while one inside is refused.
 */
import { expect } from 'chai';
import { rmSync } from 'node:fs';
import { MigrationEnvironment } from '../../src/runtime/migration-environment';
import { squashRevisions } from '../../src/squash/squash-revisions';
import type { SchemaSnapshot } from '../../src/testing/schema-snapshot';
import { deleteRevisionFiles, recorded, snapshot, squashDatabases, writeChain, type GeneratedChain } from './support';

const SQUASH = 'f0000000a000';
const N = 1000;

describe('squash: a 1,000-revision run', function () {
  this.timeout(600_000);
  let chain: GeneratedChain;
  const databases = squashDatabases();
  const env = () => new MigrationEnvironment({ path: chain.dir, preferTs: true });
  const newDatabase = databases.create;
  let head: SchemaSnapshot;
  let fresh: string;
  const at = new Map<number, string>();

  before(async () => {
    chain = writeChain(N);
    const written = await squashRevisions({
      directory: chain.dir,
      scripts: env().scripts,
      squashes: env().squashes,
      source: env().source,
      range: `${chain.run[0]}:${chain.run[N - 1]}`,
      message: 'squash of 1,000 revisions',
      revId: SQUASH,
    });
    expect(written.statements).to.deep.equal({ up: N, down: N });
  });

  after(async () => {
    await databases.dropAll();
    rmSync(chain.dir, { recursive: true, force: true });
  });

  it('a new database runs only the squashed revision and records it', async () => {
    fresh = await newDatabase();
    const result = await env().runtime(fresh).upgrade('head');
    expect(result.ran.map((r) => r.id)).to.deep.equal([chain.pre, SQUASH, chain.post]);
    expect(await recorded(fresh)).to.deep.equal([chain.pre, chain.post, SQUASH].sort());
    head = await snapshot(fresh);
    expect(head.columns.length).to.be.greaterThan(N);
  });

  for (const position of [0, 1, 500, 999]) {
    it(`a database at ${position} of the run reaches the same head schema`, async () => {
      const url = await newDatabase();
      at.set(position, url);
      await env().runtime(url).upgrade(position === 0 ? chain.pre : chain.run[position - 1]);
      expect(await recorded(url)).to.have.length(position + 1);
      expect((await env().runtime(url).current()).heads).to.deep.equal([position === 0 ? chain.pre : chain.run[position - 1]]);
      const result = await env().runtime(url).upgrade('head');
      expect(result.ran).to.have.length(position === 0 ? 2 : N - position + 1);
      expect(await snapshot(url)).to.deep.equal(head);
      expect(await recorded(url)).to.deep.equal([chain.pre, chain.post, SQUASH].sort());
    });
  }

  it('downgrade from past the run to 500 of it gives the schema of a database upgraded to 500', async () => {
    const reference = await newDatabase();
    await env().runtime(reference).upgrade(chain.run[499]);
    const result = await env().runtime(fresh).downgrade(chain.run[499]);
    expect(result.ran).to.have.length(N - 500 + 1);
    expect(result.headsAfter).to.deep.equal([chain.run[499]]);
    expect(await snapshot(fresh)).to.deep.equal(await snapshot(reference));
    at.set(-500, reference); // stays inside the run
  });

  it('with the originals deleted, a database past the run upgrades and one inside it is refused', async () => {
    const early = await newDatabase();
    await env().runtime(early).upgrade(chain.pre);
    deleteRevisionFiles(chain.dir, chain.run);
    expect(env().graph.size).to.equal(3);
    await env().runtime(early).upgrade('head');
    expect(await snapshot(early)).to.deep.equal(head);
    await env().runtime(at.get(999)!).upgrade('head'); // past the run already: nothing to do
    let code: string | undefined;
    try {
      await env().runtime(at.get(-500)!).upgrade('head');
    } catch (e) {
      code = (e as { code?: string }).code;
      expect((e as Error).message).to.include(`it recorded 500 of its 1000 revisions (the last ${chain.run[499]})`);
    }
    expect(code).to.equal('SQUASH_ORIGINALS_DELETED');
  });
});
