import { readFileSync } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import type { Revision } from '../script/revision';
import { loadRevision } from '../script/revision-loader';
import { readStaticRevision } from '../script/static-revision';
import type { ScriptDirectory } from '../script/script-directory';
import { RevisionNotInSourceError } from './errors';
import { legacyDigests, sourceDigest } from './revision-checksum';
import type { RevisionSource, RevisionSourceEntry } from './revision-source';

/** Options of {@link scriptDirectorySource}. */
export interface ScriptDirectorySourceOptions {
  /** Paths in messages are shown relative to this folder when inside it. Default `process.cwd()`. */
  readonly cwd?: string;
}

/**
 * The revisions of a migrations folder as a {@link RevisionSource}: entries from discovery (no module is
 * loaded until a revision runs), `load` through the script layer's loader, and `checksum` = sha256 of the
 * file's text with a BOM removed and LF line ends, read when asked (so an edited file is noticed).
 *
 * A revision whose file only queues constant SQL (`this.addSql('…')`, see `staticRevision`) is built
 * from the file's text without loading its module: one read, no compile (no read of its own when discovery kept
 * its scan, `ScriptDirectoryOptions.keepScans`: handed out once); `loadedChecksum` then gives the source digest of
 * exactly the text it was built from.
 *
 * @example
 * ```ts
 * import { MigrationRuntime, RevisionGraph, ScriptDirectory, scriptDirectorySource } from 'mikro-orm-alembic';
 *
 * const dir = ScriptDirectory.read({ path: 'dist/migrations', pathTs: 'src/migrations' });
 * const runtime = new MigrationRuntime({
 *   connection: process.env.DATABASE_URL!,
 *   graph: new RevisionGraph(dir.toRecords()),
 *   source: scriptDirectorySource(dir),
 * });
 * await runtime.upgrade('head');
 * ```
 */
export function scriptDirectorySource(directory: ScriptDirectory, options: ScriptDirectorySourceOptions = {}): RevisionSource {
  const cwd = options.cwd ?? process.cwd();
  const byId = new Map<string, ScriptDirectory['scripts'][number]>();
  for (const script of directory.scripts) if (!byId.has(script.id)) byId.set(script.id, script);
  const entries: RevisionSourceEntry[] = [...byId.values()].map((script) =>
    Object.freeze({ id: script.id, path: shown(script.path, cwd), transactional: script.transactional, message: script.message }),
  );
  const script = (id: string) => {
    const found = byId.get(id);
    if (!found) throw new RevisionNotInSourceError(id);
    return found;
  };
  // the source digest of the text a static revision was built from (its module was not loaded)
  const builtFrom = new WeakMap<Revision, string>();
  return Object.freeze({
    scripts: Object.freeze(entries),
    load: async (id: string) => {
      const found = script(id);
      const built = readStaticRevision(found, directory.takeFile(found));
      if (built === null) return loadRevision(found);
      builtFrom.set(built.revision, built.sourceDigest);
      return built.revision;
    },
    loadedChecksum: (revision: Revision) => builtFrom.get(revision),
    checksum: (id: string) => sourceDigest(readFileSync(script(id).path, 'utf8')),
    legacyChecksums: (id: string) => legacyDigests(readFileSync(script(id).path, 'utf8')),
  });
}

function shown(path: string, cwd: string): string {
  // a file under cwd (discovery's paths are absolute and normalised): what relative() gives, without its cost
  const rel = path.length > cwd.length + 1 && path.startsWith(cwd) && path[cwd.length] === sep ? path.slice(cwd.length + 1) : relative(cwd, path);
  return rel.length > 0 && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}
