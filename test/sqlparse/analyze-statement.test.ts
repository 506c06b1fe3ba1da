import { expect } from 'chai';
import { analyzeStatement, blocksWrites, parseSql, relationText, SqlParseError } from '../../src/sqlparse';

async function one(sql: string) {
  const [statement] = await parseSql(sql);
  return analyzeStatement(statement);
}

function locks(a: Awaited<ReturnType<typeof one>>): string[] {
  return a.locks.map((l) => `${relationText(l.relation)} ${l.mode}`);
}

describe('sqlparse: statements, the locks they take, scans and rewrites', () => {
  it('splits text into statements with their own text, keeping dollar quotes and comments the parser understands', async () => {
    const text = "-- head\nselect 1;\nDO $$ begin perform ';'; end $$;\n/* c */ alter table \"T\" add column \"ü\" text;";
    const stmts = await parseSql(text);
    expect(stmts.map((s) => s.type)).to.deep.equal(['SelectStmt', 'DoStmt', 'AlterTableStmt']);
    expect(stmts[1].sql).to.equal("DO $$ begin perform ';'; end $$");
    expect(stmts[2].sql).to.equal('alter table "T" add column "ü" text');
    expect(text.slice(stmts[2].offset, stmts[2].offset + stmts[2].sql.length)).to.equal(stmts[2].sql);
  });

  it('a syntax error is a SqlParseError naming the origin and the offset', async () => {
    const error = await parseSql('select 1; alter tabel t add x int', { origin: 'revision abc (up)' }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(SqlParseError);
    expect((error as SqlParseError).code).to.equal('SQL_PARSE_FAILED');
    expect((error as SqlParseError).position).to.equal(16);
    expect((error as Error).message).to.contain('revision abc (up)').and.contain('tabel');
  });

  it('create index takes SHARE (writes wait) and scans; concurrently takes SHARE UPDATE EXCLUSIVE outside a transaction', async () => {
    const plain = await one('create index "ix" on "app"."post" ("title")');
    expect(locks(plain)).to.deep.equal(['app.post ShareLock']);
    expect(plain.scans.map(relationText)).to.deep.equal(['app.post']);
    expect(blocksWrites(plain.locks[0].mode)).to.equal(true);
    const conc = await one('create index concurrently "ix" on "post" ("title")');
    expect(locks(conc)).to.deep.equal(['post ShareUpdateExclusiveLock']);
    expect(conc.concurrent).to.equal(true);
    expect(blocksWrites(conc.locks[0].mode)).to.equal(false);
  });

  it('foreign keys lock both tables SHARE ROW EXCLUSIVE; not valid skips the scan; validate takes SHARE UPDATE EXCLUSIVE', async () => {
    const fk = await one('alter table "post" add constraint "fk" foreign key ("a") references "author" ("id")');
    expect(locks(fk)).to.deep.equal(['post ShareRowExclusiveLock', 'author ShareRowExclusiveLock']);
    expect(fk.scans.map(relationText)).to.deep.equal(['post']);
    const nv = await one('alter table "post" add constraint "fk" foreign key ("a") references "author" ("id") not valid');
    expect(nv.scans).to.deep.equal([]);
    expect(nv.changes[0]).to.include({ kind: 'addForeignKey', notValid: true });
    const v = await one('alter table "post" validate constraint "fk"');
    expect(locks(v)).to.deep.equal(['post ShareUpdateExclusiveLock']);
  });

  it('type changes and volatile defaults rewrite; constant and stable defaults do not', async () => {
    expect((await one('alter table t alter column a type bigint')).rewrites.map(relationText)).to.deep.equal(['t']);
    expect((await one('alter table t add column u uuid default gen_random_uuid()')).rewrites.map(relationText)).to.deep.equal(['t']);
    expect((await one('alter table t add column n bigserial')).rewrites.map(relationText)).to.deep.equal(['t']);
    expect((await one('alter table t add column c timestamptz default now()')).rewrites).to.deep.equal([]);
    expect((await one("alter table t add column c text not null default 'x'")).rewrites).to.deep.equal([]);
    expect((await one('alter table t add column c int default my_func()')).changes[0]).to.include({ defaultKind: 'unknown' });
  });

  it('set not null scans under ACCESS EXCLUSIVE; a check (col is not null) is recognised', async () => {
    const nn = await one('alter table t alter column a set not null');
    expect(locks(nn)).to.deep.equal(['t AccessExclusiveLock']);
    expect(nn.scans.map(relationText)).to.deep.equal(['t']);
    const check = await one('alter table t add constraint c check ("a" is not null) not valid');
    expect(check.changes[0]).to.include({ kind: 'addCheck', notValid: true, notNullOf: 'a' });
  });

  it('a new table locks nothing of its own; its foreign keys lock the referenced tables', async () => {
    const created = await one('create table "tag" ("id" int primary key, "post_id" int references "post" ("id"))');
    expect(created.creates.map(relationText)).to.deep.equal(['tag']);
    expect(locks(created)).to.deep.equal(['post ShareRowExclusiveLock']);
  });

  it('settings, transactions, renames, drops and DO blocks', async () => {
    expect((await one("set lock_timeout = '2s'")).changes[0]).to.deep.equal({ kind: 'setting', name: 'lock_timeout', value: '2s', local: false });
    expect((await one('set local lock_timeout to 500')).changes[0]).to.deep.equal({ kind: 'setting', name: 'lock_timeout', value: '500', local: true });
    expect((await one('begin')).changes[0]).to.deep.equal({ kind: 'transaction', action: 'begin' });
    expect((await one('alter table t rename column a to b')).changes[0]).to.deep.include({ kind: 'renameColumn', from: 'a', to: 'b' });
    expect(locks(await one('alter index "ix" rename to "iy"'))).to.deep.equal(['ix ShareUpdateExclusiveLock']);
    expect(locks(await one('drop index concurrently if exists "app"."ix"'))).to.deep.equal(['app.ix ShareUpdateExclusiveLock']);
    expect((await one('do $$ begin null; end $$')).changes[0]).to.deep.equal({ kind: 'opaque', what: 'a DO block' });
  });
});
