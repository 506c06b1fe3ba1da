/**
 * Switching a project from MikroORM's own migrator to the plugin (issue 12): migrations made by the REAL
 * MikroORM 6.6.16 migrator and CLI (`migration:create` over three model versions: an enum, a relation,
 * more columns), different prefixes applied by MikroORM in three databases, then `adopt`, then
 * `npx mikro-orm migration:up` through the plugin in each. Fixtures are made once for the file.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { adoptMigrations, adoptedRevisionId } from '../../src/adopt';
import type { SchemaSnapshot } from '../../src/testing/schema-snapshot';
import { useTestDatabase } from '../support/database';
import { VERSIONS } from './support/entities';
import { clockPast, mikroOrmApplied, MikroOrmProject, pluginApplied, query, runBin, schemaOf } from './support/mikro-orm-project';

const HISTORY = 'public.mikro_orm_migrations';

describe('adopt: switching from MikroORM’s migrator (TypeScript migrations, default options)', function () {
  this.timeout(600_000);
  const p1 = useTestDatabase({ prefix: 'adopt_p1' });
  const p2 = useTestDatabase({ prefix: 'adopt_p2' });
  const p3 = useTestDatabase({ prefix: 'adopt_p3' });
  const p4 = useTestDatabase({ prefix: 'adopt_p4' });
  const bad = useTestDatabase({ prefix: 'adopt_bad' });
  let project: MikroOrmProject;
  let names: string[];
  let reference: SchemaSnapshot;
  let pristine: string;

  before(async function () {
    project = new MikroOrmProject({ migrations: `{ path: 'migrations' }` });
    // three model versions, each with MikroORM's own migration:create (its snapshot makes the diff)
    for (const version of VERSIONS) {
      project.setEntities(version);
      const created = await project.mikroOrm(['migration:create'], p3.url);
      expect(created.code, created.output).to.equal(0);
      const stamp = /Migration(\d{14})\.ts successfully created/.exec(created.output)?.[1];
      expect(stamp, created.output).to.be.a('string');
      // the next create must not fall in the same second (it would take the same file name)
      await clockPast(stamp as string);
    }
    names = readdirSync(project.path('migrations'))
      .filter((f) => f.endsWith('.ts'))
      .sort()
      .map((f) => f.slice(0, -3));
    expect(names).to.have.length(3);
    // MikroORM applies different prefixes: p1 the first, p2 the first two, p3 all (the reference); p4 for the start-up test
    for (const [db, to] of [[p1, names[0]], [p2, names[1]], [p3, names[2]], [p4, names[0]]] as const) {
      const up = await project.mikroOrm(['migration:up', '--to', to], db.url);
      expect(up.code, up.output).to.equal(0);
    }
    expect(await mikroOrmApplied(p1.url, HISTORY)).to.deep.equal(names.slice(0, 1));
    expect(await mikroOrmApplied(p2.url, HISTORY)).to.deep.equal(names.slice(0, 2));
    expect(await mikroOrmApplied(p3.url, HISTORY)).to.deep.equal(names);
    reference = await schemaOf(p3.url, [HISTORY]);
    pristine = project.path('pristine');
    project.copy('migrations', join(pristine, 'migrations'));
  });
  after(() => project?.remove());

  it('adopt with the old Migrator still configured: a clear error, nothing changed', async () => {
    const before = project.tree();
    const result = await runBin(project, ['adopt']);
    expect(result.code).to.equal(1);
    expect(result.output).to.contain("still registers MikroORM's Migrator").and.contain('Nothing was changed');
    expect(project.tree()).to.deep.equal(before);
  });

  it('adopt --dry-run changes nothing; adopt writes the chain in MikroORM’s order; a second adopt finds nothing to do', async () => {
    project.useAlembic();
    const before = project.tree();
    const dry = await runBin(project, ['adopt', '--dry-run']);
    expect(dry.code, dry.output).to.equal(0);
    expect(dry.output).to.contain('Dry run: nothing was changed');
    expect(project.tree()).to.deep.equal(before);

    const result = await runBin(project, ['adopt', '--json']);
    expect(result.code, result.output).to.equal(0);
    const json = JSON.parse(result.stdout) as { migrations: { name: string; id: string; downRevision: string | null; status: string }[]; snapshot: string | null };
    const ids = names.map(adoptedRevisionId);
    expect(json.migrations.map((m) => [m.name, m.id, m.downRevision, m.status])).to.deep.equal(
      names.map((name, i) => [name, ids[i], i === 0 ? null : ids[i - 1], 'adopted']),
    );
    expect(json.snapshot).to.match(/migrations\/\.snapshot-.*\.json$/);
    const files = project.tree(project.path('migrations'));
    for (const [i, name] of names.entries()) {
      // MikroORM's class moved unchanged; a revision with the same file name took its place
      expect(files[`mikro-orm/${name}.ts`]).to.equal(before[`migrations/${name}.ts`]);
      expect(files[`${name}.ts`]).to.contain(` * ${name}\n`).and.contain(`MikroORM migration: ${name}`).and.contain(`revision = '${ids[i]}'`);
    }

    const again = await runBin(project, ['adopt']);
    expect(again.code, again.output).to.equal(0);
    expect(again.output).to.contain('Nothing to do');
    expect(project.tree(project.path('migrations'))).to.deep.equal(files);
    const history = await runBin(project, ['history']);
    expect(history.output).to.contain(names[2]).and.contain(names[0]);
  });

  it('npx mikro-orm migration:up through the plugin takes each database’s history and applies exactly the missing migrations', async () => {
    const ids = names.map(adoptedRevisionId);
    for (const [db, missing] of [[p1, 2], [p2, 1], [p3, 0]] as const) {
      const historyBefore = await mikroOrmApplied(db.url, HISTORY);
      const up = await project.mikroOrm(['migration:up'], db.url);
      expect(up.code, up.output).to.equal(0);
      const taken = 3 - missing;
      expect(up.output).to.contain(`Took the history of MikroORM's migrator from ${HISTORY}: ${taken} of 3 adopted migration(s) recorded as applied`);
      const ran = [...up.output.matchAll(/Running upgrade ([0-9a-f]{12})/g)].map((m) => m[1]);
      expect(ran).to.deep.equal(ids.slice(taken));
      expect(up.output, 'the taken rows carry the checksums a stamp records').not.to.contain('was edited after it was applied');
      const rows = await pluginApplied(db.url);
      expect(rows?.map((r) => r.id)).to.deep.equal(ids);
      expect(rows?.map((r) => r.durationMs === null)).to.deep.equal(ids.map((_, i) => i < taken)); // taken rows are stamped
      expect(await mikroOrmApplied(db.url, HISTORY), 'MikroORM’s table is left as it was').to.deep.equal(historyBefore);
      expect(await schemaOf(db.url, [HISTORY]), 'the same schema as MikroORM’s migrator made').to.deep.equal(reference);
    }
  });

  it('migration:down -t base and up again round trips; the next migration:create writes nothing', async () => {
    const down = await project.mikroOrm(['migration:down', '-t', 'base'], p1.url);
    expect(down.code, down.output).to.equal(0);
    expect((await schemaOf(p1.url, [HISTORY])).tables).to.deep.equal([]);
    const up = await project.mikroOrm(['migration:up'], p1.url);
    expect(up.code, up.output).to.equal(0);
    expect(await schemaOf(p1.url, [HISTORY])).to.deep.equal(reference);

    const before = project.tree(project.path('migrations'));
    const create = await project.mikroOrm(['migration:create'], p2.url);
    expect(create.code, create.output).to.equal(0);
    expect(create.output).to.contain('No changes required');
    expect(project.tree(project.path('migrations'))).to.deep.equal(before);
  });

  describe('bad history: a clear error, nothing changed in the database', () => {
    /** A database with MikroORM's table holding `recorded`, and nothing else. */
    async function historyOnly(recorded: readonly string[]): Promise<void> {
      await query(bad.url, 'drop schema public cascade; create schema public');
      await query(bad.url, `create table ${HISTORY} (id serial primary key, name varchar(255), executed_at timestamptz default current_timestamp)`);
      for (const name of recorded) await query(bad.url, `insert into ${HISTORY} (name) values ($1)`, [name]);
    }

    it('a gap (a later migration recorded, an earlier one not)', async () => {
      await historyOnly([names[1]]);
      for (const run of [() => runBin(project, ['current'], bad.url), () => project.mikroOrm(['migration:up'], bad.url)]) {
        const result = await run();
        expect(result.code).to.equal(1);
        expect(result.output).to.contain(`gap: ${names[0]} is not recorded in ${HISTORY} although the later ${names[1]} is`);
        expect(await pluginApplied(bad.url), 'no version table').to.equal(null);
        expect((await schemaOf(bad.url, [HISTORY])).tables).to.deep.equal([]);
        expect(await mikroOrmApplied(bad.url, HISTORY)).to.deep.equal([names[1]]);
      }
    });

    it('a recorded name with no adopted revision', async () => {
      await historyOnly([names[0], 'Migration20000101000000_ghost']);
      const result = await runBin(project, ['upgrade', 'head'], bad.url);
      expect(result.code).to.equal(1);
      expect(result.output).to.contain('no adopted revision or original file: Migration20000101000000_ghost');
      expect(await pluginApplied(bad.url)).to.equal(null);
      expect((await schemaOf(bad.url, [HISTORY])).tables).to.deep.equal([]);
    });
  });

  it('16 instances with upgradeOnInit start together on a database with only MikroORM’s history (compiled .js): taken once, nothing re-runs', async () => {
    // the untouched MikroORM folder adopted again and compiled to JavaScript, as an app's build would
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { lifecycleBuild, transpileFile } = require('../lifecycle/support/build') as typeof import('../lifecycle/support/build');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { startApp } = require('../lifecycle/support/processes') as typeof import('../lifecycle/support/processes');
    const build = lifecycleBuild();
    const folder = join(pristine, 'migrations');
    const adopted = await adoptMigrations({ folder, migrations: {}, projectDir: project.dir, importFrom: build.packageDir });
    const ids = names.map(adoptedRevisionId);
    expect(adopted.migrations.map((m) => m.id)).to.deep.equal(ids);
    const dist = project.path('dist', 'migrations');
    for (const name of names) {
      transpileFile(join(folder, 'mikro-orm', `${name}.ts`), join(dist, 'mikro-orm', `${name}.js`));
      transpileFile(join(folder, `${name}.ts`), join(dist, `${name}.js`));
    }
    // the lifecycle app reads its own table once started
    await query(p4.url, 'create table rev_log (n int primary key, revision text)');

    const apps = Array.from({ length: 16 }, () => startApp({ url: p4.url, path: dist, upgradeOnInit: true, waitForGo: true }));
    try {
      await Promise.all(apps.map((a) => a.waitFor('loaded')));
      for (const app of apps) app.go();
      const results = await Promise.all(apps.map((a) => a.waitFor('started').catch((e: Error) => e)));
      for (const r of results) expect(r).not.to.be.instanceOf(Error);
    } finally {
      for (const app of apps) app.child.kill('SIGKILL');
    }
    const lines = apps.flatMap((a) => a.logLines());
    expect(lines.filter((l) => l.includes("Took the history of MikroORM's migrator")), 'the history is taken once').to.have.length(1);
    const applied = lines.flatMap((l) => [.../Applied ([0-9a-f]{12}) /.exec(l) ?? []].slice(1));
    expect(applied.sort(), 'each missing migration ran once, the taken one never').to.deep.equal(ids.slice(1).sort());
    const rows = await pluginApplied(p4.url);
    expect(rows?.map((r) => [r.id, r.durationMs === null])).to.deep.equal(ids.map((id, i) => [id, i === 0]));
    expect(await mikroOrmApplied(p4.url, HISTORY)).to.deep.equal(names.slice(0, 1));
    await query(p4.url, 'drop table rev_log');
    expect(await schemaOf(p4.url, [HISTORY])).to.deep.equal(reference);
  });

  it('the way back the docs describe: MikroORM’s migrator finds nothing pending', async () => {
    // p2: two migrations applied by MikroORM, the third by the plugin
    await query(
      p2.url,
      `insert into mikro_orm_migrations (name)
         select regexp_replace(v.file_name, '\\.(ts|js|cjs)$', '') from mikro_orm_alembic_version v
          where v.file_name ~ '^Migration'
            and regexp_replace(v.file_name, '\\.(ts|js|cjs)$', '') not in (select name from mikro_orm_migrations)
          order by v.applied_at, v.revision;
       drop table mikro_orm_alembic_version`,
    );
    expect(await mikroOrmApplied(p2.url, HISTORY)).to.deep.equal(names);
    project.useMigrator();
    writeFileSync(project.path('mikro-orm.config.ts'), readFileSync(project.path('mikro-orm.config.ts'), 'utf8').replace("path: 'migrations'", "path: 'migrations/mikro-orm'"));
    try {
      const pending = await project.mikroOrm(['migration:pending'], p2.url);
      expect(pending.code, pending.output).to.equal(0);
      expect(pending.output).to.contain('No pending migrations');
    } finally {
      project.useAlembic();
    }
  });
});
