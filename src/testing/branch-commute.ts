import { branchSplit, type BranchSplit } from '../conflicts/branch-split';
import { describeError } from './errors';
import type { MigrationTestKit } from './migration-test-kit';
import { diffSchemaSnapshots, readSchemaSnapshot, type SchemaSnapshot } from './schema-snapshot';

/** One order of two branches, as it ran on its own throw-away database. */
export interface OrderRun {
  /** The heads in the order their branches ran. */
  readonly order: readonly [string, string];
  /** The revisions applied after the common ones, in the order they ran (up to a failure). */
  readonly applied: readonly string[];
  /** The revision that failed (its `up()`, or a data hook around it), and why; `null` when all ran. */
  readonly failed: { readonly revision: string; readonly error: string } | null;
  /** The schema at the end (`null` when a revision failed). */
  readonly snapshot: SchemaSnapshot | null;
}

/** Whether two branches commute, proven by running them in both orders. */
export interface CommuteResult {
  readonly heads: readonly [string, string];
  readonly mergeBases: readonly string[];
  /** The revisions of each branch since the merge base, parents first. */
  readonly sides: BranchSplit['sides'];
  /** Both orders ran and gave the same schema. */
  readonly commutes: boolean;
  /** A then B, and B then A. */
  readonly runs: readonly [OrderRun, OrderRun];
  /**
   * The schema differences (`- line` only after A then B, `+ line` only after B then A), one per line;
   * empty when the schemas are equal or an order failed.
   */
  readonly difference: readonly string[];
}

/**
 * Runs two branches in both orders, each on its own throw-away database of the kit's server: the
 * revisions both heads build on first (the merge base), then branch A's revisions then B's, and on
 * the other database B's then A's, one revision at a time with the kit's data hooks around each. The
 * schemas (the kit's catalog snapshot, version table left out) are compared: the branches commute only
 * when both orders run and give the same schema. An order that fails names the failing revision.
 *
 * @example
 * ```ts
 * const kit = await MigrationTestKit.open({ path: 'migrations' });
 * const result = await verifyBranchesCommute(kit, 'b2b2b2b2b2b2', 'c3c3c3c3c3c3');
 * if (!result.commutes) console.log(result.difference.join('\n'));
 * ```
 */
export async function verifyBranchesCommute(kit: MigrationTestKit, a: string, b: string): Promise<CommuteResult> {
  const split = branchSplit(kit.environment.graph, a, b);
  const first = await runOrder(kit, split, 0);
  const second = await runOrder(kit, split, 1);
  const difference = first.snapshot !== null && second.snapshot !== null ? diffSchemaSnapshots(first.snapshot, second.snapshot) : [];
  return Object.freeze({
    heads: split.heads,
    mergeBases: split.mergeBases,
    sides: split.sides,
    commutes: first.failed === null && second.failed === null && difference.length === 0,
    runs: Object.freeze([first, second] as [OrderRun, OrderRun]),
    difference: Object.freeze(difference),
  });
}

/**
 * A commute result as lines for people.
 *
 * @example
 * ```ts
 * console.log(describeCommute(await verifyBranchesCommute(kit, a, b)).join('\n'));
 * ```
 */
export function describeCommute(result: CommuteResult): string[] {
  const [a, b] = result.heads;
  const lines = [`verify ${a} and ${b} (from ${result.mergeBases.length === 0 ? '<base>' : result.mergeBases.join(', ')}): ${result.sides[0].length} + ${result.sides[1].length} revisions, both orders on throw-away databases`];
  for (const run of result.runs) {
    const [x, y] = run.order;
    lines.push(
      run.failed === null
        ? `  ${x} then ${y}: applied ${run.applied.length} revision${run.applied.length === 1 ? '' : 's'}`
        : `  ${x} then ${y}: FAILED at ${run.failed.revision} after ${run.applied.length} revision${run.applied.length === 1 ? '' : 's'}: ${run.failed.error.split('\n').join('\n    ')}`,
    );
  }
  if (result.commutes) lines.push('  commutes: both orders give the same schema');
  else if (result.runs.some((r) => r.failed !== null)) lines.push('  does not commute: one order fails');
  else {
    lines.push(`  does not commute: the schemas differ (- only after ${a} then ${b}, + only after ${b} then ${a}):`);
    for (const d of result.difference) lines.push(`    ${d}`);
  }
  return lines;
}

async function runOrder(kit: MigrationTestKit, split: BranchSplit, firstSide: 0 | 1): Promise<OrderRun> {
  const order = (firstSide === 0 ? [split.heads[0], split.heads[1]] : [split.heads[1], split.heads[0]]) as [string, string];
  const revisions = [...split.sides[firstSide], ...split.sides[1 - firstSide]];
  const db = await kit.createDatabase();
  const applied: string[] = [];
  try {
    const runtime = kit.runtime(db.url);
    const database = kit.database(db.url);
    const step = async (id: string): Promise<void> => {
      const hook = kit.dataHook(id);
      if (hook?.before) await hook.before(database);
      await runtime.runExactly('up', [id]);
      if (hook?.after) await hook.after(database);
    };
    for (const id of split.common) {
      try {
        await step(id);
      } catch (e) {
        throw new Error(`the merge base does not apply: ${kit.describeRevision(id)}: ${describeError(e)}`, { cause: e });
      }
    }
    for (const id of revisions) {
      try {
        await step(id);
      } catch (e) {
        return Object.freeze({ order, applied: Object.freeze(applied), failed: Object.freeze({ revision: id, error: describeError(e) }), snapshot: null });
      }
      applied.push(id);
    }
    const client = await kit.connect(db.url);
    try {
      const snapshot = await readSchemaSnapshot(client, { ignoreTables: [kit.versionTableName()] });
      return Object.freeze({ order, applied: Object.freeze(applied), failed: null, snapshot });
    } finally {
      await client.end();
    }
  } finally {
    await db.drop();
  }
}
