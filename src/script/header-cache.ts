import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { dirname, join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { RevisionHeader } from './header-reader';
import type { ScannedStaticFile } from './static-revision';

/**
 * The headers discovery read, kept between runs so that a folder of thousands of revisions is not
 * read and parsed again by every `heads` or `history`. It can never answer with a stale header:
 *
 * - **Each file is checked on every run**: an entry is used only when the file's `stat` now has the
 *   same size, inode, modification time and change time (`ctime`, which no program can set back) as
 *   when its header was read. A `stat` costs less than the open, read and close it replaces, and no
 *   parsing is done.
 * - **Racy files are not kept**: a header is stored only when the file's change and modification times
 *   are more than {@link RACY_MS} older than the moment its `stat` was taken, so a later write, however
 *   fast, gives the file another `ctime` (the clock's tick is milliseconds; the margin is seconds).
 * - **The reader is part of the key**: the cache records a digest of the header reader's own code (and
 *   what it uses); another version of the package, or an edited reader, starts from an empty cache.
 * - Errors are never cached: a file the reader refuses is read (and refused) every time.
 *
 * **With scans** (`open(folder, { scans: true })`, for discovery that keeps what every revision will
 * load, `ScriptDirectoryOptions.keepScans`), each entry also holds what the static scanner read from the
 * file (its statements, see `staticRevision`) and the digest of its text (the checksum's source part),
 * or that the file is not static: an unchanged static revision is then neither read nor scanned again.
 * Those entries are kept in a file of their own (the header-only cache stays small for `heads`), and
 * the scanner's code is part of their key.
 *
 * Discovery uses it for folders of 500 revision files or more (`ScriptDirectoryOptions.headerCache`).
 * It lives in the project's `node_modules/.cache/mikro-orm-alembic/` (the nearest `node_modules` above
 * the folder; none: no cache), one file per migrations folder (two with scans), written atomically (a
 * temporary file renamed) and only when something changed. A cache that cannot be read or written is
 * ignored. `MIKRO_ORM_ALEMBIC_HEADER_CACHE=0` turns it off.
 *
 * @internal
 */
export class HeaderCache {
  /** Which stored headers this run used (a hit keeps its entry), and how many. */
  private readonly used: Uint8Array;
  private usedCount = 0;
  /** Headers read this run, to store. */
  private readonly added = new Map<string, Entry>();
  private changed = false;
  /** The file that {@link get} is most likely asked about next: discovery asks in the stored (sorted) order. */
  private cursor = 0;
  private byName: Map<string, number> | null = null;

  private constructor(
    private readonly file: string,
    private readonly folder: string,
    private readonly previous: Stored,
    private readonly racyMs: number,
    private readonly now: number,
    private readonly withScans: boolean,
  ) {
    this.used = new Uint8Array(previous.names.length);
  }

  /** Whether caching is on: `MIKRO_ORM_ALEMBIC_HEADER_CACHE=0` turns it off. */
  static enabled(): boolean {
    return process.env.MIKRO_ORM_ALEMBIC_HEADER_CACHE !== '0';
  }

  /**
   * The cache of `folder` (empty when there is none yet), or `null` when caching is off or there is no
   * `node_modules` above the folder.
   *
   * @example
   * ```ts
   * const cache = HeaderCache.open('/app/migrations');
   * const withScans = HeaderCache.open('/app/migrations', { scans: true });
   * ```
   */
  static open(folder: string, options: { racyMs?: number; scans?: boolean } = {}): HeaderCache | null {
    if (!HeaderCache.enabled()) return null;
    const modules = nodeModulesAbove(folder);
    if (modules === null) return null;
    const scans = options.scans === true;
    const file = join(modules, '.cache', 'mikro-orm-alembic', `${scans ? 'scans' : 'headers'}-${sha1(folder).slice(0, 16)}.v8`);
    const now = Date.now(); // before any stat of this run
    return new HeaderCache(file, folder, readStored(file, folder, scans), options.racyMs ?? RACY_MS, now, scans);
  }

  /**
   * The header stored for `fileName` when the file's `stat` matches, else `undefined`. Whatever is
   * looked up (and whatever {@link put} adds) is what {@link save} keeps.
   */
  get(fileName: string, stat: Stats): RevisionHeader | undefined {
    const i = this.hit(fileName, stat);
    return i < 0 ? undefined : headerAt(this.previous, i);
  }

  /**
   * With scans: the header stored for `fileName` and its scan (`null`: the file is not static) when
   * the file's `stat` matches, else `undefined`.
   */
  getScanned(fileName: string, stat: Stats): { header: RevisionHeader; scan: ScannedStaticFile | null } | undefined {
    if (!this.withScans) throw new Error('internal: a header cache opened without scans has none');
    const i = this.hit(fileName, stat);
    return i < 0 ? undefined : { header: headerAt(this.previous, i), scan: scanOf(this.previous.scans[i]) };
  }

  /**
   * Stores the header just read from `fileName`, whose `stat` was taken before it was read (unless the
   * file is racy); with scans, also its scan (`null`: not static).
   */
  put(fileName: string, stat: Stats, header: RevisionHeader, scan?: ScannedStaticFile | null): void {
    if (this.withScans && scan === undefined) throw new Error('internal: a header cache with scans stores a scan with each header');
    this.changed = true;
    if (stat.ctimeMs > this.now - this.racyMs || stat.mtimeMs > this.now - this.racyMs) return;
    this.added.set(fileName, { size: stat.size, ino: stat.ino, mtimeMs: stat.mtimeMs, ctimeMs: stat.ctimeMs, header, scan: storedScan(scan) });
  }

  /** Writes the cache when an entry was added or a file is gone; errors are ignored (the cache is only a cache). */
  save(): void {
    if (!this.changed && this.usedCount === this.previous.names.length) return;
    // the entries kept (the stored ones used, the ones added), in file-name order: discovery's order
    const previous = this.previous;
    const order: (number | string)[] = [];
    for (let i = 0; i < this.used.length; i++) if (this.used[i] === 1 && !this.added.has(previous.names[i])) order.push(i);
    for (const name of this.added.keys()) order.push(name);
    const nameOf = (k: number | string) => (typeof k === 'number' ? previous.names[k] : k);
    order.sort((a, b) => (nameOf(a) < nameOf(b) ? -1 : 1));
    const names: string[] = [];
    const stats = new Float64Array(4 * order.length);
    const ids: string[] = [];
    const down: string[] = [];
    let transactional = '';
    const messages: string[] = [];
    const dates: (string | null)[] = [];
    const lists: Columns['lists'] = [];
    const scans: StoredScan[] = [];
    for (const k of order) {
      const name = nameOf(k);
      const e = typeof k === 'string' ? this.added.get(k)! : entryAt(previous, k);
      const h = e.header;
      if (h.branchLabels.length > 0 || h.dependsOn.length > 0 || h.replaces.length > 0) lists.push([names.length, h.branchLabels, h.dependsOn, h.replaces]);
      const at = 4 * names.length;
      names.push(name);
      stats[at] = e.size;
      stats[at + 1] = e.ino;
      stats[at + 2] = e.mtimeMs;
      stats[at + 3] = e.ctimeMs;
      ids.push(h.id);
      down.push(h.downRevisions.join(' '));
      transactional += h.transactional ? '1' : '0';
      messages.push(h.message);
      dates.push(h.createDate);
      scans.push(e.scan);
    }
    const columns: Columns = { names, stats, ids, down, transactional, messages, dates, lists, scans: this.withScans ? scans : [] };
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      const temporary = `${this.file}.${process.pid}.tmp`;
      writeFileSync(temporary, serialize({ format: FORMAT, reader: readerDigest(this.withScans), v8: process.versions.v8, folder: this.folder, ...columns }));
      renameSync(temporary, this.file);
    } catch {
      // read-only node_modules, a full disk: run without a cache
    }
  }

  /** The stored index of `fileName` when its `stat` matches (the entry is then kept), or -1. */
  private hit(fileName: string, stat: Stats): number {
    const i = this.indexOf(fileName);
    if (i < 0) return -1;
    const stats = this.previous.stats;
    const at = i * 4;
    if (stats[at] !== stat.size || stats[at + 1] !== stat.ino || stats[at + 2] !== stat.mtimeMs || stats[at + 3] !== stat.ctimeMs) return -1;
    if (this.used[i] === 0) {
      this.used[i] = 1;
      this.usedCount++;
    }
    return i;
  }

  /** The stored index of `fileName`, or -1. */
  private indexOf(fileName: string): number {
    const names = this.previous.names;
    if (names[this.cursor] === fileName) return this.cursor++;
    if (this.byName === null) {
      this.byName = new Map();
      for (let i = 0; i < names.length; i++) this.byName.set(names[i], i);
    }
    const i = this.byName.get(fileName);
    if (i === undefined) return -1;
    this.cursor = i + 1;
    return i;
  }
}

