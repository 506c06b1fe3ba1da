/** A relation as a statement names it: `schema` is `null` when the statement leaves it to the search path. */
export interface RelationName {
  readonly schema: string | null;
  readonly name: string;
}

/** How a column default is evaluated when the column is added. */
export type DefaultKind =
  /** no default */
  | 'none'
  /** a constant or a stable expression (`now()`): evaluated once, no rewrite (PostgreSQL 11+) */
  | 'constant'
  /** a volatile expression (`random()`, `gen_random_uuid()`, `nextval(...)`, serial): every row is rewritten */
  | 'volatile'
  /** a function the analysis does not know: a rewrite if it is volatile */
  | 'unknown';

/**
 * One schema change a statement makes, as far as locking is concerned. An `ALTER TABLE` with several
 * subcommands gives several changes.
 */
export type SchemaChange =
  | { readonly kind: 'createTable'; readonly table: RelationName; readonly references: readonly RelationName[] }
  | { readonly kind: 'dropTable'; readonly table: RelationName }
  | { readonly kind: 'truncate'; readonly table: RelationName }
  | {
      readonly kind: 'createIndex';
      readonly table: RelationName;
      readonly index: string | null;
      readonly unique: boolean;
      readonly concurrent: boolean;
      readonly ifNotExists: boolean;
    }
  | { readonly kind: 'dropIndex'; readonly index: RelationName; readonly concurrent: boolean }
  | { readonly kind: 'reindex'; readonly relation: RelationName; readonly concurrent: boolean }
  | {
      readonly kind: 'addForeignKey';
      readonly table: RelationName;
      readonly constraint: string | null;
      readonly referenced: RelationName;
      readonly notValid: boolean;
    }
  | {
      readonly kind: 'addCheck';
      readonly table: RelationName;
      readonly constraint: string | null;
      readonly notValid: boolean;
      /** The column when the check is exactly `col is not null` (the safe way to SET NOT NULL). */
      readonly notNullOf: string | null;
    }
  | {
      readonly kind: 'addUnique';
      readonly table: RelationName;
      readonly constraint: string | null;
      /** `unique using index ...`: the index exists already, nothing is built. */
      readonly usingIndex: string | null;
      readonly primary: boolean;
      readonly exclusion: boolean;
    }
  | { readonly kind: 'validateConstraint'; readonly table: RelationName; readonly constraint: string }
  | { readonly kind: 'dropConstraint'; readonly table: RelationName; readonly constraint: string }
  | {
      readonly kind: 'addColumn';
      readonly table: RelationName;
      readonly column: string;
      readonly notNull: boolean;
      readonly defaultKind: DefaultKind;
      /** `generated always as (...) stored`: every row is rewritten. */
      readonly generatedStored: boolean;
      /** An inline `check`, `unique`, `primary key` or `references` constraint (validated at once). */
      readonly inlineConstraints: readonly ('check' | 'unique' | 'primary' | 'foreign')[];
      readonly references: readonly RelationName[];
    }
  | { readonly kind: 'dropColumn'; readonly table: RelationName; readonly column: string }
  | { readonly kind: 'setNotNull'; readonly table: RelationName; readonly column: string }
  | { readonly kind: 'dropNotNull'; readonly table: RelationName; readonly column: string }
  | { readonly kind: 'alterColumnType'; readonly table: RelationName; readonly column: string; readonly type: string }
  | { readonly kind: 'setDefault'; readonly table: RelationName; readonly column: string; readonly defaultKind: DefaultKind }
  | { readonly kind: 'renameColumn'; readonly table: RelationName; readonly from: string; readonly to: string }
  | { readonly kind: 'renameTable'; readonly table: RelationName; readonly to: string }
  | { readonly kind: 'renameIndex'; readonly index: RelationName; readonly to: string }
  | { readonly kind: 'renameConstraint'; readonly table: RelationName; readonly from: string; readonly to: string }
  | { readonly kind: 'alterTableOther'; readonly table: RelationName; readonly subtype: string }
  | { readonly kind: 'setting'; readonly name: string; readonly value: string | null; readonly local: boolean }
  | { readonly kind: 'transaction'; readonly action: 'begin' | 'commit' | 'rollback' | 'other' }
  | { readonly kind: 'write'; readonly table: RelationName; readonly verb: 'insert' | 'update' | 'delete'; readonly whole: boolean }
  | { readonly kind: 'opaque'; readonly what: string }
  | { readonly kind: 'other'; readonly type: string };

/** The `kind` of a {@link SchemaChange}. */
export type SchemaChangeKind = SchemaChange['kind'];

/**
 * `schema.name` as PostgreSQL would print it: parts quoted only when they need it.
 *
 * @example
 * ```ts
 * relationText({ schema: 'app', name: 'User' }); // 'app."User"'
 * ```
 */
export function relationText(relation: RelationName): string {
  return relation.schema === null ? identText(relation.name) : `${identText(relation.schema)}.${identText(relation.name)}`;
}

/** An identifier as PostgreSQL prints it (quoted when not a plain lower-case name). */
export function identText(name: string): string {
  let plain = name.length > 0 && !(name[0] >= '0' && name[0] <= '9');
  for (const ch of name) {
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch === '_')) plain = false;
  }
  return plain ? name : `"${name.split('"').join('""')}"`;
}
