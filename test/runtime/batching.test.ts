import { expect } from 'chai';
import { MigrationRuntime, PgChannel, RevisionFailedError } from '../../src/runtime';
import { RevisionStatementError } from '../../src/script/errors';
import { StatementBatchError } from '../../src/runtime/sql-channel';
import { Revision } from '../../src/script/revision';
import { advisoryLocks, defineRevision, MemoryRevisions, sql, tables, useFreshDatabases, versionIds } from './support/helpers';

const A = 'bbbbbbbbbb01';
const B = 'bbbbbbbbbb02';
const C = 'bbbbbbbbbb03';

function runtimeFor(url: string, revs: MemoryRevisions): MigrationRuntime {
  return new MigrationRuntime({ connection: url, graph: revs.graph, source: revs.source, lockTimeoutMs: 5_000 });
}

async function failure(promise: Promise<unknown>): Promise<RevisionFailedError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).to.be.instanceOf(RevisionFailedError);
  return error as RevisionFailedError;
}

/**
 * A revision's queued statements, its version row and COMMIT travel as one message. These tests check
 * what that must not change: which statement a failure names, the error position, what is rolled back,
 * and the recorded duration.
 */
describe('runtime: one message per revision', function () {
  const dbs = useFreshDatabases();

  it('sends BEGIN and the queued statements in one message (statement_timestamp() = now() in every one)', async () => {
    const url = await dbs.fresh();
    const revs = new MemoryRevisions([
      defineRevision({
        id: A,
        up: [
          'create table seen (n int, stmt timestamptz, tx timestamptz)',
          'insert into seen values (1, statement_timestamp(), now())',
          'insert into seen values (2, statement_timestamp(), now())',
        ],
      }),
    ]);
    await runtimeFor(url, revs).upgrade('head');
    const rows = await sql<{ n: number; same: boolean }>(url, 'select n, stmt = tx as same from seen order by n');
    expect(rows).to.deep.equal([
      { n: 1, same: true },
      { n: 2, same: true },
    ]);
  });

  it('names a failing statement in the middle of a message, with its own error position', async () => {
    const url = await dbs.fresh();
    const revs = new MemoryRevisions([
      defineRevision({ id: A, up: ['create table t_a (id int)'] }),
      defineRevision({
        id: B,
        down: A,
        up: ['create table t_b (id int)', 'insert into t_b values (1)', 'insert into t_b values (no_such_column)', 'create table t_b2 (id int)'],
      }),
    ]);
    const error = await failure(runtimeFor(url, revs).upgrade('head'));
    expect(error.revision).to.equal(B);
    expect(error.statement).to.equal('insert into t_b values (no_such_column)');
    expect(error.pgCode).to.equal('42703');
    expect(error.message).to.contain('column "no_such_column" does not exist');
    expect(error.cause).to.be.instanceOf(RevisionStatementError);
    const cause = error.cause as RevisionStatementError;
    expect(cause.sql).to.equal('insert into t_b values (no_such_column)');
    expect((cause.cause as { position?: string }).position).to.equal(String('insert into t_b values ('.length + 1));
    expect(await tables(url)).to.deep.equal(['mikro_orm_alembic_version', 't_a']);
    expect(await versionIds(url)).to.deep.equal([A]);
    expect(await advisoryLocks(url)).to.deep.equal([]);
  });

  it('names the statement with a syntax error (which aborts the whole message before any command runs), with its own position', async () => {
    for (const [third, offset] of [
      ['create tabel c (id int)', 'create '.length + 1],
      // characters outside the BMP before it: PostgreSQL counts characters, not UTF-16 units
      ["insert into b values (1) -- 🐘🐘 here\n, 2)", [...'insert into b values (1) -- 🐘🐘 here\n, '].length + 1],
    ] as const) {
      const url = await dbs.fresh();
      const revs = new MemoryRevisions([
        defineRevision({ id: A, up: ["create table a (id int) -- 🐘", 'create table b (id int)', third, 'create table d (id int)'] }),
      ]);
      const error = await failure(runtimeFor(url, revs).upgrade('head'));
      expect(error.pgCode).to.equal('42601');
      expect(error.statement).to.equal(third);
      expect(error.message).to.contain(third.split('\n')[0]);
      const cause = error.cause as RevisionStatementError;
      expect(cause.sql).to.equal(third);
      expect((cause.cause as { position?: string }).position).to.equal(String(offset));
      expect(await tables(url)).to.deep.equal(['mikro_orm_alembic_version']);
      expect(await versionIds(url)).to.deep.equal([]);
    }
  });

  it('names the version row when it is what fails, and COMMIT when a deferred constraint fails there', async () => {
    const url = await dbs.fresh();
    // B records itself first: its version row then violates the primary key
    const selfRecording = new MemoryRevisions([
      defineRevision({
        id: B,
        up: [
          'create table t_b (id int)',
          `insert into mikro_orm_alembic_version (revision, checksum) values ('${B}', 'x')`,
        ],
      }),
    ]);
    const duplicate = await failure(runtimeFor(url, selfRecording).upgrade('head'));
    expect(duplicate.pgCode).to.equal('23505');
    expect(duplicate.statement).to.match(/^insert into "public"\."mikro_orm_alembic_version" \(revision, duration_ms, checksum, file_name\)/);
    expect(duplicate.connectionLost).to.equal(false);
    expect(await tables(url)).to.deep.equal(['mikro_orm_alembic_version']);

    const deferred = new MemoryRevisions([
      defineRevision({
        id: C,
        up: [
          'create table parent (id int primary key)',
          'create table child (parent int references parent deferrable initially deferred)',
          'insert into child values (1)',
        ],
      }),
    ]);
    const atCommit = await failure(runtimeFor(url, deferred).upgrade('head'));
    expect(atCommit.revision).to.equal(C);
    expect(atCommit.statement).to.equal('COMMIT');
    expect(atCommit.pgCode).to.equal('23503');
    expect(atCommit.connectionLost).to.equal(false);
    expect(atCommit.message).to.contain(`revision ${C} was rolled back`);
    expect(await tables(url)).to.deep.equal(['mikro_orm_alembic_version']);
    expect(await versionIds(url)).to.deep.equal([]);
  });

  it('runs a multi-command statement (a DO block) and a statement with parameters at their place in the order', async () => {
    const url = await dbs.fresh();
    class Mixed extends Revision {
      override readonly revision = A;
      override readonly downRevision = null;
      override up(): void {
        this.addSql('create table log (n int, note text)');
        this.addSql('insert into log values (1, null)');
        this.addSql(`do $$ begin insert into log values (2, 'do'); insert into log values (3, 'do'); end $$`);
        this.addSql('insert into log values (4, $1)', ['param']);
        this.addSql('insert into log values (5, null); insert into log values (6, null)');
        this.addSql('insert into log values (7, null)');
      }
    }
    const revs = new MemoryRevisions([Mixed]);
    await runtimeFor(url, revs).upgrade('head');
    expect(await sql(url, 'select n, note from log order by n')).to.deep.equal([
      { n: 1, note: null },
      { n: 2, note: 'do' },
      { n: 3, note: 'do' },
      { n: 4, note: 'param' },
      { n: 5, note: null },
      { n: 6, note: null },
      { n: 7, note: null },
    ]);

    // a failing DO block after deferred statements: the DO block is named, nothing stays
    const url2 = await dbs.fresh();
    const failing = new MemoryRevisions([
      defineRevision({
        id: B,
        up: ['create table t (id int)', `do $$ begin raise exception 'stop here'; end $$`, 'create table never (id int)'],
      }),
    ]);
    const error = await failure(runtimeFor(url2, failing).upgrade('head'));
    expect(error.statement).to.equal(`do $$ begin raise exception 'stop here'; end $$`);
    expect(error.message).to.contain('stop here');
    expect(await tables(url2)).to.deep.equal(['mikro_orm_alembic_version']);
  });

  it('records a duration that includes the statements sent with the COMMIT', async () => {
    const url = await dbs.fresh();
    const revs = new MemoryRevisions([defineRevision({ id: A, up: ['select pg_sleep(0.25)'] })]);
    await runtimeFor(url, revs).upgrade('head');
    const [row] = await sql<{ duration_ms: number }>(url, 'select duration_ms from mikro_orm_alembic_version');
    expect(row.duration_ms).to.be.at.least(250).and.below(10_000);
  });

  it('a statement_timeout still bounds each statement of the message, and names the one that ran out', async () => {
    const url = await dbs.fresh();
    const connection = { connectionString: url, options: '-c statement_timeout=400' };
    const revs = new MemoryRevisions([
      defineRevision({ id: A, up: ['select pg_sleep(0.25)', 'select pg_sleep(0.25)', 'create table t_a (id int)'] }),
      defineRevision({ id: B, down: A, up: ['create table t_b (id int)', 'select pg_sleep(2)'] }),
    ]);
    const runtime = new MigrationRuntime({ connection, graph: revs.graph, source: revs.source, lockTimeoutMs: 5_000 });
    const error = await failure(runtime.upgrade('head'));
    expect(error.revision).to.equal(B);
    expect(error.pgCode).to.equal('57014');
    expect(error.statement).to.equal('select pg_sleep(2)');
    expect(await tables(url)).to.deep.equal(['mikro_orm_alembic_version', 't_a']);
    expect(await versionIds(url)).to.deep.equal([A]);
  });

  it('PgChannel: a batch names its failing statement by index; a plain query throws the driver error', async () => {
    const url = await dbs.fresh();
    const channel = await PgChannel.connect(url);
    try {
      expect(await channel.batch(['create table t (id int)', 'insert into t values (1), (2)', 'select count(*)::int as n from t'])).to.deep.equal([
        { n: 2 },
      ]);
      await channel.begin();
      const error = await channel.commit(['insert into t values (3)', 'insert into t values (1 / 0)', 'insert into t values (4)']).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(StatementBatchError);
      expect((error as StatementBatchError).index).to.equal(1);
      expect(((error as StatementBatchError).cause as { code?: string }).code).to.equal('22012');
      await channel.rollback();
      expect(await channel.query('select count(*)::int as n from t')).to.deep.equal([{ n: 2 }]);
      const plain = await channel.query('select * from no_such_table').catch((e: unknown) => e);
      expect(plain).not.to.be.instanceOf(StatementBatchError);
      expect((plain as { code?: string }).code).to.equal('42P01');
    } finally {
      await channel.close();
    }
  });
});
