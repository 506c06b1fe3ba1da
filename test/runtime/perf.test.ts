/**
 * Speed against psql (opt-in: `RUNTIME_PERF=1`, it takes ~30 s and timing is only meaningful on a quiet
 * machine). Alternating pairs on fresh databases, whole-process wall time:
 *
 * - psql: `psql -X -q -v ON_ERROR_STOP=1 -f` of 1,000 × `begin; create table; insert version row; commit;`
 *   (perf-baseline.md, row 4a);
 * - runtime: `node bench-apply.js` (compiled with tsc first, as users run compiled code) applying 1,000
 *   one-statement revisions with MigrationRuntime (`upgrade('head')`, per-revision transactions).
 *
 * Asserts the median of pair ratios is at most 1.3 (the target), and that every run applied 1,000 tables
 * and rows. `RUNTIME_PERF_PAIRS` sets the number of pairs (default 7).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { expect } from 'chai';
import { createThrowawayDatabase } from '../../src/harness';
import { sql } from './support/helpers';
import { testServer } from '../support/database';

const N = 1000;
const root = resolve(__dirname, '..', '..');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function psqlScript(): string {
  const lines = ['create table perf_versions (id serial primary key, name varchar(255), executed_at timestamptz default now());'];
  for (let i = 1; i <= N; i++) {
    const t = String(i).padStart(4, '0');
    lines.push(`begin;\ncreate table "t_${t}" (id int);\ninsert into perf_versions (name) values ('Migration${t}');\ncommit;`);
  }
  return `${lines.join('\n')}\n`;
}

describe('runtime: speed against psql (RUNTIME_PERF=1)', function () {
  this.timeout(600_000);
  let dir: string;

  before(function () {
    if (!process.env.RUNTIME_PERF) this.skip();
    if (spawnSync('psql', ['--version']).status !== 0) this.skip();
    dir = mkdtempSync(join(tmpdir(), 'runtime-perf-'));
    writeFileSync(join(dir, 'script.sql'), psqlScript());
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        extends: join(root, 'tsconfig.json'),
        compilerOptions: { outDir: join(dir, 'dist'), rootDir: root, sourceMap: false, declaration: false, types: [], typeRoots: [join(root, 'node_modules/@types')] },
        include: [],
        files: [join(root, 'test/runtime/support/bench-apply.ts')],
      }),
    );
    const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
    expect(tsc.status, tsc.stdout + tsc.stderr).to.equal(0);
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(`applies ${N} one-statement revisions within 1.3× of psql`, async () => {
    const server = await testServer();
    const pairs = Number(process.env.RUNTIME_PERF_PAIRS ?? 7);
    const ratios: number[] = [];
    const psqlTimes: number[] = [];
    const ourTimes: number[] = [];
    for (let i = 0; i < pairs; i++) {
      const a = await createThrowawayDatabase(server.url, { prefix: 'mo_alembic_perf' });
      const b = await createThrowawayDatabase(server.url, { prefix: 'mo_alembic_perf' });
      try {
        let t = performance.now();
        const p = spawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', a.url, '-f', join(dir, 'script.sql')], { encoding: 'utf8' });
        const psqlMs = performance.now() - t;
        expect(p.status, p.stderr).to.equal(0);

        t = performance.now();
        const r = spawnSync(process.execPath, [join(dir, 'dist/test/runtime/support/bench-apply.js')], {
          encoding: 'utf8',
          env: { ...process.env, BENCH_URL: b.url, BENCH_N: String(N) },
        });
        const ourMs = performance.now() - t;
        expect(r.status, r.stderr).to.equal(0);

        expect(await sql(b.url, 'select count(*)::int as n from mikro_orm_alembic_version')).to.deep.equal([{ n: N }]);
        expect(await sql(b.url, "select count(*)::int as n from pg_tables where tablename like 't\\_%'")).to.deep.equal([{ n: N }]);
        psqlTimes.push(psqlMs);
        ourTimes.push(ourMs);
        ratios.push(ourMs / psqlMs);
        process.stderr.write(`      pair ${i + 1}: psql ${psqlMs.toFixed(0)} ms, runtime ${ourMs.toFixed(0)} ms ${r.stdout.trim()}\n`);
      } finally {
        await a.drop();
        await b.drop();
      }
    }
    const ratio = median(ratios);
    process.stderr.write(
      `      median psql ${median(psqlTimes).toFixed(0)} ms, runtime ${median(ourTimes).toFixed(0)} ms, median pair ratio ${ratio.toFixed(2)}\n`,
    );
    expect(ratio).to.be.at.most(1.3);
  });
});
