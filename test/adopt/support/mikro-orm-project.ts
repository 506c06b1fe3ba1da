/**
 * A throw-away project that first runs MikroORM's OWN migrator (`extensions: [Migrator]` from
 * `@mikro-orm/migrations` 6.6.16, driven through the real `@mikro-orm/cli`), and then switches to the
 * plugin (`extensions: [alembic()]`, the `migrations` options left as they were) and runs the plugin's bin.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { Client } from 'pg';
import { readSchemaSnapshot, type SchemaSnapshot } from '../../../src/testing/schema-snapshot';

export const REPO = resolve(__dirname, '..', '..', '..');
const MIKRO_CLI = join(REPO, 'node_modules', '@mikro-orm', 'cli', 'cli.js');
/** Import path of the plugin in configs and adopted revisions (the repository's sources, through ts-node). */
export const PLUGIN = join(REPO, 'src');

export interface RunResult {
  readonly code: number;
  /** stdout + stderr without ANSI colours. */
  readonly output: string;
  readonly stdout: string;
}

export interface MikroOrmProjectOptions {
  /** The `migrations` options object, as TypeScript source (e.g. `{ path: 'migrations', emit: 'js' }`). */
  readonly migrations: string;
}

export class MikroOrmProject {
  readonly dir: string;

  constructor(private readonly options: MikroOrmProjectOptions) {
    this.dir = mkdtempSync(join(tmpdir(), 'adopt-project-'));
    writeFileSync(
      join(this.dir, 'package.json'),
      JSON.stringify(
        {
          name: 'adopt-project',
          private: true,
          dependencies: { '@mikro-orm/core': '6.6.16', '@mikro-orm/postgresql': '6.6.16', '@mikro-orm/migrations': '6.6.16', '@mikro-orm/cli': '6.6.16' },
          'mikro-orm': { useTsNode: true },
        },
        null,
        2,
      ),
    );
    writeFileSync(
      join(this.dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'commonjs',
          strict: true,
          experimentalDecorators: true,
          emitDecoratorMetadata: true,
          esModuleInterop: true,
          skipLibCheck: true,
        },
      }),
    );
    symlinkSync(join(REPO, 'node_modules'), join(this.dir, 'node_modules'), 'dir');
    mkdirSync(join(this.dir, 'entities'));
    this.useMigrator();
  }

  /** `extensions: [Migrator]`: MikroORM's own migrator. */
  useMigrator(): void {
    this.writeConfig(`import { Migrator } from '@mikro-orm/migrations';`, 'Migrator');
  }

  /** `extensions: [alembic()]`, the `migrations` options unchanged. */
  useAlembic(importFrom = PLUGIN): void {
    this.writeConfig(`import { alembic } from ${JSON.stringify(PLUGIN)};`, `alembic({ importFrom: ${JSON.stringify(importFrom)} })`);
  }

  private writeConfig(importLine: string, extension: string): void {
    writeFileSync(
      join(this.dir, 'mikro-orm.config.ts'),
      [
        `import { defineConfig } from '@mikro-orm/postgresql';`,
        importLine,
        `export default defineConfig({`,
        `  clientUrl: process.env.APP_DATABASE_URL,`,
        `  entities: ['./entities'],`,
        `  entitiesTs: ['./entities'],`,
        `  migrations: ${this.options.migrations},`,
        `  extensions: [${extension}],`,
        `});`,
        '',
      ].join('\n'),
    );
  }

  /** Replaces the entity files (name → source). */
  setEntities(files: Record<string, string>): void {
    const dir = join(this.dir, 'entities');
    for (const name of readdirSync(dir)) if (!(name in files)) unlinkSync(join(dir, name));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  }

  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  /** `npx mikro-orm <args>` (the real MikroORM CLI) against `url`. */
  mikroOrm(args: readonly string[], url: string): Promise<RunResult> {
    return this.exec([MIKRO_CLI, ...args], url);
  }

  private exec(argv: readonly string[], url: string): Promise<RunResult> {
    return new Promise((done) => {
      execFile(
        process.execPath,
        argv,
        {
          cwd: this.dir,
          env: {
            ...process.env,
            APP_DATABASE_URL: url,
            MIKRO_ORM_CLI_CONFIG: join(this.dir, 'mikro-orm.config.ts'),
            FORCE_COLOR: '0',
            NO_COLOR: '1',
          },
          timeout: 90_000,
        },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          done({ code, stdout, output: `${stdout}${stderr}`.replace(/\x1b\[[0-9;]*m/g, '') });
        },
      );
    });
  }

  /** Every file under `folder` (relative path → content), to show that nothing changed on disk. */
  tree(folder = this.dir): Record<string, string> {
    const out: Record<string, string> = {};
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const full = join(dir, name);
        if (name === 'node_modules') continue;
        if (statSync(full).isDirectory()) walk(full);
        else out[relative(folder, full)] = readFileSync(full, 'utf8');
      }
    };
    if (existsSync(folder)) walk(folder);
    return out;
  }

  /** A copy of a folder of the project (`to` is absolute). */
  copy(from: string, to: string): void {
    cpSync(this.path(from), to, { recursive: true });
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Runs one query on a fresh connection. */
export async function query<T extends Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** The schema of a database, without the history tables of either migrator. */
export async function schemaOf(url: string, historyTables: readonly string[]): Promise<SchemaSnapshot> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await readSchemaSnapshot(client, { ignoreTables: ['public.mikro_orm_alembic_version', ...historyTables] });
  } finally {
    await client.end();
  }
}

