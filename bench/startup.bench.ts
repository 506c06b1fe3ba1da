/**
 * `npm run bench:startup`: the start-up of an app that upgrades its database when it starts, with 6 and with
 * 200 pending revisions, in the three ways a TypeScript app runs, beside MikroORM's own migrator doing the
 * same in the same run. Whole-process wall time, each run on a fresh database, rounds alternating the tools.
 *
 * - The app: `MikroORM.init()` then `orm.close()`. Ours: `extensions: [alembic({ upgradeOnInit: true })]`.
 *   MikroORM's: `extensions: [Migrator]`, then `await orm.getMigrator().up()` (what its docs show).
 * - Modes: `node -r ts-node/register app.ts` (ts-node type-checking, its default), `node -r
 *   ts-node/register/transpile-only app.ts`, and `node dist/app.js` (app and migrations compiled by tsc).
 * - The same change per revision: `create table "t_NNNNN" (id int)`.
 *
 * Second part, the bin's start-up when there is nothing to do: `mikro-orm-alembic upgrade head` (and the same
 * with `--url`) in a TypeScript project (`mikro-orm.config.ts` importing an entity, ts-node installed,
 * `path: 'dist/migrations', pathTs: 'migrations'`) whose database already has its 1,000 revisions, beside
 * `mikro-orm migration:up` in the same project made for MikroORM's migrator (1,000 `.ts` migrations, all
 * applied). Both CLIs run as `node <bin>` (what `npx` starts after finding the bin), rounds alternating. The
 * bin's config cache is warm (the uncounted first run wrote it); a row with the cache off
 * (`MIKRO_ORM_ALEMBIC_CONFIG_CACHE=0`) shows a first run, or one after the config changed.
 *
 * The server: DATABASE_URL when set, else an embedded PostgreSQL. BENCH_RUNS (default 3; type-checking with
 * 200 revisions gets 1 run, it takes minutes), BENCH_COUNTS (default `6,200`), BENCH_PART (`app`, `noop`;
 * default both), BENCH_NOOP_RUNS (default 7), BENCH_NOOP_N (default 1000).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { acquireServer, createThrowawayDatabase, type AcquiredServer } from '../src/harness';
import { buildCli, formatStats, ROOT, machine, mikroMigrationFile, stats, tempDir, timeProcess, tsRevisionFile } from './support/bench-kit';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const COUNTS = (process.env.BENCH_COUNTS ?? '6,200').split(',').map(Number);
const PARTS = (process.env.BENCH_PART ?? 'app,noop').split(',');
const NOOP_RUNS = Number(process.env.BENCH_NOOP_RUNS ?? 7);
const NOOP_N = Number(process.env.BENCH_NOOP_N ?? 1000);

type Tool = 'mikro-orm-alembic' | 'MikroORM migrator';
type Mode = 'ts-node (type-check)' | 'ts-node transpile-only' | 'compiled JS';
const MODES: readonly Mode[] = ['ts-node (type-check)', 'ts-node transpile-only', 'compiled JS'];
const TOOLS: readonly Tool[] = ['mikro-orm-alembic', 'MikroORM migrator'];

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'commonjs',
    strict: true,
    esModuleInterop: true,
    skipLibCheck: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    outDir: 'dist',
  },
  include: ['app.ts', 'migrations/*.ts'],
};

/** The app's source: init (with the upgrade), then close. */
function appSource(tool: Tool): string {
  const lines =
    tool === 'mikro-orm-alembic'
      ? [
          "import { MikroORM } from '@mikro-orm/postgresql';",
          "import { alembic } from 'mikro-orm-alembic';",
          '',
          'async function main(): Promise<void> {',
          '  const orm = await MikroORM.init({',
          '    clientUrl: process.env.BENCH_URL,',
          '    discovery: { warnWhenNoEntities: false },',
          "    extensions: [alembic({ path: __filename.endsWith('.ts') ? 'migrations' : 'dist/migrations', upgradeOnInit: true })],",
          '  });',
          '  await orm.close();',
          '}',
        ]
      : [
          "import { MikroORM } from '@mikro-orm/postgresql';",
          "import { Migrator } from '@mikro-orm/migrations';",
          '',
          'async function main(): Promise<void> {',
          '  const ts = __filename.endsWith(\'.ts\');',
          '  const orm = await MikroORM.init({',
          '    clientUrl: process.env.BENCH_URL,',
          '    discovery: { warnWhenNoEntities: false },',
          '    extensions: [Migrator],',
          "    migrations: { path: ts ? 'migrations' : 'dist/migrations', glob: ts ? '!(*.d).ts' : '!(*.d).js', snapshot: false },",
          '  });',
          '  await orm.getMigrator().up();',
          '  await orm.close();',
          '}',
        ];
  return [...lines, '', 'main().catch((error) => {', '  console.error(error);', '  process.exit(1);', '});', ''].join('\n');
}

