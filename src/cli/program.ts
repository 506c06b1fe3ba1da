/* eslint-disable @typescript-eslint/no-require-imports -- verbs are required lazily, so that `heads` never loads what `upgrade` needs */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command, Option } from 'commander';
import type { GlobalOptions } from './cli-project';
import type { Output } from './output';
import type { VerbContext } from './verb-context';

/** The global options as commander parses them. */
interface ParsedGlobals {
  config?: string[];
  context?: string;
  path?: string;
  url?: string;
  schema?: string;
  color?: boolean;
}

/**
 * The bin's command line: every verb with its options and help, parsed by commander. Verb modules
 * are required only when their verb runs. Errors are thrown (commander's own with `exitOverride`),
 * never turned into `process.exit` here: `main` decides the exit code.
 *
 * @param makeOutput builds the output once the global `--no-color` is known.
 * @example
 * ```ts
 * const program = buildProgram((color) => new Output(process.stdout, process.stderr, { color }), process.cwd());
 * await program.parseAsync(['node', 'mikro-orm-alembic', 'heads', '--path', 'migrations']);
 * ```
 */
export function buildProgram(makeOutput: (color: boolean | undefined) => Output, cwd: string): Command {
  let output: Output | undefined;
  const out = (color?: boolean) => (output ??= makeOutput(color));
  const program = new Command('mikro-orm-alembic');
  program
    .description("Alembic's revision graphs for MikroORM on PostgreSQL: branches, merges, targets, offline SQL.")
    .version(packageVersion(), '-V, --version')
    .option('-c, --config <file>', 'MikroORM config file (repeatable; replaces the search paths)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--context <name>', 'which config of a file that exports several (contextName)')
    .option('--path <folder>', 'the migrations folder (skips the MikroORM config for graph commands)')
    .option('--url <url>', 'the database, instead of the MikroORM config connection (postgres://...)')
    .option('--schema <name>', 'schema-per-tenant: work in this schema (its own version table and lock; revisions run with search_path = it, public)')
    .option('--no-color', 'no colours (also NO_COLOR=1; colours are off when output is not a terminal)')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => out(program.opts<ParsedGlobals>().color).stdout.write(text),
      writeErr: (text) => out(program.opts<ParsedGlobals>().color).stderr.write(text),
    })
    .addHelpText(
      'after',
      [
        '',
        'Exit codes: 0 success, 1 the operation failed, 2 bad usage.',
        'heads --conflicts, merge and check: 3 the branches of the heads do not commute, 4 they are not proven to commute (docs/merges.md).',
        'Graph commands (heads, branches, history, show, check, revision, merge) read only the revision files;',
        'with --path or package.json "mikro-orm-alembic": { "path": ... } they never load the MikroORM config.',
      ].join('\n'),
    );

  const verb = <A extends unknown[]>(run: (ctx: VerbContext, ...args: A) => Promise<void>) => {
    return async (...args: unknown[]) => {
      const command = args[args.length - 1] as Command;
      const globals = command.optsWithGlobals<ParsedGlobals>();
      const global: GlobalOptions = { config: globals.config, context: globals.context, path: globals.path, url: globals.url, schema: globals.schema };
      const ctx: VerbContext = { global, output: out(globals.color), cwd };
      await run(ctx, ...(args.slice(0, -1) as A));
    };
  };
  const jsonOption = () => new Option('--json', 'print JSON');
  const verbose = () => new Option('-v, --verbose', 'show every field of each revision');
  /** The fan-out options (docs/fanout.md): many databases or tenant schemas in one command. */
  const fanoutOptions = (command: Command, extra: { json?: boolean; outDir?: boolean } = {}): Command => {
    command
      .option('--targets <file>', 'fan out: the targets, one URL per line or JSON [{ name, url, schema }]')
      .option('--target-url <url>', 'fan out: a target database (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
      .option('--tenants-query <sql>', 'fan out: a query on the database returning tenant schema names (one target each)')
      .option('--tenants', 'fan out: the targets of alembic({ tenants }) in the MikroORM config')
      .option('--concurrency <n>', 'fan out: targets run at once (default 4)')
      .option('--fail-fast', 'fan out: start no further target after one failed');
    if (extra.json) command.addOption(jsonOption());
    if (extra.outDir) command.option('--out-dir <dir>', 'fan out with --sql: one script per target into this folder');
    return command;
  };

  program
    .command('init')
    .description('scaffold the migrations folder and print the config lines (like alembic init)')
    .argument('[directory]', 'the folder to create', 'migrations')
    .option('--no-package-json', 'do not add "mikro-orm-alembic": { "path": ... } to package.json')
    .action(
      verb((ctx, directory: string, options: { packageJson?: boolean }) =>
        (require('./verbs/init') as typeof import('./verbs/init')).init(ctx, directory, options),
      ),
    );

  program
    .command('revision')
    .description('write a new blank revision on the head')
    .option('-m, --message <text>', 'what the revision does (also its file name)')
    .option('--head <rev>', 'the parent: a revision, <label>@head, or base for a new base (default: the single head)')
    .option('--splice', 'allow --head to be a revision that is not a head (start a branch)')
    .option('--branch-label <label>', 'a branch label for the new revision')
    .option('--depends-on <rev>', 'a revision or label that must be applied first (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--rev-id <id>', 'the new id instead of a random one')
    .option('--autogenerate', "fill up()/down() with the difference between the entities and the database (which must be at the parent)")
    .option('--no-safe-ddl', 'with --autogenerate: plain statements instead of the lock-safe forms for existing tables (docs/safe-ddl.md)')
    .option('--baseline', 'with --autogenerate: the whole model as a new base revision, compared with an empty schema (no database read); stamp it where the schema exists')
    .action(
      verb((ctx, options: import('./verbs/revision').RevisionOptions) =>
        (require('./verbs/revision') as typeof import('./verbs/revision')).revision(ctx, options),
      ),
    );

  program
    .command('merge')
    .description('write a merge revision joining heads (default: all heads)')
    .argument('[revisions...]', 'the heads to merge (ids, prefixes, heads)')
    .option('-m, --message <text>', 'the message (default: merge <ids>)')
    .option('--branch-label <label>', 'a branch label for the merge revision')
    .option('--rev-id <id>', 'the new id instead of a random one')
    .option('--verify', 'apply the branches in both orders on throw-away databases and compare the schemas first (needs a server: --url, the config, DATABASE_URL or the embedded one)')
    .option('--force', 'write the merge even when the branches overlap, cannot be analysed, or (with --verify) do not commute')
    .action(
      verb((ctx, revisions: string[], options: import('./verbs/merge').MergeOptions) =>
        (require('./verbs/merge') as typeof import('./verbs/merge')).merge(ctx, revisions, options),
      ),
    );

  program
    .command('squash')
    .description('write one revision replacing a linear run of revisions (docs/squash.md), or --status of a database')
    .argument('[range]', '<from>:<to>: the first and last revision of the run, both included')
    .option('-m, --message <text>', 'the message of the squashed revision')
    .option('--rev-id <id>', 'the new id instead of a random one')
    .option('--status', 'where the database stands relative to each squashed run (exit 1 when inside one)')
    .option('--json', 'with --status: JSON output')
    .action(
      verb((ctx, range: string | undefined, options: import('./verbs/squash').SquashVerbOptions) =>
        (require('./verbs/squash') as typeof import('./verbs/squash')).squash(ctx, range, options),
      ),
    );

  const migrateCommand = (name: 'upgrade' | 'downgrade') => {
    const command = program.command(name);
    if (name === 'upgrade') {
      command
        .description('apply revisions up to a target (default head)')
        .argument('[target]', 'head, heads, <rev>, +N, <label>@head, ...; with --sql: [from:]to', 'head');
    } else {
      command
        .description('revert revisions down to a target')
        .argument('<target>', '-N, <rev>, base, <label>@-N, ...; with --sql: from:to');
    }
    fanoutOptions(command, { json: true, outDir: true });
    return command
      .option('--sql', 'print the SQL script instead of running it (offline: no database)')
      .option('--transaction <mode>', 'per-revision (default): a transaction per revision; all: one for the whole run')
      .option('--lock-timeout <ms>', 'how long to wait for the migration lock (default 60000)')
      .option('--create-schema', 'with --schema (or schema targets of a fan-out): create the schema when it does not exist (default: refuse)')
      .option('--explain', 'run nothing: per statement of the plan, the lock, the relations, scan/rewrite and their size in the database')
      .action(
        verb((ctx, target: string, options: import('./verbs/migrate').MigrateOptions) =>
          (require('./verbs/migrate') as typeof import('./verbs/migrate')).migrate(ctx, name === 'upgrade' ? 'up' : 'down', target, options),
        ),
      );
  };
  migrateCommand('upgrade');
  migrateCommand('downgrade');

  program
    .command('adopt')
    .description("turn MikroORM's migrations folder into a revision chain (after extensions: [Migrator] became [alembic()])")
    .addOption(new Option('--dry-run', 'show what would be done, change nothing'))
    .addOption(jsonOption())
    .action(
      verb((ctx, options: import('./verbs/adopt').AdoptVerbOptions) =>
        (require('./verbs/adopt') as typeof import('./verbs/adopt')).adopt(ctx, options),
      ),
    );

  fanoutOptions(program.command('current'))
    .description("the database's current revisions")
    .addOption(jsonOption())
    .addOption(new Option('-v, --verbose', 'also list every applied revision'))
    .action(
      verb((ctx, options: import('./verbs/current').CurrentOptions) =>
        (require('./verbs/current') as typeof import('./verbs/current')).current(ctx, options),
      ),
    );

  program
    .command('heads')
    .description('the heads of the revision graph')
    .option('--resolve-dependencies', 'leave out heads that another revision depends on')
    .option('--conflicts', 'whether the branches commute: the objects both sides touch (exit 3 overlap, 4 unknown; docs/merges.md)')
    .addOption(jsonOption())
    .addOption(verbose())
    .action(
      verb((ctx, options: import('./verbs/heads').HeadsOptions) =>
        (require('./verbs/heads') as typeof import('./verbs/heads')).heads(ctx, options),
      ),
    );

  program
    .command('branches')
    .description('the branch points and the revisions that branch off them')
    .addOption(jsonOption())
    .action(
      verb((ctx, options: import('./verbs/branches').BranchesOptions) =>
        (require('./verbs/branches') as typeof import('./verbs/branches')).branches(ctx, options),
      ),
    );

  program
    .command('history')
    .description('the revisions, newest first')
    .option('-r, --rev-range <range>', 'only start:end (either may be empty), e.g. ae10:head, -3:')
    .option('--graph', 'draw the graph (branches, merges, labels, applied revisions)')
    .option('--indicate-current', 'read the database and mark the current revisions')
    .option('--no-indicate-current', 'never read the database (--graph reads it when a connection is configured)')
    .addOption(jsonOption())
    .addOption(verbose())
    .action(
      verb((ctx, options: import('./verbs/history').HistoryOptions) =>
        (require('./verbs/history') as typeof import('./verbs/history')).history(ctx, options),
      ),
    );

  program
    .command('show')
    .description('one revision in full')
    .argument('<rev>', 'a revision id, prefix, label, head, heads, <label>@head')
    .option('--explain', "per statement of its up(), the lock, the relations, scan/rewrite (and their size when a database is configured)")
    .addOption(jsonOption())
    .action(
      verb((ctx, rev: string, options: import('./verbs/show').ShowOptions) =>
        (require('./verbs/show') as typeof import('./verbs/show')).show(ctx, rev, options),
      ),
    );

  fanoutOptions(program.command('stamp'), { json: true })
    .description('record target(s) as applied without running anything')
    .argument('<targets...>', 'head, heads, <rev>, base, ...')
    .option('--purge', 'delete every row of the version table first')
    .option('--create-schema', 'with --schema (or schema targets of a fan-out): create the schema when it does not exist (default: refuse)')
    .action(
      verb((ctx, targets: string[], options: import('./verbs/stamp').StampOptions) =>
        (require('./verbs/stamp') as typeof import('./verbs/stamp')).stamp(ctx, targets, options),
      ),
    );

  program
    .command('accept-edits')
    .description('re-record the checksums of applied revisions whose files were edited (runs nothing)')
    .argument('[revs...]', 'the revisions to accept (default: every edited one)')
    .action(
      verb((ctx, revs: string[]) => (require('./verbs/accept-edits') as typeof import('./verbs/accept-edits')).acceptEditsVerb(ctx, revs)),
    );

  fanoutOptions(program.command('check'))
    .description('graph health for CI: every file readable and its module loadable, no broken link, one head, the lock lint clean (exit 1 otherwise)')
    .option('--headers-only', 'fast: read the file headers only, do not load (compile) the revision modules (no lint)')
    .option('--no-lint', 'leave out the lock lint')
    .addOption(jsonOption())
    .action(
      verb((ctx, options: import('./verbs/check').CheckOptions) =>
        (require('./verbs/check') as typeof import('./verbs/check')).check(ctx, options),
      ),
    );

  program
    .command('lint [range]')
    .description('the lock rules over every revision (or from:to, or one revision): exit 1 on an unacknowledged finding')
    .option('--down', 'also lint down()')
    .option('--all', 'also print acknowledged findings')
    .addOption(jsonOption())
    .action(
      verb((ctx, range: string | undefined, options: import('./verbs/lint').LintVerbOptions) =>
        (require('./verbs/lint') as typeof import('./verbs/lint')).lint(ctx, range, options),
      ),
    );

  program
    .command('test')
    .description('the migration test kit for CI: graph, single head, lint, upgrade from empty, drift, stairway, no trace (exit 1 on failure)')
    .option('--skip <checks...>', 'checks to leave out: graph, single-head, lint, upgrade-from-empty, models-match, stairway, no-trace')
    .addOption(jsonOption())
    .action(
      verb((ctx, options: import('./verbs/test').TestOptions) => (require('./verbs/test') as typeof import('./verbs/test')).test(ctx, options)),
    );

  return program;
}

/** This package's version, from its package.json (found from the running file, compiled or not). */
function packageVersion(): string {
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'mikro-orm-alembic' && pkg.version) return pkg.version;
    }
    dir = dirname(dir);
  }
  return '0.0.0';
}
