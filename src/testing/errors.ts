import { AlembicError } from '../errors';

/** The stable codes of {@link MigrationCheckError}: which check failed. */
export type MigrationCheckCode =
  | 'GRAPH_INVALID'
  | 'NOT_SINGLE_HEAD'
  | 'UPGRADE_FROM_EMPTY_FAILED'
  | 'STAIRWAY_FAILED'
  | 'DOWNGRADE_LEFT_TRACE'
  | 'MODELS_DIFFER'
  | 'DATA_CHECK_FAILED'
  | 'LINT_FINDINGS'
  | 'BRANCHES_DO_NOT_COMMUTE'
  | 'SQUASH_NOT_EQUIVALENT';

/**
 * A migration check failed. `message` is a readable report for a test runner or CI log: what
 * failed, where (revision, file, step), and what to do; `cause` keeps the underlying error.
 *
 * @example
 * ```ts
 * try {
 *   await kit.assertSingleHead();
 * } catch (e) {
 *   if (e instanceof MigrationCheckError && e.code === 'NOT_SINGLE_HEAD') console.error(e.message);
 * }
 * ```
 */
export class MigrationCheckError extends AlembicError {
  /** The revision the failure is about, when there is one. */
  readonly revision: string | undefined;

  constructor(code: MigrationCheckCode, report: string, options: { revision?: string; cause?: unknown } = {}) {
    super(code, report, { cause: options.cause });
    this.revision = options.revision;
  }
}

/** The message of an error and of its causes, one per line, for reports. */
export function describeError(error: unknown): string {
  const lines: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    const text = current instanceof Error ? current.message : String(current);
    if (!lines.some((l) => l.includes(text))) lines.push(text);
    current = current instanceof Error ? current.cause : undefined;
  }
  return lines.join('\n  caused by: ');
}

/** True when the error (or one of its causes) says a revision's down() is irreversible. */
export function isIrreversible(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    if ((current as { code?: unknown }).code === 'IRREVERSIBLE') return true;
    current = current.cause;
  }
  return false;
}
