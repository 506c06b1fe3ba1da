import { diagnoseRecordedHistory } from '../graph/recorded-history';
import { describeRecordedHistory } from '../runtime/errors';
import type { AppliedRevision } from '../runtime/version-table';
import type { ConnectionOptions, ConnectionSettings } from '../runtime/connection';
import type { CliProject } from './cli-project';
import type { Output } from './output';
import type { AppliedMarks } from './revision-format';

/** How long an opportunistic read of the database may take to connect. */
const OPTIONAL_CONNECT_TIMEOUT_MS = 3000;

/**
 * Reads which revisions a database has applied, for `(current)` marks and the applied/not-applied
 * nodes of `history --graph`. Read-only: no lock, and the version table is not created.
 *
 * `required`: a failure is an error (`--indicate-current`). `optional`: without a configured
 * connection the answer is `null`, and a failure (server down, wrong password, ...) is a note on
 * stderr and `null`, after at most a few seconds.
 *
 * @example
 * ```ts
 * const marks = await readAppliedMarks(project, 'optional', output);
 * if (marks) console.log([...marks.current]);
 * ```
 */
export async function readAppliedMarks(project: CliProject, mode: 'required' | 'optional', output: Output): Promise<AppliedMarks | null> {
  const connection = project.connection;
  if (connection === null) return null;
  const graph = project.graph;
  let ids: string[];
  let rows: readonly AppliedRevision[];
  let table: string;
  try {
    const overrides =
      mode === 'optional'
        ? { connection: withConnectTimeout(connection) }
        : {};
    const runtime = project.runtime(overrides);
    table = String(runtime.versionTable);
    rows = await runtime.appliedRevisions();
    ids = rows.map((r) => r.id);
  } catch (error) {
    if (mode === 'required') throw error;
    output.note(`(not showing applied revisions: ${error instanceof Error ? error.message : String(error)})`);
    return null;
  }
  const unknown = ids.filter((id) => !graph.has(id));
  if (unknown.length > 0) output.warn(`the database has applied revision(s) with no file: ${unknown.join(', ')}`);
  const applied = new Set(ids.filter((id) => graph.has(id)));
  const history = diagnoseRecordedHistory(graph, applied);
  if (!history.consistent) output.warn(describeRecordedHistory(table, history, rows, 'read'));
  return Object.freeze({ applied, current: new Set(history.heads) });
}

function withConnectTimeout(connection: ConnectionOptions): ConnectionSettings {
  const config: ConnectionSettings = typeof connection === 'string' ? { connectionString: connection } : connection;
  return { ...config, connectionTimeoutMillis: config.connectionTimeoutMillis ?? OPTIONAL_CONNECT_TIMEOUT_MS };
}
