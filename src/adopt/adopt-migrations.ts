import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, isAbsolute, join, relative } from 'node:path';
import { readRevisionHeader } from '../script/header-reader';
import { adoptedMigrationName, adoptedRevisionId, ORIGINALS_FOLDER, renderAdoptedRevision } from './adopted-file';
import { AdoptFolderError, AdoptMigrationError } from './errors';
import { inspectMigration } from './inspect-migration';
import { listMikroOrmMigrations, type MikroOrmMigrationsOptions } from './mikro-orm-folder';

/** Options of {@link adoptMigrations}. */
export interface AdoptOptions {
  /** MikroORM's migrations folder (absolute; see `mikroOrmMigrationsFolder`). */
  readonly folder: string;
  /** MikroORM's `migrations` options, as they were (glob, emit, snapshot...). */
  readonly migrations: MikroOrmMigrationsOptions;
  /** Where `@mikro-orm/migrations` is resolved from (the project). Default `process.cwd()`. */
  readonly projectDir?: string;
  /** Module specifier the revisions import `AdoptedRevision` from. Default `mikro-orm-alembic`. */
  readonly importFrom?: string;
  /** Report what would be done, change nothing. */
  readonly dryRun?: boolean;
  /** Paths in the result and in errors are relative to this folder when inside it. Default `process.cwd()`. */
  readonly cwd?: string;
}

/** One migration of the chain, adopted now or before. */
export interface AdoptedMigration {
  /** MikroORM's name (`Migration20240312101500`), the revision's message. */
  readonly name: string;
  readonly id: string;
  readonly downRevision: string | null;
  /** The revision file (MikroORM's file name, in the migrations folder). */
  readonly file: string;
  /** Where MikroORM's class is (moved there, unchanged). */
  readonly original: string;
  readonly transactional: boolean;
  readonly reversible: boolean;
  /** `adopted`: by this run (or, with `dryRun`, would be); `unchanged`: adopted by an earlier run. */
  readonly status: 'adopted' | 'unchanged';
}

/** What {@link adoptMigrations} did (or, with `dryRun`, would do). */
export interface AdoptResult {
  readonly folder: string;
  readonly originalsFolder: string;
  readonly dryRun: boolean;
  /** The MikroORM migrations as a linear chain, in the order MikroORM runs them. */
  readonly migrations: readonly AdoptedMigration[];
  /** Whether files were (or would be) written or moved. */
  readonly changed: boolean;
  /** MikroORM's schema snapshot (`.snapshot-<db>.json`) when one exists; the plugin does not read it. */
  readonly snapshot: string | null;
}

/**
 * Turns a MikroORM migrations folder into a linear chain of revisions, in the order MikroORM runs it:
 * each MikroORM class moves, unchanged, to `<folder>/mikro-orm/`, and a revision with the same file
 * name takes its place: `AdoptedRevision` around the class, MikroORM's name as message and as the
 * `MikroORM migration:` header field, `transactional = false` when `isTransactional()` is false,
 * irreversible without `down()`. Revision ids are derived from the names, so adopting is repeatable.
 *
 * Everything is checked before anything is written (a class adopt cannot take over is an
 * {@link AdoptMigrationError} naming the file and line); a second run finds nothing to do; `dryRun`
 * changes nothing.
 *
 * @example
 * ```ts
 * import { adoptMigrations, mikroOrmMigrationsFolder } from 'mikro-orm-alembic';
 *
 * const migrations = { path: 'dist/migrations', pathTs: 'src/migrations' };
 * const result = await adoptMigrations({ folder: mikroOrmMigrationsFolder(migrations, process.cwd(), true), migrations, dryRun: true });
 * for (const m of result.migrations) console.log(m.status, m.id, m.name);
 * ```
 */
