import { expect } from 'chai';
import { ConnectionFailedError, MigrationRuntime, RevisionFailedError, VersionTableInvalidError } from '../../src/runtime';
import { revisionChecksum } from '../../src/runtime/revision-checksum';
import { Revision } from '../../src/script/revision';
import { advisoryLocks, defineRevision, MemoryRevisions, sql, tables, useFreshDatabases, versionIds } from './support/helpers';

const A = 'aaaaaaaaaa01';
const B = 'aaaaaaaaaa02';
const C = 'aaaaaaaaaa03';
const D = 'aaaaaaaaaa04';

function chain(): MemoryRevisions {
  return new MemoryRevisions([
    defineRevision({ id: A, up: ['create table t_a (id int primary key)'], downSql: ['drop table t_a'] }),
    defineRevision({ id: B, down: A, up: ['create table t_b (id int primary key, a int references t_a)'], downSql: ['drop table t_b'] }),
    defineRevision({ id: C, down: B, up: ['create table t_c (id int)', 'insert into t_c values (1), (2)'], downSql: ['drop table t_c'] }),
  ]);
}

function runtimeFor(url: string, revs: MemoryRevisions, extra: Partial<ConstructorParameters<typeof MigrationRuntime>[0]> = {}): MigrationRuntime {
  return new MigrationRuntime({ connection: url, graph: revs.graph, source: revs.source, lockTimeoutMs: 5_000, ...extra });
}

