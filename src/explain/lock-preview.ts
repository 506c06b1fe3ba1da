import { renderOfflineSql } from '../runtime/offline-sql';
import type { RevisionSource } from '../runtime/revision-source';
import { VersionTable, type Queryable, type VersionTableOptions } from '../runtime/version-table';
import { analyzeStatement } from '../sqlparse/analyze-statement';
import { blocksReads, blocksWrites, type LockMode } from '../sqlparse/lock-modes';
import { parseSql } from '../sqlparse/parse-sql';
import { relationText, type RelationName } from '../sqlparse/schema-change';

/** A relation one statement locks, with its size in the live database (when one was given). */
export interface PreviewLock {
  /** As the statement names it (`post`, `app.post`). */
  readonly relation: string;
  readonly mode: LockMode;
  /** `INSERT`/`UPDATE`/`DELETE` on it wait while the lock is held. */
  readonly blocksWrites: boolean;
  /** Plain `SELECT`s on it wait too (ACCESS EXCLUSIVE). */
  readonly blocksReads: boolean;
  /** The statement reads the whole relation while it holds the lock. */
  readonly scans: boolean;
  /** The statement rewrites every row while it holds the lock. */
  readonly rewrites: boolean;
  /** `pg_class.reltuples` (PostgreSQL's estimate; -1 before the first analyze), or `null` without a database or when it does not exist yet. */
  readonly rows: number | null;
  /** `pg_total_relation_size` (table, indexes, TOAST), or `null`. */
  readonly bytes: number | null;
}

/** One statement of the plan. */
export interface PreviewStatement {
  readonly revision: string;
  readonly file: string | null;
  readonly sql: string;
  /** It runs inside a transaction block (its locks are held until the commit). */
  readonly inTransaction: boolean;
  readonly locks: readonly PreviewLock[];
  /** Relations it creates. */
  readonly creates: readonly string[];
  /** A `DO` block or a function call: what it locks is not known before it runs. */
  readonly opaque: boolean;
}

/** Options of {@link previewLocks}. */
export interface LockPreviewOptions {
  readonly direction?: 'up' | 'down';
  readonly versionTable?: VersionTable | VersionTableOptions;
  /** The live database, for each relation's size; without it, sizes are `null`. Only read. */
  readonly db?: Queryable;
}

/**
 * What each statement of a plan will lock, before anything runs: the revisions are rendered offline
 * (as `upgrade --sql` prints them), parsed with PostgreSQL's parser, and each statement's locks (mode,
 * relation, whether writers or readers wait, scan, rewrite) are listed with, from the live database,
 * each relation's row estimate and total size. The database is only read (`pg_class`).
 *
 * @example
 * ```ts
 * const plan = graph.planUpgrade(heads, 'head');
 * for (const s of await previewLocks(env.source, plan.revisions, { db: channel })) {
 *   console.log(s.revision, s.sql, s.locks.map((l) => `${l.relation} ${l.mode} ${l.rows} rows`));
 * }
 * ```
 */
export async function previewLocks(source: RevisionSource, revisions: readonly string[], options: LockPreviewOptions = {}): Promise<PreviewStatement[]> {
  const table = options.versionTable instanceof VersionTable ? options.versionTable : new VersionTable(options.versionTable);
  const direction = options.direction ?? 'up';
  const files = new Map(source.scripts.map((s) => [s.id, s.path]));
  const out: PreviewStatement[] = [];
  const sizes = new Map<string, { rows: number | null; bytes: number | null }>();
  for (const id of revisions) {
    const sql = await renderOfflineSql({ direction, revisions: [id], headsAfter: [], warnings: [] }, source, { versionTable: table, lock: false });
    let inTransaction = false;
    for (const statement of await parseSql(sql, { origin: `revision ${id} (${direction})` })) {
      const analysis = analyzeStatement(statement);
      const [first] = analysis.changes;
      if (first?.kind === 'transaction') {
        inTransaction = first.action === 'begin';
        continue;
      }
      const relations = [...analysis.locks.map((l) => l.relation), ...analysis.creates];
      if (statement.type === 'CreateSchemaStmt' && statement.node.schemaname === table.schema) continue;
      if (relations.length > 0 && relations.every((r) => r.name === table.name && (r.schema === null || r.schema === table.schema))) continue;
      const scans = new Set(analysis.scans.map(relationText));
      const rewrites = new Set(analysis.rewrites.map(relationText));
      const locks: PreviewLock[] = [];
      for (const lock of analysis.locks) {
        const name = relationText(lock.relation);
        const size = options.db ? await sizeOf(options.db, lock.relation, sizes) : { rows: null, bytes: null };
        locks.push(
          Object.freeze({
            relation: name,
            mode: lock.mode,
            blocksWrites: blocksWrites(lock.mode),
            blocksReads: blocksReads(lock.mode),
            scans: scans.has(name),
            rewrites: rewrites.has(name),
            ...size,
          }),
        );
      }
      out.push(
        Object.freeze({
          revision: id,
          file: files.get(id) ?? null,
          sql: statement.sql,
          inTransaction,
          locks: Object.freeze(locks),
          creates: Object.freeze(analysis.creates.map(relationText)),
          opaque: analysis.changes.some((c) => c.kind === 'opaque'),
        }),
      );
    }
  }
  return out;
}

