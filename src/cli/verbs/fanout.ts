import { resolve } from 'node:path';
import type { FanoutCommand, FanoutResult } from '../../fanout/fanout-runner';
import type { PlannedTarget } from '../../fanout/target-sources';
import type { TransactionMode } from '../../runtime/revision-runner';
import type { CliProject } from '../cli-project';
import { CliUsageError } from '../errors';
import { formatMs } from '../progress';
import { namedTarget } from '../revision-names';
import { openProject, type VerbContext } from '../verb-context';

/** The fan-out options of `upgrade`, `downgrade`, `current`, `check` and `stamp`. */
export interface FanoutVerbOptions {
  /** `--targets <file>`: one URL per line, or JSON `[{ name, url, schema }]`. */
  readonly targets?: string;
  /** `--target-url <url>` (repeatable). */
  readonly targetUrl?: readonly string[];
  /** `--tenants-query <sql>`: run on the base connection, returns tenant schema names. */
  readonly tenantsQuery?: string;
  /** `--tenants`: the targets of the plugin's `tenants` option. */
  readonly tenants?: boolean;
  /** `--concurrency <n>` (text from the command line). */
  readonly concurrency?: string;
  /** `--fail-fast`: start no further target after a failure. */
  readonly failFast?: boolean;
  /** `--json`: the report as JSON on stdout. */
  readonly json?: boolean;
  /** `--out-dir <dir>` with `--sql`: one script per target. */
  readonly outDir?: string;
}

/** Settings of the single-target commands that a fan-out passes on to every target. */
export interface FanoutRunSettings {
  readonly transactionMode?: TransactionMode;
  readonly lockTimeoutMs?: number;
  /** `--create-schema`: a schema target whose schema does not exist is created (default: refused, `SCHEMA_NOT_FOUND`). */
  readonly createSchema?: boolean;
}

/** The global `--schema` (one tenant) has no meaning in a fan-out. */
const SCHEMA_WITH_FANOUT =
  '--schema names one tenant schema: a fan-out takes its schemas from its targets (--targets, --tenants-query, --tenants); leave out --schema';

/**
 * Whether the command line asks for a fan-out (any of `--targets`, `--target-url`, `--tenants-query`,
 * `--tenants`).
 *
 * @example
 * ```ts
 * if (wantsFanout(options)) return fanout(ctx, { kind: 'upgrade', target }, options, {});
 * ```
 */
export function wantsFanout(options: FanoutVerbOptions): boolean {
  return options.targets !== undefined || (options.targetUrl?.length ?? 0) > 0 || options.tenantsQuery !== undefined || options.tenants === true;
}

/**
 * A verb on many targets (docs/fanout.md): the targets gathered from every source given, checked, then
 * the command run on each with bounded concurrency, one progress display (stderr with `--json`), a
 * summary (or the `--json` report), and exit code 1 unless every target reached the target.
 *
 * @example
 * ```ts
 * await fanout(ctx, { kind: 'upgrade', target: 'head' }, { targets: 'targets.txt', concurrency: '8' }, {});
 * ```
 */
