import { AlembicError } from '../errors';
import type { RecordedHistoryDiagnosis, RecordedHistoryGap } from '../graph/recorded-history';

/** Who holds the migration lock, as far as `pg_locks` / `pg_stat_activity` let us see. */
export interface LockHolder {
  /** Backend process id of the holder. */
  readonly pid: number;
  /** The holder's `application_name`, or `null` when not visible to us or not set. */
  readonly applicationName: string | null;
  /** The holder's role name, or `null` when not visible. */
  readonly userName: string | null;
  /** The holder's client address, or `null` (unix socket, or not visible). */
  readonly clientAddress: string | null;
  /** When the holder's session started, or `null` when not visible. */
  readonly backendStart: Date | null;
}

/** Renders holders for messages: `pid 123 (mikro-orm-alembic)`. */
export function describeHolders(holders: readonly LockHolder[]): string {
  if (holders.length === 0) return 'an unknown session (not visible in pg_locks)';
  return holders
    .map((h) => `pid ${h.pid}${h.applicationName ? ` (application_name "${h.applicationName}")` : ''}`)
    .join(', ');
}

/**
 * Another session holding a lock on a table of the database, as `pg_locks` / `pg_stat_activity` show
 * it when a revision's statement gave up waiting for a lock (`lock_timeout`, SQLSTATE 55P03).
 */
export interface RelationLockHolder {
  /** Backend process id of the session. */
  readonly pid: number;
  /** Its `application_name`, or `null` when not set or not visible to us. */
  readonly applicationName: string | null;
  /** `active`, `idle in transaction`, ... or `null` when not visible. */
  readonly state: string | null;
  /** How long its transaction has been open, in milliseconds, or `null` (no transaction, or not visible). */
  readonly transactionMs: number | null;
  /** Its last (or current) statement, shortened, or `null` when not visible. */
  readonly query: string | null;
  /** The table locks it holds: `AccessShareLock on public.widget`. */
  readonly locks: readonly string[];
}

/**
 * Renders table-lock holders for messages, one per line.
 *
 * @example
 * ```ts
 * if (e instanceof RevisionFailedError) console.error(describeRelationLockHolders(e.lockHolders).join('\n'));
 * // pid 4242 (application_name "nightly-report", idle in transaction for 12.3 s, last statement: select …) holds AccessShareLock on widget
 * ```
 */
export function describeRelationLockHolders(holders: readonly RelationLockHolder[]): string[] {
  return holders.map((h) => {
    const facts = [
      h.applicationName ? `application_name "${h.applicationName}"` : null,
      h.state ? `${h.state}${h.transactionMs !== null ? ` for ${(h.transactionMs / 1000).toFixed(1)} s` : ''}` : null,
      h.query ? `last statement: ${abbreviate(h.query, 120).replace(/\s+/g, ' ')}` : null,
    ].filter((f): f is string => f !== null);
    return `pid ${h.pid}${facts.length > 0 ? ` (${facts.join(', ')})` : ''} holds ${h.locks.join(', ')}`;
  });
}

/**
 * A revision's `up()`/`down()` failed; everything it did inside its transaction was rolled back,
 * and every revision before it stays applied and recorded.
 *
 * Code `REVISION_FAILED`. The message names the revision, its file, the failing statement and
 * PostgreSQL's message; `cause` is the original error.
 *
 * @example
 * ```ts
 * try {
 *   await runtime.upgrade('head');
 * } catch (e) {
 *   if (e instanceof RevisionFailedError) console.error(e.revision, e.file, e.statement, e.pgCode);
 * }
 * ```
 */
