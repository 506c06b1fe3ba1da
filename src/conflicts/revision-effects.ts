import { renderOfflineSql } from '../runtime/offline-sql';
import type { RevisionSource } from '../runtime/revision-source';
import { VersionTable } from '../runtime/version-table';
import { parseSql } from '../sqlparse/parse-sql';
import { touchedObjects, type ObjectTouch } from '../sqlparse/touched-objects';

/** One object one statement of a revision touches. */
export interface RevisionTouch extends ObjectTouch {
  /** The statement, as rendered offline. */
  readonly statement: string;
}

/** What one revision's `up()` does to the database's objects, as far as its SQL tells. */
export interface RevisionEffects {
  readonly revision: string;
  /** Its file, as the source shows it, or `null`. */
  readonly file: string | null;
  readonly message: string;
  /** Every object each statement touches, in statement order. */
  readonly touches: readonly RevisionTouch[];
  /**
   * Why (part of) its effect cannot be known statically: it failed to render offline (it reads rows
   * with `execute()`, its module does not load), its SQL does not parse, or a statement's effect is
   * not in its text (a `DO` block, a procedure call, ...). Empty when `touches` is all of it.
   */
  readonly unknown: readonly string[];
}

/**
 * A version table no revision names: rendering with it lets its own statements (schema, table, row)
 * be told apart from the revision's, whatever version table the project configures.
 */
const ANALYSIS_TABLE = new VersionTable({ schema: 'mikro_orm_alembic_analysis', name: 'mikro_orm_alembic_analysis_version' });

/**
 * What revision `id`'s `up()` touches: rendered offline exactly as `upgrade --sql` and the lint render
 * it, parsed with PostgreSQL's parser, each statement's objects taken by `touchedObjects`. Never
 * throws for a revision that cannot be analysed: it is reported in `unknown` instead.
 *
 * @example
 * ```ts
 * const effects = await revisionEffects(env.source, '27c6a30d7c24');
 * effects.touches.map((t) => `${t.action} ${t.object.kind} ${t.object.name}`); // ['reads relation user', 'create column user', ...]
 * effects.unknown; // [] when every statement was understood
 * ```
 */
export async function revisionEffects(source: RevisionSource, id: string): Promise<RevisionEffects> {
  const entry = source.scripts.find((s) => s.id === id);
  const file = entry?.path ?? null;
  const base = { revision: id, file, message: entry?.message ?? '' };
  let sql: string;
  try {
    sql = await renderOfflineSql({ direction: 'up', revisions: [id], headsAfter: [], warnings: [] }, source, { versionTable: ANALYSIS_TABLE, lock: false });
  } catch (error) {
    return freeze({ ...base, touches: [], unknown: [`it cannot be rendered offline: ${messageOf(error)}`] });
  }
  let statements;
  try {
    statements = await parseSql(sql, { origin: `revision ${id}${file ? ` in ${file}` : ''}` });
  } catch (error) {
    return freeze({ ...base, touches: [], unknown: [`its SQL does not parse: ${messageOf(error)}`] });
  }
  const touches: RevisionTouch[] = [];
  const unknown: string[] = [];
  for (const statement of statements) {
    const found = touchedObjects(statement);
    if (found.touches.length > 0 && found.touches.every((t) => isAnalysisTable(t.object))) continue;
    for (const t of found.touches) touches.push(Object.freeze({ ...t, statement: statement.sql }));
    if (found.unknown !== null) unknown.push(`${found.unknown}: ${abbreviate(statement.sql)}`);
  }
  return freeze({ ...base, touches, unknown });
}

function isAnalysisTable(object: { kind: string; schema: string | null; name: string }): boolean {
  if (object.kind === 'schema') return object.name === ANALYSIS_TABLE.schema;
  // the table, its columns, its primary key's index: everything in the schema of its own
  return object.schema === ANALYSIS_TABLE.schema;
}

function freeze(effects: RevisionEffects): RevisionEffects {
  return Object.freeze({ ...effects, touches: Object.freeze([...effects.touches]), unknown: Object.freeze([...effects.unknown]) });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function abbreviate(sql: string): string {
  const one = sql.replace(/\s+/g, ' ');
  return one.length > 160 ? `${one.slice(0, 160)}…` : one;
}
