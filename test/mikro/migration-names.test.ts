import { expect } from 'chai';
import { RevisionGraph } from '../../src/graph/revision-graph';
import { MigrationNames, type NamedScript } from '../../src/mikro/migration-names';

describe('MigrationNames: the first lookups scan, later ones use the map, with the same answers', () => {
  // names that collide on purpose: a stem equal to another revision's id, a file called head.ts,
  // a display name equal to another's file name, a script whose id the graph does not have
  const scripts: NamedScript[] = [
    { id: 'aaaaaaaaaaaa', fileName: 'aaaaaaaaaaaa_first.ts', message: 'first\nsecond line' },
    { id: 'bbbbbbbbbbbb', fileName: 'aaaaaaaaaaaa.js', message: '' },
    { id: 'cccccccccccc', fileName: 'head.ts', message: 'x' },
    { id: 'dddddddddddd', fileName: 'dddddddddddd_d.mts' },
    { id: 'eeeeeeeeeeee', fileName: 'eeeeeeeeeeee x.ts', message: 'x.ts' },
    { id: 'ffffffffffff', fileName: 'ffffffffffff_f.ts', message: 'f' },
    { id: '999999999999', fileName: '999999999999_not_in_graph.ts' },
  ];
  const graph = new RevisionGraph(
    ['aaaaaaaaaaaa', 'bbbbbbbbbbbb', 'cccccccccccc', 'dddddddddddd', 'eeeeeeeeeeee', 'ffffffffffff', '123412341234'].map((id, i, all) => ({
      id,
      downRevisions: i === 0 ? [] : [all[i - 1]],
      branchLabels: [],
      dependsOn: [],
    })),
  );
  const queries = [
    'aaaaaaaaaaaa', 'aaaaaaaaaaaa_first', 'aaaaaaaaaaaa_first.ts', 'aaaaaaaaaaaa first', 'aaaaaaaaaaaa.js', ' bbbbbbbbbbbb ',
    'head', 'head.ts', 'cccccccccccc x', 'dddddddddddd_d', 'dddddddddddd_d.mts', 'eeeeeeeeeeee x', 'eeeeeeeeeeee x.ts',
    'ffffffffffff f', '123412341234', '999999999999', '999999999999_not_in_graph', 'aaaa', 'heads', '',
  ];

  it('answers every query alike', () => {
    const viaMap = new MigrationNames(graph, scripts);
    viaMap.find('warm');
    viaMap.find('up');
    const fromMap = queries.map((q) => viaMap.find(q)); // third lookup on: the map
    const fromScan = queries.map((q) => new MigrationNames(graph, scripts).find(q)); // each a first lookup
    expect(fromScan).to.deep.equal(fromMap);
    // and the answers are the documented ones
    expect(fromMap.slice(0, 8)).to.deep.equal(['aaaaaaaaaaaa', 'aaaaaaaaaaaa', 'aaaaaaaaaaaa', 'aaaaaaaaaaaa', 'bbbbbbbbbbbb', 'bbbbbbbbbbbb', 'cccccccccccc', 'cccccccccccc']);
    expect(fromMap.slice(11)).to.deep.equal(['eeeeeeeeeeee', 'eeeeeeeeeeee', 'ffffffffffff', '123412341234', undefined, undefined, undefined, undefined, undefined]);
    expect(new MigrationNames(graph, scripts).target('head.ts+1')).to.equal('cccccccccccc+1');
  });
});