export class RevisionFailedError extends AlembicError {
  /** The failing revision's id. */
  readonly revision: string;
  /** The failing revision's file (path as the source reports it), or `null` if unknown. */
  readonly file: string | null;
  /** Whether `up()` or `down()` was running. */
  readonly direction: 'up' | 'down';
  /** The SQL statement that failed, or `null` when the failure was not in a statement. */
  readonly statement: string | null;
  /** PostgreSQL's SQLSTATE (`42P07`, ...), or `null` when the failure did not come from PostgreSQL. */
  readonly pgCode: string | null;
  /** True when the database connection was lost (terminated backend, network): PostgreSQL rolled back. */
  readonly connectionLost: boolean;
  /**
   * True when part of this revision was already committed before it failed (an `autocommit` block,
   * or a non-transactional revision): the database may be partly changed by it.
   */
  readonly partiallyApplied: boolean;
  /** Revisions of the same run that completed (and, per revision, were committed) before this one. */
  readonly completed: readonly string[];
  /**
   * When the statement gave up waiting for a lock (`lock_timeout`, SQLSTATE 55P03): the other sessions
   * that held locks on tables of the database at that moment (the one it waited for is among them).
   * Empty otherwise.
   */
  readonly lockHolders: readonly RelationLockHolder[];

  constructor(init: {
    revision: string;
    file: string | null;
    direction: 'up' | 'down';
    statement: string | null;
    pgCode: string | null;
    pgMessage: string;
    connectionLost: boolean;
    partiallyApplied: boolean;
    completed: readonly string[];
    /** What happened to the revision's work (rolled back, kept, unknown), for the message. */
    rolledBack: string;
    /** The statement gave up waiting for a lock: `lock_timeout` as PostgreSQL shows it, and who held table locks. */
    lockTimeout?: { setting: string | null; holders: readonly RelationLockHolder[]; attempts?: number };
    cause: unknown;
  }) {
    const lines = [
      `Revision ${init.revision}${init.file ? ` (${init.file})` : ''} failed in ${init.direction}(): ${init.pgMessage}` +
        (init.pgCode ? ` [SQLSTATE ${init.pgCode}]` : ''),
    ];
    if (init.statement !== null) lines.push(`  statement: ${abbreviate(init.statement)}`);
    if (init.connectionLost) lines.push('  the connection to PostgreSQL was lost');
    if (init.lockTimeout) {
      const { setting, holders } = init.lockTimeout;
      lines.push(
        `  the statement waited longer than lock_timeout${setting ? ` (${setting})` : ''} for a lock another session holds, and was ` +
          'cancelled rather than make every other query on that table queue behind it' +
          ((init.lockTimeout.attempts ?? 1) > 1 ? ` (${init.lockTimeout.attempts} tries, with waits between them)` : ''),
      );
      if (holders.length === 0) lines.push('  no other session held a table lock any more when this was checked');
      else {
        lines.push('  sessions holding locks on tables of this database:');
        for (const line of describeRelationLockHolders(holders)) lines.push(`    ${line}`);
      }
      lines.push('  start again once those transactions have ended (or give the statement more time: statementLockTimeoutMs)');
    }
    lines.push(`  ${init.rolledBack}`);
    if (init.partiallyApplied) {
      lines.push('  part of this revision had already been committed (autocommit block or non-transactional revision)');
    }
    super('REVISION_FAILED', lines.join('\n'), { cause: init.cause });
    this.revision = init.revision;
    this.file = init.file;
    this.direction = init.direction;
    this.statement = init.statement;
    this.pgCode = init.pgCode;
    this.connectionLost = init.connectionLost;
    this.partiallyApplied = init.partiallyApplied;
    this.completed = Object.freeze([...init.completed]);
    this.lockHolders = Object.freeze([...(init.lockTimeout?.holders ?? [])]);
  }
}

/**
 * The migration lock was not obtained within `lockTimeoutMs`. Code `LOCK_TIMEOUT`.
 *
 * @example
 * ```ts
 * try {
 *   await runtime.upgrade('head');
 * } catch (e) {
 *   if (e instanceof LockTimeoutError) console.error(`held by ${e.holders.map((h) => h.pid)}`);
 * }
 * ```
 */
export class LockTimeoutError extends AlembicError {
  /** The sessions holding the lock when we gave up (may be empty if it was released meanwhile). */
  readonly holders: readonly LockHolder[];
  /** How long we waited, in milliseconds. */
  readonly waitedMs: number;

