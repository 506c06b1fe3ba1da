/**
 * The scenarios that run the commands README.md and docs/ show (blocks marked `<!-- docs-check: NAME -->`)
 * against a copy of the example app, as a user's project: its entities, revisions and config with the
 * package imported as `mikro-orm-alembic`, `npx mikro-orm` and `npx mikro-orm-alembic` on the PATH, a
 * database of its own.
 *
 *     npm run docs:outputs     # run every scenario and rewrite the outputs the console blocks show
 *
 * The test `test/docs/commands.test.ts` runs the same scenarios and fails when a command fails or an
 * output shown differs from what the command prints.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { asInUserProject, pages } from './examples';
import { commandBlocks, expandShown, type CommandBlock } from './shown-commands';

export const ROOT = resolve(__dirname, '..', '..');

/** What a command printed. */
export interface CommandRun {
  readonly command: string;
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A copy of the example app in a temporary folder, run as a user's project. */
export class ExampleApp {
  readonly dir: string;

  /**
   * @param build  a folder with the compiled package: `<build>/out/src/cli/main.js` and `<build>/node_modules`
   *               holding the repository's packages and `mikro-orm-alembic` (test/cli/support/cli.ts's cliBuild)
   * @param databaseUrl  the app's database (its config reads DATABASE_URL)
   */
  constructor(
    build: string,
    readonly databaseUrl: string,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), 'docs-example-'));
    symlinkSync(join(build, 'node_modules'), join(this.dir, 'node_modules'));
    for (const folder of ['entities', 'migrations']) {
      mkdirSync(join(this.dir, folder));
      for (const name of readdirSync(join(ROOT, folder))) {
        writeFileSync(join(this.dir, folder, name), asInUserProject(readFileSync(join(ROOT, folder, name), 'utf8')));
      }
    }
    const config = asInUserProject(readFileSync(join(ROOT, 'mikro-orm.config.ts'), 'utf8'))
      .replace("from './src'", "from 'mikro-orm-alembic'")
      .replace(", importFrom: '../src'", '');
    writeFileSync(join(this.dir, 'mikro-orm.config.ts'), config);
    writeFileSync(
      join(this.dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'commonjs', strict: true, esModuleInterop: true, experimentalDecorators: true, emitDecoratorMetadata: true, skipLibCheck: true },
      }),
    );
    writeFileSync(
      join(this.dir, 'package.json'),
      JSON.stringify(
        {
          name: 'example-app',
          private: true,
          dependencies: Object.fromEntries(['@mikro-orm/cli', '@mikro-orm/core', '@mikro-orm/postgresql', 'mikro-orm-alembic'].map((name) => [name, '*'])),
          'mikro-orm': { useTsNode: true, configPaths: ['./mikro-orm.config.ts'] },
        },
        null,
        2,
      ),
    );
    // `npx mikro-orm-alembic` and `npx mikro-orm` as an installed project has them
    mkdirSync(join(this.dir, '.bin'));
    const npx = join(this.dir, '.bin', 'npx');
    writeFileSync(
      npx,
      [
        '#!/bin/sh',
        'case "$1" in',
        `  mikro-orm-alembic) shift; exec "${process.execPath}" "${join(build, 'out/src/cli/main.js')}" "$@";;`,
        `  mikro-orm) shift; exec "${process.execPath}" "${join(build, 'node_modules/@mikro-orm/cli/cli.js')}" "$@";;`,
        '  *) echo "docs check: npx $1 is not a command of this package" >&2; exit 127;;',
        'esac',
        '',
      ].join('\n'),
    );
    chmodSync(npx, 0o755);
  }

  /** A path inside the app. */
  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  /** Runs one command line with `sh` in the app's folder (redirections and `&&` as shown). */
  run(command: string): Promise<CommandRun> {
    const env: Record<string, string | undefined> = { ...process.env, DATABASE_URL: this.databaseUrl, PATH: `${this.path('.bin')}:${process.env.PATH}`, NO_COLOR: '1' };
    delete env.FORCE_COLOR;
    delete env.NODE_OPTIONS;
    delete env.TS_NODE_PROJECT;
    delete env.TS_NODE_TRANSPILE_ONLY;
    return new Promise((done) => {
      execFile('sh', ['-c', command], { cwd: this.dir, env, encoding: 'utf8', timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        done({ command, code, stdout, stderr });
      });
    });
  }

  /** Runs a command that must succeed; throws with its output otherwise. */
  async must(command: string): Promise<CommandRun> {
    const result = await this.run(command);
    if (result.code !== 0) throw new Error(`${command} exited ${result.code}:\n${result.stdout}${result.stderr}`);
    return result;
  }

  /** Removes the copy. */
  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** One scenario: a state of the example app, then a block's commands in order. */
