import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RevisionHeader } from './header-reader';

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
 * Discovery uses it for folders of 500 revision files or more (`ScriptDirectoryOptions.headerCache`).
 * It lives in the project's `node_modules/.cache/mikro-orm-alembic/` (the nearest `node_modules` above
 * the folder; none: no cache), one file per migrations folder, written atomically (a temporary file
 * renamed) and only when something changed. A cache that cannot be read or written is ignored.
 * `MIKRO_ORM_ALEMBIC_HEADER_CACHE=0` turns it off.
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
  ) {
    this.used = new Uint8Array(previous.names.length);
  }

  /**
   * The cache of `folder` (empty when there is none yet), or `null` when caching is off or there is no
   * `node_modules` above the folder.
   *
   * @example
   * ```ts
   * const cache = HeaderCache.open('/app/migrations');
   * ```
   */
  static open(folder: string, options: { racyMs?: number } = {}): HeaderCache | null {
    if (process.env.MIKRO_ORM_ALEMBIC_HEADER_CACHE === '0') return null;
    const modules = nodeModulesAbove(folder);
    if (modules === null) return null;
    const file = join(modules, '.cache', 'mikro-orm-alembic', `headers-${sha1(folder).slice(0, 16)}.json`);
    const now = Date.now(); // before any stat of this run
    return new HeaderCache(file, folder, readStored(file, folder), options.racyMs ?? RACY_MS, now);
  }

  /**
   * The header stored for `fileName` when the file's `stat` matches, else `undefined`. Whatever is
   * looked up (and whatever {@link put} adds) is what {@link save} keeps.
   */
  get(fileName: string, stat: Stats): RevisionHeader | undefined {
    const i = this.indexOf(fileName);
    if (i < 0) return undefined;
    const stats = this.previous.stats;
    const at = i * 4;
    if (stats[at] !== stat.size || stats[at + 1] !== stat.ino || stats[at + 2] !== stat.mtimeMs || stats[at + 3] !== stat.ctimeMs) return undefined;
    if (this.used[i] === 0) {
      this.used[i] = 1;
      this.usedCount++;
    }
    return headerAt(this.previous, i);
  }

  /** Stores the header just read from `fileName`, whose `stat` was taken before it was read (unless the file is racy). */
  put(fileName: string, stat: Stats, header: RevisionHeader): void {
    this.changed = true;
    if (stat.ctimeMs > this.now - this.racyMs || stat.mtimeMs > this.now - this.racyMs) return;
    this.added.set(fileName, { size: stat.size, ino: stat.ino, mtimeMs: stat.mtimeMs, ctimeMs: stat.ctimeMs, header });
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
    const stats: number[] = [];
    const ids: string[] = [];
    const down: string[] = [];
    let transactional = '';
    const messages: string[] = [];
    const dates: (string | null)[] = [];
    const lists: Columns['lists'] = [];
    for (const k of order) {
      const name = nameOf(k);
      const e = typeof k === 'string' ? this.added.get(k)! : entryAt(previous, k);
      const h = e.header;
      if (h.branchLabels.length > 0 || h.dependsOn.length > 0 || h.replaces.length > 0) lists.push([names.length, h.branchLabels, h.dependsOn, h.replaces]);
      names.push(name);
      stats.push(e.size, e.ino, e.mtimeMs, e.ctimeMs);
      ids.push(h.id);
      down.push(h.downRevisions.join(' '));
      transactional += h.transactional ? '1' : '0';
      messages.push(h.message);
      dates.push(h.createDate);
    }
    const columns: Columns = { names, stats, ids, down, transactional, messages, dates, lists };
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      const temporary = `${this.file}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify({ format: FORMAT, reader: readerDigest(), folder: this.folder, ...columns }));
      renameSync(temporary, this.file);
    } catch {
      // read-only node_modules, a full disk: run without a cache
    }
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
 * cost more to parse and keep than the headers themselves).
 */
const FORMAT = 2;

interface Entry {
  readonly size: number;
  readonly ino: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly header: RevisionHeader;
}

/**
 * The stored headers, a field per array, file `i` at index `i` of each (`stats` at `4i`: size, inode,
 * mtime, ctime). Down revisions are joined by a space (an id has none); `transactional` is a string of
 * `1`/`0`; branch labels, dependencies and replaced ids, rarely set, are listed for the files that
 * have any.
 */
interface Columns {
  readonly names: string[];
  readonly stats: number[];
  readonly ids: string[];
  readonly down: string[];
  readonly transactional: string;
  readonly messages: string[];
  readonly dates: (string | null)[];
  readonly lists: [index: number, branchLabels: readonly string[], dependsOn: readonly string[], replaces: readonly string[]][];
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
const NOTHING_STORED: Stored = Object.freeze({ names: [], stats: [], ids: [], down: [], transactional: '', messages: [], dates: [], lists: [], extras: new Map() });

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

/** File `i`'s stored entry. */
function entryAt(stored: Stored, i: number): Entry {
  const at = 4 * i;
  const stats = stored.stats;
  return { size: stats[at], ino: stats[at + 1], mtimeMs: stats[at + 2], ctimeMs: stats[at + 3], header: headerAt(stored, i) };
}

function readStored(file: string, folder: string): Stored {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return NOTHING_STORED;
  }
  if (parsed.format !== FORMAT || parsed.reader !== readerDigest() || parsed.folder !== folder) return NOTHING_STORED;
  // not written by this code: ignore it all
  if (!isColumns(parsed)) return NOTHING_STORED;
  const frozen = (list: readonly string[]) => (list.length === 0 ? EMPTY : Object.freeze(list));
  const extras = new Map<number, Lists>();
  for (const [index, branchLabels, dependsOn, replaces] of parsed.lists) {
    extras.set(index, Object.freeze({ branchLabels: frozen(branchLabels), dependsOn: frozen(dependsOn), replaces: frozen(replaces) }));
  }
  return { ...parsed, extras };
}

function isColumns(c: Record<string, unknown>): c is Record<string, unknown> & Columns {
  const n = Array.isArray(c.names) ? c.names.length : -1;
  const strings = (x: unknown) => Array.isArray(x) && x.length === n && x.every((s) => typeof s === 'string');
  const stringList = (x: unknown) => Array.isArray(x) && x.every((s) => typeof s === 'string');
  const lists = (x: unknown) =>
    Array.isArray(x) &&
    x.every((e) => Array.isArray(e) && e.length === 4 && Number.isInteger(e[0]) && e[0] >= 0 && e[0] < n && e.slice(1).every(stringList));
  return (
    strings(c.names) &&
    Array.isArray(c.stats) &&
    c.stats.length === 4 * n &&
    c.stats.every((x) => typeof x === 'number') &&
    strings(c.ids) &&
    strings(c.down) &&
    typeof c.transactional === 'string' &&
    c.transactional.length === n &&
    /^[01]*$/.test(c.transactional) &&
    strings(c.messages) &&
    Array.isArray(c.dates) &&
    c.dates.length === n &&
    c.dates.every((d) => d === null || typeof d === 'string') &&
    lists(c.lists)
  );
}

let digest: string | undefined;

/** A digest of the header reader's code and of the modules its answers depend on. */
function readerDigest(): string {
  if (digest === undefined) {
    const hash = createHash('sha1');
    for (const module of ['./header-reader', './revision-id', '../graph/reserved-names', './header-cache']) {
      hash.update(readFileSync(require.resolve(module), 'utf8'));
    }
    digest = hash.digest('hex');
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
