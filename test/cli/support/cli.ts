/**
 * Running the real bin in tests: `src/cli` (and the package's public index, which revision files import as
 * `mikro-orm-alembic`) compiled once per mocha run with tsc into a temporary folder, then run as
 * `node <build>/src/cli/main.js <args>` in temporary project folders.
 *
 * Compiling once (≈3 s) and running plain JS (≈0.2 s per command) is much faster than ts-node per command
 * (≈1 s), and it is what users run.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..', '..', '..');
let built: string | undefined;
const temporary: string[] = [];
process.on('exit', () => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

/** The folder holding the compiled bin (`<build>/src/cli/main.js`) and a `node_modules` with the package in it. */
export function cliBuild(): string {
  if (built !== undefined) return built;
  const dir = mkdtempSync(join(tmpdir(), 'cli-build-'));
  temporary.push(dir);
  const out = join(dir, 'out');
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      extends: join(root, 'tsconfig.json'),
      compilerOptions: { outDir: out, rootDir: root, sourceMap: false, declaration: false, types: ['node'], typeRoots: [join(root, 'node_modules/@types')] },
      include: [],
      files: [join(root, 'src/cli/main.ts'), join(root, 'src/index.ts')],
    }),
  );
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
  // tsc emits despite type errors; those are `npm run build`'s business (code being written elsewhere in the
  // repository must not stop these runs), a missing output is not
  if (!existsSync(join(out, 'src/cli/main.js'))) throw new Error(`tsc failed:\n${tsc.stdout}${tsc.stderr}`);
  if (tsc.status !== 0) process.stderr.write(`  (tsc reported type errors; running the emitted JavaScript anyway)\n${tsc.stdout}`);
  writeFileSync(join(out, 'package.json'), JSON.stringify({ name: 'mikro-orm-alembic', version: '0.0.0-test', main: 'src/index.js' }));
  // node_modules: every package of the repository, plus this package itself (for revision files' imports)
  const modules = join(dir, 'node_modules');
  mkdirSync(modules);
  for (const name of readdirSync(join(root, 'node_modules'))) {
    if (name !== 'mikro-orm-alembic') symlinkSync(join(root, 'node_modules', name), join(modules, name));
  }
  symlinkSync(out, join(modules, 'mikro-orm-alembic'));
  symlinkSync(modules, join(out, 'node_modules'));
  built = dir;
  return dir;
}

/** What a run of the bin gave. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A temporary project folder to run the bin in. */
export class TestProject {
  readonly dir: string;

  constructor(options: { packageJson?: Record<string, unknown>; tsconfig?: boolean } = {}) {
    const build = cliBuild();
    this.dir = mkdtempSync(join(tmpdir(), 'cli-project-'));
    temporary.push(this.dir);
    symlinkSync(join(build, 'node_modules'), join(this.dir, 'node_modules'));
    writeFileSync(join(this.dir, 'package.json'), `${JSON.stringify({ name: 'test-project', private: true, ...options.packageJson }, null, 2)}\n`);
    if (options.tsconfig !== false) {
      writeFileSync(
        join(this.dir, 'tsconfig.json'),
        JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'commonjs', strict: true, esModuleInterop: true, skipLibCheck: true } }),
      );
    }
  }

  /** A path inside the project. */
  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  /** Writes a file (folders created). */
  write(relativePath: string, text: string): string {
    const file = this.path(relativePath);
    mkdirSync(resolve(file, '..'), { recursive: true });
    writeFileSync(file, text);
    return file;
  }

  /**
   * A `mikro-orm.config.js` with `clientUrl` (no entities), and the plugin's options when given (as the
   * `alembic()` extension carries them: under the `mikro-orm-alembic.options` symbol), or `extra` source.
   */
  writeConfig(clientUrl: string, options: { alembic?: Record<string, unknown>; extra?: string; file?: string } = {}): void {
    const extension = options.alembic
      ? `extensions: [{ [Symbol.for('mikro-orm-alembic.options')]: ${JSON.stringify(options.alembic)} }],`
      : '';
    this.write(
      options.file ?? 'mikro-orm.config.js',
      [
        "const { defineConfig } = require('@mikro-orm/postgresql');",
        `module.exports = defineConfig({ clientUrl: ${JSON.stringify(clientUrl)}, ${extension} ${options.extra ?? ''} });`,
        '',
      ].join('\n'),
    );
  }

  /** Runs the bin (or `script`, e.g. MikroORM's CLI); never throws on a non-zero exit. */
  run(
    args: readonly string[],
    options: { env?: Record<string, string | undefined>; timeoutMs?: number; nodeArgs?: readonly string[]; script?: string } = {},
  ): Promise<CliResult> {
    const env: Record<string, string | undefined> = { ...process.env, ...options.env };
    delete env.FORCE_COLOR;
    delete env.NO_COLOR;
    if (options.env && 'NO_COLOR' in options.env) env.NO_COLOR = options.env.NO_COLOR;
    if (options.env && 'FORCE_COLOR' in options.env) env.FORCE_COLOR = options.env.FORCE_COLOR;
    // the bin must not see the test runner's ts-node
    delete env.TS_NODE_PROJECT;
    delete env.NODE_OPTIONS;
    return new Promise((done) => {
      execFile(
        process.execPath,
        [...(options.nodeArgs ?? []), options.script ?? join(cliBuild(), 'out/src/cli/main.js'), ...args],
        { cwd: this.dir, env, encoding: 'utf8', timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => {
          const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
          done({ code, stdout, stderr });
        },
      );
    });
  }
}