  constructor(lockName: string, waitedMs: number, holders: readonly LockHolder[]) {
    super(
      'LOCK_TIMEOUT',
      `Timed out after ${waitedMs} ms waiting for the migration lock on ${lockName}; it is held by ${describeHolders(holders)}`,
    );
    this.holders = Object.freeze([...holders]);
    this.waitedMs = waitedMs;
  }
}

/**
 * The connection failed while waiting for the migration lock (terminated by `pg_terminate_backend`, a
 * server restart or failover, a network cut): nothing was applied, because nothing runs before the
 * lock is held. Code `LOCK_WAIT_INTERRUPTED`; `cause` is the driver's error.
 *
 * @example
 * ```ts
 * try {
 *   await runtime.upgrade('head');
 * } catch (e) {
 *   if (e instanceof LockWaitInterruptedError) console.error(`retry: ${e.message}`);
 * }
 * ```
 */
export class LockWaitInterruptedError extends AlembicError {
  /** A readable name of what was locked (the version table). */
  readonly lock: string;
  /** Who held the lock when the wait began. */
  readonly holders: readonly LockHolder[];
  /** PostgreSQL's SQLSTATE (`57P01` for a terminated backend), or `null` when the connection just broke. */
  readonly pgCode: string | null;
  /** How long it had waited, in milliseconds. */
  readonly waitedMs: number;

  constructor(lock: string, holders: readonly LockHolder[], waitedMs: number, cause: unknown) {
    const code = (cause as { code?: unknown })?.code;
    const pgCode = typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : null;
    super(
      'LOCK_WAIT_INTERRUPTED',
      `The connection failed after ${waitedMs} ms while waiting for the migration lock on ${lock} (held by ${describeHolders(holders)}): ` +
        `${cause instanceof Error ? cause.message : String(cause)}${pgCode ? ` [SQLSTATE ${pgCode}]` : ''}. ` +
        'Nothing was applied: no revision runs before the lock is held. Run the command again.',
      { cause },
    );
    this.lock = lock;
    this.holders = Object.freeze([...holders]);
    this.pgCode = pgCode;
    this.waitedMs = waitedMs;
  }
}

/**
 * A revision recorded in the version table has no file any more. Code `REVISION_FILE_MISSING`.
 *
 * @example
 * ```ts
 * try {
 *   await runtime.upgrade('head');
 * } catch (e) {
 *   if (e instanceof MissingRevisionFileError) console.error(e.revisions);
 * }
 * ```
 */
export class MissingRevisionFileError extends AlembicError {
  /** The applied revision ids that have no file. */
  readonly revisions: readonly string[];

  constructor(missing: readonly { id: string; fileName: string | null }[], table: string) {
    const list = missing.map((m) => (m.fileName ? `${m.id} (applied from ${m.fileName})` : m.id)).join(', ');
    super(
      'REVISION_FILE_MISSING',
      `The database has applied revision(s) ${list}, recorded in ${table}, but no revision file with ` +
        `${missing.length === 1 ? 'that id' : 'those ids'} exists. Restore the file(s), or repair the ` +
        'version table with stamp (purge) if the history was rewritten on purpose.',
    );
    this.revisions = Object.freeze(missing.map((m) => m.id));
  }
}

/**
 * The version table contradicts the revision graph: a recorded revision whose ancestor (down revision
 * or dependency) is not recorded, e.g. a row deleted by hand or a restore from a partial backup. Every
 * writing command (upgrade, downgrade, `migration:up`/`down`, upgrade on init) refuses before it runs
 * anything, because what it would run cannot be trusted; `stamp` stays allowed, since it is the repair.
 * Code `INCONSISTENT_HISTORY`. The message shows the recorded rows, what is inconsistent and the exact
 * `stamp` command that records the missing ancestors ({@link repairCommand}).
 *
 * @example
 * ```ts
 * try {
 *   await runtime.downgrade('-1');
 * } catch (e) {
 *   if (e instanceof RecordedHistoryError) console.error(e.gaps, e.repairCommand);
 * }
 * ```
 */
