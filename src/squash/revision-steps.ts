import { randomBytes } from 'node:crypto';
import { AlembicError } from '../errors';
import { runRevisions } from '../runtime/revision-runner';
import type { RevisionSource } from '../runtime/revision-source';
import type { SqlChannel } from '../runtime/sql-channel';
import { inlineParams } from '../runtime/sql-text';
import { VersionTable } from '../runtime/version-table';
import { SquashError } from './errors';

/** A stretch of statements run in one transaction (`transactional`) or each on its own, outside any. */
export interface StepBlock {
  readonly transactional: boolean;
  readonly statements: readonly string[];
}

/** What one direction of one revision runs, rendered statically. */
export interface RevisionSteps {
  readonly id: string;
  /** `null`: the revision is irreversible (its `down()` is not implemented). */
  readonly blocks: readonly StepBlock[] | null;
}

/**
 * Renders what a revision's `up()` (or `down()`) runs, as the offline SQL of `upgrade --sql` does
 * (the same runner, parameters inlined as quoted literals), but as data: the statements in order, in
 * blocks that run in a transaction or outside one (a non-transactional revision, an
 * `outsideTransaction` block). The version-table statements are left out. A revision that reads data
 * (`execute()`) cannot be rendered: {@link SquashError} `SQUASH_DYNAMIC_REVISION` names it and its file.
 *
 * @example
 * ```ts
 * const steps = await renderRevisionSteps(env.source, 'ae1027a6acf2', 'up');
 * steps.blocks; // [{ transactional: true, statements: ['create table "user" (...)', ...] }]
 * ```
 */
export async function renderRevisionSteps(source: RevisionSource, id: string, direction: 'up' | 'down'): Promise<RevisionSteps> {
  const marker = `squash_capture_${randomBytes(8).toString('hex')}`;
  const table = new VersionTable({ name: marker });
  const channel = new CaptureChannel(marker);
  try {
    await runRevisions(channel, { direction, revisions: [id], source, table, transactionMode: 'per-revision' });
  } catch (error) {
    const cause = rootCause(error);
    if (direction === 'down' && cause instanceof AlembicError && cause.code === 'IRREVERSIBLE') return Object.freeze({ id, blocks: null });
    if (cause instanceof AlembicError && (cause.code === 'REVISION_OFFLINE_EXECUTE' || cause.code === 'OFFLINE_RESULT_USED')) {
      const file = source.scripts.find((s) => s.id === id)?.path;
      throw new SquashError(
        'SQUASH_DYNAMIC_REVISION',
        `Revision ${id}${file ? ` (${file})` : ''} cannot be squashed: its ${direction}() reads data with execute(), so what it runs is only known ` +
          `against a database (${cause.message}). Squash the runs before and after it instead, or rewrite it with addSql()`,
        [id],
      );
    }
    throw error;
  }
  return Object.freeze({ id, blocks: Object.freeze(channel.blocks()) });
}

/** The error under the runner's `RevisionFailedError`. */
function rootCause(error: unknown): unknown {
  let e = error;
  for (let i = 0; i < 5 && e instanceof AlembicError && e.code === 'REVISION_FAILED' && e.cause !== undefined; i++) e = e.cause;
  return e;
}

/** A channel that keeps the statements it is sent, by transaction, instead of running them. */
class CaptureChannel implements SqlChannel {
  readonly offline = true;
  readonly broken = false;
  inTransaction = false;
  private readonly out: { transactional: boolean; statements: string[] }[] = [];

  constructor(private readonly versionTableName: string) {}

  async query(sql: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]> {
    this.push(params === undefined || params.length === 0 ? sql : inlineParams(sql, params));
    return [];
  }

  async batch(statements: readonly string[]): Promise<Record<string, unknown>[]> {
    for (const sql of statements) this.push(sql);
    return [];
  }

  async begin(): Promise<void> {
    this.inTransaction = true;
  }

  async commit(statements: readonly string[] = []): Promise<void> {
    for (const sql of statements) this.push(sql);
    this.inTransaction = false;
  }

  async rollback(): Promise<void> {
    this.inTransaction = false;
  }

  blocks(): StepBlock[] {
    return this.out.filter((b) => b.statements.length > 0).map((b) => Object.freeze({ transactional: b.transactional, statements: Object.freeze(b.statements) }));
  }

  private push(sql: string): void {
    if (sql.includes(this.versionTableName)) return; // the version row, not the revision's
    const last = this.out[this.out.length - 1];
    if (last !== undefined && last.transactional === this.inTransaction && this.inTransaction) last.statements.push(sql);
    else this.out.push({ transactional: this.inTransaction, statements: [sql] });
  }
}
