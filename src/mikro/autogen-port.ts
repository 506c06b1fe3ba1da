import type { MikroORM } from '@mikro-orm/core';
import type { AutogenOptions, AutogenResult, SafetyNote } from '../autogen';

/** One safety note of autogenerate (a destructive, data-dependent or guessed step), with a stable code. */
export type AutogenSafetyNote = SafetyNote;

/**
 * Autogenerate (entities vs. the database → revision body), loaded on first use so that importing
 * the package (e.g. from a revision file) does not load the schema diff machinery.
 *
 * @example
 * ```ts
 * const result = await runAutogenerate(orm, { safe: false });
 * if (!result.empty) console.log(result.upSql.join('\n'));
 * ```
 */
export async function runAutogenerate(orm: MikroORM, options: AutogenOptions): Promise<AutogenResult> {
  // `require`, not `import()`: under `module: nodenext` (MikroORM's CLI compiles with it) a dynamic
  // import stays an ES import, which cannot load a folder's index
  const { autogenerate } = require('../autogen') as typeof import('../autogen');
  return autogenerate(orm, options);
}

/**
 * The base revision of the current model (entities vs. an empty schema; see `autogenerateBaseline`),
 * loaded on first use like {@link runAutogenerate}.
 *
 * @example
 * ```ts
 * const baseline = await runBaseline(orm);
 * ```
 */
export async function runBaseline(orm: MikroORM): Promise<AutogenResult> {
  const { autogenerateBaseline } = require('../autogen') as typeof import('../autogen');
  return autogenerateBaseline(orm);
}
