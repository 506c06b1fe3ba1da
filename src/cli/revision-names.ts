import { MigrationNames } from '../mikro/migration-names';
import type { CliProject } from './cli-project';

/**
 * A target given to the bin with a revision's file name (`97ad6c411a80_b3`, `97ad6c411a80_b3.ts`) or its
 * `migration:list` name replaced by its id (also inside `<name>+N` and `<label>@<name>`); anything else
 * is returned as it is, for the graph to resolve.
 *
 * @example
 * ```ts
 * await runtime.upgrade(namedTarget(project, '97ad6c411a80_b3.ts')); // upgrade 97ad6c411a80
 * ```
 */
export function namedTarget(project: CliProject, target: string): string {
  return new MigrationNames(project.graph, project.scripts.scripts).target(target);
}
