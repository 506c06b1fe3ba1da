/**
 * The `down()` of a dropped NOT NULL column works on a table with rows: the column comes back nullable
 * (its data cannot come back), and NOT NULL again only where it holds (an empty table), through the
 * real generated revision.
 */
import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { expect } from 'chai';
import { useTestDatabase } from '../support/database';
import { useAutogenHarness } from './support/autogen-harness';
import { sql } from './support/schema-fingerprint';

@Entity({ tableName: 'user' })
class B1User {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @Property() bio!: string;
  @Property({ default: 0 }) score!: number;
}
@Entity({ tableName: 'user' })
class B2User {
  @PrimaryKey() id!: number;
  @Property() name!: string;
}

@Entity({ tableName: 'odd$alembic$table' })
class D1Odd {
  @PrimaryKey() id!: number;
  @Property({ fieldName: 'note$alembic$' }) note!: string;
}
@Entity({ tableName: 'odd$alembic$table' })
class D2Odd {
  @PrimaryKey() id!: number;
}

const bioColumn = `select is_nullable, column_default from information_schema.columns where table_name = 'user' and column_name = 'bio'`;

describe('autogen: the down of a dropped NOT NULL column', function () {
  this.timeout(120_000);
  const db = useTestDatabase();
  const h = useAutogenHarness(db);

  it('up/down/up on a populated table: down re-adds it nullable, says what it cannot bring back, and up drops it again', async () => {
    await h.reset();
    await h.generate([B1User], 'init');
    await h.upgrade();
    await sql(db.url, `insert into "user" (name, bio) values ('ann', 'hello'), ('bob', 'bye')`);
    const { result, text } = await h.generate([B2User], 'drop bio and score');
    expect(result.notes.map((n) => [n.code, n.column])).to.deep.equal([
      ['DATA_LOSS_DROP_COLUMN', 'bio'],
      ['DATA_LOSS_DROP_COLUMN', 'score'],
    ]);
    expect(result.notes[0].message).to.contain('nullable (NOT NULL only when the table is empty)');
    expect(text).to.contain('// restores the column user.bio, not its data: added nullable, and NOT NULL again only if the table has no rows');
    expect(result.downSql).to.include('alter table "user" add column "bio" varchar(255) null;');
    // a column with a default comes back NOT NULL: the default fills the rows
    expect(result.downSql).to.include('alter table "user" add column "score" int4 not null default 0;');

    await h.upgrade();
    await h.downgrade('-1');
    expect(await sql(db.url, bioColumn)).to.deep.equal([{ is_nullable: 'YES', column_default: null }]);
    expect(await sql(db.url, `select name, bio, score from "user" order by id`)).to.deep.equal([
      { name: 'ann', bio: null, score: 0 },
      { name: 'bob', bio: null, score: 0 },
    ]);
    await h.upgrade();
    expect(await sql(db.url, `select count(*)::int as n from "user"`)).to.deep.equal([{ n: 2 }]);
    expect((await h.diff([B2User])).empty, 'up again converges').to.equal(true);
  });

  it('on an empty table, down restores the column exactly (NOT NULL)', async () => {
    const { result } = await h.roundTrip([B1User], [B2User]);
    expect(result.summary.split('\n')).to.deep.equal(['- drop column user.bio', '- drop column user.score']);
    expect(await sql(db.url, `select count(*)::int as n from "user"`)).to.deep.equal([{ n: 0 }]);
  });

  it('names holding the dollar-quote tag do not break the DO block of down', async () => {
    await h.reset();
    await h.generate([D1Odd], 'init');
    await h.upgrade();
    await sql(db.url, `insert into "odd$alembic$table" ("note$alembic$") values ('x')`);
    const { result } = await h.generate([D2Odd], 'drop note');
    expect(result.downSql.join('\n')).to.contain('do $alembic1$ begin');
    await h.upgrade();
    await h.downgrade('-1');
    expect(await sql(db.url, `select is_nullable from information_schema.columns where column_name = 'note$alembic$'`)).to.deep.equal([{ is_nullable: 'YES' }]);
    await sql(db.url, `delete from "odd$alembic$table"`);
    await h.upgrade();
    await h.downgrade('-1');
    expect(await sql(db.url, `select is_nullable from information_schema.columns where column_name = 'note$alembic$'`), 'empty table: NOT NULL again').to.deep.equal([{ is_nullable: 'NO' }]);
  });
});
