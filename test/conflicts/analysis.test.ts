/**
 * The static conflict analysis of heads (src/conflicts/) on branched fixture projects: which objects
 * each side's SQL touches (rendered offline, parsed with PostgreSQL's parser), renames followed, and
 * revisions whose effect cannot be known reported as unknown. No database.
 */
import { expect } from 'chai';
import { analyzeConflicts, branchSplit, describeConflicts, type ConflictReport } from '../../src/conflicts';
import { MigrationEnvironment } from '../../src/runtime';
import { BASE, branchedFolder, type RevisionSpec } from './support/branches';

const B = 'b1b1b1b1b1b1';
const C = 'c1c1c1c1c1c1';

async function analyze(specs: readonly RevisionSpec[]): Promise<ConflictReport> {
  const env = new MigrationEnvironment({ path: branchedFolder([BASE, ...specs]) });
  return analyzeConflicts(env.graph, env.source);
}

/** `object: side-0 actions | side-1 actions` per overlap of the only pair. */
function overlaps(report: ConflictReport): string[] {
  return report.pairs[0].overlaps.map((o) => `${o.object}: ${o.sides.map((s) => s.map((t) => `${t.revision.slice(0, 2)} ${t.action}`).join(', ')).join(' | ')}`);
}

describe('conflicts: static analysis of heads', function () {
  this.timeout(60_000);

  it('splits two heads at their merge base, each side parents first', async () => {
    const env = new MigrationEnvironment({
      path: branchedFolder([BASE, { id: B, parent: BASE.id }, { id: 'b2b2b2b2b2b2', parent: B }, { id: C, parent: BASE.id }]),
    });
    const split = branchSplit(env.graph, 'b2b2b2b2b2b2', C);
    expect(split.mergeBases).to.deep.equal([BASE.id]);
    expect(split.common).to.deep.equal([BASE.id]);
    expect(split.sides).to.deep.equal([[B, 'b2b2b2b2b2b2'], [C]]);
  });

  it('disjoint branches commute: a column added to users, a new table', async () => {
    const report = await analyze([
      { id: B, parent: BASE.id, up: [`alter table "user" add column "name" text`] },
      { id: C, parent: BASE.id, up: [`create table "invoice" ("id" serial primary key, "user_id" int references "user" ("id"))`, `create index "post_author_idx" on "post" ("author_id")`] },
    ]);
    expect(report.verdict).to.equal('commute');
    expect(report.pairs[0].overlaps).to.deep.equal([]);
    expect(report.pairs[0].unknown).to.deep.equal([]);
    expect(describeConflicts(report).join('\n')).to.contain(`heads ${B} and ${C} part at ${BASE.id}`).and.to.contain('commute: no object is touched on both sides');
  });

  it('the same column changed on both sides overlaps, naming the column, the revisions and how each touches it', async () => {
    const report = await analyze([
      { id: B, parent: BASE.id, up: [`alter table "user" alter column "email" type varchar(100)`] },
      { id: C, parent: BASE.id, up: [`alter table "user" alter column "email" set not null`] },
    ]);
    expect(report.verdict).to.equal('overlap');
    expect(overlaps(report)).to.deep.equal(['column public.user.email: b1 alter | c1 alter']);
    const [o] = report.pairs[0].overlaps;
    expect(o.sides[0][0]).to.include({ revision: B, action: 'alter', detail: 'set type varchar(100)' });
    expect(o.sides[1][0]).to.include({ revision: C, action: 'alter', detail: 'set not null', statement: 'alter table "user" alter column "email" set not null' });
    const text = describeConflicts(report).join('\n');
    expect(text).to.contain('OVERLAP: 1 object is touched on both sides').and.to.contain('column public.user.email');
    expect(text).to.contain(`${B} side, ${B}: alter (set type varchar(100))`).and.to.contain(`${C} side, ${C}: alter (set not null)`);
  });

  it('an enum value added on one side and removed (type rebuilt) on the other overlaps on the type', async () => {
    const report = await analyze([
      { id: B, parent: BASE.id, up: [`alter type "status" add value 'archived'`] },
      {
        id: C,
        parent: BASE.id,
        up: [
          `alter table "user" alter column "status" drop default`,
          `alter type "status" rename to "status_old"`,
          `create type "status" as enum ('active')`,
          `alter table "user" alter column "status" type "status" using "status"::text::"status"`,
          `alter table "user" alter column "status" set default 'active'`,
          `drop type "status_old"`,
        ],
      },
    ]);
    expect(report.verdict).to.equal('overlap');
    const [type] = report.pairs[0].overlaps.filter((o) => o.key === 'type:public.status');
    expect(type.object).to.equal('enum type public.status');
    expect(type.sides[0].map((t) => `${t.action} ${t.detail}`)).to.deep.equal([`alter add value 'archived'`]);
    expect(type.sides[1].map((t) => t.action)).to.include.members(['rename', 'create', 'drop', 'reads']);
  });

  it('two values added to one enum on both sides overlap (their order would differ)', async () => {
    const report = await analyze([
      { id: B, parent: BASE.id, up: [`alter type "status" add value 'archived'`] },
      { id: C, parent: BASE.id, up: [`alter type "status" add value 'banned'`] },
    ]);
    expect(overlaps(report)).to.deep.equal(['enum type public.status: b1 alter | c1 alter']);
  });

  it('a table renamed on one side and indexed under its old name on the other overlaps; renames are followed within a branch', async () => {
    const renamed = await analyze([
      { id: B, parent: BASE.id, up: [`alter table "post" rename to "article"`] },
      { id: C, parent: BASE.id, up: [`create index "post_title_idx" on "post" ("title")`] },
    ]);
    expect(renamed.verdict).to.equal('overlap');
    expect(overlaps(renamed)).to.deep.equal(['table public.post: b1 rename | c1 reads']);

    // the renaming side then indexes the table under its new name; the other side drops the column
    const followed = await analyze([
      { id: B, parent: BASE.id, up: [`alter table "post" rename to "article"`] },
      { id: 'b2b2b2b2b2b2', parent: B, up: [`create index "article_title_idx" on "article" ("title")`] },
      { id: C, parent: BASE.id, up: [`alter table "post" drop column "title"`] },
    ]);
    const column = followed.pairs[0].overlaps.find((o) => o.key === 'column:public.post.title');
    expect(column, overlaps(followed).join('\n')).to.not.equal(undefined);
    expect(column!.sides[0].map((t) => `${t.revision} ${t.action} ${t.detail}`)).to.deep.equal(['b2b2b2b2b2b2 reads indexed by article_title_idx (on public.article)']);
    expect(column!.sides[1].map((t) => t.action)).to.deep.equal(['drop']);
  });

  it('a view reading a table overlaps with a change to one of its columns on the other side', async () => {
    const report = await analyze([
      { id: B, parent: BASE.id, up: [`create view "active_user" as select "id", "email" from "user" where "status" = 'active'`] },
      { id: C, parent: BASE.id, up: [`alter table "user" alter column "email" type varchar(200)`] },
    ]);
    expect(report.verdict).to.equal('overlap');
    expect(report.pairs[0].overlaps.map((o) => o.key)).to.deep.equal(['relation:public.user']);
  });

  it('a dynamic EXECUTE in a DO block, and a revision that reads rows, are unknown, never safe', async () => {
    const report = await analyze([
      {
        id: B,
        parent: BASE.id,
        up: [`do $$ begin execute format('alter table %I add column %I int', 'user', 'score'); end $$`],
      },
      { id: C, parent: BASE.id, upBody: `const rows = await this.execute('select count(*) as n from "post"');\nif (Number(rows[0].n) > 0) this.addSql('create table "archive" (id int)');` },
    ]);
    expect(report.verdict).to.equal('unknown');
    const unknown = report.pairs[0].unknown;
    expect(unknown.map((u) => u.revision)).to.deep.equal([B, C]);
    expect(unknown[0].reasons[0]).to.contain('a DO block');
    expect(unknown[1].reasons[0]).to.contain('cannot be rendered offline');
    expect(describeConflicts(report).join('\n')).to.contain('UNKNOWN: the effect of 2 revisions cannot be known').and.to.contain('not proven');
  });

  it('an unknown revision beside a real overlap: the verdict is overlap, the unknown one is still listed', async () => {
    const report = await analyze([
      { id: B, parent: BASE.id, up: [`alter table "user" drop column "email"`, `do $$ begin perform 1; end $$`] },
      { id: C, parent: BASE.id, up: [`create unique index "user_email_idx" on "user" ("email")`] },
    ]);
    expect(report.verdict).to.equal('overlap');
    expect(overlaps(report)).to.deep.equal(['column public.user.email: b1 drop | c1 reads']);
    expect(report.pairs[0].unknown.map((u) => u.revision)).to.deep.equal([B]);
  });

  it('one head: nothing to merge', async () => {
    const report = await analyze([{ id: B, parent: BASE.id, up: [`alter table "user" add column "name" text`] }]);
    expect(report.verdict).to.equal('single-head');
    expect(report.pairs).to.deep.equal([]);
  });
});
