import { isAbsolute, relative } from 'node:path';

/**
 * A path as messages show it: relative to the working directory when inside it
 * (`migrations/1a2b3c4d5e6f_add_role.ts`), else absolute.
 * @internal
 */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  if (rel === '') return '.';
  return !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}
