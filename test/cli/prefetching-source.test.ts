/**
 * The bin's prefetching revision source: the next revision is loaded on the next turn of the event loop.
 */
import { expect } from 'chai';
import { prefetchingSource } from '../../src/cli/prefetching-source';
import type { RevisionSource } from '../../src/runtime/revision-source';
import type { Revision } from '../../src/script/revision';

function counting(failing: Set<string> = new Set()) {
  const loads: string[] = [];
  const sums: string[] = [];
  const source: RevisionSource = {
    scripts: ['a', 'b', 'c'].map((id) => ({ id, path: null, transactional: true, message: '' })),
    load: async (id) => {
      loads.push(id);
      if (failing.has(id)) throw new Error(`cannot load ${id}`);
      return { id } as unknown as Revision;
    },
    checksum: (id) => {
      sums.push(id);
      return `sum-${id}`;
    },
  };
  return { source, loads, sums };
}

const tick = () => new Promise((done) => setImmediate(done));
const chain: Record<string, string> = { a: 'b', b: 'c' };

describe('cli: prefetching revision source', () => {
  it('loads the next revision ahead, once, and hands its instance and checksum out once', async () => {
    const { source, loads, sums } = counting();
    const prefetching = prefetchingSource(source, (id) => chain[id]);
    const a = await prefetching.load('a');
    expect(a).to.deep.equal({ id: 'a' });
    await tick();
    expect(loads).to.deep.equal(['a', 'b']);
    expect(prefetching.checksum('b')).to.equal('sum-b');
    expect(sums).to.deep.equal(['b']);
    await prefetching.load('b');
    await tick();
    expect(loads).to.deep.equal(['a', 'b', 'c']); // b came from the prefetch
    expect(prefetching.checksum('b')).to.equal('sum-b');
    expect(sums).to.deep.equal(['b', 'c', 'b']); // the cached one was used once
    await prefetching.load('b'); // a second run of b loads it afresh
    expect(loads).to.deep.equal(['a', 'b', 'c', 'b']);
  });

  it('reports a prefetched load failure when the revision is loaded for real', async () => {
    const { source } = counting(new Set(['b']));
    const prefetching = prefetchingSource(source, (id) => chain[id]);
    await prefetching.load('a');
    await tick();
    let error: unknown;
    try {
      await prefetching.load('b');
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).to.equal('cannot load b');
  });
});
