/**
 * Chains of generated revisions for the squash tests: written with the real writer into a temporary
 * folder, each revision creating a table or adding a column (so every position of a chain has its
 * own schema), with a first revision before the run and one after it.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../../src/harness/throwaway-database';
import { testServer } from '../support/database';
import { readSchemaSnapshot, type SchemaSnapshot } from '../../src/testing/schema-snapshot';
import { writeRevision } from '../../src/script/revision-writer';

export const IMPORT_FROM = resolve(__dirname, '../../src/script/revision');
export const VERSION_TABLE = 'public.mikro_orm_alembic_version';

/** `pre`, then `run` revisions (what gets squashed), then `post`; ids are 12 hex chars in file order. */
export interface GeneratedChain {
  readonly dir: string;
  readonly pre: string;
  readonly run: readonly string[];
  readonly post: string;
}

export function revisionId(i: number): string {
  return `a${i.toString(16).padStart(11, '0')}`;
}

/** Writes the chain: revision i creates table t<i/10> (i % 10 === 0) or adds column c<i> to it. */
export function writeChain(runLength: number, dir = mkdtempSync(join(tmpdir(), 'mo-alembic-squash-'))): GeneratedChain {
  const total = runLength + 2;
  const date = new Date('2026-01-01T00:00:00Z');
  for (let i = 0; i < total; i++) {
    const table = `"t${Math.floor(i / 10)}"`;
    const up = i % 10 === 0 ? `create table ${table} ("id" int primary key)` : `alter table ${table} add column "c${i}" text default 'v''${i}'`;
    const down = i % 10 === 0 ? `drop table ${table}` : `alter table ${table} drop column "c${i}"`;
    writeRevision({
      directory: dir,
      heads: [],
      head: i === 0 ? null : revisionId(i - 1),
      splice: true,
      message: `step ${i}`,
      revId: revisionId(i),
      createDate: date,
      importFrom: IMPORT_FROM,
      upBody: `this.addSql(${JSON.stringify(up)});`,
      downBody: `this.addSql(${JSON.stringify(down)});`,
    });
  }
  const ids = Array.from({ length: total }, (_, i) => revisionId(i));
  return { dir, pre: ids[0], run: ids.slice(1, total - 1), post: ids[total - 1] };
}

/** Deletes the files of these revisions from the folder. */
export function deleteRevisionFiles(dir: string, ids: readonly string[]): void {
  const gone = new Set(ids);
  for (const name of readdirSync(dir)) if (gone.has(name.slice(0, 12))) rmSync(join(dir, name));
}

export async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export function snapshot(url: string): Promise<SchemaSnapshot> {
  return withClient(url, (client) => readSchemaSnapshot(client, { ignoreTables: [VERSION_TABLE] }));
}

/** The version table's ids, sorted. */
export function recorded(url: string): Promise<string[]> {
  return withClient(url, async (client) => (await client.query<{ revision: string }>(`select revision from ${VERSION_TABLE}`)).rows.map((r) => r.revision).sort());
}

/**
 * Throw-away databases for one suite: `create()` makes one (its URL), `dropAll()` drops every one made
 * (call it in `after`).
 */
export function squashDatabases(): { create(): Promise<string>; dropAll(): Promise<void> } {
  const databases: ThrowawayDatabase[] = [];
  return {
    async create() {
      const db = await createThrowawayDatabase((await testServer()).url, { prefix: 'mo_alembic_squash' });
      databases.push(db);
      return db.url;
    },
    async dropAll() {
      for (const db of databases.splice(0)) await db.drop();
    },
  };
}
