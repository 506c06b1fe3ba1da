/**
 * Branched fixture projects for the conflict tests: a migrations folder in a temporary directory,
 * written with the real writer, one revision per spec.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeRevision } from '../../../src/script';

const IMPORT_FROM = resolve(__dirname, '../../../src/script/revision');

/** One revision: its parent(s), and its up()/down() as SQL statements or as raw TypeScript. */
export interface RevisionSpec {
  readonly id: string;
  readonly parent: string | readonly string[] | null;
  readonly message?: string;
  readonly up?: readonly string[];
  readonly down?: readonly string[];
  /** Raw body of up() (instead of `up`). */
  readonly upBody?: string;
}

const folders: string[] = [];
after(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

/** The folder of a project with these revisions (removed after the run). */
export function branchedFolder(specs: readonly RevisionSpec[], importFrom: string = IMPORT_FROM): string {
  const dir = mkdtempSync(join(tmpdir(), 'mo-alembic-conflicts-'));
  folders.push(dir);
  writeSpecs(dir, specs, importFrom);
  return dir;
}

/** Writes revisions into `dir`. */
export function writeSpecs(dir: string, specs: readonly RevisionSpec[], importFrom: string = IMPORT_FROM): void {
  const body = (sql: readonly string[]) => sql.map((s) => `this.addSql(${JSON.stringify(s)});`).join('\n');
  for (const s of specs) {
    writeRevision({
      directory: dir,
      heads: [],
      head: s.parent === null ? null : typeof s.parent === 'string' ? s.parent : [...s.parent],
      splice: true,
      message: s.message ?? `revision ${s.id}`,
      revId: s.id,
      createDate: new Date('2026-01-01T00:00:00Z'),
      importFrom,
      upBody: s.upBody ?? body(s.up ?? []),
      downBody: body(s.down ?? []),
    });
  }
}

/** The merge base of every fixture: users with an email and a status enum, posts with a title. */
export const BASE: RevisionSpec = {
  id: 'a0a0a0a0a0a0',
  parent: null,
  message: 'users and posts',
  up: [
    `create type "status" as enum ('active', 'inactive')`,
    `create table "user" ("id" serial primary key, "email" text, "status" "status" not null default 'active')`,
    `create table "post" ("id" serial primary key, "title" text, "author_id" int references "user" ("id"))`,
  ],
  down: [`drop table "post"`, `drop table "user"`, `drop type "status"`],
};
