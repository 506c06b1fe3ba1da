/**
 * Native enum types (and MikroORM's check-constraint enums) through the whole cycle. Enum
 * operations are first-class: types are created before the tables that use them and dropped after,
 * new values are added in place outside the transaction, removals and reorderings rebuild the type.
 */
import { Entity, Enum, PrimaryKey, Property } from '@mikro-orm/core';
import { expect } from 'chai';
import { useTestDatabase } from '../support/database';
import { useAutogenHarness } from './support/autogen-harness';
import { sql } from './support/schema-fingerprint';

enum Role2 {
  ADMIN = 'admin',
  USER = 'user',
}
enum Role4 {
  ADMIN = 'admin',
  MODERATOR = 'moderator',
  USER = 'user',
  GUEST = 'guest',
}
enum Role3 {
  ADMIN = 'admin',
  USER = 'user',
  GUEST = 'guest',
}
enum Role3Reordered {
  GUEST = 'guest',
  ADMIN = 'admin',
  USER = 'user',
}
enum Account {
  OWNER = 'owner',
  MEMBER = 'member',
}

@Entity({ tableName: 'user' })
class A1User {
  @PrimaryKey() id!: number;
  @Enum({ items: () => Role2, nativeEnumName: 'user_role', default: Role2.USER }) role!: Role2;
}
@Entity({ tableName: 'user' })
class A2User {
  @PrimaryKey() id!: number;
  @Enum({ items: () => Role4, nativeEnumName: 'user_role', default: Role4.GUEST }) role!: Role4;
}

@Entity({ tableName: 'user' })
class B1User {
  @PrimaryKey() id!: number;
  @Enum({ items: () => Role3, nativeEnumName: 'user_role', default: Role3.USER }) role!: Role3;
}
@Entity({ tableName: 'user' })
class B2User {
  @PrimaryKey() id!: number;
  @Enum({ items: () => Role2, nativeEnumName: 'user_role', default: Role2.USER }) role!: Role2;
}
@Entity({ tableName: 'user' })
class B3User {
  @PrimaryKey() id!: number;
  @Enum({ items: () => Role3Reordered, nativeEnumName: 'user_role', default: Role3Reordered.USER }) role!: Role3Reordered;
}

@Entity({ tableName: 'user' })
class C1User {
  @PrimaryKey() id!: number;
  @Enum({ items: () => Role2, nativeEnumName: 'user_roles', array: true, default: [] }) roles: Role2[] = [];
}
@Entity({ tableName: 'user' })
class C2User {
  @PrimaryKey() id!: number;
  @Enum({ items: () => Role3, nativeEnumName: 'user_roles', array: true, default: [] }) roles: Role3[] = [];
}

@Entity({ tableName: 'user' })
class D1User {
  @PrimaryKey() id!: number;
  @Enum({ items: () => Role2, nativeEnumName: 'user_role', default: Role2.USER }) role!: Role2;
}
@Entity({ tableName: 'invite' })
class D1Invite {
  @PrimaryKey() id!: number;
  @Enum({ items: () => Role2, nativeEnumName: 'user_role', default: Role2.USER }) role!: Role2;
}
@Entity({ tableName: 'user' })
class D2User {
  @PrimaryKey() id!: number;
  @Enum({ items: () => Role2, nativeEnumName: 'user_role', default: Role2.USER }) role!: Role2;
}
@Entity({ tableName: 'invite' })
class D2Invite {
  @PrimaryKey() id!: number;
}
@Entity({ tableName: 'user' })
class D3User {
  @PrimaryKey() id!: number;
}

@Entity({ tableName: 'user' })
class E1User {
  @PrimaryKey() id!: number;
  @Enum({ items: () => Role2, default: Role2.USER }) role!: Role2;
}
@Entity({ tableName: 'user' })
class E2User {
  @PrimaryKey() id!: number;
  @Enum({ items: () => Role3, default: Role3.USER }) role!: Role3;
}
@Entity({ tableName: 'user' })
class E3User {
  @PrimaryKey() id!: number;
  @Enum({ items: () => Role2, nativeEnumName: 'user_role', default: Role2.USER }) role!: Role2;
}

@Entity({ tableName: 'user' })
class F1User {
  @PrimaryKey() id!: number;
  @Enum({ items: () => Role2, nativeEnumName: 'user_role' }) role!: Role2;
}
@Entity({ tableName: 'user' })
class F2User {
  @PrimaryKey() id!: number;
  @Enum({ items: () => Account, nativeEnumName: 'account_role' }) role!: Account;
}

