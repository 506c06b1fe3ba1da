/**
 * The enum vocabulary of hand-written revisions: `enumSql` (the statements, the one place enum steps
 * quote) and the `Revision` helpers that queue them, run through the real runtime.
 */
import { expect } from 'chai';
import { enumSql, InvalidEnumStepError, writeRevision } from '../../src/script';
import { SCRIPT_MODULE } from '../autogen/support/autogen-harness';
import { useTestDatabase } from '../support/database';
import { EnumLab, psql, sql } from './support/enum-lab';

describe('enums: enumSql', () => {
  it('writes each step, qualified outside public, labels and names quoted as data', () => {
    expect(enumSql.createEnum('user_role', ['super_user', "it's"])).to.deep.equal([`create type "user_role" as enum ('super_user', 'it''s')`]);
    expect(enumSql.createEnum({ schema: 'my.app', name: 'a"b' }, ['x'])).to.deep.equal([`create type "my.app"."a""b" as enum ('x')`]);
    expect(enumSql.dropEnum('app.user_role')).to.deep.equal(['drop type "app"."user_role"']);
    expect(enumSql.addEnumValue('user_role', 'guest')).to.deep.equal([`alter type "user_role" add value if not exists 'guest'`]);
    expect(enumSql.addEnumValue('user_role', 'guest', { before: 'user' })).to.deep.equal([`alter type "user_role" add value if not exists 'guest' before 'user'`]);
    expect(enumSql.addEnumValue('public.user_role', 'a\\b', { after: 'user' })).to.deep.equal([`alter type "user_role" add value if not exists E'a\\\\b' after 'user'`]);
    expect(enumSql.renameEnumValue('user_role', 'user', 'member')).to.deep.equal([`alter type "user_role" rename value 'user' to 'member'`]);
    expect(enumSql.renameEnum('user_role', 'member_role')).to.deep.equal(['alter type "user_role" rename to "member_role"']);
    expect(enumSql.renameEnum('app.user_role', 'public.user_role')).to.deep.equal(['alter type "app"."user_role" set schema "public"']);
    expect(enumSql.renameEnum('user_role', 'app.member_role')).to.deep.equal(['alter type "user_role" set schema "app"', 'alter type "app"."user_role" rename to "member_role"']);
  });

  it('rebuilds a type: dependents around it, one alter per table, mapped values (scalars, arrays, defaults)', () => {
    const statements = enumSql.removeEnumValue('user_role', 'guest', {
      from: ['admin', 'user', 'guest'],
      columns: [
        { table: 'user', column: 'role', default: `'guest'` },
        { table: 'user', column: 'roles', array: true, default: `'{guest,admin}'::user_role[]` },
        { table: 'app.invite', column: 'role' },
      ],
      map: { guest: 'user' },
      dependents: {
        indexes: [{ table: 'user', name: 'user_admins', definition: `CREATE INDEX user_admins ON public."user" USING btree (id) WHERE (role = 'admin'::user_role)`, comment: 'admins' }],
        constraints: [{ table: 'app.invite', name: 'no_admin', definition: `CHECK ((role <> 'admin'::user_role))` }],
        views: [{ view: 'admins', definition: 'SELECT 1', options: ['security_barrier=true'], grants: [{ grantee: 'PUBLIC', privileges: ['SELECT'] }] }],
      },
    });
    expect(statements).to.deep.equal([
      'drop view "admins"',
      'alter table "app"."invite" drop constraint "no_admin"',
      'drop index "user_admins"',
      'alter type "user_role" rename to "user_role_old"',
      `create type "user_role" as enum ('admin', 'user')`,
      `alter table "user" alter column "role" drop default, alter column "role" type "user_role" using ((case "role"::text when 'guest' then 'user' else "role"::text end)::"user_role"), alter column "role" set default 'user', ` +
        `alter column "roles" drop default, alter column "roles" type "user_role"[] using (array_replace("roles"::text[], 'guest', 'user')::"user_role"[]), alter column "roles" set default '{"user","admin"}'::user_role[]`,
      `alter table "app"."invite" alter column "role" type "user_role" using ((case "role"::text when 'guest' then 'user' else "role"::text end)::"user_role")`,
      'drop type "user_role_old"',
      `CREATE INDEX user_admins ON public."user" USING btree (id) WHERE (role = 'admin'::user_role)`,
      `comment on index "user_admins" is 'admins'`,
      `alter table "app"."invite" add constraint "no_admin" CHECK ((role <> 'admin'::user_role))`,
      'create view "admins" with (security_barrier=true) as SELECT 1',
      'grant select on "admins" to public',
    ]);
  });

  it('guards a removal per column, with a dollar tag the labels cannot close', () => {
    const [guard] = enumSql.assertEnumValuesUnused('user_role', ['$guard$', 'gone'], [{ table: 'user', column: 'roles', array: true }], { gone: 'user' });
    expect(guard.startsWith('do $guard1$\n')).to.equal(true);
    expect(guard).to.contain(`where "roles"::text[] && array['$guard$']::text[];`);
    expect(enumSql.assertEnumValuesUnused('user_role', ['gone'], [{ table: 'user', column: 'role' }], { gone: 'user' })).to.deep.equal([]);
  });

  it('refuses what it cannot write (InvalidEnumStepError, ENUM_STEP_INVALID)', () => {
    const refused = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        expect(e).to.be.instanceOf(InvalidEnumStepError);
        return (e as InvalidEnumStepError).message;
      }
      throw new Error('not refused');
    };
    expect(refused(() => enumSql.createEnum('t', []))).to.equal('createEnum: an enum type needs at least one value');
    expect(refused(() => enumSql.createEnum('t', ['a', 'a']))).to.contain("the value 'a' is listed twice");
    expect(refused(() => enumSql.addEnumValue('t', 'b', { before: 'a', after: 'c' }))).to.contain('not both');
    expect(refused(() => enumSql.removeEnumValue('t', 'x', { from: ['a'], columns: [] }))).to.contain("'x' is not one of the type's values");
    expect(refused(() => enumSql.rebuildEnum('t', { from: ['a', 'b'], to: ['a'], columns: [], map: { b: 'c' } }))).to.contain("'c' is not a value the type keeps");
    expect(refused(() => enumSql.rebuildEnum('t', { from: ['a', 'b'], to: ['a'], columns: [], map: { a: 'a' } }))).to.contain("'a' is not a value this step removes");
    expect(refused(() => enumSql.renameEnum('t', 't'))).to.contain('already named t');
    expect(refused(() => enumSql.createEnum('t', ['a\0']))).to.contain('NUL');
  });
});

