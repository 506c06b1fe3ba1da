/**
 * `npm run bench:apply`: applying 1,000 revisions of one small DDL statement each (`create table
 * "t_NNNNN" (id int)`), online, each run on a fresh database, whole-process wall time, in rounds that
 * alternate the tools so that machine noise hits them alike:
 *
 * - **psql**: `psql -X -q -v ON_ERROR_STOP=1 -f` of the same statements, one transaction per revision with
 *   its version-row insert (`begin; create table ...; insert ...; commit;` × 1,000). Skipped with a note when
 *   psql is missing.
 * - **mikro-orm-alembic**: `node dist/src/cli/main.js upgrade head --url <db>` on 1,000 compiled `.js`
 *   revision files (the bin compiled with tsc first).
 * - **runtime in-process**: `MigrationRuntime.upgrade('head')` on 1,000 in-memory revisions, compiled
 *   (bench/support/runtime-apply.ts): the runtime alone, without the bin or file loading.
 * - **MikroORM migrator**: `mikro-orm migration:up` (`@mikro-orm/migrations`, defaults: allOrNothing,
 *   snapshot) on 1,000 equivalent compiled `.js` migration files, ts-node off.
 * - For the same atomicity as MikroORM's default (one transaction, one commit): the bin with
 *   `--transaction all`, and psql with one transaction around the whole script.
 * - With BENCH_TS=1 (default; 0 skips them, they take minutes): the bin and MikroORM's migrator on `.ts`
 *   files through ts-node, 3 runs.
 *
 * The server: DATABASE_URL when set, else an embedded PostgreSQL (the test harness's `acquireServer`).
 * Goal: within 1.3× of psql, and faster than MikroORM's migrator. BENCH_RUNS (default 5), BENCH_N
 * (default 1000).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { acquireServer, createThrowawayDatabase, type AcquiredServer } from '../src/harness';
import { binProject, buildCli, countRows, formatStats, machine, mikroMigrationFile, stats, tableName, tempDir, timeProcess, type Stats } from './support/bench-kit';

const N = Number(process.env.BENCH_N ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TS = process.env.BENCH_TS !== '0';

/** The psql script: one transaction per revision, or (`single`) one around everything. */
function psqlScript(dir: string, single: boolean): string {
  const lines = ['create table perf_versions (id serial primary key, name varchar(255), executed_at timestamptz default now());'];
  if (single) lines.push('begin;');
  for (let i = 0; i < N; i++) {
    const statements = `create table "${tableName(i)}" (id int);\ninsert into perf_versions (name) values ('Migration_${i + 1}');`;
    lines.push(single ? statements : `begin;\n${statements}\ncommit;`);
  }
  if (single) lines.push('commit;');
  const file = join(dir, single ? 'single.sql' : 'per-revision.sql');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** A project for MikroORM's own migrator: 1,000 migrations (`.js`, or `.ts` with ts-node), no entities. */
function mikroProject(ts: boolean): string {
  const dir = tempDir('bench-mikro-');
  symlinkSync(buildCli().nodeModules, join(dir, 'node_modules'));
  const v = '6.6.16';
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name: 'bench-mikro',
      private: true,
      dependencies: { '@mikro-orm/core': v, '@mikro-orm/postgresql': v, '@mikro-orm/migrations': v, '@mikro-orm/cli': v },
      'mikro-orm': { useTsNode: ts },
    }),
  );
  writeFileSync(
    join(dir, 'mikro-orm.config.js'),
    [
      "const { defineConfig } = require('@mikro-orm/postgresql');",
      "const { Migrator } = require('@mikro-orm/migrations');",
      'module.exports = defineConfig({',
      '  clientUrl: process.env.BENCH_URL,',
      '  discovery: { warnWhenNoEntities: false },',
      '  extensions: [Migrator],',
      `  migrations: { path: 'migrations', glob: '!(*.d).${ts ? 'ts' : 'js'}' },`,
      '});',
      '',
    ].join('\n'),
  );
  if (ts) {
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'commonjs', strict: true, skipLibCheck: true } }));
  }
  mkdirSync(join(dir, 'migrations'));
  for (let i = 0; i < N; i++) {
    const file = mikroMigrationFile(i, ts);
    writeFileSync(join(dir, 'migrations', file.name), file.text);
  }
  return dir;
}

