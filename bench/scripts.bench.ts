/**
 * `npm run bench:scripts`: the bin's graph commands on big migrations folders, against real Alembic in the
 * same run.
 *
 * For 2,000 and 20,000 revisions (one chain; each revision creates one table), it generates a project
 * folder of compiled `.js` revisions for `node dist/src/cli/main.js` (the bin, compiled with tsc first) and
 * an Alembic folder of equivalent version files (`op.create_table`, minimal alembic.ini/env.py), then
 * times whole processes (one uncounted warm-up, then the median of BENCH_RUNS runs, default 5; 3 for
 * commands over 5 s; ours and Alembic's runs alternate) of:
 *
 * - `heads`, `history` (read every file, build the graph; output to /dev/null); `heads` also with the
 *   header cache off (`MIKRO_ORM_ALEMBIC_HEADER_CACHE=0`: every file read and parsed, as on a first run),
 * - `upgrade head --sql` (also load every revision module and render the offline script).
 *
 * Alembic runs when `python3 -c 'import alembic'` works (or Debian's /usr/bin/python3); otherwise the
 * baseline recorded in the oracle README is printed instead. Goal: `heads` on 20,000 files under 0.5 s.
 * BENCH_SIZES=2000 to run one size only.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  alembicVersionFile,
  binProject,
  buildCli,
  findAlembicPython,
  formatStats,
  machine,
  measure,
  measureAlternating,
  revisionId,
  tempDir,
  timeProcess,
  type Stats,
} from './support/bench-kit';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SIZES = (process.env.BENCH_SIZES ?? '2000,20000').split(',').map(Number);

/** Alembic 1.8.1's figures recorded on the project's standard machine (shared oracle README, "Peer baseline"). */
const RECORDED_BASELINE: Record<number, Record<string, string>> = {
  2000: { heads: '366 ms in-process load + heads (whole process ≈ 0.97 s)', history: 'not recorded', 'upgrade head --sql': '1.95 s' },
  20000: { heads: '7.58 s in-process load + heads (whole process ≈ 10.0 s)', history: 'not recorded', 'upgrade head --sql': '12.89 s' },
};

function alembicProject(n: number): string {
  const dir = tempDir('bench-alembic-');
  mkdirSync(join(dir, 'versions'));
  writeFileSync(
    join(dir, 'alembic.ini'),
    ['[alembic]', 'script_location = %(here)s', 'sqlalchemy.url = postgresql://postgres@127.0.0.1:5432/bench', ''].join('\n'),
  );
  writeFileSync(
    join(dir, 'env.py'),
    [
      'from alembic import context',
      '',
      'config = context.config',
      '',
      'if not context.is_offline_mode():',
      '    raise SystemExit("this benchmark only runs offline")',
      '',
      'context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=None, literal_binds=True,',
      '                  dialect_opts={"paramstyle": "named"})',
      'with context.begin_transaction():',
      '    context.run_migrations()',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'script.py.mako'), '"""${message}"""\n');
  for (let i = 0; i < n; i++) {
    const file = alembicVersionFile(i);
    writeFileSync(join(dir, 'versions', file.name), file.text);
  }
  return dir;
}

interface Row {
  readonly size: number;
  readonly command: string;
  readonly ours: Stats;
  readonly alembic: Stats | null;
}

