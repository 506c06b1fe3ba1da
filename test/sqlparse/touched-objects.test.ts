/**
 * The objects one statement touches (src/sqlparse/touched-objects.ts), read from PostgreSQL's parse tree:
 * every kind of object the conflict analysis compares, and what it cannot know.
 */
import { expect } from 'chai';
import { parseSql, touchedObjects } from '../../src/sqlparse';

/** `action kind schema.name[.member]` per touch of the (single) statement, and its unknown reason. */
async function touches(sql: string): Promise<{ touches: string[]; unknown: string | null }> {
  const [stmt] = await parseSql(sql);
  const found = touchedObjects(stmt);
  return {
    touches: found.touches.map((t) => `${t.action} ${t.object.kind} ${t.object.schema ?? '-'}.${t.object.name}${t.object.member === null ? '' : `.${t.object.member}`}${t.newName ? ` -> ${t.newName}` : ''}${t.whole ? ' (whole)' : ''}`),
    unknown: found.unknown,
  };
}

describe('sqlparse: the objects a statement touches', () => {
  it('create table: the table, its columns, their types, named constraints and their indexes, referenced tables', async () => {
    const r = await touches(`create table app.invoice (id serial constraint invoice_pkey primary key, status app.status not null, user_id int references "user" (id), constraint invoice_amount_check check (id > 0))`);
    expect(r.unknown).to.equal(null);
    expect(r.touches).to.deep.equal([
      'create relation app.invoice',
      'create column app.invoice.id',
      'create constraint app.invoice.invoice_pkey',
      'create relation app.invoice_pkey',
      'create column app.invoice.status',
      'reads type app.status',
      'create column app.invoice.user_id',
      'create constraint app.invoice.invoice_user_id_fkey',
      'reads relation -.user',
      'reads column -.user.id',
      'create constraint app.invoice.invoice_amount_check',
    ]);
  });

  it('alter table: columns added, altered, dropped; constraints added, validated, dropped; the table read', async () => {
    expect((await touches(`alter table "user" add column "score" int default 0, alter column "email" set not null, drop column "legacy"`)).touches).to.deep.equal([
      'reads relation -.user',
      'create column -.user.score',
      'alter column -.user.email',
      'reads relation -.user',
      'drop column -.user.legacy',
      'reads relation -.user',
    ]);
    expect((await touches(`alter table "post" add constraint "post_author_fk" foreign key ("author_id") references "user" ("id") not valid`)).touches).to.deep.equal([
      'reads relation -.post',
      'create constraint -.post.post_author_fk',
      'reads column -.post.author_id',
      'reads relation -.user',
      'reads column -.user.id',
    ]);
    expect((await touches(`alter table "post" validate constraint "post_author_fk"`)).touches).to.deep.equal(['alter constraint -.post.post_author_fk', 'reads relation -.post']);
  });

  it('enum types: created with their values, a value added or renamed, the type renamed and dropped', async () => {
    expect((await touches(`create type "status" as enum ('a', 'b')`)).touches).to.deep.equal(['create type -.status', 'create enumValue -.status.a', 'create enumValue -.status.b']);
    expect((await touches(`alter type "status" add value 'c' after 'b'`)).touches).to.deep.equal(['alter type -.status', 'create enumValue -.status.c']);
    expect((await touches(`alter type "status" rename value 'a' to 'z'`)).touches).to.deep.equal(['alter type -.status', 'rename enumValue -.status.a -> z']);
    expect((await touches(`alter type "status" rename to "status_old"`)).touches).to.deep.equal(['rename type -.status -> status_old']);
    expect((await touches(`drop type "status_old"`)).touches).to.deep.equal(['drop type -.status_old']);
  });

  it('indexes, views, sequences, functions, triggers, comments', async () => {
    expect((await touches(`create unique index concurrently "user_email_idx" on "user" (lower("email")) where "deleted_at" is null`)).touches).to.deep.equal([
      'create relation -.user_email_idx',
      'reads relation -.user',
      'reads column -.user.email',
      'reads column -.user.deleted_at',
    ]);
    expect((await touches(`create view "active" as select u.id from "user" u join "post" p on p.author_id = u.id`)).touches).to.deep.equal([
      'create relation -.active',
      'reads relation -.user (whole)',
      'reads relation -.post (whole)',
    ]);
    expect((await touches(`create sequence "invoice_no" owned by "invoice"."no"`)).touches).to.deep.equal(['create relation -.invoice_no', 'reads column -.invoice.no']);
    expect((await touches(`create or replace function app.touch() returns trigger language plpgsql as $$ begin return new; end $$`)).touches).to.deep.equal(['create function app.touch']);
    expect((await touches(`create trigger "t_touch" before update on "user" for each row execute function app.touch()`)).touches).to.deep.equal([
      'create trigger -.user.t_touch',
      'reads relation -.user',
      'reads function app.touch',
    ]);
    expect((await touches(`comment on column "user"."email" is 'the login'`)).touches).to.deep.equal(['alter column -.user.email']);
    expect((await touches(`alter index "a_idx" rename to "b_idx"`)).touches).to.deep.equal(['rename relation -.a_idx -> b_idx']);
    expect((await touches(`alter table "user" rename column "email" to "login"`)).touches).to.deep.equal(['rename column -.user.email -> login', 'reads relation -.user']);
  });

  it('rows written change the table and read what their query reads', async () => {
    expect((await touches(`insert into "archive" (id) select id from "post" where id < 10`)).touches).to.deep.equal(['alter relation -.archive (whole)', 'reads relation -.post (whole)']);
    expect((await touches(`update "user" set "email" = lower("email")`)).touches).to.deep.equal(['alter relation -.user (whole)']);
  });

  it('what its text cannot tell is unknown: DO blocks, calls, functions called from a select, DROP ... CASCADE, unanalysed kinds', async () => {
    expect((await touches(`do $$ begin execute 'drop table x'; end $$`)).unknown).to.contain('a DO block');
    expect((await touches(`call app.cleanup()`)).unknown).to.equal('a procedure call');
    expect((await touches(`select app.backfill()`)).unknown).to.contain('a query that calls app.backfill()');
    expect((await touches(`drop table "user" cascade`)).unknown).to.contain('CASCADE');
    expect((await touches(`create policy "own" on "post" using (true)`)).unknown).to.equal('CreatePolicyStmt is not analysed');
    expect(await touches(`set local lock_timeout = '5s'`)).to.deep.equal({ touches: [], unknown: null });
  });
});
