import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Small, synchronous facts about other processes (Linux `/proc`, with a `ps` fallback elsewhere) and ways to
 * stop one by its id. Internal to the harness.
 */

interface ProcStat {
  readonly state: string;
  readonly ppid: number;
  readonly startTime: string;
}

function readProcStat(pid: number): ProcStat | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ..."; comm may contain spaces and parentheses, so split after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', ppid: Number(fields[1]), startTime: fields[19] ?? '' };
  } catch {
    return undefined;
  }
}

const hasProc = fs.existsSync('/proc/self/stat');

/** True when a process with this id exists and is not a zombie. */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) {
    return false;
  }
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') {
      return false;
    }
  }
  if (hasProc) {
    const stat = readProcStat(pid);
    return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';
  }
  return true;
}

/**
 * An identity of the process that survives pid reuse: its start time in clock ticks since boot on Linux,
 * `undefined` where that is not known.
 */
export function processStartTime(pid: number): string | undefined {
  return hasProc ? readProcStat(pid)?.startTime : undefined;
}

/** The parent process id, when known. */
export function parentPid(pid: number): number | undefined {
  return hasProc ? readProcStat(pid)?.ppid : undefined;
}

/** The argument vector of a process, or `undefined` when it is gone or unreadable. */
export function processArgs(pid: number): string[] | undefined {
  if (hasProc) {
    try {
      const raw = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      return raw.split('\0').filter((arg, i, all) => arg !== '' || i < all.length - 1);
    } catch {
      return undefined;
    }
  }
  try {
    const line = execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' }).trim();
    return line === '' ? undefined : line.split(/\s+/);
  } catch {
    return undefined;
  }
}

/**
 * True when `pid` is a PostgreSQL postmaster started with `-D dataDir` (compared after resolving both paths),
 * i.e. a server this harness may stop for that directory.
 */
export function isPostmasterFor(pid: number, dataDir: string): boolean {
  const args = processArgs(pid);
  if (args === undefined || args.length === 0 || path.basename(args[0] ?? '') !== 'postgres') {
    return false;
  }
  const at = args.indexOf('-D');
  const given = at >= 0 ? args[at + 1] : undefined;
  return given !== undefined && samePath(given, dataDir);
}

function samePath(a: string, b: string): boolean {
  const real = (p: string): string => {
    try {
      return fs.realpathSync(p);
    } catch {
      return path.resolve(p);
    }
  };
  return path.resolve(a) === path.resolve(b) || real(a) === real(b);
}

function sendSignal(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') {
      throw error;
    }
  }
}

/** The shutdown ladder for a postmaster: fast shutdown, then immediate shutdown, then SIGKILL. */
export const POSTMASTER_STOP_LADDER: ReadonlyArray<readonly [NodeJS.Signals, number]> = [
  ['SIGINT', 10_000],
  ['SIGQUIT', 5_000],
  ['SIGKILL', 5_000],
];

/**
 * Stops a process by its id: sends each signal of `ladder` in turn and waits up to its time for the process to
 * be gone. Resolves `true` when it is gone, `false` when even the last step did not end it.
 */
export async function terminateProcess(
  pid: number,
  ladder: ReadonlyArray<readonly [NodeJS.Signals, number]> = POSTMASTER_STOP_LADDER,
): Promise<boolean> {
  for (const [signal, waitMs] of ladder) {
    if (!isProcessAlive(pid)) {
      return true;
    }
    sendSignal(pid, signal);
    const deadline = Date.now() + waitMs;
    while (isProcessAlive(pid) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  return !isProcessAlive(pid);
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Blocks the thread for `ms` milliseconds (for `process.on('exit')`, where nothing asynchronous runs). */
export function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

/** {@link terminateProcess}, synchronously (busy waiting in 10 ms steps). */
export function terminateProcessSync(
  pid: number,
  ladder: ReadonlyArray<readonly [NodeJS.Signals, number]> = POSTMASTER_STOP_LADDER,
): boolean {
  for (const [signal, waitMs] of ladder) {
    if (!isProcessAlive(pid)) {
      return true;
    }
    try {
      sendSignal(pid, signal);
    } catch {
      return false;
    }
    const deadline = Date.now() + waitMs;
    while (isProcessAlive(pid) && Date.now() < deadline) {
      sleepSync(10);
    }
  }
  return !isProcessAlive(pid);
}
