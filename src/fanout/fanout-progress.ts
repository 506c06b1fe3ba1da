import { performance } from 'node:perf_hooks';
import { formatDuration, heads, type Paint } from './fanout-report';
import type { FanoutListener, TargetResult } from './fanout-runner';

/** Where the progress goes: a stream, and whether it is a terminal. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

const TICK_MS = 500;

/**
 * One progress display for a whole fan-out. On a terminal: one status line redrawn in place,
 * `upgrade head  [12/36 done] 4 running, 1 failed · slowest tenant_7 3.2 s · 4.1 s`, refreshed while
 * targets run, cleared at the end. Elsewhere (CI logs, a pipe): one line per finished target,
 * `ok      tenant_3  <base> -> 1a2b3c4d5e6f  3 revisions  120 ms  [12/36]` or `failed  tenant_7  REVISION_FAILED ...`.
 *
 * @example
 * ```ts
 * const progress = new FanoutProgress(process.stderr, 'upgrade head', targets.length);
 * const result = await runFanout({ ...options, listener: progress });
 * progress.finish();
 * ```
 */
export class FanoutProgress implements FanoutListener {
  private readonly started = performance.now();
  private readonly running = new Map<string, number>();
  private finished = 0;
  private failed = 0;
  private slowest: { name: string; ms: number } | null = null;
  private timer: NodeJS.Timeout | undefined;
  private drawn = false;

  constructor(
    private readonly stream: ProgressStream,
    private readonly command: string,
    private readonly total: number,
    private readonly paint: Paint = { green: String, red: String, yellow: String, dim: String },
    private readonly short: (id: string) => string = (id) => id,
  ) {}

  readonly onTargetStart = (name: string): void => {
    this.running.set(name, performance.now());
    if (this.stream.isTTY && this.timer === undefined) {
      this.timer = setInterval(() => this.draw(), TICK_MS);
      this.timer.unref();
    }
  };

  readonly onTargetDone = (result: TargetResult): void => {
    this.running.delete(result.name);
    this.finished += 1;
    if (result.status === 'failed') this.failed += 1;
    if (result.status !== 'skipped' && (this.slowest === null || result.durationMs > this.slowest.ms)) this.slowest = { name: result.name, ms: result.durationMs };
    if (this.stream.isTTY) {
      // failures are printed as they happen, above the status line
      if (result.status === 'failed') this.stream.write(`\r\x1b[K${this.line(result)}\n`);
      this.draw();
    } else {
      // a log has no status line: each line says how far the run is
      this.stream.write(`${this.line(result)}  ${this.paint.dim(`[${this.finished}/${this.total}]`)}\n`);
    }
  };

  /** Ends the display (call it before printing the summary). */
  finish(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }

  /** The status line: done / running / failed, the slowest so far (running targets included), the time. */
  status(): string {
    const now = performance.now();
    let slowest = this.slowest;
    for (const [name, since] of this.running) if (slowest === null || now - since > slowest.ms) slowest = { name, ms: now - since };
    const parts = [`[${this.finished}/${this.total} done]`, `${this.running.size} running`];
    if (this.failed > 0) parts.push(this.paint.red(`${this.failed} failed`));
    const text = `${this.command}  ${parts.join(', ')}${slowest === null ? '' : ` · slowest ${slowest.name} ${formatDuration(slowest.ms)}`} · ${formatDuration(now - this.started)}`;
    const room = Math.max(20, (this.stream.columns ?? 80) - 1);
    return text.length > room ? `${text.slice(0, room - 1)}…` : text;
  }

  private draw(): void {
    this.drawn = true;
    this.stream.write(`\r\x1b[K${this.status()}`);
  }

  private line(t: TargetResult): string {
    const ms = formatDuration(t.durationMs);
    switch (t.status) {
      case 'ok': {
        const moved = t.from !== null && t.to !== null && heads(t.from) !== heads(t.to) ? `${heads(t.from, this.short)} -> ${heads(t.to, this.short)}` : `at ${heads(t.to ?? [], this.short)}`;
        const n = t.ran.length;
        return `${this.paint.green('ok     ')} ${t.name}  ${moved}${n > 0 ? `  ${n} revision${n === 1 ? '' : 's'}` : ''}  ${this.paint.dim(ms)}`;
      }
      case 'failed':
        return `${this.paint.red('failed ')} ${t.name}  ${t.error?.code ?? 'ERROR'} ${(t.error?.message ?? '').split('\n')[0]}  ${this.paint.dim(ms)}`;
      case 'behind':
        return `${this.paint.yellow('behind ')} ${t.name}  at ${heads(t.to ?? [], this.short)}  ${this.paint.dim(ms)}`;
      default:
        return `${this.paint.dim('skipped')} ${t.name}`;
    }
  }
}
