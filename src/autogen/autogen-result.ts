import type { AbstractSqlPlatform } from '@mikro-orm/knex';
import { describeOperation } from './describe-operation';
import { invertOperation } from './invert-operation';
import { displayName } from './names';
import type { Operation } from './operation';
import { renderMethodBody, type RenderedOperation } from './render-code';
import { OperationSqlRenderer } from './render-sql';
import { safetyNotesPerOperation, type SafetyNote } from './safety-notes';

/** What autogenerate produced: the operations, the code and SQL of both directions, and the notes. */
export interface AutogenResult {
  /** No difference: the caller says "schema is up to date" and writes nothing. */
  readonly empty: boolean;
  /** The operations of `up`, in order (`down` is their inverses, reversed). */
  readonly operations: readonly Operation[];
  /** The statements of `up()`, unindented, one per line (what `writeRevision({ upBody })` takes). `''` when empty. */
  readonly upBody: string;
  /** The statements of `down()`, unindented. `''` when empty. */
  readonly downBody: string;
  /** The SQL of `up`, one statement per entry, each ending with `;`. */
  readonly upSql: readonly string[];
  /** The SQL of `down`. */
  readonly downSql: readonly string[];
  /** Destructive, data-dependent and guessed steps of `up`, in order. */
  readonly notes: readonly SafetyNote[];
  /** One line per operation of `up` (`+ create table post`, `- drop column user.bio`, ...). `''` when empty. */
  readonly summary: string;
}

/**
 * Renders a list of `up` operations into an {@link AutogenResult}: SQL through MikroORM's schema
 * helper, `down` from the inverses in reverse order, the safety notes (also written as comments above
 * their statements), and the summary. No database access; the same list gives the same bytes.
 *
 * @example
 * ```ts
 * const result = await renderAutogenResult(operations, orm.em.getPlatform() as AbstractSqlPlatform);
 * writeRevision({ directory: 'migrations', heads, message: 'add posts', upBody: result.upBody, downBody: result.downBody });
 * ```
 */
export async function renderAutogenResult(operations: readonly Operation[], platform: AbstractSqlPlatform): Promise<AutogenResult> {
  const renderer = new OperationSqlRenderer(platform);
  const notes = safetyNotesPerOperation(operations);

  const up: RenderedOperation[] = [];
  for (const [i, operation] of operations.entries()) {
    up.push({ operation, statements: await renderer.render(operation), comments: notes[i].map((n) => `${n.code}: ${n.message}`) });
  }
  const down: RenderedOperation[] = [];
  for (let i = operations.length - 1; i >= 0; i--) {
    const operation = invertOperation(operations[i]);
    const remark = downRemark(operations[i]);
    down.push({ operation, statements: await renderer.render(operation), comments: remark === undefined ? [] : [remark] });
  }

  return Object.freeze({
    empty: operations.length === 0,
    operations: Object.freeze([...operations]),
    upBody: renderMethodBody(up),
    downBody: renderMethodBody(down),
    upSql: Object.freeze(up.flatMap((r) => r.statements)),
    downSql: Object.freeze(down.flatMap((r) => r.statements)),
    notes: Object.freeze(notes.flat()),
    summary: operations.map(describeOperation).join('\n'),
  });
}

/** What `down` says above the inverse of a destructive step of `up`. */
function downRemark(up: Operation): string | undefined {
  switch (up.kind) {
    case 'dropTable':
      return `restores the structure of table ${displayName(up.table)}, not its rows`;
    case 'dropColumn':
      return `restores the column ${displayName(up.table)}.${up.column.name}, not its data`;
    case 'addEnumValue':
      return `removes '${up.value}' from ${displayName(up.type)} again (the type is rebuilt): fails if rows hold it`;
    default:
      return undefined;
  }
}
