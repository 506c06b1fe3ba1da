import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { removeStaleCopies } from './native-binaries';
import { isPostmasterFor, isProcessAlive, processStartTime, terminateProcess } from './processes';

/**
 * Who started a cluster: the Node process id and its start time (so a reused pid is not mistaken for the owner).
 * Stored as JSON next to (temporary) or inside (persistent) the data directory.
 */
export interface OwnerRecord {
  readonly pid: number;
  readonly startTime?: string;
  readonly createdAt: string;
}

/** Name start of temporary cluster folders in `os.tmpdir()`; each holds `owner.json` and `data/`. */
export const TEMP_CLUSTER_PREFIX = 'mikro-orm-alembic-pg-';
/** The owner file of a temporary cluster folder. */
export const TEMP_OWNER_FILE = 'owner.json';
/** The owner file kept inside a persistent data directory. */
export const PERSISTENT_OWNER_FILE = 'mikro-orm-alembic.owner.json';

/** How long a temporary folder without an owner file may exist before it counts as abandoned. */
const UNOWNED_GRACE_MS = 60_000;

/** Writes this process as the owner into `file`. */
export function writeOwnerRecord(file: string): void {
  const record: OwnerRecord = { pid: process.pid, startTime: processStartTime(process.pid), createdAt: new Date().toISOString() };
  fs.writeFileSync(file, `${JSON.stringify(record)}\n`, { mode: 0o644 });
}

/** Reads an owner file; `undefined` when missing or unreadable. */
export function readOwnerRecord(file: string): OwnerRecord | undefined {
  try {
    const record = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<OwnerRecord>;
    return typeof record.pid === 'number' ? { pid: record.pid, startTime: record.startTime, createdAt: String(record.createdAt) } : undefined;
  } catch {
    return undefined;
  }
}

/** True when the process that wrote the record still runs (same pid and, where known, same start time). */
export function isOwnerAlive(record: OwnerRecord): boolean {
  if (!isProcessAlive(record.pid)) {
    return false;
  }
  const now = processStartTime(record.pid);
  return record.startTime === undefined || now === undefined || now === record.startTime;
}

/** The postmaster id written in `dataDir/postmaster.pid`, if the file exists. */
export function readPostmasterPid(dataDir: string): number | undefined {
  try {
    const first = fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0] ?? '';
    const pid = Number(first.trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** One temporary cluster that {@link reapOrphanedClusters} cleaned. */
export interface ReapedCluster {
  /** The temporary folder that was removed. */
  readonly dir: string;
  /** The orphaned postmaster that was stopped, if one still ran. */
  readonly stoppedPid?: number;
}

/** Options of {@link reapOrphanedClusters}. */
export interface ReapOptions {
  /** Where temporary clusters live (default `os.tmpdir()`). */
  tmpDir?: string;
  /** Receives one line per cleaned cluster. */
  log?: (line: string) => void;
}

/**
 * Cleans up after Node processes that died without stopping their temporary embedded PostgreSQL
 * (e.g. killed with SIGKILL): for every `mikro-orm-alembic-pg-*` folder in `os.tmpdir()` whose owner process is gone,
 * stops its postmaster (only after checking that the process is a `postgres -D <that folder>`) and deletes the folder.
 * Folders of live owners are left alone. Runs automatically before each embedded start.
 *
 * @example
 * ```ts
 * import { reapOrphanedClusters } from 'mikro-orm-alembic';
 * for (const reaped of await reapOrphanedClusters()) console.log('cleaned', reaped.dir, reaped.stoppedPid);
 * ```
 */
export async function reapOrphanedClusters(options: ReapOptions = {}): Promise<ReapedCluster[]> {
  const tmpDir = options.tmpDir ?? os.tmpdir();
  const reaped: ReapedCluster[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(tmpDir).filter((name) => name.startsWith(TEMP_CLUSTER_PREFIX));
  } catch {
    return reaped;
  }
  for (const name of names) {
    const dir = path.join(tmpDir, name);
    if (!isAbandoned(dir)) {
      continue;
    }
    const dataDir = path.join(dir, 'data');
    const pid = readPostmasterPid(dataDir);
    let stoppedPid: number | undefined;
    if (pid !== undefined && isProcessAlive(pid) && isPostmasterFor(pid, dataDir)) {
      try {
        if (!(await terminateProcess(pid))) {
          continue;
        }
        stoppedPid = pid;
      } catch {
        continue; // not ours to stop (EPERM): leave the folder to its owner
      }
    }
    try {
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      continue;
    }
    reaped.push({ dir, stoppedPid });
    options.log?.(
      `removed orphaned embedded PostgreSQL folder ${dir}${stoppedPid === undefined ? '' : ` (stopped its postmaster, pid ${stoppedPid})`}`,
    );
  }
  removeStaleCopies(tmpDir);
  return reaped;
}

function isAbandoned(dir: string): boolean {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(dir);
  } catch {
    return false;
  }
  if (!stat.isDirectory()) {
    return false;
  }
  const owner = readOwnerRecord(path.join(dir, TEMP_OWNER_FILE));
  if (owner === undefined) {
    return Date.now() - stat.mtimeMs > UNOWNED_GRACE_MS;
  }
  return !isOwnerAlive(owner);
}
