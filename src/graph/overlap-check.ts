import { RevisionGraphError } from './errors';
import { markAll, type GraphIndex } from './graph-index';

/**
 * Refuses a set of revisions in which one is an ancestor (or, with `'descendants'`, a descendant
 * through `down_revision`) of another: `heads` rows that overlap mean a corrupt version table, and
 * targets that overlap mean a confused request. Linear in the size of the graph.
 *
 * @internal
 */
export function checkNoOverlap(g: GraphIndex, revisions: readonly number[], direction: 'ancestors' | 'descendants' = 'ancestors'): void {
  if (revisions.length < 2) return;
  const edges = direction === 'ancestors' ? g.parents : g.next;
  const distinct = [...new Set(revisions)];
  if (distinct.length < 2) return;
  const starts: number[] = [];
  for (const r of distinct) starts.push(...edges.list(r));
  const reached = new Uint8Array(g.size);
  markAll(reached, g.collect(starts, edges));
  const inner = distinct.filter((r) => reached[r]);
  if (inner.length === 0) return;
  const inside = inner[0];
  const outer = distinct.find((r) => r !== inside && g.reaches(r, inside, edges))!;
  throw new RevisionGraphError(
    'OVERLAPPING_REVISIONS',
    `Requested revision ${g.ids[outer]} overlaps with other requested revisions ${inner.map((i) => g.ids[i]).join(', ')}: ${g.ids[inside]} is ${direction === 'ancestors' ? 'an ancestor' : 'a descendant'} of ${g.ids[outer]}`,
    [g.ids[outer], ...inner.map((i) => g.ids[i])],
  );
}