function main(): void {
  const cli = buildCli();
  const python = findAlembicPython();
  process.stderr.write(`machine: ${machine()}\n`);
  process.stderr.write(python ? `Alembic: ${python} -m alembic\n` : 'Alembic: not installed (python3 -c "import alembic" fails); the recorded baseline is shown\n');
  const rows: Row[] = [];

  const startup = measure('node -e 0', () => timeProcess(process.execPath, ['-e', '0']).ms, RUNS);
  const version = measure('bin --version', () => timeProcess(process.execPath, [cli.main, '--version']).ms, RUNS);

  for (const n of SIZES) {
    process.stderr.write(`\n${n.toLocaleString('en')} revisions: generating ...\n`);
    const project = binProject(n);
    const alembic = python ? alembicProject(n) : null;
    const head = revisionId(n - 1);

    // correctness first: both tools see the same single head
    const ours = timeProcess(process.execPath, [cli.main, 'heads'], { cwd: project, capture: true }).stdout;
    if (ours.trim() !== `${head} (head)`) throw new Error(`unexpected heads: ${ours}`);
    if (alembic && python) {
      const theirs = timeProcess(python, ['-m', 'alembic', '-c', join(alembic, 'alembic.ini'), 'heads'], { cwd: alembic, capture: true }).stdout;
      if (theirs.trim() !== `${head} (head)`) throw new Error(`unexpected Alembic heads: ${theirs}`);
    }

    const noCache = { ...process.env, MIKRO_ORM_ALEMBIC_HEADER_CACHE: '0' };
    for (const [command, args, env] of [
      ['heads', ['heads'], process.env],
      ['heads, header cache off', ['heads'], noCache],
      ['history', ['history'], process.env],
      ['upgrade head --sql', ['upgrade', 'head', '--sql'], process.env],
    ] as const) {
      const ourLabel = `${n} ${command} (mikro-orm-alembic)`;
      const runOurs = () => timeProcess(process.execPath, [cli.main, ...args], { cwd: project, env }).ms;
      const sameAsHeads = command === 'heads, header cache off' ? rows.find((r) => r.size === n && r.command === 'heads') : undefined;
      if (sameAsHeads || !alembic || !python) {
        // Alembic has no such cache: its heads run is the peer of the run without the cache
        rows.push({ size: n, command, ours: measure(ourLabel, runOurs, RUNS), alembic: sameAsHeads?.alembic ?? null });
        continue;
      }
      const runTheirs = () => timeProcess(python, ['-m', 'alembic', '-c', join(alembic, 'alembic.ini'), ...args], { cwd: alembic }).ms;
      const [oursStats, theirsStats] = measureAlternating([ourLabel, `${n} ${command} (Alembic)`], [runOurs, runTheirs], RUNS);
      rows.push({ size: n, command, ours: oursStats, alembic: theirsStats });
    }
  }

  const lines = [
    '',
    `Whole-process wall time, median (min–max) of ${RUNS} runs after a warm-up; ${machine()}.`,
    `Start-up: node -e 0 ${formatStats(startup)}; the bin's --version ${formatStats(version)}.`,
    '',
    '| revisions | command | mikro-orm-alembic | Alembic 1.8.1 | Alembic / ours |',
    '| ---: | --- | ---: | ---: | ---: |',
    ...rows.map((r) => {
      const theirs = r.alembic ? formatStats(r.alembic) : `recorded: ${RECORDED_BASELINE[r.size]?.[r.command] ?? 'n/a'}`;
      const ratio = r.alembic ? `${(r.alembic.median / r.ours.median).toFixed(1)}×` : '–';
      return `| ${r.size.toLocaleString('en')} | \`${r.command}\` | ${formatStats(r.ours)} | ${theirs} | ${ratio} |`;
    }),
    '',
  ];
  for (const command of ['heads', 'heads, header cache off']) {
    const goal = rows.find((r) => r.size === 20000 && r.command === command);
    if (goal) lines.push(`Goal: ${command} on 20,000 files under 0.5 s: ${goal.ours.median < 500 ? 'met' : 'NOT met'} (median ${Math.round(goal.ours.median)} ms).`);
  }
  const sql = rows.find((r) => r.size === 20000 && r.command === 'upgrade head --sql');
  if (sql) lines.push(`Goal: upgrade head --sql on 20,000 revisions under 1.3 s: ${sql.ours.median < 1300 ? 'met' : 'NOT met'} (median ${Math.round(sql.ours.median)} ms).`);
  lines.push('');
  process.stdout.write(lines.join('\n'));
}

main();
