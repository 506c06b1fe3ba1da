import { AlembicError } from '../errors';

/**
 * The typed errors of the `script/` layer (revision files: reading, loading, writing, running).
 *
 * Every error has a stable `code`. Errors about a file carry `file` (the path as shown, relative to
 * the working directory when inside it) and `line` (1-based, or `null` when the whole file is meant),
 * and their message starts with `file:line: `.
 */

/**
 * Something is wrong in one revision file. The base of the file-located errors below.
 *
 * @example
 * ```ts
 * try {
 *   ScriptDirectory.read({ path: 'migrations' });
 * } catch (e) {
 *   if (e instanceof ScriptFileError) console.error(e.file, e.line, e.code);
 * }
 * ```
 */
export class ScriptFileError extends AlembicError {
  /** The file, as shown in the message. */
  readonly file: string;
  /** The 1-based line, or `null` when the whole file is meant. */
  readonly line: number | null;

  constructor(code: string, file: string, line: number | null, detail: string, options?: { cause?: unknown }) {
    super(code, `${file}${line === null ? '' : `:${line}`}: ${detail}`, options);
    this.file = file;
    this.line = line;
  }
}

/**
 * The reader could not read a revision's identifying fields: a syntax it does not accept, a missing
 * `revision`/`downRevision` field, an invalid id, an unterminated string or comment. Code `SCRIPT_PARSE`.
 *
 * @example
 * ```ts
 * try {
 *   readRevisionHeader(`export class A extends Revision {}`, 'migrations/a.ts');
 * } catch (e) {
 *   if (e instanceof ScriptParseError) console.error(e.message); // migrations/a.ts:1: no `revision` field ...
 * }
 * ```
 */
export class ScriptParseError extends ScriptFileError {
  constructor(file: string, line: number | null, detail: string) {
    super('SCRIPT_PARSE', file, line, detail);
  }
}

/**
 * A field's value is not a literal the reader can take without running the file
 * (e.g. `downRevision = previous.revision`). Code `SCRIPT_NOT_A_LITERAL`.
 *
 * @example
 * ```ts
 * // override readonly downRevision = PREVIOUS;  ->  migrations/x.ts:12: downRevision must be a literal ...
 * if (e instanceof ScriptNotALiteralError) console.error(e.field);
 * ```
 */
export class ScriptNotALiteralError extends ScriptFileError {
  /** The field: `revision`, `downRevision`, `branchLabels`, `dependsOn` or `transactional`. */
  readonly field: string;

  constructor(file: string, line: number, field: string, expected: string) {
    super('SCRIPT_NOT_A_LITERAL', file, line, `${field} must be a literal (${expected}), so that it can be read without running the file`);
    this.field = field;
  }
}

/**
 * A field is declared twice in one file. Code `SCRIPT_DUPLICATE_FIELD`; the message names both lines.
 *
 * @example
 * ```ts
 * if (e instanceof ScriptDuplicateFieldError) console.error(e.field, e.firstLine, e.line);
 * ```
 */
export class ScriptDuplicateFieldError extends ScriptFileError {
  readonly field: string;
  /** The line of the first declaration (`line` is the second one). */
  readonly firstLine: number;

  constructor(file: string, line: number, field: string, firstLine: number) {
    super('SCRIPT_DUPLICATE_FIELD', file, line, `${field} is declared twice (first on line ${firstLine}, again on line ${line})`);
    this.field = field;
    this.firstLine = firstLine;
  }
}

/**
 * The header comment (`Revision ID:`, `Revises:`) disagrees with the class's fields, which are the
 * source of truth. Code `SCRIPT_HEADER_MISMATCH`.
 *
 * @example
 * ```ts
 * // " * Revision ID: aaaaaaaaaaaa" but "revision = 'bbbbbbbbbbbb'"
 * if (e instanceof ScriptHeaderMismatchError) console.error(e.message);
 * ```
 */
