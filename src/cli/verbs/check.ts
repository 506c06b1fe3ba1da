import { extname } from 'node:path';
import { LintFailedError } from '../../lint/errors';
import { ScriptFileError } from '../../script/errors';
import type { RevisionScript } from '../../script/script-directory';
import { CheckFailedError, RevisionModulesFailedError, type FailedRevisionModule } from '../errors';
import { conflictError, conflictLines, projectConflicts } from '../head-conflicts';
import { RevisionFormat } from '../revision-format';
import { ensureTsLoader } from '../ts-loader';
import { openProject, type VerbContext } from '../verb-context';
import { fanout, refuseFanoutOnly, wantsFanout, type FanoutVerbOptions } from './fanout';

/** Options of `check`. */
export interface CheckOptions extends FanoutVerbOptions {
  readonly json?: boolean;
  /** Read the files' headers only (fast): do not load (compile) the revision modules (and do not lint). */
  readonly headersOnly?: boolean;
  /** `false` (`--no-lint`): leave out the lock lint. */
  readonly lint?: boolean;
}

/**
 * `check`: the health of the revision graph, for CI. Every file is read and the graph is built
 * (a file that cannot be read, a duplicate id, a missing parent, a cycle: exit 1 with the error),
 * every revision module is loaded as `upgrade` would load it (a `.ts` file is compiled: a syntax
 * error, a failing import, a class whose fields disagree with the header: exit 1 naming each file;
 * not with `--headers-only`), there must be at most one head (several: exit 1, suggesting
 * `merge`, with the analysis of whether their branches commute on stderr; exit 3 when they touch
 * common objects, 4 when a revision's effect is unknown: docs/merges.md), and every revision passes the lock lint (docs/lint.md; an unacknowledged finding: exit 1,
 * each finding printed; not with `--no-lint` or `--headers-only`). No database.
 *
 * @example
 * ```ts
 * await check(ctx, {}); // 'OK: 12 revisions in migrations, one head: 27c6a30d7c24 (head), Add a column'
 * await check(ctx, { headersOnly: true }); // the graph from the file headers only, nothing imported
 * ```
 */
export async function check(ctx: VerbContext, options: CheckOptions): Promise<void> {
  // with targets: every target's database at the graph's heads (exit 1 naming those behind)
  if (wantsFanout(options)) return fanout(ctx, { kind: 'check' }, options, {});
  refuseFanoutOnly(options, 'check', true);
  const project = await openProject(ctx, 'graph');
  const graph = project.graph;
  const heads = graph.heads;
  const failed = options.headersOnly ? [] : loadEveryModule(project.scripts.scripts, () => ensureTsLoader(project.settings, project.cwd), (p) => project.shown(p));
  const format = new RevisionFormat(graph, project.scripts.scripts, ctx.cwd, ctx.output.color);
  const ok = heads.length <= 1 && failed.length === 0;
  // several heads whose modules load: whether their branches commute tells how to merge them
  const conflicts = heads.length > 1 && failed.length === 0 && !options.headersOnly ? await projectConflicts(project, heads) : null;
  if (options.json) {
    ctx.output.json({
      ok,
      folder: project.shown(),
      revisions: graph.size,
      heads: heads.map((id) => format.json(id)),
      modules: options.headersOnly ? 'not loaded' : { loaded: project.scripts.scripts.length - failed.length, failed },
      ...(conflicts === null ? {} : { conflicts: { verdict: conflicts.verdict, pairs: conflicts.pairs } }),
    });
  } else if (conflicts !== null) {
    for (const line of conflictLines(conflicts)) ctx.output.note(line);
  } else if (ok) {
    ctx.output.line(
      heads.length === 0
        ? `OK: ${project.shown()} has no revisions yet`
        : `OK: ${graph.size} revision${graph.size === 1 ? '' : 's'} in ${project.shown()}, one head: ${format.line(heads[0], { message: true, tree: false })}`,
    );
  }
  if (failed.length > 0) throw new RevisionModulesFailedError(failed);
  if (!ok) throw (conflicts === null ? null : conflictError(conflicts, `the graph has ${heads.length} heads to merge with care (docs/merges.md)`)) ?? new CheckFailedError(heads);
  if (options.lint !== false && !options.headersOnly && graph.size > 0) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const verb = require('./lint') as typeof import('./lint');
    const report = await verb.lintProject(project, verb.lintRange(project, undefined));
    if (report.unacknowledged.length > 0) {
      if (!options.json) verb.printLintReport(ctx, report, {});
      throw new LintFailedError(report.unacknowledged, options.json ? JSON.stringify(report.unacknowledged, null, 2) : '(listed above)');
    }
  }
}

/**
 * Loads every revision module (each compiled, imported and checked against its header), going on
 * after a failure so that every broken file is named.
 */
function loadEveryModule(scripts: readonly RevisionScript[], registerTs: () => void, shown: (path: string) => string): FailedRevisionModule[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { loadRevision } = require('../../script/revision-loader') as typeof import('../../script/revision-loader');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { canTranspile } = require('../../script/typescript-module') as typeof import('../../script/typescript-module');
  const ts = scripts.find((s) => extname(s.path) === '.ts');
  if (ts !== undefined && !canTranspile(ts.path)) registerTs();
  const failed: FailedRevisionModule[] = [];
  for (const script of scripts) {
    try {
      loadRevision(script);
    } catch (error) {
      const file = shown(script.path);
      const message = error instanceof Error ? error.message : String(error);
      // the script layer's errors already start with the file (and line)
      failed.push({ id: script.id, file, error: error instanceof ScriptFileError ? message : `${file}: ${message}` });
    }
  }
  return failed;
}
