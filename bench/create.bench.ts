/**
 * `npm run bench:create`: `migration:create` on a generated model of 200 entities (columns of several
 * types, a many-to-one chain, indexes, unique constraints, native enums), timed in the same run for
 * the plugin (`alembic()`) and for MikroORM's own migrator (`@mikro-orm/migrations`, default options),
 * each on its own fresh database and folder, alternating A B A B. Two cases:
 *
 * - initial: an empty database → a revision creating the 200 tables;
 * - incremental: the 200 tables exist (the database at head) → a revision adding one column.
 *
 * What is timed is the `createMigration()` call that `npx mikro-orm migration:create` makes (ORM start-up
 * is the same for both and left out). Prints the medians and the ratio plugin / MikroORM (goal ≤ 1.2).
 * `DATABASE_URL` selects the server (else an embedded PostgreSQL); `BENCH_ROUNDS` (default 5).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { EntitySchema, type MikroORM, type Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { MikroORM as PgMikroORM } from '@mikro-orm/postgresql';
import { acquireServer, createThrowawayDatabase } from '../src/harness';
import { alembic, alembicMigrator } from '../src/mikro';

const ENTITIES = 200;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const PLUGIN_SRC = resolve(__dirname, '..', 'src');

// a full garbage collection before each timed call, so neither contestant pays for the other's garbage
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** The generated model; `extraColumn` adds one column to entity 0 (the incremental change). */
export function model(extraColumn: boolean): EntitySchema[] {
  const schemas: EntitySchema[] = [];
  for (let i = 0; i < ENTITIES; i++) {
    const name = `Thing${i}`;
    const properties: Record<string, unknown> = {
      id: { type: 'number', primary: true },
      name: { type: 'string', length: 120 },
      code: { type: 'string', unique: i % 4 === 0 },
      amount: { type: 'decimal', precision: 10, scale: 2, nullable: true },
      count: { type: 'integer', default: 0 },
      note: { type: 'text', nullable: true },
      active: { type: 'boolean', default: true },
      createdAt: { type: 'Date', onCreate: () => new Date() },
    };
    if (i % 10 === 0) {
      properties.status = { enum: true, items: ['draft', 'live', 'archived'], nativeEnumName: `status_${i}`, default: 'draft' };
    }
    if (i > 0) properties.parent = { kind: 'm:1', entity: `Thing${i - 1}`, nullable: true };
    if (extraColumn && i === 0) properties.extra = { type: 'string', nullable: true };
    schemas.push(
      new EntitySchema({
        name,
        tableName: `thing_${i}`,
        properties: properties as never,
        indexes: i % 3 === 0 ? [{ properties: ['name'] }] : [],
      }),
    );
  }
  return schemas;
}

type Contestant = 'plugin' | 'mikro-orm';

async function open(contestant: Contestant, url: string, dir: string, extraColumn: boolean): Promise<MikroORM> {
  const options: Options = {
    clientUrl: url,
    entities: model(extraColumn),
    debug: false,
    allowGlobalContext: true,
    discovery: { warnWhenNoEntities: false },
    migrations: { path: dir, pathTs: dir, silent: true },
    extensions: contestant === 'plugin' ? [alembic({ path: dir, importFrom: PLUGIN_SRC })] : [Migrator],
  };
  return PgMikroORM.init(options as never);
}

/** One timed `createMigration()`; for `incremental`, the 200 tables exist first (and the plugin's database is at head). */
async function once(contestant: Contestant, serverUrl: string, incremental: boolean): Promise<number> {
  const db = await createThrowawayDatabase(serverUrl, { prefix: 'bench_create' });
  const dir = mkdtempSync(join(tmpdir(), 'bench-create-'));
  try {
    if (incremental) {
      const setup = await open(contestant, db.url, dir, false);
      await setup.schema.createSchema();
      if (contestant === 'plugin') {
        const base = await alembicMigrator(setup).createRevision({ message: 'existing schema', autogenerate: false });
        alembicMigrator(setup).refresh();
        await alembicMigrator(setup).stamp(base.id as string);
      }
      await setup.close(true);
    }
    const orm = await open(contestant, db.url, dir, incremental);
    try {
      collectGarbage();
      const start = performance.now();
      const result = await orm.migrator.createMigration();
      const ms = performance.now() - start;
      // both must have produced the same change: 200 tables, or the one column
      const up = result.diff.up.join('\n');
      const made = incremental ? /add column "extra"/.test(up) : (up.match(/create table/g) ?? []).length === ENTITIES;
      if (!made) throw new Error(`${contestant}: unexpected migration:\n${up.slice(0, 2000)}`);
      return ms;
    } finally {
      await orm.close(true);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await db.drop();
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function main(): Promise<void> {
  const server = await acquireServer();
  let worst = 0;
  try {
    console.log(`migration:create on ${ENTITIES} entities, ${ROUNDS} rounds each, ${server.describe()}`);
    for (const incremental of [false, true]) {
      const times: Record<Contestant, number[]> = { plugin: [], 'mikro-orm': [] };
      await once('plugin', server.url, incremental); // warm-up (module loading, JIT), not counted
      await once('mikro-orm', server.url, incremental);
      for (let round = 0; round < ROUNDS; round++) {
        for (const contestant of (round % 2 ? ['mikro-orm', 'plugin'] : ['plugin', 'mikro-orm']) as Contestant[]) {
          times[contestant].push(await once(contestant, server.url, incremental));
        }
      }
      const plugin = median(times.plugin);
      const mikro = median(times['mikro-orm']);
      const ratio = plugin / mikro;
      worst = Math.max(worst, ratio);
      const label = incremental ? 'incremental (200 tables exist, one column added)' : 'initial (empty database, 200 tables created)';
      console.log(`\n${label}`);
      console.log(`  plugin     median ${plugin.toFixed(0).padStart(6)} ms  (${times.plugin.map((t) => t.toFixed(0)).join(', ')})`);
      console.log(`  MikroORM   median ${mikro.toFixed(0).padStart(6)} ms  (${times['mikro-orm'].map((t) => t.toFixed(0)).join(', ')})`);
      console.log(`  ratio plugin / MikroORM: ${ratio.toFixed(2)} (goal ≤ 1.20: ${ratio <= 1.2 ? 'met' : 'NOT met'})`);
    }
  } finally {
    await server.release();
  }
  console.log(`\nworst ratio: ${worst.toFixed(2)}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
