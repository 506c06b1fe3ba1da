/**
 * MikroORM's `migrations.allOrNothing: true`, set in the config, makes the plugin run the whole run in
 * one transaction, up and down (in-process and through `npx mikro-orm migration:up/down`); without it the
 * plugin's default (a transaction per revision) applies; and the message after a failure says what
 * became of the revisions the run already went through, in the direction that ran.
 */
import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { Entity, PrimaryKey, type MikroORM } from '@mikro-orm/core';
import { expect } from 'chai';
import { RevisionFailedError } from '../../src';
import { useTestDatabase } from '../support/database';
import { jsRevision, TestProject } from '../cli/support/cli';
import { CliProject } from './support/cli-project';
import { addRevision, initOrm, query, tables, tempDir } from './support/orm';

@Entity({ tableName: 'aon_thing' })
class AonThing {
  @PrimaryKey() id!: number;
}

/** a, b, c: each creates a table; `failUp`: c's up fails; `failDown`: a's down fails (the third of a downgrade to base). */
function writeChain(dir: string, fail: 'up' | 'down'): string[] {
  const a = addRevision(dir, [], { message: 'a', up: ['create table t_a (id int)'], down: fail === 'down' ? ['drop table t_nonexistent'] : ['drop table t_a'] });
  const b = addRevision(dir, [a.id], { message: 'b', up: ['create table t_b (id int)'], down: ['drop table t_b'] });
  const c = addRevision(dir, [b.id], {
    message: 'c',
    up: fail === 'up' ? ['create table t_c (id int)', 'select 1 / 0'] : ['create table t_c (id int)'],
    down: ['drop table t_c'],
  });
  return [a.id, b.id, c.id];
}

async function applied(url: string): Promise<string[]> {
  const [{ exists }] = await query<{ exists: boolean }>(url, "select to_regclass('public.mikro_orm_alembic_version') is not null as exists");
  if (!exists) return [];
  return (await query<{ revision: string }>(url, 'select revision from public.mikro_orm_alembic_version order by revision')).map((r) => r.revision);
}

async function userTables(url: string): Promise<string[]> {
  return (await tables(url)).filter((t) => t.startsWith('public.t_')).map((t) => t.slice('public.'.length));
}