/**
 * Declarations next to the compiled bin's JavaScript (`buildCli()` emits none), so that tsc and a
 * type-checking ts-node can type the app's and the revisions' `import ... from 'mikro-orm-alembic'`.
 */
function declareCli(): void {
  const out = join(buildCli().dir, 'out');
  const config = join(buildCli().dir, 'tsconfig.declarations.json');
  writeFileSync(
    config,
    JSON.stringify({
      extends: join(ROOT, 'tsconfig.json'),
      compilerOptions: { outDir: out, rootDir: ROOT, declaration: true, emitDeclarationOnly: true, sourceMap: false, types: ['node'], typeRoots: [join(ROOT, 'node_modules/@types')] },
      include: [],
      files: [join(ROOT, 'src/index.ts')],
    }),
  );
  const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', config], { encoding: 'utf8' });
  if (tsc.status !== 0) throw new Error(`tsc (declarations) failed:\n${tsc.stdout}${tsc.stderr}`);
  writeFileSync(join(out, 'package.json'), JSON.stringify({ name: 'mikro-orm-alembic', version: '0.0.0-bench', main: 'src/index.js', types: 'src/index.d.ts' }));
}

/** A project folder with the app, `n` revisions (or migrations), a tsconfig, and its compiled `dist/`. */
function project(tool: Tool, n: number): string {
  const dir = tempDir('bench-startup-');
  symlinkSync(buildCli().nodeModules, join(dir, 'node_modules'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'bench-startup', private: true }));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(TSCONFIG));
  writeFileSync(join(dir, 'app.ts'), appSource(tool));
  mkdirSync(join(dir, 'migrations'));
  for (let i = 0; i < n; i++) {
    const file = tool === 'mikro-orm-alembic' ? tsRevisionFile(i) : mikroMigrationFile(i, true);
    writeFileSync(join(dir, 'migrations', file.name), file.text);
  }
  const tsc = spawnSync(process.execPath, [join(dir, 'node_modules/typescript/bin/tsc'), '-p', dir], { encoding: 'utf8' });
  if (tsc.status !== 0) throw new Error(`tsc failed in ${dir}:\n${tsc.stdout}${tsc.stderr}`);
  return dir;
}

function argsFor(mode: Mode): string[] {
  switch (mode) {
    case 'ts-node (type-check)':
      return ['-r', 'ts-node/register', 'app.ts'];
    case 'ts-node transpile-only':
      return ['-r', 'ts-node/register/transpile-only', 'app.ts'];
    case 'compiled JS':
      return ['dist/app.js'];
  }
}

async function tablesIn(url: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return Number((await client.query("select count(*) as n from pg_tables where tablename like 't\\_%'")).rows[0].n);
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const server = await acquireServer();
  process.stderr.write(`machine: ${machine()}; server: ${server.describe()}\n`);
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  delete env.TS_NODE_PROJECT;
  delete env.TS_NODE_TRANSPILE_ONLY;
  delete env.DATABASE_URL;
  declareCli();
  if (PARTS.includes('app')) await appStartup(server, env);
  if (PARTS.includes('noop')) await noopUpgrade(server, env);
  await server.release();
}

