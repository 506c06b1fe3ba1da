/**
 * The package as a user gets it: a clean clone of the repository's committed tree, packed with `npm pack`
 * (which builds `dist/` through the `prepare` script). Shared by the suites that install the tarball into a
 * scratch project (test/mikro/packed.test.ts, test/e2e/seed-workflow.test.ts).
 *
 * The tarball is made once per commit: it is kept in `<tmpdir>/mikro-orm-alembic-packed/<commit>/`, so the
 * suites of one run (also in different mocha workers) and later runs of the same commit reuse it.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The repository (this worktree). */
export const REPO = resolve(__dirname, '..', '..');

/** What a command did. */
export interface Run {
  readonly code: number;
  /** stdout then stderr, without ANSI colours. */
  readonly output: string;
  readonly stdout: string;
}

/** Runs a command to its end (2 minutes at most), without colours; never throws. */
export function run(command: string, args: readonly string[], cwd: string, env: Record<string, string | undefined> = {}): Promise<Run> {
  return new Promise((done) => {
    const merged: Record<string, string> = {};
    for (const [key, value] of Object.entries({ ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...env })) {
      if (value !== undefined) merged[key] = value;
    }
    execFile(command, args, { cwd, env: merged, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      done({ code, output: `${stdout}${stderr}`.replace(/\x1b\[[0-9;]*m/g, ''), stdout });
    });
  });
}

/** The packed package. */
export interface PackedPackage {
  /** Absolute path of the `.tgz`. */
  readonly tarball: string;
  /** The files in it (`npm pack --json`'s list). */
  readonly files: readonly string[];
}

let packing: Promise<PackedPackage> | undefined;

/** The tarball of the committed tree (HEAD), made once per commit (see the module's comment). */
export function packedPackage(): Promise<PackedPackage> {
  packing ??= pack();
  return packing;
}

async function pack(): Promise<PackedPackage> {
  const head = await run('git', ['rev-parse', 'HEAD'], REPO);
  if (head.code !== 0) throw new Error(`git rev-parse HEAD: ${head.output}`);
  const cacheRoot = join(tmpdir(), 'mikro-orm-alembic-packed');
  const cache = join(cacheRoot, head.stdout.trim());
  const cached = readCache(cache);
  if (cached) return cached;

  mkdirSync(cacheRoot, { recursive: true });
  const work = mkdtempSync(join(cacheRoot, 'work-'));
  try {
    // a clean clone of the committed tree (no dist/, nothing untracked); node_modules is linked in only so
    // that the build can run: what is tested is the tarball `npm pack` makes there
    const clone = join(work, 'clone');
    const cloned = await run('git', ['clone', '-q', '--no-hardlinks', REPO, clone], work);
    if (cloned.code !== 0) throw new Error(`git clone: ${cloned.output}`);
    if (existsSync(join(clone, 'dist'))) throw new Error('the clone has a dist/');
    symlinkSync(join(REPO, 'node_modules'), join(clone, 'node_modules'), 'dir');
    const out = join(work, 'out');
    mkdirSync(out);
    const packed = await run('npm', ['pack', '--json', '--pack-destination', out], clone);
    if (packed.code !== 0) throw new Error(`npm pack: ${packed.output}`);
    const files = (JSON.parse(packed.stdout.slice(packed.stdout.lastIndexOf('\n[\n') + 1)) as { files: { path: string }[] }[])[0].files.map(
      (f) => f.path,
    );
    writeFileSync(join(out, 'files.json'), JSON.stringify(files));
    try {
      renameSync(out, cache); // atomic: another worker may have finished first, then its copy is used
    } catch {
      // kept the other one
    }
    const result = readCache(cache);
    if (!result) throw new Error(`npm pack wrote no tarball: ${packed.output}`);
    return result;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function readCache(directory: string): PackedPackage | undefined {
  if (!existsSync(join(directory, 'files.json'))) return undefined;
  const tarball = readdirSync(directory).find((f) => /^mikro-orm-alembic-.*\.tgz$/.test(f));
  if (tarball === undefined) return undefined;
  return { tarball: join(directory, tarball), files: JSON.parse(readFileSync(join(directory, 'files.json'), 'utf8')) as string[] };
}
