import { RevisionGraphError } from './errors';
import type { Adjacency } from './adjacency';

/**
 * Refuses a graph with a cycle: first through `down_revision` alone (`CYCLE`), then through
 * `down_revision` and `depends_on` together (`DEPENDENCY_CYCLE`). Unlike Alembic, which only
 * notices revisions that are unreachable from a head or a base, this finds every cycle, however
 * long, and names exactly the revisions on it.
 *
 * @internal
 */
export function validateAcyclic(
  ids: readonly string[],
  down: Adjacency,
  next: Adjacency,
  deps: Adjacency | undefined,
  allNext: Adjacency,
): void {
  const versioned = cyclicRevisions(down, next);
  if (versioned.length > 0) {
    const names = versioned.map((i) => ids[i]);
    throw new RevisionGraphError('CYCLE', `Cycle detected in the down revisions of ${names.join(', ')}`, names);
  }
  if (!deps) return;
  // Through down_revision and depends_on together: `allNext` is already the reverse of those edges,
  // and the forward edges are only built when a cycle is left to name
  const withDeps = cyclicRevisions(() => down.union(deps), allNext);
  if (withDeps.length > 0) {
    const names = withDeps.map((i) => ids[i]);
    throw new RevisionGraphError('DEPENDENCY_CYCLE', `Dependency cycle detected: ${names.join(', ')} (through depends_on)`, names);
  }
}

/**
 * The nodes that lie on a cycle of `edges`, in index order: Kahn's algorithm over `reverse` removes
 * everything acyclic in O(n); Tarjan's algorithm then runs only on what is left (usually nothing),
 * over the forward edges, which are asked for only then.
 */
function cyclicRevisions(edges: Adjacency | (() => Adjacency), reverse: Adjacency): number[] {
  const n = reverse.size;
  const { offsets, items } = reverse;
  // out-degree = how many parents a node has; each child it is the reverse edge of counts once
  const outDegree = new Int32Array(n);
  for (let k = 0; k < items.length; k++) outDegree[items[k]]++;
  const queue = new Int32Array(n);
  let queued = 0;
  for (let i = 0; i < n; i++) if (outDegree[i] === 0) queue[queued++] = i;
  let removed = 0;
  const gone = new Uint8Array(n);
  while (queued > 0) {
    const i = queue[--queued];
    gone[i] = 1;
    removed++;
    for (let k = offsets[i], end = offsets[i + 1]; k < end; k++) if (--outDegree[items[k]] === 0) queue[queued++] = items[k];
  }
  if (removed === n) return [];
  const forward = typeof edges === 'function' ? edges() : edges;
  return stronglyConnected(forward, gone).filter((c) => c.length > 1 || forward.includes(c[0], c[0])).flat().sort((a, b) => a - b);
}

/** Tarjan's strongly connected components over the nodes not marked `gone`, iteratively. */
function stronglyConnected(edges: Adjacency, gone: Uint8Array): number[][] {
  const n = edges.size;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const components: number[][] = [];
  let counter = 0;
  for (let root = 0; root < n; root++) {
    if (gone[root] || index[root] !== -1) continue;
    const work: [number, number][] = [[root, 0]];
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const [v, k] = frame;
      if (k < edges.count(v)) {
        frame[1]++;
        const w = edges.at(v, k);
        if (gone[w]) continue;
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          work.push([w, 0]);
        } else if (onStack[w]) {
          low[v] = Math.min(low[v], index[w]);
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1][0];
        low[parent] = Math.min(low[parent], low[v]);
      }
      if (low[v] === index[v]) {
        const component: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          component.push(w);
        } while (w !== v);
        components.push(component);
      }
    }
  }
  return components;
}
