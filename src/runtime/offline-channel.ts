import type { SqlChannel } from './sql-channel';
import { inlineParams, terminateStatement } from './sql-text';

/**
 * A {@link SqlChannel} that writes an SQL script instead of executing: each statement becomes a line
 * ending in `;` (parameters inlined as quoted literals), `begin()` writes `BEGIN;` (deferred to the next
 * statement, like the online channel, so an empty transaction writes nothing), `commit(statements)`
 * writes the statements and `COMMIT;`. Queries return no rows.
 *
 * @example
 * ```ts
 * const channel = new OfflineChannel();
 * await channel.begin();
 * await channel.query('insert into t (name) values ($1)', ["O'Brien"]);
 * await channel.commit();
 * channel.text(); // "BEGIN;\ninsert into t (name) values ('O''Brien');\nCOMMIT;\n"
 * ```
 */
export class OfflineChannel implements SqlChannel {
  readonly offline = true;
  readonly broken = false;
  private open = false;
  private pendingBegin = false;
  /** The script's lines since the last chunk. */
  private lines: string[] = [];
  /** Lines joined a few thousand at a time: long runs keep a few flat strings, not a line object per statement. */
  private readonly chunks: string[] = [];

  get inTransaction(): boolean {
    return this.open;
  }

  async query(sql: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]> {
    this.flushBegin();
    this.push(terminateStatement(inlineParams(sql, params ?? [])));
    return [];
  }

  async begin(): Promise<void> {
    if (this.open) throw new Error('A transaction is already open on this channel');
    this.open = true;
    this.pendingBegin = true;
  }

  async batch(statements: readonly string[]): Promise<Record<string, unknown>[]> {
    this.write(statements);
    return [];
  }

  async commit(statements: readonly string[] = []): Promise<void> {
    if (!this.open) throw new Error('No transaction is open on this channel');
    this.open = false;
    if (this.pendingBegin && statements.length === 0) {
      this.pendingBegin = false;
      return;
    }
    this.write(statements);
    this.push('COMMIT;');
  }

  async rollback(): Promise<void> {
    this.open = false;
    this.pendingBegin = false;
  }

  private flushBegin(): void {
    if (!this.pendingBegin) return;
    this.pendingBegin = false;
    this.push('BEGIN;');
  }

  private write(statements: readonly string[]): void {
    if (statements.length > 0) this.flushBegin();
    for (const sql of statements) this.push(terminateStatement(sql));
  }

  private push(line: string): void {
    if (this.lines.push(line) === CHUNK_LINES) {
      this.chunks.push(this.lines.join('\n'));
      this.lines = [];
    }
  }

  /** Adds an SQL comment line (`-- text`; each line of `text` commented). */
  comment(text: string): void {
    if (!text.includes('\n')) this.push(text.length > 0 ? `-- ${text}` : '--');
    else for (const line of text.split('\n')) this.push(line.length > 0 ? `-- ${line}` : '--');
  }

  /** Adds an empty line. */
  blank(): void {
    this.push('');
  }

  /** The script so far, ending with a newline (one flat string: a script of megabytes is not copied again to be written). */
  text(): string {
    if (this.chunks.length === 0 && this.lines.length === 0) return '';
    const parts = [...this.chunks];
    if (this.lines.length > 0) parts.push(this.lines.join('\n'));
    parts.push(''); // the final newline, in the same flat string
    return parts.join('\n');
  }
}

/** Lines per joined chunk of {@link OfflineChannel}'s script. */
const CHUNK_LINES = 4096;
