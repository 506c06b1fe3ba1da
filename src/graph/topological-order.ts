import type { GraphIndex } from './graph-index';

/**
 * Orders `todo` so that every parent (down revision or dependency) comes before its children.
 *
 * A depth-first walk from `starts` (the targets of an upgrade, or the current heads of a
 * downgrade): the last start and the last parent are walked first, so one branch is finished
 * before the next begins, with ties broken by file load order — the order Alembic prefers, in
 * linear time instead of Alembic's quadratic walk. Only revisions in `todo` are visited; the
 * planners guarantee that everything in `todo` is reachable from `starts` through `todo`, and any
 * stragglers are appended in load order all the same. With `throughAll`, the walk also passes
 * through revisions outside `todo` (emitting only those in it), for sets that are not closed under
 * the path between two of their members (history ranges).
 *
 * @internal
 */
export function parentsFirst(g: GraphIndex, todo: ArrayLike<number>, starts: ArrayLike<number>, throughAll = false): Int32Array {
  const inTodo = new Uint8Array(g.size);
  let distinct = 0;
  for (let k = 0; k < todo.length; k++) {
    if (inTodo[todo[k]] === 0) distinct++;
    inTodo[todo[k]] = 1;
  }
  const state = new Uint8Array(g.size); // 0 new, 1 on stack, 2 emitted
  // only revisions of `todo` are emitted, each once
  const out = new Int32Array(distinct);
  let emitted = 0;
  // each revision is on the stack at most once: a node and the index of the next parent to look at
  const stackNode = new Int32Array(g.size);
  const stackEdge = new Int32Array(g.size);
  const { offsets, items } = g.parents;
  let depth = 0;
  const visit = (root: number): void => {
    if ((!throughAll && !inTodo[root]) || state[root] !== 0) return;
    stackNode[depth] = root;
    stackEdge[depth++] = offsets[root + 1] - 1;
    state[root] = 1;
    while (depth > 0) {
      const top = depth - 1;
      const node = stackNode[top];
      const k = stackEdge[top];
      // the last parent is walked first
      if (k >= offsets[node]) {
        stackEdge[top] = k - 1;
        const p = items[k];
        if ((throughAll || inTodo[p]) && state[p] === 0) {
          state[p] = 1;
          stackNode[depth] = p;
          stackEdge[depth++] = offsets[p + 1] - 1;
        }
        continue;
      }
      depth--;
      state[node] = 2;
      if (inTodo[node]) out[emitted++] = node;
    }
  };
  const sortedStarts = [...new Set(Array.from(starts))].sort((a, b) => b - a);
  for (const s of sortedStarts) visit(s);
  if (emitted < distinct) {
    // revisions not reachable from the starts (only possible in history ranges)
    const rest = Array.from(todo).sort((a, b) => b - a);
    for (const t of rest) visit(t);
  }
  return out;
}
