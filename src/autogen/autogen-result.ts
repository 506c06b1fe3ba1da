import type { AbstractSqlPlatform } from '@mikro-orm/knex';
import { CodeReference, codeLiteral } from './code-literal';
import { coalesceEnumRebuilds } from './coalesce-rebuilds';
import { describeOperation } from './describe-operation';
import { enumGuards, guardArgs, type EnumGuard } from './enum-guards';
import { enumStepCode, enumStepSql, enumSteps, isValueInsertion, removedValues } from './enum-steps';
import { invertOperations } from './invert-operation';
import { displayName } from './names';
import type { Operation } from './operation';
import { tsLineComment } from '../script/ts-source';
import { renderMethodBody, type RenderedOperation } from './render-code';
import { OperationSqlRenderer } from './render-sql';
import { lintAcknowledgements } from './lint-acknowledgements';
import { lockSafeSteps, type LockSafeOptions } from '../safe-ddl/lock-safe-steps';
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
  /**
   * The revision's `acknowledge` field (lint code → reason): the lint findings of `up` that autogenerate
   * cannot avoid (a type change, a per-row default, a rename; with `safeDdl: false`, every finding),
   * each with what the model asks for. `{}` when there are none. See docs/lint.md.
   */
  readonly acknowledge: Readonly<Record<string, string>>;
  /** One line per operation of `up` (`+ create table post`, `- drop column user.bio`, ...). `''` when empty. */
  readonly summary: string;
}

/**
 * Renders a list of `up` operations into an {@link AutogenResult}: SQL through MikroORM's schema
 * helper (enum steps through the `Revision` enum helpers, which the code calls), `down` from the
 * inverses in reverse order (consecutive rebuilds of one type merged), the guards that stop a method
 * before anything changes when rows hold a value it removes, the safety notes (also written as
 * comments above their statements), and the summary. No database access; the same list gives the
 * same bytes.
 *
 * @example
 * ```ts
 * const result = await renderAutogenResult(operations, orm.em.getPlatform() as AbstractSqlPlatform);
 * writeRevision({ directory: 'migrations', heads, message: 'add posts', upBody: result.upBody, downBody: result.downBody });
 * ```
 */
export async function renderAutogenResult(
  operations: readonly Operation[],
  platform: AbstractSqlPlatform,
  options: { readonly safeDdl?: boolean } = {},
): Promise<AutogenResult> {
  const renderer = new OperationSqlRenderer(platform);
  const notes = safetyNotesPerOperation(operations);
  const safe = { enabled: options.safeDdl };
  const up = await renderMethod(operations, renderer, (_op, i) => notes[i].map((n) => `${n.code}: ${n.message}`), safe);
  const downOperations = coalesceEnumRebuilds(invertOperations(operations));
  const down = await renderMethod(
    downOperations,
    renderer,
    (op) => {
      const remark = downRemark(op);
      return remark === undefined ? [] : [remark];
    },
    safe,
  );

  return Object.freeze({
    empty: operations.length === 0,
    operations: Object.freeze([...operations]),
    upBody: up.body,
    downBody: down.body,
    upSql: up.sql,
    downSql: down.sql,
    notes: Object.freeze(notes.flat()),
    acknowledge: await lintAcknowledgements(up.sql, { safeDdl: options.safeDdl }),
    summary: operations.map(describeOperation).join('\n'),
  });
}

/** The code and SQL of one method: the removal guards first, then each operation. */
async function renderMethod(
  operations: readonly Operation[],
  renderer: OperationSqlRenderer,
  comments: (op: Operation, index: number) => readonly string[],
  safe: LockSafeOptions,
): Promise<{ body: string; sql: readonly string[] }> {
  const guards = enumGuards(operations);
  const preamble: string[] = [];
  const sql: string[] = [];
  if (guards.length > 0) {
    const example = guards[0];
    const mapping = codeLiteral({ [example.values[0]]: keptNeighbour(operations, example) });
    preamble.push(
      '// Rows holding a value this method removes from an enum type stop it here, before anything changes.',
      `// ${tsLineComment(`To convert such rows instead, say what each removed value becomes, e.g. ${example.mapVariable} = ${mapping} (docs/enums.md).`)}`,
    );
    for (const guard of guards) {
      preamble.push(`const ${guard.mapVariable}: Record<string, string> = ${codeLiteral(guard.map)};`);
      if (guard.columns.length === 0) continue;
      const step = { helper: 'assertEnumValuesUnused' as const, args: [...guardArgs(guard), new CodeReference(guard.mapVariable, guard.map)] };
      preamble.push(...enumStepCode(step));
      sql.push(...enumStepSql(step).map(terminate));
    }
  }
  const mapVariables = new Map(guards.map((g) => [g.rebuildIndex, g.mapVariable]));
  const items: RenderedOperation[] = [];
  for (const [i, operation] of operations.entries()) {
    const steps = enumSteps(operation, { mapVariable: mapVariables.get(i) });
    const statements = steps === undefined ? await renderer.render(operation) : steps.flatMap(enumStepSql).map(terminate);
    const item: RenderedOperation = { operation, statements, comments: comments(operation, i) };
    items.push(steps === undefined ? item : { ...item, code: steps.flatMap(enumStepCode) });
  }
  // the one call into safe-ddl: steps on existing tables in their lock-safe forms, and their order
  const safeItems = await lockSafeSteps(items, operations, safe);
  for (const item of safeItems) sql.push(...item.statements);
  return { body: renderMethodBody(safeItems, preamble), sql: Object.freeze(sql) };
}

/** A value the rebuild of `guard` keeps, next to the first removed one (for the example in the comment). */
function keptNeighbour(operations: readonly Operation[], guard: EnumGuard): string {
  const op = operations[guard.rebuildIndex];
  if (op.kind !== 'rebuildEnumType') return '';
  const removed = op.fromValues.findIndex((v) => !op.toValues.includes(v));
  const before = op.fromValues.slice(0, Math.max(0, removed)).reverse().find((v) => op.toValues.includes(v));
  return before ?? op.toValues[0] ?? '';
}

function terminate(sql: string): string {
  return sql.endsWith(';') ? sql : `${sql};`;
}

/** What `down` says above an operation that undoes a destructive step of `up`. */
function downRemark(op: Operation): string | undefined {
  switch (op.kind) {
    case 'createTable':
      return `restores the structure of table ${displayName(op.table)}, not its rows`;
    case 'addColumn':
      if (op.notNullIfEmpty === true) {
        return `restores the column ${displayName(op.table)}.${op.column.name}, not its data: added nullable, and NOT NULL again only if the table has no rows (existing rows would hold NULL)`;
      }
      return `restores the column ${displayName(op.table)}.${op.column.name}, not its data`;
    case 'rebuildEnumType': {
      if (isValueInsertion(op)) return undefined;
      const removed = removedValues(op);
      if (removed.length === 0) return undefined;
      const values = removed.map((v) => `'${v}'`).join(', ');
      return `removes ${values} from ${displayName(op.type)} again (the type is rebuilt): rows holding ${removed.length === 1 ? 'it' : 'one'} stop the downgrade before anything changes`;
    }
    default:
      return undefined;
  }
}