describe('mikro: migrations.allOrNothing and the message after a failed run', function () {
  this.timeout(180_000);
  const db = useTestDatabase({ prefix: 'mikro_aon' });
  let dir: ReturnType<typeof tempDir>;
  let orm: MikroORM | undefined;
  beforeEach(async () => {
    await query(db.url, 'drop schema public cascade; create schema public');
    dir = tempDir('aon-');
  });
  afterEach(async () => {
    await orm?.close(true);
    orm = undefined;
    dir.cleanup();
  });

  it('allOrNothing: true (API): a failing third revision leaves nothing changed, up and down', async () => {
    writeChain(dir.path, 'up');
    orm = await initOrm(db.url, dir.path, [AonThing], {}, { migrations: { allOrNothing: true, silent: true } });
    const up = (await orm.migrator.up().catch((e: unknown) => e)) as RevisionFailedError;
    expect(up).to.be.instanceOf(RevisionFailedError);
    expect(up.message).to.contain('the whole run was rolled back: none of its 3 revision(s) is applied');
    expect(await userTables(db.url)).to.deep.equal([]);
    expect(await applied(db.url)).to.deep.equal([]);
    await orm.close(true);

    const other = tempDir('aon-');
    try {
      const ids = writeChain(other.path, 'down');
      orm = await initOrm(db.url, other.path, [AonThing], {}, { migrations: { allOrNothing: true, silent: true } });
      await orm.migrator.up();
      const down = (await orm.migrator.down({ to: 0 }).catch((e: unknown) => e)) as RevisionFailedError;
      expect(down).to.be.instanceOf(RevisionFailedError);
      expect(down.message).to.contain('none of its 3 revision(s) was downgraded; all are still applied and recorded');
      expect(await userTables(db.url)).to.deep.equal(['t_a', 't_b', 't_c']);
      expect(await applied(db.url)).to.deep.equal([...ids].sort());
    } finally {
      other.cleanup();
    }
  });

  it('without allOrNothing (the plugin default, per revision): the message says what the run did, in its direction', async () => {
    const ids = writeChain(dir.path, 'down');
    orm = await initOrm(db.url, dir.path, [AonThing]);
    await orm.migrator.up();
    const down = (await orm.migrator.down({ to: 0 }).catch((e: unknown) => e)) as RevisionFailedError;
    expect(down).to.be.instanceOf(RevisionFailedError);
    expect(down.revision).to.equal(ids[0]);
    expect(down.message).to.contain(`the 2 revision(s) downgraded before it in this run (${ids[2]}, ${ids[1]}) stay downgraded: reverted, and no longer recorded`);
    expect(down.message).not.to.contain('stay applied');
    expect(await userTables(db.url)).to.deep.equal(['t_a']);
    expect(await applied(db.url)).to.deep.equal([ids[0]]);
    await orm.close(true);

    await query(db.url, 'drop schema public cascade; create schema public');
    const other = tempDir('aon-');
    try {
      const upIds = writeChain(other.path, 'up');
      orm = await initOrm(db.url, other.path, [AonThing], {}, { migrations: { allOrNothing: false, silent: true } });
      const up = (await orm.migrator.up().catch((e: unknown) => e)) as RevisionFailedError;
      expect(up.message).to.contain(`the 2 revision(s) before it in this run (${upIds[0]}, ${upIds[1]}) stay applied and recorded`);
      expect(await applied(db.url)).to.deep.equal([upIds[0], upIds[1]].sort());
    } finally {
      other.cleanup();
    }
  });

  it("the plugin's bin reads allOrNothing from the config too (a config that does not import the plugin); unset: per revision", async () => {
    for (const setting of ['migrations: { allOrNothing: true },', '']) {
      await query(db.url, 'drop schema public cascade; create schema public');
      const p = new TestProject({ packageJson: { 'mikro-orm': { useTsNode: false } } });
      p.writeConfig(db.url, { extra: setting });
      const ids = ['a0000000a0a1', 'b0000000b0b2', 'c0000000c0c3'];
      p.write(`migrations/${ids[0]}_a.js`, jsRevision({ id: ids[0], up: "this.addSql('create table t_a (id int)');" }));
      p.write(`migrations/${ids[1]}_b.js`, jsRevision({ id: ids[1], down: ids[0], up: "this.addSql('create table t_b (id int)');" }));
      p.write(`migrations/${ids[2]}_c.js`, jsRevision({ id: ids[2], down: ids[1], up: "this.addSql('select 1 / 0');" }));
      const r = await p.run(['upgrade', 'head']);
      expect(r.code, r.stderr).to.equal(1);
      if (setting === '') {
        expect(r.stderr).to.contain('stay applied and recorded');
        expect(await userTables(db.url)).to.deep.equal(['t_a', 't_b']);
      } else {
        expect(r.stderr).to.contain('the whole run was rolled back');
        expect(await userTables(db.url)).to.deep.equal([]);
        expect(await applied(db.url)).to.deep.equal([]);
      }
    }
  });

  it('allOrNothing: true through npx mikro-orm migration:up and migration:down', async () => {
    for (const fail of ['up', 'down'] as const) {
      await query(db.url, 'drop schema public cascade; create schema public');
      const project = new CliProject({ databaseUrl: db.url, extraConfig: 'migrations: { allOrNothing: true },' });
      try {
        project.setEntities({ 'thing.ts': "import { Entity, PrimaryKey } from '@mikro-orm/core';\n@Entity()\nexport class Thing { @PrimaryKey() id!: number; }\n" });
        mkdirSync(project.migrationsDir, { recursive: true });
        const ids = writeChain(project.migrationsDir, fail);
        const up = await project.run(['migration:up']);
        if (fail === 'up') {
          expect(up.code, up.output).to.not.equal(0);
          expect(up.output).to.contain('the whole run was rolled back');
          expect(await userTables(db.url)).to.deep.equal([]);
          expect(await applied(db.url)).to.deep.equal([]);
        } else {
          expect(up.code, up.output).to.equal(0);
          const down = await project.run(['migration:down', '--to', '0']);
          expect(down.code, down.output).to.not.equal(0);
          expect(down.output).to.contain('none of its 3 revision(s) was downgraded');
          expect(await userTables(db.url)).to.deep.equal(['t_a', 't_b', 't_c']);
          expect(await applied(db.url)).to.deep.equal([...ids].sort());
        }
      } finally {
        project.remove();
      }
    }
  });
});
