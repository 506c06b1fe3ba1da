import { CliProject, type GlobalOptions, type ProjectNeed } from './cli-project';
import type { Output } from './output';

/**
 * What every verb runs with: the global options, where to write, and the working directory (the
 * project folder, as for MikroORM's CLI).
 *
 * @example
 * ```ts
 * const ctx: VerbContext = { global: { path: 'migrations' }, output: new Output(process.stdout, process.stderr), cwd: process.cwd() };
 * await heads(ctx, { json: true });
 * ```
 */
export interface VerbContext {
  readonly global: GlobalOptions;
  readonly output: Output;
  readonly cwd: string;
}

/**
 * Opens the project for a verb (see `CliProject.open`), with warnings to stderr.
 *
 * @example
 * ```ts
 * const project = await openProject(ctx, 'graph');
 * ```
 */
export async function openProject(ctx: VerbContext, need: ProjectNeed, options: { writing?: boolean; resolutionOnly?: boolean } = {}): Promise<CliProject> {
  return CliProject.open(ctx.global, need, ctx.cwd, (message) => ctx.output.warn(message), { ...options, note: (message) => ctx.output.note(message) });
}
