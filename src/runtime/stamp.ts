import { basename } from 'node:path';
import type { RevisionGraph } from '../graph/revision-graph';
import { checkAppliedState } from './applied-state';
import { revisionChecksum, verifyRecordedChecksums } from './revision-checksum';
import type { RevisionSource } from './revision-source';
import type { SqlChannel } from './sql-channel';
import type { VersionTable } from './version-table';

/** What a stamp changed. */
export interface StampResult {
  /** Heads before (known revisions only; with `purge`, unknown recorded ids are listed in `removed`). */
  readonly headsBefore: readonly string[];
  /** Heads after: the target's heads. */
  readonly headsAfter: readonly string[];
  /** Revisions now recorded that were not before, parents first. */
  readonly added: readonly string[];
  /** Revisions recorded before that are not any more. */
  readonly removed: readonly string[];
  /** Warnings (e.g. edited files among the rows kept). */
  readonly warnings: readonly string[];
}

/** Options of {@link stampRevisions}. */
export interface StampOptions {
  /** Delete every row first (also rows of revisions that have no file), then record the ancestry. */
  readonly purge?: boolean;
  /** Edited files among the rows kept are an error instead of a warning (not with `purge`). */
  readonly strict?: boolean;
}

/**
 * Sets the applied set to exactly the ancestry of `targetIds` (`graph.ancestry`), without running any
 * revision: rows outside it are deleted, missing ones inserted (with the file's checksum and no
 * duration), all in one transaction on `channel`. Rows kept keep their time and checksum; with `purge`
 * every row is deleted first and the ancestry recorded afresh. Call it under the migration lock.
 *
 * @example
 * ```ts
 * const result = await stampRevisions(channel, table, graph, source, graph.resolve('head'), {});
 * result.headsAfter; // [the head]
 * ```
 */
export async function stampRevisions(
  channel: SqlChannel,
  table: VersionTable,
  graph: RevisionGraph,
  source: RevisionSource,
  targetIds: readonly string[],
  options: StampOptions = {},
): Promise<StampResult> {
  const rows = await table.read(channel);
  let headsBefore: readonly string[];
  let warnings: readonly string[] = [];
  if (options.purge) {
    headsBefore = graph.currentHeads(rows.map((r) => r.id).filter((id) => graph.has(id)));
  } else {
    const state = checkAppliedState(rows, graph, await verifyRecordedChecksums(rows, source), { strict: options.strict, table: String(table) });
    headsBefore = state.heads;
    warnings = state.warnings;
  }

  const want = graph.ancestry(targetIds);
  const wanted = new Set(want);
  const had = new Set(rows.map((r) => r.id));
  const removed = rows.map((r) => r.id).filter((id) => !wanted.has(id));
  const added = want.filter((id) => !had.has(id));
  const write = options.purge ? want : added;
  const paths = new Map(source.scripts.map((s) => [s.id, s.path]));
  const checksums = new Map<string, string>();
  for (const id of write) checksums.set(id, await revisionChecksum(source, id));

  await channel.begin();
  try {
    if (options.purge && rows.length > 0) await channel.query(table.deleteAllSql());
    else if (removed.length > 0) await channel.query(table.deleteManySql(removed));
    const insert =
      write.length === 0
        ? undefined
        : table.insertManySql(
            write.map((id) => {
              const path = paths.get(id) ?? null;
              return { id, checksum: checksums.get(id) as string, fileName: path === null ? null : basename(path), durationMs: null };
            }),
          );
    await channel.commit(insert === undefined ? [] : [insert]);
  } catch (error) {
    await channel.rollback().catch(() => undefined);
    throw error;
  }

  return Object.freeze({
    headsBefore,
    headsAfter: graph.currentHeads(want),
    added: Object.freeze(added),
    removed: Object.freeze(removed),
    warnings,
  });
}
