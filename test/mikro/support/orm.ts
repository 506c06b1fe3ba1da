/** ORMs and revision folders for the plugin's in-process tests. */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { MikroORM as AnyMikroORM, Options } from '@mikro-orm/core';
import { MikroORM } from '@mikro-orm/postgresql';
import { alembic, type AlembicOptions } from '../../../src/mikro';
import { writeRevision, type WrittenRevision } from '../../../src/script';
import { Client } from 'pg';

/** Import path generated revisions use for `Revision` (this repository's sources). */
export const PLUGIN_SRC = resolve(__dirname, '..', '..', '..', 'src');

/** A temporary folder, removed by `cleanup()`. */
export function tempDir(prefix = 'mikro-alembic-'): { path: string; cleanup(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** An ORM on `url` with the plugin (its migrations in `dir`) and the given entities. */
export async function initOrm(
  url: string,
  dir: string,
  entities: Options['entities'],
  plugin: AlembicOptions = {},
  extra: Partial<Options> = {},
): Promise<AnyMikroORM> {
  return MikroORM.init({
    clientUrl: url,
    entities,
    extensions: [alembic({ path: dir, importFrom: PLUGIN_SRC, ...plugin })],
    debug: false,
    allowGlobalContext: true,
    migrations: { silent: true },
    ...extra,
  });
}

/** Writes a revision with SQL steps on `head` (default: the single head of `heads`). */
export function addRevision(
  dir: string,
  heads: readonly string[],
  options: { message: string; up?: string[]; down?: string[]; head?: string | readonly string[] | null; branchLabels?: string[] },
): WrittenRevision {
  const body = (sql: string[] | undefined) => (sql ?? []).map((s) => `this.addSql(${JSON.stringify(s)});`).join('\n') || '// nothing';
  return writeRevision({
    directory: dir,
    heads,
    message: options.message,
    head: options.head,
    branchLabels: options.branchLabels,
    upBody: body(options.up),
    downBody: body(options.down),
    importFrom: PLUGIN_SRC,
  });
}

/** Runs one query on a fresh connection and returns its rows. */
export async function query<T extends Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Every user table as `schema.table`, sorted. */
export async function tables(url: string): Promise<string[]> {
  const rows = await query<{ t: string }>(
    url,
    "select table_schema || '.' || table_name as t from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema') order by 1",
  );
  return rows.map((r) => r.t);
}
