import { lintRule, type LintCode } from '../lint/lint-rules';
import { lintStatements } from '../lint/lint-statements';
import { SqlParseError } from '../sqlparse/errors';
import { parseSql } from '../sqlparse/parse-sql';

/**
 * The lint codes autogenerate acknowledges with safe-ddl on: steps that have no lock-safe form in one
 * revision (the safety note above the statement names the alternative), or that the model asks for
 * by name (a rename). Every other finding is left for the lint to report: with safe-ddl on it means
 * a lock-safe form is missing.
 */
const KNOWN: Readonly<Partial<Record<LintCode, string>>> = Object.freeze({
  COLUMN_TYPE_REWRITE: 'the model changes the type; no lock-safe form in one revision (see the LOCK_REWRITE_TYPE note above the statement)',
  VOLATILE_DEFAULT: 'the model asks for a per-row default; no lock-safe form in one revision (see the LOCK_REWRITE_DEFAULT note above the statement)',
  RENAME_COLUMN: 'the model renames it; deploy code that no longer reads the old name before upgrading',
  RENAME_TABLE: 'the model renames it; deploy code that no longer reads the old name before upgrading',
  REQUIRED_COLUMN: 'the model adds a required column without a default; upgrading fails while the table has rows (see the note above the statement)',
});

/**
 * What autogenerate writes into a revision's `acknowledge` field: for each lint code that the
 * revision's `up()` statements trigger and autogenerate knows it cannot avoid, a reason naming what
 * the model asks for (the statement's table and column) and where the alternative is written. With
 * safe-ddl off (`safeDdl: false`) every finding is acknowledged as such: the plain statements were
 * asked for. Codes are sorted, so the same statements give the same bytes.
 *
 * @example
 * ```ts
 * await lintAcknowledgements(['alter table "item" alter column "ref" type text using ("ref"::text);'], { safeDdl: true });
 * // { COLUMN_TYPE_REWRITE: 'autogenerate: changes the type of item.ref to text; the model changes the type; ...' }
 * ```
 */
export async function lintAcknowledgements(upSql: readonly string[], options: { readonly safeDdl?: boolean } = {}): Promise<Readonly<Record<string, string>>> {
  if (upSql.length === 0) return Object.freeze({});
  let statements;
  try {
    statements = await parseSql(upSql.join('\n'));
  } catch (error) {
    // SQL the parser refuses (a name MikroORM split at a dot) is written as MikroORM gave it; the lint
    // reports the parse error itself
    if (error instanceof SqlParseError) return Object.freeze({});
    throw error;
  }
  const found = new Map<LintCode, string[]>();
  for (const f of lintStatements(statements)) {
    if (options.safeDdl !== false && KNOWN[f.code] === undefined) continue;
    const messages = found.get(f.code) ?? [];
    if (!messages.includes(f.message)) messages.push(f.message);
    found.set(f.code, messages);
  }
  const out: Record<string, string> = {};
  for (const code of [...found.keys()].sort()) {
    const reason = options.safeDdl === false ? `safe-ddl was off (safeDdl: false), so the plain statement was asked for; instead: ${lintRule(code).alternative}` : KNOWN[code]!;
    out[code] = `autogenerate: ${found.get(code)!.join('; ')}; ${reason}`;
  }
  return Object.freeze(out);
}
