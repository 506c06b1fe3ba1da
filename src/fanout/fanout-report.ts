import type { FanoutResult, TargetResult, TargetStatus } from './fanout-runner';

/** How many targets ended in each status. */
export type StatusCounts = Readonly<Record<TargetStatus, number>> & { readonly total: number };

/** The `--json` report of a fan-out. */
export interface FanoutReport {
  readonly command: string;
  /** Whether every target reached the target. */
  readonly ok: boolean;
  readonly concurrency: number;
  /** Whole milliseconds. */
  readonly durationMs: number;
  readonly counts: StatusCounts;
  /** The slowest target (name and whole milliseconds), or `null` when none ran. */
  readonly slowest: { readonly name: string; readonly durationMs: number } | null;
  /** One per target, in the order given: name, schema, database, status, from, to, ran, durationMs, error. */
  readonly targets: readonly TargetResult[];
}

/**
 * The counts per status.
 *
 * @example
 * ```ts
 * countStatuses(result.targets); // { ok: 35, failed: 1, behind: 0, skipped: 0, total: 36 }
 * ```
 */
export function countStatuses(targets: readonly TargetResult[]): StatusCounts {
  const counts = { ok: 0, failed: 0, behind: 0, skipped: 0, total: targets.length };
  for (const t of targets) counts[t.status] += 1;
  return Object.freeze(counts);
}

/**
 * The report `--json` prints: the command, whether all reached the target, counts, the slowest target,
 * and per target its name, schema, database (`host:port/database`), status, heads before and after, the
 * revisions run, its duration and its error (code, message with the password redacted, revision, SQLSTATE).
 *
 * @example
 * ```ts
 * console.log(JSON.stringify(fanoutReport(await runFanout(options)), null, 2));
 * ```
 */
export function fanoutReport(result: FanoutResult): FanoutReport {
  const slowest = slowestOf(result.targets);
  return {
    command: result.command,
    ok: result.ok,
    concurrency: result.concurrency,
    durationMs: Math.round(result.durationMs),
    counts: countStatuses(result.targets),
    slowest: slowest === null ? null : { name: slowest.name, durationMs: Math.round(slowest.durationMs) },
    targets: result.targets.map((t) => ({ ...t, durationMs: Math.round(t.durationMs) })),
  };
}

/** Colour functions the summary may use (each returns its text, coloured or not). */
export interface Paint {
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  dim(text: string): string;
}

const PLAIN: Paint = { green: String, red: String, yellow: String, dim: String };

/**
 * The summary people read after a fan-out: one line per target that did not reach the target (with its
 * error), then the totals and the slowest target.
 *
 * @example
 * ```ts
 * for (const line of summaryLines(result)) console.log(line);
 * // failed   tenant_7 (db:5432/app/tenant_7): REVISION_FAILED Revision 1a2b3c4d5e6f (up) failed: ...
 * // upgrade head: 35 of 36 targets ok, 1 failed in 4.2 s (concurrency 4); slowest: tenant_3 1.3 s
 * ```
 */
export function summaryLines(result: FanoutResult, paint: Paint = PLAIN, short: (id: string) => string = (id) => id): string[] {
  const lines: string[] = [];
  for (const t of result.targets) {
    if (t.status === 'ok') continue;
    const where = t.schema === null ? t.database : `${t.database}/${t.schema}`;
    const label = t.status === 'failed' ? paint.red('failed ') : t.status === 'behind' ? paint.yellow('behind ') : paint.dim('skipped');
    const detail =
      t.status === 'failed'
        ? `${t.error?.code ?? 'ERROR'} ${firstLine(t.error?.message ?? '')}${t.to === null ? '' : ` (now at ${heads(t.to, short)})`}`
        : t.status === 'behind'
          ? `at ${heads(t.to ?? [], short)}`
          : 'not started';
    lines.push(`${label} ${t.name}${t.name === where ? '' : ` (${where})`}: ${detail}`);
  }
  const counts = countStatuses(result.targets);
  const parts = [`${counts.ok} of ${counts.total} target${counts.total === 1 ? '' : 's'} ok`];
  if (counts.failed > 0) parts.push(paint.red(`${counts.failed} failed`));
  if (counts.behind > 0) parts.push(paint.yellow(`${counts.behind} behind`));
  if (counts.skipped > 0) parts.push(`${counts.skipped} skipped`);
  const ran = result.targets.reduce((n, t) => n + t.ran.length, 0);
  const slowest = slowestOf(result.targets);
  lines.push(
    `${result.command}: ${parts.join(', ')}` +
      (ran > 0 ? `, ${ran} revision${ran === 1 ? '' : 's'} run` : '') +
      ` in ${formatDuration(result.durationMs)} (concurrency ${result.concurrency})` +
      (slowest === null ? '' : `; slowest: ${slowest.name} ${formatDuration(slowest.durationMs)}`),
  );
  return lines;
}

/** `<base>` or the heads, shortened. */
export function heads(ids: readonly string[], short: (id: string) => string = (id) => id): string {
  return ids.length === 0 ? '<base>' : ids.map(short).join(', ');
}

/** `12 ms`, `3.4 s`, `2 min 5 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

function slowestOf(targets: readonly TargetResult[]): TargetResult | null {
  let slowest: TargetResult | null = null;
  for (const t of targets) if (t.status !== 'skipped' && (slowest === null || t.durationMs > slowest.durationMs)) slowest = t;
  return slowest;
}

function firstLine(text: string): string {
  const line = text.split('\n')[0];
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
