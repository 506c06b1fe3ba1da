/**
 * The one place that quotes text for SQL: identifiers (always double-quoted, so a name is used exactly
 * as given: case, spaces, quotes, dots, unicode) and string literals (quotes doubled; the `E'...'` form
 * with doubled backslashes when there is a backslash, so the literal reads the same whatever
 * `standard_conforming_strings` is). Newlines, CR, tabs and any other character stay as they are
 * inside the quotes: the text reaches PostgreSQL byte for byte. Only NUL is refused (PostgreSQL
 * cannot store it in a name or a text).
 *
 * The enum steps (`enumSql`), the autogenerate renderer and the runtime's version-table statements
 * and offline literals all quote through here.
 */

/**
 * A double-quoted SQL identifier: `"` doubled.
 *
 * @throws {TypeError} when the name is empty or holds a NUL character
 * @example
 * ```ts
 * sqlIdentifier('my "odd" Schema'); // => '"my ""odd"" Schema"'
 * ```
 */
export function sqlIdentifier(name: string): string {
  if (typeof name !== 'string' || name.length === 0) throw new TypeError('An SQL identifier cannot be empty');
  if (name.includes('\0')) throw new TypeError('An SQL identifier cannot contain a NUL character');
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * A schema-qualified name: `"schema"."name"`, or `"name"` alone when `schema` is `undefined`.
 *
 * @example
 * ```ts
 * sqlQualifiedName('app', 'user role'); // => '"app"."user role"'
 * sqlQualifiedName(undefined, 'we"ird'); // => '"we""ird"'
 * ```
 */
export function sqlQualifiedName(schema: string | undefined, name: string): string {
  return schema === undefined ? sqlIdentifier(name) : `${sqlIdentifier(schema)}.${sqlIdentifier(name)}`;
}

/**
 * A string literal: `'` doubled; with a backslash, `E'...'` with backslashes doubled.
 *
 * @throws {TypeError} when the text holds a NUL character
 * @example
 * ```ts
 * sqlString("it's");  // => "'it''s'"
 * sqlString('a\\b');  // => "E'a\\\\b'"
 * ```
 */
export function sqlString(text: string): string {
  if (text.includes('\0')) throw new TypeError('An SQL literal cannot contain a NUL character');
  const quoted = text.replace(/'/g, "''");
  return text.includes('\\') ? `E'${quoted.replace(/\\/g, '\\\\')}'` : `'${quoted}'`;
}
