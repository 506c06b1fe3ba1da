import { expect } from 'chai';
import { RevisionGraph } from '../../src/graph/revision-graph';
import { RevisionGraphError } from '../../src/graph/errors';
import { SquashCatalog } from '../../src/graph/squash-catalog';
import type { RevisionRecord } from '../../src/graph/types';

function rec(id: string, down: string[] = [], extra: Partial<RevisionRecord> = {}): RevisionRecord {
  return { id, downRevisions: down, branchLabels: [], dependsOn: [], ...extra };
}

/** a1 ← b2 ← c3 ← d4 ← e5, s9 replaces b2, c3. */
const CHAIN = [rec('a1'), rec('b2', ['a1']), rec('c3', ['b2']), rec('s9', ['a1'], { replaces: ['b2', 'c3'] }), rec('d4', ['c3']), rec('e5', ['d4'])];
/** The same, d4 written after the squash (on s9). */
const LATER = CHAIN.map((r) => (r.id === 'd4' ? rec('d4', ['s9']) : r));

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(RevisionGraphError);
    return (e as RevisionGraphError).code;
  }
  throw new Error('expected an error');
}

describe('graph/squash-catalog', () => {
  it('without replaces, the graph is exactly the records\' graph', () => {
    const records = [rec('a1'), rec('b2', ['a1']), rec('c3', ['a1'])];
    const catalog = new SquashCatalog(records);
    expect(catalog.hasSquashes).to.equal(false);
    expect(catalog.graph.ids).to.deep.equal(new RevisionGraph(records).ids);
    expect(catalog.graph.heads).to.deep.equal(['b2', 'c3']);
    expect(catalog.forRecorded(['a1'])).to.deep.include({ remove: [], add: [], applied: ['a1'] });
  });

  it('a new database (and a database before the run) sees the squashed revision', () => {
    const catalog = new SquashCatalog(CHAIN);
    expect(catalog.graph.ids).to.deep.equal(['a1', 's9', 'd4', 'e5']);
    expect(catalog.graph.get('d4').downRevisions).to.deep.equal(['s9']);
    expect(catalog.graph.planUpgrade([], 'heads').revisions).to.deep.equal(['a1', 's9', 'd4', 'e5']);
    const before = catalog.forRecorded(['a1']);
    expect(before.expanded).to.deep.equal([]);
    expect(before.graph.planUpgrade(before.graph.currentHeads(before.applied), 'heads').revisions).to.deep.equal(['s9', 'd4', 'e5']);
  });

  it('a database inside the run sees the originals; the squashed revision\'s children build on the last one', () => {
    const view = new SquashCatalog(LATER).forRecorded(['a1', 'b2']);
    expect(view.expanded).to.deep.equal(['s9']);
    expect(view.graph.has('s9')).to.equal(false);
    expect(view.graph.get('d4').downRevisions).to.deep.equal(['c3']);
    expect(view.graph.planUpgrade(view.graph.currentHeads(view.applied), 'heads').revisions).to.deep.equal(['c3', 'd4', 'e5']);
    expect(view).to.deep.include({ remove: [], add: [] });
  });

  it('a database that recorded every original records the squashed revision instead', () => {
    const view = new SquashCatalog(CHAIN).forRecorded(['a1', 'b2', 'c3', 'd4']);
    expect(view).to.deep.include({ expanded: [], remove: ['b2', 'c3'], add: ['s9'] });
    expect([...view.applied].sort()).to.deep.equal(['a1', 'd4', 's9']);
    expect(view.graph.currentHeads(view.applied)).to.deep.equal(['d4']);
  });

  it('expand shows the originals and writes a recorded squash as them', () => {
    const view = new SquashCatalog(CHAIN).forRecorded(['a1', 's9', 'd4'], { expand: true });
    expect(view).to.deep.include({ expanded: ['s9'], remove: ['s9'], add: ['b2', 'c3'] });
    expect(view.graph.planDowngrade(view.graph.currentHeads(view.applied), 'b2').revisions).to.deep.equal(['d4', 'c3']);
  });

  it('with the originals deleted, the squash is an ordinary revision and a database inside the run is refused', () => {
    const deleted = CHAIN.filter((r) => r.id !== 'b2' && r.id !== 'c3').map((r) => (r.id === 'd4' ? rec('d4', ['s9']) : r));
    const catalog = new SquashCatalog(deleted);
    expect(catalog.runs[0].originals).to.equal('deleted');
    expect(catalog.graph.ids).to.deep.equal(['a1', 's9', 'd4', 'e5']);
    expect(catalog.forRecorded(['a1', 'b2', 'c3'])).to.deep.include({ remove: ['b2', 'c3'], add: ['s9'] });
    expect(catalog.forRecorded(['a1', 's9'])).to.deep.include({ remove: [], add: [] });
    expect(code(() => catalog.forRecorded(['a1', 'b2']))).to.equal('SQUASH_ORIGINALS_DELETED');
    try {
      catalog.forRecorded(['a1', 'b2']);
    } catch (e) {
      expect((e as Error).message).to.match(/inside the run that squashed revision s9 replaces: it recorded 1 of its 2 revisions \(the last b2\)/);
      expect((e as Error).message).to.match(/Restore the original files of s9/);
    }
  });

  it('refuses runs that are not linear, branch, carry labels or depends_on, and half-deleted originals', () => {
    expect(code(() => new SquashCatalog([rec('a1'), rec('b2', ['a1']), rec('s9', [], { replaces: ['b2'] })]))).to.equal('SQUASH_INVALID');
    expect(code(() => new SquashCatalog([rec('a1'), rec('b2', ['a1']), rec('c3', ['a1']), rec('s9', [], { replaces: ['a1', 'b2'] })]))).to.equal('SQUASH_INVALID');
    expect(code(() => new SquashCatalog([rec('a1', [], { branchLabels: ['x'] }), rec('b2', ['a1']), rec('s9', [], { replaces: ['a1', 'b2'] })]))).to.equal('SQUASH_INVALID');
    expect(code(() => new SquashCatalog([rec('z0'), rec('a1'), rec('b2', ['a1'], { dependsOn: ['z0'] }), rec('s9', [], { replaces: ['a1', 'b2'] })]))).to.equal('SQUASH_INVALID');
    expect(code(() => new SquashCatalog([rec('a1'), rec('s9', [], { replaces: ['a1', 'b2'] })]))).to.equal('SQUASH_ORIGINALS_INCOMPLETE');
    expect(code(() => new SquashCatalog(CHAIN).forRecorded(['a1', 'b2', 's9']))).to.equal('SQUASH_RECORDED_CONFLICT');
  });
});
