import type { LintFinding, LintReport } from '../../lint/lint-revisions';
import { LintFailedError } from '../../lint/errors';
import { CliUsageError } from '../errors';
import type { CliProject } from '../cli-project';
import { checkTargetSyntax } from '../target-syntax';
import { openProject, type VerbContext } from '../verb-context';

/** Options of `lint`. */
export interface LintVerbOptions {
  readonly json?: boolean;
  /** Also lint `down()`. */
  readonly down?: boolean;
  /** Also print acknowledged findings. */
  readonly all?: boolean;
}

/**
 * `lint [range]`: every revision's SQL (rendered offline, parsed with PostgreSQL's parser) through
 * the lock rules (docs/lint.md); exit 1 when a finding is not acknowledged by its revision. `range`:
 * nothing for every revision, `from:to` for the revisions an upgrade from `from` to `to` runs, or one
 * target (`head`, an id) for just those revisions.
 *
 * @example
 * ```ts
 * await lint(ctx, undefined, {});      // every revision
 * await lint(ctx, 'ae10:head', {});    // what the next deploy runs
 * ```
 */
export async function lint(ctx: VerbContext, range: string | undefined, options: LintVerbOptions): Promise<void> {
  const project = await openProject(ctx, 'offline');
  const revisions = lintRange(project, range);
  const report = await lintProject(project, revisions, options.down ? 'both' : 'up');
  printLintReport(ctx, report, options);
  if (report.unacknowledged.length > 0) throw new LintFailedError(report.unacknowledged, '(listed above)');
}

/** Runs the lint over `revisions` of a project (the runner's lock timeout as the project configures it). */
export async function lintProject(project: CliProject, revisions: readonly string[], direction: 'up' | 'both' = 'up'): Promise<LintReport> {
  const source = project.loadableSource();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { lintRevisions } = require('../../lint/lint-revisions') as typeof import('../../lint/lint-revisions');
  return lintRevisions(source, revisions, {
    direction,
    versionTable: project.options.versionTable,
    runnerLockTimeout: project.options.statementLockTimeoutMs !== 0,
  });
}

/** Prints a report: each finding with its revision, file, statement and the safe alternative. */
export function printLintReport(ctx: VerbContext, report: LintReport, options: { json?: boolean; all?: boolean }): void {
  if (options.json) {
    ctx.output.json(report);
    return;
  }
  const shown = options.all ? report.findings : report.unacknowledged;
  for (const f of shown) ctx.output.lines(findingLines(f));
  for (const s of report.skipped) ctx.output.warn(`revision ${s.revision} was not linted: ${s.reason}`);
  for (const u of report.unusedAcknowledgements) ctx.output.warn(`revision ${u.revision} acknowledges ${u.code}, which it no longer triggers`);
  const acknowledged = report.findings.length - report.unacknowledged.length;
  const n = report.revisions.length;
  ctx.output.line(
    `${report.unacknowledged.length === 0 ? 'OK' : 'FAIL'}: ${n} revision${n === 1 ? '' : 's'} linted, ` +
      `${report.unacknowledged.length} finding${report.unacknowledged.length === 1 ? '' : 's'}` +
      (acknowledged > 0 ? ` (${acknowledged} acknowledged)` : ''),
  );
}

function findingLines(f: LintFinding): string[] {
  return [
    `${f.revision}${f.file ? ` (${f.file})` : ''} ${f.direction === 'down' ? '[down] ' : ''}${f.code}: ${f.message}`,
    `  statement: ${f.statement.length > 300 ? `${f.statement.slice(0, 300)}…` : f.statement}`,
    `  instead:   ${f.alternative}`,
    ...(f.acknowledged === null ? [] : [`  acknowledged: ${f.acknowledged}`]),
  ];
}

/** The revisions a `lint` range names, in upgrade order. */
export function lintRange(project: CliProject, range: string | undefined): readonly string[] {
  const graph = project.graph;
  if (range === undefined) return graph.planUpgrade([], 'heads').revisions;
  const parts = range.split(':');
  if (parts.length > 2) throw new CliUsageError(`'${range}' is not a range: use from:to, or one revision`);
  if (parts.length === 2) {
    const [from, to] = parts;
    if (from !== '') checkTargetSyntax(from, 'start of the lint range');
    checkTargetSyntax(to || 'heads', 'end of the lint range');
    const heads = from === '' ? [] : graph.resolve(from).filter((id) => id !== 'base');
    return graph.planUpgrade(heads, to || 'heads').revisions;
  }
  checkTargetSyntax(range, 'revision');
  return graph.resolve(range).filter((id) => id !== 'base');
}