export class RecordedHistoryError extends AlembicError {
  /** The version table, as `schema.name`. */
  readonly table: string;
  /** The recorded heads with unrecorded ancestors, and those ancestors. */
  readonly gaps: readonly RecordedHistoryGap[];
  /** The revisions to stamp (their ancestry is then recorded, nothing removed). */
  readonly stampTargets: readonly string[];
  /** The command that repairs the table: `npx mikro-orm-alembic stamp <heads>`. */
  readonly repairCommand: string;

  constructor(table: string, diagnosis: RecordedHistoryDiagnosis, rows: readonly AppliedRevisionRow[]) {
    super('INCONSISTENT_HISTORY', describeRecordedHistory(table, diagnosis, rows, 'refused'));
    this.table = table;
    this.gaps = diagnosis.gaps;
    this.stampTargets = diagnosis.heads;
    this.repairCommand = stampCommand(diagnosis);
  }
}

/** What a version-table row needs for {@link describeRecordedHistory}. */
export interface AppliedRevisionRow {
  readonly id: string;
  readonly appliedAt: Date;
  readonly durationMs: number | null;
  readonly fileName: string | null;
}

/** `npx mikro-orm-alembic stamp <heads>` for a diagnosis (`stamp base` when nothing known is recorded). */
export function stampCommand(diagnosis: RecordedHistoryDiagnosis): string {
  return `npx mikro-orm-alembic stamp ${diagnosis.heads.length === 0 ? 'base' : diagnosis.heads.join(' ')}`;
}

/**
 * The diagnosis of a version table that contradicts the graph, as the error (`refused`) or as the
 * warning of a read-only command (`read`): the gaps, the recorded rows, and the repair.
 */
export function describeRecordedHistory(
  table: string,
  diagnosis: RecordedHistoryDiagnosis,
  rows: readonly AppliedRevisionRow[],
  mode: 'refused' | 'read',
): string {
  const lines = [
    mode === 'refused'
      ? `The version table ${table} contradicts the revision graph, so nothing was run and nothing was changed:`
      : `The version table ${table} contradicts the revision graph; upgrade and downgrade refuse to run until it is repaired:`,
  ];
  for (const gap of diagnosis.gaps) {
    const n = gap.missing.length;
    lines.push(`  ${gap.revision} is recorded as applied, but its ancestor${n > 1 ? 's' : ''} ${gap.missing.join(', ')} ${n > 1 ? 'are' : 'is'} not`);
  }
  lines.push('Recorded rows (oldest first):');
  for (const row of rows) {
    const took = row.durationMs === null ? 'stamped' : `${row.durationMs} ms`;
    lines.push(`  ${row.id}  ${row.appliedAt.toISOString()}  ${took}${row.fileName ? `  ${row.fileName}` : ''}`);
  }
  const missing = diagnosis.unrecorded;
  const many = missing.length > 1;
  lines.push(
    `If ${missing.join(', ')} ${many ? 'are' : 'is'} in fact applied (${many ? 'their rows were' : 'its row was'} deleted or lost), ` +
      'record the missing rows without running anything (with the same --config/--url options as this command):',
    `  ${stampCommand(diagnosis)}`,
    `If the changes of ${missing.join(', ')} are really missing from the database, restore the database from a backup ` +
      `(or apply ${many ? 'their' : 'its'} up() by hand) before that stamp.`,
  );
  return lines.join('\n');
}

/** One applied revision whose file changed after it was applied. */
export interface ChecksumMismatch {
  readonly id: string;
  readonly file: string | null;
  /** sha256 recorded when it was applied. */
  readonly recorded: string;
  /** sha256 of the file now. */
  readonly current: string;
}