@Entity({ tableName: 'user' })
class P1User {
  @PrimaryKey() id!: number;
}
@Entity({ tableName: 'user' })
class P2User {
  @PrimaryKey() id!: number;
  @Enum({ items: () => Role2, nativeEnumName: 'app.user_role', default: Role2.USER }) role!: Role2;
}
@Entity({ tableName: 'user' })
class P3User {
  @PrimaryKey() id!: number;
  @Enum({ items: () => Role3, nativeEnumName: 'app.user_role', default: Role3.USER }) role!: Role3;
}

@Entity({ tableName: 'user' })
class G1User {
  @PrimaryKey() id!: number;
  @Property() name!: string;
}

describe('autogen: enum types', function () {
  this.timeout(120_000);
  const db = useTestDatabase();
  // the enum planner's own statements, safe-ddl off (test/safe-ddl covers the lock-safe forms)
  const h = useAutogenHarness(db, { safeDdl: false });

  it('adds values in place, committed before a default that uses one; down removes them in one guarded rebuild', async () => {
    const { result, text } = await h.roundTrip([A1User], [A2User]);
    expect(result.upSql).to.deep.equal([
      `alter type "user_role" add value if not exists 'moderator' after 'admin';`,
      `alter type "user_role" add value if not exists 'guest' after 'user';`,
      `alter table "user" alter column "role" set default 'guest';`,
    ]);
    expect(text).to.contain(
      [
        "    await this.addEnumValue('user_role', 'moderator', { after: 'admin' });",
        "    await this.addEnumValue('user_role', 'guest', { after: 'user' });",
      ].join('\n'),
    );
    expect(result.downSql.slice(1)).to.deep.equal([
      `alter table "user" alter column "role" set default 'user';`,
      'alter type "user_role" rename to "user_role_old";',
      `create type "user_role" as enum ('admin', 'user');`,
      'alter table "user" alter column "role" drop default, alter column "role" type "user_role" using ("role"::text::"user_role"), alter column "role" set default \'user\';',
      'drop type "user_role_old";',
    ]);
    expect(result.downSql[0]).to.match(/^do \$guard\$\n.*"role"::text in \('moderator', 'guest'\)/s);
    expect(result.notes).to.deep.equal([]);
    expect(text).to.contain("// removes 'moderator', 'guest' from user_role again (the type is rebuilt): rows holding one stop the downgrade before anything changes");
  });

  it('removes a value by rebuilding the type (ENUM_VALUE_REMOVED); down puts it back in its place', async () => {
    await h.reset();
    await h.generate([B1User], 'users');
    await h.upgrade();
    await sql(db.url, `insert into "user" (role) values ('admin'), ('user')`);
    const { result } = await h.generate([B2User], 'no guests');
    expect(result.summary).to.equal("~ rebuild enum type user_role: ('admin', 'user', 'guest') -> ('admin', 'user')");
    expect(result.notes.map((n) => n.code)).to.deep.equal(['ENUM_VALUE_REMOVED', 'ENUM_REBUILD_REWRITE']);
    expect(result.notes[0].message).to.match(/^removes 'guest' from enum type user_role: rows holding it stop the upgrade before anything changes/);
    await h.upgrade();
    expect(await sql(db.url, `select unnest(enum_range(null::user_role))::text as v`)).to.deep.equal([{ v: 'admin' }, { v: 'user' }]);
    expect(await sql(db.url, `select role::text from "user" order by id`)).to.deep.equal([{ role: 'admin' }, { role: 'user' }]);
    await h.downgrade();
    expect(await sql(db.url, `select unnest(enum_range(null::user_role))::text as v`)).to.deep.equal([{ v: 'admin' }, { v: 'user' }, { v: 'guest' }]);
    await h.roundTrip([B1User], [B2User]);
  });

  it('reorders values by rebuilding the type (only the rewrite is noted)', async () => {
    const { result } = await h.roundTrip([B1User], [B3User]);
    expect(result.summary).to.equal("~ rebuild enum type user_role: ('admin', 'user', 'guest') -> ('guest', 'admin', 'user')");
    expect(result.notes.map((n) => n.code)).to.deep.equal(['ENUM_REBUILD_REWRITE']);
  });

  it('adds a value to the type of an enum array column (which MikroORM alone does not see)', async () => {
    const { result } = await h.roundTrip([C1User], [C2User]);
    expect(result.upSql).to.deep.equal([`alter type "user_roles" add value if not exists 'guest' after 'user';`]);
    expect(result.downSql).to.include(
      `alter table "user" alter column "roles" drop default, alter column "roles" type "user_roles"[] using ("roles"::text[]::"user_roles"[]), alter column "roles" set default '{}';`,
    );
  });

  it('drops a shared type only with its last column, and re-creates it (before the column) in down', async () => {
    const first = await h.roundTrip([D1User, D1Invite], [D2User, D2Invite]);
    expect(first.result.upSql).to.deep.equal(['alter table "invite" drop column "role";']);
    const second = await h.roundTrip([D2User, D2Invite], [D3User, D2Invite]);
    expect(second.result.upSql).to.deep.equal(['alter table "user" drop column "role";', 'drop type "user_role";']);
    expect(second.result.downSql).to.deep.equal([
      `create type "user_role" as enum ('admin', 'user');`,
      `alter table "user" add column "role" "user_role" not null default 'user';`,
    ]);
  });

  it('changes the values of a check-constraint enum: the constraint is dropped and re-added', async () => {
    const { result } = await h.roundTrip([E1User], [E2User]);
    expect(result.upSql).to.deep.equal([
      'alter table "user" drop constraint "user_role_check";',
      `alter table "user" add constraint "user_role_check" check("role" in ('admin', 'user', 'guest'));`,
    ]);
  });

  it('turns a check-constraint enum with a default into a native one and back (the default moves around the type change)', async () => {
    const toNative = await h.roundTrip([E1User], [E3User]);
    expect(toNative.result.upSql).to.deep.equal([
      `create type "user_role" as enum ('admin', 'user');`,
      'alter table "user" drop constraint "user_role_check";',
      'alter table "user" alter column "role" drop default;',
      'alter table "user" alter column "role" type "user_role" using ("role"::text::"user_role");',
      `alter table "user" alter column "role" set default 'user';`,
    ]);
    const toCheck = await h.roundTrip([E3User], [E1User]);
    expect(toCheck.result.upSql).to.deep.equal([
      'alter table "user" alter column "role" drop default;',
      'alter table "user" alter column "role" type text using ("role"::text);',
      `alter table "user" alter column "role" set default 'user';`,
      `alter table "user" add constraint "user_role_check" check("role" in ('admin', 'user'));`,
      'drop type "user_role";',
    ]);
  });

  it('moves a column to another enum type through text (a cast between enum types does not exist)', async () => {
    await h.reset();
    await h.generate([F1User], 'users');
    await h.upgrade();
    const { result } = await h.roundTrip([F1User], [F2User]);
    expect(result.upSql).to.deep.equal([
      `create type "account_role" as enum ('owner', 'member');`,
      'alter table "user" alter column "role" type "account_role" using ("role"::text::"account_role");',
      'drop type "user_role";',
    ]);
    expect(result.notes.map((n) => n.code)).to.deep.equal(['NARROWING_TYPE']);
  });

  it('leaves enum types the model never used alone, unless dropUnusedEnums', async () => {
    await h.reset();
    await h.generate([G1User], 'users');
    await h.upgrade();
    await sql(db.url, `create type "mood" as enum ('happy', 'sad')`);
    expect((await h.diff([G1User])).empty).to.equal(true);
    const dropping = await h.diff([G1User], {}, { dropUnusedEnums: true });
    expect(dropping.upSql).to.deep.equal(['drop type "mood";']);
    expect(dropping.downSql).to.deep.equal([`create type "mood" as enum ('happy', 'sad');`]);
  });

  it('handles a type in another schema than its table (nativeEnumName "app.user_role"): create, add a value', async () => {
    const created = await h.roundTrip([P1User], [P2User]);
    expect(created.result.upSql).to.deep.equal([
      'create schema if not exists "app";',
      `create type "app"."user_role" as enum ('admin', 'user');`,
      `alter table "user" add column "role" "app"."user_role" not null default 'user';`,
    ]);
    expect(created.result.downSql).to.deep.equal(['alter table "user" drop column "role";', 'drop type "app"."user_role";', 'drop schema if exists "app";']);
    const added = await h.roundTrip([P2User], [P3User]);
    expect(added.result.upSql).to.deep.equal([`alter type "app"."user_role" add value if not exists 'guest' after 'user';`]);
    expect(added.result.downSql).to.include(
      `alter table "user" alter column "role" drop default, alter column "role" type "app"."user_role" using ("role"::text::"app"."user_role"), alter column "role" set default 'user';`,
    );
  });
});
