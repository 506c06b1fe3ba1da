/**
 * `npm run bench:graph`: builds linear, branchy and merge-heavy revision graphs of 2,000, 20,000
 * and 200,000 revisions in memory, and times building the graph, computing heads, resolving
 * targets and planning base -> heads; then prints the growth between sizes.
 *
 * When Debian's `python3-alembic` is installed, the same graphs (20,000 revisions) are planned by
 * real Alembic in the same run, and the ratio is printed. Otherwise the recorded baseline
 * (Alembic 1.8.1: 368 ms to plan 20,000 revisions on this machine kind) is shown for scale.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RevisionGraph, type RevisionRecord } from '../src';

type Shape = 'linear' | 'branchy' | 'merge-heavy';

/** A deterministic pseudo-random generator, so every run benchmarks the same graphs. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function hexId(i: number): string {
  return (i * 2654435761 >>> 0).toString(16).padStart(8, '0') + (i & 0xffff).toString(16).padStart(4, '0');
}

/**
 * linear: one chain. branchy: every 50th revision starts a side branch of 20 revisions that is
 * never merged (many heads). merge-heavy: two lines that merge every 10 revisions, with a
 * depends_on every 25 revisions.
 */
export function makeGraph(shape: Shape, n: number): RevisionRecord[] {
  const rnd = lcg(n + shape.length);
  const out: RevisionRecord[] = [];
  const rec = (i: number, down: string[], dependsOn: string[] = [], branchLabels: string[] = []) =>
    out.push({ id: hexId(i), downRevisions: down, branchLabels, dependsOn });
  if (shape === 'linear') {
    for (let i = 0; i < n; i++) rec(i, i === 0 ? [] : [hexId(i - 1)]);
  } else if (shape === 'branchy') {
    let trunk = -1;
    let i = 0;
    while (i < n) {
      rec(i, trunk < 0 ? [] : [hexId(trunk)]);
      trunk = i++;
      if (trunk % 50 === 0) {
        let tip = trunk;
        for (let k = 0; k < 20 && i < n; k++) {
          rec(i, [hexId(tip)], [], k === 0 ? [`side${trunk}`] : []);
          tip = i++;
        }
      }
    }
  } else {
    let a = -1;
    let b = -1;
    let i = 0;
    while (i < n) {
      if (a >= 0 && b >= 0 && i % 10 === 0) {
        rec(i, [hexId(a), hexId(b)]);
        a = b = i++;
        continue;
      }
      const onA = rnd() < 0.5;
      const parent = onA ? a : b;
      const dep = i % 25 === 0 && i > 30 ? [hexId(i - 30)] : [];
      rec(i, parent < 0 ? [] : [hexId(parent)], dep.filter((d) => d !== hexId(parent)));
      if (onA) a = i;
      else b = i;
      i++;
    }
  }
  return out;
}

