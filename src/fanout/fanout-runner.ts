import { performance } from 'node:perf_hooks';
import type { RevisionGraph } from '../graph/revision-graph';
import { resolveConnection } from '../runtime/connection';
import type { MigrationRuntime } from '../runtime/migration-runtime';
import type { PlannedTarget } from './target-sources';

/** What a fan-out does on every target. */
export type FanoutCommand =
  | { readonly kind: 'upgrade'; readonly target: string }
  | { readonly kind: 'downgrade'; readonly target: string }
  | { readonly kind: 'current' }
  | { readonly kind: 'check' }
  | { readonly kind: 'stamp'; readonly targets: readonly string[]; readonly purge?: boolean };

/**
 * How a target ended: `ok` (it reached the target; for `current`, it was read), `failed` (an error: for
 * an upgrade or downgrade the failing revision was rolled back, the ones before it stay committed),
 * `behind` (`check`: not at the graph's heads), `skipped` (not started: after a failure with `failFast`, or aborted).
 */
export type TargetStatus = 'ok' | 'failed' | 'behind' | 'skipped';

/** The error of a failed target, passwords redacted. */
export interface TargetError {
  /** The stable code of our errors (`REVISION_FAILED`, `LOCK_TIMEOUT`, `CONNECTION_FAILED`, ...), else the error's name. */
  readonly code: string;
  /** The message, with the target's password replaced by `***`. */
  readonly message: string;
  /** The failing revision, when a revision failed. */
  readonly revision: string | null;
  /** PostgreSQL's SQLSTATE, when PostgreSQL refused. */
  readonly pgCode: string | null;
}

/** What happened on one target. */
export interface TargetResult {
  readonly name: string;
  /** The tenant schema, or `null` for a database target. */
  readonly schema: string | null;
  /** `host:port/database` (never the password). */
  readonly database: string;
  readonly status: TargetStatus;
  /** The heads before (`null` when they could not be read). */
  readonly from: readonly string[] | null;
  /** The heads after (`null` when they could not be read). */
  readonly to: readonly string[] | null;
  /** The revisions run (or, for `stamp`, recorded and removed) on it, in order. */
  readonly ran: readonly string[];
  /** Milliseconds spent on it (0 when skipped). */
  readonly durationMs: number;
  readonly error: TargetError | null;
}

/** Progress callbacks of {@link runFanout}; all optional. */
export interface FanoutListener {
  /** A target starts (it has a worker). */
  onTargetStart?(name: string): void;
  /** A revision of a target starts. */
  onRevisionStart?(name: string, revision: string, index: number, total: number): void;
  /** A target is finished (any status, `skipped` included). */
  onTargetDone?(result: TargetResult): void;
}

/** Options of {@link runFanout}. */
export interface FanoutOptions {
  readonly targets: readonly PlannedTarget[];
  readonly command: FanoutCommand;
  /** The revision graph (for `check` and for the heads of a failed target). */
  readonly graph: RevisionGraph;
  /** A single-target runtime for a target (see `targetRuntimeSettings`). */
  readonly runtimeFor: (planned: PlannedTarget) => MigrationRuntime;
  /** How many targets run at once. Default {@link DEFAULT_CONCURRENCY}. */
  readonly concurrency?: number;
  /** Start no further target once one failed (those are reported `skipped`). Running ones finish. */
  readonly failFast?: boolean;
  /** Aborted: start no further target (those are reported `skipped`); running ones finish. The bin aborts on the first Ctrl-C. */
  readonly signal?: AbortSignal;
  readonly listener?: FanoutListener;
}

/** What a fan-out did. */
export interface FanoutResult {
  /** `upgrade head`, `current`, ... */
  readonly command: string;
  /** Whether every target reached the target (`status: 'ok'` everywhere). */
  readonly ok: boolean;
  readonly concurrency: number;
  readonly durationMs: number;
  /** One per target, in the order the targets were given. */
  readonly targets: readonly TargetResult[];
}

/** Targets run at once unless told otherwise. */
export const DEFAULT_CONCURRENCY = 4;

/** The highest `concurrency` accepted (each running target holds one connection, two while a failure is inspected). */
export const MAX_CONCURRENCY = 256;

/**
 * Runs one command on many targets, at most `concurrency` at a time, each through its own single-target
 * runtime: its own connection, version table and migration lock. A failing target is reported and the
 * others go on (unless `failFast`); the failing revision was rolled back by its runtime. Resuming is
 * re-running: each target's version table says what is left, and its lock keeps two fan-outs off the
 * same target at once.
 *
 * Never throws for a target's failure: look at `ok` and the per-target `status`.
 *
 * @example
 * ```ts
 * import { runFanout, targetRuntimeSettings, targetsFromUrls, MigrationEnvironment } from 'mikro-orm-alembic';
 *
 * const env = new MigrationEnvironment({ path: 'migrations' });
 * const result = await runFanout({
 *   targets: targetsFromUrls(['postgres://db-a/app', 'postgres://db-b/app']),
 *   command: { kind: 'upgrade', target: 'head' },
 *   graph: env.graph,
 *   runtimeFor: (planned) => {
 *     const { connection, versionTable, schema } = targetRuntimeSettings(planned, undefined);
 *     return env.runtime(connection, { versionTable, schema });
 *   },
 *   concurrency: 8,
 * });
 * if (!result.ok) console.error(result.targets.filter((t) => t.status !== 'ok').map((t) => `${t.name}: ${t.error?.message}`));
 * ```
 */
