/**
 * Enum types as a whole: renamed (RENAME TO, SET SCHEMA), columns switched between types (through
 * text, defaults moved around the change), native to check-constraint enums and back, types and
 * tables outside `public`, and one type shared by tables in several schemas (one rebuild for all).
 */
import { Entity, Enum, PrimaryKey, Property } from '@mikro-orm/core';
import { expect } from 'chai';
import { useTestDatabase } from '../support/database';
import { EnumLab, sql } from './support/enum-lab';

enum Role {
  ADMIN = 'admin',
  USER = 'user',
}
enum RoleGuest {
  ADMIN = 'admin',
  USER = 'user',
  GUEST = 'guest',
}
enum Account {
  ADMIN = 'admin',
  USER = 'user',
  OWNER = 'owner',
}

@Entity({ tableName: 'user' })
class User {
  @PrimaryKey() id!: number;
  @Enum({ items: () => Role, nativeEnumName: 'user_role', default: Role.USER }) role!: Role;
  @Enum({ items: () => Role, nativeEnumName: 'user_role', array: true, default: [] }) roles: Role[] = [];
}
@Entity({ tableName: 'user' })
class UserMemberRole {
  @PrimaryKey() id!: number;
  @Enum({ items: () => Role, nativeEnumName: 'member_role', default: Role.USER }) role!: Role;
  @Enum({ items: () => Role, nativeEnumName: 'member_role', array: true, default: [] }) roles: Role[] = [];
}
@Entity({ tableName: 'user' })
class UserAppMemberRole {
  @PrimaryKey() id!: number;
  @Enum({ items: () => Role, nativeEnumName: 'app.member_role', default: Role.USER }) role!: Role;
  @Enum({ items: () => Role, nativeEnumName: 'app.member_role', array: true, default: [] }) roles: Role[] = [];
}
@Entity({ tableName: 'user' })
class UserAccount {
  @PrimaryKey() id!: number;
  @Enum({ items: () => Account, nativeEnumName: 'account_role', default: Account.USER }) role!: Account;
  @Enum({ items: () => Account, nativeEnumName: 'account_role', array: true, default: [] }) roles: Account[] = [];
}
@Entity({ tableName: 'user' })
class UserText {
  @PrimaryKey() id!: number;
  @Property({ columnType: 'varchar(255)', default: 'user' }) role!: string;
}
@Entity({ tableName: 'user' })
class UserNative {
  @PrimaryKey() id!: number;
  @Enum({ items: () => Role, nativeEnumName: 'user_role', default: Role.USER }) role!: Role;
}
@Entity({ tableName: 'user' })
class UserCheck {
  @PrimaryKey() id!: number;
  @Enum({ items: () => Role, default: Role.USER }) role!: Role;
}

@Entity({ tableName: 'member', schema: 'app' })
class AppMember {
  @PrimaryKey() id!: number;
  @Enum({ items: () => Role, nativeEnumName: 'member_kind', default: Role.USER }) kind!: Role;
}
@Entity({ tableName: 'member', schema: 'app' })
class AppMemberGuest {
  @PrimaryKey() id!: number;
  @Enum({ items: () => RoleGuest, nativeEnumName: 'member_kind', default: RoleGuest.USER }) kind!: RoleGuest;
}

@Entity({ tableName: 'user' })
class SharedUser {
  @PrimaryKey() id!: number;
  @Enum({ items: () => RoleGuest, nativeEnumName: 'app.user_role', default: RoleGuest.USER }) role!: RoleGuest;
}
@Entity({ tableName: 'invite', schema: 'app' })
class SharedInvite {
  @PrimaryKey() id!: number;
  @Enum({ items: () => RoleGuest, nativeEnumName: 'user_role', default: RoleGuest.GUEST }) role!: RoleGuest;
  @Enum({ items: () => RoleGuest, nativeEnumName: 'user_role', array: true, default: [] }) roles: RoleGuest[] = [];
}
@Entity({ tableName: 'user' })
class SharedUserNoGuest {
  @PrimaryKey() id!: number;
  @Enum({ items: () => Role, nativeEnumName: 'app.user_role', default: Role.USER }) role!: Role;
}
@Entity({ tableName: 'invite', schema: 'app' })
class SharedInviteNoGuest {
  @PrimaryKey() id!: number;
  @Enum({ items: () => Role, nativeEnumName: 'user_role', default: Role.USER }) role!: Role;
  @Enum({ items: () => Role, nativeEnumName: 'user_role', array: true, default: [] }) roles: Role[] = [];
}

