import type { RevisionGraph } from '../graph/revision-graph';

/** Two heads, where their histories part, and what each added since. */
export interface BranchSplit {
  /** The two heads, in the order given. */
  readonly heads: readonly [string, string];
  /** The merge base(s): the newest revisions both heads build on (empty when they share no ancestor). */
  readonly mergeBases: readonly string[];
  /** Every revision both heads build on, parents first: what a database has before either branch runs. */
  readonly common: readonly string[];
  /** Per head (same order as `heads`): its revisions that the other head does not have, parents first. */
  readonly sides: readonly [readonly string[], readonly string[]];
}

/**
 * Where two heads part: their common ancestry (down revisions and `depends_on` both count, as for an
 * upgrade), its newest revisions (the merge bases) and, per head, the revisions since. Pure graph
 * work: no file is loaded.
 *
 * @example
 * ```ts
 * const split = branchSplit(env.graph, 'b2b2b2b2b2b2', 'c3c3c3c3c3c3');
 * split.mergeBases; // ['a1a1a1a1a1a1']
 * split.sides;      // [['b2b2b2b2b2b2'], ['c3c3c3c3c3c3']]
 * ```
 */
export function branchSplit(graph: RevisionGraph, a: string, b: string): BranchSplit {
  const left = graph.ancestry([a]);
  const right = graph.ancestry([b]);
  const inRight = new Set(right);
  const shared = new Set(left.filter((id) => inRight.has(id)));
  const common = left.filter((id) => shared.has(id));
  return Object.freeze({
    heads: Object.freeze([a, b] as [string, string]),
    mergeBases: shared.size === 0 ? Object.freeze([]) : graph.currentHeads(common),
    common: Object.freeze(common),
    sides: Object.freeze([Object.freeze(left.filter((id) => !shared.has(id))), Object.freeze(right.filter((id) => !shared.has(id)))] as [string[], string[]]),
  });
}

/**
 * Every pair of the given heads (default: the graph's heads), each split as {@link branchSplit} does.
 *
 * @example
 * ```ts
 * headPairs(env.graph).length; // 1 for two heads, 3 for three
 * ```
 */
export function headPairs(graph: RevisionGraph, heads: readonly string[] = graph.heads): readonly BranchSplit[] {
  const out: BranchSplit[] = [];
  for (let i = 0; i < heads.length; i++) for (let j = i + 1; j < heads.length; j++) out.push(branchSplit(graph, heads[i], heads[j]));
  return Object.freeze(out);
}
