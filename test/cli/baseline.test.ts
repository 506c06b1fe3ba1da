/**
 * `revision --autogenerate --baseline`: a database that exists without history gets a base revision of
 * the current model (compared with an empty schema, not with the database), which is stamped where the
 * schema exists and run where it does not. Revisions are named by file name in the bin's verbs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { expect } from 'chai';
import { dumpSchema } from '../mikro/support/schema-dump';
import { useTestDatabase } from '../support/database';
import { appliedIds, cliBuild, query, TestProject } from './support/cli';

function config(url: string): string {
  return [
    "const { defineConfig, EntitySchema } = require('@mikro-orm/postgresql');",
    "const Account = new EntitySchema({ name: 'Account', tableName: 'account', properties: { id: { type: 'number', primary: true }, email: { type: 'string' } } });",
    "const Login = new EntitySchema({ name: 'Login', tableName: 'login', properties: { id: { type: 'number', primary: true }, account: { kind: 'm:1', entity: 'Account' } } });",
    `module.exports = defineConfig({ clientUrl: ${JSON.stringify(url)}, entities: [Account, Login] });`,
    '',
  ].join('\n');
}

describe('cli: revision --autogenerate --baseline (a database without history)', function () {
  this.timeout(120_000);
  const db = useTestDatabase({ prefix: 'mo_alembic_cli_baseline' });
  before(() => cliBuild());

  it('writes the whole model as a base revision whatever the database holds; stamp by file name; downgrade and upgrade rebuild the same schema', async () => {
    const project = new TestProject({ packageJson: { 'mikro-orm-alembic': { path: 'migrations' } } });
    project.write('mikro-orm.config.js', config(db.url));
    expect((await project.run(['init', 'migrations', '--no-package-json'])).code).to.equal(0);
    // the schema, made without migrations (as schema:update would), with a row
    await query(
      db.url,
      'create table account (id serial primary key, email varchar(255) not null); ' +
        'create table login (id serial primary key, account_id int not null, constraint login_account_id_foreign foreign key (account_id) references account (id) on update cascade); ' +
        "insert into account (email) values ('a@example.com')",
    );
    const before = await dumpSchema(db.url);

    expect((await project.run(['revision', '--baseline', '-m', 'baseline'])).code).to.equal(2, '--baseline needs --autogenerate');
    const made = await project.run(['revision', '--autogenerate', '--baseline', '-m', 'baseline']);
    expect(made.code, made.stderr).to.equal(0);
    const file = readdirSync(project.path('migrations')).find((f) => f.endsWith('_baseline.ts')) as string;
    const id = file.slice(0, 12);
    expect(made.stdout).to.contain(`stamp ${id}`);
    const text = readFileSync(project.path('migrations', file), 'utf8');
    expect(text).to.match(/create table "account"/).and.match(/create table "login"/).and.match(/downRevision = null/);
    expect(await appliedIds(db.url)).to.deep.equal([]);

    // the schema exists: stamp it, named by its file name
    const stamped = await project.run(['stamp', file.replace(/\.ts$/, '')]);
    expect(stamped.code, stamped.stderr).to.equal(0);
    expect(await appliedIds(db.url)).to.deep.equal([id]);
    expect(await dumpSchema(db.url)).to.deep.equal(before);
    const nothing = await project.run(['revision', '--autogenerate', '-m', 'nothing']);
    expect(nothing.stdout).to.contain('No changes');

    // where the schema does not exist, the same revision builds it
    expect((await project.run(['downgrade', 'base'])).code).to.equal(0);
    expect(await query(db.url, "select 1 from pg_tables where tablename in ('account', 'login')")).to.have.length(0);
    const up = await project.run(['upgrade', file]);
    expect(up.code, up.stderr).to.equal(0);
    expect(await dumpSchema(db.url)).to.deep.equal(before);
    const shown = await project.run(['show', file]);
    expect(shown.stdout).to.contain(id);
    // a file name as --head and --depends-on of revision
    const next = await project.run(['revision', '-m', 'next', '--head', file.replace(/\.ts$/, ''), '--depends-on', file]);
    expect(next.code, next.stderr).to.equal(0);
    const nextFile = readdirSync(project.path('migrations')).find((f) => f.endsWith('_next.ts')) as string;
    expect(readFileSync(project.path('migrations', nextFile), 'utf8')).to.contain(`downRevision = '${id}'`);
  });
});
