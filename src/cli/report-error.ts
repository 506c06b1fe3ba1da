import { AlembicError } from '../errors';
import { CliUsageError } from './errors';
import type { Output } from './output';

/** The bin's exit codes. */
export const EXIT = Object.freeze({
  /** The command did what it was asked. */
  OK: 0,
  /** The operation failed (a broken graph, an unknown target, a failing revision, a lock timeout, ...). */
  FAILED: 1,
  /** The command line is wrong (unknown option or verb, missing argument, invalid target syntax). */
  USAGE: 2,
  /** Branches to merge do not commute: they touch common objects, or `merge --verify` found a difference (docs/merges.md). */
  BRANCHES_CONFLICT: 3,
  /** Branches to merge are not proven to commute: some revision's effect cannot be known statically (docs/merges.md). */
  BRANCHES_UNKNOWN: 4,
});

/** Codes of errors about branches that do not (or may not) commute, and their exit codes. */
const BRANCH_CODES: Record<string, number> = {
  BRANCHES_OVERLAP: EXIT.BRANCHES_CONFLICT,
  BRANCHES_DO_NOT_COMMUTE: EXIT.BRANCHES_CONFLICT,
  BRANCHES_UNKNOWN: EXIT.BRANCHES_UNKNOWN,
};

/** Graph codes that are about the target's syntax, not about the revisions. */
const USAGE_CODES = new Set(['CLI_USAGE', 'INVALID_TARGET', 'INVALID_SCHEMA_NAME']);

const HINTS: Record<string, string> = {
  MULTIPLE_HEADS:
    'see them with `mikro-orm-alembic heads`; `upgrade heads` applies every head, `<label>@head` picks one branch, ' +
    'and `merge heads -m "merge"` joins them into one head',
  HEAD_REQUIRED: 'pass --head <rev> to choose the parent, or join the heads first with `mikro-orm-alembic merge heads -m "merge"`',
  UNKNOWN_REVISION: '`mikro-orm-alembic history` lists the revisions and `heads` the heads',
  AMBIGUOUS_PREFIX: 'type more characters of the id',
  SCRIPT_DIRECTORY_MISSING: 'create it with `mikro-orm-alembic init`, or point the bin at it with --path or package.json "mikro-orm-alembic": { "path": ... }',
  LOCK_TIMEOUT: 'another migration holds the lock: wait for it to finish, or raise --lock-timeout',
  SCHEMA_NOT_FOUND: 'check the --schema name (it is used verbatim: case and spaces count), or add --create-schema to upgrade to create it',
  CONNECTION_FAILED: 'check clientUrl (or host, port, user, password, dbName) in the MikroORM config, or pass --url',
  INVALID_CONNECTION:
    'write it as postgres://USER:PASSWORD@HOST:PORT/DATABASE, percent-encoding @ : / ? # % in the user and password ' +
    "(encodeURIComponent), e.g. postgres://app:p%40ss@db:5432/app; sslmode is one of disable, allow, prefer, require, verify-ca, verify-full",
  NOT_A_HEAD: 'pass --splice to start a branch from a revision that is not a head',
  CLI_CHECK_MODULES: 'upgrade would fail on these files: fix them (`check --headers-only` checks the graph alone, without loading modules)',
  BRANCHES_OVERLAP:
    'order may matter: `merge --verify` applies both orders on throw-away databases and compares the schemas; `merge --force` writes the merge anyway (docs/merges.md)',
  BRANCHES_UNKNOWN:
    '`merge --verify` applies both orders on throw-away databases and compares the schemas; `merge --force` writes the merge anyway (docs/merges.md)',
  BRANCHES_DO_NOT_COMMUTE: 'the two orders give different schemas (listed above): make the branches agree, or `merge --force` to write the merge anyway (docs/merges.md)',
  CLI_NOT_AT_HEAD: 'upgrade the database to the head first (`mikro-orm-alembic upgrade head`), or pass --head for the revision it is at',
};

/**
 * `upgrade` and `stamp` create a missing database, as MikroORM's `migration:up` does (its
 * `ensureDatabase`); the other commands (and a config with `ensureDatabase: false`) do not, and the
 * hint says so.
 */
const MISSING_DATABASE_HINT =
  'upgrade and stamp create a missing database, as npx mikro-orm migration:up does, unless the config sets ensureDatabase: false; ' +
  'other commands read an existing one: run upgrade first, create it (createdb), or point --url / clientUrl at one that exists';

/** A connection refused because the database does not exist (PostgreSQL's 3D000). */
function isMissingDatabase(error: AlembicError): boolean {
  const cause = (error as { cause?: unknown }).cause;
  return error.code === 'CONNECTION_FAILED' && typeof cause === 'object' && cause !== null && (cause as { code?: unknown }).code === '3D000';
}

/**
 * The exit code for an error: 2 for a bad command line ({@link CliUsageError}, a target the graph
 * finds syntactically invalid), 3 for branches that do not commute, 4 for branches not proven to
 * commute, 1 for everything else.
 *
 * @example
 * ```ts
 * exitCodeOf(new CliUsageError('bad')); // 2
 * ```
 */
export function exitCodeOf(error: unknown): number {
  if (error instanceof AlembicError && BRANCH_CODES[error.code] !== undefined) return BRANCH_CODES[error.code];
  return error instanceof AlembicError && USAGE_CODES.has(error.code) ? EXIT.USAGE : EXIT.FAILED;
}

/**
 * Prints an error for people (`error: <message>`, then a hint when there is one; the stack only
 * with `MIKRO_ORM_ALEMBIC_DEBUG=1` or for errors that are not ours) and returns the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = reportError(error, output);
 * ```
 */
export function reportError(error: unknown, output: Output): number {
  const debug = process.env.MIKRO_ORM_ALEMBIC_DEBUG === '1';
  if (error instanceof AlembicError) {
    const hint = error instanceof CliUsageError ? (error.hint ?? 'see --help') : isMissingDatabase(error) ? MISSING_DATABASE_HINT : (HINTS[error.code] ?? null);
    output.error(error.message, hint);
    if (debug && error.stack) output.note(error.stack);
  } else if (error instanceof Error) {
    output.error(error.message);
    if (debug) output.note(error.stack ?? '');
    else output.note('(set MIKRO_ORM_ALEMBIC_DEBUG=1 to see where it came from)');
  } else {
    output.error(String(error));
  }
  return exitCodeOf(error);
}
