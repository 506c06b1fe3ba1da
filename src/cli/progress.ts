import { performance } from 'node:perf_hooks';
import type { Output } from './output';

/** How often the terminal line is redrawn at most, and refreshed while one revision runs. */
const REDRAW_MS = 100;
const TICK_MS = 1000;

/**
 * Progress of an upgrade or downgrade. On a terminal: one status line redrawn in place
 * (`upgrade [12/1000] 1a2b3c4d5e6f Add users  3.2 s`), refreshed every second while a long revision
 * runs, and cleared at the end. Otherwise (a pipe, a file, CI logs): one line per revision,
 * `Running upgrade <parents> -> <id>, <message> (2/3) ... 12 ms`, started before the revision runs
 * so a failure shows which one it was.
 *
 * @example
 * ```ts
 * const progress = new RunProgressReporter(output, 'upgrade', (id) => `${parentsOf(id)} -> ${id}`);
 * await runtime.upgrade('head', { onRevisionStart: progress.start, onRevisionDone: progress.done });
 * progress.finish();
 * ```
 */
export class RunProgressReporter {
  private readonly started = performance.now();
  private lastDraw = -Infinity;
  private status = '';
  private timer: NodeJS.Timeout | undefined;
  private openLine = false;
  /** Revisions completed so far. */
  count = 0;

  constructor(
    private readonly output: Output,
    private readonly verb: 'upgrade' | 'downgrade',
    private readonly describe: (id: string) => string,
  ) {}

  /** Before revision `index` (from 0) of `total` runs. */
  readonly start = (id: string, index: number, total: number): void => {
    const c = this.output.color;
    if (this.output.isTTY) {
      const counter = `[${index + 1}/${total}]`;
      // one terminal row: a wrapped line could not be redrawn in place
      const room = Math.max(10, (this.output.columns ?? 80) - this.verb.length - counter.length - 14);
      const text = this.describe(id);
      this.status = `${this.verb} ${c.dim(counter)} ${text.length > room ? `${text.slice(0, room - 1)}…` : text}`;
      const now = performance.now();
      if (now - this.lastDraw >= REDRAW_MS || index === 0 || index === total - 1) this.draw(now);
      if (this.timer === undefined) {
        this.timer = setInterval(() => this.draw(performance.now()), TICK_MS);
        this.timer.unref();
      }
    } else {
      this.output.raw(`Running ${this.verb} ${this.describe(id)} (${index + 1}/${total}) ...`);
      this.openLine = true;
    }
  };

  /** After revision `id` committed, `ms` after it started. */
  readonly done = (_id: string, ms: number): void => {
    this.count += 1;
    if (!this.output.isTTY) {
      this.output.raw(` ${formatMs(ms)}\n`);
      this.openLine = false;
    }
  };

  /** Ends the progress display (call it on success and on failure, before printing anything else). */
  finish(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    if (this.output.isTTY) {
      if (this.status !== '') this.output.raw('\r\x1b[K');
    } else if (this.openLine) {
      this.output.raw(' failed\n');
      this.openLine = false;
    }
  }

  /** Seconds since the run started, for the summary. */
  elapsed(): string {
    return formatMs(performance.now() - this.started);
  }

  private draw(now: number): void {
    this.lastDraw = now;
    this.output.raw(`\r\x1b[K${this.status}  ${this.output.color.dim(formatMs(now - this.started))}`);
  }
}

/** `12 ms`, `3.4 s`, `2 min 5 s`. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}
