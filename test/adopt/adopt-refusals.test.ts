/**
 * What adopt refuses (a clear error naming the file and line, nothing changed on disk) and the MikroORM
 * helpers that keep working in an adopted migration (`reset()`, `execute()` with a knex builder).
 * Migration files written as MikroORM's TSMigrationGenerator writes them; the bin runs in this process.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { expect } from 'chai';
import { adoptedRevisionId } from '../../src/adopt';
import { useTestDatabase } from '../support/database';
import { MikroOrmProject, query, runBin } from './support/mikro-orm-project';

/** A migration as MikroORM's TSMigrationGenerator writes it, with the given class body. */
function tsMigration(className: string, body: string, base = 'Migration'): string {
  return [`import { Migration } from '@mikro-orm/migrations';`, '', `export class ${className} extends ${base} {`, '', body, '', '}', ''].join('\n');
}

const GOOD = tsMigration(
  'Migration20240101000000',
  [
    '  override async up(): Promise<void> {',
    '    this.addSql(`create table "one" ("id" serial primary key);`);',
    '  }',
    '  override async down(): Promise<void> {',
    '    this.addSql(`drop table "one";`);',
    '  }',
  ].join('\n'),
);

describe('adopt: refusals and the MikroORM helpers adopted migrations keep', function () {
  this.timeout(120_000);
  const db = useTestDatabase({ prefix: 'adopt_helpers' });
  let project: MikroOrmProject;

  beforeEach(() => {
    project = new MikroOrmProject({ migrations: `{ path: 'migrations' }` });
    project.useAlembic();
    mkdirSync(project.path('migrations'));
    writeFileSync(project.path('migrations', 'Migration20240101000000.ts'), GOOD);
  });
  afterEach(() => project.remove());

  const refused = async (file: string, text: string, expected: string) => {
    writeFileSync(project.path('migrations', file), text);
    const before = project.tree();
    const result = await runBin(project, ['adopt']);
    expect(result.code).to.equal(1);
    expect(result.output).to.contain(expected).and.contain('Nothing was changed');
    expect(project.tree()).to.deep.equal(before);
  };

  it('a class that does not extend Migration', () =>
    refused(
      'Migration20240102000000.ts',
      'export class Migration20240102000000 {\n  async up(): Promise<void> {}\n}\n',
      'migrations/Migration20240102000000.ts:1: Migration20240102000000 does not extend Migration from @mikro-orm/migrations',
    ));

  it('a module that exports no class', () =>
    refused('Migration20240102000000.ts', 'export const steps = 1;\n', 'migrations/Migration20240102000000.ts: it exports no class'));

  it('this.getEntityManager(), with its line', () =>
    refused(
      'Migration20240102000000.ts',
      tsMigration('Migration20240102000000', '  override async up(): Promise<void> {\n    const em = this.getEntityManager();\n    void em;\n  }'),
      'migrations/Migration20240102000000.ts:6: this.getEntityManager() is not available in an adopted migration',
    ));

  it('a syntax error', () =>
    refused('Migration20240102000000.ts', tsMigration('Migration20240102000000', '  override async up( {'), 'migrations/Migration20240102000000.ts: cannot load it'));

  it('reset() and execute() with a knex builder keep working; --dry-run and a second run change nothing', async () => {
    writeFileSync(
      project.path('migrations', 'Migration20240102000000.ts'),
      tsMigration(
        'Migration20240102000000',
        [
          '  override async up(): Promise<void> {',
          '    this.addSql(`create table "dropped_by_reset" ("id" int);`);',
          '    this.reset();',
          '    await this.execute(this.getKnex().insert({ id: 1 }).into("one"));',
          '    const rows = await this.execute(\'select count(*)::int as n from "one"\');',
          '    this.addSql(this.getKnex().schema.createTable("two", (t) => { t.integer("n"); }));',
          '    this.addSql(`insert into "two" ("n") values (${Number((rows[0] as { n: number }).n)});`);',
          '  }',
          '  override async down(): Promise<void> {',
          '    this.addSql(`drop table "two";`);',
          '    this.addSql(`delete from "one";`);',
          '  }',
        ].join('\n'),
      ),
    );
    const before = project.tree();
    expect((await runBin(project, ['adopt', '--dry-run'])).code).to.equal(0);
    expect(project.tree()).to.deep.equal(before);
    const adopted = await runBin(project, ['adopt']);
    expect(adopted.code, adopted.output).to.equal(0);
    const after = project.tree();
    expect((await runBin(project, ['adopt'])).output).to.contain('Nothing to do');
    expect(project.tree()).to.deep.equal(after);

    const up = await runBin(project, ['upgrade', 'head'], db.url);
    expect(up.code, up.output).to.equal(0);
    expect(await query(db.url, `select to_regclass('dropped_by_reset')::text as t`)).to.deep.equal([{ t: null }]);
    expect(await query(db.url, 'select n from two')).to.deep.equal([{ n: 1 }]);
    const down = await runBin(project, ['downgrade', 'base'], db.url);
    expect(down.code, down.output).to.equal(0);
    expect(await query(db.url, `select to_regclass('one')::text as one, to_regclass('two')::text as two`)).to.deep.equal([{ one: null, two: null }]);
  });

  it('a MikroORM migration added after adopting is appended to the chain; one that sorts before an adopted one is refused', async () => {
    expect((await runBin(project, ['adopt'])).code).to.equal(0);
    writeFileSync(project.path('migrations', 'Migration20240103000000.ts'), tsMigration('Migration20240103000000', '  override async up(): Promise<void> {}'));
    const appended = await runBin(project, ['adopt', '--json']);
    expect(appended.code, appended.output).to.equal(0);
    const chain = (JSON.parse(appended.stdout) as { migrations: { id: string; downRevision: string | null; status: string }[] }).migrations;
    expect(chain.map((m) => [m.id, m.downRevision, m.status])).to.deep.equal([
      [adoptedRevisionId('Migration20240101000000'), null, 'unchanged'],
      [adoptedRevisionId('Migration20240103000000'), adoptedRevisionId('Migration20240101000000'), 'adopted'],
    ]);
    await refused('Migration20240102000000.ts', GOOD.replace(/20240101000000/g, '20240102000000'), 'migrations/Migration20240102000000.ts is a MikroORM migration that sorts before the adopted');
  });

  it('history with a MikroORM class in mikro-orm/ that has no adopted revision is refused; nothing changes', async () => {
    expect((await runBin(project, ['adopt'])).code).to.equal(0);
    writeFileSync(project.path('migrations', 'mikro-orm', 'Migration20240105000000.ts'), GOOD.replace(/20240101000000/g, '20240105000000'));
    await query(db.url, 'drop schema public cascade; create schema public');
    await query(db.url, 'create table mikro_orm_migrations (id serial primary key, name varchar(255), executed_at timestamptz default current_timestamp)');
    await query(db.url, `insert into mikro_orm_migrations (name) values ('Migration20240101000000')`);
    const result = await runBin(project, ['current'], db.url);
    expect(result.code).to.equal(1);
    expect(result.output).to.contain('MikroORM migration files that were not adopted (run adopt again): Migration20240105000000.ts');
    expect(await query(db.url, `select to_regclass('mikro_orm_alembic_version')::text as t`)).to.deep.equal([{ t: null }]);
  });
});
