import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

/** One buffer for every read: most revisions fit, and this saves a stat and an allocation per file. */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

/**
 * A file's text as UTF-8 (what `readFileSync(path, 'utf8')` returns, also for a file with a BOM): one
 * open/read/close into a shared buffer when it fits, else the whole file. Synchronous, so the buffer is
 * never shared by two reads.
 *
 * @example
 * ```ts
 * const text = readText('/app/migrations/1a2b3c4d5e6f_users.ts');
 * ```
 */
export function readText(path: string): string {
  const fd = openSync(path, 'r');
  let length: number;
  try {
    length = readSync(fd, READ_BUFFER, 0, READ_BUFFER.length, 0);
  } finally {
    closeSync(fd);
  }
  return length < READ_BUFFER.length ? READ_BUFFER.toString('utf8', 0, length) : readFileSync(path, 'utf8');
}