/** Files changed less than this long before a run are read again next time (see the class comment). */
export const RACY_MS = 3000;

/**
 * 2: one array per field (a row per file was a 13-element array: 20,000 of them, and their numbers,
 * cost more to parse and keep than the headers themselves). 3: the `scans` column; written with V8's
 * serializer (strings are copied, not parsed as JSON; the numbers are one `Float64Array`), so it is
 * read only by the V8 version that wrote it.
 */
const FORMAT = 3;

interface Entry {
  readonly size: number;
  readonly ino: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly header: RevisionHeader;
  readonly scan: StoredScan;
}

/** A file's scan as stored: `0` when it is not static (or the cache has no scans). */
type StoredScan = 0 | [sourceDigest: string, className: string, importFrom: string, up: readonly string[], down: readonly string[] | null];

/**
 * The stored headers, a field per array, file `i` at index `i` of each (`stats` at `4i`: size, inode,
 * mtime, ctime). Down revisions are joined by a space (an id has none); `transactional` is a string of
 * `1`/`0`; branch labels, dependencies and replaced ids, rarely set, are listed for the files that
 * have any. `scans` is empty in a cache without scans.
 */
interface Columns {
  readonly names: string[];
  readonly stats: Float64Array;
  readonly ids: string[];
  readonly down: string[];
  readonly transactional: string;
  readonly messages: string[];
  readonly dates: (string | null)[];
  readonly lists: [index: number, branchLabels: readonly string[], dependsOn: readonly string[], replaces: readonly string[]][];
  readonly scans: StoredScan[];
}