/**
 * With `strict: true`: an applied revision's file was edited after it was applied (what it does
 * differs from what was recorded; see `revisionChecksum`). Code `REVISION_EDITED`. Without `strict`
 * this is a warning. The message says what to do: restore the file, or accept the new content with
 * `npx mikro-orm-alembic accept-edits <rev>` (`MigrationRuntime.acceptEdits`).
 *
 * @example
 * ```ts
 * try {
 *   await runtime.upgrade('head');
 * } catch (e) {
 *   if (e instanceof RevisionEditedError) console.error(e.mismatches.map((m) => m.id));
 * }
 * ```
 */
export class RevisionEditedError extends AlembicError {
  readonly mismatches: readonly ChecksumMismatch[];

  constructor(mismatches: readonly ChecksumMismatch[]) {
    super('REVISION_EDITED', mismatches.map(describeMismatch).join('\n'));
    this.mismatches = Object.freeze([...mismatches]);
  }
}

/** The message for one edited revision (also used for the non-strict warning). */
export function describeMismatch(m: ChecksumMismatch): string {
  return (
    `Revision ${m.id}${m.file ? ` (${m.file})` : ''} was edited after it was applied: what it does is not what was applied ` +
    `(checksum now ${m.current}, recorded ${m.recorded}). Restore the file as it was applied (e.g. \`git checkout\` it), ` +
    `or, if the database should be taken to have the new content, record it with \`npx mikro-orm-alembic accept-edits ${m.id}\` ` +
    '(runs nothing; see docs/checksums.md)'
  );
}

/**
 * A revision asked for query results while rendering offline SQL, where there are none.
 * Code `OFFLINE_RESULT_USED`.
 *
 * @example
 * ```ts
 * // inside a revision: guard data-dependent code
 * if (!ctx.offline) {
 *   const rows = await ctx.query('select id from users');
 * }
 * ```
 */
export class OfflineResultError extends AlembicError {
  readonly revision: string;
  readonly statement: string;

  constructor(revision: string, statement: string) {
    super(
      'OFFLINE_RESULT_USED',
      `Revision ${revision} used the result of a query while rendering offline SQL, where no database is ` +
        `connected (check ctx.offline): ${abbreviate(statement)}`,
    );
    this.revision = revision;
    this.statement = statement;
  }
}

/**
 * A revision cannot run inside the single transaction of `transactionMode: 'all'` (it is
 * non-transactional, or it opened an autocommit block). Code `AUTOCOMMIT_IN_TRANSACTION`.
 *
 * @example
 * ```ts
 * // use per-revision transactions for plans with non-transactional revisions
 * new MigrationRuntime({ ...options, transactionMode: 'per-revision' });
 * ```
 */
export class AutocommitInTransactionError extends AlembicError {
  readonly revision: string;

  constructor(revision: string, what: string) {
    super(
      'AUTOCOMMIT_IN_TRANSACTION',
      `Revision ${revision} ${what}, which cannot run inside the single transaction of transactionMode 'all'; ` +
        `use transactionMode 'per-revision'`,
    );
    this.revision = revision;
  }
}

/**
 * The plan names a revision the source does not have. Code `REVISION_NOT_IN_SOURCE`.
 *
 * @example
 * ```ts
 * // source.scripts must hold every id the graph was built from
 * ```
 */
export class RevisionNotInSourceError extends AlembicError {
  readonly revision: string;

  constructor(revision: string) {
    super('REVISION_NOT_IN_SOURCE', `Revision ${revision} is in the plan but not in the revision source`);
    this.revision = revision;
  }
}

/**
 * The version table exists but does not have the columns this runtime writes (another tool's table of
 * the same name, or an incompatible version). Code `VERSION_TABLE_INVALID`.
 *
 * @example
 * ```ts
 * // choose another table: new MigrationRuntime({ ...options, versionTable: { name: 'my_versions' } })
 * if (e instanceof VersionTableInvalidError) console.error(e.table);
 * ```
 */
export class VersionTableInvalidError extends AlembicError {
  readonly table: string;

