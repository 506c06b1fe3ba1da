import { diagnoseRecordedHistory, type RecordedHistoryDiagnosis } from '../graph/recorded-history';
import type { RevisionGraph } from '../graph/revision-graph';
import {
  describeMismatch,
  describeRecordedHistory,
  MissingRevisionFileError,
  RecordedHistoryError,
  RevisionEditedError,
  type ChecksumMismatch,
} from './errors';
import { verifyRecordedChecksums } from './revision-checksum';
import type { RevisionSource } from './revision-source';
import type { AppliedRevision, Queryable, VersionTable } from './version-table';

/** The applied set of a database, checked against the revision files. */
export interface AppliedState {
  /** The version table's rows, oldest first. */
  readonly rows: readonly AppliedRevision[];
  /** The applied revision ids. */
  readonly ids: ReadonlySet<string>;
  /** The current heads: the maximal applied revisions (`graph.currentHeads`). */
  readonly heads: readonly string[];
  /** Applied revisions whose file changed since (empty with `strict`, which throws instead). */
  readonly mismatches: readonly ChecksumMismatch[];
  /** How the recorded set compares with the graph (a gap: a recorded revision whose ancestor is not recorded). */
  readonly history: RecordedHistoryDiagnosis;
  /** Human-readable warnings (edited files, the diagnosis of a recorded history that contradicts the graph). */
  readonly warnings: readonly string[];
}

/** Options of {@link checkAppliedState}. */
export interface CheckAppliedOptions {
  /** Edited files are an error ({@link RevisionEditedError}) instead of a warning. */
  readonly strict?: boolean;
  /**
   * For a command that runs revisions: a recorded history that contradicts the graph is an error
   * ({@link RecordedHistoryError}) instead of a warning. `stamp`, the repair, and read-only commands
   * leave it unset.
   */
  readonly writing?: boolean;
}

/**
 * Checks version-table rows against the revision files and derives the current heads:
 *
 * - a recorded revision with no file → {@link MissingRevisionFileError} naming it;
 * - a recorded revision whose file's checksum changed → a warning, or {@link RevisionEditedError}
 *   with `strict`;
 * - an ancestor of an applied revision that is not recorded (the table was edited by hand, a partial
 *   restore) → {@link RecordedHistoryError} with `writing`, else a warning with the same diagnosis.
 *
 * @example
 * ```ts
 * const rows = await table.read(channel);
 * const state = checkAppliedState(rows, graph, source, { strict: true });
 * state.heads; // e.g. ['b2', 'c3']
 * ```
 */
export function checkAppliedState(
  rows: readonly AppliedRevision[],
  graph: RevisionGraph,
  source: RevisionSource,
  options: CheckAppliedOptions & { table?: string } = {},
): AppliedState {
  const known = new Map(source.scripts.map((s) => [s.id, s]));
  const missing = rows.filter((r) => !known.has(r.id) || !graph.has(r.id));
  if (missing.length > 0) throw new MissingRevisionFileError(missing, options.table ?? 'the version table');

  const mismatches: ChecksumMismatch[] = [];
  for (const row of rows) {
    const current = source.checksum(row.id);
    if (current !== row.checksum) {
      mismatches.push(Object.freeze({ id: row.id, file: known.get(row.id)?.path ?? row.fileName, recorded: row.checksum, current }));
    }
  }
  if (mismatches.length > 0 && options.strict) throw new RevisionEditedError(mismatches);

  const ids = new Set(rows.map((r) => r.id));
  const history = diagnoseRecordedHistory(graph, ids);
  const table = options.table ?? 'the version table';
  if (!history.consistent && options.writing) throw new RecordedHistoryError(table, history, rows);
  const warnings = mismatches.map(describeMismatch);
  if (!history.consistent) warnings.push(describeRecordedHistory(table, history, rows, 'read'));
  const heads = history.heads;
  return Object.freeze({
    rows: Object.freeze([...rows]),
    ids,
    heads,
    mismatches: Object.freeze(mismatches),
    history,
    warnings: Object.freeze(warnings),
  });
}

/**
 * Reads the version table (which must exist) and checks it with {@link checkAppliedState}.
 *
 * @example
 * ```ts
 * const state = await readAppliedState(channel, table, graph, source);
 * ```
 */
export async function readAppliedState(
  db: Queryable,
  table: VersionTable,
  graph: RevisionGraph,
  source: RevisionSource,
  options: CheckAppliedOptions = {},
): Promise<AppliedState> {
  const rows = await table.read(db);
  // a .js compiled from the .ts that was applied, or other line ends, is not an edit
  return checkAppliedState(rows, graph, await verifyRecordedChecksums(rows, source), { ...options, table: String(table) });
}
