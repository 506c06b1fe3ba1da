/**
 * TypeScript source for plain data (strings, numbers, booleans, null, arrays, objects), as generated
 * revisions pass it to the `Revision` enum helpers: single-quoted strings (a template literal when the
 * string holds a `'`, as SQL defaults do), unquoted keys where they are identifiers, one line when it
 * fits, else one entry per line. Strings are written by `src/script/ts-source.ts`: every literal is
 * on one line whatever the text holds.
 */
import { tsPropertyKey, tsString } from '../script/ts-source';

/** A value written as code by name (e.g. the `userRoleMap` variable) that stands for `value`. */
export class CodeReference {
  constructor(
    readonly code: string,
    readonly value: unknown,
  ) {}
}

/**
 * The data behind `value`, with every {@link CodeReference} replaced by what it stands for.
 *
 * @example
 * ```ts
 * resolveReferences({ map: new CodeReference('userRoleMap', {}) }); // { map: {} }
 * ```
 */
export function resolveReferences(value: unknown): unknown {
  if (value instanceof CodeReference) return resolveReferences(value.value);
  if (Array.isArray(value)) return value.map(resolveReferences);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveReferences(v)]));
  }
  return value;
}

/**
 * TypeScript source for `value`; `indent` is the indentation of the line it starts on (for the lines
 * of a value that does not fit on one). `expand` spreads an array or object over several lines even
 * when it fits on one.
 *
 * @example
 * ```ts
 * codeLiteral({ table: 'user', column: 'role', default: "'user'" }); // "{ table: 'user', column: 'role', default: `'user'` }"
 * ```
 */
export function codeLiteral(value: unknown, indent = '', width = 110, expand = false): string {
  const flat = oneLine(value);
  if (!expand && flat.length + indent.length <= width) return flat;
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    return `[\n${value.map((v) => `${inner}${codeLiteral(v, inner, width)},`).join('\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object' && !(value instanceof CodeReference)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return `{\n${entries.map(([k, v]) => `${inner}${key(k)}: ${codeLiteral(v, inner, width)},`).join('\n')}\n${indent}}`;
  }
  return flat;
}

function oneLine(value: unknown): string {
  if (value instanceof CodeReference) return value.code;
  if (value === null) return 'null';
  if (typeof value === 'string') return stringLiteral(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(oneLine).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return entries.length === 0 ? '{}' : `{ ${entries.map(([k, v]) => `${key(k)}: ${oneLine(v)}`).join(', ')} }`;
  }
  throw new TypeError(`cannot write ${typeof value} as code`);
}

function stringLiteral(text: string): string {
  return tsString(text);
}

function key(name: string): string {
  return tsPropertyKey(name);
}