export async function adoptMigrations(options: AdoptOptions): Promise<AdoptResult> {
  const cwd = options.cwd ?? process.cwd();
  const shown = (path: string) => {
    const rel = relative(cwd, path);
    return rel.length > 0 && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
  };
  const folder = options.folder;
  if (!existsSync(folder)) throw new AdoptFolderError(`The MikroORM migrations folder ${shown(folder)} does not exist`);
  const originals = join(folder, ORIGINALS_FOLDER);
  const files = await listMikroOrmMigrations(folder, options.migrations, options.projectDir ?? cwd);

  const chain: AdoptedMigration[] = [];
  let previous: string | null = null;
  const toWrite: { path: string; text: string; from: string; to: string }[] = [];
  for (const file of files) {
    const text = readFileSync(file.path, 'utf8');
    const adoptedName = adoptedMigrationName(text);
    if (adoptedName !== null) {
      if (toWrite.length > 0) {
        throw new AdoptFolderError(
          `${shown(toWrite[0].from)} is a MikroORM migration that sorts before the adopted ${shown(file.path)}; ` +
            'adopting it now would put it after revisions that may already be applied. Rename it so that it sorts last, or adopt it by hand',
        );
      }
      const header = readRevisionHeader(text, shown(file.path));
      chain.push(
        Object.freeze({
          name: adoptedName,
          id: header.id,
          downRevision: header.downRevisions[0] ?? null,
          file: shown(file.path),
          original: shown(join(originals, file.fileName)),
          transactional: header.transactional,
          reversible: !/^\/\/ Irreversible:/m.test(text),
          status: 'unchanged' as const,
        }),
      );
      previous = header.id;
      continue;
    }
    if (isPluginRevision(text, file.path)) continue; // a revision written by the plugin after adopting
    if (/[\s*]|\*\//.test(file.name)) throw new AdoptMigrationError(shown(file.path), null, 'its name holds a space or `*`, which a revision header cannot keep');
    const inspected = inspectMigration(file, shown(file.path));
    const target = join(originals, file.fileName);
    if (existsSync(target)) throw new AdoptMigrationError(shown(file.path), null, `${shown(target)} exists already; adopt would overwrite it`);
    const id = adoptedRevisionId(file.name);
    const spec = {
      name: file.name,
      fileName: file.fileName,
      id,
      downRevision: previous,
      transactional: inspected.transactional,
      reversible: inspected.reversible,
      importFrom: options.importFrom,
    };
    toWrite.push({ path: file.path, text: renderAdoptedRevision(spec), from: file.path, to: target });
    chain.push(
      Object.freeze({
        name: file.name,
        id,
        downRevision: previous,
        file: shown(file.path),
        original: shown(target),
        transactional: inspected.transactional,
        reversible: inspected.reversible,
        status: 'adopted' as const,
      }),
    );
    previous = id;
  }
  const ids = new Set<string>();
  for (const m of chain) {
    if (ids.has(m.id)) throw new AdoptFolderError(`Two MikroORM migrations get revision id ${m.id} (${m.name}); rename one`);
    ids.add(m.id);
  }

  const dryRun = options.dryRun === true;
  if (!dryRun && toWrite.length > 0) {
    mkdirSync(originals, { recursive: true });
    for (const write of toWrite) {
      renameSync(write.from, write.to);
      writeFileSync(write.path, write.text);
    }
  }
  return Object.freeze({
    folder: shown(folder),
    originalsFolder: shown(originals),
    dryRun,
    migrations: Object.freeze(chain),
    changed: toWrite.length > 0,
    snapshot: findSnapshot(folder, options.migrations, shown),
  });
}

/** Whether a file the glob matched is a revision of the plugin (it has a `revision` field). */
function isPluginRevision(text: string, path: string): boolean {
  try {
    readRevisionHeader(text, path);
    return true;
  } catch {
    return false;
  }
}

/** MikroORM's snapshot in the folder (`.snapshot-*.json`, or `snapshotName`), if any. */
function findSnapshot(folder: string, options: MikroOrmMigrationsOptions, shown: (p: string) => string): string | null {
  const names = readdirSync(folder).filter((n) => (options.snapshotName ? n === `${options.snapshotName}.json` : /^\.snapshot-.*\.json$/.test(n)));
  return names.length === 0 ? null : shown(join(folder, basename(names.sort()[0])));
}
