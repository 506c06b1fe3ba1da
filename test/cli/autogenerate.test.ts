/**
 * `revision --autogenerate`: the entities of the MikroORM config (an EntitySchema, so no decorators are
 * needed in the temporary project) compared with its database.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { expect } from 'chai';
import { useTestDatabase } from '../support/database';
import { appliedIds, cliBuild, query, TestProject } from './support/cli';

function config(url: string, columns: Record<string, string>): string {
  const properties = Object.entries(columns)
    .map(([name, type]) => `${name}: { type: '${type}'${name === 'id' ? ', primary: true' : ''} }`)
    .join(', ');
  return [
    "const { defineConfig, EntitySchema } = require('@mikro-orm/postgresql');",
    `const Account = new EntitySchema({ name: 'Account', tableName: 'account', properties: { ${properties} } });`,
    `module.exports = defineConfig({ clientUrl: ${JSON.stringify(url)}, entities: [Account] });`,
    '',
  ].join('\n');
}

describe('cli: revision --autogenerate', function () {
  this.timeout(120_000);
  const db = useTestDatabase({ prefix: 'mo_alembic_cli_autogen' });
  before(() => cliBuild());

  it('writes the difference as up()/down(), refuses when the database is not at the parent, and says when nothing changed', async () => {
    const project = new TestProject({ packageJson: { 'mikro-orm-alembic': { path: 'migrations' } } });
    project.write('mikro-orm.config.js', config(db.url, { id: 'number', email: 'string' }));
    expect((await project.run(['init', 'migrations', '--no-package-json'])).code).to.equal(0);

    const first = await project.run(['revision', '--autogenerate', '-m', 'create account']);
    expect(first.code, first.stderr).to.equal(0);
    expect(first.stdout).to.contain('create table').and.to.match(/Created revision \w+: migrations\/\w+_create_account\.ts/);
    const file = readdirSync(project.path('migrations')).find((f) => f.endsWith('_create_account.ts')) as string;
    expect(readFileSync(project.path('migrations', file), 'utf8')).to.match(/create table "account"/);
    expect(await query(db.url, "select 1 from pg_tables where tablename = 'account'")).to.have.length(0);

    // the database is at base, the head is the new revision
    const refused = await project.run(['revision', '--autogenerate', '-m', 'more']);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.contain('The database is at <base>, not at').and.to.contain('upgrade');

    expect((await project.run(['upgrade'])).code).to.equal(0);
    expect(await query(db.url, "select 1 from pg_tables where tablename = 'account'")).to.have.length(1);
    const same = await project.run(['revision', '--autogenerate', '-m', 'nothing']);
    expect(same.code).to.equal(0);
    expect(same.stdout).to.contain('No changes');
    expect(readdirSync(project.path('migrations')).filter((f) => f.endsWith('.ts'))).to.have.length(1);

    project.write('mikro-orm.config.js', config(db.url, { id: 'number', email: 'string', name: 'string' }));
    const second = await project.run(['revision', '--autogenerate', '-m', 'add name']);
    expect(second.code, second.stderr).to.equal(0);
    expect((await project.run(['upgrade'])).code).to.equal(0);
    const columns = await query<{ column_name: string }>(db.url, "select column_name from information_schema.columns where table_name = 'account' order by 1");
    expect(columns.map((c) => c.column_name)).to.deep.equal(['email', 'id', 'name']);
    expect(await appliedIds(db.url)).to.have.length(2);
  });

  it('leaves the bookkeeping tables of other migration tools out (alembic_version, knex_migrations, TypeORM migrations)', async () => {
    await query(db.url, 'drop table if exists account, mikro_orm_alembic_version');
    await query(db.url, 'create table alembic_version (version_num varchar(32) not null, constraint alembic_version_pkc primary key (version_num))');
    await query(db.url, 'create table knex_migrations (id serial primary key, name varchar(255), batch integer, migration_time timestamptz)');
    await query(db.url, 'create table knex_migrations_lock (index serial primary key, is_locked integer)');
    await query(db.url, 'create table migrations (id serial primary key, timestamp bigint not null, name varchar not null)');
    const project = new TestProject({ packageJson: { 'mikro-orm-alembic': { path: 'migrations' } } });
    project.write('mikro-orm.config.js', config(db.url, { id: 'number', email: 'string' }));
    expect((await project.run(['init', 'migrations', '--no-package-json'])).code).to.equal(0);
    const created = await project.run(['revision', '--autogenerate', '-m', 'create account']);
    expect(created.code, created.stderr).to.equal(0);
    const file = readdirSync(project.path('migrations')).find((f) => f.endsWith('_create_account.ts')) as string;
    const text = readFileSync(project.path('migrations', file), 'utf8');
    expect(text).to.match(/create table "account"/);
    expect(`${created.stdout}${created.stderr}${text}`).to.not.match(/alembic_version|knex_migrations|"migrations"/);
  });
});
