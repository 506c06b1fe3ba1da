/**
 * `heads --conflicts`, `merge` (before writing, --force, --verify) and `check` through the real bin on
 * branched fixture projects: their output, their JSON, and their exit codes (docs/merges.md).
 */
import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import { TestProject, cliBuild, jsRevision } from '../cli/support/cli';

const A = 'a0a0a0a0a0a0';
const B = 'b1b1b1b1b1b1';
const C = 'c1c1c1c1c1c1';

const BASE_UP = [
  `create type "status" as enum ('active', 'inactive')`,
  `create table "user" ("id" serial primary key, "email" text, "status" "status" not null default 'active')`,
  `create table "post" ("id" serial primary key, "title" text)`,
];

/** A project whose migrations are A, then B and C on top of it (two heads). */
function project(b: readonly string[], c: readonly string[]): TestProject {
  const p = new TestProject();
  const up = (sql: readonly string[]) => sql.map((s) => `this.addSql(${JSON.stringify(s)});`).join(' ');
  p.write(`migrations/${A}_base.js`, jsRevision({ id: A, message: 'users and posts', up: up(BASE_UP) }));
  p.write(`migrations/${B}_b.js`, jsRevision({ id: B, down: A, message: 'branch b', up: up(b) }));
  p.write(`migrations/${C}_c.js`, jsRevision({ id: C, down: A, message: 'branch c', up: up(c) }));
  return p;
}

const files = (p: TestProject) => readdirSync(p.path('migrations')).filter((f) => f.endsWith('.js') || f.endsWith('.ts'));