export async function fanout(ctx: VerbContext, command: FanoutCommand, options: FanoutVerbOptions, settings: FanoutRunSettings): Promise<void> {
  if (ctx.global.schema !== undefined) throw new CliUsageError(SCHEMA_WITH_FANOUT);
  const concurrency = parseConcurrency(options.concurrency);
  if (options.outDir !== undefined) throw new CliUsageError('--out-dir goes with --sql (offline scripts, one per target)');
  const project = await openProject(ctx, needOf(options));
  const targets = await gatherTargets(project, options);
  const graph = project.graph;
  const resolved = resolveCommand(project, command);
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { runFanout, describeCommand } = require('../../fanout/fanout-runner') as typeof import('../../fanout/fanout-runner');
  const { FanoutProgress } = require('../../fanout/fanout-progress') as typeof import('../../fanout/fanout-progress');
  const { fanoutReport, summaryLines } = require('../../fanout/fanout-report') as typeof import('../../fanout/fanout-report');
  const { targetRuntimeSettings } = require('../../fanout/target-runtime') as typeof import('../../fanout/target-runtime');
  const { FanoutFailedError } = require('../../fanout/errors') as typeof import('../../fanout/errors');
  const { describeHolders } = require('../../runtime/errors') as typeof import('../../runtime/errors');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const warnings = new Map<string, string[]>();
  const stream = options.json ? ctx.output.stderr : ctx.output.stdout;
  const paint = options.json ? ctx.output.errColor : ctx.output.color;
  const short = (id: string) => id;
  const progress = new FanoutProgress(stream, describeCommand(resolved), targets.length, paint, short);
  const runsRevisions = resolved.kind === 'upgrade' || resolved.kind === 'downgrade';
  // the first Ctrl-C starts no further target and lets the running ones finish (their revisions commit
  // or roll back whole); a second one exits at once (PostgreSQL rolls back what was in flight)
  const abort = new AbortController();
  const onInterrupt = () => {
    if (abort.signal.aborted) process.exit(130);
    abort.abort();
    ctx.output.note('Interrupted: no further target starts; the running ones finish (Ctrl-C again to stop now)');
  };
  process.on('SIGINT', onInterrupt);
  let result: FanoutResult;
  try {
    result = await runFanout({
      targets,
      command: resolved,
      graph,
      concurrency,
      failFast: options.failFast,
      signal: abort.signal,
      listener: progress,
      runtimeFor: (planned) => {
        const { connection, versionTable, schema } = targetRuntimeSettings(planned, project.options.versionTable);
        return project.runtime(
          {
            connection,
            versionTable,
            ...(schema === undefined ? {} : { schema, createSchema: settings.createSchema === true }),
            ...(settings.lockTimeoutMs === undefined ? {} : { lockTimeoutMs: settings.lockTimeoutMs }),
            ...(settings.transactionMode === undefined ? {} : { transactionMode: settings.transactionMode }),
            log: {
              // the same warning on every target is said once, with the targets it concerns
              warn: (message) => warnings.set(message, [...(warnings.get(message) ?? []), planned.target.name]),
              notice: (message) => ctx.output.note(`${planned.target.name}: ${message}`),
            },
            onWait: (info) =>
              ctx.output.note(
                `${planned.target.name}: waiting for the migration lock on ${info.lock}, held by ${describeHolders(info.holders)}` +
                  (Number.isFinite(info.timeoutMs) ? ` (up to ${formatMs(info.timeoutMs)})` : ''),
              ),
          },
          { runsRevisions },
        );
      },
    });
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    progress.finish();
  }
  // the targets of a warning in the order they were given, whatever order they finished in
  const order = new Map(targets.map((t, i) => [t.target.name, i]));
  for (const names of warnings.values()) names.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  for (const [message, names] of warnings) {
    const shown = names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ');
    ctx.output.warn(`${message} (${shown})`);
  }
  if (options.json) {
    // the warnings (edited revision files, ...) once each, with the targets they concern
    ctx.output.json({ ...fanoutReport(result), warnings: [...warnings].map(([message, targets]) => ({ message, targets })) });
  }
  else ctx.output.lines(summaryLines(result, ctx.output.color, short));
  if (!result.ok) {
    throw new FanoutFailedError(
      result.targets.filter((t) => t.status !== 'ok').map((t) => t.name),
      result.targets.length,
      result.command,
    );
  }
}

/**
 * `upgrade --sql` / `downgrade --sql` on many targets: one script per target into `--out-dir`, or, when
 * every target is a schema, one script on stdout with a `set search_path` section per schema.
 *
 * @example
 * ```ts
 * await fanoutOfflineSql(ctx, 'up', { to: 'head' }, { tenantsQuery: 'select ...', outDir: 'sql' }, {});
 * ```
 */
export async function fanoutOfflineSql(
  ctx: VerbContext,
  direction: 'up' | 'down',
  range: { readonly from?: string; readonly to: string },
  options: FanoutVerbOptions,
  settings: FanoutRunSettings,
): Promise<void> {
  if (ctx.global.schema !== undefined) throw new CliUsageError(SCHEMA_WITH_FANOUT);
  if (options.concurrency !== undefined || options.failFast) throw new CliUsageError('--concurrency and --fail-fast do not apply to --sql (nothing runs)');
  const project = await openProject(ctx, options.tenantsQuery !== undefined ? 'database' : 'offline');
  const targets = await gatherTargets(project, options);
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { renderTargetScripts, joinSchemaScripts, writeTargetScripts } = require('../../fanout/offline-scripts') as typeof import('../../fanout/offline-scripts');
  const { targetRuntimeSettings } = require('../../fanout/target-runtime') as typeof import('../../fanout/target-runtime');
  /* eslint-enable @typescript-eslint/no-require-imports */
  if (options.outDir === undefined && targets.some((t) => t.target.schema === undefined)) {
    throw new CliUsageError('--sql for several databases writes one script per target: give --out-dir <dir>', 'without --out-dir, only schema targets (one script with a set search_path section each) go to stdout');
  }
  const to = namedTarget(project, range.to);
  const from = range.from === undefined ? undefined : namedTarget(project, range.from);
  const scripts = await renderTargetScripts(targets, (planned) => {
    const { versionTable, schema } = targetRuntimeSettings(planned, project.options.versionTable);
    const runtime = project.runtime({ versionTable, ...(schema === undefined ? {} : { schema }) }, { runsRevisions: true });
    return runtime.offlineSql({ direction, target: to, from, transactionMode: settings.transactionMode });
  });
  if (options.outDir === undefined) {
    ctx.output.raw(joinSchemaScripts(scripts));
    return;
  }
  const files = writeTargetScripts(scripts, resolve(ctx.cwd, options.outDir));
  if (options.json) ctx.output.json({ files: scripts.map((s, i) => ({ name: s.name, schema: s.schema, file: project.shown(files[i]) })) });
  else ctx.output.line(`Wrote ${files.length} script${files.length === 1 ? '' : 's'} into ${project.shown(resolve(ctx.cwd, options.outDir))}`);
}

