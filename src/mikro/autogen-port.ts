import type { MikroORM } from '@mikro-orm/core';

/** One safety note of autogenerate (a destructive or lock-heavy step), with a stable code. */
export interface AutogenSafetyNote {
  readonly code: string;
  readonly message: string;
  readonly table?: string;
  readonly column?: string;
}

/** What the plugin uses of autogenerate's result (`src/autogen`). */
export interface AutogenOutcome {
  readonly empty: boolean;
  readonly upBody: string;
  readonly downBody: string;
  readonly upSql: readonly string[];
  readonly downSql: readonly string[];
  readonly notes: readonly AutogenSafetyNote[];
  readonly summary: string;
}

/** Options the plugin passes to autogenerate. */
export interface AutogenRequest {
  readonly versionTable?: { readonly schema?: string; readonly name?: string };
  readonly dropUnusedEnums?: boolean;
  readonly safe?: boolean;
}

type Autogenerate = (orm: MikroORM, options?: AutogenRequest) => Promise<AutogenOutcome>;

/**
 * Autogenerate (entities vs. the database → revision body), loaded on first use so that importing
 * the package (e.g. from a revision file) does not load the schema diff machinery.
 *
 * @example
 * ```ts
 * const result = await runAutogenerate(orm, { safe: false });
 * if (!result.empty) console.log(result.upSql.join(';\n'));
 * ```
 */
export async function runAutogenerate(orm: MikroORM, options: AutogenRequest): Promise<AutogenOutcome> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const module = require('../autogen') as { autogenerate: Autogenerate };
  return module.autogenerate(orm, options);
}
