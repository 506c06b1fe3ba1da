import { readdirSync, statSync, type Stats } from 'node:fs';
import { resolve, sep } from 'node:path';
import type { RevisionRecord } from '../graph/types';
import { displayPath } from './display-path';
import { readText } from './file-text';
import { HeaderCache } from './header-cache';
import { ScriptDirectoryMissingError } from './errors';
import { readRevisionHeader, revisionHeaderOf, type RevisionHeader } from './header-reader';
import type { ScannedStaticFile } from './static-revision';
import { isTsLoaderRegistered } from './ts-loader-registered';

/**
 * Discovery: the migrations folder → its revisions, read from the file text (no module is
 * imported or compiled; see `readRevisionHeader`). The rule for which files are revisions is on
 * `ScriptDirectory`.
 */

/** One revision file, as discovery read it. A frozen plain object. */
export interface RevisionScript extends RevisionHeader {
  /** Absolute path of the file. */
  readonly path: string;
  /** The file's name (`1a2b3c4d5e6f_add_user_role.ts`). */
  readonly fileName: string;
}

/** Where the revisions are. Relative folders are resolved against `baseDir`. */
export interface ScriptDirectoryOptions {
  /** The folder of compiled (`.js`) revisions, like MikroORM's `migrations.path`. Default `'migrations'`. */
  readonly path?: string;
  /** The folder of TypeScript revisions, like MikroORM's `migrations.pathTs`. Default: `path`. */
  readonly pathTs?: string;
  /**
   * Read `pathTs` and prefer `.ts` files. Default: whether a TypeScript loader (ts-node, ...) is
   * registered in this process, as MikroORM decides.
   */
  readonly preferTs?: boolean;
  /** The base of relative folders. Default `process.cwd()`. */
  readonly baseDir?: string;
  /**
   * Keep the headers read in the project's `node_modules/.cache` and reuse those whose file is
   * unchanged (same size, inode, mtime and ctime; see `HeaderCache`). Default: for folders of 500
   * revision files or more (smaller ones are read faster than a cache); off with
   * `MIKRO_ORM_ALEMBIC_HEADER_CACHE=0` whatever this says.
   */
  readonly headerCache?: boolean;
  /**
   * Keep what each static revision file (see `staticRevision`) holds until
   * {@link ScriptDirectory.takeFile} asks for it: for a command that is about to load every revision
   * (the offline SQL of a whole upgrade). A file is read and scanned once, for its header and its
   * statements; with the header cache, a file unchanged since a run that scanned it is not read at
   * all (its scan is stored with its header, see `HeaderCache`). Default `false`.
   */
  readonly keepScans?: boolean;
}

/**
 * A static revision file as discovery kept it with `keepScans` (see {@link ScriptDirectory.takeFile}):
 * what the scanner read from it, and the source digest of its text.
 */
export type KeptFile = ScannedStaticFile;

const EXTENSIONS = ['.ts', '.js', '.cjs'];

/** From this many revision files on, discovery uses the header cache by default. */
const HEADER_CACHE_MIN_FILES = 500;

/**
 * The folder discovery reads: `pathTs` when preferring TypeScript (and it is set), else `path`;
 * absolute.
 *
 * @example
 * ```ts
 * import { resolveScriptFolder } from 'mikro-orm-alembic';
 *
 * resolveScriptFolder({ path: 'dist/migrations', pathTs: 'src/migrations', preferTs: true }); // '/app/src/migrations'
 * ```
 */
export function resolveScriptFolder(options: ScriptDirectoryOptions = {}): string {
  const preferTs = options.preferTs ?? isTsLoaderRegistered();
  const path = options.path ?? 'migrations';
  const folder = preferTs ? (options.pathTs ?? path) : path;
  return resolve(options.baseDir ?? process.cwd(), folder);
}

/**
 * Whether a file name is read as a revision (the rule is on `ScriptDirectory`): `.ts`/`.js`/`.cjs`, not `.d.ts`,
 * not starting with `_` or `.`.
 *
 * @example
 * ```ts
 * isRevisionFileName('1a2b3c4d5e6f_add_user_role.ts'); // true
 * isRevisionFileName('_helpers.ts');                   // false
 * isRevisionFileName('1a2b3c4d5e6f_add_user_role.d.ts'); // false
 * ```
 */
