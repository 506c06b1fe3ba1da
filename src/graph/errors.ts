import { AlembicError } from '../errors';

/**
 * Every failure of the revision graph: a broken graph while loading, or a target that cannot be
 * resolved or planned. `code` is stable; the `revisions` name the revisions at fault.
 *
 * @example
 * ```ts
 * try {
 *   new RevisionGraph(records).planUpgrade([], 'head');
 * } catch (e) {
 *   if (e instanceof RevisionGraphError && e.code === 'MULTIPLE_HEADS') {
 *     console.error(`${e.message} (heads: ${e.revisions.join(', ')})`);
 *   }
 * }
 * ```
 */
export class RevisionGraphError extends AlembicError {
  /** The revisions (or labels, or targets) the error is about. */
  readonly revisions: readonly string[];

  constructor(code: RevisionGraphErrorCode, message: string, revisions: readonly string[] = []) {
    super(code, message);
    this.revisions = Object.freeze([...revisions]);
  }
}

/** The stable codes of {@link RevisionGraphError}. */
export type RevisionGraphErrorCode =
  // loading: the graph itself is broken
  | 'SELF_LOOP'
  | 'DEPENDENCY_SELF_LOOP'
  | 'ILLEGAL_REVISION_ID'
  | 'DUPLICATE_REVISION'
  | 'DUPLICATE_BRANCH_LABEL'
  | 'MISSING_DOWN_REVISION'
  | 'MISSING_DEPENDENCY'
  | 'CYCLE'
  | 'DEPENDENCY_CYCLE'
  // resolving a target
  | 'UNKNOWN_REVISION'
  | 'AMBIGUOUS_PREFIX'
  | 'NOT_IN_BRANCH'
  | 'MULTIPLE_HEADS'
  | 'INVALID_TARGET'
  // planning
  | 'RELATIVE_OUT_OF_RANGE'
  | 'WALKED_PAST_END'
  | 'AMBIGUOUS_WALK'
  | 'AMBIGUOUS_UPGRADE'
  | 'AMBIGUOUS_BRANCH'
  | 'OVERLAPPING_REVISIONS'
  | 'NOT_AN_ANCESTOR'
  | 'INVALID_DOWNGRADE_TARGET'
  | 'NOT_APPLICABLE'
  | 'RELATIVE_DOWNGRADE_TOO_WIDE'
  | 'OVERLAPPING_HEADS'
  // squashed revisions (replaces)
  | 'SQUASH_INVALID'
  | 'SQUASH_ORIGINALS_INCOMPLETE'
  | 'SQUASH_RECORDED_CONFLICT'
  | 'SQUASH_ORIGINALS_DELETED';
