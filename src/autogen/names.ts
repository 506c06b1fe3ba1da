import type { EnumTypeRef, TableRef } from './operation';

/** PostgreSQL's default schema: names in it are written without the schema, as MikroORM does. */
export const DEFAULT_SCHEMA = 'public';

/**
 * How messages and summaries name a table or enum type: `user` in the default schema, `app.tag`
 * elsewhere (MikroORM's "shortest name").
 *
 * @example
 * ```ts
 * displayName({ schema: 'public', name: 'user' }); // 'user'
 * displayName({ schema: 'app', name: 'tag' });     // 'app.tag'
 * ```
 */
export function displayName(ref: TableRef | EnumTypeRef): string {
  return ref.schema === DEFAULT_SCHEMA ? ref.name : `${ref.schema}.${ref.name}`;
}

/** A total order key (`schema.name`) for sorting tables and types. */
export function sortKey(ref: TableRef | EnumTypeRef): string {
  return `${ref.schema}\u0000${ref.name}`;
}

/** Compares strings by code points (locale-independent, so the order is the same everywhere). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Splits MikroORM's `schema.name` (or bare `name`, meaning `fallbackSchema`) into a ref. */
export function splitQualified(qualified: string, fallbackSchema: string): TableRef {
  const dot = qualified.indexOf('.');
  return dot < 0 ? { schema: fallbackSchema, name: qualified } : { schema: qualified.slice(0, dot), name: qualified.slice(dot + 1) };
}
