import { analyzeStatement, type StatementAnalysis } from '../sqlparse/analyze-statement';
import { blocksWrites } from '../sqlparse/lock-modes';
import type { ParsedStatement } from '../sqlparse/parse-sql';
import { relationText, type RelationName, type SchemaChange } from '../sqlparse/schema-change';
import type { LintCode } from './lint-rules';

/** A rule that fired on one statement. */
export interface StatementFinding {
  readonly code: LintCode;
  /** The statement, as parsed. */
  readonly statement: ParsedStatement;
  /** What exactly, in one sentence (names the table and column). */
  readonly message: string;
  /** The table (or index) it is about, as the statement names it. */
  readonly relation: string | null;
}

/** Options of {@link lintStatements}. */
export interface LintStatementsOptions {
  /**
   * The statements run through this project's runner, which puts every statement under
   * `lock_timeout` (with retries): `LOCK_TIMEOUT_MISSING` does not apply. Default `true`; `false` for
   * SQL run by other means (psql, another tool) or with the runner's statement lock timeout off.
   */
  readonly runnerLockTimeout?: boolean;
  /** The statements start inside a transaction block. Default `false` (explicit `BEGIN` statements open one). */
  readonly inTransaction?: boolean;
}

/**
 * Runs the lint's rules over the statements of one revision (or one script), in order. Tables that
 * an earlier statement of the same list creates are exempt (they are empty and nobody uses them yet),
 * and so are indexes it creates. `BEGIN`/`COMMIT` statements track whether a statement runs inside a
 * transaction block; a `set lock_timeout` satisfies `LOCK_TIMEOUT_MISSING`. A `set not null` after a
 * validated `check (col is not null)` on the same column is the safe form and is not reported.
 *
 * @example
 * ```ts
 * const findings = lintStatements(await parseSql('create index "ix" on "post" ("title")'));
 * findings[0].code; // 'BLOCKING_INDEX_BUILD'
 * ```
 */
export function lintStatements(statements: readonly ParsedStatement[], options: LintStatementsOptions = {}): StatementFinding[] {
  const state = new LintState(options.inTransaction ?? false);
  const findings: StatementFinding[] = [];
  let timeoutReported = false;
  for (const statement of statements) {
    const analysis = analyzeStatement(statement);
    const add = (code: LintCode, message: string, relation: RelationName | null): void => {
      findings.push(Object.freeze({ code, statement, message, relation: relation === null ? null : relationText(relation) }));
    };
    for (const change of analysis.changes) ruleChange(change, analysis, state, add);
    if ((options.runnerLockTimeout ?? true) === false && !state.lockTimeout && !timeoutReported) {
      const blocking = analysis.locks.find((l) => blocksWrites(l.mode) && !state.created(l.relation));
      if (blocking) {
        timeoutReported = true;
        add('LOCK_TIMEOUT_MISSING', `${relationText(blocking.relation)} is locked (${blocking.mode}) with no lock_timeout set before`, blocking.relation);
      }
    }
    state.after(analysis);
  }
  return findings;
}

class LintState {
  private readonly tables: RelationName[] = [];
  private readonly indexes: RelationName[] = [];
  /** `table column` pairs proven not null by a validated check. */
  private readonly provenNotNull = new Set<string>();
  /** Not-valid checks `table constraint` → column they prove once validated. */
  private readonly pendingChecks = new Map<string, string>();
  lockTimeout = false;

  constructor(public inTransaction: boolean) {}

  created(relation: RelationName): boolean {
    return this.tables.some((t) => sameRelation(t, relation));
  }

  createdIndex(relation: RelationName): boolean {
    return this.indexes.some((t) => sameRelation(t, relation));
  }

  notNullProven(table: RelationName, column: string): boolean {
    return this.provenNotNull.has(`${table.name} ${column}`);
  }

  after(analysis: StatementAnalysis): void {
    for (const change of analysis.changes) {
      switch (change.kind) {
        case 'createTable':
          this.tables.push(change.table);
          break;
        case 'createIndex':
          if (change.index !== null) this.indexes.push({ schema: change.table.schema, name: change.index });
          break;
        case 'renameTable':
          if (this.created(change.table)) this.tables.push({ schema: change.table.schema, name: change.to });
          break;
        case 'addCheck':
          if (change.notNullOf !== null) {
            if (change.notValid && change.constraint !== null) this.pendingChecks.set(`${change.table.name} ${change.constraint}`, change.notNullOf);
            else if (!change.notValid) this.provenNotNull.add(`${change.table.name} ${change.notNullOf}`);
          }
          break;
        case 'validateConstraint': {
          const column = this.pendingChecks.get(`${change.table.name} ${change.constraint}`);
          if (column !== undefined) this.provenNotNull.add(`${change.table.name} ${column}`);
          break;
        }
        case 'transaction':
          if (change.action === 'begin') this.inTransaction = true;
          else if (change.action === 'commit' || change.action === 'rollback') this.inTransaction = false;
          break;
        case 'setting':
          if (change.name === 'lock_timeout') this.lockTimeout = change.value !== null && change.value !== '0';
          break;
      }
    }
  }
}

