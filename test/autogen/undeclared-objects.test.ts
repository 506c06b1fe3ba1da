/**
 * Objects the entities never declared (a CHECK, a partial or hash index, a deferrable unique
 * constraint created by a hand-written revision): autogenerate names every drop of one with its own
 * safety code, re-creates them in `down()` from the catalog's own definition (`pg_get_constraintdef`,
 * `pg_get_indexdef`), and leaves them alone when the `ignore`/`include` options say so.
 */
import { Entity, Enum, PrimaryKey, Property } from '@mikro-orm/core';
import { expect } from 'chai';
import { useTestDatabase } from '../support/database';
import { useAutogenHarness } from './support/autogen-harness';
import { sql } from './support/schema-fingerprint';

enum UserRole {
  ADMIN = 'admin',
  USER = 'user',
}

@Entity({ tableName: 'user' })
class U1User {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @Enum({ items: () => UserRole, nativeEnumName: 'user_role' }) role!: UserRole;
}

/** What a hand-written revision of a team added (none of it is in the entities). */
const HAND_MADE = [
  `alter table "user" add constraint "user_admin_named_check" check ((role <> 'admin') or (name <> ''))`,
  `alter table "user" add constraint "user_nested_check" check (((length(name) > 0) and (id > 0)) or ((name)::text ~ '^x(y|z)'::text))`,
  `alter table "user" add constraint "user_cast_fn_check" check (lower(name::text) <> 'root'::text and coalesce(nullif(name, ''), 'a') <> 'b')`,
  `alter table "user" add constraint "user_id_positive" check (id > 0) not valid`,
  `create index "user_admin_idx" on "user" (name) where (role = 'admin' or (name <> '' and id > 2))`,
  `create index "user_name_hash" on "user" using hash (name)`,
  `create index "user_name_desc" on "user" (name desc nulls last, id)`,
  `alter table "user" add constraint "user_name_role_key" unique (name, role) deferrable initially deferred`,
];

