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
): void {
  const versioned = cyclicRevisions(down, next);
  if (versioned.length > 0) {
    const names = versioned.map((i) => ids[i]);
    throw new RevisionGraphError('CYCLE', `Cycle detected in the down revisions of ${names.join(', ')}`, names);
  }
  if (!deps) return;
  const all = down.map((d, i) => (deps[i].length === 0 ? d : [...d, ...deps[i]]));
  const withDeps = cyclicRevisions(all);
  if (withDeps.length > 0) {
    const names = withDeps.map((i) => ids[i]);
    throw new RevisionGraphError('DEPENDENCY_CYCLE', `Dependency cycle detected: ${names.join(', ')} (through depends_on)`, names);
  }
}

/**
 * The nodes that lie on a cycle of `edges`, in index order: Kahn's algorithm removes everything
 * acyclic in O(n); Tarjan's algorithm then runs only on what is left (usually nothing).
 */
function cyclicRevisions(edges: readonly (readonly number[])[], knownReverse?: readonly (readonly number[])[]): number[] {
  const n = edges.length;
  const outDegree = new Int32Array(n);
  for (let i = 0; i < n; i++) outDegree[i] = edges[i].length;
  let reverse = knownReverse;
  if (!reverse) {
    const built: number[][] = Array.from({ length: n }, () => []);
    for (let i = 0; i < n; i++) for (const j of edges[i]) built[j].push(i);
    reverse = built;
  }
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
  return stronglyConnected(edges, gone).filter((c) => c.length > 1 || edges[c[0]].includes(c[0])).flat().sort((a, b) => a - b);
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
