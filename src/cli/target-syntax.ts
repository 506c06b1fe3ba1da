import { CliUsageError } from './errors';

const TARGET_HINT =
  'a target is head, heads, base, a revision id or a unique prefix of it, +N, -N, <label>@head, <label>@base, <label>@-N, <rev>+N';

/**
 * Checks the syntax of a target (`head`, `ae10`, `-1`, `billing@head`, `ae1027a6acf2+2`, ...) before
 * anything is read: white space, an empty part, several `@`, a range where none is allowed, or a
 * relative step that is not a number is a {@link CliUsageError} (exit code 2). Whether the target
 * exists is the graph's business (exit code 1).
 *
 * @example
 * ```ts
 * checkTargetSyntax('billing@-1', 'downgrade target'); // ok
 * checkTargetSyntax('+x', 'upgrade target');           // CliUsageError: '+x' is not a valid upgrade target ...
 * ```
 */
export function checkTargetSyntax(target: string, what: string): void {
  const bad = (why: string) => new CliUsageError(`'${target}' is not a valid ${what}: ${why}`, TARGET_HINT);
  if (target === '') throw bad('it is empty');
  if (/\s/.test(target)) throw bad('it contains white space');
  if (target.includes(':')) throw bad('a range (from:to) is only accepted with --sql, and by history -r');
  const parts = target.split('@');
  if (parts.length > 2) throw bad("it has more than one '@'");
  if (parts.some((p) => p === '')) throw bad("'@' needs a branch name before it and a revision after it");
  const last = parts[parts.length - 1];
  if (/^[+-]/.test(last) && !/^[+-]\d+$/.test(last)) throw bad('a relative step is + or - followed by a number, e.g. +2 or -1');
}

/** A `from:to` range (either side possibly absent), or a lone target. */
export interface TargetRange {
  /** The lower end, or `undefined` when not given. */
  readonly from: string | undefined;
  readonly to: string;
}

/**
 * Parses the target of an offline (`--sql`) run: `to` or `from:to`. `from` is required for a
 * downgrade (where the database is assumed to be); `to` is always required.
 *
 * @example
 * ```ts
 * parseSqlRange('ae1027a6acf2:head', 'upgrade'); // { from: 'ae1027a6acf2', to: 'head' }
 * parseSqlRange('head', 'upgrade');              // { from: undefined, to: 'head' }
 * ```
 */
export function parseSqlRange(text: string, direction: 'upgrade' | 'downgrade'): TargetRange {
  const parts = text.split(':');
  if (parts.length > 2) throw new CliUsageError(`'${text}' is not a valid range: use from:to`, TARGET_HINT);
  const [from, to] = parts.length === 2 ? [parts[0], parts[1]] : [undefined, parts[0]];
  if (to === '') throw new CliUsageError(`'${text}' has no end: use from:to, e.g. base:head`, TARGET_HINT);
  if (direction === 'downgrade' && (from === undefined || from === '')) {
    throw new CliUsageError(
      `downgrade --sql needs a range from:to ('${text}' has no start): the database is not read offline, so say where it is, e.g. head:-1 or ae1027a6acf2:base`,
    );
  }
  if (from !== undefined && from !== '') checkTargetSyntax(from, `start of the ${direction} range`);
  checkTargetSyntax(to, `${direction} target`);
  return Object.freeze({ from: from === '' ? undefined : from, to });
}
