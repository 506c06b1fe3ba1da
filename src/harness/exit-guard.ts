/**
 * Stops what we started when this process ends: on `exit` (synchronously), and on SIGINT, SIGTERM and SIGHUP
 * (stop, then let the signal end the process with its conventional code, 128 + signal number).
 * Handlers are installed while something is guarded and removed afterwards, so they never change how the process
 * reacts to signals when no server runs. Internal to the harness.
 */

/** Something to stop synchronously when the process ends. */
export interface Guarded {
  /** Must be synchronous and must not throw. */
  stopSync(): void;
}

const guarded = new Set<Guarded>();
const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
let installed = false;

function stopAll(): void {
  for (const entry of [...guarded]) {
    guarded.delete(entry);
    try {
      entry.stopSync();
    } catch {
      /* keep stopping the others */
    }
  }
}

function onExit(): void {
  stopAll();
  uninstall();
}

function onSignal(signal: NodeJS.Signals): void {
  stopAll();
  uninstall();
  if (process.listenerCount(signal) === 0) {
    // Nobody else handles it: re-raise, so the default action ends the process with the conventional code.
    process.kill(process.pid, signal);
  }
}

function install(): void {
  if (installed) {
    return;
  }
  installed = true;
  process.on('exit', onExit);
  for (const signal of SIGNALS) {
    process.on(signal, onSignal);
  }
}

function uninstall(): void {
  if (!installed) {
    return;
  }
  installed = false;
  process.removeListener('exit', onExit);
  for (const signal of SIGNALS) {
    process.removeListener(signal, onSignal);
  }
}

/**
 * Guards `entry` until the returned function is called (call it once the thing is stopped normally).
 */
export function guard(entry: Guarded): () => void {
  guarded.add(entry);
  install();
  return () => {
    guarded.delete(entry);
    if (guarded.size === 0) {
      uninstall();
    }
  };
}