async function sizeOf(db: Queryable, relation: RelationName, cache: Map<string, { rows: number | null; bytes: number | null }>): Promise<{ rows: number | null; bytes: number | null }> {
  const key = relationText(relation);
  const known = cache.get(key);
  if (known) return known;
  const quoted = relation.schema === null ? quote(relation.name) : `${quote(relation.schema)}.${quote(relation.name)}`;
  const [row] = await db.query(
    'select c.reltuples::float8 as rows, pg_total_relation_size(c.oid)::float8 as bytes from pg_class c where c.oid = to_regclass($1)',
    [quoted],
  );
  const size = row ? { rows: Number(row.rows), bytes: Number(row.bytes) } : { rows: null, bytes: null };
  cache.set(key, size);
  return size;
}

function quote(name: string): string {
  return `"${name.split('"').join('""')}"`;
}

/**
 * The preview as lines for a terminal: per revision, each statement, then one line per lock.
 *
 * @example
 * ```ts
 * console.log(formatLockPreview(await previewLocks(source, ids, { db })).join('\n'));
 * // 1a2b3c4d5e6f (migrations/1a2b3c4d5e6f_index.ts)
 * //   create index concurrently "post_title_idx" on "post" ("title")   [outside a transaction]
 * //     post: ShareUpdateExclusiveLock, writes go on, scans; ~1000000 rows, 120.0 MB
 * ```
 */
export function formatLockPreview(statements: readonly PreviewStatement[]): string[] {
  const lines: string[] = [];
  let revision: string | null = null;
  for (const s of statements) {
    if (s.revision !== revision) {
      revision = s.revision;
      lines.push(`${s.revision}${s.file ? ` (${s.file})` : ''}`);
    }
    const text = s.sql.replace(/\s+/g, ' ');
    lines.push(`  ${text.length > 160 ? `${text.slice(0, 160)}…` : text}${s.inTransaction ? '' : '   [outside a transaction]'}`);
    if (s.opaque) lines.push('    (a DO block or a function call: its locks are not known before it runs)');
    for (const l of s.locks) {
      const waits = l.blocksReads ? 'reads and writes wait' : l.blocksWrites ? 'writes wait' : 'writes go on';
      const work = [l.rewrites ? 'rewrites' : null, l.scans && !l.rewrites ? 'scans' : null].filter((w) => w !== null);
      const size = l.rows === null ? (l.bytes === null ? '' : '') : `; ~${Math.max(0, Math.round(l.rows))} rows, ${megabytes(l.bytes)}`;
      lines.push(`    ${l.relation}: ${l.mode}, ${waits}${work.length > 0 ? `, ${work.join(', ')}` : ''}${s.inTransaction && l.blocksWrites ? ' until the commit' : ''}${size}`);
    }
    if (s.locks.length === 0 && s.creates.length > 0) lines.push(`    creates ${s.creates.join(', ')} (no lock on an existing relation)`);
  }
  return lines;
}

function megabytes(bytes: number | null): string {
  return bytes === null ? '? MB' : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
