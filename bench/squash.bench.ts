/**
 * `npm run bench:squash`: upgrade-from-empty of a 1,000-revision chain (one `create table` each, compiled
 * `.js`, the bench kit's project) with the bin, before and after `squash` replaced the whole run by one
 * revision: the same 1,000 statements, one module to load, one transaction, one version row. Rounds
 * alternate the two folders on fresh databases so machine noise hits both alike; the ratio is per round.
 * Also times the `squash` command itself (rendering 1,000 revisions offline and writing the file).
 *
 * The squashed revision is written by the compiled bin (`squash <first>:<last>`), then transpiled to `.js`
 * like the rest (the project does not use ts-node). Server: DATABASE_URL, else an embedded PostgreSQL.
 * BENCH_RUNS (default 5), BENCH_N (default 1000).
 */
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';
import { acquireServer, createThrowawayDatabase } from '../src/harness';
import { binProject, buildCli, countRows, formatStats, machine, revisionId, stats, tempDir, timeProcess } from './support/bench-kit';

const N = Number(process.env.BENCH_N ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

async function main(): Promise<void> {
  const server = await acquireServer();
  process.stderr.write(`machine: ${machine()}; server: ${server.describe()}\n`);
  const cli = buildCli();
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  delete env.TS_NODE_PROJECT;

  const originals = binProject(N);
  const squashed = tempDir('bench-squashed-');
  cpSync(originals, squashed, { recursive: true, verbatimSymlinks: true });
  const squashMs = timeProcess(process.execPath, [cli.main, 'squash', `${revisionId(0)}:${revisionId(N - 1)}`, '-m', `squash of ${N} revisions`, '--rev-id', 'feedfacecafe'], {
    cwd: squashed,
    env,
  }).ms;
  const folder = join(squashed, 'migrations');
  const file = readdirSync(folder).find((name) => name.startsWith('feedfacecafe') && name.endsWith('.ts'))!;
  const source = readFileSync(join(folder, file), 'utf8');
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  writeFileSync(join(folder, file.replace(/\.ts$/, '.js')), js);
  rmSync(join(folder, file));
  process.stderr.write(`squash of ${N} revisions: ${(squashMs / 1000).toFixed(2)} s (${(source.length / 1024).toFixed(0)} KiB of TypeScript)\n`);

  const tools = [
    { name: `upgrade head, ${N} revisions`, dir: originals, rows: N },
    { name: `upgrade head, 1 squashed revision (replaces ${N})`, dir: squashed, rows: 1 },
  ];
  const times = tools.map(() => [] as number[]);
  const ratios: number[] = [];
  for (let round = 0; round <= RUNS; round++) {
    const got: number[] = [];
    for (const [i, tool] of (round % 2 ? [...tools].reverse() : tools).map((t) => [tools.indexOf(t), t] as const)) {
      const db = await createThrowawayDatabase(server.url, { prefix: 'mo_alembic_bench' });
      try {
        const ms = timeProcess(process.execPath, [cli.main, 'upgrade', 'head', '--url', db.url], { cwd: tool.dir, env }).ms;
        const rows = await countRows(db.url, 'select count(*) as n from mikro_orm_alembic_version');
        const tables = await countRows(db.url, "select count(*) as n from pg_tables where tablename like 't\\_%'");
        if (rows !== tool.rows || tables !== N) throw new Error(`${tool.name}: ${rows} version rows and ${tables} tables, expected ${tool.rows} and ${N}`);
        got[i] = ms;
      } finally {
        await db.drop();
      }
    }
    if (round === 0) continue; // warm-up
    got.forEach((ms, i) => times[i].push(ms));
    ratios.push(got[0] / got[1]);
  }
  for (const [i, tool] of tools.entries()) process.stdout.write(`${tool.name}: ${formatStats(stats(times[i]))}\n`);
  const r = stats(ratios);
  process.stdout.write(`squashed is ${r.median.toFixed(2)}× faster (per-round ratio ${r.min.toFixed(2)}–${r.max.toFixed(2)}, ${RUNS} rounds)\n`);
  await server.release();
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
