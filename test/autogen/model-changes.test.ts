/**
 * Decorator-driven model changes, each generated, written as a revision, applied by the real runtime,
 * found up to date, downgraded to exactly the schema before, and re-applied (AutogenHarness.roundTrip).
 */
import { Check, Entity, Enum, Index, ManyToOne, OneToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { expect } from 'chai';
import { useTestDatabase } from '../support/database';
import { useAutogenHarness } from './support/autogen-harness';
import { sql } from './support/schema-fingerprint';

enum Role {
  ADMIN = 'admin',
  USER = 'user',
}

// --- a first model, from an empty database
@Entity({ tableName: 'author' })
class V1Author {
  @PrimaryKey() id!: number;
  @Property({ length: 100 }) name!: string;
  @Property({ nullable: true, unique: true }) email?: string;
}
@Entity({ tableName: 'book' })
@Index({ properties: ['title'] })
@Check({ name: 'book_pages_positive', expression: 'pages > 0' })
class V1Book {
  @PrimaryKey() id!: number;
  @Property() title!: string;
  @Property({ default: 1 }) pages!: number;
  @ManyToOne(() => V1Author) author!: V1Author;
  @Enum({ items: () => Role, nativeEnumName: 'book_audience', default: Role.USER }) audience!: Role;
}

// --- adding a property and an entity with a relation and an index
@Entity({ tableName: 'author' })
class A1Author {
  @PrimaryKey() id!: number;
  @Property() name!: string;
}
@Entity({ tableName: 'author' })
class A2Author {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @Property({ type: 'text', nullable: true }) bio?: string;
}
@Entity({ tableName: 'post' })
@Index({ properties: ['publishedAt'] })
class A2Post {
  @PrimaryKey() id!: number;
  @Property() title!: string;
  @Property({ nullable: true }) publishedAt?: Date;
  @ManyToOne(() => A2Author) author!: A2Author;
}

// --- type, nullability, default
@Entity({ tableName: 'user' })
class C1User {
  @PrimaryKey() id!: number;
  @Property({ length: 100 }) name!: string;
  @Property({ nullable: true }) age?: number;
  @Property({ default: 'x' }) tag!: string;
  @Property({ columnType: 'int' }) score!: number;
}
@Entity({ tableName: 'user' })
class C2User {
  @PrimaryKey() id!: number;
  @Property({ length: 50 }) name!: string;
  @Property() age!: number;
  @Property({ default: 'y' }) tag!: string;
  @Property({ columnType: 'bigint' }) score!: number;
}

// --- a unique constraint on existing data
@Entity({ tableName: 'user' })
class D1User {
  @PrimaryKey() id!: number;
  @Property() email!: string;
}
@Entity({ tableName: 'user' })
@Unique({ properties: ['email'] })
class D2User {
  @PrimaryKey() id!: number;
  @Property() email!: string;
}

// --- dropping a column
@Entity({ tableName: 'user' })
class E1User {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @Property({ type: 'text', nullable: true, comment: 'about me' }) bio?: string;
}
@Entity({ tableName: 'user' })
class E2User {
  @PrimaryKey() id!: number;
  @Property() name!: string;
}

// --- dropping an entity that another one references (and the reference)
@Entity({ tableName: 'author' })
class G1Author {
  @PrimaryKey() id!: number;
  @Property() name!: string;
}
@Entity({ tableName: 'book' })
class G1Book {
  @PrimaryKey() id!: number;
  @Property() title!: string;
  @ManyToOne(() => G1Author) author!: G1Author;
}
@Entity({ tableName: 'book' })
class G2Book {
  @PrimaryKey() id!: number;
  @Property() title!: string;
}

// --- a native enum column on a new table
@Entity({ tableName: 'dummy' })
class H1Dummy {
  @PrimaryKey() id!: number;
}
@Entity({ tableName: 'dummy' })
class H2Dummy {
  @PrimaryKey() id!: number;
}
@Entity({ tableName: 'member' })
class H2Member {
  @PrimaryKey() id!: number;
  @Enum({ items: () => Role, nativeEnumName: 'member_role', default: Role.USER }) role!: Role;
}

// --- a second schema, with its own enum type and a relation to public
@Entity({ tableName: 'owner' })
class I1Owner {
  @PrimaryKey() id!: number;
}
@Entity({ tableName: 'owner' })
class I2Owner {
  @PrimaryKey() id!: number;
}
@Entity({ tableName: 'tag', schema: 'app', comment: 'tags' })
@Index({ properties: ['label'] })
class I2Tag {
  @PrimaryKey() id!: number;
  @Property() label!: string;
  @Enum({ items: () => Role, nativeEnumName: 'tag_kind', default: Role.ADMIN }) kind!: Role;
  @ManyToOne(() => I2Owner, { nullable: true }) owner?: I2Owner;
}

// --- relations added to an existing table, indexes dropped, a boolean default, a table moving schema
@Entity({ tableName: 'team' })
class M1Team {
  @PrimaryKey() id!: number;
}
@Entity({ tableName: 'player' })
@Index({ properties: ['name'] })
@Unique({ properties: ['code'] })
class M1Player {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @Property() code!: string;
  @Property({ default: false }) active!: boolean;
}
@Entity({ tableName: 'player' })
class M2Player {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @Property() code!: string;
  @Property({ default: true }) active!: boolean;
  @ManyToOne(() => M1Team, { nullable: true }) team?: M1Team;
  @OneToOne(() => M1Team, { nullable: true, owner: true }) captainOf?: M1Team;
  @Property({ defaultRaw: 'now()', nullable: true }) seenAt?: Date;
}
@Entity({ tableName: 'player', schema: 'app' })
class M3Player {
  @PrimaryKey() id!: number;
  @Property() name!: string;
}

describe('autogen: model changes (generate, apply, up to date, down restores exactly, re-up)', function () {
  this.timeout(120_000);
  const db = useTestDatabase();
  const h = useAutogenHarness(db);
  // the plain statements of MikroORM's diff (safe-ddl off); test/safe-ddl covers the lock-safe forms
  const plain = useAutogenHarness(db, { safeDdl: false });

  it('builds a first schema from an empty database; down to base drops everything it made', async () => {
    const { result, text } = await h.roundTrip(null, [V1Author, V1Book]);
    const up = result.upSql.join('\n');
    expect(up.indexOf('create type "book_audience"')).to.be.within(0, up.indexOf('create table "book"'));
    expect(up.indexOf('create table "book"')).to.be.lessThan(up.indexOf('add constraint "book_author_id_foreign"'));
    const down = result.downSql.join('\n');
    expect(down.indexOf('drop constraint "book_author_id_foreign"')).to.be.within(0, down.indexOf('drop table "book"'));
    expect(down.indexOf('drop table "book"')).to.be.lessThan(down.indexOf('drop type "book_audience"'));
    expect(result.notes).to.deep.equal([]);
    // one literal per line, so indenting the code cannot change the statement
    expect(text).to.contain('    this.addSql(\n      `create table "book" (\\n` +\n      `  "id" serial primary key,\\n` +\n');
    expect(result.summary.split('\n')).to.deep.equal([
      "+ create enum type book_audience ('admin', 'user')",
      '+ create table author',
      '+ create table book',
      '+ add foreign key book_author_id_foreign on book (author_id) -> public.author (id)',
    ]);
  });

  it('adds a property and an entity with a relation (foreign key) and an index', async () => {
    const { result } = await h.roundTrip([A1Author], [A2Author, A2Post]);
    expect(result.summary.split('\n')).to.deep.equal([
      '+ create table post',
      '+ add column author.bio text null',
      '+ add foreign key post_author_id_foreign on post (author_id) -> public.author (id)',
    ]);
    expect(result.upSql).to.include('create index "post_published_at_index" on "post" ("published_at");');
    expect(result.notes).to.deep.equal([]);
  });

  it('changes a type, the nullability and a default; names the narrowing and the NOT NULL', async () => {
    const { result } = await plain.roundTrip([C1User], [C2User]);
    expect(result.summary.split('\n')).to.deep.equal([
      '~ change the type of user.name: varchar(100) -> varchar(50)',
      '~ make user.age NOT NULL',
      "~ change the default of user.tag: 'x' -> 'y'",
      '~ change the type of user.score: int4 -> bigint',
    ]);
    expect(result.upSql).to.deep.equal([
      'alter table "user" alter column "name" type varchar(50) using ("name"::varchar(50));',
      'alter table "user" alter column "age" set not null;',
      `alter table "user" alter column "tag" set default 'y';`,
      'alter table "user" alter column "score" type bigint using ("score"::bigint);',
    ]);
    expect(result.downSql).to.deep.equal([
      'alter table "user" alter column "score" type int4 using ("score"::int4);',
      `alter table "user" alter column "tag" set default 'x';`,
      'alter table "user" alter column "age" drop not null;',
      'alter table "user" alter column "name" type varchar(100) using ("name"::varchar(100));',
    ]);
    expect(result.notes.map((n) => [n.code, n.table, n.column])).to.deep.equal([
      ['NARROWING_TYPE', 'user', 'name'],
      ['NOT_NULL_ON_EXISTING', 'user', 'age'],
    ]);
  });

  it('adds a unique constraint to an existing table: UNIQUE_ON_EXISTING', async () => {
    const { result, text } = await plain.roundTrip([D1User], [D2User]);
    expect(result.upSql).to.deep.equal(['alter table "user" add constraint "user_email_unique" unique ("email");']);
    expect(result.notes.map((n) => n.code)).to.deep.equal(['UNIQUE_ON_EXISTING']);
    expect(text).to.contain('// UNIQUE_ON_EXISTING: adds unique index user_email_unique on user (email)');
  });

  it('drops a column: DATA_LOSS_DROP_COLUMN; down restores the column (not the data) and says so', async () => {
    await h.reset();
    await h.generate([E1User], 'users');
    await h.upgrade();
    await sql(db.url, `insert into "user" (name, bio) values ('ann', 'hello')`);
    const { result, text } = await h.generate([E2User], 'drop bio');
    expect(result.upSql).to.deep.equal(['alter table "user" drop column "bio";']);
    expect(result.downSql).to.deep.equal([`alter table "user" add column "bio" text null;`, `comment on column "user"."bio" is 'about me';`]);
    expect(result.notes).to.deep.equal([
      {
        code: 'DATA_LOSS_DROP_COLUMN',
        message: 'drops column user.bio and its data; down re-adds the column, without the data',
        table: 'user',
        column: 'bio',
      },
    ]);
    expect(text).to.contain('// restores the column user.bio, not its data');
    await h.upgrade();
    await h.downgrade();
    expect(await sql(db.url, 'select name, bio from "user"')).to.deep.equal([{ name: 'ann', bio: null }]);
    await h.roundTrip([E1User], [E2User]);
  });

  it('drops an entity another one references: the foreign key goes first, down restores both', async () => {
    const { result, text } = await h.roundTrip([G1Author, G1Book], [G2Book]);
    expect(result.summary.split('\n')).to.deep.equal([
      '- drop foreign key book_author_id_foreign on book',
      '- drop table author',
      '- drop column book.author_id',
    ]);
    expect(result.notes.map((n) => [n.code, n.table, n.column])).to.deep.equal([
      ['DATA_LOSS_DROP_TABLE', 'author', undefined],
      ['DATA_LOSS_DROP_COLUMN', 'book', 'author_id'],
    ]);
    expect(text).to.contain('// restores the structure of table author, not its rows');
    // book exists: down adds the key in its lock-safe form (safe-ddl): one statement dropping a leftover and adding it not valid, then validated
    expect(result.downSql.at(-2)).to.match(/^alter table "book" drop constraint if exists "book_author_id_foreign", add constraint "book_author_id_foreign" foreign key \("author_id"\) references "author" \("id"\).* not valid;$/);
    expect(result.downSql.at(-1)).to.equal('alter table "public"."book" validate constraint "book_author_id_foreign";');
  });

  it('creates the enum type before a new table that uses it; down drops the table, then the type', async () => {
    const { result } = await h.roundTrip([H1Dummy], [H2Dummy, H2Member]);
    expect(result.upSql).to.deep.equal([
      `create type "member_role" as enum ('admin', 'user');`,
      `create table "member" (\n  "id" serial primary key,\n  "role" "member_role" not null default 'user'\n);`,
    ]);
    expect(result.downSql).to.deep.equal(['drop table "member";', 'drop type "member_role";']);
  });

  it('creates a schema with a table and an enum type in it, referencing a public table', async () => {
    const { result } = await h.roundTrip([I1Owner], [I2Owner, I2Tag]);
    expect(result.summary.split('\n')).to.deep.equal([
      '+ create schema app',
      "+ create enum type app.tag_kind ('admin', 'user')",
      '+ create table app.tag',
      '+ add foreign key tag_owner_id_foreign on app.tag (owner_id) -> public.owner (id)',
    ]);
    expect(result.upSql[2]).to.equal(
      `create table "app"."tag" (\n  "id" serial primary key,\n  "label" varchar(255) not null,\n  "kind" "app"."tag_kind" not null default 'admin',\n  "owner_id" int null\n);`,
    );
    expect(result.downSql.slice(-3)).to.deep.equal(['drop table "app"."tag";', 'drop type "app"."tag_kind";', 'drop schema if exists "app";']);
  });

  it('gives byte-identical output for the same model and database, and an empty result when nothing differs', async () => {
    await h.reset();
    const first = await h.diff([V1Author, V1Book]);
    const second = await h.diff([V1Author, V1Book]);
    expect(second.upBody).to.equal(first.upBody);
    expect(second.downBody).to.equal(first.downBody);
    expect(second.upSql).to.deep.equal(first.upSql);
    expect(second.summary).to.equal(first.summary);
    await h.generate([V1Author, V1Book], 'init');
    await h.upgrade();
    const none = await h.diff([V1Author, V1Book]);
    expect(none).to.deep.include({ empty: true, upBody: '', downBody: '', summary: '' });
    expect(none.operations).to.deep.equal([]);
    expect(none.upSql).to.deep.equal([]);
    expect(none.downSql).to.deep.equal([]);
    expect(none.notes).to.deep.equal([]);
  });

  it('adds relations to an existing table, drops an index and a unique, changes a boolean default', async () => {
    const { result } = await h.roundTrip([M1Team, M1Player], [M1Team, M2Player]);
    expect(result.summary.split('\n')).to.deep.equal([
      '- drop unique index player_code_unique on player',
      '- drop index player_name_index on player',
      '+ add column player.team_id int null',
      '+ add column player.captain_of_id int null',
      '+ add column player.seen_at timestamptz null default now()',
      '~ change the default of player.active: false -> true',
      '+ create unique index player_captain_of_id_unique on player (captain_of_id)',
      '+ add foreign key player_captain_of_id_foreign on player (captain_of_id) -> public.team (id)',
      '+ add foreign key player_team_id_foreign on player (team_id) -> public.team (id)',
    ]);
    // an index no entity declares any more is named as such (autogenerate cannot tell "removed from the model" from "never in it")
    expect(result.notes.map((n) => n.code)).to.deep.equal(['DROP_UNDECLARED_INDEX', 'DROP_UNDECLARED_INDEX', 'UNIQUE_ON_EXISTING']);
  });

  it('moves a table to another schema as a drop and a create (MikroORM sees no move)', async () => {
    const { result } = await h.roundTrip([M1Team, M1Player], [M1Team, M3Player]);
    expect(result.summary.split('\n')).to.deep.equal(['+ create schema app', '- drop table player', '+ create table app.player']);
    expect(result.notes.map((n) => n.code)).to.deep.equal(['DATA_LOSS_DROP_TABLE']);
  });
});