export function isRevisionFileName(name: string): boolean {
  const first = name.charCodeAt(0);
  if (first === 95 || first === 46) return false; // _ .
  if (!EXTENSIONS.includes(extensionOf(name))) return false;
  return !name.endsWith('.d.ts');
}

/**
 * The revisions of a migrations folder, in file-name order. Reading is fast (one `readdir`, one read
 * per file, a small reader: no compiler, no import; with the header cache, a `stat` per unchanged
 * file instead, see {@link ScriptDirectoryOptions.headerCache}) and strict (a file it cannot read is
 * an error naming the file and line).
 *
 * **Which files are revisions.** Every file directly in the folder (not in subfolders) whose name
 * ends in `.ts`, `.js` or `.cjs` is a revision, except:
 * - declaration files (`*.d.ts`),
 * - names starting with `_` or `.` (put helpers there: `_helpers.ts`, or in a subfolder).
 *
 * Other files (`.map`, `.json`, `.md`, `.mjs`, `.mts`, ...) are ignored. A file the rule selects
 * must be a revision: one without a `revision` field is an error naming it, so a typo never hides a
 * revision. When one name exists with several extensions (`x.ts` and `x.js`, compiled in place),
 * one is read: `.ts` when reading TypeScript (`preferTs`), else `.js`, else `.cjs`.
 *
 * **Order.** By file name (UTF-16 code units), which is also the load order the graph sees.
 * Duplicate ids are passed through: the graph reports them.
 *
 * @example
 * ```ts
 * import { ScriptDirectory } from 'mikro-orm-alembic';
 *
 * const dir = ScriptDirectory.read({ path: 'dist/migrations', pathTs: 'src/migrations' });
 * for (const script of dir.scripts) console.log(script.id, script.downRevisions, script.message);
 * const records = dir.toRecords(); // the graph's input
 * ```
 */
export class ScriptDirectory {
  private constructor(
    /** The absolute folder that was read. */
    readonly folder: string,
    /** The revisions, in file-name order (duplicates included). */
    readonly scripts: readonly RevisionScript[],
    /** With `keepScans`: the scan of each static revision file, until it is taken. */
    private readonly kept: Map<RevisionScript, KeptFile> | null = null,
  ) {}

  /**
   * Reads the folder chosen by `options` (see `resolveScriptFolder`).
   * Throws `ScriptDirectoryMissingError` when it does not exist, and the reader's errors.
   */
  static read(options: ScriptDirectoryOptions = {}): ScriptDirectory {
    const preferTs = options.preferTs ?? isTsLoaderRegistered();
    const folder = resolveScriptFolder({ ...options, preferTs });
    const shownFolder = displayPath(folder);
    const keepScans = options.keepScans === true;
    // With the header cache every file gets a `stat`, which tells files from the rest: the folder's
    // names are then listed alone (an entry object each costs a quarter of the listing). A name that
    // turns out not to be a file sends discovery back to a listing that tells.
    const mayCache = options.headerCache !== false && HeaderCache.enabled();
    const listed = revisionFileNames(folder, shownFolder, mayCache ? 'names' : 'files');
    // small folders are read faster than a cache is: no cache file for them (nor for every test's folder)
    const cache = mayCache && (options.headerCache ?? listed.length >= HEADER_CACHE_MIN_FILES) ? HeaderCache.open(folder, { scans: keepScans }) : null;
    const read = (names: string[], filesOnly: boolean): ScriptDirectory | null => {
      const found = { folder, shownFolder, names: pickOnePerName(names, preferTs), cache, filesOnly };
      if (!keepScans) {
        const scripts = readHeaders(found);
        return scripts === null ? null : new ScriptDirectory(folder, scripts);
      }
      const kept = new Map<RevisionScript, KeptFile>();
      const scripts = readScanned(found, kept);
      return scripts === null ? null : new ScriptDirectory(folder, scripts, kept);
    };
    if (cache !== null) {
      const directory = read(listed, false);
      if (directory !== null) return directory;
    }
    // No cache (a small folder, no node_modules), or a name that is no file: list again, with the
    // entries' types. A second listing of a small folder costs less than a `stat` per file.
    return read(cache === null && !mayCache ? listed : revisionFileNames(folder, shownFolder, 'files'), true)!;
  }

