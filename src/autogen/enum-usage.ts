import type { Column, DatabaseSchema, DatabaseTable } from '@mikro-orm/knex';
import { DEFAULT_SCHEMA, compareStrings, sortKey } from './names';
import type { EnumColumnUse, EnumTypeRef, TableRef } from './operation';

/** MikroORM's map of native enum types (`DatabaseSchema.getNativeEnums()`), keyed `name` or `schema.name`. */
export type NativeEnumMap = Readonly<Record<string, { readonly name: string; readonly schema?: string; readonly items: readonly string[] }>>;

/**
 * Where a schema object came from: the database (`DatabaseSchema.create`: an unqualified enum type
 * name means the default schema) or the entity metadata (`DatabaseSchema.fromMetadata`: it means the
 * table's own schema).
 */
export type SchemaSource = 'database' | 'metadata';

/**
 * MikroORM's key of a native enum type: `name` in the default schema, `schema.name` elsewhere.
 *
 * @example
 * ```ts
 * nativeEnumKey({ schema: 'public', name: 'user_role' }); // 'user_role'
 * nativeEnumKey({ schema: 'app', name: 'tag_kind' });     // 'app.tag_kind'
 * ```
 */
export function nativeEnumKey(type: EnumTypeRef): string {
  return type.schema === DEFAULT_SCHEMA ? type.name : `${type.schema}.${type.name}`;
}

/**
 * The ref of an entry of a {@link NativeEnumMap} (a wildcard or missing schema means the default).
 *
 * @example
 * ```ts
 * enumRefOf({ name: 'tag_kind', schema: 'app' }); // { schema: 'app', name: 'tag_kind' }
 * ```
 */
export function enumRefOf(entry: { readonly name: string; readonly schema?: string }): EnumTypeRef {
  const schema = entry.schema && entry.schema !== '*' ? entry.schema : DEFAULT_SCHEMA;
  return { schema, name: entry.name };
}

/**
 * The ref of a MikroORM table.
 *
 * @example
 * ```ts
 * tableRefOf(schema.getTable('app.tag')!); // { schema: 'app', name: 'tag' }
 * ```
 */
export function tableRefOf(table: DatabaseTable): TableRef {
  return { schema: table.schema ?? DEFAULT_SCHEMA, name: table.name };
}

/**
 * The native enum type a column uses (directly or as an array), or `undefined`.
 *
 * @example
 * ```ts
 * columnEnumType({ name: 'role', type: 'user_role', nativeEnumName: 'user_role', ... }, 'app', enums, 'metadata');
 * // => { schema: 'app', name: 'user_role' } when `enums` has 'app.user_role'
 * ```
 */
export function columnEnumType(column: Column, tableSchema: string, nativeEnums: NativeEnumMap, source: SchemaSource): EnumTypeRef | undefined {
  const written = (column.nativeEnumName ?? column.type).replace(/\[\]$/, '');
  // the name as written (`we"ird`, MikroORM's metadata) and, when it is SQL (`"we""ird"`, `app."Kind"`), unquoted
  const unquoted = unquoteQualifiedName(written);
  for (const raw of unquoted === undefined || unquoted === written ? [written] : [written, unquoted]) {
    const local = tableSchema === DEFAULT_SCHEMA ? raw : `${tableSchema}.${raw}`;
    let candidates: string[];
    if (raw.includes('.')) {
      candidates = [raw.startsWith(`${DEFAULT_SCHEMA}.`) ? raw.slice(DEFAULT_SCHEMA.length + 1) : raw];
    } else if (source === 'metadata' && column.nativeEnumName !== undefined) {
      candidates = [local];
    } else if (source === 'database' && column.nativeEnumName !== undefined) {
      candidates = [raw];
    } else {
      // an array column (MikroORM does not mark it) or an unmarked column: the table's schema first
      candidates = [local, raw];
    }
    for (const key of candidates) {
      const entry = nativeEnums[key];
      if (entry !== undefined) return enumRefOf(entry);
    }
  }
  return undefined;
}

/**
 * A type name as SQL writes it, unquoted: `"we""ird"` → `we"ird`, `app."Kind"` → `app.Kind`;
 * `undefined` when `text` is not a (qualified) name of quoted or plain parts.
 *
 * @example
 * ```ts
 * unquoteQualifiedName('"we""ird"');  // 'we"ird'
 * unquoteQualifiedName('user_role');  // 'user_role'
 * unquoteQualifiedName('we"ird');     // undefined
 * ```
 */
export function unquoteQualifiedName(text: string): string | undefined {
  const parts: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      let part = '';
      let j = i + 1;
      for (;;) {
        if (j >= text.length) return undefined;
        if (text[j] === '"') {
          if (text[j + 1] !== '"') break;
          part += '"';
          j += 2;
        } else {
          part += text[j++];
        }
      }
      parts.push(part);
      i = j + 1;
    } else {
      const plain = /^[^".]+/.exec(text.slice(i));
      if (plain === null) return undefined;
      parts.push(plain[0]);
      i += plain[0].length;
    }
    if (i < text.length) {
      if (text[i] !== '.') return undefined;
      i++;
    }
  }
  return parts.join('.');
}

/**
 * How PostgreSqlSchemaHelper wants an enum type named in a column of a table in `tableSchema`:
 * unqualified when the type lives in the table's schema, `schema.name` otherwise.
 *
 * @example
 * ```ts
 * enumNameForTable({ schema: 'app', name: 'tag_kind' }, 'app');    // 'tag_kind'
 * enumNameForTable({ schema: 'app', name: 'tag_kind' }, 'public'); // 'app.tag_kind'
 * ```
 */
export function enumNameForTable(type: EnumTypeRef, tableSchema: string): string {
  return type.schema === tableSchema ? type.name : `${type.schema}.${type.name}`;
}

/**
 * Every column of `schema` that uses the enum `type` (sorted by table, then in column order).
 *
 * @example
 * ```ts
 * enumColumnUses(from, { schema: 'public', name: 'user_role' }, 'database');
 * // => [{ table: { schema: 'public', name: 'user' }, column: 'role', array: false, default: "'user'" }]
 * ```
 */
export function enumColumnUses(schema: DatabaseSchema, type: EnumTypeRef, source: SchemaSource): EnumColumnUse[] {
  const enums = schema.getNativeEnums() as NativeEnumMap;
  const wanted = nativeEnumKey(type);
  const uses: EnumColumnUse[] = [];
  const tables = [...schema.getTables()].sort((a, b) => compareStrings(sortKey(tableRefOf(a)), sortKey(tableRefOf(b))));
  for (const table of tables) {
    const ref = tableRefOf(table);
    for (const column of table.getColumns()) {
      const used = columnEnumType(column, ref.schema, enums, source);
      if (used === undefined || nativeEnumKey(used) !== wanted) continue;
      uses.push({ table: ref, column: column.name, array: column.type.endsWith('[]'), default: column.default == null ? null : String(column.default) });
    }
  }
  return uses;
}
