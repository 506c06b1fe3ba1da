import { isValidRevisionId } from '../../script/revision-id';
import { writeMerge } from '../../script/revision-writer';
import type { CommuteResult } from '../../testing/branch-commute';
import { BranchesDoNotCommuteError, CliUsageError } from '../errors';
import type { CliProject } from '../cli-project';
import { conflictError, conflictLines, projectConflicts } from '../head-conflicts';
import { namedTarget } from '../revision-names';
import { checkTargetSyntax } from '../target-syntax';
import { openProject, type VerbContext } from '../verb-context';

/** Options of `merge`. */
export interface MergeOptions {
  readonly message?: string;
  readonly branchLabel?: string;
  readonly revId?: string;
  /** Apply the branches in both orders on throw-away databases and compare the schemas before writing. */
  readonly verify?: boolean;
  /** Write the merge even when the branches overlap, cannot be analysed, or do not commute. */
  readonly force?: boolean;
}

/**
 * `merge [revs...] -m "message"`: writes a merge revision whose parents are the given heads
 * (default: all heads; `heads` and prefixes are accepted). Its `up()`/`down()` run nothing.
 *
 * Before writing, it reports whether the branches commute (docs/merges.md): the revisions since the
 * merge base on each side and the objects both touch. When they overlap (exit 3) or a revision's
 * effect cannot be known statically (exit 4), nothing is written unless `force`. With `verify`, the
 * branches are applied in both orders on throw-away databases and the schemas compared: the merge is
 * written when they commute, whatever the static analysis said, and refused (exit 3) when they do not.
 *
 * @example
 * ```ts
 * await merge(ctx, [], { message: 'merge billing and users' });
 * await merge(ctx, ['ae10', '27c6'], { verify: true });
 * ```
 */
export async function merge(ctx: VerbContext, revisions: readonly string[], options: MergeOptions): Promise<void> {
  if (options.revId !== undefined && !isValidRevisionId(options.revId)) {
    throw new CliUsageError(`--rev-id '${options.revId}' is not a valid revision id: use letters, digits and _`);
  }
  for (const rev of revisions) checkTargetSyntax(rev, 'revision to merge');
  const project = await openProject(ctx, options.verify ? 'optional-database' : 'graph', { writing: true });
  const graph = project.graph;
  const ids = revisions.length === 0 ? graph.heads : [...new Set(revisions.flatMap((rev) => graph.resolve(namedTarget(project, rev)).filter((id) => id !== 'base')))];
  let problem: Error | null = null;
  if (ids.length >= 2) {
    const report = await projectConflicts(project, ids);
    ctx.output.lines(conflictLines(report));
    problem = conflictError(report, options.force ? 'writing the merge anyway (--force)' : 'nothing was written');
    if (options.verify) {
      const results = await verifyProject(ctx, project, ids);
      const failing = results.filter((r) => !r.commutes);
      problem = failing.length === 0 ? null : new BranchesDoNotCommuteError(failing.map((r) => r.heads), options.force === true);
      if (failing.length === 0 && report.verdict !== 'commute') ctx.output.line('Verified: both orders give the same schema, so the merge is written.');
    }
  }
  if (problem !== null) {
    if (!options.force) throw problem;
    ctx.output.warn(problem.message);
  }
  const written = writeMerge({
    directory: project.writeFolder,
    heads: graph.heads,
    revisions: ids,
    message: options.message,
    branchLabels: options.branchLabel === undefined ? [] : [options.branchLabel],
    revId: options.revId,
    importFrom: project.options.importFrom,
  });
  ctx.output.line(`Created merge revision ${ctx.output.color.yellow(written.id)} of ${ids.join(', ')}: ${project.shown(written.path)}`);
}

/** Runs the test kit's commute check for every pair of `heads`, printing each result. */
async function verifyProject(ctx: VerbContext, project: CliProject, heads: readonly string[]): Promise<readonly CommuteResult[]> {
  /* eslint-disable @typescript-eslint/no-require-imports -- the runtime, pg and the kit only for --verify */
  const { MigrationTestKit } = require('../../testing/migration-test-kit') as typeof import('../../testing/migration-test-kit');
  const { describeCommute } = require('../../testing/branch-commute') as typeof import('../../testing/branch-commute');
  const { serverUrl } = require('./test') as typeof import('./test');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const environment = project.kitEnvironment();
  const kit = await MigrationTestKit.open({
    environment,
    versionTable: project.options.versionTable,
    serverUrl: project.connection === null ? undefined : serverUrl(project.connection),
    databasePrefix: 'mo_alembic_merge',
  });
  try {
    const results = await kit.verifyBranchesCommute(heads);
    for (const r of results) ctx.output.lines(describeCommute(r));
    return results;
  } finally {
    await kit.close();
  }
}
