/** One revision as the graph sees it: plain data, in file load order. */
export interface RevisionRecord {
  /** The revision id (e.g. `1a2b3c4d5e6f`). */
  readonly id: string;
  /** Parents through `down_revision`: none for a base, several for a merge. */
  readonly downRevisions: readonly string[];
  /** Names that can be used in targets (`billing@head`). */
  readonly branchLabels: readonly string[];
  /** Revision ids or branch labels that must be applied first, without being parents. */
  readonly dependsOn: readonly string[];
  /**
   * A squashed revision: the ids of the linear run of revisions it stands for, parents first
   * (`SquashCatalog` chooses between it and them; `RevisionGraph` itself ignores the field).
   */
  readonly replaces?: readonly string[];
}

/** What an upgrade or a downgrade will do: the revisions to run, in order, and the heads afterwards. */
export interface MigrationPlan {
  readonly direction: 'up' | 'down';
  /** Revision ids whose `up()` (or `down()`) runs, in the order they run. */
  readonly revisions: readonly string[];
  /** The current heads (maximal applied revisions) once the plan has run. */
  readonly headsAfter: readonly string[];
  /** Non-fatal remarks, e.g. an ambiguous `-1` from several heads. */
  readonly warnings: readonly string[];
}
