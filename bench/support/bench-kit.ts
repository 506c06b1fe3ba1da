/**
 * What the benchmarks share: the bin compiled once (like `npm run build`, but only `src/cli` and the
 * public index, into a temporary folder), temporary project folders that can `require('mikro-orm-alembic')`,
 * revision-file generators, whole-process timing and medians.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';

export const ROOT = resolve(__dirname, '..', '..');

const temporary: string[] = [];
process.on('exit', () => {
  if (process.env.BENCH_KEEP) return;
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

/** A temporary folder, removed at exit (kept with BENCH_KEEP=1). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temporary.push(dir);
  return dir;
}

/** The compiled bin: `<dir>/out/src/cli/main.js`, with `<dir>/node_modules` holding the repository's packages and this one. */
export interface CliBuild {
  readonly dir: string;
  readonly main: string;
  readonly nodeModules: string;
}

let build: CliBuild | undefined;

/** Compiles the bin once (tsc, no source maps or declarations), as `npm run build` would emit it. */
export function buildCli(): CliBuild {
  if (build) return build;
  const dir = tempDir('bench-cli-');
  const out = join(dir, 'out');
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      extends: join(ROOT, 'tsconfig.json'),
      compilerOptions: { outDir: out, rootDir: ROOT, sourceMap: false, declaration: false, types: ['node'], typeRoots: [join(ROOT, 'node_modules/@types')] },
      include: [],
      files: [join(ROOT, 'src/cli/main.ts'), join(ROOT, 'src/index.ts'), join(ROOT, 'bench/support/runtime-apply.ts')],
    }),
  );
  const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
  // tsc emits despite type errors; those are `npm run build`'s business (code being written elsewhere in the
  // repository must not stop these runs), a missing output is not
  if (!existsSync(join(out, 'src/cli/main.js'))) throw new Error(`tsc failed:\n${tsc.stdout}${tsc.stderr}`);
  if (tsc.status !== 0) process.stderr.write(`  (tsc reported type errors; running the emitted JavaScript anyway)\n${tsc.stdout}`);
  writeFileSync(join(out, 'package.json'), JSON.stringify({ name: 'mikro-orm-alembic', version: '0.0.0-bench', main: 'src/index.js' }));
  const nodeModules = join(dir, 'node_modules');
  mkdirSync(nodeModules);
  for (const name of readdirSync(join(ROOT, 'node_modules'))) {
    if (name !== 'mikro-orm-alembic') symlinkSync(join(ROOT, 'node_modules', name), join(nodeModules, name));
  }
  symlinkSync(out, join(nodeModules, 'mikro-orm-alembic'));
  symlinkSync(nodeModules, join(out, 'node_modules'));
  build = Object.freeze({ dir, main: join(out, 'src/cli/main.js'), nodeModules });
  return build;
}

/** A 12-hex-character revision id for index `i` (distinct, not in order). */
export function revisionId(i: number): string {
  return `${((i * 2654435761) >>> 0).toString(16).padStart(8, '0')}${(i & 0xffff).toString(16).padStart(4, '0')}`;
}

/** The table revision `i` creates. */
export function tableName(i: number): string {
  return `t_${String(i + 1).padStart(5, '0')}`;
}

/** A compiled (CommonJS) revision: `create table "t_NNNNN" (id int)` up, `drop table` down. */
export function jsRevisionFile(i: number): { name: string; text: string } {
  const id = revisionId(i);
  const down = i === 0 ? null : revisionId(i - 1);
  const table = tableName(i);
  const text = `"use strict";
/**
 * create ${table}
 *
 * Revision ID: ${id}
 * Revises: ${down ?? ''}
 * Create Date: 2026-01-01 00:00:00.000Z
 */
Object.defineProperty(exports, "__esModule", { value: true });
exports.Create${id} = void 0;
const mikro_orm_alembic_1 = require("mikro-orm-alembic");
class Create${id} extends mikro_orm_alembic_1.Revision {
    revision = '${id}';
    downRevision = ${down === null ? 'null' : `'${down}'`};
    branchLabels = [];
    dependsOn = [];
    async up() {
        this.addSql(\`create table "${table}" (id int)\`);
    }
    async down() {
        this.addSql(\`drop table "${table}"\`);
    }
}
exports.Create${id} = Create${id};
`;
  return { name: `${id}_create_${table}.js`, text };
}