const ROWS = [`insert into "user" (role, roles) values ('admin', '{admin,user}'), ('user', '{}')`];
const SELECT = `select role::text, roles::text from "user" order by id`;
const BEFORE = [
  { role: 'admin', roles: '{admin,user}' },
  { role: 'user', roles: '{}' },
];

describe('enums: types renamed, switched, moved between native and check, in other schemas, shared', function () {
  this.timeout(60_000);
  const db = useTestDatabase();
  let lab: EnumLab;
  before(() => {
    lab = new EnumLab(db.url);
  });
  after(() => lab.dispose());

  it('6. a type renamed (nativeEnumName changed, same values and columns): RENAME TO, columns untouched', async () => {
    const node: string[] = [];
    const { result } = await lab.cycle({
      before: [User],
      setup: ROWS,
      after: [UserMemberRole],
      rows: SELECT,
      rowsAfterUp: BEFORE,
      afterUp: async () => {
        node.push(await lab.relfilenode('"user"'));
        expect(await lab.values('member_role')).to.deep.equal(['admin', 'user']);
      },
    });
    expect(result.upSql).to.deep.equal(['alter type "user_role" rename to "member_role";']);
    expect(result.downSql).to.deep.equal(['alter type "member_role" rename to "user_role";']);
    expect(result.upBody).to.contain("this.renameEnum('user_role', 'member_role');");
    expect(result.notes.map((n) => n.code)).to.deep.equal(['GUESSED_ENUM_TYPE_RENAME']);
    expect(node[0]).to.equal(node[1]);
  });

  it('6. a type renamed into another schema: SET SCHEMA and RENAME TO (the schema created first, dropped by down)', async () => {
    const { result } = await lab.cycle({ before: [User], setup: ROWS, after: [UserAppMemberRole], rows: SELECT, rowsAfterUp: BEFORE });
    expect(result.upSql).to.deep.equal([
      'create schema if not exists "app";',
      'alter type "user_role" set schema "app";',
      'alter type "app"."user_role" rename to "member_role";',
    ]);
    expect(result.downSql).to.deep.equal(['alter type "app"."member_role" set schema "public";', 'alter type "member_role" rename to "user_role";', 'drop schema if exists "app";']);
  });

  it('7. columns switched to another enum type (scalar and array): through text, defaults dropped and set again', async () => {
    const { result } = await lab.cycle({ before: [User], setup: ROWS, after: [UserAccount], rows: SELECT, rowsAfterUp: BEFORE });
    expect(result.upSql).to.deep.equal([
      `create type "account_role" as enum ('admin', 'user', 'owner');`,
      'alter table "user" alter column "role" drop default;',
      'alter table "user" alter column "role" type "account_role" using ("role"::text::"account_role");',
      `alter table "user" alter column "role" set default 'user';`,
      'alter table "user" alter column "roles" drop default;',
      'alter table "user" alter column "roles" type "account_role"[] using ("roles"::text[]::"account_role"[]);',
      `alter table "user" alter column "roles" set default '{}';`,
      'drop type "user_role";',
    ]);
  });

  it('7. a varchar column with a default becomes an enum column, and back (down)', async () => {
    const { result } = await lab.cycle({
      before: [UserText],
      setup: [`insert into "user" (role) values ('admin'), ('user')`],
      after: [UserNative],
      rows: `select role::text from "user" order by id`,
      rowsAfterUp: [{ role: 'admin' }, { role: 'user' }],
    });
    expect(result.upSql).to.deep.equal([
      `create type "user_role" as enum ('admin', 'user');`,
      'alter table "user" alter column "role" drop default;',
      'alter table "user" alter column "role" type "user_role" using ("role"::text::"user_role");',
      `alter table "user" alter column "role" set default 'user';`,
    ]);
    expect(result.downSql).to.deep.equal([
      'alter table "user" alter column "role" drop default;',
      'alter table "user" alter column "role" type varchar(255) using ("role"::text::varchar(255));',
      `alter table "user" alter column "role" set default 'user';`,
      'drop type "user_role";',
    ]);
  });

  it('13. a native enum becomes a check-constraint enum and back, rows and default kept', async () => {
    const rows = { setup: [`insert into "user" (role) values ('admin'), ('user')`], rows: `select role::text from "user" order by id`, rowsAfterUp: [{ role: 'admin' }, { role: 'user' }] };
    const toCheck = await lab.cycle({ before: [UserNative], after: [UserCheck], ...rows });
    expect(toCheck.result.upSql).to.deep.equal([
      'alter table "user" alter column "role" drop default;',
      'alter table "user" alter column "role" type text using ("role"::text);',
      `alter table "user" alter column "role" set default 'user';`,
      `alter table "user" add constraint "user_role_check" check("role" in ('admin', 'user'));`,
      'drop type "user_role";',
    ]);
    const toNative = await lab.cycle({ before: [UserCheck], after: [UserNative], ...rows });
    expect(toNative.result.upSql[0]).to.equal(`create type "user_role" as enum ('admin', 'user');`);
  });

  it('11. a type and its table in another schema (@Entity({ schema })): add, then remove a value', async () => {
    const setup = [`insert into "app"."member" (kind) values ('admin'), ('user')`];
    const select = `select kind::text from "app"."member" order by id`;
    const rowsAfterUp = [{ kind: 'admin' }, { kind: 'user' }];
    const added = await lab.cycle({ before: [AppMember], setup, after: [AppMemberGuest], rows: select, rowsAfterUp });
    expect(added.result.upSql).to.deep.equal([`alter type "app"."member_kind" add value if not exists 'guest' after 'user';`]);
    const removed = await lab.cycle({ before: [AppMemberGuest], setup, after: [AppMember], rows: select, rowsAfterUp });
    expect(removed.result.upSql.slice(1)).to.deep.equal([
      'alter type "app"."member_kind" rename to "member_kind_old";',
      `create type "app"."member_kind" as enum ('admin', 'user');`,
      `alter table "app"."member" alter column "kind" drop default, alter column "kind" type "app"."member_kind" using ("kind"::text::"app"."member_kind"), alter column "kind" set default 'user';`,
      'drop type "app"."member_kind_old";',
    ]);
    expect(removed.result.upSql[0]).to.contain(`select count(*) into n from "app"."member" where "kind"::text in ('guest');`);
  });

  it('9. one type shared by tables in two schemas and a table outside the model: one rebuild converts them all, each table once', async () => {
    const orm = { schemaGenerator: { skipTables: ['audit'] } };
    const { result } = await lab.cycle({
      before: [SharedUser, SharedInvite],
      orm,
      setup: [
        `insert into "user" (role) values ('admin'), ('user')`,
        `insert into "app"."invite" (role, roles) values ('admin', '{admin,user}'), ('user', '{user}')`,
        `create table "audit" (id int, role "app"."user_role" default 'admin')`,
        `insert into "audit" values (1, 'user')`,
      ],
      after: [SharedUserNoGuest, SharedInviteNoGuest],
      rows: `select 'u' as t, role::text as r from "user" union all select 'i', role::text || roles::text from "app"."invite" union all select 'a', role::text from "audit" order by 1, 2`,
      rowsAfterUp: [
        { t: 'a', r: 'user' },
        { t: 'i', r: 'admin{admin,user}' },
        { t: 'i', r: 'user{user}' },
        { t: 'u', r: 'admin' },
        { t: 'u', r: 'user' },
      ],
    });
    const conversions = result.upSql.filter((s) => s.startsWith('alter table') && s.includes(' type '));
    expect(conversions.map((s) => s.split(' alter column')[0])).to.deep.equal(['alter table "app"."invite"', 'alter table "user"', 'alter table "audit"']);
    expect(result.upSql.filter((s) => s.startsWith('do $guard$'))).to.have.length(4);
    expect(await sql(db.url, `select column_default as d from information_schema.columns where table_name = 'audit' and column_name = 'role'`)).to.deep.equal([
      { d: `'admin'::app.user_role` },
    ]);
  });
});
