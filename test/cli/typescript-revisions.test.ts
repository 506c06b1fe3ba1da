import { expect } from 'chai';
import { useTestDatabase } from '../support/database';
import { appliedIds, TestProject, tTables } from './support/cli';

/** A `.ts` revision, as the writer makes them, whose `up()` holds a type error (it runs fine as JavaScript). */
function tsRevisionWithTypeError(id: string, down: string | null): string {
  return [
    '/**',
    ` * create t_${id}`,
    ' *',
    ` * Revision ID: ${id}`,
    ` * Revises: ${down ?? ''}`,
    ' * Create Date: 2026-01-01 00:00:00.000Z',
    ' */',
    "import { Revision } from 'mikro-orm-alembic';",
    '',
    `export class R_${id} extends Revision {`,
    `  override readonly revision = '${id}';`,
    `  override readonly downRevision = ${down === null ? 'null' : `'${down}'`};`,
    '',
    '  override async up(): Promise<void> {',
    "    const table: number = 't_' as unknown as string;",
    `    this.addSql(\`create table "\${table}${id}" (id int)\`);`,
    '  }',
    '}',
    '',
  ].join('\n');
}

describe('cli: .ts revisions load without type-checking, whatever loader the process registered', function () {
  this.timeout(120_000);
  const db = useTestDatabase();

  it('a type-checking ts-node registered by the process (node -r ts-node/register) does not compile the revisions', async () => {
    const project = new TestProject({ packageJson: { 'mikro-orm-alembic': { path: 'migrations' } } });
    project.write('migrations/aaaa11112222_first.ts', tsRevisionWithTypeError('aaaa11112222', null));
    project.write('migrations/bbbb11112222_second.ts', tsRevisionWithTypeError('bbbb11112222', 'aaaa11112222'));

    // type-checking ts-node rejects the file (the proof that it would have been compiled with type checks)
    const checked = await project.run(['upgrade', 'head', '--url', db.url], {
      nodeArgs: ['-e', "require('ts-node').register({ transpileOnly: false }); require('./migrations/aaaa11112222_first.ts')"],
    });
    expect(checked.code).to.not.equal(0);
    expect(checked.stderr).to.contain('TS2322');

    const result = await project.run(['upgrade', 'head', '--url', db.url], {
      nodeArgs: ['-r', 'ts-node/register'],
      env: { TS_NODE_TRANSPILE_ONLY: undefined },
    });
    expect(result.stderr).to.not.contain('TS2322');
    expect(result.code, result.stderr).to.equal(0);
    expect(await appliedIds(db.url)).to.deep.equal(['aaaa11112222', 'bbbb11112222']);
    expect(await tTables(db.url)).to.deep.equal(['t_aaaa11112222', 't_bbbb11112222']);
  });
});
