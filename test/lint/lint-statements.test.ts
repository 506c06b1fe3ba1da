import { expect } from 'chai';
import { lintStatements } from '../../src/lint';
import { parseSql } from '../../src/sqlparse';

async function codes(sql: string, options: Parameters<typeof lintStatements>[1] = {}): Promise<string[]> {
  return lintStatements(await parseSql(sql), options).map((f) => f.code);
}

describe('lint: rules over statements', () => {
  it('names each lock-heavy step on an existing table', async () => {
    expect(await codes('create index "ix" on "post" ("title")')).to.deep.equal(['BLOCKING_INDEX_BUILD']);
    expect(await codes('drop index "ix"')).to.deep.equal(['BLOCKING_INDEX_DROP']);
    expect(await codes('alter table "post" add constraint "fk" foreign key ("a") references "author" ("id")')).to.deep.equal(['VALIDATING_FOREIGN_KEY']);
    expect(await codes('alter table "post" add constraint "c" check ("n" > 0)')).to.deep.equal(['VALIDATING_CHECK']);
    expect(await codes('alter table "post" alter column "title" set not null')).to.deep.equal(['NOT_NULL_SCAN']);
    expect(await codes('alter table "post" add column "rank" int not null')).to.deep.equal(['REQUIRED_COLUMN']);
    expect(await codes('alter table "post" add constraint "u" unique ("slug")')).to.deep.equal(['BLOCKING_UNIQUE_CONSTRAINT']);
    expect(await codes('alter table "post" alter column "n" type bigint')).to.deep.equal(['COLUMN_TYPE_REWRITE']);
    expect(await codes('alter table "post" add column "u" uuid default gen_random_uuid()')).to.deep.equal(['VOLATILE_DEFAULT']);
    expect(await codes('alter table "post" rename column "a" to "b"')).to.deep.equal(['RENAME_COLUMN']);
    expect(await codes('alter table "post" rename to "article"')).to.deep.equal(['RENAME_TABLE']);
    expect(await codes('begin; create index concurrently "ix" on "post" ("t"); commit')).to.deep.equal(['CONCURRENT_IN_TRANSACTION']);
  });

  it('the safe forms find nothing', async () => {
    const safe = [
      'create index concurrently "ix" on "post" ("title")',
      'drop index concurrently "ix"',
      'alter table "post" add constraint "fk" foreign key ("a") references "author" ("id") not valid',
      'alter table "post" validate constraint "fk"',
      'alter table "post" add constraint "c" check ("n" > 0) not valid',
      'alter table "post" add constraint "post_title_nn" check ("title" is not null) not valid',
      'alter table "post" validate constraint "post_title_nn"',
      'alter table "post" alter column "title" set not null',
      'alter table "post" drop constraint "post_title_nn"',
      'alter table "post" add constraint "u" unique using index "u"',
      'alter table "post" add column "created" timestamptz not null default now()',
      'alter table "post" add column "note" text',
    ].join(';\n');
    expect(await codes(safe)).to.deep.equal([]);
  });

  it('tables (and indexes) created earlier in the same statements are exempt', async () => {
    const sql = [
      'create table "tag" ("id" int primary key, "name" text)',
      'create index "tag_name_idx" on "tag" ("name")',
      'alter table "tag" add constraint "tag_name_uniq" unique ("name")',
      'alter table "tag" alter column "name" set not null',
      'alter table "tag" add column "rank" int not null',
      'alter table "tag" alter column "rank" type bigint',
      'drop index "tag_name_idx"',
      'create index "post_tag_idx" on "post" ("tag_id")',
    ].join(';\n');
    const findings = lintStatements(await parseSql(sql));
    expect(findings.map((f) => [f.code, f.relation])).to.deep.equal([['BLOCKING_INDEX_BUILD', 'post']]);
  });

  it('LOCK_TIMEOUT_MISSING only when the runner does not set one, once, for a lock writers wait for', async () => {
    const sql = 'create index concurrently "ix" on "post" ("a"); alter table "post" add column "b" text; alter table "post" add column "c" text';
    expect(await codes(sql)).to.deep.equal([]);
    const without = lintStatements(await parseSql(sql), { runnerLockTimeout: false });
    expect(without.map((f) => [f.code, f.statement.index])).to.deep.equal([['LOCK_TIMEOUT_MISSING', 1]]);
    expect(await codes(`set lock_timeout = '2s'; ${sql}`, { runnerLockTimeout: false })).to.deep.equal([]);
    expect(await codes(`set lock_timeout = 0; ${sql}`, { runnerLockTimeout: false })).to.deep.equal(['LOCK_TIMEOUT_MISSING']);
  });
});
