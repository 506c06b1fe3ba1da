import type { CliProject } from './cli-project';
import type { Output } from './output';

/**
 * `upgrade` and `stamp` create the database when it does not exist, as MikroORM's `migration:up` does
 * (its `ensureDatabase`, on by default): one behaviour for every entry point. A config with
 * `ensureDatabase: false` keeps the refusal (and its hint). The creation is said on stderr.
 *
 * @example
 * ```ts
 * const result = await creatingMissingDatabase(project, ctx.output, () => project.runtime().upgrade('head'));
 * ```
 */
export async function creatingMissingDatabase<T>(project: CliProject, output: Output, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const missing = require('../runtime/missing-database') as typeof import('../runtime/missing-database');
    if (!missing.isMissingDatabase(error) || project.connection === null || project.ormConfig?.ensureDatabase === false) throw error;
    const name = await missing.createMissingDatabase(project.connection);
    output.note(`Created database "${name}" (it did not exist), as MikroORM's migration:up does; ensureDatabase: false in the config turns this off`);
    return operation();
  }
}
