import { expect } from 'chai';
import { MigrationRuntime } from '../../src/runtime';
import { MemoryRevisions, defineRevision, tables, useFreshDatabases, versionIds } from './support/helpers';

describe('runtime: runExactly', function () {
  const dbs = useFreshDatabases();
  // a1 -> b2, a1 -> c3, merged by d4
  const revisions = new MemoryRevisions([
    defineRevision({ id: 'a1a1a1a1a1a1', up: ['create table a (id int)'], downSql: ['drop table a'] }),
    defineRevision({ id: 'b2b2b2b2b2b2', down: 'a1a1a1a1a1a1', up: ['create table b (id int)'], downSql: ['drop table b'] }),
    defineRevision({ id: 'c3c3c3c3c3c3', down: 'a1a1a1a1a1a1', up: ['create table c (id int)'], downSql: ['drop table c'] }),
    defineRevision({ id: 'd4d4d4d4d4d4', down: ['b2b2b2b2b2b2', 'c3c3c3c3c3c3'], up: ['create table d (id int)'], downSql: ['drop table d'] }),
  ]);

  it('steps one revision up and down at a time, on a branch and at the merge', async () => {
    const url = await dbs.fresh();
    const runtime = new MigrationRuntime({ connection: url, graph: revisions.graph, source: revisions.source });
    await runtime.upgrade('heads');
    expect(await tables(url)).to.deep.equal(['a', 'b', 'c', 'd', 'mikro_orm_alembic_version']);

    const downMerge = await runtime.runExactly('down', ['d4d4d4d4d4d4']);
    expect(downMerge.ran.map((r) => r.id)).to.deep.equal(['d4d4d4d4d4d4']);
    expect(downMerge.headsAfter).to.deep.equal(['b2b2b2b2b2b2', 'c3c3c3c3c3c3']);
    await runtime.runExactly('down', ['b2b2b2b2b2b2']);
    expect(await tables(url)).to.deep.equal(['a', 'c', 'mikro_orm_alembic_version']);
    expect((await versionIds(url)).sort()).to.deep.equal(['a1a1a1a1a1a1', 'c3c3c3c3c3c3']);

    const refused = await runtime.runExactly('up', ['d4d4d4d4d4d4']).catch((e: Error & { code?: string }) => e);
    expect((refused as { code?: string }).code).to.equal('NOT_APPLICABLE');
    expect(await tables(url)).to.deep.equal(['a', 'c', 'mikro_orm_alembic_version']);

    await runtime.runExactly('up', ['b2b2b2b2b2b2']);
    await runtime.runExactly('up', ['d4d4d4d4d4d4']);
    expect((await runtime.current()).heads).to.deep.equal(['d4d4d4d4d4d4']);
  });
});
