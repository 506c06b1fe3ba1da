/**
 * The bin's `squash` verb: writes the squashed revision, refuses a bad range with its code, and
 * `squash --status` tells whether a database is inside a run (exit 1: its originals must stay).
 */
import { expect } from 'chai';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as ts from 'typescript';
import { appliedIds, cliBuild, query, tableRevision, TestProject } from '../cli/support/cli';
import { useTestDatabase } from '../support/database';

const [A, B, C, D] = ['a000000000a1', 'b000000000b2', 'c000000000c3', 'd000000000d4'];
const S = 'e000000000e5';

describe('cli: squash', function () {
  this.timeout(120_000);
  const db = useTestDatabase({ prefix: 'mo_alembic_squash_cli' });
  before(() => cliBuild());

  it('squash a:c writes one revision; --status says inside (exit 1) and then done; a reversed range is refused', async () => {
    await query(db.url, 'drop schema public cascade; create schema public');
    const p = new TestProject({ packageJson: { 'mikro-orm': { useTsNode: false }, 'mikro-orm-alembic': { path: 'migrations' } } });
    p.write(`migrations/${A}_a.js`, tableRevision(A, null));
    p.write(`migrations/${B}_b.js`, tableRevision(B, A));
    p.write(`migrations/${C}_c.js`, tableRevision(C, B));
    p.write(`migrations/${D}_d.js`, tableRevision(D, C));
    expect((await p.run(['upgrade', B, '--url', db.url])).code).to.equal(0);

    const reversed = await p.run(['squash', `${C}:${A}`, '-m', 'nope']);
    expect(reversed.code).to.equal(1);
    expect(reversed.stderr).to.include(`${C} is not below ${A} on one line of revisions`);

    const written = await p.run(['squash', `${A}:${C}`, '-m', 'first three', '--rev-id', S]);
    expect(written.stderr).to.equal('');
    expect(written.code).to.equal(0);
    expect(written.stdout).to.match(new RegExp(`Created squashed revision ${S} replacing 3 revisions \\(${A} … ${C}; 3 statements up, 3 down\\)`));
    // this project runs compiled revisions: compile the new one as its build would
    const file = readdirSync(p.path('migrations')).find((n) => n.startsWith(S))!;
    const text = readFileSync(p.path('migrations', file), 'utf8');
    writeFileSync(p.path('migrations', file.replace(/\.ts$/, '.js')), ts.transpileModule(text, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText);
    rmSync(p.path('migrations', file));

    const heads = await p.run(['history']);
    expect(heads.stdout).to.include(S).and.not.include(B);

    const inside = await p.run(['squash', '--status', '--url', db.url]);
    expect(inside.code).to.equal(1);
    expect(inside.stdout).to.include(`${S}: INSIDE the run (at ${B}, 2 of 3 applied)`);
    const current = await p.run(['current', '--url', db.url]);
    expect(current.stdout).to.include(B);

    expect((await p.run(['upgrade', 'head', '--url', db.url])).code).to.equal(0);
    expect(await appliedIds(db.url)).to.deep.equal([D, S].sort());
    const done = await p.run(['squash', '--status', '--json', '--url', db.url]);
    expect(done.code).to.equal(0);
    expect(JSON.parse(done.stdout)).to.deep.include({ originalsDeletable: true });
  });
});
