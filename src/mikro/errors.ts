import { AlembicError } from '../errors';

/**
 * `migration:create` (autogenerate) needs the database at head: the new revision's down revision is
 * the head, and its steps are the difference between the entities and the database, so every
 * revision must be applied first. Code `NOT_AT_HEAD`. `pending` lists the revisions to apply, in
 * order.
 *
 * @example
 * ```ts
 * try {
 *   await orm.migrator.createMigration();
 * } catch (e) {
 *   if (e instanceof DatabaseNotAtHeadError) console.error(`run migration:up first: ${e.pending.join(', ')}`);
 * }
 * ```
 */
export class DatabaseNotAtHeadError extends AlembicError {
  /** The revisions not applied yet, in upgrade order. */
  readonly pending: readonly string[];
  /** The database's current heads (empty: nothing applied). */
  readonly current: readonly string[];

  constructor(action: string, pending: readonly { id: string; message: string }[], current: readonly string[]) {
    const list = pending.map((p) => (p.message ? `${p.id} (${firstLine(p.message)})` : p.id)).join(', ');
    super(
      'NOT_AT_HEAD',
      `${action} needs the database at head, but ${pending.length} revision${pending.length === 1 ? ' is' : 's are'} ` +
        `not applied: ${list}. Run migration:up (or upgrade) first.`,
    );
    this.pending = Object.freeze(pending.map((p) => p.id));
    this.current = Object.freeze([...current]);
  }
}

/** The environment variable that names the head `migration:create` builds on when there are several. */
export const CREATE_HEAD_VARIABLE = 'MIKRO_ORM_ALEMBIC_HEAD';

/**
 * A new revision must build on one head, and there are several: merge them first (the bin's
 * `merge`), or name the head (`createRevision({ head })`). Code `MULTIPLE_HEADS`.
 *
 * @example
 * ```ts
 * try {
 *   await orm.migrator.createMigration();
 * } catch (e) {
 *   if (e instanceof MultipleHeadsError) console.error(e.heads);
 * }
 * ```
 */
export class MultipleHeadsError extends AlembicError {
  readonly heads: readonly string[];

  constructor(heads: readonly string[]) {
    super(
      'MULTIPLE_HEADS',
      `The revisions have ${heads.length} heads (${heads.join(', ')}): a new revision needs one. ` +
        `Merge them first (npx mikro-orm-alembic merge heads -m "merge"), or name the head to build on: ` +
        `${CREATE_HEAD_VARIABLE}=<rev> npx mikro-orm migration:create, createRevision({ head }), or npx mikro-orm-alembic revision --autogenerate --head <rev>.`,
    );
    this.heads = Object.freeze([...heads]);
  }
}

/**
 * An option of MikroORM's migrator API that has no meaning for a revision graph (e.g. `transaction`,
 * or `--only` naming revisions that cannot run alone). Code `UNSUPPORTED_MIGRATE_OPTION`.
 *
 * @example
 * ```ts
 * await orm.migrator.up({ migrations: ['1a2b3c4d5e6f'] }); // throws when 1a2b3c4d5e6f's parent is not applied
 * ```
 */
export class UnsupportedMigrateOptionError extends AlembicError {
  readonly option: string;

  constructor(option: string, message: string) {
    super('UNSUPPORTED_MIGRATE_OPTION', message);
    this.option = option;
  }
}

/**
 * A name given where MikroORM names one migration (`up('x')`, `down('x')`, `{ migrations: [...] }`,
 * `--only`) is not the id, the file name (with or without extension) nor the listed name of any
 * revision. Nothing ran. Code `UNKNOWN_MIGRATION`.
 *
 * @example
 * ```ts
 * await orm.migrator.down('base'); // throws: 'base' is an Alembic target, pass it as { to: 'base' }
 * ```
 */
export class UnknownMigrationError extends AlembicError {
  /** The name as given. */
  readonly migration: string;
  /** Where it was given (`up`, `down`, `migrations`). */
  readonly option: string;

  constructor(name: string, option: string, hint: string) {
    super('UNKNOWN_MIGRATION', `No migration is named '${name}' (${option}). ${hint}`);
    this.migration = name;
    this.option = option;
  }
}

/**
 * `--from` (`{ from }`) is a precondition here: the database must be exactly at `from` before the
 * run. It is not. Code `FROM_MISMATCH`.
 *
 * @example
 * ```ts
 * await orm.migrator.up({ from: 'ae1027a6acf5', to: 'head' }); // throws unless the current heads are exactly ae1027a6acf5
 * ```
 */
export class FromMismatchError extends AlembicError {
  readonly expected: readonly string[];
  readonly current: readonly string[];

