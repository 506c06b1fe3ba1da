import type { AbstractSqlPlatform, DatabaseSchema } from '@mikro-orm/knex';
import type { EnumCatalog } from './enum-catalog';
import type { Operation } from './operation';

/** What a pass may look at besides the operations. */
export interface PassContext {
  /** The current schema (introspected, without the version table). */
  readonly from: DatabaseSchema;
  /** The target schema (from the entity metadata). */
  readonly to: DatabaseSchema;
  readonly platform: AbstractSqlPlatform;
  /** The database's enum types, their columns in every schema and what uses them (when read). */
  readonly enumCatalog?: EnumCatalog;
}

/**
 * A rewrite of the planned `up` operations, run after planning (enum steps included) and before
 * rendering (e.g. to fill a rebuild's `map`, or to leave steps out). It returns the new list;
 * `down` is still derived from it by inverting, so every operation it emits must carry what its
 * inverse needs, and the order must stay a dependency order.
 *
 * @example
 * ```ts
 * const noRebuilds: OperationPass = (ops) => ops.filter((op) => op.kind !== 'rebuildEnumType');
 * await autogenerate(orm, { passes: [noRebuilds] });
 * ```
 */
export type OperationPass = (operations: readonly Operation[], context: PassContext) => readonly Operation[];

/**
 * Runs the passes in order, each on the result of the previous one.
 *
 * @example
 * ```ts
 * const operations = applyPasses(planned, [enumPlanner], { from, to, platform });
 * ```
 */
export function applyPasses(operations: readonly Operation[], passes: readonly OperationPass[], context: PassContext): Operation[] {
  let current: readonly Operation[] = operations;
  for (const pass of passes) current = pass(current, context);
  return [...current];
}
