import type { EnumDependents } from '../script/enum-sql';
import type { CatalogEnumType, EnumCatalog } from './enum-catalog';
import { nativeEnumKey } from './enum-usage';
import { EnumRebuildBlockedError } from './errors';
import { displayName, sortKey } from './names';
import type { AddEnumValueOperation, EnumTypeRef, Operation, RebuildEnumTypeOperation, TableRef } from './operation';

/**
 * Gives every rebuild of a native enum type (and every added value, whose inverse is a rebuild) what
 * it must drop before converting the columns and re-create after: the indexes and check constraints
 * whose definition uses the type, the foreign keys on its columns, the views over it. Objects the
 * revision itself drops (an index, a check, a foreign key, a column or table) are left out of the
 * rebuild that runs after their drop.
 *
 * A rebuild in `up` that cannot keep what uses the type (a function or domain over the type, a
 * materialized view, a trigger or policy on a column), or whose dependents use a value it removes,
 * is refused here, when the revision is generated. An added value whose removal (`down`) would meet
 * such objects gets them in `downBlockers` (a safety note).
 *
 * @param origins the old type of each type the model renamed or kept, keyed by its new key
 * @throws {EnumRebuildBlockedError}
 * @example
 * ```ts
 * const withDependents = attachEnumDependents(operations, catalog, plan.origins);
 * ```
 */
export function attachEnumDependents(operations: readonly Operation[], catalog: EnumCatalog, origins: ReadonlyMap<string, EnumTypeRef>): Operation[] {
  const dropped = droppedObjects(operations);
  return operations.map((op) => {
    if (op.kind !== 'rebuildEnumType' && op.kind !== 'addEnumValue') return op;
    const entry = catalog.get(origins.get(nativeEnumKey(op.type)) ?? op.type);
    if (entry === undefined) return op;
    if (op.kind === 'addEnumValue') return addition(op, entry);
    return rebuild(op, entry, dropped);
  });
}

interface Dropped {
  readonly tables: ReadonlySet<string>;
  readonly columns: ReadonlySet<string>;
  /** Indexes, checks and foreign keys by table and name. */
  readonly objects: ReadonlySet<string>;
}

function droppedObjects(operations: readonly Operation[]): Dropped {
  const tables = new Set<string>();
  const columns = new Set<string>();
  const objects = new Set<string>();
  for (const op of operations) {
    if (op.kind === 'dropTable') tables.add(sortKey(op.table));
    else if (op.kind === 'dropColumn') columns.add(objectKey(op.table, op.column.name));
    else if (op.kind === 'dropIndex') objects.add(objectKey(op.table, op.index.keyName));
    else if (op.kind === 'dropCheck') objects.add(objectKey(op.table, op.check.name));
    else if (op.kind === 'dropForeignKey') objects.add(objectKey(op.table, op.foreignKey.constraintName));
  }
  return { tables, columns, objects };
}

function addition(op: AddEnumValueOperation, entry: CatalogEnumType): AddEnumValueOperation {
  const dependents = dependentsOf(entry, () => true);
  const blockers = entry.blockers;
  if (dependents === undefined && blockers.length === 0) return op;
  return Object.freeze({
    ...op,
    ...(dependents === undefined ? {} : { dependents }),
    ...(blockers.length === 0 ? {} : { downBlockers: blockers }),
  });
}

function rebuild(op: RebuildEnumTypeOperation, entry: CatalogEnumType, dropped: Dropped): RebuildEnumTypeOperation {
  const removed = op.fromValues.filter((v) => !op.toValues.includes(v));
  const why = removed.length > 0 ? `${removed.map((v) => `'${v}'`).join(', ')} removed` : 'values reordered';
  const typeName = displayName(op.type);
  if (entry.blockers.length > 0) throw new EnumRebuildBlockedError(typeName, entry.blockers, why);
  const kept = (table: TableRef, name: string, columns: readonly string[]) =>
    !dropped.tables.has(sortKey(table)) && !dropped.objects.has(objectKey(table, name)) && !columns.some((c) => dropped.columns.has(objectKey(table, c)));
  const dependents = dependentsOf(entry, kept);
  if (dependents === undefined) return op;
  const users: string[] = [];
  const mentions = (definition: string) => removed.some((v) => castsTo(definition, v, op.type));
  for (const index of dependents.indexes ?? []) if (mentions(index.definition)) users.push(`index ${index.name} (${index.definition})`);
  for (const c of dependents.constraints ?? []) if (mentions(c.definition)) users.push(`constraint ${c.name} (${c.definition})`);
  for (const view of dependents.views ?? []) if (mentions(view.definition)) users.push(`view ${displayName(view.view as TableRef)}`);
  if (users.length > 0) throw new EnumRebuildBlockedError(typeName, users, `${why}, and these use a removed value`);
  return Object.freeze({ ...op, dependents });
}

/** The catalog's dependents of the type that pass `kept`, as plain step data; `undefined` when there are none. */
function dependentsOf(entry: CatalogEnumType, kept: (table: TableRef, name: string, columns: readonly string[]) => boolean): EnumDependents | undefined {
  const indexes = entry.indexes
    .filter((i) => kept(i.table, i.name, i.columns))
    .map((i) => Object.freeze({ table: i.table, name: i.name, definition: i.definition, ...(i.comment === undefined ? {} : { comment: i.comment }) }));
  const constraints = entry.constraints
    .filter((c) => kept(c.table, c.name, c.columns))
    .map((c) => Object.freeze({ table: c.table, name: c.name, definition: c.definition, ...(c.comment === undefined ? {} : { comment: c.comment }) }));
  const views = entry.views;
  if (indexes.length === 0 && constraints.length === 0 && views.length === 0) return undefined;
  return Object.freeze({
    ...(indexes.length === 0 ? {} : { indexes: Object.freeze(indexes) }),
    ...(constraints.length === 0 ? {} : { constraints: Object.freeze(constraints) }),
    ...(views.length === 0 ? {} : { views }),
  });
}

/** Whether `definition` (PostgreSQL's own text) holds the label `value` cast to `type` (`'guest'::user_role`, `'guest'::app."Odd Type"`). */
function castsTo(definition: string, value: string, type: EnumTypeRef): boolean {
  const ident = (name: string) => (/^[a-z_][a-z0-9_$]*$/.test(name) ? `(?:${escape(name)}|"${escape(name)}")` : `"${escape(name.replace(/"/g, '""'))}"`);
  const label = `'${escape(value.replace(/'/g, "''"))}'::`;
  return new RegExp(`${label}(?:${ident(type.schema)}\\.)?${ident(type.name)}(?![\\w"])`).test(definition);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function objectKey(table: TableRef, name: string): string {
  return `${sortKey(table)}\u0000${name}`;
}
