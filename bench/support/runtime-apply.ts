/**
 * Applies N one-statement revisions (`create table "t_NNNN" (id int)`) to the database at `BENCH_URL`
 * with MigrationRuntime, and prints one JSON line: `{ revisions, upgradeMs, loopMs, processMs }`.
 * `upgradeMs` is `runtime.upgrade('head')` alone (connect, lock, version table, plan, run); `loopMs`
 * from the first revision's start to the last one's commit; `processMs` from process start
 * (`performance.timeOrigin`) to the end.
 *
 *   BENCH_URL=postgres://.../db BENCH_N=1000 node -r ts-node/register/transpile-only bench/support/runtime-apply.ts
 *
 * Used by bench/apply.bench.ts (compiled first, as users run compiled code); runnable on its own. It was
 * test/runtime/support/bench-apply.ts, the opt-in timed test's helper.
 */
import { performance } from 'node:perf_hooks';
import { RevisionGraph } from '../../src/graph';
import { MigrationRuntime, type RevisionSource } from '../../src/runtime';
import { Revision } from '../../src/script/revision';

async function main(): Promise<void> {
  const url = process.env.BENCH_URL;
  if (!url) throw new Error('BENCH_URL is required');
  const n = Number(process.env.BENCH_N ?? 1000);
  const ids = Array.from({ length: n }, (_, i) => `be${String(i + 1).padStart(10, '0')}`);
  const classes = new Map<string, new () => Revision>();
  ids.forEach((id, i) => {
    const table = `t_${String(i + 1).padStart(5, '0')}`;
    classes.set(
      id,
      class extends Revision {
        override readonly revision = id;
        override readonly downRevision = i === 0 ? null : ids[i - 1];
        override up(): void {
          this.addSql(`create table "${table}" (id int)`);
        }
        override down(): void {
          this.addSql(`drop table if exists "${table}"`);
        }
      },
    );
  });
  const graph = new RevisionGraph(ids.map((id, i) => ({ id, downRevisions: i === 0 ? [] : [ids[i - 1]], branchLabels: [], dependsOn: [] })));
  const source: RevisionSource = {
    scripts: ids.map((id) => ({ id, path: `migrations/${id}.ts`, transactional: true, message: '' })),
    load: async (id) => new (classes.get(id) as new () => Revision)(),
    checksum: (id) => id.padEnd(64, '0'),
  };
  let firstStart = 0;
  let lastDone = 0;
  const runtime = new MigrationRuntime({
    connection: url,
    graph,
    source,
    onRevisionStart: (_id, index) => {
      if (index === 0) firstStart = performance.now();
    },
    onRevisionDone: () => {
      lastDone = performance.now();
    },
  });
  const started = performance.now();
  const result = await runtime.upgrade('head');
  const upgradeMs = performance.now() - started;
  if (result.ran.length !== n) throw new Error(`applied ${result.ran.length} of ${n}`);
  process.stdout.write(`${JSON.stringify({ revisions: n, upgradeMs: Math.round(upgradeMs), loopMs: Math.round(lastDone - firstStart), processMs: Math.round(performance.now()) })}\n`);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