/** The names MikroORM recorded in its history table. */
export async function mikroOrmApplied(url: string, table: string): Promise<string[]> {
  return (await query<{ name: string }>(url, `select name from ${table} order by id`)).map((r) => r.name);
}

/** The plugin's version table (ids, oldest first), or `null` when it does not exist. */
export async function pluginApplied(url: string): Promise<{ id: string; durationMs: number | null }[] | null> {
  const [exists] = await query<{ t: string | null }>(url, `select to_regclass('public.mikro_orm_alembic_version')::text as t`);
  if (exists.t === null) return null;
  return (
    await query<{ revision: string; duration_ms: number | null }>(url, 'select revision, duration_ms from public.mikro_orm_alembic_version order by applied_at, revision')
  ).map((r) => ({ id: r.revision, durationMs: r.duration_ms }));
}

/** A MikroORM-style 14-digit UTC timestamp one second after `after` (or now), as the CLI names files. */
export function timestampAfter(after?: string): string {
  const now = new Date();
  let t = now.toISOString().replace(/[-T:]|\.\d{3}z$/gi, '');
  if (after !== undefined && t <= after) {
    const d = new Date(Date.UTC(+after.slice(0, 4), +after.slice(4, 6) - 1, +after.slice(6, 8), +after.slice(8, 10), +after.slice(10, 12), +after.slice(12, 14) + 1));
    t = d.toISOString().replace(/[-T:]|\.\d{3}z$/gi, '');
  }
  return t;
}

/**
 * Waits until the clock's 14-digit UTC timestamp is past `stamp`: MikroORM's `migration:create` names
 * its file by the clock to the second, so a create in the same second as the last file would reuse its
 * name (and overwrite it).
 */
export async function clockPast(stamp: string): Promise<void> {
  while (new Date().toISOString().replace(/\D/g, '').slice(0, 14) <= stamp) await new Promise((r) => setTimeout(r, 200));
}

/**
 * The plugin's bin, in this process (`runCli`, what `main.js` runs), in the project folder with its
 * config: faster than a child process, and the same code path.
 */
export async function runBin(project: MikroOrmProject, args: readonly string[], url = 'postgres://nobody@127.0.0.1:9/not_connected'): Promise<RunResult> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { runCli } = require('../../../src/cli/main') as typeof import('../../../src/cli/main');
  const config = project.path('mikro-orm.config.ts');
  delete require.cache[config]; // the config changes between runs (Migrator, then alembic())
  let stdout = '';
  let stderr = '';
  const before = process.env.APP_DATABASE_URL;
  const cwd = process.cwd();
  process.env.APP_DATABASE_URL = url;
  // MikroORM's default baseDir is the working directory when @mikro-orm/core was first loaded in this process
  process.env.MIKRO_ORM_BASE_DIR = project.dir;
  process.chdir(project.dir); // MikroORM's baseDir is the working directory, as when the bin runs in the project
  try {
    const code = await runCli(['node', 'mikro-orm-alembic', '--config', config, '--no-color', ...args], {
      stdout: { write: (text: string) => ((stdout += text), true) },
      stderr: { write: (text: string) => ((stderr += text), true) },
      cwd: project.dir,
    });
    return { code, stdout, output: `${stdout}${stderr}` };
  } finally {
    process.chdir(cwd);
    delete process.env.MIKRO_ORM_BASE_DIR;
    if (before === undefined) delete process.env.APP_DATABASE_URL;
    else process.env.APP_DATABASE_URL = before;
  }
}
