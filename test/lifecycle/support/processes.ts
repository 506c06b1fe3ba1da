/** Child app processes of the lifecycle tests: start, release from the barrier, watch, kill. */
import { spawn, type ChildProcess } from 'node:child_process';
import { Client } from 'pg';
import type { AppEvent, AppSettings } from './app-process';
import { lifecycleBuild } from './build';
export { until } from '../../support/until';

/** One running child app. */
export interface AppHandle {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Everything it reported so far. */
  readonly events: readonly AppEvent[];
  /** When each event arrived (`Date.now()` in this process), parallel to `events`. */
  readonly arrivals: readonly number[];
  /** When `go()` was sent, or `null`. */
  readonly wentAt: () => number | null;
  /** Its stderr so far. */
  readonly stderr: () => string;
  /** Resolves with the first event of that kind (rejects when the process ends without it). */
  waitFor<K extends AppEvent['ev']>(ev: K, timeoutMs?: number): Promise<Extract<AppEvent, { ev: K }>>;
  /** Resolves with the first event that matches (rejects when the process ends without one). */
  waitUntil(what: string, match: (event: AppEvent) => boolean, timeoutMs?: number): Promise<AppEvent>;
  /** Sends the `go` line (the start barrier). */
  go(): void;
  /** The exit code (`null` with the signal when killed). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The MikroORM log lines it wrote. */
  logLines(): string[];
}

const running = new Set<ChildProcess>();

/**
 * For a `describe`: after each test, kills the apps it started that are still running (a failed test
 * must not leave 16 processes waiting at the barrier).
 */
export function useAppCleanup(): void {
  afterEach(async () => {
    const left = [...running];
    running.clear();
    for (const child of left) child.kill('SIGKILL');
    await Promise.all(left.map((child) => (child.exitCode !== null || child.signalCode !== null ? undefined : new Promise((r) => child.once('exit', r)))));
  });
}

/** Starts a child app (`node app-process.js`) with these settings. */
export function startApp(settings: AppSettings): AppHandle {
  const { appProcess, env } = lifecycleBuild();
  const child = spawn(process.execPath, [appProcess], {
    env: { ...env, LIFECYCLE_APP: JSON.stringify(settings) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  running.add(child);
  const events: AppEvent[] = [];
  const arrivals: number[] = [];
  let wentAt: number | null = null;
  const waiters: { match: (e: AppEvent) => boolean; resolve: (e: AppEvent) => void }[] = [];
  let err = '';
  let buffer = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    buffer += chunk;
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (!line.startsWith('{')) continue;
      const event = JSON.parse(line) as AppEvent;
      events.push(event);
      arrivals.push(Date.now());
      for (const w of waiters.filter((w) => w.match(event))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(event);
      }
    }
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    err += chunk;
  });
  child.stdin?.on('error', () => undefined); // a killed child's stdin
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });
  return {
    child,
    pid: child.pid as number,
    events,
    arrivals,
    wentAt: () => wentAt,
    stderr: () => err,
    waitFor<K extends AppEvent['ev']>(ev: K, timeoutMs = 60_000): Promise<Extract<AppEvent, { ev: K }>> {
      return this.waitUntil(`'${ev}'`, (e) => e.ev === ev, timeoutMs) as Promise<Extract<AppEvent, { ev: K }>>;
    },
    waitUntil(what: string, match: (event: AppEvent) => boolean, timeoutMs = 60_000): Promise<AppEvent> {
      const seen = events.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`app ${child.pid}: no ${what} within ${timeoutMs} ms; stderr: ${err}`)), timeoutMs);
        waiters.push({ match, resolve: (e) => (clearTimeout(timer), resolve(e)) });
        void exited.then(({ code, signal }) => {
          // let the last stdout chunk be parsed first
          setTimeout(() => {
            clearTimeout(timer);
            reject(new Error(`app ${child.pid} exited (${code ?? signal}) without ${what}; events: ${JSON.stringify(events).slice(0, 2000)}; stderr: ${err}`));
          }, 50);
        });
      });
    },
    go() {
      wentAt = Date.now();
      child.stdin?.write('go\n');
    },
    exited,
    logLines: () => events.flatMap((e) => (e.ev === 'log' ? [e.line] : [])),
  };
}

/** Runs a query on a fresh connection. */
export async function query<T = Record<string, unknown>>(url: string, sql: string, params?: unknown[]): Promise<T[]> {
  const client = new Client({ connectionString: url, application_name: 'lifecycle-test' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

