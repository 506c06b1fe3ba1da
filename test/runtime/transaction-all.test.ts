import { expect } from 'chai';
import { AutocommitInTransactionError, MigrationRuntime, RevisionFailedError } from '../../src/runtime';
import { Revision } from '../../src/script/revision';
import { defineRevision, MemoryRevisions, sql, tables, useFreshDatabases, versionIds } from './support/helpers';

const A = 'eeeeeeeeee01';
const B = 'eeeeeeeeee02';
const C = 'eeeeeeeeee03';

function runtimeFor(url: string, revs: MemoryRevisions, mode: 'all' | 'per-revision'): MigrationRuntime {
  return new MigrationRuntime({ connection: url, graph: revs.graph, source: revs.source, transactionMode: mode, lockTimeoutMs: 5_000 });
}

const good = [
  defineRevision({ id: A, up: ['create table t_a (id int)'] }),
  defineRevision({ id: B, down: A, up: ['create table t_b (id int)'] }),
];

/** How many transactions wrote the version rows (distinct xmin). */
async function writerTransactions(url: string): Promise<number> {
  const [row] = await sql<{ n: number }>(url, 'select count(distinct xmin::text)::int as n from mikro_orm_alembic_version');
  return row.n;
}

describe("runtime: transactionMode 'all'", function () {
  const dbs = useFreshDatabases();

  it('applies the whole run in one transaction (per-revision mode uses one per revision)', async () => {
    const all = await dbs.fresh();
    const third = defineRevision({ id: C, down: B, up: ['create table t_c (id int)'] });
    const result = await runtimeFor(all, new MemoryRevisions([...good, third]), 'all').upgrade('head');
    expect(result.ran.map((r) => r.id)).to.deep.equal([A, B, C]);
    expect(await tables(all)).to.deep.equal(['mikro_orm_alembic_version', 't_a', 't_b', 't_c']);
    expect(await versionIds(all)).to.deep.equal([A, B, C]);
    expect(await writerTransactions(all)).to.equal(1);

    const each = await dbs.fresh();
    await runtimeFor(each, new MemoryRevisions([...good, third]), 'per-revision').upgrade('head');
    expect(await writerTransactions(each)).to.equal(3);
  });

  it('rolls everything back when a revision fails', async () => {
    const url = await dbs.fresh();
    const failing = defineRevision({ id: C, down: B, up: ['create table t_c (id int)', 'alter table t_c add column id int'] });
    const error = (await runtimeFor(url, new MemoryRevisions([...good, failing]), 'all')
      .upgrade('head')
      .catch((e: unknown) => e)) as RevisionFailedError;
    expect(error).to.be.instanceOf(RevisionFailedError);
    expect(error.revision).to.equal(C);
    expect(error.pgCode).to.equal('42701');
    expect(error.statement).to.equal('alter table t_c add column id int');
    expect(error.completed).to.deep.equal([]);
    expect(error.message).to.contain('the whole run was rolled back');
    expect(await tables(url)).to.deep.equal(['mikro_orm_alembic_version']);
    expect(await versionIds(url)).to.deep.equal([]);
  });

  it('refuses a plan with a non-transactional revision before running anything', async () => {
    const url = await dbs.fresh();
    const nonTx = defineRevision({ id: C, down: B, transactional: false, up: ['create index concurrently i on t_a (id)'] });
    const revs = new MemoryRevisions([...good, nonTx]);
    const error = (await runtimeFor(url, revs, 'all')
      .upgrade('head')
      .catch((e: unknown) => e)) as AutocommitInTransactionError;
    expect(error).to.be.instanceOf(AutocommitInTransactionError);
    expect(error.code).to.equal('AUTOCOMMIT_IN_TRANSACTION');
    expect(error.revision).to.equal(C);
    expect(error.message).to.contain(C).and.contain('non-transactional');
    expect(revs.loads).to.equal(0);
    expect(await tables(url)).to.deep.equal(['mikro_orm_alembic_version']);
    expect(await versionIds(url)).to.deep.equal([]);
  });

  it('fails on an autocommit block, naming the revision, and rolls everything back', async () => {
    const url = await dbs.fresh();
    class Block extends Revision {
      override readonly revision = C;
      override readonly downRevision = B;
      override async up(): Promise<void> {
        this.addSql('create table t_c (id int)');
        await this.outsideTransaction(async () => {
          this.addSql('create table t_outside (id int)');
        });
      }
    }
    const error = (await runtimeFor(url, new MemoryRevisions([...good, Block]), 'all')
      .upgrade('head')
      .catch((e: unknown) => e)) as RevisionFailedError;
    expect(error).to.be.instanceOf(RevisionFailedError);
    expect(error.revision).to.equal(C);
    expect(error.cause).to.be.instanceOf(AutocommitInTransactionError);
    expect(error.message).to.contain(`Revision ${C} opened an autocommit block`);
    expect(await tables(url)).to.deep.equal(['mikro_orm_alembic_version']);
    expect(await versionIds(url)).to.deep.equal([]);
  });
});