/** The same revision as a TypeScript file (what `revision` writes). */
export function tsRevisionFile(i: number): { name: string; text: string } {
  const id = revisionId(i);
  const down = i === 0 ? null : revisionId(i - 1);
  const table = tableName(i);
  const text = `/**
 * create ${table}
 *
 * Revision ID: ${id}
 * Revises: ${down ?? ''}
 * Create Date: 2026-01-01 00:00:00.000Z
 */
import { Revision } from 'mikro-orm-alembic';

export class Create${id} extends Revision {
  override readonly revision = '${id}';
  override readonly downRevision = ${down === null ? 'null' : `'${down}'`};
  override readonly branchLabels = [];
  override readonly dependsOn = [];

  override async up(): Promise<void> {
    this.addSql(\`create table "${table}" (id int)\`);
  }

  override async down(): Promise<void> {
    this.addSql(\`drop table "${table}"\`);
  }
}
`;
  return { name: `${id}_create_${table}.ts`, text };
}

/**
 * The same change as a migration of MikroORM's own migrator (`@mikro-orm/migrations`), named as its
 * `migration:create` names them: `.ts` as it writes them, or `.js` as tsc compiles them.
 */
export function mikroMigrationFile(i: number, ts: boolean): { name: string; text: string } {
  const stamp = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString().replace(/\D/g, '').slice(0, 14);
  const name = `Migration${stamp}_${String(i + 1).padStart(5, '0')}`;
  const up = `this.addSql('create table "${tableName(i)}" (id int);');`;
  const down = `this.addSql('drop table if exists "${tableName(i)}";');`;
  const text = ts
    ? `import { Migration } from '@mikro-orm/migrations';\n\nexport class ${name} extends Migration {\n  override async up(): Promise<void> {\n    ${up}\n  }\n\n  override async down(): Promise<void> {\n    ${down}\n  }\n}\n`
    : `"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\nexports.${name} = void 0;\nconst migrations_1 = require("@mikro-orm/migrations");\nclass ${name} extends migrations_1.Migration {\n    async up() {\n        ${up}\n    }\n    async down() {\n        ${down}\n    }\n}\nexports.${name} = ${name};\n`;
  return { name: `${name}.${ts ? 'ts' : 'js'}`, text };
}

/** The equivalent Alembic version file: `op.create_table` with one integer column. */
export function alembicVersionFile(i: number): { name: string; text: string } {
  const id = revisionId(i);
  const down = i === 0 ? null : revisionId(i - 1);
  const table = tableName(i);
  const text = `"""create ${table}

Revision ID: ${id}
Revises: ${down ?? ''}
Create Date: 2026-01-01 00:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

revision = '${id}'
down_revision = ${down === null ? 'None' : `'${down}'`}
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('${table}', sa.Column('id', sa.Integer))


def downgrade():
    op.drop_table('${table}')
`;
  return { name: `${id}_create_${table}.py`, text };
}

/**
 * A project folder for the bin: `node_modules` (this package and the repository's), a package.json whose
 * `"mikro-orm-alembic"` key names the folder (so no MikroORM config is looked for) and `useTsNode: false`
 * unless `ts` is set, and `n` revisions in `migrations/`.
 */
