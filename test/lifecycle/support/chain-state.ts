/** What a database says about a chain (see `chain.ts`): the three records that must agree. */
import { expect } from 'chai';
import { Client } from 'pg';
import { readSchemaSnapshot, type SchemaSnapshot } from '../../../src/testing/schema-snapshot';
import type { Chain } from './chain';
import { query } from './processes';

export const VERSION_TABLE = 'public.mikro_orm_alembic_version';

/** The chain's state in a database. */
export interface ChainState {
  /** Revision numbers (1-based) recorded in the version table. */
  readonly applied: number[];
  /** Revision numbers whose table `t_<n>` exists. */
  readonly tables: number[];
  /** Revision numbers logged in `rev_log`. */
  readonly logged: number[];
  /** How many rows each revision has in the version table (must be 1). */
  readonly versionRows: number;
}

export async function readChainState(url: string, chain: Chain): Promise<ChainState> {
  const number = new Map(chain.ids.map((id, i) => [id, i + 1]));
  const [{ version, log }] = await query<{ version: string | null; log: string | null }>(
    url,
    `select to_regclass('${VERSION_TABLE}')::text as version, to_regclass('public.rev_log')::text as log`,
  );
  const rows = version ? await query<{ revision: string }>(url, `select revision from ${VERSION_TABLE}`) : [];
  const tables = await query<{ name: string }>(url, `select tablename as name from pg_tables where schemaname = 'public' and tablename ~ '^t_[0-9]+$'`);
  const logged = log ? await query<{ n: number }>(url, 'select n from rev_log') : [];
  const sorted = (xs: number[]) => xs.sort((a, b) => a - b);
  return {
    applied: sorted(rows.map((r) => number.get(r.revision) ?? -1)),
    tables: sorted(tables.map((t) => Number(t.name.slice(2)))),
    logged: sorted(logged.map((r) => Number(r.n))),
    versionRows: rows.length,
  };
}

/** The invariant: the schema is exactly that of the revisions recorded as applied, each recorded once, a prefix of the chain. */
export function expectConsistent(state: ChainState, context = ''): void {
  const prefix = Array.from({ length: state.applied.length }, (_, i) => i + 1);
  expect(state.applied, `applied revisions form a prefix of the chain ${context}`).to.deep.equal(prefix);
  expect(state.versionRows, `one version row per applied revision ${context}`).to.equal(state.applied.length);
  expect(state.tables, `tables = applied revisions ${context}`).to.deep.equal(state.applied);
  expect(state.logged, `log rows = applied revisions ${context}`).to.deep.equal(state.applied);
}

/** The schema snapshot of a database, without the version table. */
export async function snapshot(url: string): Promise<SchemaSnapshot> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await readSchemaSnapshot(client, { ignoreTables: [VERSION_TABLE] });
  } finally {
    await client.end();
  }
}

/** Empties a database's `public` schema (tables, the version table). */
export async function resetDatabase(url: string): Promise<void> {
  await query(url, 'drop schema public cascade; create schema public');
}

/** Advisory locks held in the database. */
export async function advisoryLockCount(url: string): Promise<number> {
  const [{ n }] = await query<{ n: number }>(
    url,
    "select count(*)::int as n from pg_locks where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())",
  );
  return n;
}

/** Sessions in the database other than ours (the apps' leftovers). */
export async function otherSessions(url: string): Promise<{ pid: number; application_name: string; state: string }[]> {
  return query(
    url,
    "select pid, application_name, state from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and application_name <> 'lifecycle-test'",
  );
}
