import type { RevisionGraph } from '../../graph/revision-graph';
import type { TransactionMode } from '../../runtime/revision-runner';
import { CliUsageError } from '../errors';
import { lockWaitNote } from '../lock-wait';
import { creatingMissingDatabase } from '../missing-database';
import { RunProgressReporter } from '../progress';
import { RevisionFormat } from '../revision-format';
import { namedTarget } from '../revision-names';
import { checkTargetSyntax, parseSqlRange } from '../target-syntax';
import { openProject, type VerbContext } from '../verb-context';
import { fanout, fanoutOfflineSql, refuseFanoutOnly, wantsFanout, type FanoutVerbOptions } from './fanout';

/** Options of `upgrade` and `downgrade`. */
export interface MigrateOptions extends FanoutVerbOptions {
  /** Offline: print the SQL script instead of running it (the target may be a range `from:to`). */
  readonly sql?: boolean;
  /** `all`: one transaction for the whole run; `per-revision` (default): one per revision. */
  readonly transaction?: string;
  /** How long to wait for the migration lock, in milliseconds (text from the command line). */
  readonly lockTimeout?: string;
  /** Run nothing: print the lock preview of the plan (`explain`). */
  readonly explain?: boolean;
  /** With `--schema`: create the schema when it does not exist (upgrade). */
  readonly createSchema?: boolean;
}

/**
 * `upgrade [target]` (default `head`) and `downgrade <target>`: run the plan against the database
 * under the migration lock, each revision in its own transaction (or one for all with
 * `--transaction all`), with progress; or, with `--sql`, print the plan as one SQL script without
 * connecting (`[from:]to` for an upgrade, `from:to` for a downgrade).
 *
 * @example
 * ```ts
 * await migrate(ctx, 'up', 'heads', {});
 * await migrate(ctx, 'down', 'ae1027a6acf2:base', { sql: true });
 * ```
 */
export async function migrate(ctx: VerbContext, direction: 'up' | 'down', target: string, options: MigrateOptions): Promise<void> {
  const verb = direction === 'up' ? 'upgrade' : 'downgrade';
  const transactionMode = parseTransactionMode(options.transaction);
  const lockTimeoutMs = parseLockTimeout(options.lockTimeout);
  if (wantsFanout(options)) {
    if (options.explain) throw new CliUsageError('--explain previews one database: leave out the fan-out options');
    if (options.sql) return fanoutOfflineSql(ctx, direction, parseSqlRange(target, verb), options, { transactionMode });
    checkTargetSyntax(target, `${verb} target`);
    return fanout(ctx, { kind: direction === 'up' ? 'upgrade' : 'downgrade', target }, options, { transactionMode, lockTimeoutMs, createSchema: options.createSchema });
  }
  refuseFanoutOnly(options, verb, false);
  if (options.createSchema && ctx.global.schema === undefined) throw new CliUsageError('--create-schema needs --schema <name>');
  if (options.sql) {
    const range = parseSqlRange(target, verb);
    const project = await openProject(ctx, 'offline', { resolutionOnly: true });
    // from base (no `from`), an upgrade's script runs every revision up to the target
    if (direction === 'up' && range.from === undefined) project.willLoadEveryRevision();
    const runtime = project.runtime({}, { runsRevisions: true });
    const sql = await runtime.offlineSql({
      direction,
      target: namedTarget(project, range.to),
      from: range.from === undefined ? undefined : namedTarget(project, range.from),
      transactionMode,
    });
    ctx.output.raw(sql.endsWith('\n') ? sql : `${sql}\n`);
    return;
  }
  checkTargetSyntax(target, `${verb} target`);
  const project = await openProject(ctx, 'database', { resolutionOnly: true });
  if (options.explain) {
    const { heads } = await project.runtime({}, { runsRevisions: true }).current();
    const plan = direction === 'up' ? project.graph.planUpgrade(heads, target) : project.graph.planDowngrade(heads, target);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { explainRevisions } = require('./explain') as typeof import('./explain');
    const n = plan.revisions.length;
    return explainRevisions(ctx, project, plan.revisions, direction, {
      title: `${verb} ${target} would run ${n} revision${n === 1 ? '' : 's'} (nothing was run):`,
    });
  }
  // with squashed revisions, a database inside a run runs (and ends at) the run's originals
  const formats = new Map<RevisionGraph, RevisionFormat>();
  const formatOf = (ids: readonly string[]) => {
    const graph = project.graphWith(ids);
    let found = formats.get(graph);
    if (!found) formats.set(graph, (found = new RevisionFormat(graph, project.scripts.scripts, ctx.cwd, ctx.output.color)));
    return found;
  };
  const describe = (id: string) => {
    const format = formatOf([id]);
    const title = format.title(id);
    const step = direction === 'up' ? `${format.parents(id)} -> ${id}` : `${id} -> ${format.parents(id)}`;
    return title === '' ? step : `${step}, ${title}`;
  };
  const progress = new RunProgressReporter(ctx.output, verb, describe);
  const runtime = project.runtime(
    {
      log: { warn: (message) => ctx.output.warn(message), notice: (message) => ctx.output.note(message) },
      onWait: lockWaitNote(ctx.output),
      ...(lockTimeoutMs === undefined ? {} : { lockTimeoutMs }),
      ...(transactionMode === undefined ? {} : { transactionMode }),
      ...(options.createSchema ? { createSchema: true } : {}),
    },
    { runsRevisions: true, prefetch: direction },
  );
  let result;
  try {
    const run = { onRevisionStart: progress.start, onRevisionDone: progress.done };
    const resolved = namedTarget(project, target);
    // a missing database is created for an upgrade, as MikroORM's migration:up does
    result = direction === 'up' ? await creatingMissingDatabase(project, ctx.output, () => runtime.upgrade(resolved, run)) : await runtime.downgrade(resolved, run);
  } finally {
    progress.finish();
  }
  const format = formatOf(result.headsAfter);
  const heads = result.headsAfter.length === 0 ? '<base>' : result.headsAfter.map((id) => format.line(id, { tree: false })).join(', ');
  if (result.ran.length === 0) {
    ctx.output.line(`Nothing to ${verb}: the database is at ${heads}`);
  } else {
    const n = result.ran.length;
    ctx.output.line(`${direction === 'up' ? 'Upgraded' : 'Downgraded'} ${n} revision${n === 1 ? '' : 's'} in ${progress.elapsed()}; current heads: ${heads}`);
  }
}

function parseTransactionMode(text: string | undefined): TransactionMode | undefined {
  if (text === undefined) return undefined;
  if (text === 'all' || text === 'per-revision') return text;
  throw new CliUsageError(`--transaction '${text}' is not a transaction mode: use all or per-revision`);
}

function parseLockTimeout(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (text === 'infinity' || text === 'Infinity') return Infinity;
  const ms = Number(text);
  if (!/^\d+$/.test(text) || !Number.isFinite(ms)) {
    throw new CliUsageError(`--lock-timeout '${text}' is not a number of milliseconds (or infinity)`);
  }
  return ms;
}
