import { randomBytes } from 'node:crypto';

/** The characters a revision id may have (ids are written by us as 12 hex chars; users may write others). */
const REVISION_ID = /^[0-9A-Za-z_]+$/;

/** Slugs are cut at this many characters (at a word boundary when there is one). */
const SLUG_MAX = 40;

/**
 * A new random revision id: 12 lowercase hex characters (48 random bits).
 *
 * @example
 * ```ts
 * import { newRevisionId } from 'mikro-orm-alembic';
 *
 * const id = newRevisionId(); // e.g. '1a2b3c4d5e6f'
 * ```
 */
export function newRevisionId(): string {
  return randomBytes(6).toString('hex');
}

/**
 * Whether `id` can be a revision id: one or more of `[0-9A-Za-z_]`.
 *
 * @example
 * ```ts
 * isValidRevisionId('1a2b3c4d5e6f'); // true
 * isValidRevisionId('init_schema');  // true
 * isValidRevisionId('a-b');          // false
 * ```
 */
export function isValidRevisionId(id: string): boolean {
  return REVISION_ID.test(id);
}

/**
 * The file-name slug of a message: accents dropped, lowercase, each run of other characters than
 * `a-z0-9` turned into one `_`, no `_` at either end, at most 40 characters (cut at a `_` when possible).
 * An empty or symbol-only message gives `''`.
 *
 * @example
 * ```ts
 * slugify('Add user role');            // 'add_user_role'
 * slugify('  Créer la table « Été »'); // 'creer_la_table_ete'
 * ```
 */
export function slugify(message: string): string {
  const slug = message
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (slug.length <= SLUG_MAX) return slug;
  const cut = slug.slice(0, SLUG_MAX + 1);
  const boundary = cut.lastIndexOf('_');
  return (boundary > 0 ? cut.slice(0, boundary) : slug.slice(0, SLUG_MAX)).replace(/_+$/, '');
}
