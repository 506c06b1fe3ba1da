import type { AbstractSqlPlatform, DatabaseSchema } from '@mikro-orm/knex';

/**
 * MikroORM 6.6.16 reads two things from the catalog with regular expressions whose `.` stops at a
 * line terminator, so text holding a newline (or CR, U+2028, U+2029) is not recognised, and
 * autogenerate would propose the same change after every upgrade:
 *
 * - a column default `'a\nb'::text` keeps its cast (MikroORM strips it from one-line text);
 * - a check `CHECK ((kind = ANY (ARRAY['a\nb'::text, 'c'::text])))` is not read as the column's enum
 *   values (so the check is dropped and re-added, and the column never gets its `enumItems`).
 *
 * This pass does both readings again on the introspected schema, with the same patterns spanning
 * lines, for exactly the defaults and checks MikroORM left unread; one-line text is untouched.
 *
 * @example
 * ```ts
 * const from = await DatabaseSchema.create(connection, platform, config);
 * readMultilineText(from, platform); // column defaults and enum checks holding newlines, read as MikroORM reads one-line ones
 * ```
 */
export function readMultilineText(schema: DatabaseSchema, platform: AbstractSqlPlatform): void {
  for (const table of schema.getTables()) {
    for (const column of table.getColumns()) {
      const text = column.default;
      if (typeof text !== 'string' || !LINE_BREAK.test(text)) continue;
      if (/^'(.*)'::(.*)$/.test(text)) continue; // MikroORM read it
      const match = /^'(.*)'::(.*)$/s.exec(text);
      if (match !== null && match[2] !== 'integer') column.default = `'${match[1]}'`;
    }
    const checks = table.getChecks();
    for (let i = checks.length - 1; i >= 0; i--) {
      const check = checks[i];
      const definition = typeof check.definition === 'string' ? check.definition : undefined;
      if (check.columnName === undefined || definition === undefined || !LINE_BREAK.test(definition)) continue;
      const column = table.getColumn(check.columnName);
      if (column === undefined || (column.enumItems?.length ?? 0) > 0) continue;
      const items = enumCheckItems(definition);
      if (items === undefined) continue;
      column.enumItems = items;
      column.mappedType = platform.getMappedType('enum'); // as MikroORM types a column it reads enum values for
      checks.splice(i, 1);
    }
  }
}

const LINE_BREAK = /[\n\r\u2028\u2029]/;

/** MikroORM's reading of an enum check (`PostgreSqlSchemaHelper.getEnumDefinitions`), spanning lines. */
function enumCheckItems(definition: string): string[] | undefined {
  const column = /check \(\(\("?(\w+)"?\)::/i.exec(definition) ?? /check \(\("?(\w+)"? = /i.exec(definition);
  const list = /\(array\[(.*)]\)/is.exec(definition) ?? / = (.*)\)/is.exec(definition);
  if (column === null || list === null) return undefined;
  const parts = list[1].match(/('(?:[^']|'')*'::\w[\w ]*)/g) ?? list[1].split(',');
  const items = parts.map((part) => /^\(?'((?:[^']|'')*)'/.exec(part.trim())?.[1]?.replace(/''/g, "'")).filter((item): item is string => item !== undefined);
  return items.length > 0 ? items : undefined;
}