describe('conflicts: heads --conflicts, merge and check through the bin', function () {
  this.timeout(180_000);
  before(() => cliBuild());
  const P = ['--path', 'migrations'];

  it('disjoint branches: heads --conflicts says they commute (exit 0); merge writes; check with two heads exits 1', async () => {
    const p = project([`alter table "user" add column "name" text`], [`create table "invoice" ("id" serial primary key, "user_id" int references "user" ("id"))`]);
    const heads = await p.run(['heads', '--conflicts', ...P]);
    expect(heads.code, heads.stderr).to.equal(0);
    expect(heads.stdout).to.contain(`${B} (head)\n${C} (head)\nheads ${B} and ${C} part at ${A}\n`);
    expect(heads.stdout).to.contain(`  ${B} side: 1 revision:\n    ${B} (migrations/${B}_b.js) branch b\n`);
    expect(heads.stdout).to.contain('  commute: no object is touched on both sides');
    const check = await p.run(['check', '--no-lint', ...P]);
    expect(check.code).to.equal(1);
    expect(check.stderr).to.contain('commute: no object is touched on both sides').and.to.contain(`2 heads (${B}, ${C})`);
    const merged = await p.run(['merge', '-m', 'join', '--rev-id', 'd1d1d1d1d1d1', ...P]);
    expect(merged.code, merged.stderr).to.equal(0);
    expect(merged.stdout).to.contain('commute:').and.to.contain(`Created merge revision d1d1d1d1d1d1 of ${B}, ${C}`);
    expect((await p.run(['check', '--no-lint', ...P])).code).to.equal(0);
  });

  it('the same column changed on both sides: --json names the object and both revisions, exit 3; check exits 3', async () => {
    const p = project([`alter table "user" alter column "email" type varchar(100)`], [`alter table "user" alter column "email" set not null`]);
    const r = await p.run(['heads', '--conflicts', '--json', ...P]);
    expect(r.code, r.stderr).to.equal(3);
    const json = JSON.parse(r.stdout) as {
      heads: { id: string }[];
      verdict: string;
      pairs: {
        heads: string[];
        mergeBases: string[];
        verdict: string;
        sides: { revision: string; file: string; message: string; touches: number; unknown: boolean }[][];
        overlaps: { object: string; key: string; sides: { revision: string; file: string; action: string; detail: string; statement: string }[][] }[];
        unknown: unknown[];
      }[];
    };
    expect(json.heads.map((h) => h.id)).to.deep.equal([B, C]);
    expect(json.verdict).to.equal('overlap');
    expect(json.pairs).to.have.length(1);
    const [pair] = json.pairs;
    expect(pair).to.include({ verdict: 'overlap' });
    expect(pair.heads).to.deep.equal([B, C]);
    expect(pair.mergeBases).to.deep.equal([A]);
    expect(pair.sides[0][0]).to.deep.equal({ revision: B, file: `migrations/${B}_b.js`, message: 'branch b', touches: pair.sides[0][0].touches, unknown: false });
    expect(pair.overlaps).to.deep.equal([
      {
        object: 'column public.user.email',
        key: 'column:public.user.email',
        sides: [
          [{ revision: B, file: `migrations/${B}_b.js`, action: 'alter', detail: 'set type varchar(100)', statement: 'alter table "user" alter column "email" type varchar(100)' }],
          [{ revision: C, file: `migrations/${C}_c.js`, action: 'alter', detail: 'set not null', statement: 'alter table "user" alter column "email" set not null' }],
        ],
      },
    ]);
    expect(pair.unknown).to.deep.equal([]);
    expect(r.stderr).to.contain('touch 1 common object');

    const check = await p.run(['check', '--no-lint', ...P]);
    expect(check.code).to.equal(3);
    expect(check.stderr).to.contain('OVERLAP: 1 object is touched on both sides').and.to.contain('column public.user.email');
    const checkJson = await p.run(['check', '--no-lint', '--json', ...P]);
    expect(checkJson.code).to.equal(3);
    expect((JSON.parse(checkJson.stdout) as { ok: boolean; conflicts: { verdict: string } }).conflicts.verdict).to.equal('overlap');
  });

  it('merge refuses overlapping branches (exit 3, nothing written) unless --force; --verify proves this pair commutes and writes', async () => {
    const p = project([`alter table "user" alter column "email" type varchar(100)`], [`alter table "user" alter column "email" set not null`]);
    const refused = await p.run(['merge', '-m', 'join', ...P]);
    expect(refused.code).to.equal(3);
    expect(refused.stdout).to.contain('OVERLAP').and.to.contain('column public.user.email');
    expect(refused.stderr).to.contain('nothing was written').and.to.contain('merge --verify');
    expect(files(p)).to.have.length(3);

    const verified = await p.run(['merge', '-m', 'join', '--verify', '--rev-id', 'd1d1d1d1d1d1', ...P]);
    expect(verified.code, verified.stderr).to.equal(0);
    expect(verified.stdout).to.contain(`verify ${B} and ${C} (from ${A})`).and.to.contain('commutes: both orders give the same schema');
    expect(verified.stdout).to.contain('Verified: both orders give the same schema, so the merge is written.').and.to.contain('Created merge revision d1d1d1d1d1d1');
    expect(files(p)).to.have.length(4);
  });

  it('merge --verify shows the schema difference of an enum value added on each side (exit 3, nothing written); --force writes anyway', async () => {
    const p = project([`alter type "status" add value 'archived'`], [`alter type "status" add value 'banned'`]);
    const r = await p.run(['merge', '-m', 'join', '--verify', ...P]);
    expect(r.code, r.stderr).to.equal(3);
    expect(r.stdout).to.contain(`does not commute: the schemas differ (- only after ${B} then ${C}, + only after ${C} then ${B}):`);
    expect(r.stdout).to.contain(`    - enumTypes: public.status enum ('active', 'inactive', 'archived', 'banned')`);
    expect(r.stdout).to.contain(`    + enumTypes: public.status enum ('active', 'inactive', 'banned', 'archived')`);
    expect(r.stderr).to.contain('do not commute').and.to.contain('nothing was written');
    expect(files(p)).to.have.length(3);
    const forced = await p.run(['merge', '-m', 'join', '--force', ...P]);
    expect(forced.code, forced.stderr).to.equal(0);
    expect(forced.stderr).to.contain('writing the merge anyway (--force)');
    expect(files(p)).to.have.length(4);
  });

  it('a table renamed on one side and indexed under its old name on the other: reported, and --verify names the revision that fails', async () => {
    const p = project([`alter table "post" rename to "article"`], [`create index "post_title_idx" on "post" ("title")`]);
    const heads = await p.run(['heads', '--conflicts', ...P]);
    expect(heads.code).to.equal(3);
    expect(heads.stdout).to.contain('    table public.post\n').and.to.contain(`${B} side, ${B}: rename (rename to article)`).and.to.contain(`${C} side, ${C}: reads (index post_title_idx is built on it)`);
    const verify = await p.run(['merge', '--verify', ...P]);
    expect(verify.code).to.equal(3);
    expect(verify.stdout).to.contain(`${B} then ${C}: FAILED at ${C}`).and.to.contain('relation "post" does not exist');
  });

  it('a dynamic EXECUTE is unknown, never safe: heads --conflicts and merge exit 4', async () => {
    const p = project([`do $$ begin execute format('alter table %I add column %I int', 'user', 'score'); end $$`], [`create table "invoice" ("id" int)`]);
    const heads = await p.run(['heads', '--conflicts', ...P]);
    expect(heads.code).to.equal(4);
    expect(heads.stdout).to.contain('[effect unknown]').and.to.contain('a DO block').and.to.contain('not proven');
    const merge = await p.run(['merge', ...P]);
    expect(merge.code).to.equal(4);
    expect(merge.stderr).to.contain('cannot be known from its SQL').and.to.contain('nothing was written');
    expect(files(p)).to.have.length(3);
  });
});
