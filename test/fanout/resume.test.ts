/**
 * Resume and exclusion, with the real bin: kill -9 in the middle of a fan-out, then re-run: every target at
 * head and no revision ran twice; two fan-outs started together never run the same target at once (each
 * target's own lock), and between them every revision runs exactly once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'chai';
import { useTestDatabase } from '../support/database';
import { cliBuild, query, type CliResult, type TestProject } from '../cli/support/cli';
import { ALL, applied, createSchemas, fanoutProject, runCounts } from './support';

/** Starts the bin without waiting; `lines` collects stdout lines as they come. */
function start(project: TestProject, args: readonly string[]): { child: ChildProcess; lines: string[]; done: Promise<CliResult> } {
  const env: Record<string, string | undefined> = { ...process.env };
  delete env.TS_NODE_PROJECT;
  delete env.NODE_OPTIONS;
  delete env.FORCE_COLOR;
  const child = spawn(process.execPath, [join(cliBuild(), 'out/src/cli/main.js'), ...args], { cwd: project.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    lines.splice(0, lines.length, ...stdout.split('\n').filter((l) => l !== ''));
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const done = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => resolve({ code: code ?? (signal === null ? -1 : 128), stdout, stderr })));
  return { child, lines, done };
}

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('fanout: resume after kill -9, and two fan-outs at once', function () {
  this.timeout(120_000);
  const db = useTestDatabase({ prefix: 'mo_alembic_fanout_resume' });
  before(() => void cliBuild());

  it('kill -9 of the bin once some targets are done; the re-run brings every target to head and runs no revision twice', async () => {
    const schemas = await createSchemas(db.url, 'k_', 12);
    const project = fanoutProject({ sleepMs: 250 });
    const args = ['upgrade', 'head', '--url', db.url, '--tenants-query', "select nspname from pg_namespace where nspname like 'k\\_%' order by 1", '--concurrency', '2'];
    const run = start(project, args);
    await until(() => run.lines.filter((l) => l.startsWith('ok ')).length >= 3, 'three targets are done');
    run.child.kill('SIGKILL');
    const killed = await run.done;
    expect(killed.code).to.equal(128);
    // in the middle: some targets done, some not (started or not)
    const states = await Promise.all(schemas.map((s) => applied(db.url, s)));
    const atHead = states.filter((a) => a.length === 3).length;
    expect(atHead, JSON.stringify(states)).to.be.at.least(3).and.below(12);

    const rerun = await project.run([...args, '--json']);
    expect(rerun.code, rerun.stderr).to.equal(0);
    const report = JSON.parse(rerun.stdout) as { targets: { name: string; ran: string[]; from: string[] }[] };
    for (const schema of schemas) {
      expect(await applied(db.url, schema), schema).to.deep.equal(ALL);
      expect(await runCounts(db.url, schema), schema).to.deep.equal(Object.fromEntries(ALL.map((id) => [id, 1])));
    }
    // the re-run ran exactly what the killed run had left on each target
    for (const [i, t] of report.targets.entries()) expect(t.ran.length + states[i].length, t.name).to.equal(3);
  });

  it('two fan-outs started together never run the same target at once: the second waits for the first on a busy target, and each revision runs once', async () => {
    const schemas = await createSchemas(db.url, 'c_', 8);
    // c_00's second revision runs 3 s: the first fan-out holds c_00's lock that long
    await query(db.url, 'create table c_00.slow_marker (id int)');
    const project = fanoutProject({ sleepMs: 100 });
    const args = ['upgrade', 'head', '--url', db.url, '--tenants-query', "select nspname from pg_namespace where nspname like 'c\\_%' order by 1", '--concurrency', '3', '--json'];
    const first = start(project, args);
    await until(
      async () => (await query(db.url, "select 1 from pg_stat_activity where state = 'active' and query like '%pg_sleep(3)%' and pid <> pg_backend_pid()")).length > 0,
      'the first fan-out is in c_00',
    );
    const second = start(project, args);
    const [a, b] = await Promise.all([first.done, second.done]);
    expect(a.code, a.stderr).to.equal(0);
    expect(b.code, b.stderr).to.equal(0);
    // the second met c_00 locked by the first and waited, then found nothing left to do there
    expect(b.stderr).to.match(/c_00: waiting for the migration lock on c_00\.mikro_orm_alembic_version, held by pid \d+/);
    type Report = { targets: { name: string; ran: string[] }[] };
    const ranA = (JSON.parse(a.stdout) as Report).targets;
    const ranB = (JSON.parse(b.stdout) as Report).targets;
    expect(ranA[0].ran).to.deep.equal(ALL);
    expect(ranB[0].ran).to.deep.equal([]);
    for (const [i, schema] of schemas.entries()) {
      // between them, every revision of every target ran once: by one fan-out or the other, never both
      expect([...ranA[i].ran, ...ranB[i].ran].sort(), schema).to.deep.equal(ALL);
      expect(await runCounts(db.url, schema), schema).to.deep.equal(Object.fromEntries(ALL.map((id) => [id, 1])));
      expect(await applied(db.url, schema)).to.deep.equal(ALL);
    }
  });

  it('Ctrl-C: no further target starts, the running one finishes, the rest are reported skipped (exit 1); the re-run does them', async () => {
    const schemas = await createSchemas(db.url, 'i_', 5);
    await query(db.url, 'create table i_00.slow_marker (id int)');
    const project = fanoutProject();
    const args = ['upgrade', 'head', '--url', db.url, '--tenants-query', "select nspname from pg_namespace where nspname like 'i\\_%' order by 1", '--concurrency', '1', '--json'];
    const run = start(project, args);
    await until(
      async () => (await query(db.url, "select 1 from pg_stat_activity where state = 'active' and query like '%pg_sleep(3)%' and pid <> pg_backend_pid()")).length > 0,
      'the fan-out is in i_00',
    );
    run.child.kill('SIGINT');
    const stopped = await run.done;
    expect(stopped.code, stopped.stderr).to.equal(1);
    expect(stopped.stderr).to.contain('Interrupted: no further target starts');
    const report = JSON.parse(stopped.stdout) as { targets: { name: string; status: string; ran: string[] }[] };
    expect(report.targets.map((t) => [t.name, t.status, t.ran])).to.deep.equal([['i_00', 'ok', ALL], ...schemas.slice(1).map((s) => [s, 'skipped', []])]);
    expect(await applied(db.url, 'i_01')).to.deep.equal([]);
    const rerun = await project.run(args);
    expect(rerun.code, rerun.stderr).to.equal(0);
    for (const schema of schemas) expect(await runCounts(db.url, schema), schema).to.deep.equal(Object.fromEntries(ALL.map((id) => [id, 1])));
  });
});
