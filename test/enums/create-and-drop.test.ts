/**
 * Enum types appear and disappear with the columns that use them: created before the first table or
 * column, dropped after the last one (and only then), re-created by down with the same values in the
 * same order. Types the model never used are left alone unless asked.
 */
import { Entity, Enum, PrimaryKey, Property } from '@mikro-orm/core';
import { expect } from 'chai';
import { useTestDatabase } from '../support/database';
import { EnumLab, sql } from './support/enum-lab';

enum UserRole {
  SUPER_USER = 'super_user',
  ADMIN = 'admin',
  USER = 'user',
}

@Entity({ tableName: 'team' })
class Team {
  @PrimaryKey() id!: number;
  @Property() name!: string;
}

@Entity({ tableName: 'user' })
class UserNoRole {
  @PrimaryKey() id!: number;
  @Property() name!: string;
}

/** The seed's example: a `role` column of a new enum type, default 'user', not null. */
@Entity({ tableName: 'user' })
class UserWithRole {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @Enum({ items: () => UserRole, nativeEnumName: 'user_role', default: UserRole.USER }) role!: UserRole;
}

@Entity({ tableName: 'invite' })
class InviteWithRole {
  @PrimaryKey() id!: number;
  @Enum({ items: () => UserRole, nativeEnumName: 'user_role', default: UserRole.USER }) role!: UserRole;
}

@Entity({ tableName: 'invite' })
class InviteNoRole {
  @PrimaryKey() id!: number;
}

describe('enums: types created before their first use, dropped after their last', function () {
  this.timeout(60_000);
  const db = useTestDatabase();
  let lab: EnumLab;
  before(() => {
    lab = new EnumLab(db.url);
  });
  after(() => lab.dispose());

  it('1. a new table with an enum column: the type first; down drops the table, then the type', async () => {
    const { result } = await lab.cycle({
      before: [Team],
      setup: [`insert into "team" (name) values ('a'), ('b')`],
      after: [Team, UserWithRole],
      rows: `select name from "team" order by id`,
      rowsAfterUp: [{ name: 'a' }, { name: 'b' }],
      afterUp: async () => {
        await sql(db.url, `insert into "user" (name) values ('ann')`);
        expect(await sql(db.url, `select role::text from "user"`)).to.deep.equal([{ role: 'user' }]);
      },
    });
    expect(result.upSql[0]).to.equal(`create type "user_role" as enum ('super_user', 'admin', 'user');`);
    expect(result.upSql[1]).to.match(/^create table "user" \(/);
    expect(result.downSql).to.deep.equal(['drop table "user";', 'drop type "user_role";']);
    expect(result.upBody).to.contain("this.createEnum('user_role', ['super_user', 'admin', 'user']);");
    expect(result.downBody).to.contain("this.dropEnum('user_role');");
  });

  it("2. the seed's case: a NOT NULL enum column with a default on a table holding rows", async () => {
    const { result, text } = await lab.cycle({
      before: [UserNoRole],
      setup: [`insert into "user" (name) values ('ann'), ('bob')`],
      after: [UserWithRole],
      rows: `select name from "user" order by id`,
      rowsAfterUp: [{ name: 'ann' }, { name: 'bob' }],
      afterUp: async () => {
        expect(await sql(db.url, `select role::text from "user" order by id`)).to.deep.equal([{ role: 'user' }, { role: 'user' }]);
        expect(await lab.values('user_role')).to.deep.equal(['super_user', 'admin', 'user']);
      },
    });
    expect(result.upSql).to.deep.equal([
      `create type "user_role" as enum ('super_user', 'admin', 'user');`,
      `alter table "user" add column "role" "user_role" not null default 'user';`,
    ]);
    expect(result.downSql).to.deep.equal(['alter table "user" drop column "role";', 'drop type "user_role";']);
    expect(result.notes).to.deep.equal([]);
    if (process.env.SHOW) console.log(text);
    expect(text).to.contain(
      [
        '  override async up(): Promise<void> {',
        '    // create enum types',
        "    this.createEnum('user_role', ['super_user', 'admin', 'user']);",
        '',
        '    // add columns',
        `    this.addSql(\`alter table "user" add column "role" "user_role" not null default 'user';\`);`,
        '  }',
        '',
        '  override async down(): Promise<void> {',
        '    // drop columns',
        '    this.addSql(`alter table "user" drop column "role";`);',
        '',
        '    // drop enum types',
        "    this.dropEnum('user_role');",
        '  }',
      ].join('\n'),
    );
  });

  it('8. a column dropped: its type goes only with the last column using it (and a table outside the model keeps it)', async () => {
    const rows = `select name, role::text from "user" order by id`;
    const setup = [`insert into "user" (name, role) values ('ann', 'admin')`, `insert into "invite" (role) values ('super_user')`];
    const first = await lab.cycle({ before: [UserWithRole, InviteWithRole], setup, after: [UserWithRole, InviteNoRole], rows });
    expect(first.result.upSql).to.deep.equal(['alter table "invite" drop column "role";']);
    expect(first.result.notes.map((n) => n.code)).to.deep.equal(['DATA_LOSS_DROP_COLUMN']);

    const last = await lab.cycle({
      before: [UserWithRole, InviteNoRole],
      setup: [`insert into "user" (name, role) values ('ann', 'admin')`],
      after: [UserNoRole, InviteNoRole],
      rows: `select name from "user" order by id`,
    });
    expect(last.result.upSql).to.deep.equal(['alter table "user" drop column "role";', 'drop type "user_role";']);
    expect(last.result.downSql).to.deep.equal([
      `create type "user_role" as enum ('super_user', 'admin', 'user');`,
      `alter table "user" add column "role" "user_role" not null default 'user';`,
    ]);

    // a table the model does not manage (schemaGenerator.skipTables) still uses the type: it stays
    const skip = { schemaGenerator: { skipTables: ['audit'] } };
    await lab.start([UserWithRole, InviteNoRole], [`create table audit (id int, role user_role)`], skip);
    const kept = await lab.h.diff([UserNoRole, InviteNoRole], skip);
    expect(kept.upSql).to.deep.equal(['alter table "user" drop column "role";']);
  });

  it('12. types no entity uses are left alone; dropUnusedEnums drops them (down re-creates them, values in order)', async () => {
    const setup = [`create type "mood" as enum ('happy', 'sad', 'meh')`];
    await lab.start([UserWithRole], setup);
    expect((await lab.h.diff([UserWithRole])).empty).to.equal(true);
    const { result } = await lab.cycle({ before: [UserWithRole], setup, after: [UserWithRole], autogen: { dropUnusedEnums: true } });
    expect(result.upSql).to.deep.equal(['drop type "mood";']);
    expect(result.downSql).to.deep.equal([`create type "mood" as enum ('happy', 'sad', 'meh');`]);
  });
});
