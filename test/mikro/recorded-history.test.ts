/**
 * Through MikroORM (issue 17 item 1): with a version row deleted by hand, `migration:up`/`migration:down`
 * (the migrator's up/down) and upgradeOnInit refuse with RecordedHistoryError and change nothing.
 */
import 'reflect-metadata';
import { Entity, MikroORM as CoreMikroORM, PrimaryKey, type MikroORM } from '@mikro-orm/core';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { expect } from 'chai';
import { alembic, RecordedHistoryError } from '../../src';
import { useTestDatabase } from '../support/database';
import { addRevision, initOrm, PLUGIN_SRC, query, tables, tempDir } from './support/orm';

@Entity({ tableName: 'thing' })
class Thing {
  @PrimaryKey() id!: number;
}

describe('mikro: a recorded history that contradicts the graph', function () {
  this.timeout(60_000);
  const db = useTestDatabase({ prefix: 'mikro_gap' });
  let dir: ReturnType<typeof tempDir>;
  let orm: MikroORM | undefined;

  beforeEach(async () => {
    await query(db.url, 'drop schema public cascade; create schema public');
    dir = tempDir();
  });
  afterEach(async () => {
    await orm?.close(true);
    orm = undefined;
    dir.cleanup();
  });

  it('migrator up/down and upgradeOnInit refuse, changing nothing', async () => {
    const a = addRevision(dir.path, [], { message: 't1', up: ['create table t1 (id int)', 'insert into t1 values (1)'], down: ['drop table t1'] }).id;
    const b = addRevision(dir.path, [a], { message: 't2', up: ['create table t2 (id int)', 'insert into t2 values (1)'], down: ['drop table t2'] }).id;
    const c = addRevision(dir.path, [b], { message: 't3', up: ['create table t3 (id int)', 'insert into t3 values (1)'], down: ['drop table t3'] }).id;
    const d = addRevision(dir.path, [c], { message: 't4', up: ['create table t4 (id int)'], down: ['drop table t4'] }).id;
    orm = await initOrm(db.url, dir.path, [Thing], { lockTimeoutMs: 5000 });
    await orm.migrator.up({ to: c });
    await query(db.url, `delete from mikro_orm_alembic_version where revision = '${b}'`);
    const before = await tables(db.url);

    for (const attempt of [() => orm!.migrator.down(), () => orm!.migrator.down({ to: 0 }), () => orm!.migrator.up()]) {
      const error = (await attempt().catch((e: unknown) => e)) as RecordedHistoryError;
      expect(error).to.be.instanceOf(RecordedHistoryError);
      expect(error.gaps).to.deep.equal([{ revision: c, missing: [b] }]);
      expect(error.repairCommand).to.equal(`npx mikro-orm-alembic stamp ${c}`);
    }
    await orm.close(true);
    orm = undefined;

    const init = await CoreMikroORM.init({
      driver: PostgreSqlDriver,
      clientUrl: db.url,
      entities: [Thing],
      debug: false,
      logger: () => undefined,
      extensions: [alembic({ path: dir.path, importFrom: PLUGIN_SRC, upgradeOnInit: 'head', lockTimeoutMs: 5000 })],
    }).catch((e: unknown) => e);
    expect(init).to.be.instanceOf(RecordedHistoryError);

    expect(await tables(db.url)).to.deep.equal(before);
    expect(before).not.to.include('public.t4');
    for (const t of ['t1', 't2', 't3']) expect(await query(db.url, `select count(*)::int as n from ${t}`)).to.deep.equal([{ n: 1 }]);
    expect((await query<{ revision: string }>(db.url, 'select revision from mikro_orm_alembic_version order by applied_at')).map((r) => r.revision)).to.deep.equal([a, c]);
    expect(d).to.be.a('string');
  });
});
