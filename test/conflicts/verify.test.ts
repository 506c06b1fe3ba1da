/**
 * Proof by running it: the test kit applies two branches in both orders from their merge base on
 * throw-away databases (real PostgreSQL) and compares the schema snapshots.
 */
import { expect } from 'chai';
import { MigrationCheckError, MigrationTestKit, describeCommute, type DataHook } from '../../src/testing';
import { testServer } from '../support/database';
import { BASE, branchedFolder, type RevisionSpec } from './support/branches';

const B = 'b1b1b1b1b1b1';
const C = 'c1c1c1c1c1c1';

async function kitFor(specs: readonly RevisionSpec[], dataHooks?: Record<string, DataHook>): Promise<MigrationTestKit> {
  return MigrationTestKit.open({ path: branchedFolder([BASE, ...specs]), serverUrl: async () => (await testServer()).url, dataHooks });
}

describe('conflicts: verifying that branches commute by running both orders', function () {
  this.timeout(120_000);

  it('disjoint branches commute: both orders run and give the same schema', async () => {
    const kit = await kitFor([
      { id: B, parent: BASE.id, up: [`alter table "user" add column "name" text`] },
      { id: 'b2b2b2b2b2b2', parent: B, up: [`create index "user_name_idx" on "user" ("name")`] },
      { id: C, parent: BASE.id, up: [`create table "invoice" ("id" serial primary key, "user_id" int references "user" ("id"))`] },
    ]);
    const [result] = await kit.assertBranchesCommute();
    expect(result.commutes).to.equal(true);
    expect(result.mergeBases).to.deep.equal([BASE.id]);
    expect(result.runs.map((r) => [r.order, r.applied, r.failed])).to.deep.equal([
      [['b2b2b2b2b2b2', C], [B, 'b2b2b2b2b2b2', C], null],
      [[C, 'b2b2b2b2b2b2'], [C, B, 'b2b2b2b2b2b2'], null],
    ]);
    expect(result.runs[0].snapshot?.tables).to.include.members(['public.invoice (table)', 'public.user (table)']);
    expect(result.difference).to.deep.equal([]);
    expect(describeCommute(result).join('\n')).to.contain('commutes: both orders give the same schema');
  });

  it('an enum value added on each side: the orders give different value orders, and the difference is shown', async () => {
    const kit = await kitFor([
      { id: B, parent: BASE.id, up: [`alter type "status" add value 'archived'`] },
      { id: C, parent: BASE.id, up: [`alter type "status" add value 'banned'`] },
    ]);
    const [result] = await kit.verifyBranchesCommute();
    expect(result.commutes).to.equal(false);
    expect(result.difference).to.deep.equal([
      `- enumTypes: public.status enum ('active', 'inactive', 'archived', 'banned')`,
      `+ enumTypes: public.status enum ('active', 'inactive', 'banned', 'archived')`,
    ]);
    const error = await kit.assertBranchesCommute().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(MigrationCheckError);
    expect((error as MigrationCheckError).code).to.equal('BRANCHES_DO_NOT_COMMUTE');
    expect((error as MigrationCheckError).message).to.contain('does not commute: the schemas differ').and.to.contain(`'banned', 'archived'`);
  });

  it('a table renamed on one side and indexed under its old name on the other: one order fails, naming the revision', async () => {
    const kit = await kitFor([
      { id: B, parent: BASE.id, up: [`alter table "post" rename to "article"`] },
      { id: C, parent: BASE.id, up: [`create index "post_title_idx" on "post" ("title")`] },
    ]);
    const [result] = await kit.verifyBranchesCommute();
    expect(result.commutes).to.equal(false);
    expect(result.runs[0].failed?.revision).to.equal(C);
    expect(result.runs[0].failed?.error).to.contain('relation "post" does not exist');
    expect(result.runs[0].applied).to.deep.equal([B]);
    expect(result.runs[1].failed).to.equal(null);
    expect(describeCommute(result).join('\n')).to.contain(`${B} then ${C}: FAILED at ${C}`).and.to.contain('does not commute: one order fails');
  });

  it('the same column changed on both sides can still commute when run: the static overlap is a warning, the run is the proof', async () => {
    const kit = await kitFor([
      { id: B, parent: BASE.id, up: [`alter table "user" alter column "email" type varchar(100)`] },
      { id: C, parent: BASE.id, up: [`alter table "user" alter column "email" set not null`] },
    ]);
    const [result] = await kit.verifyBranchesCommute();
    expect(result.commutes).to.equal(true);
    expect(result.runs[0].snapshot?.columns).to.include('public.user.email character varying(100) not null');
  });

  it('rows from data hooks take part: lower-casing emails and a unique index commute on an empty table, not with the rows', async () => {
    const specs: RevisionSpec[] = [
      { id: B, parent: BASE.id, up: [`update "user" set "email" = lower("email")`] },
      { id: C, parent: BASE.id, up: [`create unique index "user_email_key" on "user" ("email")`] },
    ];
    const empty = await kitFor(specs);
    expect((await empty.verifyBranchesCommute())[0].commutes).to.equal(true);
    const rows = await kitFor(specs, {
      [BASE.id]: {
        after: async (db) => {
          await db.query(`insert into "user" ("email") values ('Ann@example.com'), ('ann@example.com')`);
        },
      },
    });
    const [result] = await rows.verifyBranchesCommute();
    expect(result.commutes).to.equal(false);
    expect(result.runs.map((r) => r.failed?.revision)).to.deep.equal([C, B]);
    expect(result.runs[0].failed?.error).to.contain('could not create unique index');
    expect(result.runs[1].failed?.error).to.contain('duplicate key');
  });
});