  /**
   * What discovery kept of one of {@link scripts}' files, once: with `keepScans`, the first call for a
   * static revision file returns its scan and forgets it; otherwise (a file that is not static, no
   * `keepScans`, a second call) `undefined`, and the caller reads the file itself.
   *
   * @example
   * ```ts
   * const dir = ScriptDirectory.read({ path: 'migrations', keepScans: true });
   * const statements = dir.takeFile(dir.scripts[0])?.staticBody.up; // ['create table ...'], or undefined
   * ```
   */
  takeFile(script: RevisionScript): KeptFile | undefined {
    const file = this.kept?.get(script);
    if (file !== undefined) this.kept!.delete(script);
    return file;
  }

  /**
   * The first revision with this exact id, if any.
   *
   * @example
   * ```ts
   * const script = ScriptDirectory.read().get('1a2b3c4d5e6f');
   * ```
   */
  get(id: string): RevisionScript | undefined {
    return this.scripts.find((s) => s.id === id);
  }

  /**
   * The revisions as the graph's records, in the same order.
   *
   * @example
   * ```ts
   * const records = ScriptDirectory.read().toRecords(); // [{ id, downRevisions, branchLabels, dependsOn }, ...]
   * ```
   */
  toRecords(): RevisionRecord[] {
    return this.scripts.map((s) =>
      Object.freeze(
        s.replaces.length === 0
          ? { id: s.id, downRevisions: s.downRevisions, branchLabels: s.branchLabels, dependsOn: s.dependsOn }
          : { id: s.id, downRevisions: s.downRevisions, branchLabels: s.branchLabels, dependsOn: s.dependsOn, replaces: s.replaces },
      ),
    );
  }
}

/**
 * The revision files of a folder, as discovery lists them: `names` lists every name the rule selects
 * (directories too: the caller tells them apart by their `stat`), `files` only files and symbolic
 * links. Sorted later, by `pickOnePerName`.
 */
