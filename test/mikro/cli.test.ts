/**
 * The seven `migration:*` commands through the REAL MikroORM CLI (`@mikro-orm/cli/cli.js` as a child
 * process), in a throw-away project whose `mikro-orm.config.ts` registers the plugin.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { useTestDatabase } from '../support/database';
import { CliProject } from './support/cli-project';
import { addRevision, query, tables } from './support/orm';

const GADGET = `import { Entity, Enum, PrimaryKey, Property } from '@mikro-orm/core';

export enum Mood { HAPPY = 'happy', SAD = 'sad' }

@Entity({ tableName: 'gadget' })
export class Gadget {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @Enum({ items: () => Mood, nativeEnumName: 'mood' }) mood!: Mood;
}
`;

async function appliedIds(url: string): Promise<string[]> {
  const rows = await query<{ revision: string }>(url, 'select revision from public.mikro_orm_alembic_version order by applied_at, revision');
  return rows.map((r) => r.revision);
}

describe('mikro: the seven migration:* commands through the real MikroORM CLI (no autogenerate)', function () {
  this.timeout(120_000);
  const db = useTestDatabase({ prefix: 'mikro_cli' });
  let project: CliProject;
  let a: string;
  let b: string;
  let c: string;

  before(() => {
    project = new CliProject({ databaseUrl: db.url });
    project.setEntities({ 'Gadget.ts': GADGET });
  });
  after(() => project.remove());

  it('migration:create -b -n writes a blank revision on the head, and again on the new head', async () => {
    const first = await project.run(['migration:create', '-b', '-n', 'start here']);
    expect(first.code, first.output).to.equal(0);
    // the bare file name, as MikroORM prints its own
    expect(first.output).to.match(/(^|\s)[0-9a-f]{12}_start_here\.ts successfully created/m);
    const second = await project.run(['migration:create', '--blank', '--name', 'then this', '-d']);
    expect(second.code, second.output).to.equal(0);
    expect(second.output).to.contain('Creating migration with following queries:').and.contain('-- blank revision');
    const files = project.revisionFiles();
    expect(files).to.have.length(2);
    const firstId = files.find((f) => f.endsWith('_start_here.ts'))?.slice(0, 12) as string;
    const text = project.readRevision(files.find((f) => f.endsWith('_then_this.ts')) as string);
    expect(text).to.contain(`override readonly downRevision = '${firstId}';`).and.contain(' * then this');
  });

  it('migration:create -p writes into another folder', async () => {
    const result = await project.run(['migration:create', '-b', '-p', 'elsewhere', '-n', 'aside']);
    expect(result.code, result.output).to.equal(0);
    expect(result.output).to.match(/Created revision [0-9a-f]{12} \(elsewhere\/[0-9a-f]{12}_aside\.ts\)/);
    expect(result.output).to.match(/(^|\s)[0-9a-f]{12}_aside\.ts successfully created/m);
    expect(project.revisionFiles()).to.have.length(2);
  });

  it('a chain with a branch: migration:pending lists every revision in graph order, "<id> <message>"', async () => {
    const { rmSync } = await import('node:fs');
    rmSync(project.migrationsDir, { recursive: true, force: true });
    a = addRevision(project.migrationsDir, [], {
      message: 'gadgets',
      up: [`create type "mood" as enum ('happy', 'sad')`, `create table "gadget" ("id" serial primary key, "name" varchar(255) not null, "mood" "mood" not null)`],
      down: ['drop table "gadget"', 'drop type "mood"'],
    }).id;
    b = addRevision(project.migrationsDir, [a], {
      message: 'billing table',
      up: ['create index "gadget_name_idx" on "gadget" ("name")'],
      down: ['drop index "gadget_name_idx"'],
      branchLabels: ['billing'],
    }).id;
    c = addRevision(project.migrationsDir, [a, b], {
      message: 'audit table',
      head: a,
      up: ['alter table "gadget" add column "note" text'],
      down: ['alter table "gadget" drop column "note"'],
    }).id;
    const result = await project.run(['migration:pending']);
    expect(result.code, result.output).to.equal(0);
    const names = [`${a} gadgets`, `${b} billing table`, `${c} audit table`];
    for (const name of names) expect(result.output).to.contain(name);
    expect(result.output.indexOf(`${a} gadgets`)).to.be.lessThan(result.output.indexOf(`${b} billing table`));
    const list = await project.run(['migration:list']);
    expect(list.code, list.output).to.equal(0);
    expect(list.output).to.contain('No migrations executed yet');
  });

  it('migration:up with two heads refuses and names them; -t heads applies both branches', async () => {
    const refused = await project.run(['migration:up']);
    expect(refused.code).to.equal(1);
    expect(refused.output).to.contain('MULTIPLE_HEADS').and.contain(b).and.contain(c);
    expect(await appliedIds(db.url).catch(() => [])).to.deep.equal([]);
    const up = await project.run(['migration:up', '-t', 'heads']);
    expect(up.code, up.output).to.equal(0);
    expect(up.output).to.contain(`Running upgrade ${a}`).and.contain('Successfully migrated up to version heads');
    expect(await appliedIds(db.url)).to.have.members([a, b, c]);
    expect(await tables(db.url)).to.include('public.gadget');
    expect(await query(db.url, `select 1 from pg_indexes where indexname = 'gadget_name_idx'`)).to.have.length(1);
    expect(await query(db.url, `select 1 from information_schema.columns where table_name = 'gadget' and column_name = 'note'`)).to.have.length(1);
  });

  it('migration:list shows what is applied, parents first, with the time', async () => {
    const list = await project.run(['migration:list']);
    expect(list.code, list.output).to.equal(0);
    expect(list.output).to.match(new RegExp(`${a} gadgets +│ \\d{4}-\\d\\d-\\d\\dT`));
    expect(list.output.indexOf(a)).to.be.lessThan(list.output.indexOf(b));
    const pending = await project.run(['migration:pending']);
    expect(pending.output).to.contain('No pending migrations');
  });

  it('migration:down -t billing@-1, then migration:down (one step), then -t 0 (everything)', async () => {
    const branch = await project.run(['migration:down', '-t', 'billing@-1']);
    expect(branch.code, branch.output).to.equal(0);
    expect(await appliedIds(db.url)).to.have.members([a, c]);
    const step = await project.run(['migration:down']);
    expect(step.code, step.output).to.equal(0);
    expect(step.output).to.contain('Successfully migrated down to previous version');
    expect(await appliedIds(db.url)).to.deep.equal([a]);
    const all = await project.run(['migration:down', '-t', '0']);
    expect(all.code, all.output).to.equal(0);
    expect(await appliedIds(db.url)).to.deep.equal([]);
    expect(await tables(db.url)).to.deep.equal(['public.mikro_orm_alembic_version']);
  });

  it('migration:up -t +1, -t billing@head, a prefix, --only, --from; migration:down -t base', async () => {
    expect((await project.run(['migration:up', '-t', '+1'])).code).to.equal(0);
    expect(await appliedIds(db.url)).to.deep.equal([a]);
    expect((await project.run(['migration:up', '-t', 'billing@head'])).code).to.equal(0);
    expect(await appliedIds(db.url)).to.have.members([a, b]);
    const wrongFrom = await project.run(['migration:up', '--from', a, '-t', c.slice(0, 5)]);
    expect(wrongFrom.code).to.equal(1);
    expect(wrongFrom.output).to.contain('FROM_MISMATCH');
    expect((await project.run(['migration:up', '-t', c.slice(0, 5)])).code).to.equal(0);
    expect(await appliedIds(db.url)).to.have.members([a, b, c]);
    expect(await tables(db.url)).to.include('public.gadget');
    const onlyRefused = await project.run(['migration:down', '--only', a]);
    expect(onlyRefused.code).to.equal(1);
    expect(onlyRefused.output).to.contain('NOT_APPLICABLE');
    const only = await project.run(['migration:down', '--only', `${b},${c}`]);
    expect(only.code, only.output).to.equal(0);
    expect(await appliedIds(db.url)).to.deep.equal([a]);
    expect((await project.run(['migration:down', '-t', 'base'])).code).to.equal(0);
    expect(await appliedIds(db.url)).to.deep.equal([]);
  });

  let merge: string;
  it('migration:create refuses with several heads and names them; after a merge, refuses while revisions are pending', async () => {
    const heads = await project.run(['migration:create', '-n', 'more']);
    expect(heads.code).to.equal(1);
    expect(heads.output).to.contain('MULTIPLE_HEADS').and.contain(b).and.contain(c).and.contain('mikro-orm-alembic merge').and.contain('MIKRO_ORM_ALEMBIC_HEAD=<rev>');
    // the way to pass the head: MIKRO_ORM_ALEMBIC_HEAD (MikroORM's CLI has no flag for it)
    const onC = await project.run(['migration:create', '-b', '-n', 'on audit'], { MIKRO_ORM_ALEMBIC_HEAD: c });
    expect(onC.code, onC.output).to.equal(0);
    const added = project.revisionFiles().find((f) => f.endsWith('_on_audit.ts')) as string;
    expect(readFileSync(join(project.migrationsDir, added), 'utf8')).to.contain(`downRevision = '${c}'`);
    rmSync(join(project.migrationsDir, added));
    merge = addRevision(project.migrationsDir, [b, c], { message: 'merge billing and audit', head: [b, c] }).id;
    expect((await project.run(['migration:up', '-t', a])).code).to.equal(0);
    const refused = await project.run(['migration:create', '-n', 'more']);
    expect(refused.code).to.equal(1);
    expect(refused.output).to.contain('NOT_AT_HEAD').and.contain(`${b} (billing table)`).and.contain(`${c} (audit table)`).and.contain(merge);
    expect(project.revisionFiles()).to.have.length(4);
  });

  it('migration:fresh drops the entities\' tables, the enum types and the version table, then upgrades to head', async () => {
    expect((await project.run(['migration:up', '-t', 'heads'])).code).to.equal(0);
    await query(db.url, `insert into gadget (name, mood) values ('x', 'happy'); insert into public.mikro_orm_alembic_version (revision, checksum) values ('ffffffffffff', 'stale')`);
    const fresh = await project.run(['migration:fresh']);
    expect(fresh.code, fresh.output).to.equal(0);
    expect(fresh.output).to.contain('Dropped schema successfully').and.contain('Successfully migrated up to the latest version');
    expect(await appliedIds(db.url)).to.have.members([a, b, c, merge]);
    expect(await query(db.url, 'select * from gadget')).to.deep.equal([]);
    const types = await query<{ typname: string }>(db.url, "select typname from pg_type where typtype = 'e'");
    expect(types.map((t) => t.typname)).to.deep.equal(['mood']);
  });
});