export class ScriptHeaderMismatchError extends ScriptFileError {
  constructor(file: string, line: number, detail: string) {
    super('SCRIPT_HEADER_MISMATCH', file, line, detail);
  }
}

/**
 * The loaded module's revision class has field values other than those the reader read from the
 * file text (e.g. computed at run time). Code `SCRIPT_MODULE_MISMATCH`.
 *
 * @example
 * ```ts
 * if (e instanceof ScriptModuleMismatchError) console.error(e.field);
 * ```
 */
export class ScriptModuleMismatchError extends ScriptFileError {
  readonly field: string;

  constructor(file: string, field: string, fromText: unknown, fromModule: unknown) {
    super(
      'SCRIPT_MODULE_MISMATCH',
      file,
      null,
      `the loaded class has ${field} = ${JSON.stringify(fromModule)}, but the file text declares ${JSON.stringify(fromText)}; ` +
        'declare the fields as literals and do not change them at run time',
    );
    this.field = field;
  }
}

/**
 * A revision module exports no class extending `Revision` (or several, none or all of which match
 * the file's `revision` id). Code `SCRIPT_NO_CLASS`.
 *
 * @example
 * ```ts
 * if (e instanceof NoRevisionClassError) console.error(e.file);
 * ```
 */
export class NoRevisionClassError extends ScriptFileError {
  constructor(file: string, detail: string) {
    super('SCRIPT_NO_CLASS', file, null, detail);
  }
}

/**
 * A `.ts` revision must run but no TypeScript loader is registered in this process.
 * Code `SCRIPT_TS_LOADER_MISSING`.
 *
 * @example
 * ```ts
 * // run through ts-node (node -r ts-node/register ...), or point `path` at the compiled .js folder
 * if (e instanceof TsLoaderMissingError) console.error(e.message);
 * ```
 */
export class TsLoaderMissingError extends ScriptFileError {
  constructor(file: string, options?: { cause?: unknown }) {
    super(
      'SCRIPT_TS_LOADER_MISSING',
      file,
      null,
      'cannot load a .ts revision: no TypeScript loader is registered in this process. ' +
        'Run through ts-node (e.g. `node -r ts-node/register`, or the MikroORM CLI with ts-node), ' +
        'or use the compiled .js migrations folder (`path` instead of `pathTs`)',
      options,
    );
  }
}

/**
 * Requiring a revision module threw (syntax error, a missing import, ...). Code `SCRIPT_LOAD`;
 * `cause` is the original error.
 *
 * @example
 * ```ts
 * if (e instanceof ScriptLoadError) console.error(e.message, e.cause);
 * ```
 */
