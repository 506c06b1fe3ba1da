import { AlembicError } from '../errors';

/**
 * A revision's `acknowledge` field is malformed: not an object of code → reason, an unknown code, or
 * an empty reason. Names the revision and its file.
 *
 * Code `LINT_ACKNOWLEDGEMENT_INVALID`.
 *
 * @example
 * ```ts
 * try {
 *   await lintRevisions(source, ids);
 * } catch (e) {
 *   if (e instanceof LintAcknowledgementError) console.error(e.revision, e.file, e.message);
 * }
 * ```
 */
export class LintAcknowledgementError extends AlembicError {
  readonly revision: string;
  readonly file: string | null;

  constructor(revision: string, file: string | null, problem: string) {
    super('LINT_ACKNOWLEDGEMENT_INVALID', `revision ${revision}${file ? ` (${file})` : ''}: acknowledge ${problem}`);
    this.revision = revision;
    this.file = file;
  }
}

/**
 * `lint` (or `check`, or the test kit) found findings no revision acknowledges. `findings` lists them.
 *
 * Code `LINT_FINDINGS`.
 *
 * @example
 * ```ts
 * try {
 *   await kit.checkLint();
 * } catch (e) {
 *   if (e instanceof LintFailedError) for (const f of e.findings) console.error(f.code, f.revision);
 * }
 * ```
 */
export class LintFailedError extends AlembicError {
  readonly findings: readonly { readonly code: string; readonly revision: string; readonly message: string }[];

  constructor(findings: readonly { readonly code: string; readonly revision: string; readonly message: string; readonly file: string | null }[], report: string) {
    super('LINT_FINDINGS', `${findings.length} unacknowledged lint finding${findings.length === 1 ? '' : 's'}:\n${report}`);
    this.findings = findings;
  }
}
