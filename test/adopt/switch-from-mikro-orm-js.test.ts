/**
 * Switching from MikroORM's migrator with `.js` migrations (`emit: 'js'`), a custom `tableName`, a custom
 * `fileName`, `allOrNothing: false`, a migration whose `isTransactional()` is false (VACUUM, which cannot
 * run in a transaction), and one that uses `this.execute()` and `this.getKnex()` and has no `down()`.
 * The migrations of the model come from MikroORM 6.6.16's own `migration:create`; the two hand-written
 * ones are what a team writes into a blank migration.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { expect } from 'chai';
import { adoptedRevisionId } from '../../src/adopt';
import type { SchemaSnapshot } from '../../src/testing/schema-snapshot';
import { useTestDatabase } from '../support/database';
import { VERSIONS } from './support/entities';
import { clockPast, mikroOrmApplied, MikroOrmProject, pluginApplied, query, runBin, schemaOf, timestampAfter } from './support/mikro-orm-project';

const HISTORY = 'public.legacy_migrations';
const MIGRATIONS = `{ path: 'db/migrations', emit: 'js', tableName: 'legacy_migrations', allOrNothing: false,
    fileName: (timestamp: string, name?: string) => \`legacy_\${timestamp}\${name ? '_' + name : ''}\` }`;

/** A migration as MikroORM's JSMigrationGenerator writes it, with the given class body. */
function jsMigration(className: string, body: string): string {
  return [
    "'use strict';",
    "Object.defineProperty(exports, '__esModule', { value: true });",
    "const { Migration } = require('@mikro-orm/migrations');",
    '',
    `class ${className} extends Migration {`,
    body,
    '}',
    `exports.${className} = ${className};`,
    '',
  ].join('\n');
}

