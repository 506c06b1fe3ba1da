import { expect } from 'chai';
import { Adjacency, AdjacencyBuilder } from '../../src/graph/adjacency';
import { IdTable } from '../../src/graph/id-table';

/** A deterministic pseudo-random generator, so a failure is reproducible. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Random lists of indexes below `n` (repeats allowed in the input; the builder keeps each once). */
function randomLists(n: number, seed: number, maxLength: number): number[][] {
  const rnd = lcg(seed);
  return Array.from({ length: n }, () => Array.from({ length: Math.floor(rnd() * (maxLength + 1)) }, () => Math.floor(rnd() * n)));
}

function build(lists: readonly (readonly number[])[]): Adjacency {
  const builder = new AdjacencyBuilder(lists.length, 1);
  for (const list of lists) {
    for (const x of list) builder.add(x);
    builder.endList();
  }
  return builder.build();
}

const lists = (a: Adjacency) => Array.from({ length: a.size }, (_, i) => a.list(i));
const distinct = (xs: readonly number[]) => [...new Set(xs)];

describe('graph: Adjacency and IdTable (the flat layouts of GraphIndex)', () => {
  it('Adjacency keeps each list in order without repeats; reversed and union are what plain arrays give', () => {
    for (const seed of [1, 2, 3]) {
      const n = 300;
      const a = randomLists(n, seed, 4);
      const b = randomLists(n, seed + 100, 2);
      const adjA = build(a);
      const adjB = build(b);
      expect(lists(adjA)).to.deep.equal(a.map(distinct));
      for (let i = 0; i < n; i++) {
        expect(adjA.count(i)).to.equal(distinct(a[i]).length);
        for (const x of [0, 1, n - 1, ...a[i]]) expect(adjA.includes(i, x)).to.equal(a[i].includes(x));
      }

      // reversed: list j holds every i whose list holds j, in increasing i
      const reverse = (from: readonly (readonly number[])[]) => {
        const out: number[][] = Array.from({ length: n }, () => []);
        from.forEach((list, i) => {
          for (const j of distinct(list)) if (!out[j].includes(i)) out[j].push(i);
        });
        return out;
      };
      expect(lists(adjA.reversed())).to.deep.equal(reverse(a.map(distinct)));
      // with `also`: the edges of both, each pair once
      const both = a.map((list, i) => [...distinct(list), ...distinct(b[i]).filter((x) => !list.includes(x))]);
      expect(lists(adjA.reversed(adjB))).to.deep.equal(reverse(both));
      expect(lists(adjA.union(adjB))).to.deep.equal(both);
    }
  });

  it('AdjacencyBuilder: a reserved place is filled later, and build() refuses a list left open', () => {
    const builder = new AdjacencyBuilder(2, 1);
    builder.add(1);
    const place = builder.reserve();
    builder.endList();
    builder.add(0);
    builder.endList();
    builder.fill(place, 0);
    expect(lists(builder.build())).to.deep.equal([[1, 0], [0]]);
    const open = new AdjacencyBuilder(2, 1);
    open.endList();
    expect(() => open.build()).to.throw(/1 of 2 lists built/);
  });

  it('IdTable answers as a Map does, and reports the first index of a repeated id', () => {
    const rnd = lcg(7);
    const ids: string[] = [];
    const map = new Map<string, number>();
    const repeats: [number, number][] = [];
    for (let i = 0; i < 20_000; i++) {
      // short and long ids, many sharing prefixes, and about 1 % repeated
      const id = rnd() < 0.01 && ids.length > 0 ? ids[Math.floor(rnd() * ids.length)] : `${Math.floor(rnd() * 1e9).toString(36)}_${i % 7 === 0 ? 'x'.repeat(i % 40) : ''}`;
      ids.push(id);
    }
    const table = new IdTable(ids, ids.length);
    ids.forEach((id, i) => {
      const earlier = table.add(i);
      if (map.has(id)) repeats.push([earlier, map.get(id)!]);
      else {
        expect(earlier).to.equal(-1);
        map.set(id, i);
      }
    });
    expect(repeats.length).to.be.greaterThan(50);
    for (const [reported, first] of repeats) expect(reported).to.equal(first);
    for (const [id, i] of map) expect(table.get(id)).to.equal(i);
    for (const missing of ['', 'nope', `${ids[0]}!`, ids[1].slice(0, -1)]) expect(table.get(missing)).to.equal(map.get(missing));
    expect(table.has(ids[5])).to.equal(true);
  });
});