  constructor(table: string, cause: unknown) {
    super(
      'VERSION_TABLE_INVALID',
      `The version table ${table} exists but is not a mikro-orm-alembic version table ` +
        `(${cause instanceof Error ? cause.message : String(cause)}); configure another versionTable name`,
      { cause },
    );
    this.table = table;
  }
}

/**
 * The database could not be reached (refused, unknown host, bad password, missing database).
 * Code `CONNECTION_FAILED`; the message names the server and database, never the password.
 *
 * @example
 * ```ts
 * try {
 *   await runtime.current();
 * } catch (e) {
 *   if (e instanceof ConnectionFailedError) console.error(e.target, (e.cause as Error).message);
 * }
 * ```
 */
export class ConnectionFailedError extends AlembicError {
  /** `host:port/database` as configured. */
  readonly target: string;

  /** @param ssl e.g. `sslmode=require, from --url`, shown beside the target */
  constructor(target: string, cause: unknown, ssl?: string) {
    const how = ssl === undefined ? '' : ` (${ssl})`;
    super('CONNECTION_FAILED', `Cannot connect to PostgreSQL at ${target}${how}: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.target = target;
  }
}

/**
 * Connection settings that cannot be used as given: a malformed URL (`--url`, `clientUrl`,
 * `DATABASE_URL`, a `connectionString`), an unknown `sslmode`, an unreadable certificate file. Code
 * `INVALID_CONNECTION`; the message names where the settings came from (`source`) and never shows
 * the value itself (it may hold a password). Nothing was connected.
 *
 * @example
 * ```ts
 * try {
 *   await runtime.upgrade('head');
 * } catch (e) {
 *   if (e instanceof InvalidConnectionError) console.error(`fix ${e.source}: ${e.message}`);
 * }
 * ```
 */
export class InvalidConnectionError extends AlembicError {
  /** Where the settings came from, e.g. `--url` or `clientUrl of the MikroORM config`. */
  readonly source: string;

  constructor(source: string, message: string) {
    super('INVALID_CONNECTION', message);
    this.source = source;
  }
}

/** Shortens long SQL for messages (the full text stays on the error's `statement`). */
export function abbreviate(sql: string, max = 2000): string {
  const oneLine = sql.trim();
  return oneLine.length > max ? `${oneLine.slice(0, max)}… (${oneLine.length} chars)` : oneLine;
}

/**
 * Schema-per-tenant: the schema to migrate does not exist in the database. Code `SCHEMA_NOT_FOUND`.
 * Nothing was changed (no lock taken, no version table created). Create the schema first, or ask for
 * it to be created (`createSchema: true`, `--create-schema`).
 *
 * @example
 * ```ts
 * try {
 *   await env.runtime(url, { schema: 'tenant_42' }).upgrade('head');
 * } catch (e) {
 *   if (e instanceof SchemaNotFoundError) console.error(`no schema ${e.schema}`);
 * }
 * ```
 */
export class SchemaNotFoundError extends AlembicError {
  /** The schema, verbatim. */
  readonly schema: string;

  constructor(schema: string) {
    super(
      'SCHEMA_NOT_FOUND',
      `The schema ${JSON.stringify(schema)} does not exist in this database; nothing was changed. ` +
        'Create it first, or pass createSchema: true (--create-schema) to create it on upgrade',
    );
    this.schema = schema;
  }
}

/**
 * Schema-per-tenant: a schema name PostgreSQL cannot store as given (empty, a NUL character, longer
 * than 63 bytes). Code `INVALID_SCHEMA_NAME`.
 *
 * @example
 * ```ts
 * new MigrationRuntime({ connection, graph, source, schema: '' }); // throws InvalidSchemaNameError
 * ```
 */
export class InvalidSchemaNameError extends AlembicError {
  /** The name as given. */
  readonly schema: string;

  constructor(schema: string, reason: string) {
    super('INVALID_SCHEMA_NAME', `The schema name ${JSON.stringify(schema)} cannot be used: ${reason}`);
    this.schema = schema;
  }
}
