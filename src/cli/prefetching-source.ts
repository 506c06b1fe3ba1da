import type { RevisionSource } from '../runtime/revision-source';
import type { Revision } from '../script/revision';

/**
 * A {@link RevisionSource} that loads the probable next revision (its module, a fresh instance, and
 * its file's checksum) while the database works on the current one, instead of after: when revision
 * `id` is loaded, `next(id)` is prefetched on the next turn of the event loop, which comes while the
 * runtime waits for PostgreSQL's answer to the statements of `id`. A long chain of small revisions
 * then spends the module loading in time it would have spent waiting.
 *
 * A wrong guess costs only the work done ahead (each prefetched instance is handed out once, or
 * dropped); a module that fails to load fails when its revision is actually loaded, as without
 * prefetching.
 *
 * @param next the revision likely to run after `id` (e.g. its only child for an upgrade), or undefined.
 * @example
 * ```ts
 * const source = prefetchingSource(scriptDirectorySource(dir), (id) => {
 *   const children = graph.get(id).children;
 *   return children.length === 1 ? children[0] : undefined;
 * });
 * ```
 */
export function prefetchingSource(inner: RevisionSource, next: (id: string) => string | undefined): RevisionSource {
  const loaded = new Map<string, Promise<Revision>>();
  const checksums = new Map<string, string>();
  const prefetch = (id: string) => {
    if (loaded.has(id)) return;
    const promise = inner.load(id); // the module is required synchronously, here
    promise.catch(() => undefined); // reported when the revision is loaded for real
    loaded.set(id, promise);
    // the file's checksum too, unless the source knows the digest of the text the instance was built from
    void promise.then((revision) => {
      if (inner.loadedChecksum?.(revision) !== undefined) return;
      try {
        checksums.set(id, inner.checksum(id));
      } catch {
        // computed (and reported) when asked
      }
    }, () => undefined);
  };
  return Object.freeze({
    scripts: inner.scripts,
    load: async (id: string) => {
      const ahead = loaded.get(id);
      loaded.delete(id);
      const revision = ahead ?? inner.load(id);
      const following = next(id);
      if (following !== undefined) setImmediate(() => prefetch(following));
      return revision;
    },
    loadedChecksum: (revision: Revision) => inner.loadedChecksum?.(revision),
    checksum: (id: string) => {
      const sum = checksums.get(id);
      if (sum === undefined) return inner.checksum(id);
      checksums.delete(id);
      return sum;
    },
  });
}
