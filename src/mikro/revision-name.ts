/**
 * The name MikroORM's CLI shows for a revision (`migration:list`, `migration:pending`, `up`/`down`
 * results): `<id> <first line of the message>`, or the id alone when the message is empty.
 *
 * @example
 * ```ts
 * import { revisionDisplayName } from 'mikro-orm-alembic';
 *
 * revisionDisplayName('1a2b3c4d5e6f', 'Add user role\n\nLonger text'); // '1a2b3c4d5e6f Add user role'
 * revisionDisplayName('1a2b3c4d5e6f', '');                             // '1a2b3c4d5e6f'
 * ```
 */
export function revisionDisplayName(id: string, message: string | undefined): string {
  const first = (message ?? '').split(/\r?\n/, 1)[0].trim();
  return first === '' ? id : `${id} ${first}`;
}

/**
 * The revision a name given to MikroORM's migrator API stands for: the first word, so a name copied
 * from `migration:list` (`1a2b3c4d5e6f Add user role`) works as well as the id or any other target.
 *
 * @example
 * ```ts
 * import { targetOfName } from 'mikro-orm-alembic';
 *
 * targetOfName('1a2b3c4d5e6f Add user role'); // '1a2b3c4d5e6f'
 * targetOfName(' billing@head ');             // 'billing@head'
 * ```
 */
export function targetOfName(name: string): string {
  return name.trim().split(/\s+/, 1)[0];
}