/** The first part: an app that upgrades at start-up (see the file's comment). */
async function appStartup(server: AcquiredServer, env: NodeJS.ProcessEnv): Promise<void> {
  const rows: string[] = [];
  for (const n of COUNTS) {
    const dirs = new Map(TOOLS.map((tool) => [tool, project(tool, n)]));
    for (const mode of MODES) {
      const runs = mode === 'ts-node (type-check)' && n > 20 ? 1 : RUNS;
      const times = new Map<Tool, number[]>(TOOLS.map((t) => [t, []]));
      for (let round = 0; round < runs; round++) {
        for (const tool of round % 2 === 0 ? TOOLS : [...TOOLS].reverse()) {
          const db = await createThrowawayDatabase(server.url, { prefix: 'bench_startup' });
          try {
            const { ms } = timeProcess(process.execPath, argsFor(mode), { cwd: dirs.get(tool), env: { ...env, BENCH_URL: db.url } });
            const applied = await tablesIn(db.url);
            if (applied !== n) throw new Error(`${tool} (${mode}) applied ${applied} of ${n} revisions`);
            times.get(tool)?.push(ms);
          } finally {
            await db.drop();
          }
        }
      }
      const ours = stats(times.get('mikro-orm-alembic') ?? []);
      const theirs = stats(times.get('MikroORM migrator') ?? []);
      const line = `| ${n} | ${mode} | ${formatStats(ours)} | ${formatStats(theirs)} | ${(ours.median / theirs.median).toFixed(2)}× |`;
      process.stderr.write(`${line}\n`);
      rows.push(line);
    }
  }
  process.stdout.write(
    [
      '',
      `start-up with upgrade, median (min–max) of ${RUNS} runs (1 for type-checking with more than 20 revisions)`,
      '| revisions | mode | mikro-orm-alembic (upgradeOnInit) | MikroORM migrator (init + up()) | ours / theirs |',
      '|---|---|---|---|---|',
      ...rows,
      '',
    ].join('\n'),
  );
}


/** The entity both no-op projects' configs import (so that MikroORM discovers one). */
const ENTITY = [
  "import { Entity, PrimaryKey, Property } from '@mikro-orm/core';",
  '',
  '@Entity()',
  'export class Account {',
  "  @PrimaryKey({ type: 'number' })",
  '  id!: number;',
  '',
  "  @Property({ type: 'string' })",
  '  name!: string;',
  '}',
  '',
].join('\n');

type NoopTool = 'mikro-orm-alembic upgrade head' | 'mikro-orm-alembic upgrade head --url' | 'mikro-orm-alembic upgrade head, config cache off' | 'MikroORM migration:up';
const NOOP_TOOLS: readonly NoopTool[] = [
  'mikro-orm-alembic upgrade head',
  'mikro-orm-alembic upgrade head --url',
  'mikro-orm-alembic upgrade head, config cache off',
  'MikroORM migration:up',
];

/** A TypeScript project as a user of the plugin (`alembic`) or of MikroORM's migrator (`mikro`) has it, with `n` migrations. */
function tsProject(kind: 'alembic' | 'mikro', n: number): string {
  const dir = tempDir(`bench-noop-${kind}-`);
  symlinkSync(buildCli().nodeModules, join(dir, 'node_modules'));
  const v = '6.6.16';
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name: `bench-noop-${kind}`,
      private: true,
      dependencies: { '@mikro-orm/core': v, '@mikro-orm/postgresql': v, '@mikro-orm/migrations': v, '@mikro-orm/cli': v },
      devDependencies: { 'ts-node': '*', typescript: '*' },
      'mikro-orm': { useTsNode: true },
    }),
  );
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ ...TSCONFIG, include: ['src', 'migrations', 'mikro-orm.config.ts'] }));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'account.ts'), ENTITY);
  const extension =
    kind === 'alembic'
      ? ["import { alembic } from 'mikro-orm-alembic';", "  extensions: [alembic({ path: 'dist/migrations', pathTs: 'migrations' })],"]
      : [
          "import { Migrator } from '@mikro-orm/migrations';",
          "  extensions: [Migrator],\n  migrations: { path: 'dist/migrations', pathTs: 'migrations', snapshot: false },",
        ];
  writeFileSync(
    join(dir, 'mikro-orm.config.ts'),
    [
      "import { defineConfig } from '@mikro-orm/postgresql';",
      extension[0],
      "import { Account } from './src/account';",
      '',
      'export default defineConfig({',
      '  clientUrl: process.env.BENCH_URL,',
      '  entities: [Account],',
      extension[1],
      '});',
      '',
    ].join('\n'),
  );
  mkdirSync(join(dir, 'migrations'));
  for (let i = 0; i < n; i++) {
    const file = kind === 'alembic' ? tsRevisionFile(i) : mikroMigrationFile(i, true);
    writeFileSync(join(dir, 'migrations', file.name), file.text);
  }
  return dir;
}

/**
 * The second part: a no-op `upgrade head` of the bin in a TypeScript project whose database has every
 * revision, beside MikroORM's no-op `migration:up` (see the file's comment).
 */
