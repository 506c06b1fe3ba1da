/**
 * Values of a native enum type: added in place without rewriting anything (and committed before
 * anything uses them), removed or reordered by a rebuild that stops before changing anything when
 * rows still hold a removed value (unless the revision maps it), renamed in place.
 */
import { Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { expect } from 'chai';
import { writeRevision } from '../../src/script';
import { useTestDatabase } from '../support/database';
import { SCRIPT_MODULE } from '../autogen/support/autogen-harness';
import { EnumLab, sql } from './support/enum-lab';

enum Role {
  SUPER_USER = 'super_user',
  ADMIN = 'admin',
  USER = 'user',
}
enum RoleGuest {
  SUPER_USER = 'super_user',
  ADMIN = 'admin',
  USER = 'user',
  GUEST = 'guest',
}
enum RoleModerator {
  SUPER_USER = 'super_user',
  ADMIN = 'admin',
  MODERATOR = 'moderator',
  USER = 'user',
}
enum RoleReordered {
  USER = 'user',
  ADMIN = 'admin',
  SUPER_USER = 'super_user',
}
enum RoleMember {
  SUPER_USER = 'super_user',
  ADMIN = 'admin',
  MEMBER = 'member',
}
enum RoleMemberGuest {
  SUPER_USER = 'super_user',
  ADMIN = 'admin',
  MEMBER = 'member',
  GUEST = 'guest',
}
enum RoleNoUser {
  SUPER_USER = 'super_user',
  ADMIN = 'admin',
}

@Entity({ tableName: 'user' })
class User {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @Enum({ items: () => Role, nativeEnumName: 'user_role', default: Role.USER }) role!: Role;
}
@Entity({ tableName: 'user' })
class UserGuestDefault {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @Enum({ items: () => RoleGuest, nativeEnumName: 'user_role', default: RoleGuest.GUEST }) role!: RoleGuest;
}
@Entity({ tableName: 'user' })
class UserGuest {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @Enum({ items: () => RoleGuest, nativeEnumName: 'user_role', default: RoleGuest.USER }) role!: RoleGuest;
}
@Entity({ tableName: 'user' })
@Index({ name: 'user_moderators', expression: `create index "user_moderators" on "user" ("name") where "role" = 'moderator'` })
class UserModerator {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @Enum({ items: () => RoleModerator, nativeEnumName: 'user_role', default: RoleModerator.USER }) role!: RoleModerator;
}
@Entity({ tableName: 'user' })
class UserReordered {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @Enum({ items: () => RoleReordered, nativeEnumName: 'user_role', default: RoleReordered.USER }) role!: RoleReordered;
}
@Entity({ tableName: 'user' })
class UserMember {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @Enum({ items: () => RoleMember, nativeEnumName: 'user_role', default: RoleMember.MEMBER }) role!: RoleMember;
}
@Entity({ tableName: 'user' })
class UserMemberGuest {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @Enum({ items: () => RoleMemberGuest, nativeEnumName: 'user_role', default: RoleMemberGuest.MEMBER }) role!: RoleMemberGuest;
}
@Entity({ tableName: 'user' })
class UserNoUser {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @Enum({ items: () => RoleNoUser, nativeEnumName: 'user_role', default: RoleNoUser.ADMIN }) role!: RoleNoUser;
}

const ROWS = [`insert into "user" (name, role) values ('ann', 'super_user'), ('bob', 'admin'), ('cid', 'user')`];
const SELECT = `select name, role::text from "user" order by id`;
const BEFORE = [
  { name: 'ann', role: 'super_user' },
  { name: 'bob', role: 'admin' },
  { name: 'cid', role: 'user' },
];

describe('enums: values added, removed, reordered, renamed', function () {
  this.timeout(60_000);
  const db = useTestDatabase();
  let lab: EnumLab;
  before(() => {
    lab = new EnumLab(db.url);
  });
  after(() => lab.dispose());

  it('3. a value added at the end and used as the default in the same revision: ADD VALUE committed first, no rewrite', async () => {
    const { result, text } = await lab.cycle({
      before: [User],
      setup: ROWS,
      after: [UserGuestDefault],
      rows: SELECT,
      rowsAfterUp: BEFORE,
      afterUp: async () => {
        expect(await lab.values('user_role')).to.deep.equal(['super_user', 'admin', 'user', 'guest']);
        const rows = await sql<{ d: string }>(db.url, `select column_default as d from information_schema.columns where table_name = 'user' and column_name = 'role'`);
        expect(rows[0].d).to.equal(`'guest'::user_role`);
      },
    });
    expect(result.upSql).to.deep.equal([
      `alter type "user_role" add value if not exists 'guest' after 'user';`,
      `alter table "user" alter column "role" set default 'guest';`,
    ]);
    expect(text).to.contain("    await this.addEnumValue('user_role', 'guest', { after: 'user' });");
    expect(result.downSql).to.include('alter type "user_role" rename to "user_role_old";');
    // up does not rewrite the table (down, a rebuild, does)
    await lab.h.downgrade('-1');
    const node = await lab.relfilenode('"user"');
    await lab.h.upgrade();
    expect(await lab.relfilenode('"user"')).to.equal(node);
  });

  it('3. a value added in the middle, used by a partial index of the same revision; down removes it again', async () => {
    const node = { before: '', after: '' };
    const { result } = await lab.cycle({
      before: [User],
      setup: ROWS,
      after: [UserModerator],
      rows: SELECT,
      rowsAfterUp: BEFORE,
      afterUp: async () => {
        expect(await lab.values('user_role')).to.deep.equal(['super_user', 'admin', 'moderator', 'user']);
        expect(await sql(db.url, `select indexdef from pg_indexes where indexname = 'user_moderators'`)).to.have.length(1);
      },
    });
    expect(result.upSql).to.deep.equal([
      `alter type "user_role" add value if not exists 'moderator' after 'admin';`,
      `create index "user_moderators" on "user" ("name") where "role" = 'moderator';`,
    ]);
    node.before = await lab.relfilenode('"user"');
    await lab.h.downgrade('-1');
    await lab.h.upgrade();
    node.after = await lab.relfilenode('"user"');
    expect(node.after, 'down rebuilt the type (a rewrite), up did not').to.not.equal(node.before);
  });

  it('3. a later revision of the same run uses the value (per-revision transactions); one transaction for the run refuses', async () => {
    await lab.start([User], ROWS);
    const added = await lab.generate([UserGuest]);
    writeRevision({
      directory: lab.h.dir,
      heads: [added.revision],
      message: 'guests',
      upBody: `this.addSql(\`update "user" set "role" = 'guest' where "name" = 'cid'\`);`,
      downBody: `this.addSql(\`update "user" set "role" = 'user' where "name" = 'cid'\`);`,
      importFrom: SCRIPT_MODULE,
    });
    const refused = await lab.h
      .env()
      .runtime(db.url, { transactionMode: 'all' })
      .upgrade('head')
      .then(
        () => null,
        (e: Error & { code?: string }) => e,
      );
    expect(refused?.code).to.equal('REVISION_FAILED');
    expect(refused?.message).to.match(/autocommit/i);
    expect(await lab.values('user_role')).to.deep.equal(['super_user', 'admin', 'user']);

    await lab.h.upgrade();
    expect(await sql(db.url, SELECT)).to.deep.equal([...BEFORE.slice(0, 2), { name: 'cid', role: 'guest' }]);
    await lab.h.downgrade('base');
    await lab.h.upgrade();
    expect(await sql(db.url, SELECT)).to.deep.equal([]);
  });

  it('3. down of an added value stops before changing anything while rows hold it, naming table, column and count', async () => {
    await lab.start([User], ROWS);
    await lab.generate([UserGuest]);
    await lab.h.upgrade();
    await sql(db.url, `update "user" set role = 'guest' where name <> 'ann'`);
    const before = await lab.snapshot();
    const error = await lab.h.downgrade('-1').then(
      () => null,
      (e: Error) => e,
    );
    expect(error?.message).to.contain("cannot remove 'guest' from enum type user_role: 2 row(s) of user.role still hold it");
    expect(await lab.snapshot()).to.deep.equal(before);
    expect(await lab.values('user_role')).to.deep.equal(['super_user', 'admin', 'user', 'guest']);
  });

  it('4. a value removed while rows hold it: the revision stops first; mapped in the revision, they are converted; down puts it back in place', async () => {
    await lab.start([UserGuest], [...ROWS, `insert into "user" (name, role) values ('dan', 'guest'), ('eve', 'guest')`]);
    const snapshot = await lab.snapshot();
    const generated = await lab.generate([User]);
    expect(generated.result.notes.map((n) => n.code)).to.deep.equal(['ENUM_VALUE_REMOVED', 'ENUM_REBUILD_REWRITE']);
    const error = await lab.h.upgrade().then(
      () => null,
      (e: Error) => e,
    );
    expect(error?.message).to.contain("cannot remove 'guest' from enum type user_role: 2 row(s) of user.role still hold it");
    expect(await lab.snapshot(), 'nothing changed').to.deep.equal(snapshot);
    expect((await lab.h.env().runtime(db.url).current()).heads).to.not.include(generated.revision);

    lab.edit(generated.path, 'const userRoleMap: Record<string, string> = {};', "const userRoleMap: Record<string, string> = { guest: 'user' };");
    await lab.h.upgrade();
    expect(await sql(db.url, SELECT)).to.deep.equal([...BEFORE, { name: 'dan', role: 'user' }, { name: 'eve', role: 'user' }]);
    expect(await lab.values('user_role')).to.deep.equal(['super_user', 'admin', 'user']);
    await lab.expectUpToDate([User]);
    await lab.h.downgrade('-1');
    expect(await lab.values('user_role')).to.deep.equal(['super_user', 'admin', 'user', 'guest']);
    expect(await lab.snapshot()).to.deep.equal(snapshot);
    await lab.expectUpToDate([UserGuest]);
  });

  it('4. a value removed (no row holds it) while the default moves off it; up, down, up', async () => {
    const { result } = await lab.cycle({
      before: [User],
      setup: [`insert into "user" (name, role) values ('ann', 'super_user'), ('bob', 'admin')`],
      after: [UserNoUser],
      rows: SELECT,
      rowsAfterUp: [
        { name: 'ann', role: 'super_user' },
        { name: 'bob', role: 'admin' },
      ],
    });
    expect(result.upSql.slice(1)).to.deep.equal([
      `alter table "user" alter column "role" set default 'admin';`,
      'alter type "user_role" rename to "user_role_old";',
      `create type "user_role" as enum ('super_user', 'admin');`,
      `alter table "user" alter column "role" drop default, alter column "role" type "user_role" using ("role"::text::"user_role"), alter column "role" set default 'admin';`,
      'drop type "user_role_old";',
    ]);
    expect(result.downSql).to.deep.equal([
      `alter type "user_role" add value if not exists 'user' after 'admin';`,
      `alter table "user" alter column "role" set default 'user';`,
    ]);
  });

  it('4. values reordered: one rebuild, the table rewritten once, rows kept', async () => {
    const { result } = await lab.cycle({ before: [User], setup: ROWS, after: [UserReordered], rows: SELECT, rowsAfterUp: BEFORE });
    expect(result.upSql.filter((s) => s.startsWith('alter table'))).to.have.length(1);
    expect(result.notes.map((n) => n.code)).to.deep.equal(['ENUM_REBUILD_REWRITE']);
    expect(result.upBody).to.contain("this.rebuildEnum('user_role', {");
    expect(await lab.values('user_role')).to.deep.equal(['user', 'admin', 'super_user']);
  });

  it('5. a value renamed (one removed, one added at the same position): RENAME VALUE, rows follow, flagged as a guess', async () => {
    const node: string[] = [];
    const { result } = await lab.cycle({
      before: [User],
      setup: ROWS,
      after: [UserMember],
      rows: SELECT,
      rowsAfterUp: [...BEFORE.slice(0, 2), { name: 'cid', role: 'member' }],
      afterUp: async () => {
        node.push(await lab.relfilenode('"user"'));
      },
    });
    expect(result.upSql).to.deep.equal([`alter type "user_role" rename value 'user' to 'member';`]);
    expect(result.downSql).to.deep.equal([`alter type "user_role" rename value 'member' to 'user';`]);
    expect(result.upBody).to.contain("this.renameEnumValue('user_role', 'user', 'member');");
    expect(result.notes.map((n) => n.code)).to.deep.equal(['GUESSED_ENUM_RENAME']);
    expect(node[0]).to.equal(node[1]);
    expect(await sql(db.url, `select column_default as d from information_schema.columns where table_name = 'user' and column_name = 'role'`)).to.deep.equal([
      { d: `'member'::user_role` },
    ]);
  });

  it('5. renames declared in enumRenames: a rename with another value added; null says "not a rename"', async () => {
    const declared = await lab.cycle({
      before: [User],
      setup: ROWS,
      after: [UserMemberGuest],
      autogen: { enumRenames: { values: { user_role: { user: 'member' } } } },
      rows: SELECT,
      rowsAfterUp: [...BEFORE.slice(0, 2), { name: 'cid', role: 'member' }],
    });
    expect(declared.result.upSql).to.deep.equal([
      `alter type "user_role" rename value 'user' to 'member';`,
      `alter type "user_role" add value if not exists 'guest' after 'member';`,
    ]);
    expect(declared.result.notes).to.deep.equal([]);

    await lab.start([User]);
    const guessed = await lab.h.diff([UserMember]);
    expect(guessed.summary).to.equal("~ rename value 'user' of enum type user_role to 'member' (guessed)");
    const refused = await lab.h.diff([UserMember], {}, { enumRenames: { values: { user_role: { user: null } } } });
    expect(refused.summary.split('\n')).to.deep.equal([
      "+ add value 'member' to enum type user_role",
      "~ change the default of user.role: 'user' -> 'member'",
      "~ rebuild enum type user_role: ('super_user', 'admin', 'member', 'user') -> ('super_user', 'admin', 'member')",
    ]);
    const off = await lab.h.diff([UserMember], {}, { guessEnumRenames: false });
    expect(off.summary).to.equal(refused.summary);
  });
});
