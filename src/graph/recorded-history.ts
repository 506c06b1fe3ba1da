import type { RevisionGraph } from './revision-graph';

/** A recorded revision whose ancestry is not all recorded. */
export interface RecordedHistoryGap {
  /** A current head of the recorded set (a recorded revision no other recorded revision builds on). */
  readonly revision: string;
  /** Its ancestors (down revisions and dependencies, transitively) that are not recorded, parents first. */
  readonly missing: readonly string[];
}

/** What {@link diagnoseRecordedHistory} found. */
export interface RecordedHistoryDiagnosis {
  /** True when the recorded set is exactly the ancestry of its heads (and every id is a revision). */
  readonly consistent: boolean;
  /** Recorded ids that are no revision of the graph, in the order given. */
  readonly unknown: readonly string[];
  /** Recorded heads with unrecorded ancestors; empty when there is no gap. */
  readonly gaps: readonly RecordedHistoryGap[];
  /** Every unrecorded ancestor of a recorded revision, parents first. */
  readonly unrecorded: readonly string[];
  /**
   * The heads of the recorded revisions the graph knows: what `stamp` takes to record their whole
   * ancestry (adding the missing rows, removing none).
   */
  readonly heads: readonly string[];
}

/**
 * Compares a recorded applied set (the version table's revision ids) with the graph. A consistent set
 * is closed under ancestry: every down revision and dependency of a recorded revision is recorded too,
 * because every upgrade records each revision it runs and every downgrade removes the dependents first.
 * A gap (a recorded revision whose ancestor is not recorded: a row deleted by hand, a partial restore)
 * or an id the graph does not know means the table contradicts the graph, and nothing planned from it
 * can be trusted: the planners assume a closed set. Pure; linear in the size of the applied set when
 * consistent.
 *
 * @example
 * ```ts
 * import { diagnoseRecordedHistory, RevisionGraph } from 'mikro-orm-alembic';
 *
 * const graph = new RevisionGraph([
 *   { id: 'aaa111', downRevisions: [], branchLabels: [], dependsOn: [] },
 *   { id: 'bbb222', downRevisions: ['aaa111'], branchLabels: [], dependsOn: [] },
 *   { id: 'ccc333', downRevisions: ['bbb222'], branchLabels: [], dependsOn: [] },
 * ]);
 * const d = diagnoseRecordedHistory(graph, ['aaa111', 'ccc333']);
 * d.consistent; // false
 * d.gaps;       // [{ revision: 'ccc333', missing: ['bbb222'] }]
 * d.heads;      // ['ccc333']: `stamp ccc333` records bbb222 again
 * ```
 */
export function diagnoseRecordedHistory(graph: RevisionGraph, recorded: Iterable<string>): RecordedHistoryDiagnosis {
  const known = new Set<string>();
  const unknown: string[] = [];
  for (const id of recorded) {
    if (graph.has(id)) known.add(id);
    else if (!unknown.includes(id)) unknown.push(id);
  }
  let heads = graph.currentHeads(known);
  const closure = graph.ancestry(heads);
  const unrecorded = closure.length === known.size ? [] : closure.filter((id) => !known.has(id));
  // with a gap, a recorded revision below it looks like a head of its own (aaa111 in aaa111, ccc333):
  // the heads that matter are those of the whole ancestry
  if (unrecorded.length > 0) heads = graph.currentHeads(closure);
  const gaps: RecordedHistoryGap[] = [];
  if (unrecorded.length > 0) {
    for (const head of heads) {
      const missing = graph.ancestry([head]).filter((id) => !known.has(id));
      if (missing.length > 0) gaps.push(Object.freeze({ revision: head, missing: Object.freeze(missing) }));
    }
  }
  return Object.freeze({
    consistent: unknown.length === 0 && unrecorded.length === 0,
    unknown: Object.freeze(unknown),
    gaps: Object.freeze(gaps),
    unrecorded: Object.freeze(unrecorded),
    heads,
  });
}
