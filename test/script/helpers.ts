import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { RevisionContext } from '../../src/script/revision-context';

/** The module revision files written by the tests import `Revision` from (this checkout's source). */
export const SCRIPT_MODULE = resolve(__dirname, '../../src/script');

const created: string[] = [];

/** A fresh temporary folder, removed by `removeTempDirs()`. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mikro-orm-alembic-script-'));
  created.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Writes `files` (relative name → content) under `dir`. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
}

/** The error `fn` throws (fails the test if it does not throw). */
export function thrown(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected an error, none was thrown');
}

/** The error the promise rejects with. */
export async function rejected(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected a rejection, the promise resolved');
}

/** A minimal revision source in the documented format. */
export function revisionSource(fields: {
  id: string;
  down?: string;
  extra?: string;
  header?: string | null;
  importFrom?: string;
  body?: string;
}): string {
  const header =
    fields.header === null
      ? ''
      : (fields.header ?? `/**\n * Test revision ${fields.id}\n *\n * Revision ID: ${fields.id}\n */\n`);
  return (
    header +
    `import { Revision } from ${JSON.stringify(fields.importFrom ?? 'mikro-orm-alembic')};\n` +
    '\n' +
    `export class Rev${fields.id} extends Revision {\n` +
    `  override readonly revision = '${fields.id}';\n` +
    `  override readonly downRevision = ${fields.down ?? 'null'};\n` +
    (fields.extra ?? '') +
    '\n' +
    '  override async up(): Promise<void> {\n' +
    (fields.body ?? '') +
    '  }\n' +
    '}\n'
  );
}

/** A context that records what the revision asks for, as one list of events. */
export class RecordingContext implements RevisionContext {
  readonly events: string[] = [];
  readonly params: (readonly unknown[] | undefined)[] = [];

  constructor(
    readonly offline = false,
    private readonly failOn?: RegExp,
    private readonly rows: Record<string, unknown>[] = [],
  ) {}

  async query(sql: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]> {
    this.events.push(sql);
    this.params.push(params);
    if (this.failOn?.test(sql)) {
      throw Object.assign(new Error(`relation "missing" does not exist`), { code: '42P01' });
    }
    return this.rows;
  }

  async autocommit<T>(fn: () => Promise<T>): Promise<T> {
    this.events.push('<commit>');
    const result = await fn();
    this.events.push('<begin>');
    return result;
  }
}
