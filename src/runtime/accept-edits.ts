import { basename } from 'node:path';
import type { RevisionGraph } from '../graph/revision-graph';
import { checkAppliedState } from './applied-state';
import { isV2Checksum, revisionChecksum, verifyRecordedChecksums } from './revision-checksum';
import type { RevisionSource } from './revision-source';
import { commitInTransaction, type SqlChannel } from './sql-channel';
import type { VersionTable } from './version-table';

/** What {@link acceptEdits} did. */
export interface AcceptEditsResult {
  /** Applied revisions whose checksum was re-recorded (edited files, and old-format checksums). */
  readonly accepted: readonly string[];
}

/**
 * Accepts the current content of applied revision files: re-records the checksum (and file name) of
 * every applied revision whose file no longer matches what was recorded, and of those still recorded
 * in the old checksum format, in one transaction on `channel` (under the caller's migration lock).
 * Nothing runs. `only` limits it to those revisions (ids as recorded).
 *
 * The way out of {@link RevisionEditedError} when the edit is intended: the database is then taken to
 * have what the files say now.
 *
 * @example
 * ```ts
 * const { accepted } = await acceptEdits(channel, table, graph, source);
 * console.log(`re-recorded ${accepted.join(', ') || 'nothing'}`);
 * ```
 */
export async function acceptEdits(
  channel: SqlChannel,
  table: VersionTable,
  graph: RevisionGraph,
  source: RevisionSource,
  only?: readonly string[],
): Promise<AcceptEditsResult> {
  const rows = await table.read(channel);
  // a missing file is still an error (stamp --purge is the way to forget it)
  const state = checkAppliedState(rows, graph, await verifyRecordedChecksums(rows, source), { table: String(table) });
  const edited = new Set(state.mismatches.map((m) => m.id));
  const wanted = only === undefined ? null : new Set(only);
  const paths = new Map(source.scripts.map((s) => [s.id, s.path]));
  const statements: string[] = [];
  const accepted: string[] = [];
  for (const row of rows) {
    if (wanted !== null && !wanted.has(row.id)) continue;
    if (!edited.has(row.id) && isV2Checksum(row.checksum)) continue;
    const path = paths.get(row.id) ?? null;
    statements.push(table.updateChecksumSql(row.id, await revisionChecksum(source, row.id), path === null ? row.fileName : basename(path)));
    accepted.push(row.id);
  }
  if (statements.length > 0) await commitInTransaction(channel, statements);
  return Object.freeze({ accepted: Object.freeze(accepted) });
}
