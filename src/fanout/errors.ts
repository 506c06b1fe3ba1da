import { AlembicError } from '../errors';

/**
 * The typed errors of `fanout/` (one command over many databases and tenant schemas). Each has a
 * stable `code`.
 */

/**
 * The list of targets cannot be used: an unreadable or malformed targets file, a duplicate name, a URL
 * that is not a PostgreSQL URL, a tenants query that does not return schema names. Nothing ran. Code
 * `FANOUT_TARGETS_INVALID`; `source` says where the targets came from (`--targets tenants.json`,
 * `--tenants-query`, ...).
 *
 * @example
 * ```ts
 * if (e instanceof FanoutTargetsError) console.error(e.source, e.message);
 * ```
 */
export class FanoutTargetsError extends AlembicError {
  constructor(
    readonly source: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('FANOUT_TARGETS_INVALID', message, options);
  }
}

/**
 * Some targets of a fan-out did not reach the target (they failed, were skipped after `--fail-fast`,
 * or — for `check` — are behind). The others did; the summary and the report say which is which.
 * Code `FANOUT_FAILED`.
 *
 * @example
 * ```ts
 * if (e instanceof FanoutFailedError) console.error(`${e.failed.length} of ${e.total} targets failed`);
 * ```
 */
export class FanoutFailedError extends AlembicError {
  constructor(
    /** The names of the targets that did not reach the target. */
    readonly failed: readonly string[],
    /** How many targets the fan-out had. */
    readonly total: number,
    /** What was asked (`upgrade head`, `check`, ...). */
    readonly command: string,
  ) {
    const shown = failed.slice(0, 10).join(', ') + (failed.length > 10 ? `, … (${failed.length - 10} more)` : '');
    super('FANOUT_FAILED', `${command}: ${failed.length} of ${total} target${total === 1 ? '' : 's'} did not reach the target: ${shown}`);
  }
}