function time<T>(fn: () => T): { ms: number; value: T } {
  const start = process.hrtime.bigint();
  const value = fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

/** Median of `runs` timings (after one warm-up). */
function median(runs: number, fn: () => unknown): number {
  fn();
  const xs: number[] = [];
  for (let k = 0; k < runs; k++) xs.push(time(fn).ms);
  xs.sort((a, b) => a - b);
  return xs[Math.floor(xs.length / 2)];
}

interface Row { shape: Shape; n: number; load: number; resolve: number; plan: number; planned: number }

function measure(shape: Shape, n: number): Row {
  const records = makeGraph(shape, n);
  const runs = n >= 200_000 ? 7 : 15;
  // building validates the graph and computes heads and bases: "load" is the time to the heads
  const load = median(runs, () => new RevisionGraph(records).heads.length);
  const graph = new RevisionGraph(records);
  const someId = records[Math.floor(n / 2)].id;
  const resolve = median(runs, () => {
    graph.resolve('heads');
    graph.resolve(someId.slice(0, 8));
    graph.resolve(someId);
    if (shape === 'linear') graph.resolve('head');
  });
  let planned = 0;
  const plan = median(runs, () => {
    planned = graph.planUpgrade([], 'heads').revisions.length;
  });
  return { shape, n, load, resolve, plan, planned };
}

/** A Python with Alembic importable: the one on PATH, else Debian's (where python3-alembic installs). */
function pythonWithAlembic(): string | undefined {
  for (const python of ['python3', '/usr/bin/python3']) {
    try {
      execFileSync(python, ['-c', 'import alembic.script.revision'], { stdio: 'ignore' });
      return python;
    } catch {
      // try the next one
    }
  }
  return undefined;
}

function alembicPlanMs(records: RevisionRecord[]): number | undefined {
  const python = pythonWithAlembic();
  if (python === undefined) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'bench-graph-'));
  try {
    const file = join(dir, 'graph.json');
    writeFileSync(file, JSON.stringify(records.map((r) => [r.id, r.downRevisions, r.dependsOn, r.branchLabels])));
    const script = `
import json, sys, time
from alembic.script.revision import RevisionMap, Revision
recs = json.load(open(sys.argv[1]))
def gen():
    for rid, down, deps, labels in recs:
        d = None if not down else (down[0] if len(down) == 1 else tuple(down))
        yield Revision(rid, d, dependencies=(tuple(deps) or None), branch_labels=(tuple(labels) or None))
m = RevisionMap(gen)
m.heads
times = []
for _ in range(3):
    t = time.perf_counter()
    revs = list(m._collect_upgrade_revisions("heads", (), inclusive=False, implicit_base=True, assert_relative_length=True)[0])
    list(m._topological_sort(revs, [m.get_revision(h) for h in m._real_heads]))
    times.append((time.perf_counter() - t) * 1000)
print(sorted(times)[1])
`;
    const out = execFileSync(python, ['-c', script, file], { encoding: 'utf8', maxBuffer: 1 << 20, timeout: 600_000 });
    return parseFloat(out.trim());
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function main(): void {
  const sizes = [2_000, 20_000, 200_000];
  const shapes: Shape[] = ['linear', 'branchy', 'merge-heavy'];
  const rows: Row[] = [];
  const f = (x: number) => x.toFixed(x < 10 ? 2 : 1).padStart(9);
  console.log(`RevisionGraph benchmark (node ${process.version}); medians in ms`);
  console.log('load = build + validate + heads; resolve = heads, an 8-char prefix and an id; plan = base -> heads');
  console.log(`${'shape'.padEnd(12)}${'revisions'.padStart(10)}${'load'.padStart(9)}${'resolve'.padStart(9)}${'plan'.padStart(9)}${'load+plan'.padStart(11)}`);
  for (const shape of shapes) {
    for (const n of sizes) {
      const row = measure(shape, n);
      rows.push(row);
      console.log(`${shape.padEnd(12)}${String(n).padStart(10)}${f(row.load)}${f(row.resolve)}${f(row.plan)}${f(row.load + row.plan).padStart(11)}`);
    }
  }
  console.log('\ngrowth (time at 10x the revisions / time at 1x; linear = 10x)');
  for (const shape of shapes) {
    const [a, b, c] = sizes.map((n) => rows.find((r) => r.shape === shape && r.n === n)!);
    const total = (r: Row) => r.load + r.plan;
    console.log(`${shape.padEnd(12)} 20k/2k ${(total(b) / total(a)).toFixed(1)}x   200k/20k ${(total(c) / total(b)).toFixed(1)}x  (load + plan)`);
  }
  const goal = rows.filter((r) => r.n === 20_000).map((r) => `${r.shape} ${(r.load + r.plan).toFixed(1)} ms`);
  console.log(`\ngoal: heads + full plan for 20,000 revisions under 50 ms: ${goal.join(', ')}`);

  console.log('\nagainst Alembic 1.8.1, planning base -> heads of the same 20,000-revision graphs:');
  for (const shape of shapes) {
    const ours = rows.find((r) => r.shape === shape && r.n === 20_000)!;
    const theirs = alembicPlanMs(makeGraph(shape, 20_000));
    if (theirs === undefined) {
      console.log(`  ${shape.padEnd(12)} ours ${ours.plan.toFixed(1)} ms; Alembic not installed here (apt-get install python3-alembic); recorded baseline for a linear chain: 368 ms`);
    } else {
      console.log(`  ${shape.padEnd(12)} ours ${ours.plan.toFixed(1)} ms, Alembic ${theirs.toFixed(1)} ms: ${(theirs / ours.plan).toFixed(0)}x faster`);
    }
  }
}

if (require.main === module) main();
