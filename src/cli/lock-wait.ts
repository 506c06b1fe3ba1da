import type { LockWaitInfo } from '../runtime/advisory-lock';
import { describeHolders } from '../runtime/errors';
import type { Output } from './output';
import { formatMs } from './progress';

/**
 * The note printed (to stderr) when another session holds the migration lock and a writing verb
 * starts waiting for it.
 *
 * @example
 * ```ts
 * const runtime = project.runtime({ onWait: lockWaitNote(ctx.output) });
 * ```
 */
export function lockWaitNote(output: Output): (info: LockWaitInfo) => void {
  return (info) => {
    const limit = Number.isFinite(info.timeoutMs) ? ` (waiting up to ${formatMs(info.timeoutMs)})` : '';
    output.note(`Waiting for the migration lock on ${info.lock}, held by ${describeHolders(info.holders)}${limit}`);
  };
}
