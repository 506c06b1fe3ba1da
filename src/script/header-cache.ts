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
  private readonly next = new Map<string, Entry>();
  private changed = false;

  private constructor(
    private readonly file: string,
    private readonly folder: string,
    private readonly previous: ReadonlyMap<string, Entry>,
    private readonly racyMs: number,
    private readonly now: number,
  ) {}

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
    return new HeaderCache(file, folder, readEntries(file, folder), options.racyMs ?? RACY_MS, now);
  }

  /**
   * The header stored for `fileName` when the file's `stat` matches, else `undefined`. Whatever is
   * looked up (and whatever {@link put} adds) is what {@link save} keeps.
   */
  get(fileName: string, stat: Stats): RevisionHeader | undefined {
    const entry = this.previous.get(fileName);
    if (entry === undefined || !sameFile(entry, stat)) return undefined;
    this.next.set(fileName, entry);
    return entry.header;
  }

  /** Stores the header just read from `fileName`, whose `stat` was taken before it was read (unless the file is racy). */
  put(fileName: string, stat: Stats, header: RevisionHeader): void {
    this.changed = true;
    if (stat.ctimeMs > this.now - this.racyMs || stat.mtimeMs > this.now - this.racyMs) return;
    this.next.set(fileName, { size: stat.size, ino: stat.ino, mtimeMs: stat.mtimeMs, ctimeMs: stat.ctimeMs, header });
  }

  /** Writes the cache when an entry was added or a file is gone; errors are ignored (the cache is only a cache). */
  save(): void {
    if (!this.changed && this.next.size === this.previous.size) return;
    const rows: Row[] = [];
    for (const [name, e] of this.next) {
      const h = e.header;
      rows.push([name, e.size, e.ino, e.mtimeMs, e.ctimeMs, h.id, h.downRevisions, h.branchLabels, h.dependsOn, h.transactional, h.replaces, h.message, h.createDate]);
    }
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      const temporary = `${this.file}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify({ format: FORMAT, reader: readerDigest(), folder: this.folder, rows }));
      renameSync(temporary, this.file);
    } catch {
      // read-only node_modules, a full disk: run without a cache
    }
  }
}

/** Files changed less than this long before a run are read again next time (see the class comment). */
export const RACY_MS = 3000;

const FORMAT = 1;

interface Entry {
  readonly size: number;
  readonly ino: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly header: RevisionHeader;
}

type Row = [
  name: string,
  size: number,
  ino: number,
  mtimeMs: number,
  ctimeMs: number,
  id: string,
  downRevisions: readonly string[],
  branchLabels: readonly string[],
  dependsOn: readonly string[],
  transactional: boolean,
  replaces: readonly string[],
  message: string,
  createDate: string | null,
];

const EMPTY: readonly string[] = Object.freeze([]);

function sameFile(entry: Entry, stat: Stats): boolean {
  return entry.ctimeMs === stat.ctimeMs && entry.mtimeMs === stat.mtimeMs && entry.size === stat.size && entry.ino === stat.ino;
}

function readEntries(file: string, folder: string): Map<string, Entry> {
  const entries = new Map<string, Entry>();
  let parsed: { format?: unknown; reader?: unknown; folder?: unknown; rows?: unknown };
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as typeof parsed;
  } catch {
    return entries;
  }
  if (parsed.format !== FORMAT || parsed.reader !== readerDigest() || parsed.folder !== folder || !Array.isArray(parsed.rows)) return entries;
  for (const row of parsed.rows as unknown[]) {
    if (!isRow(row)) return new Map(); // not written by this code: ignore it all
    const [name, size, ino, mtimeMs, ctimeMs, id, down, labels, deps, transactional, replaces, message, createDate] = row;
    const header: RevisionHeader = Object.freeze({
      id,
      downRevisions: list(down),
      branchLabels: list(labels),
      dependsOn: list(deps),
      transactional,
      replaces: list(replaces),
      message,
      createDate,
    });
    entries.set(name, { size, ino, mtimeMs, ctimeMs, header });
  }
  return entries;
}

function list(items: readonly string[]): readonly string[] {
  return items.length === 0 ? EMPTY : Object.freeze(items);
}

function isRow(row: unknown): row is Row {
  if (!Array.isArray(row) || row.length !== 13) return false;
  const strings = (x: unknown) => Array.isArray(x) && x.every((s) => typeof s === 'string');
  return (
    typeof row[0] === 'string' &&
    typeof row[1] === 'number' &&
    typeof row[2] === 'number' &&
    typeof row[3] === 'number' &&
    typeof row[4] === 'number' &&
    typeof row[5] === 'string' &&
    strings(row[6]) &&
    strings(row[7]) &&
    strings(row[8]) &&
    typeof row[9] === 'boolean' &&
    strings(row[10]) &&
    typeof row[11] === 'string' &&
    (row[12] === null || typeof row[12] === 'string')
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