/** The text of a plain-JS revision file (CommonJS), as a compiled revision looks. */
export function jsRevision(r: {
  id: string;
  down?: string | readonly string[] | null;
  message?: string;
  up?: string;
  down_?: string;
  branchLabels?: readonly string[];
  dependsOn?: readonly string[];
  transactional?: boolean;
}): string {
  const down = r.down === undefined || r.down === null ? 'null' : JSON.stringify(r.down);
  return [
    '/**',
    ` * ${r.message ?? `revision ${r.id}`}`,
    ' *',
    ` * Revision ID: ${r.id}`,
    ` * Revises: ${r.down === undefined || r.down === null ? '' : typeof r.down === 'string' ? r.down : r.down.join(', ')}`,
    ' * Create Date: 2026-01-01 00:00:00.000Z',
    ' */',
    "const { Revision } = require('mikro-orm-alembic');",
    `class R_${r.id} extends Revision {`,
    '  constructor() {',
    '    super();',
    `    this.revision = '${r.id}';`,
    `    this.downRevision = ${down};`,
    `    this.branchLabels = ${JSON.stringify(r.branchLabels ?? [])};`,
    `    this.dependsOn = ${JSON.stringify(r.dependsOn ?? [])};`,
    ...(r.transactional === false ? ['    this.transactional = false;'] : []),
    '  }',
    `  async up() { ${r.up ?? ''} }`,
    `  async down() { ${r.down_ ?? ''} }`,
    '}',
    `exports.R_${r.id} = R_${r.id};`,
    '',
  ].join('\n');
}

/** A revision whose up() creates table `t_<id>` and whose down() drops it. */
export function tableRevision(id: string, down: string | readonly string[] | null, extra: { branchLabels?: string[]; dependsOn?: string[]; message?: string } = {}): string {
  return jsRevision({
    id,
    down,
    message: extra.message ?? `create t_${id}`,
    up: `this.addSql('create table "t_${id}" (id int)');`,
    down_: `this.addSql('drop table "t_${id}"');`,
    branchLabels: extra.branchLabels,
    dependsOn: extra.dependsOn,
  });
}

/** Runs one SQL statement against `url` and returns its rows. */
export async function query<T = Record<string, unknown>>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Client } = require('pg') as typeof import('pg');
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** The version table's revision ids, sorted (empty when the table does not exist). */
export async function appliedIds(url: string, table = 'public.mikro_orm_alembic_version'): Promise<string[]> {
  const [{ exists }] = await query<{ exists: boolean }>(url, 'select to_regclass($1) is not null as exists', [table]);
  if (!exists) return [];
  return (await query<{ revision: string }>(url, `select revision from ${table} order by revision`)).map((r) => r.revision);
}

/** The names of the tables called t_% in the public schema, sorted. */
export async function tTables(url: string): Promise<string[]> {
  return (await query<{ tablename: string }>(url, "select tablename from pg_tables where schemaname = 'public' and tablename like 't\\_%' order by 1")).map(
    (r) => r.tablename,
  );
}