  constructor(from: string, expected: readonly string[], current: readonly string[]) {
    super(
      'FROM_MISMATCH',
      `--from ${from} means the database must be at ${expected.length ? expected.join(', ') : 'base'}, ` +
        `but it is at ${current.length ? current.join(', ') : 'base (nothing applied)'}.`,
    );
    this.expected = Object.freeze([...expected]);
    this.current = Object.freeze([...current]);
  }
}

/**
 * `createMigration(..., initial = true)` when revisions already exist (as MikroORM refuses an
 * initial migration once migrations exist). Code `INITIAL_EXISTS`.
 *
 * @example
 * ```ts
 * await orm.migrator.createInitialMigration(); // throws when migrations/ already has revisions
 * ```
 */
export class InitialRevisionExistsError extends AlembicError {
  constructor(count: number) {
    super(
      'INITIAL_EXISTS',
      `An initial revision cannot be created: ${count} revision${count === 1 ? '' : 's'} already exist. ` +
        'Run migration:create without --initial (or stamp an existing schema with the bin).',
    );
  }
}

/**
 * `createInitialMigration()` (`migration:create --initial`) on a database that has some of the
 * entities' tables but not all: the initial revision can neither be run (the tables exist) nor be
 * recorded as applied (the others do not). MikroORM's migrator refuses the same. Nothing was
 * written. Code `INITIAL_SCHEMA_PARTIAL`.
 *
 * @example
 * ```ts
 * try {
 *   await orm.migrator.createInitialMigration();
 * } catch (e) {
 *   if (e instanceof InitialSchemaPartialError) console.error(e.existing, e.missing);
 * }
 * ```
 */
export class InitialSchemaPartialError extends AlembicError {
  readonly existing: readonly string[];
  readonly missing: readonly string[];

  constructor(existing: readonly string[], missing: readonly string[]) {
    super(
      'INITIAL_SCHEMA_PARTIAL',
      `An initial revision needs either none or all of the entities' tables, but the database has ${existing.length} ` +
        `(${existing.join(', ')}) and lacks ${missing.length} (${missing.join(', ')}). Remove the existing tables, or create ` +
        'the missing ones and try again; or write a baseline (npx mikro-orm-alembic revision --autogenerate --baseline) and stamp it yourself.',
    );
    this.existing = Object.freeze([...existing]);
    this.missing = Object.freeze([...missing]);
  }
}

/**
 * `migration:check` with revisions pending could not build the head schema in a scratch database
 * (the role may not `CREATE DATABASE`). Code `CHECK_NEEDS_HEAD`.
 *
 * @example
 * ```ts
 * try {
 *   await orm.migrator.checkMigrationNeeded();
 * } catch (e) {
 *   if (e instanceof CheckNeedsHeadError) console.error(e.pending);
 * }
 * ```
 */
export class CheckNeedsHeadError extends AlembicError {
  readonly pending: readonly string[];

  constructor(pending: readonly string[], cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      'CHECK_NEEDS_HEAD',
      `${pending.length} revision${pending.length === 1 ? ' is' : 's are'} not applied (${pending.join(', ')}), and the ` +
        `head schema could not be built in a scratch database to compare the entities with (${reason}). ` +
        'Run migration:up first, or let the role create databases.',
      { cause },
    );
    this.pending = Object.freeze([...pending]);
  }
}

/**
 * The ORM's migrator is not this plugin's (the extension is not in `extensions`, or another
 * extension registered `@mikro-orm/migrator` after it). Code `NOT_REGISTERED`.
 *
 * @example
 * ```ts
 * const migrator = alembicMigrator(orm); // throws NotRegisteredError without `extensions: [alembic()]`
 * ```
 */
export class NotRegisteredError extends AlembicError {
  constructor(found: string) {
    super(
      'NOT_REGISTERED',
      `orm.migrator is ${found}, not the mikro-orm-alembic migrator: add extensions: [alembic({ ... })] to the MikroORM config.`,
    );
  }
}

/**
 * `upgradeOnInit: { tenants: true }` without a `tenants` function in the plugin's options: there is
 * nothing to say which tenants to upgrade. Code `UPGRADE_ON_INIT_NO_TENANTS`; nothing was upgraded.
 *
 * @example
 * ```ts
 * alembic({ upgradeOnInit: { tenants: true }, tenants: async () => ['tenant_a', 'tenant_b'] }); // both are needed
 * ```
 */
export class UpgradeOnInitTenantsError extends AlembicError {
  constructor() {
    super(
      'UPGRADE_ON_INIT_NO_TENANTS',
      'upgradeOnInit asks for every tenant ({ tenants: true }), but alembic() has no tenants function: ' +
        'add tenants: async () => [...schema names] to the plugin options, or upgrade one tenant with upgradeOnInit: { schema }',
    );
  }
}

function firstLine(text: string): string {
  return text.split(/\r?\n/, 1)[0];
}
