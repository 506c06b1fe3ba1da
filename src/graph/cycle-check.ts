import { RevisionGraphError } from './errors';

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
  down: readonly (readonly number[])[],
  next: readonly (readonly number[])[],
  deps: readonly (readonly number[])[] | undefined,
  allNext: readonly (readonly number[])[],
): void {
  const versioned = cyclicRevisions(down, next);
  if (versioned.length > 0) {
    const names = versioned.map((i) => ids[i]);
    throw new RevisionGraphError('CYCLE', `Cycle detected in the down revisions of ${names.join(', ')}`, names);
  }
  if (!deps) return;
  // Through down_revision and depends_on together: `allNext` is already the reverse of those edges.
  const both = (i: number): readonly number[] => (deps[i].length === 0 ? down[i] : [...down[i], ...deps[i].filter((x) => !down[i].includes(x))]);
  const withDeps = cyclicRevisions({ length: down.length, edgesOf: both }, allNext);
  if (withDeps.length > 0) {
    const names = withDeps.map((i) => ids[i]);
    throw new RevisionGraphError('DEPENDENCY_CYCLE', `Dependency cycle detected: ${names.join(', ')} (through depends_on)`, names);
  }
}

/** Edges given as arrays, or (to build none when the graph is acyclic) as a function of the node. */
type Edges = readonly (readonly number[])[] | { readonly length: number; edgesOf(i: number): readonly number[] };

/**
 * The nodes that lie on a cycle of `edges`, in index order: Kahn's algorithm over `reverse` removes
 * everything acyclic in O(n); Tarjan's algorithm then runs only on what is left (usually nothing).
 */
function cyclicRevisions(edges: Edges, reverse: readonly (readonly number[])[]): number[] {
  const n = edges.length;
  const edgesOf = Array.isArray(edges) ? (i: number) => (edges as readonly (readonly number[])[])[i] : (edges as { edgesOf(i: number): readonly number[] }).edgesOf;
  // out-degree = how many parents a node has; each child it is the reverse edge of counts once
  const outDegree = new Int32Array(n);
  for (let i = 0; i < n; i++) for (const j of reverse[i]) outDegree[j]++;
  const queue: number[] = [];
  for (let i = 0; i < n; i++) if (outDegree[i] === 0) queue.push(i);
  let removed = 0;
  const gone = new Uint8Array(n);
  while (queue.length > 0) {
    const i = queue.pop()!;
    gone[i] = 1;
    removed++;
    for (const j of reverse[i]) if (--outDegree[j] === 0) queue.push(j);
  }
  if (removed === n) return [];
  const forward = Array.from({ length: n }, (_, i) => edgesOf(i));
  return stronglyConnected(forward, gone).filter((c) => c.length > 1 || forward[c[0]].includes(c[0])).flat().sort((a, b) => a - b);
}

/** Tarjan's strongly connected components over the nodes not marked `gone`, iteratively. */
function stronglyConnected(edges: readonly (readonly number[])[], gone: Uint8Array): number[][] {
  const n = edges.length;
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
      const e = edges[v];
      if (k < e.length) {
        frame[1]++;
        const w = e[k];
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
