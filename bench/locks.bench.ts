/**
 * `npm run bench:locks`: how long writers stall while a change to a populated table runs, measured the
 * way issue 13 measured it: a second connection inserts one row every 5 ms into the table while the
 * change runs; the slowest insert is the stall.
 *
 * For each change, the same tables and rows, twice:
 * - **MikroORM's statements**: the SQL MikroORM's comparator gives for the change (what its migrator's
 *   generated migration holds: autogenerate with `safeDdl: false`), run as MikroORM's migrator runs a
 *   migration: `begin`, the statements, `commit`, on one connection.
 * - **mikro-orm-alembic**: the revision autogenerate writes by default (safe-ddl on), written to a
 *   folder and applied by the runtime (`MigrationEnvironment.runtime(url).upgrade('head')`).
 *
 * BENCH_ROWS (default 300,000) rows per table. The server: DATABASE_URL, else an embedded PostgreSQL.
 * Prints a Markdown table (docs/benchmarks.md keeps the figures of a run).
 */
import 'reflect-metadata';
import { Check, Entity, Index, ManyToOne, MikroORM, PrimaryKey, Property, Unique, type Options } from '@mikro-orm/core';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { autogenerate } from '../src/autogen';
import { acquireServer, createThrowawayDatabase } from '../src/harness';
import { MigrationEnvironment } from '../src/runtime';
import { writeRevision } from '../src/script';

const ROWS = Number(process.env.BENCH_ROWS ?? 300_000);

@Entity({ tableName: 'owner' })
class Owner {
  @PrimaryKey() id!: number;
}
@Entity({ tableName: 'item' })
@Index({ name: 'item_code_idx', properties: ['code'] })
class ItemIndexed {
  @PrimaryKey() id!: number;
  @Property({ fieldName: 'owner_id', nullable: true }) ownerId?: number;
  @Property() code!: string;
  @Property() ref!: string;
  @Property({ nullable: true }) qty?: number;
}
@Entity({ tableName: 'item' })
class ItemRelation {
  @PrimaryKey() id!: number;
  @ManyToOne(() => Owner, { fieldName: 'owner_id', nullable: true }) owner?: Owner;
  @Property() code!: string;
  @Property() ref!: string;
  @Property({ nullable: true }) qty?: number;
}
@Entity({ tableName: 'item' })
@Unique({ name: 'item_ref_unique', properties: ['ref'] })
class ItemUnique {
  @PrimaryKey() id!: number;
  @Property({ fieldName: 'owner_id', nullable: true }) ownerId?: number;
  @Property() code!: string;
  @Property() ref!: string;
  @Property({ nullable: true }) qty?: number;
}
@Entity({ tableName: 'item' })
class ItemNotNull {
  @PrimaryKey() id!: number;
  @Property({ fieldName: 'owner_id', nullable: true }) ownerId?: number;
  @Property() code!: string;
  @Property() ref!: string;
  @Property() qty!: number;
}
@Entity({ tableName: 'item' })
@Check({ name: 'item_qty_positive', expression: 'qty > 0' })
class ItemCheck {
  @PrimaryKey() id!: number;
  @Property({ fieldName: 'owner_id', nullable: true }) ownerId?: number;
  @Property() code!: string;
  @Property() ref!: string;
  @Property({ nullable: true }) qty?: number;
}
@Entity({ tableName: 'item' })
class ItemNote {
  @PrimaryKey() id!: number;
  @Property({ fieldName: 'owner_id', nullable: true }) ownerId?: number;
  @Property() code!: string;
  @Property() ref!: string;
  @Property({ nullable: true }) qty?: number;
  @Property({ nullable: true }) note?: string;
}

const CASES: readonly { title: string; target: Function }[] = [
  { title: 'add an index', target: ItemIndexed },
  { title: 'turn an integer column into a relation (FK)', target: ItemRelation },
  { title: 'make a column unique', target: ItemUnique },
  { title: 'nullable → NOT NULL (no nulls present)', target: ItemNotNull },
  { title: 'add a CHECK', target: ItemCheck },
  { title: 'add a nullable column (control)', target: ItemNote },
];

async function openOrm(url: string, entities: readonly Function[]): Promise<MikroORM> {
  return MikroORM.init({
    driver: PostgreSqlDriver,
    clientUrl: url,
    entities: [...entities],
    allowGlobalContext: true,
    debug: false,
    discovery: { disableDynamicFileAccess: true, warnWhenNoEntities: false },
  } as Options);
}