/** A file's branch labels, dependencies and replaced ids, frozen. */
interface Lists {
  readonly branchLabels: readonly string[];
  readonly dependsOn: readonly string[];
  readonly replaces: readonly string[];
}

/** The cache as read: its columns, and the lists of the files that have any, by index. */
interface Stored extends Columns {
  readonly extras: ReadonlyMap<number, Lists>;
}

const EMPTY: readonly string[] = Object.freeze([]);
const NO_LISTS: Lists = Object.freeze({ branchLabels: EMPTY, dependsOn: EMPTY, replaces: EMPTY });
const NOTHING_STORED: Stored = Object.freeze({ names: [], stats: new Float64Array(0), ids: [], down: [], transactional: '', messages: [], dates: [], lists: [], scans: [], extras: new Map() });

/** The header of file `i`: a frozen object, as the reader returns. */
function headerAt(stored: Stored, i: number): RevisionHeader {
  const down = stored.down[i];
  const { branchLabels, dependsOn, replaces } = stored.extras.get(i) ?? NO_LISTS;
  return Object.freeze({
    id: stored.ids[i],
    downRevisions: down === '' ? EMPTY : Object.freeze(down.split(' ')),
    branchLabels,
    dependsOn,
    transactional: stored.transactional.charCodeAt(i) === 49, // '1'
    replaces,
    message: stored.messages[i],
    createDate: stored.dates[i],
  });
}

/** A scan as stored (`0`: not static, or no scans kept). */
function storedScan(scan: ScannedStaticFile | null | undefined): StoredScan {
  if (scan === null || scan === undefined) return 0;
  const body = scan.staticBody;
  return [scan.sourceDigest, body.className, body.importFrom, body.up, body.down];
}

/** A stored scan as discovery hands it out. */
function scanOf(stored: StoredScan): ScannedStaticFile | null {
  if (stored === 0) return null;
  const [sourceDigest, className, importFrom, up, down] = stored;
  return { staticBody: { className, importFrom, up, down }, sourceDigest };
}