/** The project need: the base connection only for sources that read it. */
function needOf(options: FanoutVerbOptions): 'database' | 'optional-database' {
  return options.tenantsQuery !== undefined ? 'database' : 'optional-database';
}

/** Every target of every source given, in order (file, --target-url, --tenants-query, --tenants), checked. */
async function gatherTargets(project: CliProject, options: FanoutVerbOptions): Promise<PlannedTarget[]> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const sources = require('../../fanout/target-sources') as typeof import('../../fanout/target-sources');
  const { checkTargets } = require('../../fanout/target') as typeof import('../../fanout/target');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const planned: PlannedTarget[] = [];
  const named: string[] = [];
  if (options.targets !== undefined) {
    planned.push(...sources.readTargetsFile(resolve(project.cwd, options.targets), options.targets));
    named.push(`--targets ${options.targets}`);
  }
  if ((options.targetUrl?.length ?? 0) > 0) {
    planned.push(...sources.targetsFromUrls(options.targetUrl ?? []));
    named.push('--target-url');
  }
  if (options.tenantsQuery !== undefined) {
    if (project.connection === null) throw new CliUsageError('--tenants-query runs on the database of --url or the MikroORM config, and neither names one');
    planned.push(...(await sources.queryTenantTargets(project.connection, options.tenantsQuery)));
    named.push('--tenants-query');
  }
  if (options.tenants) {
    const tenants = project.ormConfig?.alembic?.tenants;
    if (tenants === undefined) {
      throw new CliUsageError(
        project.ormConfig === null ? '--tenants reads alembic({ tenants }) from the MikroORM config, and no config was loaded' : '--tenants: the MikroORM config has no alembic({ tenants: async () => [...] })',
      );
    }
    planned.push(...(await sources.tenantTargets(tenants, project.connection)));
    named.push('--tenants');
  }
  const source = named.join(' and ');
  const checked = checkTargets(
    planned.map((p) => p.target),
    source,
  );
  return planned.map((p, i) => ({ target: checked[i], connection: p.connection }));
}

/** The command with revision file names replaced by ids (as the single-target verbs accept them). */
function resolveCommand(project: CliProject, command: FanoutCommand): FanoutCommand {
  switch (command.kind) {
    case 'upgrade':
    case 'downgrade':
      return { kind: command.kind, target: namedTarget(project, command.target) };
    case 'stamp':
      return { ...command, targets: command.targets.map((t) => namedTarget(project, t)) };
    default:
      return command;
  }
}

function parseConcurrency(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 256) throw new CliUsageError(`--concurrency '${text}' is not a whole number from 1 to 256`);
  return n;
}

/**
 * Refuses fan-out-only options on a single-target command (`--concurrency` without `--targets`, ...),
 * so a typo in the target options never silently runs on the config's one database instead.
 *
 * @throws {CliUsageError} naming the option
 */
export function refuseFanoutOnly(options: FanoutVerbOptions & { readonly json?: boolean }, verb: string, jsonIsOwn: boolean): void {
  const given = [
    options.concurrency !== undefined ? '--concurrency' : null,
    options.failFast ? '--fail-fast' : null,
    options.outDir !== undefined ? '--out-dir' : null,
    !jsonIsOwn && options.json ? '--json' : null,
  ].filter((o): o is string => o !== null);
  if (given.length > 0) {
    throw new CliUsageError(
      `${given.join(', ')} ${given.length === 1 ? 'goes' : 'go'} with a fan-out: ${verb} needs --targets, --target-url, --tenants-query or --tenants for ${given.length === 1 ? 'it' : 'them'}`,
    );
  }
}