export class ScriptLoadError extends ScriptFileError {
  constructor(file: string, cause: unknown) {
    super('SCRIPT_LOAD', file, null, `cannot load the revision module: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
  }
}

/**
 * The migrations folder does not exist. Code `SCRIPT_DIRECTORY_MISSING`.
 *
 * @example
 * ```ts
 * if (e instanceof ScriptDirectoryMissingError) console.error(e.folder);
 * ```
 */
export class ScriptDirectoryMissingError extends AlembicError {
  readonly folder: string;

  constructor(folder: string) {
    super('SCRIPT_DIRECTORY_MISSING', `The migrations folder ${folder} does not exist`);
    this.folder = folder;
  }
}

/**
 * Writing a revision would overwrite a file, or reuse an id that a file in the folder already has.
 * Code `REVISION_EXISTS`.
 *
 * @example
 * ```ts
 * if (e instanceof RevisionExistsError) console.error(e.file);
 * ```
 */
export class RevisionExistsError extends AlembicError {
  /** The existing file. */
  readonly file: string;

  constructor(file: string, detail: string) {
    super('REVISION_EXISTS', `${file}: ${detail}`);
    this.file = file;
  }
}

/**
 * A revision file whose id or branch label is a word the target syntax reserves (`base`, `head`,
 * `heads`), or a label that reads as a relative step (`v-2`): it could never be named in a target.
 * Code `SCRIPT_RESERVED_NAME`; the message names the file and line.
 *
 * @example
 * ```ts
 * if (e instanceof ScriptReservedNameError) console.error(e.file, e.line, e.reserved);
 * ```
 */
export class ScriptReservedNameError extends ScriptFileError {
  /** The reserved id or label. */
  readonly reserved: string;

  constructor(file: string, line: number | null, reserved: string, detail: string) {
    super('SCRIPT_RESERVED_NAME', file, line, detail);
    this.reserved = reserved;
  }
}

/**
 * A new revision's id or branch label is a word the target syntax reserves (`base`, `head`, `heads`),
 * or a label that reads as a relative step. Code `RESERVED_NAME`.
 *
 * @example
 * ```ts
 * writeRevision({ directory, heads, message: 'x', revId: 'head' }); // throws ReservedNameError
 * ```
 */
export class ReservedNameError extends AlembicError {
  /** The reserved id or label. */
  readonly reserved: string;

  constructor(reserved: string, detail: string) {
    super('RESERVED_NAME', detail);
    this.reserved = reserved;
  }
}

/**
 * A revision id that is not made of `[0-9A-Za-z_]`. Code `INVALID_REVISION_ID`.
 *
 * @example
 * ```ts
 * if (e instanceof InvalidRevisionIdError) console.error(e.id);
 * ```
 */
export class InvalidRevisionIdError extends AlembicError {
  readonly id: string;

  constructor(id: string) {
    super('INVALID_REVISION_ID', `Invalid revision id ${JSON.stringify(id)}: use letters, digits and _ only`);
    this.id = id;
  }
}

/**
 * A new revision would branch from a revision that is not a head, without `splice: true`;
 * or a merge names a revision that is not a head. Code `NOT_A_HEAD`.
 *
 * @example
 * ```ts
 * // writeRevision({ ..., head: 'ae1027a6acf', heads: ['27c6a30d7c24'], splice: true }) to branch on purpose
 * if (e instanceof NotAHeadError) console.error(e.revision, e.heads);
 * ```
 */
export class NotAHeadError extends AlembicError {
  readonly revision: string;
  readonly heads: readonly string[];

  constructor(revision: string, heads: readonly string[], hint: string) {
    super('NOT_A_HEAD', `Revision ${revision} is not a head (heads: ${listOrNone(heads)}); ${hint}`);
    this.revision = revision;
    this.heads = Object.freeze([...heads]);
  }
}

/**
 * There are several heads and no `head` was given for a new revision. Code `HEAD_REQUIRED`.
 *
 * @example
 * ```ts
 * if (e instanceof HeadRequiredError) console.error(e.heads); // choose one, or merge them first
 * ```
 */
export class HeadRequiredError extends AlembicError {
  readonly heads: readonly string[];

  constructor(heads: readonly string[]) {
    super(
      'HEAD_REQUIRED',
      `There are several heads (${heads.join(', ')}): pass the head to build on, or merge them first (merge ${heads.join(' ')})`,
    );
    this.heads = Object.freeze([...heads]);
  }
}

/**
 * A merge needs at least two distinct revisions. Code `NOTHING_TO_MERGE`.
 *
 * @example
 * ```ts
 * if (e instanceof NothingToMergeError) console.error(e.revisions);
 * ```
 */
export class NothingToMergeError extends AlembicError {
  readonly revisions: readonly string[];

  constructor(revisions: readonly string[]) {
    super('NOTHING_TO_MERGE', `Nothing to merge: a merge needs at least two heads, got ${listOrNone(revisions)}`);
    this.revisions = Object.freeze([...revisions]);
  }
}

/**
 * `down()` was run on a revision that does not implement it. Code `IRREVERSIBLE`.
 *
 * @example
 * ```ts
 * if (e instanceof IrreversibleRevisionError) console.error(`cannot downgrade past ${e.revision}`);
 * ```
 */
export class IrreversibleRevisionError extends AlembicError {
  readonly revision: string;

  constructor(revision: string) {
    super('IRREVERSIBLE', `Revision ${revision} is irreversible: it does not implement down()`);
    this.revision = revision;
  }
}

/**
 * A statement of a revision failed. Code `REVISION_STATEMENT_FAILED`; the message has PostgreSQL's
 * message and the statement, `cause` is the driver's error.
 *
 * @example
 * ```ts
 * if (e instanceof RevisionStatementError) console.error(e.revision, e.sql, (e.cause as { code?: string }).code);
 * ```
 */
export class RevisionStatementError extends AlembicError {
  readonly revision: string;
  readonly direction: 'up' | 'down';
  /** The full SQL text of the failing statement. */
  readonly sql: string;
  /** Its parameters, if any. */
  readonly params: readonly unknown[] | undefined;

  constructor(revision: string, direction: 'up' | 'down', sql: string, params: readonly unknown[] | undefined, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super('REVISION_STATEMENT_FAILED', `Revision ${revision} ${direction}(): ${reason}\n  statement: ${shorten(sql)}`, { cause });
    this.revision = revision;
    this.direction = direction;
    this.sql = sql;
    this.params = params;
  }
}

/**
 * `execute()` (which returns rows) was used while rendering offline SQL: a revision that reads data
 * cannot be rendered offline. Code `REVISION_OFFLINE_EXECUTE`.
 *
 * @example
 * ```ts
 * // use this.addSql(...) for statements whose result is not needed
 * if (e instanceof OfflineExecuteError) console.error(e.revision);
 * ```
 */
export class OfflineExecuteError extends AlembicError {
  readonly revision: string;
  readonly sql: string;

  constructor(revision: string, sql: string) {
    super(
      'REVISION_OFFLINE_EXECUTE',
      `Revision ${revision} reads data with execute(), so it cannot be rendered as offline SQL ` +
        `(use addSql() for statements whose result is not needed): ${shorten(sql)}`,
    );
    this.revision = revision;
    this.sql = sql;
  }
}

/**
 * `addSql()`, `execute()` or `outsideTransaction()` was called when the revision is not being run
 * by `runRevision` (or a revision instance was run twice at once). Code `REVISION_NOT_RUNNING`.
 *
 * @example
 * ```ts
 * await runRevision(new AddUserRole(), 'up', ctx); // not: new AddUserRole().up()
 * ```
 */
export class RevisionNotRunningError extends AlembicError {
  readonly revision: string;

  constructor(revision: string, detail: string) {
    super('REVISION_NOT_RUNNING', `Revision ${revision}: ${detail}`);
    this.revision = revision;
  }
}

/**
 * An enum step of a revision (`this.createEnum(...)`, `this.rebuildEnum(...)`, ...) was given
 * something it cannot turn into SQL: no values, a value listed twice, an empty label, a `map` whose key
 * is not a removed value or whose target is not a kept one, both `before` and `after`. Code
 * `ENUM_STEP_INVALID`; `step` names the helper.
 *
 * @example
 * ```ts
 * try {
 *   this.rebuildEnum('user_role', { from: ['a', 'b'], to: ['a'], columns, map: { b: 'c' } });
 * } catch (e) {
 *   if (e instanceof InvalidEnumStepError) console.error(e.step, e.message); // rebuildEnum map: 'c' is not a value the type keeps
 * }
 * ```
 */
export class InvalidEnumStepError extends AlembicError {
  /** The helper that refused (`rebuildEnum`, `addEnumValue`, ...). */
  readonly step: string;

  constructor(step: string, detail: string) {
    super('ENUM_STEP_INVALID', `${step}: ${detail}`);
    this.step = step;
  }
}

function listOrNone(items: readonly string[]): string {
  return items.length === 0 ? 'none' : items.join(', ');
}

function shorten(sql: string, max = 1000): string {
  const text = sql.trim();
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}
