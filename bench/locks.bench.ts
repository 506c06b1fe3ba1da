/**
 * `npm run bench:locks`: how long writers stall while a change to a populated table runs, measured the
 * way issue 13 measured it: a second process inserts one row every 5 ms into the table while
 * `npx mikro-orm migration:up` runs the change; the slowest insert is the stall.
 *
 * For each change, the same tables and rows (a database cloned from a populated template), twice:
 * - **MikroORM's migrator**: a project with `extensions: [Migrator]` (`@mikro-orm/migrations` 6.6.16) and
 *   the migration MikroORM's own `createMigration()` writes for the change, applied by
 *   `mikro-orm migration:up` (the real `@mikro-orm/cli`, in a process of its own);
 * - **mikro-orm-alembic**: the same project with `extensions: [alembic()]` and the revision this
 *   project's autogenerate writes by default (safe-ddl on), applied by the same `mikro-orm migration:up`.
 * Both projects use compiled JavaScript (the plugin compiled once with tsc, the revision transpiled), so
 * neither child spends seconds in ts-node beside the writer.
 *
 * Rows: BENCH_INDEX_ROWS (default 1,000,000) for the changes that build an index (index, unique, foreign
 * key: MikroORM indexes the relation's column), BENCH_SCAN_ROWS (default 3,000,000) for the ones that
 * scan (NOT NULL, CHECK, the control). BENCH_ONLY=<text> runs the cases whose title contains it;
 * BENCH_TRACE=1 prints what the writer waited for (waits of BENCH_TRACE_MS, default 20, or more).
 * The server: DATABASE_URL, else an embedded PostgreSQL. Prints a Markdown table (docs/benchmarks.md
 * keeps the figures of a run).
 */