async function populated(serverUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const db = await createThrowawayDatabase(serverUrl, { prefix: 'bench_locks' });
  const c = new Client({ connectionString: db.url });
  await c.connect();
  await c.query('create table owner (id serial primary key)');
  await c.query('create table item (id serial primary key, owner_id int null, code varchar(255) not null, ref varchar(255) not null, qty int null)');
  await c.query('insert into owner (id) select g from generate_series(1, 100) g');
  await c.query(`insert into item (id, owner_id, code, ref, qty) select g, 1 + g % 100, md5(g::text), 'r' || g, 1 + g % 9 from generate_series(1, ${ROWS}) g`);
  await c.query("select setval('item_id_seq', 10000000)");
  await c.query('vacuum analyze item');
  await c.end();
  return { url: db.url, drop: () => db.drop() };
}

/**
 * Inserts a row every 5 ms until stopped, in a process of its own (so that the migration's CPU work in
 * this process, compiling the revision, cannot delay it); the slowest insert in ms.
 */
function writer(url: string): { ready: Promise<void>; stop: () => Promise<number> } {
  const code = `
    const { Client } = require(${JSON.stringify(require.resolve('pg'))});
    const c = new Client({ connectionString: process.env.URL, application_name: 'bench-writer' });
    let running = true, slowest = 0, i = 0;
    process.stdin.on('data', () => { running = false; });
    (async () => {
      await c.connect();
      process.stdout.write('ready\\n');
      while (running) {
        const t = performance.now();
        await c.query("insert into item (owner_id, code, ref, qty) values (1, 'w', $1, 1)", ['w' + (i++) + '-' + Math.random()]);
        slowest = Math.max(slowest, performance.now() - t);
        await new Promise((r) => setTimeout(r, 5));
      }
      await c.end();
      process.stdout.write('slowest ' + slowest + '\\n');
      process.exit(0);
    })();`;
  const child = spawn(process.execPath, ['-e', code], { env: { ...process.env, URL: url }, stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => (onReady = r));
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.includes('ready')) onReady();
  });
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  return {
    ready,
    stop: async () => {
      child.stdin.write('stop\n');
      await exited;
      const m = /slowest ([\d.]+)/.exec(out);
      return m ? Number(m[1]) : NaN;
    },
  };
}

async function measure(serverUrl: string, target: Function, safe: boolean): Promise<{ stall: number; ms: number }> {
  const db = await populated(serverUrl);
  const dir = mkdtempSync(join(tmpdir(), 'bench-locks-'));
  try {
    const orm = await openOrm(db.url, [Owner, target]);
    const result = await autogenerate(orm, { safeDdl: safe });
    await orm.close(true);
    const w = writer(db.url);
    await w.ready;
    await new Promise((r) => setTimeout(r, 300));
    const started = performance.now();
    if (safe) {
      writeRevision({ directory: dir, heads: [], message: 'change', upBody: result.upBody, downBody: result.downBody, importFrom: resolve(__dirname, '../src/script') });
      await new MigrationEnvironment({ path: dir, preferTs: true }).runtime(db.url).upgrade('head');
    } else {
      const c = new Client({ connectionString: db.url });
      await c.connect();
      await c.query('begin');
      for (const sql of result.upSql) await c.query(sql);
      await c.query('commit');
      await c.end();
    }
    const ms = performance.now() - started;
    await new Promise((r) => setTimeout(r, 300));
    return { stall: await w.stop(), ms };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await db.drop();
  }
}

async function main(): Promise<void> {
  require('ts-node').register({ transpileOnly: true });
  const server = await acquireServer();
  try {
    const rows: string[] = [];
    for (const c of CASES) {
      const plain = await measure(server.url, c.target, false);
      const ours = await measure(server.url, c.target, true);
      const line = `| ${c.title} | ${(plain.stall / 1000).toFixed(2)} s (run ${(plain.ms / 1000).toFixed(1)} s) | ${Math.round(ours.stall)} ms (run ${(ours.ms / 1000).toFixed(1)} s) |`;
      console.log(line);
      rows.push(line);
    }
    console.log(`\n${ROWS.toLocaleString('en')} rows; slowest insert of a writer inserting every 5 ms while the change ran\n`);
    console.log("| change on a populated table | MikroORM's statements (begin … commit) | mikro-orm-alembic (safe-ddl) |\n|---|---|---|");
    for (const r of rows) console.log(r);
  } finally {
    await server.release();
  }
}

void main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
