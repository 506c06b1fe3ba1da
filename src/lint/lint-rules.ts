/**
 * The lint's rules: a stable code each, what it finds, the safe alternative, and the squawk rule that
 * finds the same thing (squawk is the reference linter for PostgreSQL migrations; the test
 * `test/lint/squawk-parity.test.ts` runs both on the same corpus).
 */
export interface LintRule {
  /** The stable code (what a revision acknowledges). */
  readonly code: string;
  /** What the rule finds, in one line. */
  readonly title: string;
  /** The safe way, in one or two sentences. */
  readonly alternative: string;
  /** The squawk rule(s) that report the same statements, if any. */
  readonly squawk: readonly string[];
}

const rules = [
  {
    code: 'BLOCKING_INDEX_BUILD',
    title: 'create index without concurrently on an existing table: writes wait (SHARE lock) for the whole build',
    alternative: 'create index concurrently, outside the transaction (this.outsideTransaction), after dropping an INVALID leftover of an interrupted build',
    squawk: ['require-concurrent-index-creation'],
  },
  {
    code: 'BLOCKING_INDEX_DROP',
    title: 'drop index without concurrently: reads and writes wait (ACCESS EXCLUSIVE lock)',
    alternative: 'drop index concurrently, outside the transaction (this.outsideTransaction)',
    squawk: ['require-concurrent-index-deletion'],
  },
  {
    code: 'VALIDATING_FOREIGN_KEY',
    title: 'foreign key added with validation: both tables refuse writes (SHARE ROW EXCLUSIVE) while every row is checked',
    alternative: 'add constraint ... not valid, then validate constraint in a later transaction (SHARE UPDATE EXCLUSIVE: writes go on)',
    squawk: ['adding-foreign-key-constraint'],
  },
  {
    code: 'VALIDATING_CHECK',
    title: 'check constraint added with validation: reads and writes wait (ACCESS EXCLUSIVE) while every row is checked',
    alternative: 'add constraint ... check (...) not valid, then validate constraint in a later transaction',
    squawk: ['constraint-missing-not-valid'],
  },
  {
    code: 'NOT_NULL_SCAN',
    title: 'set not null on an existing column: reads and writes wait (ACCESS EXCLUSIVE) while every row is checked',
    alternative:
      'add constraint c check (col is not null) not valid; validate constraint c; then set not null (PostgreSQL 12+ skips the scan) and drop c',
    squawk: ['adding-not-nullable-field'],
  },
  {
    code: 'REQUIRED_COLUMN',
    title: 'not null column added without a default to an existing table: fails when the table has rows',
    alternative: 'add it with a constant default, or nullable, backfill, then make it not null the safe way',
    squawk: ['adding-required-field'],
  },
  {
    code: 'BLOCKING_UNIQUE_CONSTRAINT',
    title: 'unique, primary key or exclusion constraint built in place: reads and writes wait (ACCESS EXCLUSIVE) for the index build',
    alternative: 'create unique index concurrently, then add constraint ... unique using index (a short lock)',
    squawk: ['disallowed-unique-constraint', 'adding-serial-primary-key-field'],
  },
  {
    code: 'COLUMN_TYPE_REWRITE',
    title: 'column type change: reads and writes wait (ACCESS EXCLUSIVE) while the table and its indexes are rewritten, unless the types are binary-compatible',
    alternative: 'add a new column, backfill it in batches, switch the application, drop the old column (or accept: a binary-compatible change such as varchar(n) to text does not rewrite)',
    squawk: ['changing-column-type'],
  },
  {
    code: 'VOLATILE_DEFAULT',
    title: 'column added with a volatile default (random(), gen_random_uuid(), nextval, serial, identity, generated stored): reads and writes wait while every row is rewritten',
    alternative: 'add the column without the default (or with a constant one), set the default for new rows, backfill existing rows in batches',
    squawk: ['adding-field-with-default'],
  },
  {
    code: 'RENAME_COLUMN',
    title: 'column rename: code still running with the old name fails at once',
    alternative: 'add the new column, write both, backfill, switch reads, drop the old one (or rename once no deployed code uses the name)',
    squawk: ['renaming-column'],
  },
  {
    code: 'RENAME_TABLE',
    title: 'table rename: code still running with the old name fails at once',
    alternative: 'create a view with the old name over the renamed table until no deployed code uses it, or rename once nothing uses the old name',
    squawk: ['renaming-table'],
  },
  {
    code: 'LOCK_TIMEOUT_MISSING',
    title: 'a statement that takes a lock writers wait for, with no lock_timeout: behind a long transaction every later query on the table queues',
    alternative:
      "keep the runner's statement lock timeout on (the default; every statement then runs under lock_timeout with retries), or set lock_timeout first in SQL that runs without the runner",
    squawk: ['require-lock-timeout'],
  },
  {
    code: 'CONCURRENT_IN_TRANSACTION',
    title: 'a concurrently statement inside a transaction block: PostgreSQL refuses it',
    alternative: 'put it in this.outsideTransaction(...) (or make the revision transactional = false)',
    squawk: ['ban-concurrent-index-creation-in-transaction'],
  },
] as const satisfies readonly LintRule[];

/** Every rule, by code. */
export const LINT_RULES: readonly LintRule[] = Object.freeze(rules.map((r) => Object.freeze(r)));

/** The stable codes of the lint. */
export type LintCode = (typeof rules)[number]['code'];

/** The codes, in the order of {@link LINT_RULES}. */
export const LINT_CODES: readonly LintCode[] = Object.freeze(rules.map((r) => r.code));

/**
 * The rule of a code.
 *
 * @example
 * ```ts
 * lintRule('NOT_NULL_SCAN').alternative; // 'add constraint c check (col is not null) not valid; ...'
 * ```
 */
export function lintRule(code: LintCode): LintRule {
  const rule = LINT_RULES.find((r) => r.code === code);
  if (!rule) throw new TypeError(`unknown lint code ${code}`);
  return rule;
}

/** Whether `code` is one of the lint's codes. */
export function isLintCode(code: string): code is LintCode {
  return (LINT_CODES as readonly string[]).includes(code);
}
