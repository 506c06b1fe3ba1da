import { statSync } from 'node:fs';
import { extname } from 'node:path';
import { displayPath } from './display-path';
import { NoRevisionClassError, ScriptLoadError, ScriptModuleMismatchError, TsLoaderMissingError } from './errors';
import type { RevisionHeader } from './header-reader';
import { RUN_REVISION, Revision, revisionFieldOf } from './revision';
import { canTranspile, requireTypeScript } from './typescript-module';
import { isTsLoaderRegistered } from './ts-loader-registered';

export { isTsLoaderRegistered };

/** What `loadRevision` needs: the file and the fields its text declares (a `RevisionScript`). */
export interface LoadableRevision extends RevisionHeader {
  /** Absolute path of the file. */
  readonly path: string;
}

/**
 * Imports one revision module (CommonJS `require`) and returns a new instance of its revision class,
 * after checking that the instance's fields equal what the file text declares.
 *
 * The class is the module's export that extends `Revision` (also one built on another copy of this
 * package); when several do, the one whose `revision` is the file's id. A `.ts` file is transpiled
 * without type-checking (`typescript`'s `transpileModule`, see `requireTypeScript`) whatever loader the
 * process registered, so that a type-checking ts-node does not cost hundreds of milliseconds a revision;
 * without the `typescript` package it needs a registered TypeScript loader, else this throws
 * `TsLoaderMissingError`. Other failures: `ScriptLoadError` (requiring or constructing threw),
 * `NoRevisionClassError`, `ScriptModuleMismatchError`.
 *
 * @example
 * ```ts
 * import { loadRevision, ScriptDirectory } from 'mikro-orm-alembic';
 *
 * const script = ScriptDirectory.read({ path: 'dist/migrations' }).get('1a2b3c4d5e6f')!;
 * const revision = loadRevision(script); // an instance of AddUserRole_1a2b3c4d5e6f
 * ```
 */
export function loadRevision(script: LoadableRevision): Revision {
  const file = displayPath(script.path);
  const isTs = extname(script.path) === '.ts';
  const transpile = isTs && canTranspile(script.path);
  if (isTs && !transpile && !isTsLoaderRegistered()) throw new TsLoaderMissingError(file);
  forgetIfEdited(script.path);
  let exported: unknown;
  try {
    exported = transpile ? requireTypeScript(script.path) : require(script.path);
  } catch (error) {
    throw new ScriptLoadError(file, error);
  }

  const classes = revisionClasses(exported);
  if (classes.length === 0) {
    throw new NoRevisionClassError(file, 'the module exports no class extending Revision (export the revision class)');
  }
  const instances = classes.map((cls) => {
    try {
      return new cls();
    } catch (error) {
      throw new ScriptLoadError(file, error);
    }
  });
  const matching = instances.filter((i) => revisionFieldOf(i, 'revision') === script.id);
  if (matching.length > 1) {
    throw new NoRevisionClassError(file, `the module exports several classes with revision = '${script.id}': ${names(matching)}`);
  }
  if (matching.length === 0) {
    if (instances.length === 1) throw new ScriptModuleMismatchError(file, 'revision', script.id, revisionFieldOf(instances[0], 'revision'));
    throw new NoRevisionClassError(file, `none of the exported revision classes (${names(instances)}) has revision = '${script.id}'`);
  }
  const instance = matching[0];
  checkList(file, instance, 'downRevision', script.downRevisions);
  checkList(file, instance, 'branchLabels', script.branchLabels);
  checkList(file, instance, 'dependsOn', script.dependsOn);
  const transactional = revisionFieldOf(instance, 'transactional') ?? true;
  if (transactional !== script.transactional) throw new ScriptModuleMismatchError(file, 'transactional', script.transactional, transactional);
  return instance;
}

type RevisionClass = new () => Revision;

/** The module's exported classes that are revisions (`module.exports = X`, named exports, `default`). */
function revisionClasses(exported: unknown): RevisionClass[] {
  const values = new Set<unknown>();
  if (typeof exported === 'function') values.add(exported);
  if (exported !== null && (typeof exported === 'object' || typeof exported === 'function')) {
    for (const value of Object.values(exported)) values.add(value);
    const withDefault = exported as { default?: unknown };
    if (withDefault.default !== undefined) values.add(withDefault.default);
  }
  return [...values].filter(isRevisionClass);
}

function isRevisionClass(value: unknown): value is RevisionClass {
  if (typeof value !== 'function') return false;
  const proto: unknown = value.prototype;
  if (typeof proto !== 'object' || proto === null) return false;
  if (proto instanceof Revision) return true;
  // a Revision from another copy of this package: same protocol, another class object
  const p = proto as Record<string | symbol, unknown>;
  return typeof p.up === 'function' && typeof p[RUN_REVISION] === 'function';
}

function checkList(file: string, instance: Revision, field: string, fromText: readonly string[]): void {
  const value = revisionFieldOf(instance, field);
  const list = value === null || value === undefined ? [] : typeof value === 'string' ? [value] : value;
  const same =
    Array.isArray(list) && list.length === fromText.length && list.every((item: unknown, i: number) => item === fromText[i]);
  if (!same) throw new ScriptModuleMismatchError(file, field, fromText, value);
}

function names(instances: object[]): string {
  return instances.map((i) => i.constructor.name).join(', ');
}

/** The file stamp (size, mtime, ctime) each revision module was loaded from, to notice a file edited after it was required. */
const loadedStamp = new Map<string, string>();

/**
 * Drops `path` from the require cache when the file changed since it was loaded in this process (a
 * long-running process, a test suite): the checksum check then renders what the file says now.
 */
function forgetIfEdited(path: string): void {
  let stamp: string;
  try {
    const stat = statSync(path, { bigint: true });
    stamp = `${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
  } catch {
    return; // the require reports it
  }
  const before = loadedStamp.get(path);
  loadedStamp.set(path, stamp);
  if (before !== undefined && before !== stamp) {
    // eslint-disable-next-line @typescript-eslint/no-dynamic-delete
    delete require.cache[path];
  }
}