describe('autogen: objects the entities never declared', function () {
  this.timeout(180_000);
  const db = useTestDatabase();
  const h = useAutogenHarness(db);
  // the catalog's definitions as written, safe-ddl off (test/safe-ddl covers the lock-safe forms)
  const plain = useAutogenHarness(db, { safeDdl: false });

  async function seed(harness = h): Promise<void> {
    await harness.reset();
    await harness.generate([U1User], 'init');
    await harness.upgrade();
    for (const statement of HAND_MADE) await sql(db.url, statement);
    await sql(db.url, `insert into "user" (name, role) values ('ann', 'admin'), ('bob', 'user'), ('xy', 'user')`);
  }

  it('drops them with a safety note each, and down re-creates them from the catalog (up/down/up with rows, then converges)', async () => {
    await seed(plain);
    const before = await plain.fingerprint();
    const { result, text } = await plain.generate([U1User], 'drop hand-made');
    expect(result.notes.map((n) => n.code)).to.deep.equal([
      'DROP_UNDECLARED_INDEX',
      'DROP_UNDECLARED_INDEX',
      'DROP_UNDECLARED_INDEX',
      'DROP_UNDECLARED_INDEX',
      'DROP_UNDECLARED_CHECK',
      'DROP_UNDECLARED_CHECK',
      'DROP_UNDECLARED_CHECK',
      'DROP_UNDECLARED_CHECK',
    ]);
    expect(text).to.contain('// DROP_UNDECLARED_CHECK: drops check user_admin_named_check on user');
    expect(result.downSql).to.include(
      `alter table "user" add constraint "user_admin_named_check" CHECK (((role <> 'admin'::user_role) OR ((name)::text <> ''::text)));`,
    );
    expect(result.downSql).to.include(`alter table "user" add constraint "user_id_positive" CHECK ((id > 0)) NOT VALID;`);
    expect(result.downSql).to.include('CREATE INDEX user_name_hash ON public."user" USING hash (name);');
    expect(result.downSql).to.include(`alter table "user" add constraint "user_name_role_key" UNIQUE (name, role) DEFERRABLE INITIALLY DEFERRED;`);

    await plain.upgrade();
    expect((await plain.diff([U1User])).empty, 'converges after the drop').to.equal(true);
    await plain.downgrade('-1');
    expect(await plain.fingerprint(), 'down restores every object exactly').to.deep.equal(before);
    expect(await sql(db.url, `select count(*)::int as n from "user"`)).to.deep.equal([{ n: 3 }]);
    const invalid = await sql(db.url, `select convalidated from pg_constraint where conname = 'user_id_positive'`);
    expect(invalid).to.deep.equal([{ convalidated: false }]);
    await plain.upgrade();
    expect((await plain.diff([U1User])).empty, 'converges after up/down/up').to.equal(true);
  });

  it('ignore and include leave them out: nothing to drop, nothing to note', async () => {
    await seed();
    const ignored = await h.diff([U1User], {}, { ignore: ['index:user_*', 'check:user_*'] });
    expect(ignored.empty, ignored.summary).to.equal(true);
    const onlyTheModel = await h.diff([U1User], {}, { include: (o) => o.inModel || o.type === 'table' || o.type === 'column' });
    expect(onlyTheModel.empty, onlyTheModel.summary).to.equal(true);
    const some = await h.diff([U1User], {}, { ignore: ['check:*', 'index:user_name_*'] });
    expect(some.summary.split('\n')).to.deep.equal(['- drop index user_admin_idx on user']);
  });

  it('hand-made columns with a cast default, a function default and a generated expression come back exactly in down', async () => {
    await seed();
    await sql(db.url, `alter table "user" add column "code" varchar(20) not null default ('u-'::text || (42)::text)`);
    await sql(db.url, `alter table "user" add column "since" date default ('2020-01-01'::date + 1)`);
    await sql(db.url, `alter table "user" add column "shout" text generated always as (upper((name)::text) || '!'::text) stored`);
    const before = await h.fingerprint();
    const { result } = await h.generate([U1User], 'drop hand-made columns');
    expect(result.notes.filter((n) => n.code === 'DATA_LOSS_DROP_COLUMN').map((n) => n.column)).to.deep.equal(['code', 'since', 'shout']);
    await h.upgrade();
    await h.downgrade('-1');
    expect(await h.fingerprint(), 'down restores defaults and the generated column exactly').to.deep.equal(before);
    expect(await sql(db.url, `select code, shout from "user" order by id limit 1`)).to.deep.equal([{ code: 'u-42', shout: 'ANN!' }]);
    await h.upgrade();
    expect((await h.diff([U1User])).empty).to.equal(true);
  });

  it('a hand-made table is dropped (DATA_LOSS_DROP_TABLE) and down re-creates its indexes and checks from the catalog', async () => {
    await seed();
    await sql(db.url, `create table "legacy" ("id" int primary key, "code" text not null, "kind" text)`);
    await sql(db.url, `create index "legacy_code_hash" on "legacy" using hash (code)`);
    await sql(db.url, `create unique index "legacy_kind_uq" on "legacy" (lower(kind)) where (kind is not null and (code <> ''))`);
    await sql(db.url, `alter table "legacy" add constraint "legacy_code_key" unique (code) deferrable`);
    await sql(db.url, `alter table "legacy" add constraint "legacy_kind_check" check ((kind in ('a', 'b')) or (kind is null)) not valid`);
    const before = await h.fingerprint();
    const { result } = await h.generate([U1User], 'drop legacy');
    expect(result.notes.map((n) => n.code)).to.include('DATA_LOSS_DROP_TABLE');
    expect(result.downSql).to.include('CREATE INDEX legacy_code_hash ON public.legacy USING hash (code);');
    await h.upgrade();
    await h.downgrade('-1');
    expect(await h.fingerprint(), 'down re-creates the table with every index and check as it was').to.deep.equal(before);
    await h.upgrade();
    expect((await h.diff([U1User])).empty).to.equal(true);
  });
});