export interface Scenario {
  /** Brings the app and its database to the state the block starts from. */
  setup(app: ExampleApp): Promise<void>;
  /** Placeholder values (`<rev>`). */
  readonly values?: Readonly<Record<string, string>>;
  /** Expected exit codes of commands that do not exit 0, by the command as expanded. */
  readonly codes?: Readonly<Record<string, number>>;
  /** Checks after the last command (what the commands left). */
  verify?(app: ExampleApp, runs: readonly CommandRun[]): Promise<void>;
}

/** The example app's head. */
export const EXAMPLE_HEAD = '359f47c94009';

export const SCENARIOS: Readonly<Record<string, Scenario>> = {
  /** README, the workflow in five commands: a property added to an entity, at head. */
  workflow: {
    async setup(app) {
      await app.must('npx mikro-orm-alembic upgrade head');
      const file = app.path('entities/User.ts');
      const text = readFileSync(file, 'utf8');
      const at = text.lastIndexOf('}');
      writeFileSync(file, `${text.slice(0, at)}\n  @Property({ nullable: true })\n  nickname?: string;\n${text.slice(at)}`);
    },
    async verify(app) {
      const created = readdirSync(app.path('migrations')).filter((name) => name.endsWith('_add_user_role.ts'));
      if (created.length !== 1) throw new Error(`migration:create wrote ${created.length} revisions named *_add_user_role.ts`);
      if (!readFileSync(app.path('migrations', created[0]), 'utf8').includes('"nickname"')) throw new Error(`${created[0]} does not add the column "nickname"`);
      if (!readFileSync(app.path('up.sql'), 'utf8').includes('"nickname"')) throw new Error('up.sql does not add the column "nickname"');
    },
  },
  /** README, MikroORM's CLI with Alembic targets: an empty database. */
  'mikro-targets': {
    async setup() {},
  },
  /** README, the bin's verbs: at head, then a second head (a revision added on a branch, as by another developer). */
  'bin-verbs': {
    values: { rev: EXAMPLE_HEAD },
    async setup(app) {
      await app.must('npx mikro-orm-alembic upgrade head');
      await app.must('npx mikro-orm-alembic revision -m "a parallel change" --head 555d97e085ce --splice');
    },
    async verify(app) {
      const merges = readdirSync(app.path('migrations')).filter((name) => name.endsWith('_merge.ts'));
      if (merges.length !== 1) throw new Error(`merge heads wrote ${merges.length} merge revisions`);
      if (!readFileSync(app.path('upgrade.sql'), 'utf8').includes('mikro_orm_alembic_version')) throw new Error('upgrade.sql does not record the revisions');
    },
  },
  /** README, what `npm start` prints: the example app at head. */
  'example-at-head': {
    async setup(app) {
      await app.must('npx mikro-orm-alembic upgrade head');
    },
  },
};

/** The result of running one block's scenario. */
export interface BlockRun {
  readonly block: CommandBlock;
  readonly runs: readonly CommandRun[];
  /** What went wrong: a command's exit code, a shown output that differs. Empty when the block is true. */
  readonly problems: readonly string[];
}

