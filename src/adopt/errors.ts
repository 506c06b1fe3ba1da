import { AlembicError } from '../errors';

/**
 * The typed errors of `adopt/` (taking over a MikroORM migrations folder and its history). Every one
 * has a stable `code`; none is thrown after anything was changed (adopt checks everything before it
 * writes, and the history is taken in one transaction that is rolled back on refusal).
 */

/**
 * `adopt` was run while MikroORM's own `Migrator` is still in the config's `extensions`. Code
 * `ADOPT_OLD_MIGRATOR`.
 *
 * @example
 * ```ts
 * if (e instanceof AdoptOldMigratorError) console.error(e.message); // ...replace extensions: [Migrator] by extensions: [alembic()]
 * ```
 */
export class AdoptOldMigratorError extends AlembicError {
  constructor(readonly configFile: string | null) {
    super(
      'ADOPT_OLD_MIGRATOR',
      `${configFile ?? 'The MikroORM config'} still registers MikroORM's Migrator (extensions: [Migrator]); replace it by ` +
        'alembic() from mikro-orm-alembic (keep the migrations options as they are), then run adopt again. Nothing was changed.',
    );
  }
}

/**
 * A file of the MikroORM migrations folder is not something adopt can take over: no exported class
 * that extends MikroORM's `Migration`, no `up()`, a MikroORM helper the plugin cannot provide
 * (`this.getEntityManager()`, `this.driver`, ...), or a file name adopt would overwrite. `file` and
 * `line` (1-based, or `null`) say where. Code `ADOPT_MIGRATION_REFUSED`.
 *
 * @example
 * ```ts
 * if (e instanceof AdoptMigrationError) console.error(`${e.file}:${e.line ?? ''}`, e.message);
 * ```
 */
export class AdoptMigrationError extends AlembicError {
  constructor(
    readonly file: string,
    readonly line: number | null,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super('ADOPT_MIGRATION_REFUSED', `${file}${line === null ? '' : `:${line}`}: ${detail}. Nothing was changed.`, options);
  }
}

/**
 * The folder cannot be adopted as a whole (it was partly adopted and a MikroORM migration sorts before
 * an adopted one, `@mikro-orm/migrations` is not installed, ...). Code `ADOPT_FOLDER`.
 *
 * @example
 * ```ts
 * if (e instanceof AdoptFolderError) console.error(e.message);
 * ```
 */
export class AdoptFolderError extends AlembicError {
  constructor(detail: string, options?: { cause?: unknown }) {
    super('ADOPT_FOLDER', `${detail}. Nothing was changed.`, options);
  }
}

/**
 * MikroORM's history table of a database does not match the adopted revisions: a migration recorded
 * there has no adopted revision (or its original file is gone), a MikroORM migration file was not
 * adopted, or a later migration is recorded while an earlier one is not (a gap). The version table is
 * not created and nothing is recorded. Code `ADOPT_HISTORY_MISMATCH`; the lists name the migrations.
 *
 * @example
 * ```ts
 * if (e instanceof AdoptHistoryError) console.error(e.unknown, e.unadopted, e.gaps);
 * ```
 */
export class AdoptHistoryError extends AlembicError {
  constructor(
    /** The history table (`public.mikro_orm_migrations`). */
    readonly table: string,
    /** Names recorded in the table with no adopted revision or no original file. */
    readonly unknown: readonly string[],
    /** MikroORM migration files (in the originals folder) with no adopted revision. */
    readonly unadopted: readonly string[],
    /** `{ missing, before }`: `missing` is not recorded although `before`, a later one, is. */
    readonly gaps: readonly { readonly missing: string; readonly before: string }[],
  ) {
    const lines: string[] = [];
    if (unknown.length > 0) lines.push(`recorded in ${table} but no adopted revision or original file: ${unknown.join(', ')}`);
    if (unadopted.length > 0) lines.push(`MikroORM migration files that were not adopted (run adopt again): ${unadopted.join(', ')}`);
    for (const gap of gaps) lines.push(`gap: ${gap.missing} is not recorded in ${table} although the later ${gap.before} is`);
    super(
      'ADOPT_HISTORY_MISMATCH',
      `Cannot take the applied migrations from ${table}:\n  ${lines.join('\n  ')}\n` +
        'Nothing was changed (the version table was not created).',
    );
  }
}
