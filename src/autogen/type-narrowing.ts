import type { ColumnDefinition } from './operation';

/** A column type taken apart: canonical base name, its arguments, array or not. */
interface ParsedType {
  readonly base: string;
  readonly args: readonly number[];
  readonly array: boolean;
}

const ALIASES: Readonly<Record<string, string>> = {
  int: 'int4',
  integer: 'int4',
  serial: 'int4',
  serial4: 'int4',
  smallint: 'int2',
  smallserial: 'int2',
  serial2: 'int2',
  bigint: 'int8',
  bigserial: 'int8',
  serial8: 'int8',
  'character varying': 'varchar',
  character: 'bpchar',
  char: 'bpchar',
  real: 'float4',
  'double precision': 'float8',
  double: 'float8',
  float: 'float8',
  decimal: 'numeric',
  boolean: 'bool',
  'timestamp with time zone': 'timestamptz',
  'timestamp without time zone': 'timestamp',
  'time with time zone': 'timetz',
  'time without time zone': 'time',
};

const INTEGER_RANK: Readonly<Record<string, number>> = { int2: 1, int4: 2, int8: 3 };
/** Types whose values all convert to these without loss (and that are not arrays). */
const UNBOUNDED_TEXT = new Set(['text', 'varchar']);

/**
 * Whether changing a column from one type to another may fail on existing rows or lose information.
 * Only well-known widenings are safe: a larger integer, a longer or unbounded `varchar`/`text`, a
 * `numeric` with at least as many digits on both sides of the point, `float4` to `float8`, more
 * fractional-second precision, and anything (or a native enum) to unbounded text. Everything else
 * (including a change between two enum types, or to an enum) counts as narrowing.
 *
 * @example
 * ```ts
 * isNarrowingTypeChange(col('varchar(100)'), col('varchar(50)')); // true
 * isNarrowingTypeChange(col('int'), col('bigint'));               // false
 * ```
 */
export function isNarrowingTypeChange(from: ColumnDefinition, to: ColumnDefinition): boolean {
  const a = parseColumnType(from);
  const b = parseColumnType(to);
  if (a.array !== b.array) return true;
  if (a.base === b.base && a.args.length === b.args.length && a.args.every((v, i) => v === b.args[i])) return false;
  if (!a.array && UNBOUNDED_TEXT.has(b.base) && b.args.length === 0) return false;
  if (a.base.startsWith('enum:') || b.base.startsWith('enum:')) return true;
  if (a.base in INTEGER_RANK && b.base in INTEGER_RANK) return INTEGER_RANK[b.base] < INTEGER_RANK[a.base];
  if (a.base in INTEGER_RANK && b.base === 'numeric') return b.args.length > 0 && (b.args[0] - (b.args[1] ?? 0)) < 19;
  if ((a.base === 'int2' || a.base === 'int4') && b.base === 'float8') return false;
  if (a.base === 'float4' && b.base === 'float8') return false;
  if ((a.base === 'varchar' || a.base === 'bpchar') && b.base === 'varchar') return a.args.length === 0 || b.args[0] < a.args[0];
  if (a.base === 'numeric' && b.base === 'numeric') {
    if (b.args.length === 0) return false;
    if (a.args.length === 0) return true;
    const [p1, s1 = 0] = a.args;
    const [p2, s2 = 0] = b.args;
    return s2 < s1 || p2 - s2 < p1 - s1;
  }
  if (['timestamp', 'timestamptz', 'time', 'timetz', 'interval'].includes(a.base) && a.base === b.base) {
    return (b.args[0] ?? 6) < (a.args[0] ?? 6);
  }
  return true;
}

/** The canonical form of a column's type (`enum:<name>` for a native enum column). */
function parseColumnType(column: ColumnDefinition): ParsedType {
  const text = column.type.trim().toLowerCase().replace(/"/g, '').replace(/\s+/g, ' ');
  const array = text.endsWith('[]');
  const bare = array ? text.slice(0, -2).trim() : text;
  if (column.nativeEnumName !== undefined) return { base: `enum:${column.nativeEnumName}`, args: [], array };
  const match = /^([a-z_][a-z0-9_ ]*?)\s*(?:\(([^)]*)\))?(?:\s+(with(?:out)? time zone))?$/.exec(bare);
  if (match === null) return { base: bare, args: [], array };
  const name = match[3] ? `${match[1]} ${match[3]}` : match[1];
  const args = (match[2] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  return { base: ALIASES[name] ?? name, args: args.some(Number.isNaN) ? [] : args, array };
}
