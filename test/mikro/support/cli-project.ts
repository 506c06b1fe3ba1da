/**
 * A throw-away MikroORM project for driving the REAL MikroORM CLI (`@mikro-orm/cli/cli.js`) as a child
 * process: its own folder with package.json, tsconfig.json, `mikro-orm.config.ts` (the plugin from this
 * repository's `src/`), `entities/` and `migrations/`, and `node_modules` linked to the repository's.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(__dirname, '..', '..', '..');
export const CLI = join(REPO, 'node_modules', '@mikro-orm', 'cli', 'cli.js');
/** Import path of the plugin (the repository's sources, compiled by the CLI's ts-node). */
export const PLUGIN = join(REPO, 'src');

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout + stderr without ANSI colours. */
  readonly output: string;
}

export interface CliProjectOptions {
  /** The app database. */
  readonly databaseUrl: string;
  /** The object literal given to `alembic(...)` (TypeScript source). Default `{ path: 'migrations' }`. */
  readonly pluginOptions?: string;
  /** Extra top-level config entries (TypeScript source, e.g. `migrations: { path: 'db' },`). */
  readonly extraConfig?: string;
  /** `extensions` entry instead of `alembic(<pluginOptions>)` (e.g. `AlembicMigrator`). */
  readonly extension?: string;
}

export class CliProject {
  readonly dir: string;

  constructor(private readonly options: CliProjectOptions) {
    this.dir = mkdtempSync(join(tmpdir(), 'mikro-cli-'));
    writeFileSync(
      join(this.dir, 'package.json'),
      JSON.stringify(
        {
          name: 'mikro-cli-project',
          private: true,
          dependencies: { '@mikro-orm/core': '6.6.16', '@mikro-orm/postgresql': '6.6.16', '@mikro-orm/cli': '6.6.16' },
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
    this.writeConfig();
  }

  get migrationsDir(): string {
    return join(this.dir, 'migrations');
  }

  writeConfig(): void {
    const ext = this.options.extension ?? `alembic(${this.options.pluginOptions ?? `{ path: 'migrations', importFrom: ${JSON.stringify(PLUGIN)} }`})`;
    writeFileSync(
      join(this.dir, 'mikro-orm.config.ts'),
      [
        `import { defineConfig } from '@mikro-orm/postgresql';`,
        `import { alembic, AlembicMigrator } from ${JSON.stringify(PLUGIN)};`,
        `void alembic; void AlembicMigrator;`,
        `export default defineConfig({`,
        `  clientUrl: process.env.APP_DATABASE_URL,`,
        `  entities: ['./entities'],`,
        `  entitiesTs: ['./entities'],`,
        `  ${this.options.extraConfig ?? ''}`,
        `  extensions: [${ext}],`,
        `});`,
        '',
      ].join('\n'),
    );
  }

  /** Replaces the entity files (name → source); files not listed are removed. */
  setEntities(files: Record<string, string>): void {
    const dir = join(this.dir, 'entities');
    for (const name of readdirSync(dir)) if (!(name in files)) unlinkSync(join(dir, name));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  }

  /** The revision files, sorted. */
  revisionFiles(): string[] {
    return existsSync(this.migrationsDir) ? readdirSync(this.migrationsDir).filter((f) => f.endsWith('.ts')).sort() : [];
  }

  readRevision(name: string): string {
    return readFileSync(join(this.migrationsDir, name), 'utf8');
  }

  /** Runs `node @mikro-orm/cli/cli.js <args>` in the project. */
  run(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
    return new Promise((done) => {
      execFile(
        process.execPath,
        [CLI, ...args],
        {
          cwd: this.dir,
          env: {
            ...process.env,
            APP_DATABASE_URL: this.options.databaseUrl,
            MIKRO_ORM_CLI_CONFIG: join(this.dir, 'mikro-orm.config.ts'),
            FORCE_COLOR: '0',
            NO_COLOR: '1',
            ...env,
          },
          timeout: 60_000,
        },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          const output = `${stdout}${stderr}`.replace(/\x1b\[[0-9;]*m/g, '');
          done({ code, stdout, stderr, output });
        },
      );
    });
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