describe('adopt: switching from MikroORM’s migrator (.js migrations, custom tableName and fileName)', function () {
  this.timeout(600_000);
  const q1 = useTestDatabase({ prefix: 'adopt_q1' });
  const q2 = useTestDatabase({ prefix: 'adopt_q2' });
  const q3 = useTestDatabase({ prefix: 'adopt_q3' });
  let project: MikroOrmProject;
  let names: string[];
  let reference: SchemaSnapshot;

  const files = () => readdirSync(project.path('db/migrations')).filter((f) => f.endsWith('.js')).sort();

  before(async function () {
    project = new MikroOrmProject({ migrations: MIGRATIONS });
    const create = async (version: number, name: string) => {
      project.setEntities(VERSIONS[version]);
      const created = await project.mikroOrm(['migration:create', '--name', name], q3.url);
      expect(created.code, created.output).to.equal(0);
      expect(created.output).to.match(new RegExp(`legacy_\\d{14}_${name}\\.js successfully created`));
    };
    const handWritten = (name: string, body: string) => {
      const stamp = timestampAfter(files().at(-1)?.slice(7, 21));
      writeFileSync(project.path('db/migrations', `legacy_${stamp}_${name}.js`), jsMigration(`Migration${stamp}`, body));
      return stamp;
    };
    // the next migration:create names its file by the clock: wait until the clock is past the hand-made stamp
    await create(0, 'authors');
    const vacuum = handWritten(
      'vacuum',
      [
        '  isTransactional() { return false; }',
        '  async up() { this.addSql(\'vacuum analyze "author";\'); }',
        '  async down() { this.addSql(\'analyze "author";\'); }',
      ].join('\n'),
    );
    await clockPast(vacuum);
    await create(1, 'books');
    handWritten(
      'seed',
      [
        '  async up() {',
        '    const rows = await this.execute(\'select count(*)::int as n from "author"\');',
        '    if (rows[0].n === 0) this.addSql(`insert into "author" ("name", "role") values (\'seed\', \'admin\');`);',
        "    this.addSql(this.getKnex().table('book').where('title', 'nothing').update({ title: 'still nothing' }));",
        '  }',
      ].join('\n'),
    );
    names = files().map((f) => f.slice(0, -3));
    expect(names).to.have.length(4);
    for (const [db, to] of [[q1, names[0]], [q2, names[2]], [q3, names[3]]] as const) {
      const up = await project.mikroOrm(['migration:up', '--to', to], db.url);
      expect(up.code, up.output).to.equal(0);
    }
    expect(await mikroOrmApplied(q1.url, HISTORY)).to.deep.equal(names.slice(0, 1));
    expect(await mikroOrmApplied(q2.url, HISTORY)).to.deep.equal(names.slice(0, 3));
    expect(await mikroOrmApplied(q3.url, HISTORY)).to.deep.equal(names);
    reference = await schemaOf(q3.url, [HISTORY]);
  });
  after(() => project?.remove());

  it('adopt keeps the file names, marks the non-transactional and the irreversible migration', async () => {
    project.useAlembic();
    const result = await runBin(project, ['adopt', '--json']);
    expect(result.code, result.output).to.equal(0);
    const json = JSON.parse(result.stdout) as { migrations: { name: string; file: string; transactional: boolean; reversible: boolean }[]; historyTable: string };
    expect(json.historyTable).to.equal(HISTORY);
    expect(json.migrations.map((m) => [m.name, m.file, m.transactional, m.reversible])).to.deep.equal([
      [names[0], `db/migrations/${names[0]}.js`, true, true],
      [names[1], `db/migrations/${names[1]}.js`, false, true],
      [names[2], `db/migrations/${names[2]}.js`, true, true],
      [names[3], `db/migrations/${names[3]}.js`, true, false],
    ]);
    const tree = project.tree(project.path('db/migrations'));
    expect(tree[`${names[1]}.js`]).to.contain('  transactional = false;');
    expect(tree[`${names[3]}.js`]).to.contain('// Irreversible');
    expect(Object.keys(tree).filter((f) => f.startsWith('mikro-orm/')).sort()).to.deep.equal(names.map((n) => `mikro-orm/${n}.js`));
  });

  it('migration:up through the plugin applies exactly the missing ones (VACUUM outside a transaction, this.execute, getKnex)', async () => {
    const ids = names.map(adoptedRevisionId);
    // q3 is at MikroORM's last migration: migration:create takes its history first, then finds nothing to do
    const create = await project.mikroOrm(['migration:create'], q3.url);
    expect(create.code, create.output).to.equal(0);
    expect(create.output).to.contain(`from ${HISTORY}: 4 of 4 adopted migration(s) recorded as applied`).and.contain('No changes required');
    for (const [db, taken] of [[q1, 1], [q2, 3], [q3, 4]] as const) {
      const up = await project.mikroOrm(['migration:up'], db.url);
      expect(up.code, up.output).to.equal(0);
      if (db !== q3) expect(up.output).to.contain(`from ${HISTORY}: ${taken} of 4 adopted migration(s) recorded as applied`);
      expect([...up.output.matchAll(/Running upgrade ([0-9a-f]{12})/g)].map((m) => m[1])).to.deep.equal(ids.slice(taken));
      expect((await pluginApplied(db.url))?.map((r) => r.id)).to.deep.equal(ids);
      expect(up.output, 'the taken rows carry the checksums a stamp records').not.to.contain('was edited after it was applied');
      expect(await schemaOf(db.url, [HISTORY])).to.deep.equal(reference);
      // the seed migration ran once in each database, through MikroORM or through the plugin
      expect(await query(db.url, 'select name from author')).to.deep.equal([{ name: 'seed' }]);
      expect(await query(db.url, `select to_regclass('public.mikro_orm_migrations')::text as t`)).to.deep.equal([{ t: null }]);
    }
  });

  it('migration:down on the irreversible migration is refused; nothing changes', async () => {
    const before = await pluginApplied(q1.url);
    const down = await project.mikroOrm(['migration:down'], q1.url);
    expect(down.code).to.equal(1);
    expect(down.output).to.contain(`Revision ${adoptedRevisionId(names[3])} is irreversible`);
    expect(await pluginApplied(q1.url)).to.deep.equal(before);
    expect(await schemaOf(q1.url, [HISTORY])).to.deep.equal(reference);
  });

  it('the next migration:create writes nothing', async () => {
    const before = project.tree(project.path('db'));
    const create = await project.mikroOrm(['migration:create'], q2.url);
    expect(create.code, create.output).to.equal(0);
    expect(create.output).to.contain('No changes required');
    expect(project.tree(project.path('db'))).to.deep.equal(before);
  });
});