/** Runs the scenario of one `docs-check` block in a fresh copy of the example app. */
export async function runBlock(block: CommandBlock, build: string, databaseUrl: string): Promise<BlockRun> {
  const name = block.claim?.value ?? '';
  const scenario = SCENARIOS[name];
  if (scenario === undefined) return { block, runs: [], problems: [`${block.page}:${block.line}: no scenario named '${name}' in scripts/docs/scenarios.ts`] };
  const app = new ExampleApp(build, databaseUrl);
  const runs: CommandRun[] = [];
  const problems: string[] = [];
  try {
    await scenario.setup(app);
    for (const shown of block.commands) {
      const expanded = expandShown(shown.text, scenario.values);
      const outputs: string[] = [];
      for (const command of expanded) {
        const run = await app.run(command);
        runs.push(run);
        const expected = scenario.codes?.[command] ?? 0;
        if (run.code !== expected) problems.push(`${block.page}:${shown.line}: \`${command}\` exited ${run.code} (expected ${expected}):\n${run.stdout}${run.stderr}`);
        outputs.push(`${run.stdout}${run.stderr}`);
      }
      if (shown.output !== null) {
        const printed = outputs.join('').replace(/\n$/, '');
        const claimed = shown.output.join('\n').replace(/\n$/, '');
        if (printed !== claimed) problems.push(`${block.page}:${shown.line}: \`${shown.text}\` prints\n${printed}\nwhere the page shows\n${claimed}`);
      }
    }
    await scenario.verify?.(app, runs);
  } catch (error) {
    problems.push(`${block.page}:${block.line}: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    app.remove();
  }
  return { block, runs, problems };
}

/** Every block of every page that shows commands. */
export function allCommandBlocks(): CommandBlock[] {
  return pages().flatMap((page) => commandBlocks(page, ROOT));
}

/** Rewrites the output a console block shows after each command with what the run printed. */
export function writeOutputs(run: BlockRun): void {
  const page = join(ROOT, run.block.page);
  const lines = readFileSync(page, 'utf8').split('\n');
  let k = 0;
  // from the last command up, so that earlier line numbers stay valid
  const edits: { from: number; count: number; text: string[] }[] = [];
  for (const shown of run.block.commands) {
    const n = expandShown(shown.text, SCENARIOS[run.block.claim?.value ?? '']?.values).length;
    const printed = run.runs.slice(k, k + n).map((r) => `${r.stdout}${r.stderr}`).join('').replace(/\n$/, '');
    k += n;
    if (shown.output === null) continue;
    edits.push({ from: shown.line, count: shown.output.length, text: printed === '' ? [] : printed.split('\n') });
  }
  for (const edit of edits.reverse()) lines.splice(edit.from, edit.count, ...edit.text);
  writeFileSync(page, lines.join('\n'));
}

if (require.main === module) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { cliBuild } = require('../../test/cli/support/cli') as typeof import('../../test/cli/support/cli');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { acquireServer, createThrowawayDatabase } = require('../../src/harness') as typeof import('../../src/harness');
  void (async () => {
    const server = await acquireServer();
    try {
      for (const block of allCommandBlocks().filter((b) => b.claim?.kind === 'docs-check')) {
        const db = await createThrowawayDatabase(server.url, { prefix: 'docs_outputs' });
        try {
          const run = await runBlock(block, cliBuild(), db.url);
          if (block.info === 'console') writeOutputs(run);
          const failed = run.problems.filter((p) => !p.includes('where the page shows'));
          for (const problem of failed) process.stderr.write(`${problem}\n`);
          process.stdout.write(`${block.page}:${block.line}: ${block.claim?.value} ${failed.length === 0 ? 'ok' : 'FAILED'}\n`);
          if (failed.length > 0) process.exitCode = 1;
        } finally {
          await db.drop();
        }
      }
    } finally {
      await server.release();
    }
  })();
}

