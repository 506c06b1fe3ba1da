/**
 * A rebuild keeps what depends on the type and its columns: partial indexes and check constraints
 * whose definition uses the type, views over its columns (and views over those, with comments and
 * grants), foreign keys between its columns, column comments and defaults. What it cannot keep
 * (a materialized view, a function over the type, a dependent that uses a removed value) is refused
 * when the revision is generated, naming the object.
 */
import { Check, Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { expect } from 'chai';
import { EnumRebuildBlockedError } from '../../src/autogen';
import { diffSchemaSnapshots } from '../../src/testing/schema-snapshot';
import { useTestDatabase } from '../support/database';
import { EnumLab, sql } from './support/enum-lab';

enum RoleGuest {
  SUPER_USER = 'super_user',
  ADMIN = 'admin',
  USER = 'user',
  GUEST = 'guest',
}
enum Role {
  SUPER_USER = 'super_user',
  ADMIN = 'admin',
  USER = 'user',
}
enum RoleMore {
  SUPER_USER = 'super_user',
  ADMIN = 'admin',
  USER = 'user',
  GUEST = 'guest',
  BOT = 'bot',
}

@Entity({ tableName: 'user' })
@Index({ name: 'user_admins', expression: `create index "user_admins" on "user" ("name") where "role" = 'admin'` })
@Check({ name: 'user_not_super', expression: `"role" <> 'super_user'` })
class UserGuest {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @Enum({ items: () => RoleGuest, nativeEnumName: 'user_role', default: RoleGuest.USER, comment: 'what the user may do' }) role!: RoleGuest;
}
@Entity({ tableName: 'user' })
@Index({ name: 'user_admins', expression: `create index "user_admins" on "user" ("name") where "role" = 'admin'` })
@Check({ name: 'user_not_super', expression: `"role" <> 'super_user'` })
class UserNoGuest {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @Enum({ items: () => Role, nativeEnumName: 'user_role', default: Role.USER, comment: 'what the user may do' }) role!: Role;
}
@Entity({ tableName: 'user' })
@Index({ name: 'user_admins', expression: `create index "user_admins" on "user" ("name") where "role" = 'admin'` })
@Check({ name: 'user_not_super', expression: `"role" <> 'super_user'` })
class UserMore {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @Enum({ items: () => RoleMore, nativeEnumName: 'user_role', default: RoleMore.USER, comment: 'what the user may do' }) role!: RoleMore;
}
@Entity({ tableName: 'user' })
@Index({ name: 'user_guests', expression: `create index "user_guests" on "user" ("name") where "role" = 'guest'` })
class UserGuestIndex {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @Enum({ items: () => RoleGuest, nativeEnumName: 'user_role', default: RoleGuest.USER }) role!: RoleGuest;
}
@Entity({ tableName: 'user' })
@Index({ name: 'user_guests', expression: `create index "user_guests" on "user" ("name") where "role" = 'guest'` })
class UserGuestIndexNoGuest {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @Enum({ items: () => Role, nativeEnumName: 'user_role', default: Role.USER }) role!: Role;
}

const ORM = { schemaGenerator: { skipTables: ['role_info', 'audit'] } };
const SETUP = [
  `insert into "user" (name, role) values ('ann', 'admin'), ('bob', 'user')`,
  `create view "admins" as select id, name, role from "user" where role = 'admin'`,
  `comment on view "admins" is 'who administers'`,
  `comment on column "admins"."name" is 'their name'`,
  `grant select on "admins" to public`,
  `create view "admin_names" as select name from "admins"`,
  `create view "ids" as select id from "user"`,
  `create table "role_info" ("role" user_role primary key, "label" text)`,
  `insert into "role_info" values ('admin', 'Admin'), ('user', 'User')`,
  `create table "audit" ("id" serial primary key, "role" user_role references "role_info" ("role"))`,
  `insert into "audit" ("role") values ('user')`,
];

describe('enums: a rebuild keeps what depends on the type', function () {
  this.timeout(60_000);
  const db = useTestDatabase();
  let lab: EnumLab;
  before(() => {
    lab = new EnumLab(db.url);
  });
  after(() => lab.dispose());

  it('14. partial index, check constraint, views over views (comments, grants), a foreign key between enum columns: all kept', async () => {
    const { result, snapshotBefore, snapshotAfter } = await lab.cycle({
      before: [UserGuest],
      orm: ORM,
      setup: SETUP,
      after: [UserNoGuest],
      rows: `select u.name, u.role::text, a.role::text as audited from "user" u, "audit" a order by u.id`,
      rowsAfterUp: [
        { name: 'ann', role: 'admin', audited: 'user' },
        { name: 'bob', role: 'user', audited: 'user' },
      ],
      afterUp: async () => {
        expect(await sql(db.url, `select name from "admin_names"`)).to.deep.equal([{ name: 'ann' }]);
        expect(await sql(db.url, `select has_table_privilege('public', 'admins', 'select') as granted`)).to.deep.equal([{ granted: true }]);
      },
    });
    // after up, only the type's values differ from before: every dependent is back, the same
    expect(diffSchemaSnapshots(snapshotBefore, snapshotAfter)).to.deep.equal([
      "- enumTypes: public.user_role enum ('super_user', 'admin', 'user', 'guest')",
      "+ enumTypes: public.user_role enum ('super_user', 'admin', 'user')",
    ]);
    expect(result.upSql.slice(0, 3).every((s) => s.startsWith('do $guard$'))).to.equal(true);
    expect(result.upSql.slice(3)).to.deep.equal([
      'drop view "admin_names";',
      'drop view "admins";',
      'alter table "audit" drop constraint "audit_role_fkey";',
      'alter table "user" drop constraint "user_not_super";',
      'drop index "user_admins";',
      'alter type "user_role" rename to "user_role_old";',
      `create type "user_role" as enum ('super_user', 'admin', 'user');`,
      `alter table "user" alter column "role" drop default, alter column "role" type "user_role" using ("role"::text::"user_role"), alter column "role" set default 'user';`,
      `alter table "audit" alter column "role" type "user_role" using ("role"::text::"user_role");`,
      `alter table "role_info" alter column "role" type "user_role" using ("role"::text::"user_role");`,
      'drop type "user_role_old";',
      `CREATE INDEX user_admins ON public."user" USING btree (name) WHERE (role = 'admin'::user_role);`,
      `alter table "audit" add constraint "audit_role_fkey" FOREIGN KEY (role) REFERENCES role_info(role);`,
      `alter table "user" add constraint "user_not_super" CHECK ((role <> 'super_user'::user_role));`,
      `create view "admins" as SELECT "user".id, "user".name, "user".role FROM "user" WHERE ("user".role = 'admin'::user_role);`,
      `comment on view "admins" is 'who administers';`,
      `comment on column "admins"."name" is 'their name';`,
      'grant select on "admins" to public;',
      'create view "admin_names" as SELECT admins.name FROM admins;',
    ]);
    expect(result.notes.map((n) => n.message).join('\n')).to.contain('drops and re-creates view admins, view admin_names, index user_admins, constraint audit_role_fkey, constraint user_not_super');
  });

  it('14. refused when generating: a materialized view or a function over the type, a dependent using a removed value', async () => {
    await lab.start([UserGuest], [`create materialized view "role_counts" as select role, count(*) from "user" group by role`]);
    const matview = await lab.h.diff([UserNoGuest]).then(
      () => null,
      (e: Error) => e,
    );
    expect(matview).to.be.instanceOf(EnumRebuildBlockedError);
    expect(matview?.message).to.contain('materialized view role_counts');
    expect((matview as EnumRebuildBlockedError).code).to.equal('ENUM_REBUILD_BLOCKED');

    await lab.start([UserGuest], [`create function "is_admin"(r user_role) returns boolean language sql as $$ select r = 'admin' $$`]);
    const fn = await lab.h.diff([UserNoGuest]).then(
      () => null,
      (e: Error) => e,
    );
    expect(fn?.message).to.contain('function is_admin(user_role)');
    // adding a value is fine (nothing is rebuilt), but down could not remove it again: a note says so
    const added = await lab.h.diff([UserMore]);
    expect(added.notes.map((n) => n.code)).to.deep.equal(['ENUM_DOWN_BLOCKED']);

    await lab.start([UserGuestIndex]);
    const index = await lab.h.diff([UserGuestIndexNoGuest]).then(
      () => null,
      (e: Error) => e,
    );
    expect(index?.message).to.contain(`index user_guests (CREATE INDEX user_guests ON public."user" USING btree (name) WHERE (role = 'guest'::user_role))`);
  });
});
