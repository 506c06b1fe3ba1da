import { basename } from 'node:path';
import type { RecordedView } from '../graph/squash-catalog';
import { revisionChecksum } from './revision-checksum';
import type { RevisionSource } from './revision-source';
import { commitInTransaction, type SqlChannel } from './sql-channel';
import type { AppliedRevision, VersionTable } from './version-table';

/**
 * The version table's rows as a squash view sees them (`SquashCatalog.forRecorded`): rows it drops
 * left out, rows it adds made up (recorded now, the file's checksum, no duration). For read-only
 * commands, which never write the table.
 *
 * @example
 * ```ts
 * const view = catalog.forRecorded(rows.map((r) => r.id));
 * const seen = rowsInView(rows, view, source); // check them against view.graph
 * ```
 */
export function rowsInView(rows: readonly AppliedRevision[], view: RecordedView, source: RevisionSource): AppliedRevision[] {
  if (view.remove.length === 0 && view.add.length === 0) return [...rows];
  const removed = new Set(view.remove);
  const paths = new Map(source.scripts.map((s) => [s.id, s.path]));
  const now = new Date();
  const out = rows.filter((r) => !removed.has(r.id));
  for (const id of view.add) {
    const path = paths.get(id);
    out.push(Object.freeze({ id, appliedAt: now, durationMs: null, checksum: source.checksum(id), fileName: path === undefined || path === null ? null : basename(path) }));
  }
  return out;
}

/**
 * Makes the version table agree with a squash view, in one transaction: the rows the view drops are
 * deleted, the rows it adds inserted (with the file's checksum and no duration, as `stamp` records
 * them). Nothing runs. Call it under the migration lock, after planning succeeded.
 *
 * @example
 * ```ts
 * await recordView(channel, table, source, catalog.forRecorded(ids)); // a1..c3 recorded → s9 recorded
 * ```
 */
export async function recordView(channel: SqlChannel, table: VersionTable, source: RevisionSource, view: RecordedView): Promise<void> {
  if (view.remove.length === 0 && view.add.length === 0) return;
  const paths = new Map(source.scripts.map((s) => [s.id, s.path]));
  const rows = [];
  for (const id of view.add) {
    const path = paths.get(id);
    rows.push({ id, checksum: await revisionChecksum(source, id), fileName: path === undefined || path === null ? null : basename(path), durationMs: null });
  }
  const statements: string[] = [];
  if (view.remove.length > 0) statements.push(table.deleteManySql(view.remove));
  if (rows.length > 0) statements.push(table.insertManySql(rows));
  await commitInTransaction(channel, statements);
}
