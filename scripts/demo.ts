/**
 * `npm start`: the example app's run command.
 *
 * - DATABASE_URL set: that database is the app database (nothing is started or created).
 * - DATABASE_URL unset: an embedded PostgreSQL keeps its data in `.data/embedded-pg` (first run ≈1 s for initdb,
 *   later runs reuse it), and the app database `mikro_orm_alembic_example` is created on it when missing.
 *
 * It connects, says which server it uses, and stops the embedded server again: no server is left running.
 */
import * as path from 'node:path';
import { acquireServer, connectClient, withDatabase, type AcquiredServer } from '../src/harness';

const EXAMPLE_DATABASE = 'mikro_orm_alembic_example';
const PERSISTENT_DIR = path.resolve(__dirname, '..', '.data', 'embedded-pg');

async function appDatabaseUrl(server: AcquiredServer): Promise<string> {
  if (server.source === 'DATABASE_URL') {
    return server.url;
  }
  const admin = await connectClient(server.url, { source: 'the embedded server' });
  try {
    const exists = await admin.query('select 1 from pg_database where datname = $1', [EXAMPLE_DATABASE]);
    if (exists.rowCount === 0) {
      await admin.query(`CREATE DATABASE ${EXAMPLE_DATABASE}`);
      console.log(`created database ${EXAMPLE_DATABASE}`);
    }
  } finally {
    await admin.end();
  }
  return withDatabase(server.url, EXAMPLE_DATABASE);
}

async function main(): Promise<void> {
  const server = await acquireServer({
    persistentDir: PERSISTENT_DIR,
    log: (line) => console.log(`[embedded-pg] ${line}`),
  });
  try {
    console.log(`using ${server.describe()}`);
    const url = await appDatabaseUrl(server);
    const client = await connectClient(url, { source: server.source === 'DATABASE_URL' ? 'DATABASE_URL' : 'the embedded server' });
    try {
      const { rows } = await client.query<{ version: string; db: string }>('select version() as version, current_database() as db');
      console.log(`connected to database ${rows[0]?.db}: ${rows[0]?.version}`);

      // ─── UPGRADE GOES HERE ──────────────────────────────────────────────────────────────────────────
      // Bring the example app's database to head (upgrade to 'head' with the revisions in migrations/),
      // using `url` (or `client`). To be wired when the runtime lands; until then nothing is migrated.
      // ────────────────────────────────────────────────────────────────────────────────────────────────
    } finally {
      await client.end();
    }
  } finally {
    await server.release();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
  process.exitCode = 1;
});