interface Tool {
  readonly name: string;
  readonly runs: number;
  /** Runs once against a fresh database, returns wall ms. */
  run(url: string): number;
  /** The version table (to check every run applied everything). */
  readonly versionTable: string;
}

async function main(): Promise<void> {
  const server: AcquiredServer = await acquireServer();
  process.stderr.write(`machine: ${machine()}; server: ${server.describe()}\n`);
  const cli = buildCli();
  const dir = tempDir('bench-apply-');
  const hasPsql = spawnSync('psql', ['--version']).status === 0;
  const tools: Tool[] = [];
  const cleanEnv = { ...process.env };
  delete cleanEnv.NODE_OPTIONS;
  delete cleanEnv.TS_NODE_PROJECT;

  if (hasPsql) {
    const script = psqlScript(dir, false);
    tools.push({
      name: 'psql, one transaction per revision',
      runs: RUNS,
      versionTable: 'perf_versions',
      run: (url) => timeProcess('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-f', script]).ms,
    });
  } else {
    process.stderr.write('psql is not installed: the psql comparison is skipped\n');
  }
  const ours = binProject(N);
  tools.push({
    name: 'mikro-orm-alembic upgrade head (.js)',
    runs: RUNS,
    versionTable: 'mikro_orm_alembic_version',
    run: (url) => timeProcess(process.execPath, [cli.main, 'upgrade', 'head', '--url', url], { cwd: ours, env: cleanEnv }).ms,
  });
  tools.push({
    name: 'mikro-orm-alembic upgrade head --transaction all (.js)',
    runs: RUNS,
    versionTable: 'mikro_orm_alembic_version',
    run: (url) => timeProcess(process.execPath, [cli.main, 'upgrade', 'head', '--transaction', 'all', '--url', url], { cwd: ours, env: cleanEnv }).ms,
  });
  if (hasPsql) {
    const single = psqlScript(dir, true);
    tools.push({
      name: 'psql, one transaction for all',
      runs: RUNS,
      versionTable: 'perf_versions',
      run: (url) => timeProcess('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-f', single]).ms,
    });
  }
  const inProcess = join(cli.dir, 'out/bench/support/runtime-apply.js');
  tools.push({
    name: 'runtime in-process (in-memory revisions)',
    runs: RUNS,
    versionTable: 'mikro_orm_alembic_version',
    run: (url) => timeProcess(process.execPath, [inProcess], { env: { ...cleanEnv, BENCH_URL: url, BENCH_N: String(N) } }).ms,
  });
  const mikroJs = mikroProject(false);
  const mikroCli = join(cli.nodeModules, '@mikro-orm/cli/cli.js');
  tools.push({
    name: 'MikroORM migration:up (.js)',
    runs: RUNS,
    versionTable: 'mikro_orm_migrations',
    run: (url) =>
      timeProcess(process.execPath, [mikroCli, 'migration:up'], {
        cwd: mikroJs,
        env: { ...cleanEnv, BENCH_URL: url, MIKRO_ORM_CLI_USE_TS_NODE: '0', MIKRO_ORM_CLI_CONFIG: './mikro-orm.config.js' },
      }).ms,
  });
  if (TS) {
    const oursTs = binProject(N, { ts: true });
    tools.push({
      name: 'mikro-orm-alembic upgrade head (.ts, ts-node)',
      runs: Math.min(RUNS, 3),
      versionTable: 'mikro_orm_alembic_version',
      run: (url) => timeProcess(process.execPath, [cli.main, 'upgrade', 'head', '--url', url], { cwd: oursTs, env: cleanEnv }).ms,
    });
    const mikroTs = mikroProject(true);
    tools.push({
      name: 'MikroORM migration:up (.ts, ts-node)',
      runs: Math.min(RUNS, 3),
      versionTable: 'mikro_orm_migrations',
      run: (url) =>
        timeProcess(process.execPath, [mikroCli, 'migration:up'], {
          cwd: mikroTs,
          env: { ...cleanEnv, BENCH_URL: url, MIKRO_ORM_CLI_CONFIG: './mikro-orm.config.js' },
        }).ms,
    });
  }

  const times = new Map<string, number[]>(tools.map((t) => [t.name, []]));
  /** Per round, each tool's time over psql's in the same round (noise hits both alike). */
  const paired = new Map<string, number[]>(tools.map((t) => [t.name, []]));
  const once = async (tool: Tool): Promise<number> => {
    const db = await createThrowawayDatabase(server.url, { prefix: 'mo_alembic_bench' });
    try {
      const ms = tool.run(db.url);
      const rows = await countRows(db.url, `select count(*) as n from ${tool.versionTable}`);
      const tables = await countRows(db.url, "select count(*) as n from pg_tables where tablename like 't\\_%'");
      if (rows !== N || tables !== N) throw new Error(`${tool.name}: ${rows} version rows and ${tables} tables, expected ${N}`);
      return ms;
    } finally {
      await db.drop();
    }
  };
  try {
    for (const tool of tools) {
      process.stderr.write(`warm-up: ${tool.name} ${Math.round(await once(tool))} ms\n`);
    }
    for (let round = 0; round < RUNS; round++) {
      let psqlMs: number | undefined;
      for (const tool of tools) {
        if (round >= tool.runs) continue;
        const ms = await once(tool);
        times.get(tool.name)?.push(ms);
        if (tool === tools[0] && hasPsql) psqlMs = ms;
        if (psqlMs !== undefined) paired.get(tool.name)?.push(ms / psqlMs);
        process.stderr.write(`round ${round + 1}: ${tool.name} ${Math.round(ms)} ms\n`);
      }
    }
  } finally {
    await server.release();
  }

  const result = new Map<string, Stats>([...times].map(([name, xs]) => [name, stats(xs)]));
  const psql = result.get('psql, one transaction per revision');
  const oursStats = result.get('mikro-orm-alembic upgrade head (.js)') as Stats;
  const mikroStats = result.get('MikroORM migration:up (.js)') as Stats;
  const allStats = result.get('mikro-orm-alembic upgrade head --transaction all (.js)') as Stats;
  const goal1 = stats(paired.get('mikro-orm-alembic upgrade head (.js)') ?? [NaN]).median;
  const lines = [
    '',
    `Applying ${N.toLocaleString('en')} one-statement revisions online, fresh database per run; whole-process wall time,`,
    `median (min–max) of ${RUNS} rounds (3 for ts-node rows) after a warm-up; ${machine()}; ${server.describe()}.`,
    '',
    `| tool | time | vs psql (median of same-round ratios) | vs mikro-orm-alembic (.js), medians |`,
    '| --- | ---: | ---: | ---: |',
    ...tools.map((t) => {
      const s = result.get(t.name) as Stats;
      const ratios = paired.get(t.name) ?? [];
      return `| ${t.name} | ${formatStats(s)} | ${psql && ratios.length > 0 ? `${stats(ratios).median.toFixed(2)}×` : '–'} | ${(s.median / oursStats.median).toFixed(2)}× |`;
    }),
    '',
    psql ? `Goal 1, within 1.3× of psql: ${goal1 <= 1.3 ? 'met' : 'NOT met'} (${goal1.toFixed(2)}×).` : 'Goal 1, within 1.3× of psql: not measured (no psql).',
    `Goal 2, faster than MikroORM's migrator: ${oursStats.median < mikroStats.median ? 'met' : 'NOT met'} (MikroORM takes ${(mikroStats.median / oursStats.median).toFixed(1)}× as long; ` +
      `with the same single transaction, --transaction all, ${(mikroStats.median / allStats.median).toFixed(1)}×).`,
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
