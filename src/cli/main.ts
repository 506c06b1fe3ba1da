#!/usr/bin/env node
/**
 * The bin: `npx mikro-orm-alembic <verb>`. Start-up is kept small (commander and the verb being
 * run, nothing else): `heads` never loads MikroORM, ts-node or pg. Exit codes: 0 success, 1 the
 * operation failed, 2 bad usage, 3 branches that do not commute, 4 branches not proven to commute.
 *
 * @example
 * ```sh
 * npx mikro-orm-alembic heads
 * npx mikro-orm-alembic upgrade head
 * npx ts-node --transpile-only src/cli/main.ts history --graph   # in this repository
 * ```
 */
import { CommanderError } from 'commander';
import { Output } from './output';
import { buildProgram } from './program';
import { EXIT, reportError } from './report-error';

/**
 * Runs the bin with `argv` (as `process.argv`: node, script, then the arguments) and resolves to its
 * exit code; never calls `process.exit`.
 *
 * @example
 * ```ts
 * const code = await runCli(['node', 'mikro-orm-alembic', 'check', '--path', 'migrations']);
 * ```
 */
export async function runCli(argv: readonly string[], io: { stdout?: Output['stdout']; stderr?: Output['stderr']; cwd?: string } = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  let output: Output | undefined;
  const program = buildProgram((color) => (output = new Output(stdout, stderr, { color })), io.cwd ?? process.cwd());
  try {
    await program.parseAsync([...argv]);
    return EXIT.OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and --version exit 0; every other commander error is a bad command line
      return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    return reportError(error, output ?? new Output(stdout, stderr));
  }
}

if (require.main === module) {
  // `mikro-orm-alembic history | head`: the reader went away; that is not an error
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  runCli(process.argv).then(
    (code) => exitOnceWritten(code),
    (error: unknown) => {
      console.error(error);
      process.exitCode = EXIT.FAILED;
    },
  );
}

/**
 * Exits as soon as everything written to stdout and stderr is out. The verb is done (whatever it started
 * was awaited); Node's own teardown of a large heap would only add time (16 ms after `heads` on 20,000
 * revisions). An empty write's callback runs after the writes before it, also where pipes are
 * asynchronous (macOS, Windows).
 */
function exitOnceWritten(code: number): void {
  process.exitCode = code;
  let pending = 2;
  const written = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', written);
  process.stderr.write('', written);
}
