/**
 * `migration:create` (autogenerate) and `migration:check` through the real MikroORM CLI: what they
 * print, their exit codes, safety notes in the file header, and check with pending revisions.
 */
import { expect } from 'chai';
import { Client } from 'pg';
import { useTestDatabase } from '../support/database';
import { CliProject } from './support/cli-project';

function user(fields: string): string {
  return `import { Entity, Enum, PrimaryKey, Property } from '@mikro-orm/core';

export enum UserRole { SUPER_USER = 'super_user', ADMIN = 'admin', USER = 'user' }

@Entity({ tableName: 'user' })
export class User {
  @PrimaryKey() id!: number;
${fields}}
`;
}

const ROLE = "  @Enum({ items: () => UserRole, nativeEnumName: 'user_role', default: UserRole.USER }) role: UserRole = UserRole.USER;\n";
const NAME = '  @Property() name!: string;\n';

async function scratchDatabases(serverUrl: string, base: string): Promise<string[]> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>('select datname from pg_database where datname like $1', [`${base}_check_%`]);
    return rows.map((r) => r.datname);
  } finally {
    await client.end();
  }
}

describe('mikro: migration:create (autogenerate) and migration:check through the real CLI', function () {
  this.timeout(120_000);
  const db = useTestDatabase({ prefix: 'mikro_autogen' });
  let project: CliProject;

  before(() => {
    project = new CliProject({ databaseUrl: db.url });
    project.setEntities({ 'User.ts': user(NAME + ROLE) });
  });
  after(() => project.remove());

  it('migration:check exits 1 and says what differs', async () => {
    const check = await project.run(['migration:check']);
    expect(check.code).to.equal(1);
    expect(check.output).to.contain('Changes detected').and.contain('create table user').and.contain('user_role');
  });

  it('migration:create -d prints the SQL and the changes, and writes a revision on base', async () => {
    const create = await project.run(['migration:create', '-n', 'users with roles', '-d']);
    expect(create.code, create.output).to.equal(0);
    expect(create.output).to.contain(`create type "user_role" as enum ('super_user', 'admin', 'user');`);
    expect(create.output).to.contain('down:').and.contain('drop type "user_role";');
    expect(create.output).to.match(/Created revision [0-9a-f]{12} \(migrations\/[0-9a-f]{12}_users_with_roles\.ts\) on base/);
    expect(create.output).to.contain('+ create table user');
    const [file] = project.revisionFiles();
    expect(project.readRevision(file)).to.contain('override readonly downRevision = null;').and.contain(' * users with roles');
  });

  it('migration:check with the revision pending compares the entities with a scratch database at head (and drops it)', async () => {
    const check = await project.run(['migration:check']);
    expect(check.code, check.output).to.equal(0);
    expect(check.output).to.contain('1 revision(s) not applied').and.contain('No changes required');
    project.setEntities({ 'User.ts': user(ROLE) });
    const changed = await project.run(['migration:check']);
    expect(changed.code).to.equal(1);
    expect(changed.output).to.contain('drop column user.name').and.contain('Changes detected');
    expect(await scratchDatabases(db.serverUrl, db.name)).to.deep.equal([]);
    const create = await project.run(['migration:create']);
    expect(create.code).to.equal(1);
    expect(create.output).to.contain('NOT_AT_HEAD').and.contain('users with roles');
  });

  it('the safety notes of a destructive revision are in its header and on the console', async () => {
    expect((await project.run(['migration:up'])).code).to.equal(0);
    const create = await project.run(['migration:create', '-n', 'drop the name']);
    expect(create.code, create.output).to.equal(0);
    expect(create.output).to.contain('safety note DATA_LOSS_DROP_COLUMN (user.name)');
    const file = project.revisionFiles().find((f) => f.endsWith('_drop_the_name.ts')) as string;
    const text = project.readRevision(file);
    const header = text.slice(0, text.indexOf('*/'));
    expect(header).to.contain('Safety notes').and.contain('- DATA_LOSS_DROP_COLUMN (user.name):');
    const pending = await project.run(['migration:pending']);
    expect(pending.code, pending.output).to.equal(0);
    expect(pending.output).to.contain(`${file.slice(0, 12)} drop the name`);
    expect((await project.run(['migration:up'])).code).to.equal(0);
    const check = await project.run(['migration:check']);
    expect(check.code, check.output).to.equal(0);
  });
});