export async function runFanout(options: FanoutOptions): Promise<FanoutResult> {
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    throw new TypeError(`concurrency must be a whole number from 1 to ${MAX_CONCURRENCY}, not ${String(concurrency)}`);
  }
  const started = performance.now();
  const results: (TargetResult | undefined)[] = new Array(options.targets.length);
  let next = 0;
  let stop = false;
  const worker = async (): Promise<void> => {
    while (!stop && options.signal?.aborted !== true && next < options.targets.length) {
      const index = next++;
      const planned = options.targets[index];
      options.listener?.onTargetStart?.(planned.target.name);
      const result = await runOne(planned, options);
      results[index] = result;
      if (result.status === 'failed' && options.failFast) stop = true;
      options.listener?.onTargetDone?.(result);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, options.targets.length) }, worker));
  // (not results.map: it skips the slots of targets never started)
  const targets = Array.from(results, (result, index) => {
    if (result !== undefined) return result;
    const planned = options.targets[index];
    const skipped = base(planned, 'skipped', 0);
    options.listener?.onTargetDone?.(skipped);
    return skipped;
  });
  return Object.freeze({
    command: describeCommand(options.command),
    ok: targets.every((t) => t.status === 'ok'),
    concurrency,
    durationMs: performance.now() - started,
    targets: Object.freeze(targets),
  });
}

/** `upgrade head`, `downgrade -1`, `stamp head`, `current`, `check`. */
export function describeCommand(command: FanoutCommand): string {
  switch (command.kind) {
    case 'upgrade':
    case 'downgrade':
      return `${command.kind} ${command.target}`;
    case 'stamp':
      return `stamp ${command.targets.join(' ')}${command.purge ? ' --purge' : ''}`;
    default:
      return command.kind;
  }
}

async function runOne(planned: PlannedTarget, options: FanoutOptions): Promise<TargetResult> {
  const { command, graph } = options;
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  const name = planned.target.name;
  const ranNow: string[] = [];
  let runtime: MigrationRuntime | undefined;
  try {
    runtime = options.runtimeFor(planned);
    const progress = {
      onRevisionStart: (id: string, index: number, total: number) => options.listener?.onRevisionStart?.(name, id, index, total),
      onRevisionDone: (id: string) => {
        ranNow.push(id);
      },
    };
    switch (command.kind) {
      case 'upgrade':
      case 'downgrade': {
        const result = command.kind === 'upgrade' ? await runtime.upgrade(command.target, progress) : await runtime.downgrade(command.target, progress);
        return done(planned, 'ok', elapsed(), result.headsBefore, result.headsAfter, result.ran.map((r) => r.id));
      }
      case 'stamp': {
        const result = await runtime.stamp(command.targets, { purge: command.purge });
        return done(planned, 'ok', elapsed(), result.headsBefore, result.headsAfter, [...result.added, ...result.removed]);
      }
      case 'current': {
        const { heads } = await runtime.current();
        return done(planned, 'ok', elapsed(), heads, heads, []);
      }
      case 'check': {
        const { heads } = await runtime.current();
        const wanted = new Set(graph.heads);
        const at = heads.length === wanted.size && heads.every((h) => wanted.has(h));
        return done(planned, at ? 'ok' : 'behind', elapsed(), heads, heads, []);
      }
    }
  } catch (error) {
    const failedAfter = elapsed();
    // where the target stands now, and where it stood before this run (best effort: the server may be gone)
    let from: readonly string[] | null = null;
    let to: readonly string[] | null = null;
    if (runtime !== undefined && (command.kind === 'upgrade' || command.kind === 'downgrade')) {
      try {
        const applied = new Set((await runtime.appliedRevisions()).map((r) => r.id).filter((id) => graph.has(id)));
        to = graph.currentHeads(applied);
        for (const id of ranNow) {
          if (command.kind === 'upgrade') applied.delete(id);
          else applied.add(id);
        }
        from = graph.currentHeads(applied);
      } catch {
        // reported as unknown
      }
    }
    return Object.freeze({ ...base(planned, 'failed', failedAfter), from, to, ran: Object.freeze([...ranNow]), error: errorOf(error, planned) });
  }
}

function done(planned: PlannedTarget, status: TargetStatus, ms: number, from: readonly string[], to: readonly string[], ran: readonly string[]): TargetResult {
  return Object.freeze({ ...base(planned, status, ms), from: Object.freeze([...from]), to: Object.freeze([...to]), ran: Object.freeze([...ran]) });
}

function base(planned: PlannedTarget, status: TargetStatus, durationMs: number): TargetResult {
  return Object.freeze({
    name: planned.target.name,
    schema: planned.target.schema ?? null,
    database: databaseOf(planned),
    status,
    from: null,
    to: null,
    ran: Object.freeze([]),
    durationMs,
    error: null,
  });
}

function databaseOf(planned: PlannedTarget): string {
  try {
    return resolveConnection(planned.connection).target;
  } catch {
    return '(invalid connection)';
  }
}

/** The error as the report shows it: its code, and its message with the target's secrets redacted. */
function errorOf(error: unknown, planned: PlannedTarget): TargetError {
  let redact = (text: string) => text;
  try {
    redact = resolveConnection(planned.connection).redact;
  } catch {
    // an invalid connection's error never shows the value
  }
  const e = error as { code?: unknown; name?: unknown; message?: unknown; revision?: unknown; pgCode?: unknown };
  const ours = typeof e.code === 'string' && /^[A-Z][A-Z_]+$/.test(e.code);
  const pgCode = typeof e.pgCode === 'string' ? e.pgCode : !ours && typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : null;
  return Object.freeze({
    code: ours ? (e.code as string) : typeof e.name === 'string' ? e.name : 'Error',
    message: redact(typeof e.message === 'string' ? e.message : String(error)),
    revision: typeof e.revision === 'string' ? e.revision : null,
    pgCode,
  });
}
