import { AlembicError } from '../errors';

/**
 * The typed errors of the bin (`npx mikro-orm-alembic`). Every one has a stable `code`; the exit
 * code the bin uses for it is decided by `exitCodeOf` (2 for {@link CliUsageError}, 1 otherwise).
 */

/**
 * The command line itself is wrong: an invalid target syntax, a range where none is allowed, an
 * invalid option value. Code `CLI_USAGE`; the bin exits with 2.
 *
 * @example
 * ```ts
 * throw new CliUsageError(`'a b' is not a valid target`, 'targets look like head, heads, base, <id>, -1, label@head');
 * ```
 */
export class CliUsageError extends AlembicError {
  /** A line telling what would be right, or `null`. */
  readonly hint: string | null;

  constructor(message: string, hint: string | null = null) {
    super('CLI_USAGE', message);
    this.hint = hint;
  }
}

/**
 * The MikroORM config could not be found or loaded (no file on the search paths, the module threw,
 * no driver, an unknown context). Code `CLI_CONFIG`; `cause` is the original error when there is one.
 *
 * @example
 * ```ts
 * try {
 *   await loadOrmConfig(settings, { configPaths: ['./missing.config.js'] });
 * } catch (e) {
 *   if (e instanceof ConfigLoadError) console.error(e.message, e.searched);
 * }
 * ```
 */
export class ConfigLoadError extends AlembicError {
  /** The paths that were searched, as given (empty when a file was found but failed). */
  readonly searched: readonly string[];

  constructor(message: string, searched: readonly string[] = [], options?: { cause?: unknown }) {
    super('CLI_CONFIG', message, options);
    this.searched = Object.freeze([...searched]);
  }
}

/**
 * A command needs a database but none is configured: no MikroORM config was found and no `--url`
 * was given. Code `CLI_NO_CONNECTION`.
 *
 * @example
 * ```ts
 * if (e instanceof NoConnectionError) console.error('pass --url or add mikro-orm.config.ts');
 * ```
 */
export class NoConnectionError extends AlembicError {
  constructor(detail: string) {
    super(
      'CLI_NO_CONNECTION',
      `No database is configured (${detail}). Add a mikro-orm.config.ts (or .js) with clientUrl or dbName, ` +
        'pass --config <file>, or pass --url postgres://...',
    );
  }
}

/**
 * `check` found the revision graph unhealthy: several heads. (A broken graph fails earlier with the
 * graph's or the script layer's own error.) Code `CLI_CHECK_FAILED`.
 *
 * @example
 * ```ts
 * if (e instanceof CheckFailedError) console.error(e.heads);
 * ```
 */
export class CheckFailedError extends AlembicError {
  readonly heads: readonly string[];

  constructor(heads: readonly string[]) {
    super(
      'CLI_CHECK_FAILED',
      `The revision graph has ${heads.length === 0 ? 'no head' : `${heads.length} heads (${heads.join(', ')})`}; ` +
        (heads.length === 0 ? 'create a first revision with `revision -m "..."`' : 'join them with `merge heads -m "merge"`'),
    );
    this.heads = Object.freeze([...heads]);
  }
}

/**
 * `init` would scaffold into a folder that already holds revision files. Code `CLI_INIT_NOT_EMPTY`.
 *
 * @example
 * ```ts
 * if (e instanceof InitNotEmptyError) console.error(e.folder);
 * ```
 */
export class InitNotEmptyError extends AlembicError {
  readonly folder: string;

  constructor(folder: string, count: number) {
    super('CLI_INIT_NOT_EMPTY', `The folder ${folder} already exists and holds ${count} revision file(s); init only scaffolds a new folder`);
    this.folder = folder;
  }
}
