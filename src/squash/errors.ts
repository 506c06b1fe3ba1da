import { AlembicError } from '../errors';

/** The stable codes of {@link SquashError}. */
export type SquashErrorCode =
  /** `from:to` is not a range of one line of revisions (unknown, several, or `from` not below `to`). */
  | 'SQUASH_RANGE'
  /** A revision of the run merges several parents. */
  | 'SQUASH_ACROSS_MERGE'
  /** A revision of the run (not its last) has several children: the run branches. */
  | 'SQUASH_ACROSS_BRANCH'
  /** A revision of the run has `depends_on`, or another revision depends on one inside the run. */
  | 'SQUASH_DEPENDS_ON'
  /** A revision of the run carries a branch label. */
  | 'SQUASH_BRANCH_LABEL'
  /** A revision of the run is itself a squash. */
  | 'SQUASH_NESTED'
  /** A revision of the run cannot be rendered statically (it reads data with `execute()`). */
  | 'SQUASH_DYNAMIC_REVISION';

/**
 * `squash` refused a run: the code says why, `revisions` names the revisions at fault, and nothing was
 * written.
 *
 * @example
 * ```ts
 * try {
 *   await squashRevisions({ directory: 'migrations', range: 'ae10:27c6', message: 'squash 2025' });
 * } catch (e) {
 *   if (e instanceof SquashError && e.code === 'SQUASH_ACROSS_MERGE') console.error(e.message, e.revisions);
 * }
 * ```
 */
export class SquashError extends AlembicError {
  /** The revisions the refusal is about. */
  readonly revisions: readonly string[];

  constructor(code: SquashErrorCode, message: string, revisions: readonly string[] = []) {
    super(code, message);
    this.revisions = Object.freeze([...revisions]);
  }
}