type Add = (code: LintCode, message: string, relation: RelationName | null) => void;

function ruleChange(change: SchemaChange, analysis: StatementAnalysis, state: LintState, add: Add): void {
  if (analysis.concurrent && state.inTransaction) {
    add('CONCURRENT_IN_TRANSACTION', 'runs inside a transaction block, where PostgreSQL refuses CONCURRENTLY', null);
    return;
  }
  switch (change.kind) {
    case 'createIndex':
      if (!change.concurrent && !state.created(change.table)) {
        add('BLOCKING_INDEX_BUILD', `builds ${change.unique ? 'unique ' : ''}index ${change.index ?? '(unnamed)'} on ${relationText(change.table)} while writes wait`, change.table);
      }
      break;
    case 'dropIndex':
      if (!change.concurrent && !state.createdIndex(change.index)) add('BLOCKING_INDEX_DROP', `drops index ${relationText(change.index)} under ACCESS EXCLUSIVE`, change.index);
      break;
    case 'addForeignKey':
      if (!change.notValid && !state.created(change.table)) {
        add('VALIDATING_FOREIGN_KEY', `adds foreign key${named(change.constraint)} on ${relationText(change.table)} → ${relationText(change.referenced)} and validates it at once`, change.table);
      }
      break;
    case 'addCheck':
      if (!change.notValid && !state.created(change.table)) add('VALIDATING_CHECK', `adds check${named(change.constraint)} on ${relationText(change.table)} and validates it at once`, change.table);
      break;
    case 'setNotNull':
      if (!state.created(change.table) && !state.notNullProven(change.table, change.column)) {
        add('NOT_NULL_SCAN', `makes ${relationText(change.table)}.${change.column} not null, checking every row under ACCESS EXCLUSIVE`, change.table);
      }
      break;
    case 'addColumn': {
      if (state.created(change.table)) break;
      const column = `${relationText(change.table)}.${change.column}`;
      if (change.notNull && change.defaultKind === 'none' && !change.generatedStored) add('REQUIRED_COLUMN', `adds ${column} not null without a default`, change.table);
      if (change.defaultKind === 'volatile' || change.generatedStored) add('VOLATILE_DEFAULT', `adds ${column} with a value computed per row: the table is rewritten`, change.table);
      else if (change.defaultKind === 'unknown') add('VOLATILE_DEFAULT', `adds ${column} with a default that calls a function: the table is rewritten if it is volatile`, change.table);
      if (change.inlineConstraints.includes('foreign')) add('VALIDATING_FOREIGN_KEY', `adds ${column} with an inline foreign key, validated at once`, change.table);
      if (change.inlineConstraints.includes('check')) add('VALIDATING_CHECK', `adds ${column} with an inline check, validated at once`, change.table);
      if (change.inlineConstraints.includes('unique') || change.inlineConstraints.includes('primary')) {
        add('BLOCKING_UNIQUE_CONSTRAINT', `adds ${column} with an inline unique or primary key constraint, built in place`, change.table);
      }
      break;
    }
    case 'addUnique':
      if (change.usingIndex === null && !state.created(change.table)) {
        const what = change.primary ? 'primary key' : change.exclusion ? 'exclusion constraint' : 'unique constraint';
        add('BLOCKING_UNIQUE_CONSTRAINT', `adds ${what}${named(change.constraint)} on ${relationText(change.table)}, building its index in place`, change.table);
      }
      break;
    case 'alterColumnType':
      if (!state.created(change.table)) add('COLUMN_TYPE_REWRITE', `changes the type of ${relationText(change.table)}.${change.column} to ${change.type}`, change.table);
      break;
    case 'renameColumn':
      if (!state.created(change.table)) add('RENAME_COLUMN', `renames ${relationText(change.table)}.${change.from} to ${change.to}`, change.table);
      break;
    case 'renameTable':
      if (!state.created(change.table)) add('RENAME_TABLE', `renames ${relationText(change.table)} to ${change.to}`, change.table);
      break;
    default:
      break;
  }
}

/** Same name, and the same schema unless one of them leaves it to the search path. */
function sameRelation(a: RelationName, b: RelationName): boolean {
  return a.name === b.name && (a.schema === b.schema || a.schema === null || b.schema === null);
}

function named(name: string | null): string {
  return name === null ? '' : ` ${name}`;
}
