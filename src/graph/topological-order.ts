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
export function parentsFirst(g: GraphIndex, todo: readonly number[], starts: readonly number[], throughAll = false): number[] {
  const inTodo = new Uint8Array(g.size);
  for (const t of todo) inTodo[t] = 1;
  const state = new Uint8Array(g.size); // 0 new, 1 on stack, 2 emitted
  const out: number[] = [];
  const stackNode: number[] = [];
  const stackEdge: number[] = [];
  const visit = (root: number): void => {
    if ((!throughAll && !inTodo[root]) || state[root] !== 0) return;
    stackNode.push(root);
    stackEdge.push(g.parents[root].length - 1);
    state[root] = 1;
    while (stackNode.length > 0) {
      const top = stackNode.length - 1;
      const node = stackNode[top];
      const k = stackEdge[top];
      if (k >= 0) {
        stackEdge[top] = k - 1;
        const p = g.parents[node][k];
        if ((throughAll || inTodo[p]) && state[p] === 0) {
          state[p] = 1;
          stackNode.push(p);
          stackEdge.push(g.parents[p].length - 1);
        }
        continue;
      }
      stackNode.pop();
      stackEdge.pop();
      state[node] = 2;
      if (inTodo[node]) out.push(node);
    }
  };
  const sortedStarts = [...new Set(starts)].sort((a, b) => b - a);
  for (const s of sortedStarts) visit(s);
  if (out.length < todo.length) {
    // revisions not reachable from the starts (only possible in history ranges)
    const rest = [...todo].sort((a, b) => b - a);
    for (const t of rest) visit(t);
  }
  return out;
}