describe('runtime: upgrade and downgrade', function () {
  const dbs = useFreshDatabases();

  it('upgrades a chain, recording each revision with its time, duration and checksum', async () => {
    const url = await dbs.fresh();
    const revs = chain();
    const started: [string, number, number][] = [];
    const done: string[] = [];
    const before = await sql<{ now: Date }>(url, 'select clock_timestamp() as now');
    const result = await runtimeFor(url, revs, {
      onRevisionStart: (id, index, total) => started.push([id, index, total]),
      onRevisionDone: (id, ms) => {
        expect(ms).to.be.a('number').and.at.least(0);
        done.push(id);
      },
    }).upgrade('head');
    const after = await sql<{ now: Date }>(url, 'select clock_timestamp() as now');

    expect(result.ran.map((r) => r.id)).to.deep.equal([A, B, C]);
    expect(result.headsBefore).to.deep.equal([]);
    expect(result.headsAfter).to.deep.equal([C]);
    expect(Object.isFrozen(result)).to.equal(true);
    expect(started).to.deep.equal([
      [A, 0, 3],
      [B, 1, 3],
      [C, 2, 3],
    ]);
    expect(done).to.deep.equal([A, B, C]);

    expect(await tables(url)).to.deep.equal(['mikro_orm_alembic_version', 't_a', 't_b', 't_c']);
    expect(await sql(url, 'select id from t_c order by id')).to.deep.equal([{ id: 1 }, { id: 2 }]);
    const rows = await sql<{ revision: string; applied_at: Date; duration_ms: number; checksum: string; file_name: string }>(
      url,
      'select * from mikro_orm_alembic_version order by applied_at',
    );
    expect(rows.map((r) => r.revision)).to.deep.equal([A, B, C]);
    for (const row of rows) {
      expect(row.checksum).to.equal(await revisionChecksum(revs.source, row.revision));
      expect(row.file_name).to.equal(`${row.revision}_rev.ts`);
      expect(row.duration_ms).to.be.a('number').and.at.least(0).and.below(10_000);
      expect(row.applied_at.getTime()).to.be.within(before[0].now.getTime(), after[0].now.getTime());
    }
    // rows of one run are in order and distinct (one transaction each)
    expect(rows[0].applied_at.getTime()).to.be.at.most(rows[1].applied_at.getTime());

    const current = await runtimeFor(url, revs).current();
    expect(current.heads).to.deep.equal([C]);
    expect(current.applied.map((r) => r.id)).to.deep.equal([A, B, C]);
    expect(current.applied[0].checksum).to.equal(rows[0].checksum);

    const again = await runtimeFor(url, revs).upgrade('head');
    expect(again.ran).to.deep.equal([]);
    expect(again.headsBefore).to.deep.equal([C]);
    expect(await versionIds(url)).to.deep.equal([A, B, C]);
    expect(await advisoryLocks(url)).to.deep.equal([]);
  });

  it('rolls back only the failing revision and names the revision, file, statement and PostgreSQL message', async () => {
    const url = await dbs.fresh();
    const revs = new MemoryRevisions([
      ...[...chain().classes.values()].slice(0, 2),
      defineRevision({
        id: C,
        down: B,
        up: ['create table t_c (id int)', 'create index t_c_idx on t_c (id)', 'insert into no_such_table values (1)'],
      }),
      defineRevision({ id: D, down: C, up: ['create table t_d (id int)'] }),
    ]);
    const error = await runtimeFor(url, revs)
      .upgrade('head')
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).to.be.instanceOf(RevisionFailedError);
    const failure = error as RevisionFailedError;
    expect(failure.code).to.equal('REVISION_FAILED');
    expect(failure.revision).to.equal(C);
    expect(failure.file).to.equal(`migrations/${C}_rev.ts`);
    expect(failure.statement).to.equal('insert into no_such_table values (1)');
    expect(failure.pgCode).to.equal('42P01');
    expect(failure.completed).to.deep.equal([A, B]);
    expect(failure.connectionLost).to.equal(false);
    expect(failure.partiallyApplied).to.equal(false);
    expect(failure.message).to.contain(C).and.contain(`migrations/${C}_rev.ts`);
    expect(failure.message).to.contain('relation "no_such_table" does not exist');
    expect(failure.message).to.contain('insert into no_such_table values (1)');
    expect((failure.cause as Error).message).to.contain('no_such_table');

    // A and B applied and recorded; nothing of C (no half-applied DDL); D never ran
    expect(await tables(url)).to.deep.equal(['mikro_orm_alembic_version', 't_a', 't_b']);
    expect(await sql(url, "select 1 from pg_class where relname in ('t_c', 't_c_idx')")).to.deep.equal([]);
    expect(await versionIds(url)).to.deep.equal([A, B]);
    expect(await advisoryLocks(url)).to.deep.equal([]);

    // the error position refers to the statement itself, not to what the runtime sent around it
    const pgError = failure.cause as { cause?: { position?: string } };
    expect(pgError.cause?.position).to.equal(String('insert into '.length + 1));
  });

  it('downgrades step by step and to base, deleting version rows', async () => {
    const url = await dbs.fresh();
    const revs = chain();
    await runtimeFor(url, revs).upgrade('head');

    const one = await runtimeFor(url, revs).downgrade('-1');
    expect(one.ran.map((r) => r.id)).to.deep.equal([C]);
    expect(one.headsBefore).to.deep.equal([C]);
    expect(one.headsAfter).to.deep.equal([B]);
    expect(await tables(url)).to.deep.equal(['mikro_orm_alembic_version', 't_a', 't_b']);
    expect(await versionIds(url)).to.deep.equal([A, B]);

    const toBase = await runtimeFor(url, revs).downgrade('base');
    expect(toBase.ran.map((r) => r.id)).to.deep.equal([B, A]);
    expect(toBase.headsAfter).to.deep.equal([]);
    expect(await tables(url)).to.deep.equal(['mikro_orm_alembic_version']);
    expect(await versionIds(url)).to.deep.equal([]);

    const up = await runtimeFor(url, revs).upgrade(B);
    expect(up.ran.map((r) => r.id)).to.deep.equal([A, B]);
    expect(await versionIds(url)).to.deep.equal([A, B]);
  });

  it('derives two heads from a branched graph and one after the merge', async () => {
    const url = await dbs.fresh();
    const R = 'bbbbbbbbbb00';
    const X = 'bbbbbbbbbb0a';
    const Y = 'bbbbbbbbbb0b';
    const M = 'bbbbbbbbbb0c';
    const base = [
      defineRevision({ id: R, up: ['create table root (id int)'], downSql: ['drop table root'] }),
      defineRevision({ id: X, down: R, up: ['create table x (id int)'], downSql: ['drop table x'] }),
      defineRevision({ id: Y, down: R, up: ['create table y (id int)'], downSql: ['drop table y'] }),
    ];
    const branched = new MemoryRevisions(base);

    const one = await runtimeFor(url, branched).upgrade(X);
    expect(one.ran.map((r) => r.id)).to.deep.equal([R, X]);
    expect(one.headsAfter).to.deep.equal([X]);

    const both = await runtimeFor(url, branched).upgrade('heads');
    expect(both.ran.map((r) => r.id)).to.deep.equal([Y]);
    expect(both.headsAfter).to.deep.equal([X, Y]);
    expect((await runtimeFor(url, branched).current()).heads).to.deep.equal([X, Y]);
    expect(await tables(url)).to.deep.equal(['mikro_orm_alembic_version', 'root', 'x', 'y']);

    const merged = new MemoryRevisions([...base, defineRevision({ id: M, down: [X, Y], up: ['create table merged (id int)'], downSql: ['drop table merged'] })]);
    const merge = await runtimeFor(url, merged).upgrade('head');
    expect(merge.headsBefore).to.deep.equal([X, Y]);
    expect(merge.ran.map((r) => r.id)).to.deep.equal([M]);
    expect(merge.headsAfter).to.deep.equal([M]);
    expect((await runtimeFor(url, merged).current()).heads).to.deep.equal([M]);
    expect(new Set(await versionIds(url))).to.deep.equal(new Set([R, X, Y, M]));

    const unmerge = await runtimeFor(url, merged).downgrade(X); // unmerge: only M is removed
    expect(unmerge.ran.map((r) => r.id)).to.deep.equal([M]);
    expect(unmerge.headsAfter).to.deep.equal([X, Y]);
    expect((await runtimeFor(url, merged).current()).heads).to.deep.equal([X, Y]);
    expect(await tables(url)).to.deep.equal(['mikro_orm_alembic_version', 'root', 'x', 'y']);
  });

  it('runs an autocommit block so an enum value added in a revision can be used by that revision', async () => {
    const url = await dbs.fresh();
    const E1 = 'cccccccccc01';
    const E2 = 'cccccccccc02';
    class CreateMood extends Revision {
      override readonly revision = E1;
      override readonly downRevision = null;
      override up(): void {
        this.addSql("create type mood as enum ('sad')");
        this.addSql('create table person (id int, m mood)');
      }
    }
    class AddHappy extends Revision {
      override readonly revision = E2;
      override readonly downRevision = E1;
      override async up(): Promise<void> {
        this.addSql("insert into person values (1, 'sad')");
        await this.outsideTransaction(async () => {
          this.addSql("alter type mood add value 'happy'");
        });
        this.addSql("alter table person alter column m set default 'happy'");
        this.addSql("update person set m = 'happy'");
        this.addSql('insert into person (id) values (2)');
      }
    }
    const result = await runtimeFor(url, new MemoryRevisions([CreateMood, AddHappy])).upgrade('head');
    expect(result.ran.map((r) => r.id)).to.deep.equal([E1, E2]);
    expect(await sql(url, 'select id, m::text as m from person order by id')).to.deep.equal([
      { id: 1, m: 'happy' },
      { id: 2, m: 'happy' },
    ]);
    expect((await sql(url, "select enum_range(null::mood)::text as r"))[0]).to.deep.equal({ r: '{sad,happy}' });
    expect(await versionIds(url)).to.deep.equal([E1, E2]);

    // the control: without the autocommit block PostgreSQL refuses to use the new value in the same transaction
    const control = await dbs.fresh();
    class AddHappyInOneTransaction extends Revision {
      override readonly revision = E2;
      override readonly downRevision = E1;
      override up(): void {
        this.addSql("alter type mood add value 'happy'");
        this.addSql("update person set m = 'happy'");
      }
    }
    const error = await runtimeFor(control, new MemoryRevisions([CreateMood, AddHappyInOneTransaction]))
      .upgrade('head')
      .catch((e: unknown) => e);
    expect(error).to.be.instanceOf(RevisionFailedError);
    expect((error as RevisionFailedError).pgCode).to.equal('55P04');
    expect((await sql(control, "select enum_range(null::mood)::text as r"))[0]).to.deep.equal({ r: '{sad}' });
    expect(await versionIds(control)).to.deep.equal([E1]);
  });

  it('reports a failure after an autocommit block as partially applied', async () => {
    const url = await dbs.fresh();
    const P = 'cccccccccc10';
    class Partial extends Revision {
      override readonly revision = P;
      override readonly downRevision = null;
      override async up(): Promise<void> {
        this.addSql('create table kept (id int)');
        await this.outsideTransaction(async () => {
          this.addSql('create table also_kept (id int)');
        });
        this.addSql('create table lost (id int)');
        this.addSql('select 1/0');
      }
    }
    const error = (await runtimeFor(url, new MemoryRevisions([Partial])).upgrade('head').catch((e: unknown) => e)) as RevisionFailedError;
    expect(error).to.be.instanceOf(RevisionFailedError);
    expect(error.pgCode).to.equal('22012');
    expect(error.statement).to.equal('select 1/0');
    expect(error.partiallyApplied).to.equal(true);
    expect(error.message).to.contain('already been committed');
    expect(await tables(url)).to.deep.equal(['also_kept', 'kept', 'mikro_orm_alembic_version']);
    expect(await versionIds(url)).to.deep.equal([]);
  });

  it('runs a non-transactional revision (CREATE INDEX CONCURRENTLY) on the locked connection', async () => {
    const url = await dbs.fresh();
    const T1 = 'dddddddddd01';
    const T2 = 'dddddddddd02';
    const T3 = 'dddddddddd03';
    let lockHeldDuringIndex: unknown = null;
    class Table extends Revision {
      override readonly revision = T1;
      override readonly downRevision = null;
      override up(): void {
        this.addSql('create table big (id int, v int)');
        this.addSql('insert into big select g, g % 7 from generate_series(1, 1000) g');
      }
    }
    class Concurrently extends Revision {
      override readonly revision = T2;
      override readonly downRevision = T1;
      override readonly transactional = false;
      override async up(): Promise<void> {
        this.addSql('create index concurrently big_v_idx on big (v)');
        const rows = await this.execute(
          "select count(*)::int as n from pg_locks where locktype = 'advisory' and pid = pg_backend_pid() and granted",
        );
        lockHeldDuringIndex = rows[0].n;
      }
      override down(): void {
        this.addSql('drop index concurrently big_v_idx');
      }
    }
    class After extends Revision {
      override readonly revision = T3;
      override readonly downRevision = T2;
      override up(): void {
        this.addSql('create table after_index (id int)');
      }
      override down(): void {
        this.addSql('drop table after_index');
      }
    }
    const revs = new MemoryRevisions([Table, Concurrently, After]);
    const result = await runtimeFor(url, revs).upgrade('head');
    expect(result.ran.map((r) => r.id)).to.deep.equal([T1, T2, T3]);
    expect(lockHeldDuringIndex).to.equal(1);
    expect(await sql(url, "select i.indisvalid, i.indisready from pg_index i join pg_class c on c.oid = i.indexrelid where c.relname = 'big_v_idx'")).to.deep.equal([
      { indisvalid: true, indisready: true },
    ]);
    expect(await versionIds(url)).to.deep.equal([T1, T2, T3]);

    await runtimeFor(url, revs).downgrade(T1);
    expect(await sql(url, "select 1 from pg_class where relname = 'big_v_idx'")).to.deep.equal([]);
    expect(await versionIds(url)).to.deep.equal([T1]);

    // the control: in a transaction PostgreSQL refuses it
    const control = await dbs.fresh();
    const inTransaction = defineRevision({ id: T2, down: T1, up: ['create index concurrently big_v_idx on big (v)'] });
    const error = (await runtimeFor(control, new MemoryRevisions([Table, inTransaction])).upgrade('head').catch((e: unknown) => e)) as RevisionFailedError;
    expect(error.pgCode).to.equal('25001');
    expect(await versionIds(control)).to.deep.equal([T1]);
  });

  it('reports a non-transactional revision failing midway: earlier statements stay, the revision is not recorded', async () => {
    const url = await dbs.fresh();
    const N1 = 'dddddddddd10';
    const N2 = 'dddddddddd11';
    const revs = new MemoryRevisions([
      defineRevision({ id: N1, up: ['create table base_t (id int)'] }),
      defineRevision({ id: N2, down: N1, transactional: false, up: ['create table first_t (id int)', 'create table base_t (id int)', 'create table never_t (id int)'] }),
    ]);
    const error = (await runtimeFor(url, revs).upgrade('head').catch((e: unknown) => e)) as RevisionFailedError;
    expect(error).to.be.instanceOf(RevisionFailedError);
    expect(error.revision).to.equal(N2);
    expect(error.pgCode).to.equal('42P07');
    expect(error.statement).to.equal('create table base_t (id int)');
    expect(error.partiallyApplied).to.equal(true);
    expect(error.message).to.contain('ran without a transaction').and.contain('not recorded as applied');
    expect(await tables(url)).to.deep.equal(['base_t', 'first_t', 'mikro_orm_alembic_version']);
    expect(await versionIds(url)).to.deep.equal([N1]);
  });

  it('keeps the version table where it is configured, quoting odd names', async () => {
    const url = await dbs.fresh();
    const revs = chain();
    const runtime = runtimeFor(url, revs, { versionTable: { schema: 'Ops "x"', name: 'Version-Table' } });
    await runtime.upgrade(A);
    expect(await sql(url, "select n.nspname, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relname like 'Version%' and c.relkind = 'r'")).to.deep.equal([
      { nspname: 'Ops "x"', relname: 'Version-Table' },
    ]);
    expect(await versionIds(url, '"Ops ""x"""."Version-Table"')).to.deep.equal([A]);
    expect(await tables(url)).to.deep.equal(['t_a']);
    expect((await runtime.current()).heads).to.deep.equal([A]);
    expect((await runtime.appliedRevisions()).map((r) => r.id)).to.deep.equal([A]);
    // the default table is another history
    expect((await runtimeFor(url, revs).current()).heads).to.deep.equal([]);
  });

  it('reports an empty database as having no heads without creating the version table', async () => {
    const url = await dbs.fresh();
    const runtime = runtimeFor(url, chain());
    expect(await runtime.current()).to.deep.equal({ heads: [], applied: [], warnings: [] });
    expect(await runtime.appliedRevisions()).to.deep.equal([]);
    expect(await tables(url)).to.deep.equal([]);
  });

  it('refuses a foreign table of the same name, and names the server it cannot reach', async () => {
    const url = await dbs.fresh();
    await sql(url, 'create table mikro_orm_alembic_version (version_num varchar(32) primary key)');
    const error = (await runtimeFor(url, chain()).upgrade('head').catch((e: unknown) => e)) as VersionTableInvalidError;
    expect(error).to.be.instanceOf(VersionTableInvalidError);
    expect(error.code).to.equal('VERSION_TABLE_INVALID');
    expect(error.message).to.contain('public.mikro_orm_alembic_version');
    expect(await tables(url)).to.deep.equal(['mikro_orm_alembic_version']);
    expect(await advisoryLocks(url)).to.deep.equal([]);

    const unreachable = new MigrationRuntime({
      connection: 'postgres://someone:secret@127.0.0.1:1/nowhere',
      graph: chain().graph,
      source: chain().source,
    });
    const refused = (await unreachable.upgrade('head').catch((e: unknown) => e)) as ConnectionFailedError;
    expect(refused).to.be.instanceOf(ConnectionFailedError);
    expect(refused.code).to.equal('CONNECTION_FAILED');
    expect(refused.target).to.equal('127.0.0.1:1/nowhere');
    expect(refused.message).not.to.contain('secret');
  });
});
