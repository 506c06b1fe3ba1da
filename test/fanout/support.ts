/**
 * Fan-out test helpers: a project with three revisions that leave traces (a run counter per target), one of
 * which fails where a marker table exists, and databases / tenant schemas to fan out over.
 */
import { createThrowawayDatabase, type ThrowawayDatabase } from '../../src/harness';
import { jsRevision, query, TestProject } from '../cli/support/cli';

export const R1 = 'aaaa00000001';
export const R2 = 'aaaa00000002';
export const R3 = 'aaaa00000003';
export const ALL = [R1, R2, R3];

/**
 * A project whose revisions count their runs in `fanout_runs` (created by the first revision, so a second
 * run of it fails on `create table`); the second sleeps `sleepMs` (and 3 s where `slow_marker` is visible);
 * the third fails where `fail_marker` is visible on the search path.
 */
export function fanoutProject(options: { sleepMs?: number } = {}): TestProject {
  const project = new TestProject({ packageJson: { 'mikro-orm-alembic': { path: 'migrations' } } });
  const count = (id: string) => `this.addSql("insert into fanout_runs (revision, ran_at) values ('${id}', clock_timestamp())");`;
  project.write(
    `migrations/${R1}_runs.js`,
    jsRevision({ id: R1, down: null, message: 'runs', up: `this.addSql('create table fanout_runs (revision text not null, ran_at timestamptz not null)'); ${count(R1)}`, down_: "this.addSql('drop table fanout_runs');" }),
  );
  // slow where a slow_marker table is visible (a test can hold one target's lock as long as it needs)
  const slow = "this.addSql(\"do $$ begin if to_regclass('slow_marker') is not null then perform pg_sleep(3); end if; end $$\");";
  const sleep = `${slow} ${options.sleepMs ? `this.addSql('select pg_sleep(${options.sleepMs / 1000})');` : ''}`;
  project.write(
    `migrations/${R2}_widget.js`,
    jsRevision({ id: R2, down: R1, message: 'widget', up: `${sleep} this.addSql('create table widget (id int)'); ${count(R2)}`, down_: "this.addSql('drop table widget');" }),
  );
  project.write(
    `migrations/${R3}_gadget.js`,
    jsRevision({
      id: R3,
      down: R2,
      message: 'gadget',
      up:
        "this.addSql(\"do $$ begin if to_regclass('fail_marker') is not null then raise exception 'fail_marker is here'; end if; end $$\"); " +
        `this.addSql('create table gadget (id int)'); ${count(R3)}`,
      down_: "this.addSql('drop table gadget');",
    }),
  );
  return project;
}

/** Extra databases on the server of `serverUrl`, dropped by the returned function. */
export async function extraDatabases(serverUrl: string, n: number): Promise<{ databases: ThrowawayDatabase[]; drop: () => Promise<void> }> {
  const databases: ThrowawayDatabase[] = [];
  for (let i = 0; i < n; i++) databases.push(await createThrowawayDatabase(serverUrl, { prefix: 'mo_alembic_fanout' }));
  return { databases, drop: async () => void (await Promise.all(databases.map((d) => d.drop()))) };
}

/** Creates schemas `prefix00`..`prefixNN` in the database. */
export async function createSchemas(url: string, prefix: string, n: number): Promise<string[]> {
  const names = Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(2, '0')}`);
  await query(url, names.map((s) => `create schema "${s}"`).join(';'));
  return names;
}

/** The applied revision ids of a target (schema `null`: public), sorted; empty without a version table. */
export async function applied(url: string, schema: string | null = null): Promise<string[]> {
  const table = `${schema === null ? 'public' : `"${schema}"`}.mikro_orm_alembic_version`;
  const [{ exists }] = await query<{ exists: boolean }>(url, 'select to_regclass($1) is not null as exists', [table]);
  if (!exists) return [];
  return (await query<{ revision: string }>(url, `select revision from ${table} order by revision`)).map((r) => r.revision);
}

/** How many times each revision ran on a target (from its `fanout_runs`), e.g. `{ aaaa00000001: 1 }`. */
export async function runCounts(url: string, schema: string | null = null): Promise<Record<string, number>> {
  const table = `${schema === null ? 'public' : `"${schema}"`}.fanout_runs`;
  const [{ exists }] = await query<{ exists: boolean }>(url, 'select to_regclass($1) is not null as exists', [table]);
  if (!exists) return {};
  const rows = await query<{ revision: string; n: string }>(url, `select revision, count(*) as n from ${table} group by revision order by revision`);
  return Object.fromEntries(rows.map((r) => [r.revision, Number(r.n)]));
}
