/**
 * `npm run bench:fanout`: upgrading many tenant schemas (issue 15): BENCH_TENANTS (default 1,000) tenant
 * schemas × BENCH_REVISIONS (default 10) revisions (`create table "t_NNNNN" (id int)` each, compiled `.js`
 * files), each scenario on fresh databases, whole-process wall time:
 *
 * - **fan-out, one server**: `node main.js --url <db> upgrade head --tenants-query "<the tenant schemas>"
 *   --concurrency N` (N = 1, 4, 8, 16): one process, one connection per running target; targets per
 *   second and the speed-up over N = 1.
 * - **fan-out, two servers**: the tenants spread over the machine's server (DATABASE_URL) and an embedded
 *   PostgreSQL cluster started here (src/harness/embedded-server.ts; a temporary cluster with fsync off),
 *   half each, as a `--targets` file, at concurrency 16.
 * - **the peer**: what users script today, a shell loop running the single-target command per tenant
 *   (`for s in ...; do node main.js --url <db> upgrade head --schema $s; done`), on BENCH_PEER_TENANTS
 *   (default 40) tenants (a process per tenant: the whole 1,000 would take minutes), as targets per second.
 *
 * Every run is checked: each tenant schema holds every table and its version table every revision.
 * Prints a Markdown table with ratios to the peer (docs/benchmarks.md keeps a run's figures).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { acquireServer, createThrowawayDatabase, startEmbeddedServer, type ThrowawayDatabase } from '../src/harness';
import { binProject, buildCli, machine, tableName, tempDir, timeProcess } from './support/bench-kit';

const TENANTS = Number(process.env.BENCH_TENANTS ?? 1000);
const REVISIONS = Number(process.env.BENCH_REVISIONS ?? 10);
const PEER_TENANTS = Math.min(TENANTS, Number(process.env.BENCH_PEER_TENANTS ?? 40));
const LEVELS = (process.env.BENCH_CONCURRENCY ?? '1,4,8,16').split(',').map(Number);
const TWO_SERVER_CONCURRENCY = 16;

const schemaName = (i: number) => `tenant_${String(i + 1).padStart(5, '0')}`;
const TENANTS_QUERY = "select nspname from pg_namespace where nspname like 'tenant\\_%' order by 1";

async function run(url: string, sql: string): Promise<Record<string, unknown>[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query(sql);
    return (Array.isArray(result) ? result[result.length - 1] : result).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}

/** A fresh database with `count` empty tenant schemas, `from` the first index. */
async function tenantDatabase(serverUrl: string, count: number, from = 0): Promise<ThrowawayDatabase> {
  const db = await createThrowawayDatabase(serverUrl, { prefix: 'bench_fanout' });
  const statements: string[] = [];
  for (let i = from; i < from + count; i++) statements.push(`create schema ${schemaName(i)}`);
  for (let i = 0; i < statements.length; i += 500) await run(db.url, statements.slice(i, i + 500).join(';'));
  return db;
}

/** Every tenant schema of `db` has the last table and all its version rows. */
async function verify(url: string, count: number): Promise<void> {
  const last = tableName(REVISIONS - 1);
  const [tables] = await run(url, `select count(*)::int as n from pg_tables where tablename = '${last}' and schemaname like 'tenant\\_%'`);
  const [rows] = await run(
    url,
    `select coalesce(sum((xpath('/row/n/text()', query_to_xml(format('select count(*) as n from %I.mikro_orm_alembic_version', nspname), false, true, '')))[1]::text::int), 0)::int as n
       from pg_namespace where nspname like 'tenant\\_%'`,
  );
  if (tables.n !== count || rows.n !== count * REVISIONS) {
    throw new Error(`check failed: ${String(tables.n)} of ${count} tenants have ${last}, ${String(rows.n)} of ${count * REVISIONS} version rows`);
  }
}

interface Row {
  readonly scenario: string;
  readonly targets: number;
  readonly concurrency: string;
  readonly ms: number;
}

