/**
 * The target lists (file formats, names, refusals) and the progress display / summary, without a database.
 */
import { expect } from 'chai';
import { checkTargets, FanoutProgress, FanoutTargetsError, parseTargetsText, schemaTargets, summaryLines, targetRuntimeSettings, targetsFromUrls, tenantTargets, urlOf } from '../../src/fanout';
import type { FanoutResult, TargetResult } from '../../src/fanout';

function result(name: string, status: TargetResult['status'], extra: Partial<TargetResult> = {}): TargetResult {
  return { name, schema: null, database: 'db:5432/app', status, from: [], to: ['r2'], ran: ['r1', 'r2'], durationMs: 120, error: null, ...extra };
}

describe('fanout: target lists, progress and summary', () => {
  it('reads a file of URLs (comments, blank lines) and a JSON list, naming targets without their password', () => {
    const lines = parseTargetsText('# shards\npostgres://app:pw@db-a:5433/app\n\n  postgres://app@db-b/app  \n', '--targets t.txt');
    expect(lines.map((p) => p.target)).to.deep.equal([
      { name: 'db-a:5433/app', url: 'postgres://app:pw@db-a:5433/app' },
      { name: 'db-b:5432/app', url: 'postgres://app@db-b/app' },
    ]);
    const json = parseTargetsText(JSON.stringify({ targets: [{ url: 'postgres://db/app', schema: 't1' }, { name: 'eu', url: 'postgres://eu/app' }, 'postgres://x/y'] }), 'j');
    expect(json.map((p) => p.target)).to.deep.equal([
      { name: 't1', url: 'postgres://db/app', schema: 't1' },
      { name: 'eu', url: 'postgres://eu/app' },
      { name: 'x:5432/y', url: 'postgres://x/y' },
    ]);
    expect(targetsFromUrls(['postgres://a/b'])[0].connection).to.deep.equal({ connectionString: 'postgres://a/b', source: '--target-url' });
  });

  it('refuses what it cannot use, naming the line or entry and never the value', () => {
    const refused = (text: string) => {
      try {
        parseTargetsText(text, '--targets t');
      } catch (e) {
        // a list that cannot be used is FANOUT_TARGETS_INVALID; a URL that is not one, INVALID_CONNECTION (with its hint)
        expect((e as { code?: string }).code).to.be.oneOf(['FANOUT_TARGETS_INVALID', 'INVALID_CONNECTION']);
        return (e as Error).message;
      }
      throw new Error('not refused');
    };
    expect(refused('postgres://db/a\nmysql://u:hunter2@db/a\n')).to.contain('line 2').and.not.contain('hunter2');
    expect(refused('postgres://db/a extra')).to.contain('line 1');
    expect(() => parseTargetsText('[{"url": 1}]', 'j')).to.throw(FanoutTargetsError, 'entry 1 has no url');
    const long = schemaTargets('postgres://db/app', ['t_ok', 'x'.repeat(64)]).map((p) => p.target);
    expect(() => checkTargets(long, '--tenants-query')).to.throw(FanoutTargetsError, '--tenants-query, target 2 (xxxx');
    expect(() => checkTargets([...long.slice(0, 1), { ...long[0] }], '--targets t.json')).to.throw(FanoutTargetsError, 'names target "t_ok" twice (targets 1 and 2)');
    expect(refused('[{"url": "postgres://db/a", "shema": "x"}]')).to.contain('entry 1 has unknown field shema');
    expect(refused('[{"schema": "x"}]')).to.contain('entry 1 has no url');
    expect(refused('{"targets": 3}')).to.contain('must hold an array');
    expect(refused('[1')).to.contain('is not valid JSON');
  });

  it('takes the tenants option: schema names on the base connection, or objects', async () => {
    const base = { host: '/run/pg', user: 'app', password: 'p@ss', database: 'app' };
    const planned = await tenantTargets(async () => ['t_a', { schema: 't_b', name: 'B' }, { url: 'postgres://other/app' }], base);
    expect(planned.map((p) => p.target)).to.deep.equal([
      { name: 't_a', url: 'postgres://app:p%40ss@/app?host=%2Frun%2Fpg', schema: 't_a' },
      { name: 'B', url: 'postgres://app:p%40ss@/app?host=%2Frun%2Fpg', schema: 't_b' },
      { name: 'other:5432/app', url: 'postgres://other/app' },
    ]);
    // a schema target connects with the base settings themselves (SSL options and all)
    expect(planned[0].connection).to.equal(base);
    await tenantTargets(async () => [42] as never, base).then(
      () => expect.fail('accepted'),
      (e: Error) => expect(e.message).to.contain('entry 1 is neither a schema name'),
    );
    await tenantTargets(() => {
      throw new Error('directory down');
    }, base).then(
      () => expect.fail('accepted'),
      (e: Error) => expect(e.message).to.equal('the tenants option of alembic() threw: directory down'),
    );
    expect(urlOf({ host: 'db', port: 5433, user: 'u', database: 'x' })).to.equal('postgres://u@db:5433/x');
  });

  it('a schema target is the runtime\'s schema option; a database target keeps the configured version table', () => {
    const [planned] = schemaTargets('postgres://db/app', ['Tenant A']);
    expect(targetRuntimeSettings(planned, { name: 'versions', schema: 'ops' })).to.deep.equal({
      connection: planned.connection,
      versionTable: { name: 'versions', schema: 'ops' },
      schema: 'Tenant A',
    });
    const [database] = targetsFromUrls(['postgres://db/app']);
    expect(targetRuntimeSettings(database, { name: 'versions' })).to.deep.equal({ connection: database.connection, versionTable: { name: 'versions' }, schema: undefined });
  });

  it('progress: one line per finished target in a log; on a terminal one status line with done, running, failed and the slowest', () => {
    const log: string[] = [];
    const plain = new FanoutProgress({ write: (t) => log.push(t) }, 'upgrade head', 3);
    plain.onTargetStart('a');
    plain.onTargetDone(result('a', 'ok'));
    plain.onTargetDone(result('b', 'failed', { to: ['r1'], ran: ['r1'], error: { code: 'REVISION_FAILED', message: 'Revision r2 failed\nmore', revision: 'r2', pgCode: '42P01' } }));
    plain.onTargetDone(result('c', 'skipped', { ran: [], durationMs: 0 }));
    plain.finish();
    expect(log.join('')).to.equal(
      'ok      a  <base> -> r2  2 revisions  120 ms  [1/3]\nfailed  b  REVISION_FAILED Revision r2 failed  120 ms  [2/3]\nskipped c  [3/3]\n',
    );

    const screen: string[] = [];
    const tty = new FanoutProgress({ write: (t) => screen.push(t), isTTY: true, columns: 200 }, 'upgrade head', 4);
    tty.onTargetStart('a');
    tty.onTargetStart('b');
    tty.onTargetDone(result('a', 'ok', { durationMs: 50 }));
    tty.onTargetStart('c');
    tty.onTargetDone(result('c', 'failed', { durationMs: 5000, error: { code: 'X', message: 'boom', revision: null, pgCode: null } }));
    expect(tty.status()).to.match(/^upgrade head {2}\[2\/4 done\], 1 running, 1 failed · slowest c 5\.0 s · \d+ ms$/);
    expect(screen.join('')).to.contain('\r\x1b[Kfailed  c  X boom  5.0 s\n');
    tty.finish();
    expect(screen[screen.length - 1]).to.equal('\r\x1b[K');
  });

  it('summary: the targets that did not get there, then the totals and the slowest', () => {
    const run: FanoutResult = {
      command: 'upgrade head',
      ok: false,
      concurrency: 4,
      durationMs: 4200,
      targets: [
        result('t1', 'ok', { durationMs: 1300 }),
        result('t2', 'failed', { schema: 't2', to: ['r1'], ran: ['r1'], error: { code: 'REVISION_FAILED', message: 'boom', revision: 'r2', pgCode: null } }),
        result('t3', 'skipped', { ran: [], durationMs: 0 }),
      ],
    };
    expect(summaryLines(run)).to.deep.equal([
      'failed  t2 (db:5432/app/t2): REVISION_FAILED boom (now at r1)',
      'skipped t3 (db:5432/app): not started',
      'upgrade head: 1 of 3 targets ok, 1 failed, 1 skipped, 3 revisions run in 4.2 s (concurrency 4); slowest: t1 1.3 s',
    ]);
  });
});