import 'reflect-metadata';
import { Check, Entity, Index, ManyToOne, MikroORM, PrimaryKey, Property, Unique, type Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import * as ts from 'typescript';
import { autogenerate } from '../src/autogen';
import { acquireServer, dropDatabase, withDatabase } from '../src/harness';
import { writeRevision } from '../src/script';
import { buildCli, ROOT, tempDir } from './support/bench-kit';

const INDEX_ROWS = Number(process.env.BENCH_INDEX_ROWS ?? 1_000_000);
const SCAN_ROWS = Number(process.env.BENCH_SCAN_ROWS ?? 3_000_000);
const ONLY = process.env.BENCH_ONLY;
const MIKRO_CLI = join(ROOT, 'node_modules', '@mikro-orm', 'cli', 'cli.js');

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

type Scale = 'index' | 'scan';
const CASES: readonly { title: string; target: Function; scale: Scale }[] = [
  { title: 'add an index', target: ItemIndexed, scale: 'index' },
  { title: 'turn an integer column into a relation (FK)', target: ItemRelation, scale: 'index' },
  { title: 'make a column unique', target: ItemUnique, scale: 'index' },
  { title: 'nullable → NOT NULL (no nulls present)', target: ItemNotNull, scale: 'scan' },
  { title: 'add a CHECK', target: ItemCheck, scale: 'scan' },
  { title: 'add a nullable column (control)', target: ItemNote, scale: 'scan' },
];

async function openOrm(url: string, entities: readonly Function[], migrations?: string): Promise<MikroORM> {
  return MikroORM.init({
    driver: PostgreSqlDriver,
    clientUrl: url,
    entities: [...entities],
    allowGlobalContext: true,
    debug: false,
    discovery: { disableDynamicFileAccess: true, warnWhenNoEntities: false },
    ...(migrations === undefined ? {} : { extensions: [Migrator], migrations: { path: migrations, emit: 'js', snapshot: false } }),
  } as Options);
}

async function query(url: string, sql: string): Promise<void> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** A database of `rows` items, made once per size, that each measurement clones (`create database ... template`). */
async function template(serverUrl: string, rows: number): Promise<string> {
  const name = `bench_locks_seed_${process.pid}_${rows}`;
  await dropDatabase(serverUrl, name);
  await query(serverUrl, `create database "${name}"`);
  const url = withDatabase(serverUrl, name);
  const started = performance.now();
  await query(
    url,
    [
      'create table owner (id serial primary key)',
      'create table item (id serial primary key, owner_id int null, code varchar(255) not null, ref varchar(255) not null, qty int null)',
      'insert into owner (id) select g from generate_series(1, 100) g',
      `insert into item (id, owner_id, code, ref, qty) select g, 1 + g % 100, md5(g::text), 'r' || g, 1 + g % 9 from generate_series(1, ${rows}) g`,
      "select setval('item_id_seq', 100000000)",
    ].join(';\n'),
  );
  await query(url, 'vacuum (freeze, analyze) item');
  await query(url, 'vacuum (freeze, analyze) owner');
  process.stderr.write(`  template ${name}: ${rows.toLocaleString('en')} rows in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  return name;
}

let clones = 0;
/** A copy of `templateName` (FILE_COPY: a file copy, not `rows` inserts written to the WAL again). */
async function clone(serverUrl: string, templateName: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `bench_locks_${process.pid}_${++clones}`;
  const version = await serverVersion(serverUrl);
  await query(serverUrl, `create database "${name}" template "${templateName}"${version >= 150000 ? ' strategy = file_copy' : ''}`);
  // the copy's checkpoint and dirty buffers are written before the measurement, not during it
  await query(serverUrl, 'checkpoint');
  return { url: withDatabase(serverUrl, name), drop: () => dropDatabase(serverUrl, name) };
}

async function serverVersion(url: string): Promise<number> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return Number((await c.query<{ v: string }>(`select current_setting('server_version_num') as v`)).rows[0].v);
  } finally {
    await c.end();
  }
}

/**
 * Inserts a row every 5 ms until stopped, in a process of its own (so that the migration's work
 * cannot delay it in the same event loop); the slowest insert in ms.
 */
function writer(url: string): { ready: Promise<void>; stop: () => Promise<number> } {
  const code = `
    const { Client } = require(${JSON.stringify(require.resolve('pg'))});
    const c = new Client({ connectionString: process.env.URL, application_name: 'bench-writer' });
    let running = true, slowest = 0, i = 0;
    process.stdin.on('data', () => { running = false; });
    (async () => {
      await c.connect();
      // BENCH_TRACE=1: a second connection samples what the writer waits for (its blockers and their locks)
      const trace = process.env.BENCH_TRACE === '1';
      let tracing = trace, tracer = Promise.resolve();
      const seen = new Map();
      if (trace) {
        const m = new Client({ connectionString: process.env.URL, application_name: 'bench-trace' });
        await m.connect();
        const pid = (await c.query('select pg_backend_pid() as p')).rows[0].p;
        tracer = (async () => {
          let since = new Map();
          while (tracing) {
            const r = await m.query(
              "select coalesce(w.wait_event_type || ':' || w.wait_event, 'cpu') as ev, (select string_agg(b.pid || ' ' || coalesce(b.application_name, '') || ' [' || coalesce((select string_agg(l.mode, ',') from pg_locks l where l.pid = b.pid and l.granted and l.relation = 'item'::regclass), '') || '] ' || left(regexp_replace(b.query, '[[:space:]]+', ' ', 'g'), 140), ' | ') from pg_stat_activity b where b.pid = any(pg_blocking_pids(w.pid))) as blockers, w.state from pg_stat_activity w where w.pid = $1",
              [pid],
            );
            const row = r.rows[0];
            const now = performance.now();
            const key = row && row.state === 'active' ? row.ev + (row.blockers ? ' behind ' + row.blockers : '') : null;
            for (const k of [...since.keys()]) if (k !== key) { seen.set(k, Math.max(seen.get(k) || 0, now - since.get(k))); since.delete(k); }
            if (key && !since.has(key)) since.set(key, now);
            await new Promise((r) => setTimeout(r, 1));
          }
          await m.end();
        })();
      }
      process.stdout.write('ready\\n');
      while (running) {
        const t = performance.now();
        await c.query("insert into item (owner_id, code, ref, qty) values (1, 'w', $1, 1)", ['w' + (i++) + '-' + Math.random()]);
        slowest = Math.max(slowest, performance.now() - t);
        await new Promise((r) => setTimeout(r, 5));
      }
      await c.end();
      if (trace) { tracing = false; await tracer; for (const [k, v] of seen) if (v >= Number(process.env.BENCH_TRACE_MS || 20)) process.stderr.write('    writer waited ' + v.toFixed(0) + ' ms: ' + k + '\\n'); }
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

/** A project folder: the compiled plugin and the repository's packages in node_modules, a JavaScript config. */
function project(kind: 'mikro-orm' | 'alembic'): string {
  const dir = tempDir(`bench-locks-${kind}-`);
  symlinkSync(buildCli().nodeModules, join(dir, 'node_modules'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({
      name: `bench-locks-${kind}`,
      private: true,
      dependencies: { '@mikro-orm/core': '6.6.16', '@mikro-orm/postgresql': '6.6.16', '@mikro-orm/migrations': '6.6.16', '@mikro-orm/cli': '6.6.16' },
      'mikro-orm': { useTsNode: false },
    }));
  mkdirSync(join(dir, 'migrations'));
  const extension =
    kind === 'mikro-orm'
      ? [`const { Migrator } = require('@mikro-orm/migrations');`, 'const extension = Migrator;']
      : [`const { alembic } = require('mikro-orm-alembic');`, `const extension = alembic({ path: 'migrations' });`];
  writeFileSync(
    join(dir, 'mikro-orm.config.js'),
    [
      `const { defineConfig } = require('@mikro-orm/postgresql');`,
      ...extension,
      'module.exports = defineConfig({',
      '  clientUrl: process.env.APP_DATABASE_URL,',
      '  entities: [],',
      '  discovery: { warnWhenNoEntities: false },',
      `  migrations: { path: 'migrations', emit: 'js' },`,
      '  extensions: [extension],',
      '});',
      '',
    ].join('\n'),
  );
  return dir;
}

/** Empties `dir`/migrations and writes the change: MikroORM's own migration, or this project's revision (as JavaScript). */
async function writeChange(dir: string, kind: 'mikro-orm' | 'alembic', url: string, target: Function): Promise<void> {
  const folder = join(dir, 'migrations');
  for (const f of readdirSync(folder)) rmSync(join(folder, f), { force: true });
  if (kind === 'mikro-orm') {
    const orm = await openOrm(url, [Owner, target], folder);
    try {
      const created = await orm.getMigrator().createMigration(folder);
      if (created.diff.up.length === 0) throw new Error('MikroORM found no change');
    } finally {
      await orm.close(true);
    }
    return;
  }
  const orm = await openOrm(url, [Owner, target]);
  const result = await autogenerate(orm);
  await orm.close(true);
  const written = writeRevision({
    directory: folder,
    heads: [],
    message: 'change',
    upBody: result.upBody,
    downBody: result.downBody,
    notes: result.notes.map((n) => `${n.code}: ${n.message}`),
    ...(result.acknowledge === undefined ? {} : { acknowledge: result.acknowledge }),
  });
  const source = ts.sys.readFile(written.path) ?? '';
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  rmSync(written.path);
  writeFileSync(written.path.replace(/\.ts$/, '.js'), js);
}

/** `mikro-orm migration:up` in `dir` against `url`; resolves with its wall time, rejects with its output when it fails. */
function migrationUp(dir: string, url: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MIKRO_CLI, 'migration:up'], {
      cwd: dir,
      env: { ...process.env, APP_DATABASE_URL: url, MIKRO_ORM_CLI_CONFIG: join(dir, 'mikro-orm.config.js'), FORCE_COLOR: '0', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(performance.now() - started) : reject(new Error(`migration:up in ${dir} failed (${code}):\n${output}`))));
  });
}

async function measure(serverUrl: string, templateName: string, dir: string, kind: 'mikro-orm' | 'alembic', target: Function): Promise<{ stall: number; ms: number }> {
  const db = await clone(serverUrl, templateName);
  try {
    await writeChange(dir, kind, db.url, target);
    const w = writer(db.url);
    await w.ready;
    await new Promise((r) => setTimeout(r, 300));
    const ms = await migrationUp(dir, db.url);
    await new Promise((r) => setTimeout(r, 300));
    return { stall: await w.stop(), ms };
  } finally {
    await db.drop();
  }
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

async function main(): Promise<void> {
  require('ts-node').register({ transpileOnly: true });
  const os = await import('node:os');
  const cases = CASES.filter((c) => ONLY === undefined || c.title.includes(ONLY));
  process.stderr.write(`  load average at start: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
  buildCli();
  const server = await acquireServer();
  const templates = new Map<Scale, string>();
  const dirs = { 'mikro-orm': project('mikro-orm'), alembic: project('alembic') };
  try {
    for (const scale of new Set(cases.map((c) => c.scale))) templates.set(scale, await template(server.url, scale === 'index' ? INDEX_ROWS : SCAN_ROWS));
    const rows: string[] = [];
    for (const c of cases) {
      const templateName = templates.get(c.scale)!;
      const theirs = await measure(server.url, templateName, dirs['mikro-orm'], 'mikro-orm', c.target);
      const ours = await measure(server.url, templateName, dirs.alembic, 'alembic', c.target);
      const n = c.scale === 'index' ? INDEX_ROWS : SCAN_ROWS;
      const line = `| ${c.title} | ${(n / 1e6).toLocaleString('en')}M | ${seconds(theirs.stall)} (run ${(theirs.ms / 1000).toFixed(1)} s) | ${seconds(ours.stall)} (run ${(ours.ms / 1000).toFixed(1)} s) | ≤ 120 ms |`;
      process.stderr.write(`${line}\n`);
      rows.push(line);
    }
    console.log(`\nslowest insert of a writer inserting every 5 ms while \`mikro-orm migration:up\` ran the change; load average at end ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
    console.log("| change on a populated table | rows | MikroORM 6.6.16's migrator | mikro-orm-alembic (safe-ddl) | goal |\n|---|---|---|---|---|");
    for (const r of rows) console.log(r);
  } finally {
    for (const name of templates.values()) await dropDatabase(server.url, name).catch(() => undefined);
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
