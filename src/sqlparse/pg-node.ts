import type { PgNode } from './parse-sql';
import type { RelationName } from './schema-change';

/**
 * Reading libpg_query's parse tree, where every node is `{ TypeName: { ...fields } }`: the small
 * accessors the statement analysis and the touched-object analysis share.
 */

/** Calls `visit(type, fields)` for every `{ Type: { ... } }` node under `value`. */
export function walk(value: unknown, visit: (type: string, node: PgNode) => void): void {
  if (Array.isArray(value)) {
    for (const v of value) walk(v, visit);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, child] of Object.entries(value as PgNode)) {
    if (key[0] >= 'A' && key[0] <= 'Z' && child !== null && typeof child === 'object' && !Array.isArray(child)) visit(key, child as PgNode);
    walk(child, visit);
  }
}

/** `{ Type: fields }` → fields, when the node is of that type. */
export function field(value: unknown, type: string): PgNode | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const inner = (value as PgNode)[type];
  return inner !== null && typeof inner === 'object' ? (inner as PgNode) : undefined;
}

/** A copy of `value` when it is an array, else `[]`. */
export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? [...value] : [];
}

/** `value` when it is a string, else `''`. */
export function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** A `RangeVar` (given as its fields, or wrapped) → a relation name. */
export function rangeVar(value: unknown): RelationName {
  const rv = field(value, 'RangeVar') ?? ((value ?? {}) as PgNode);
  return { schema: typeof rv.schemaname === 'string' ? rv.schemaname : null, name: str(rv.relname) };
}

/** The strings of a `List` of `String` nodes (or a bare array of them). */
export function nameParts(value: unknown): string[] {
  const items = field(value, 'List')?.items ?? value;
  return list(items).map((i) => str(field(i, 'String')?.sval));
}

/** A qualified name's parts (`[schema, name]` or `[name]`, a database part ignored) → a name. */
export function partsToName(parts: readonly string[]): RelationName {
  return parts.length >= 2 ? { schema: parts[parts.length - 2], name: parts[parts.length - 1] } : { schema: null, name: parts[0] ?? '' };
}

/** A `List` of `String` nodes → a name ({@link nameParts}, then {@link partsToName}). */
export function nameOf(value: unknown): RelationName {
  return partsToName(nameParts(value));
}