async function noopUpgrade(server: AcquiredServer, env: NodeJS.ProcessEnv): Promise<void> {
  const cli = buildCli();
  const mikroCli = join(cli.nodeModules, '@mikro-orm/cli/cli.js');
  const ours = tsProject('alembic', NOOP_N);
  const theirs = tsProject('mikro', NOOP_N);
  const oursDb = await createThrowawayDatabase(server.url, { prefix: 'bench_noop' });
  const theirsDb = await createThrowawayDatabase(server.url, { prefix: 'bench_noop' });
  try {
    const args = (tool: NoopTool): [string, string[], string, string] => {
      switch (tool) {
        case 'mikro-orm-alembic upgrade head':
          return [cli.main, ['upgrade', 'head'], ours, oursDb.url];
        case 'mikro-orm-alembic upgrade head --url':
          return [cli.main, ['upgrade', 'head', '--url', oursDb.url], ours, oursDb.url];
        case 'mikro-orm-alembic upgrade head, config cache off':
          return [cli.main, ['upgrade', 'head'], ours, oursDb.url];
        case 'MikroORM migration:up':
          return [mikroCli, ['migration:up'], theirs, theirsDb.url];
      }
    };
    const run = (tool: NoopTool) => {
      const [bin, rest, cwd, url] = args(tool);
      // cache off: every run loads the config through ts-node and MikroORM (a first run, or one after the config changed)
      const cache = tool === 'mikro-orm-alembic upgrade head, config cache off' ? { MIKRO_ORM_ALEMBIC_CONFIG_CACHE: '0' } : {};
      return timeProcess(process.execPath, [bin, ...rest], { cwd, env: { ...env, BENCH_URL: url, ...cache }, capture: true });
    };
    // every revision applied once (not timed), then each no-op checked to say so
    process.stderr.write(`no-op upgrade: applying ${NOOP_N} revisions with each tool (not timed) ...\n`);
    run('mikro-orm-alembic upgrade head');
    run('MikroORM migration:up');
    const applied = async (url: string, table: string) => {
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        return Number((await client.query(`select count(*) as n from ${table}`)).rows[0].n);
      } finally {
        await client.end();
      }
    };
    if ((await applied(oursDb.url, 'mikro_orm_alembic_version')) !== NOOP_N) throw new Error(`the bin did not apply ${NOOP_N} revisions`);
    if ((await applied(theirsDb.url, 'mikro_orm_migrations')) !== NOOP_N) throw new Error(`MikroORM did not apply ${NOOP_N} migrations`);
    for (const tool of NOOP_TOOLS) {
      const out = run(tool).stdout;
      const expected = tool === 'MikroORM migration:up' ? /No pending migrations|Successfully migrated up to the latest version/ : /^Nothing to upgrade/m;
      if (!expected.test(out)) throw new Error(`${tool} did not report a no-op:\n${out}`);
    }
    const times = new Map<NoopTool, number[]>(NOOP_TOOLS.map((t) => [t, []]));
    for (let round = 0; round < NOOP_RUNS; round++) {
      for (const tool of round % 2 === 0 ? NOOP_TOOLS : [...NOOP_TOOLS].reverse()) times.get(tool)?.push(run(tool).ms);
    }
    const peer = stats(times.get('MikroORM migration:up') ?? []);
    const rows = NOOP_TOOLS.map((tool) => {
      const s = stats(times.get(tool) ?? []);
      return `| \`${tool}\` | ${formatStats(s)} | ${(s.median / peer.median).toFixed(2)}× |`;
    });
    const goal = stats(times.get('mikro-orm-alembic upgrade head') ?? []);
    process.stdout.write(
      [
        '',
        `no-op upgrade in a TypeScript project, ${NOOP_N} revisions applied, median (min–max) of ${NOOP_RUNS} runs; ${machine()}`,
        '| command | whole process | / MikroORM migration:up |',
        '|---|---|---|',
        ...rows,
        '',
        `Goal: the bin's no-op upgrade head at most 0.4 s: ${goal.median <= 400 ? 'met' : 'NOT met'} (median ${Math.round(goal.median)} ms).`,
        '',
      ].join('\n'),
    );
  } finally {
    await oursDb.drop();
    await theirsDb.drop();
  }
}

void (main as () => Promise<void>)().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