/** File `i`'s stored entry. */
function entryAt(stored: Stored, i: number): Entry {
  const at = 4 * i;
  const stats = stored.stats;
  return { size: stats[at], ino: stats[at + 1], mtimeMs: stats[at + 2], ctimeMs: stats[at + 3], header: headerAt(stored, i), scan: stored.scans[i] ?? 0 };
}

function readStored(file: string, folder: string, scans: boolean): Stored {
  let parsed: Record<string, unknown>;
  try {
    parsed = deserialize(readFileSync(file)) as Record<string, unknown>;
    if (typeof parsed !== 'object' || parsed === null) return NOTHING_STORED;
  } catch {
    return NOTHING_STORED;
  }
  if (parsed.format !== FORMAT || parsed.reader !== readerDigest(scans) || parsed.v8 !== process.versions.v8 || parsed.folder !== folder) return NOTHING_STORED;
  // not written by this code: ignore it all
  if (!isColumns(parsed, scans)) return NOTHING_STORED;
  const frozen = (list: readonly string[]) => (list.length === 0 ? EMPTY : Object.freeze(list));
  const extras = new Map<number, Lists>();
  for (const [index, branchLabels, dependsOn, replaces] of parsed.lists) {
    extras.set(index, Object.freeze({ branchLabels: frozen(branchLabels), dependsOn: frozen(dependsOn), replaces: frozen(replaces) }));
  }
  return { ...parsed, extras };
}

function isColumns(c: Record<string, unknown>, withScans: boolean): c is Record<string, unknown> & Columns {
  const n = Array.isArray(c.names) ? c.names.length : -1;
  const strings = (x: unknown) => Array.isArray(x) && x.length === n && x.every((s) => typeof s === 'string');
  const stringList = (x: unknown) => Array.isArray(x) && x.every((s) => typeof s === 'string');
  const scan = (x: unknown) =>
    x === 0 ||
    (Array.isArray(x) &&
      x.length === 5 &&
      typeof x[0] === 'string' &&
      typeof x[1] === 'string' &&
      typeof x[2] === 'string' &&
      stringList(x[3]) &&
      (x[4] === null || stringList(x[4])));
  const scans = (x: unknown) => Array.isArray(x) && x.length === (withScans ? n : 0) && x.every(scan);
  const lists = (x: unknown) =>
    Array.isArray(x) &&
    x.every((e) => Array.isArray(e) && e.length === 4 && Number.isInteger(e[0]) && e[0] >= 0 && e[0] < n && e.slice(1).every(stringList));
  return (
    strings(c.names) &&
    c.stats instanceof Float64Array &&
    c.stats.length === 4 * n &&
    strings(c.ids) &&
    strings(c.down) &&
    typeof c.transactional === 'string' &&
    c.transactional.length === n &&
    /^[01]*$/.test(c.transactional) &&
    strings(c.messages) &&
    Array.isArray(c.dates) &&
    c.dates.length === n &&
    c.dates.every((d) => d === null || typeof d === 'string') &&
    lists(c.lists) &&
    scans(c.scans)
  );
}

const digests: { headers?: string; scans?: string } = {};

/** A digest of the header reader's code and of the modules its answers depend on (with scans: and the scanner's). */
function readerDigest(withScans: boolean): string {
  const kind = withScans ? 'scans' : 'headers';
  let digest = digests[kind];
  if (digest === undefined) {
    const hash = createHash('sha1');
    const modules = ['./header-reader', './revision-id', '../graph/reserved-names', './header-cache'];
    if (withScans) modules.push('./static-revision', './ts-source', './source-digest');
    for (const module of modules) hash.update(readFileSync(require.resolve(module), 'utf8'));
    digest = digests[kind] = hash.digest('hex');
  }
  return digest;
}

function nodeModulesAbove(folder: string): string | null {
  for (let dir = folder; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules');
    try {
      if (statSync(candidate).isDirectory()) return candidate;
    } catch {
      // not here
    }
    if (dirname(dir) === dir) return null;
  }
}

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}
