/**
 * `npm start`: the example app's run command.
 *
 * - DATABASE_URL set: that database is the app database (nothing is started or created).
 * - DATABASE_URL unset: an embedded PostgreSQL keeps its data in `.data/embedded-pg` (first run ≈1 s for initdb,
 *   later runs reuse it), and the app database `mikro_orm_alembic_example` is created on it when missing.
 *
 * It starts MikroORM with the example's config (`mikro-orm.config.ts`: the plugin, the entities of `entities/`),
 * upgrades the database to head with the revisions of `migrations/` (what `npx mikro-orm migration:up` does), shows
 * the `user_role` enum type the chain created, and draws the revision history with the bin's `history --graph`.
 * Then it stops the embedded server again: no server is left running.
 */
import * as path from 'node:path';
import { MikroORM } from '@mikro-orm/postgresql';
import { runCli } from '../src/cli/main';
import { acquireServer, connectClient, withDatabase, type AcquiredServer } from '../src/harness';
import { alembicMigrator } from '../src/mikro';

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
    // the example's config reads DATABASE_URL when it is loaded (and the bin below loads the same module)
    process.env.DATABASE_URL = url;
    const config = (require('../mikro-orm.config') as typeof import('../mikro-orm.config')).default;
    const orm = await MikroORM.init(config);
    try {
      const migrator = alembicMigrator(orm);
      const before = await migrator.current();
      console.log(`database at ${before.heads.length > 0 ? before.heads.join(', ') : 'base (nothing applied)'}; head is ${migrator.heads().join(', ')}`);
      const result = await migrator.upgrade('head');
      console.log(
        result.ran.length === 0
          ? 'already at head: nothing to run'
          : `upgraded ${result.ran.length} revision(s) in ${result.ran.reduce((ms, r) => ms + r.ms, 0).toFixed(0)} ms; now at ${result.headsAfter.join(', ')}`,
      );
      const [roles] = await orm.em.getConnection().execute<{ labels: string }[]>(`select enum_range(null::user_role)::text as labels`);
      console.log(`enum type user_role: ${roles?.labels}`);
    } finally {
      await orm.close(true);
    }

    console.log('\n$ npx mikro-orm-alembic history --graph');
    const code = await runCli(['node', 'mikro-orm-alembic', 'history', '--graph'], { cwd: path.resolve(__dirname, '..') });
    if (code !== 0) process.exitCode = code;
  } finally {
    await server.release();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
  process.exitCode = 1;
});
