import type { SquashedRun } from '../graph/squash-catalog';
import { MigrationCheckError, describeError } from './errors';
import type { MigrationTestKit } from './migration-test-kit';
import { diffSchemaSnapshots, readSchemaSnapshot, type SchemaSnapshot } from './schema-snapshot';

/** What {@link checkSquashEquivalent} compared, per squashed revision. */
export interface SquashEquivalence {
  readonly squash: string;
  readonly replaces: readonly string[];
  /** Statements of the schema snapshot after `up()` (the same for both). */
  readonly snapshotLines: number;
}

/**
 * For each squashed revision whose originals are still in the folder (or the one named), on two new
 * databases brought to the run's down revisions: one runs the originals' `up()`, the other the squashed
 * revision's; their catalog snapshots (`readSchemaSnapshot`) must be equal. Then both run their
 * `down()`s and must be equal again. Throws {@link MigrationCheckError} `SQUASH_NOT_EQUIVALENT` with
 * the difference (- only after the originals, + only after the squash).
 *
 * @example
 * ```ts
 * await checkSquashEquivalent(kit); // every squash; or kit.assertSquashEquivalent('9f8e7d6c5b4a')
 * ```
 */
export async function checkSquashEquivalent(kit: MigrationTestKit, squash?: string): Promise<readonly SquashEquivalence[]> {
  const catalog = kit.environment.squashes;
  let runs: readonly SquashedRun[] = catalog.runs.filter((r) => r.originals === 'present');
  if (squash !== undefined) {
    const ids = kit.environment.graph.resolve(squash);
    runs = runs.filter((r) => ids.includes(r.id));
    if (runs.length === 0) {
      throw new MigrationCheckError('SQUASH_NOT_EQUIVALENT', `'${squash}' names no squashed revision whose originals are in the folder`, { revision: squash });
    }
  }
  const ignoreTables = [kit.versionTableName()];
  const results: SquashEquivalence[] = [];
  for (const run of runs) {
    const parents = catalog.graph.get(run.id).downRevisions;
    const snapshots = async (ids: readonly string[]): Promise<{ up: SchemaSnapshot; down: SchemaSnapshot | null }> =>
      kit.withDatabase(async (url) => {
        const runtime = kit.runtime(url);
        const client = await kit.connect(url);
        try {
          for (const parent of parents) await runtime.upgrade(parent);
          await runtime.runExactly('up', ids);
          const up = await readSchemaSnapshot(client, { ignoreTables });
          let down: SchemaSnapshot | null = null;
          try {
            await runtime.runExactly('down', ids);
            down = await readSchemaSnapshot(client, { ignoreTables });
          } catch (e) {
            if (!(e instanceof Error && /irreversible/i.test(describeError(e)))) throw e;
          }
          return { up, down };
        } finally {
          await client.end();
        }
      });
    let originals;
    let squashed;
    try {
      originals = await snapshots(run.replaces);
      squashed = await snapshots([run.id]);
    } catch (e) {
      throw new MigrationCheckError('SQUASH_NOT_EQUIVALENT', `${kit.describeRevision(run.id)}: running the run or its squash failed:\n  ${describeError(e)}`, {
        revision: run.id,
        cause: e,
      });
    }
    for (const [what, a, b] of [
      ['up()', originals.up, squashed.up],
      ['down()', originals.down, squashed.down],
    ] as const) {
      if (a === null || b === null) continue;
      const diff = diffSchemaSnapshots(a, b);
      if (diff.length > 0) {
        throw new MigrationCheckError(
          'SQUASH_NOT_EQUIVALENT',
          `${kit.describeRevision(run.id)}: after ${what} the squash's schema differs from its ${run.replaces.length} originals' ` +
            `(- only with the originals, + only with the squash):\n${diff.map((d) => `    ${d}`).join('\n')}`,
          { revision: run.id },
        );
      }
    }
    results.push(Object.freeze({ squash: run.id, replaces: run.replaces, snapshotLines: Object.values(originals.up).reduce((n, l) => n + l.length, 0) }));
  }
  return Object.freeze(results);
}