function revisionFileNames(folder: string, shownFolder: string, what: 'names' | 'files'): string[] {
  try {
    if (what === 'names') return readdirSync(folder).filter(isRevisionFileName);
    const entries = readdirSync(folder, { withFileTypes: true });
    return entries.filter((e) => (e.isFile() || e.isSymbolicLink()) && isRevisionFileName(e.name)).map((e) => e.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ScriptDirectoryMissingError(shownFolder);
    throw error;
  }
}

/** The chosen revision files of a folder, and how to read them. */
interface Found {
  readonly folder: string;
  readonly shownFolder: string;
  /** Sorted, one per name (`pickOnePerName`). */
  readonly names: readonly string[];
  readonly cache: HeaderCache | null;
  /** Whether the listing held files (and links) only; if not, the first name that is no file gives `null`. */
  readonly filesOnly: boolean;
}

/** The headers of `found`'s files, from the cache when a file's `stat` allows, else read (`null`: see {@link Found.filesOnly}). */
function readHeaders({ folder, shownFolder, names, cache, filesOnly }: Found): readonly RevisionScript[] | null {
  const scripts: RevisionScript[] = new Array<RevisionScript>(names.length);
  for (let i = 0; i < names.length; i++) {
    const fileName = names[i];
    const path = folder + sep + fileName;
    let header: RevisionHeader | undefined;
    if (cache === null) {
      header = readRevisionHeader(readText(path), shownFolder + sep + fileName);
    } else {
      const stat = statSync(path); // before the read: see HeaderCache
      if (!filesOnly && !stat.isFile()) return null;
      header = cache.get(fileName, stat);
      if (header === undefined) {
        header = readRevisionHeader(readText(path), shownFolder + sep + fileName);
        cache.put(fileName, stat, header);
      }
    }
    scripts[i] = scriptOf(header, path, fileName);
  }
  cache?.save();
  return Object.freeze(scripts);
}

/**
 * Discovery with `keepScans`: as {@link readHeaders}, and in `kept` the scan of each static file. With a
 * cache (opened with scans), the files whose `stat` matches are not read; the others are read (all
 * first, then scanned) and stored.
 */
function readScanned({ folder, shownFolder, names, cache, filesOnly }: Found, kept: Map<RevisionScript, KeptFile>): readonly RevisionScript[] | null {
  const scripts: RevisionScript[] = new Array<RevisionScript>(names.length);
  const toRead: number[] = [];
  const stats: Stats[] = [];
  for (let i = 0; i < names.length; i++) {
    if (cache === null) {
      toRead.push(i);
      continue;
    }
    const path = folder + sep + names[i];
    const stat = statSync(path); // before the read: see HeaderCache
    if (!filesOnly && !stat.isFile()) return null;
    const hit = cache.getScanned(names[i], stat);
    if (hit === undefined) {
      toRead.push(i);
      stats.push(stat);
      continue;
    }
    const script = (scripts[i] = scriptOf(hit.header, path, names[i]));
    if (hit.scan !== null) kept.set(script, hit.scan);
  }
  const texts = readFiles(toRead.map((i) => folder + sep + names[i]));
  toRead.forEach((i, k) => {
    const path = folder + sep + names[i];
    const text = texts[k];
    const { header, scan } = readKept(text, path, shownFolder + sep + names[i]);
    const script = (scripts[i] = scriptOf(header, path, names[i]));
    if (scan !== null) kept.set(script, scan);
    cache?.put(names[i], stats[k], header, scan);
  });
  cache?.save();
  return Object.freeze(scripts);
}

/**
 * Every file whole, before any is parsed: the reads in one tight loop run faster than interleaved with
 * parsing (the kernel's path lookups stay in the CPU's caches). (Sharing the reads with a helper
 * thread was measured slower on the 2-core machine: each thread's reads took twice as long.)
 */
function readFiles(paths: readonly string[]): string[] {
  return paths.map((path) => readText(path));
}

/**
 * A file's header, and its static scan when it is a static revision file: that scan finds the header's
 * fields and comment too, so such a file is read by one scanner, not two (`revisionHeaderOf` then
 * checks and answers as `readRevisionHeader` does).
 */
function readKept(text: string, path: string, shown: string): { header: RevisionHeader; scan: ScannedStaticFile | null } {
  // loaded here: `heads` and `history` never scan (the scanner and its imports took 6 ms of their module loading)
  const { scanStaticRevisionFile, staticFormOf } = require('./static-revision') as typeof import('./static-revision');
  const { sourceDigest } = require('./source-digest') as typeof import('./source-digest');
  const form = staticFormOf(path);
  const scanned = form === null ? null : scanStaticRevisionFile(text, form);
  if (scanned === null) return { header: readRevisionHeader(text, shown), scan: null };
  return { header: revisionHeaderOf(text, shown, scanned.header), scan: { staticBody: scanned.body, sourceDigest: sourceDigest(text) } };
}

/** A revision script: its header's fields (one shape for all, built without a spread), its path and name. */
function scriptOf(h: RevisionHeader, path: string, fileName: string): RevisionScript {
  return Object.freeze({
    id: h.id,
    downRevisions: h.downRevisions,
    branchLabels: h.branchLabels,
    dependsOn: h.dependsOn,
    transactional: h.transactional,
    replaces: h.replaces,
    message: h.message,
    createDate: h.createDate,
    path,
    fileName,
  });
}

/** Sorted names, keeping one file per name-without-extension. */
function pickOnePerName(names: string[], preferTs: boolean): string[] {
  // all with one extension (the usual folder): the names are unique, so are their stems
  const first = names.length > 0 ? extensionOf(names[0]) : '';
  if (names.every((name) => name.endsWith(first))) return names.sort();
  const rank = preferTs ? ['.ts', '.js', '.cjs'] : ['.js', '.cjs', '.ts'];
  const chosen = new Map<string, string>();
  for (const name of names) {
    const ext = extensionOf(name);
    const stem = name.slice(0, -ext.length);
    const other = chosen.get(stem);
    if (other === undefined || rank.indexOf(ext) < rank.indexOf(extensionOf(other))) chosen.set(stem, name);
  }
  return [...chosen.values()].sort();
}

/** `extname(name)` for a file name that does not start with `.` (the only names asked about): from its last dot. */
function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot) : '';
}