async function main(): Promise<void> {
  const cli = buildCli();
  const project = binProject(REVISIONS);
  const server = await acquireServer();
  const rows: Row[] = [];
  const node = process.execPath;
  process.stdout.write(`# bench:fanout\n\n${machine()}\nserver: ${server.describe()}\n${TENANTS} tenant schemas × ${REVISIONS} revisions; peer on ${PEER_TENANTS} tenants\n\n`);

  try {
    // the peer: one single-target process per tenant, in a shell loop
    {
      const db = await tenantDatabase(server.url, PEER_TENANTS);
      try {
        const schemas = Array.from({ length: PEER_TENANTS }, (_, i) => schemaName(i)).join(' ');
        const script = `for s in ${schemas}; do "$NODE" "$MAIN" --url "$URL" upgrade head --schema "$s" > /dev/null || exit 1; done`;
        const { ms } = timeProcess('bash', ['-c', script], { cwd: project, env: { ...process.env, NODE: node, MAIN: cli.main, URL: db.url } });
        await verify(db.url, PEER_TENANTS);
        rows.push({ scenario: 'peer: shell loop of `upgrade head --schema <tenant>`', targets: PEER_TENANTS, concurrency: '1 process per tenant', ms });
        process.stderr.write(`  peer: ${PEER_TENANTS} tenants in ${(ms / 1000).toFixed(1)} s\n`);
      } finally {
        await db.drop();
      }
    }

    // the fan-out on one server, at each concurrency
    for (const level of LEVELS) {
      const db = await tenantDatabase(server.url, TENANTS);
      try {
        const { ms } = timeProcess(node, [cli.main, '--url', db.url, 'upgrade', 'head', '--tenants-query', TENANTS_QUERY, '--concurrency', String(level)], { cwd: project });
        await verify(db.url, TENANTS);
        rows.push({ scenario: 'fan-out, one server: `upgrade head --tenants-query ...`', targets: TENANTS, concurrency: String(level), ms });
        process.stderr.write(`  fan-out c=${level}: ${TENANTS} tenants in ${(ms / 1000).toFixed(1)} s\n`);
      } finally {
        await db.drop();
      }
    }

    // the fan-out over two servers: the machine's and an embedded cluster, half the tenants each
    const embedded = await startEmbeddedServer();
    try {
      const half = Math.floor(TENANTS / 2);
      const first = await tenantDatabase(server.url, half);
      const second = await tenantDatabase(embedded.url, TENANTS - half, half);
      try {
        const targets = [
          ...Array.from({ length: half }, (_, i) => ({ name: `a/${schemaName(i)}`, url: first.url, schema: schemaName(i) })),
          ...Array.from({ length: TENANTS - half }, (_, i) => ({ name: `b/${schemaName(half + i)}`, url: second.url, schema: schemaName(half + i) })),
        ];
        const file = join(tempDir('bench-fanout-'), 'targets.json');
        writeFileSync(file, JSON.stringify(targets));
        const { ms } = timeProcess(node, [cli.main, 'upgrade', 'head', '--targets', file, '--concurrency', String(TWO_SERVER_CONCURRENCY)], { cwd: project });
        await verify(first.url, half);
        await verify(second.url, TENANTS - half);
        rows.push({ scenario: 'fan-out, two servers (machine + embedded): `upgrade head --targets <file>`', targets: TENANTS, concurrency: String(TWO_SERVER_CONCURRENCY), ms });
        process.stderr.write(`  two servers c=${TWO_SERVER_CONCURRENCY}: ${TENANTS} tenants in ${(ms / 1000).toFixed(1)} s\n`);
      } finally {
        await first.drop();
        await second.drop();
      }
    } finally {
      await embedded.stop();
    }
  } finally {
    await server.release();
  }

  const peer = rows[0];
  const peerRate = peer.targets / (peer.ms / 1000);
  const base = rows.find((r) => r.concurrency === '1' && r.scenario.startsWith('fan-out, one'));
  const baseRate = base === undefined ? undefined : base.targets / (base.ms / 1000);
  const lines = [
    '| scenario | targets | concurrency | wall time | targets/s | vs concurrency 1 | vs the peer |',
    '| --- | ---: | --- | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    const rate = r.targets / (r.ms / 1000);
    const scaling = baseRate === undefined || r === peer ? '' : `${(rate / baseRate).toFixed(2)}×`;
    lines.push(`| ${r.scenario} | ${r.targets} | ${r.concurrency} | ${(r.ms / 1000).toFixed(1)} s | ${rate.toFixed(1)} | ${scaling} | ${r === peer ? '1×' : `${(rate / peerRate).toFixed(1)}×`} |`);
  }
  const load = spawnSync('uptime', { encoding: 'utf8' }).stdout.trim();
  process.stdout.write(`${lines.join('\n')}\n\nuptime at the end: ${load}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