describe('enums: the Revision helpers in a hand-written revision', function () {
  this.timeout(60_000);
  const db = useTestDatabase();
  let lab: EnumLab;
  before(() => {
    lab = new EnumLab(db.url);
  });
  after(() => lab.dispose());

  it('creates, extends (and uses at once), renames, moves and shrinks a type; down undoes it; offline SQL runs through psql', async () => {
    await lab.h.reset();
    const written = writeRevision({
      directory: lab.h.dir,
      heads: [],
      message: 'roles by hand',
      importFrom: SCRIPT_MODULE,
      upBody: [
        `this.createEnum('user_role', ['super_user', 'admin', 'user']);`,
        `this.addSql(\`create table "user" (id int primary key, role user_role not null default 'user')\`);`,
        `this.addSql(\`insert into "user" values (1, 'admin'), (2, 'user')\`);`,
        `await this.addEnumValue('user_role', 'guest', { after: 'user' });`,
        `this.addSql(\`alter table "user" alter column role set default 'guest'\`);`,
        `this.addSql(\`insert into "user" values (3, default)\`);`,
        `this.renameEnumValue('user_role', 'user', 'member');`,
        `this.addSql('create schema app');`,
        `this.renameEnum('user_role', 'app.member_role');`,
        `const columns = [{ table: 'user', column: 'role', default: "'guest'" }];`,
        `this.assertEnumValuesUnused('app.member_role', ['super_user'], columns);`,
        `this.removeEnumValue('app.member_role', 'super_user', { from: ['super_user', 'admin', 'member', 'guest'], columns });`,
      ].join('\n'),
      downBody: [
        `this.addSql('drop table "user"');`,
        `this.dropEnum('app.member_role');`,
        `this.addSql('drop schema app');`,
      ].join('\n'),
    });
    await lab.h.upgrade();
    expect(await lab.values('app.member_role')).to.deep.equal(['admin', 'member', 'guest']);
    expect(await sql(db.url, `select id, role::text from "user" order by id`)).to.deep.equal([
      { id: 1, role: 'admin' },
      { id: 2, role: 'member' },
      { id: 3, role: 'guest' },
    ]);
    await lab.h.downgrade('base');
    const empty = await lab.snapshot();

    const script = await lab.offlineSql('up', written.id, null);
    expect(script).to.contain(`alter type "user_role" add value if not exists 'guest' after 'user';\nBEGIN;\n`);
    const run = psql(db.url, script);
    expect(run.status, run.stderr).to.equal(0);
    expect(await lab.values('app.member_role')).to.deep.equal(['admin', 'member', 'guest']);
    const back = psql(db.url, await lab.offlineSql('down', written.id, null));
    expect(back.status, back.stderr).to.equal(0);
    expect(await lab.snapshot()).to.deep.equal(empty);
  });
});
