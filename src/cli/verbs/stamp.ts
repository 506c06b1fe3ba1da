import { CliUsageError } from '../errors';
import { lockWaitNote } from '../lock-wait';
import { creatingMissingDatabase } from '../missing-database';
import { namedTarget } from '../revision-names';
import { checkTargetSyntax } from '../target-syntax';
import { openProject, type VerbContext } from '../verb-context';
import { fanout, refuseFanoutOnly, wantsFanout, type FanoutVerbOptions } from './fanout';

/** Options of `stamp`. */
export interface StampOptions extends FanoutVerbOptions {
  /** Delete every row of the version table first (also rows of revisions whose file is gone). */
  readonly purge?: boolean;
  /** With `--schema`: create the schema when it does not exist. */
  readonly createSchema?: boolean;
}

/**
 * `stamp <target...>`: records the target(s) and their ancestry as exactly what is applied,
 * without running any revision (`base`: nothing applied). Under the migration lock.
 *
 * @example
 * ```ts
 * await stamp(ctx, ['head'], {});               // an existing schema, now under revision control
 * await stamp(ctx, ['base'], { purge: true });  // forget everything
 * ```
 */
export async function stamp(ctx: VerbContext, targets: readonly string[], options: StampOptions): Promise<void> {
  for (const target of targets) checkTargetSyntax(target, 'stamp target');
  if (wantsFanout(options)) return fanout(ctx, { kind: 'stamp', targets, purge: options.purge }, options, { createSchema: options.createSchema });
  refuseFanoutOnly(options, 'stamp', false);
  if (options.createSchema && ctx.global.schema === undefined) throw new CliUsageError('--create-schema needs --schema <name>');
  const project = await openProject(ctx, 'database', { resolutionOnly: true });
  const runtime = project.runtime({
    log: { warn: (message) => ctx.output.warn(message), notice: (message) => ctx.output.note(message) },
    onWait: lockWaitNote(ctx.output),
    ...(options.createSchema ? { createSchema: true } : {}),
  });
  const named = targets.map((t) => namedTarget(project, t));
  // a missing database is created, as MikroORM's migration:up does
  const result = await creatingMissingDatabase(project, ctx.output, () => runtime.stamp(named, { purge: options.purge }));
  const heads = result.headsAfter.length === 0 ? '<base>' : result.headsAfter.join(', ');
  ctx.output.line(
    `Stamped ${targets.join(' ')}: ${result.added.length} revision(s) recorded as applied, ${result.removed.length} removed; ` +
      `current heads: ${heads}`,
  );
}