export function binProject(n: number, options: { ts?: boolean } = {}): string {
  const dir = tempDir('bench-project-');
  symlinkSync(buildCli().nodeModules, join(dir, 'node_modules'));
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'bench', private: true, 'mikro-orm': { useTsNode: options.ts === true }, 'mikro-orm-alembic': { path: 'migrations' } }),
  );
  if (options.ts) {
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'commonjs', strict: true, skipLibCheck: true } }));
  }
  mkdirSync(join(dir, 'migrations'));
  for (let i = 0; i < n; i++) {
    const file = options.ts ? tsRevisionFile(i) : jsRevisionFile(i);
    writeFileSync(join(dir, 'migrations', file.name), file.text);
  }
  return dir;
}

/** Wall time of one whole process, in ms; throws if it fails. Output goes to /dev/null unless captured. */
export function timeProcess(command: string, args: readonly string[], options: SpawnSyncOptions & { capture?: boolean } = {}): { ms: number; stdout: string } {
  const started = performance.now();
  const result = spawnSync(command, args, {
    ...options,
    stdio: ['ignore', options.capture ? 'pipe' : 'ignore', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
  });
  const ms = performance.now() - started;
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal}):\n${String(result.stderr).slice(0, 4000)}`);
  }
  return { ms, stdout: options.capture ? String(result.stdout) : '' };
}

/** Median, min and max. */
export interface Stats {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: number;
}

export function stats(xs: readonly number[]): Stats {
  const s = [...xs].sort((a, b) => a - b);
  const median = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return { median, min: s[0], max: s[s.length - 1], runs: s.length };
}

/** `1.23 s (1.10–1.40)` or `345 ms (…)`. */
export function formatStats(x: Stats): string {
  const f = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
  return `${f(x.median)} (${f(x.min)}–${f(x.max)})`;
}

/**
 * Times a command `runs` times after one uncounted warm-up (a slow command, over 5 s, gets 3 runs).
 */
export function measure(label: string, run: () => number, runs: number): Stats {
  const warm = run();
  const n = warm > 5000 ? Math.min(runs, 3) : runs;
  const times: number[] = [];
  for (let i = 0; i < n; i++) times.push(run());
  const result = stats(times);
  process.stderr.write(`  ${label}: ${formatStats(result)}\n`);
  return result;
}

/**
 * {@link measure} for two commands compared with each other: after a warm-up of each, their runs alternate
 * (a, b, a, b, ...), so that a machine that slows down or speeds up during the benchmark weighs on both
 * alike (run one after the other, a shared machine's drift showed up as a change of ratio). Each gets
 * `runs` runs, or 3 when its warm-up took over 5 s.
 */
export function measureAlternating(labels: readonly [string, string], commands: readonly [() => number, () => number], runs: number): [Stats, Stats] {
  const counts = commands.map((run) => (run() > 5000 ? Math.min(runs, 3) : runs));
  const times: [number[], number[]] = [[], []];
  for (let i = 0; i < Math.max(counts[0], counts[1]); i++) {
    for (const k of [0, 1] as const) if (i < counts[k]) times[k].push(commands[k]());
  }
  const results = times.map(stats) as [Stats, Stats];
  results.forEach((result, k) => process.stderr.write(`  ${labels[k]}: ${formatStats(result)}\n`));
  return results;
}

/** A python with Alembic importable (`python3`, then Debian's `/usr/bin/python3`), or null. */
export function findAlembicPython(): string | null {
  for (const python of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(python, ['-c', 'import alembic, sys; sys.stdout.write(alembic.__version__)'], { encoding: 'utf8' });
    if (r.status === 0) return python;
  }
  return null;
}

/** The machine, for the report, with its load average (other processes make timings noisy). */
export function machine(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const os = require('node:os') as typeof import('node:os');
  const load = os.loadavg().map((x) => x.toFixed(1)).join(' ');
  return `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load average ${load} at start`;
}

/** The number a query returns in its column `n` (e.g. `select count(*) as n from ...`), on a connection of its own. */
export async function countRows(url: string, sql: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return Number((await client.query(sql)).rows[0].n);
  } finally {
    await client.end();
  }
}
