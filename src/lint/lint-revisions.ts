import { renderOfflineSql } from '../runtime/offline-sql';
import type { RevisionSource } from '../runtime/revision-source';
import { VersionTable, type VersionTableOptions } from '../runtime/version-table';
import { revisionFieldOf } from '../script/revision';
import { analyzeStatement } from '../sqlparse/analyze-statement';
import { parseSql, type ParsedStatement } from '../sqlparse/parse-sql';
import { LintAcknowledgementError } from './errors';
import { isLintCode, lintRule, type LintCode } from './lint-rules';
import { lintStatements } from './lint-statements';

/** One finding in one revision. */
export interface LintFinding {
  readonly code: LintCode;
  readonly revision: string;
  /** The revision's file, as the source shows it, or `null`. */
  readonly file: string | null;
  readonly direction: 'up' | 'down';
  /** The statement (as rendered offline). */
  readonly statement: string;
  /** What exactly (table, column). */
  readonly message: string;
  /** The safe way. */
  readonly alternative: string;
  /** The table or index it is about. */
  readonly relation: string | null;
  /** The revision's reason when it acknowledges the code, else `null`. */
  readonly acknowledged: string | null;
}

/** A revision the lint could not render offline (it reads rows with `execute()`). */
export interface LintSkipped {
  readonly revision: string;
  readonly file: string | null;
  readonly reason: string;
}

/** What {@link lintRevisions} found. */
export interface LintReport {
  /** The revisions linted, in the order given. */
  readonly revisions: readonly string[];
  /** Every finding, acknowledged ones included, in revision and statement order. */
  readonly findings: readonly LintFinding[];
  /** The findings no acknowledgement covers: what fails `lint`, `check` and the test kit. */
  readonly unacknowledged: readonly LintFinding[];
  /** Acknowledged codes that found nothing (stale acknowledgements; a warning, not a failure). */
  readonly unusedAcknowledgements: readonly { readonly revision: string; readonly code: string }[];
  readonly skipped: readonly LintSkipped[];
}

/** Options of {@link lintRevisions}. */
export interface LintOptions {
  /** Lint `up()` (default), `down()`, or both. */
  readonly direction?: 'up' | 'down' | 'both';
  /** The version table, whose own statements are not linted. Default `public.mikro_orm_alembic_version`. */
  readonly versionTable?: VersionTable | VersionTableOptions;
  /**
   * The revisions run through the runner with its statement lock timeout on (the default), so
   * `LOCK_TIMEOUT_MISSING` does not apply. `false` when the runner's lock timeout is off (`lockTimeout: 0`).
   */
  readonly runnerLockTimeout?: boolean;
}

/**
 * Lints revisions: each one's `up()` (and/or `down()`) is rendered as offline SQL, exactly as
 * `upgrade --sql` would print it (`BEGIN`/`COMMIT` and autocommit blocks included), parsed with
 * PostgreSQL's parser and run through the rules. A revision acknowledges findings by code with a
 * reason in its `acknowledge` field; those are kept in `findings` with the reason, and left out of
 * `unacknowledged`. A revision that reads rows (`execute()`) cannot be rendered offline and is listed
 * in `skipped`.
 *
 * @throws {LintAcknowledgementError} when a revision's `acknowledge` names an unknown code or gives no reason
 * @throws {SqlParseError} when a revision's SQL does not parse
 * @example
 * ```ts
 * import { MigrationEnvironment, lintRevisions } from 'mikro-orm-alembic';
 *
 * const env = new MigrationEnvironment({ path: 'migrations' });
 * const report = await lintRevisions(env.source, env.graph.planUpgrade([], 'heads').revisions);
 * for (const f of report.unacknowledged) console.log(`${f.revision} ${f.code}: ${f.message}\n  ${f.statement}\n  instead: ${f.alternative}`);
 * ```
 */
export async function lintRevisions(source: RevisionSource, revisions: readonly string[], options: LintOptions = {}): Promise<LintReport> {
  const table = options.versionTable instanceof VersionTable ? options.versionTable : new VersionTable(options.versionTable);
  const directions: ('up' | 'down')[] = options.direction === 'both' ? ['up', 'down'] : [options.direction ?? 'up'];
  const entries = new Map(source.scripts.map((s) => [s.id, s]));
  const findings: LintFinding[] = [];
  const unused: { revision: string; code: string }[] = [];
  const skipped: LintSkipped[] = [];
  for (const id of revisions) {
    const file = entries.get(id)?.path ?? null;
    const acks = acknowledgementsOf(await source.load(id), id, file);
    const used = new Set<string>();
    for (const direction of directions) {
      let sql: string;
      try {
        sql = await renderOfflineSql({ direction, revisions: [id], headsAfter: [], warnings: [] }, source, { versionTable: table, lock: false });
      } catch (error) {
        skipped.push(Object.freeze({ revision: id, file, reason: error instanceof Error ? error.message : String(error) }));
        continue;
      }
      const statements = (await parseSql(sql, { origin: `revision ${id} (${direction})${file ? ` in ${file}` : ''}` })).filter((s) => !isVersionTableStatement(s, table));
      for (const f of lintStatements(statements, { runnerLockTimeout: options.runnerLockTimeout })) {
        const reason = acks.get(f.code) ?? null;
        if (reason !== null) used.add(f.code);
        findings.push(
          Object.freeze({
            code: f.code,
            revision: id,
            file,
            direction,
            statement: f.statement.sql,
            message: f.message,
            alternative: lintRule(f.code).alternative,
            relation: f.relation,
            acknowledged: reason,
          }),
        );
      }
    }
    for (const code of acks.keys()) if (!used.has(code)) unused.push(Object.freeze({ revision: id, code }));
  }
  return Object.freeze({
    revisions: Object.freeze([...revisions]),
    findings: Object.freeze(findings),
    unacknowledged: Object.freeze(findings.filter((f) => f.acknowledged === null)),
    unusedAcknowledgements: Object.freeze(unused),
    skipped: Object.freeze(skipped),
  });
}

/** The statements the runner adds for the version table (its schema, the table, its row) are not the revision's. */
function isVersionTableStatement(statement: ParsedStatement, table: VersionTable): boolean {
  if (statement.type === 'CreateSchemaStmt') return statement.node.schemaname === table.schema;
  const analysis = analyzeStatement(statement);
  const relations = [...analysis.locks.map((l) => l.relation), ...analysis.creates];
  return relations.length > 0 && relations.every((r) => r.name === table.name && (r.schema === null || r.schema === table.schema));
}

/** The revision's `acknowledge` field, checked. */
function acknowledgementsOf(revision: object, id: string, file: string | null): Map<LintCode, string> {
  const value = revisionFieldOf(revision, 'acknowledge');
  const out = new Map<LintCode, string>();
  if (value === undefined || value === null) return out;
  if (typeof value !== 'object' || Array.isArray(value)) throw new LintAcknowledgementError(id, file, 'must be an object of lint code → reason');
  for (const [code, reason] of Object.entries(value as Record<string, unknown>)) {
    if (!isLintCode(code)) throw new LintAcknowledgementError(id, file, `names ${JSON.stringify(code)}, which is not a lint code (see docs/lint.md)`);
    if (typeof reason !== 'string' || reason.trim().length === 0) throw new LintAcknowledgementError(id, file, `${code} needs a reason (a non-empty string)`);
    out.set(code, reason);
  }
  return out;
}
