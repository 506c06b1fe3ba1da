/**
 * Connection settings through the bin and the plugin: a malformed `--url` or `clientUrl` is refused by
 * name and its password never printed; `sslmode` in the config's `clientUrl` is honoured by the
 * plugin's own connection exactly as in `--url` (here against a server without SSL).
 */
import 'reflect-metadata';
import { Entity, PrimaryKey } from '@mikro-orm/core';
import { expect } from 'chai';
import { ConnectionFailedError } from '../../src';
import { fallsBack, resolveConnection } from '../../src/runtime/connection';
import { addRevision, initOrm, tempDir } from '../mikro/support/orm';
import { useTestDatabase } from '../support/database';
import { appliedIds, cliBuild, query, tableRevision, tTables, TestProject } from './support/cli';

const SECRET = 'S3cret';
const A = 'a00000000c01';

@Entity({ tableName: 'conn_thing' })
class ConnThing {
  @PrimaryKey() id!: number;
}

function project(clientUrl: string): TestProject {
  const p = new TestProject({ packageJson: { 'mikro-orm': { useTsNode: false } } });
  p.writeConfig(clientUrl);
  p.write(`migrations/${A}_a.js`, tableRevision(A, null));
  return p;
}

describe('cli: connection settings (malformed URLs, secrets, sslmode)', function () {
  this.timeout(120_000);
  const db = useTestDatabase({ prefix: 'mo_alembic_conn' });
  before(() => cliBuild());
  beforeEach(async () => {
    await query(db.url, 'drop schema public cascade; create schema public');
  });

  for (const url of [
    `postgres//user:${SECRET}@host/db`,
    `postgres://user:${SECRET}@host:port/db`,
    `postgres://user:S3#${SECRET}@host/db`,
    `postgres://user:${SECRET}%zz@host/db`,
    `mysql://user:${SECRET}@host/db`,
  ]) {
    it(`--url ${url.replace(SECRET, '<secret>')}: refused naming --url, the password in no output`, async () => {
      const p = project(db.url);
      const verbs = url.startsWith('postgres//') ? [['upgrade', 'head'], ['current'], ['downgrade', 'base']] : [['upgrade', 'head']];
      for (const verb of verbs) {
        const r = await p.run([...verb, '--url', url]);
        expect(r.code, r.stderr).to.equal(1);
        expect(r.stderr).to.match(/error: --url /);
        expect(`${r.stdout}${r.stderr}`).not.to.contain(SECRET);
      }
      expect(await tTables(db.url)).to.deep.equal([]);
    });
  }

  it('a malformed clientUrl in the config: refused naming clientUrl, the password in no output', async () => {
    const p = project(`postgres://user:${SECRET}@host:bad/db`);
    const r = await p.run(['upgrade', 'head']);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.contain('clientUrl of the MikroORM config has a port that is not a number');
    expect(`${r.stdout}${r.stderr}`).not.to.contain(SECRET);
  });

  it('sslmode=require in the config clientUrl: refused against a server without SSL, nothing applied (as with --url)', async () => {
    const p = project(`${db.url}?sslmode=require`);
    const r = await p.run(['upgrade', 'head']);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.contain('sslmode=require, from clientUrl of the MikroORM config');
    expect(r.stderr).to.contain('does not support SSL');
    const viaUrl = await project(db.url).run(['upgrade', 'head', '--url', `${db.url}?sslmode=require`]);
    expect(viaUrl.code).to.equal(1);
    expect(viaUrl.stderr).to.contain('sslmode=require, from --url');
    expect(await appliedIds(db.url)).to.deep.equal([]);
    expect(await tTables(db.url)).to.deep.equal([]);
  });

  it('sslmode=disable and prefer in the config clientUrl: connect and upgrade', async () => {
    for (const mode of ['prefer', 'disable']) {
      await query(db.url, 'drop schema public cascade; create schema public');
      const r = await project(`${db.url}?sslmode=${mode}`).run(['upgrade', 'head']);
      expect(r.code, r.stderr).to.equal(0);
      expect(await appliedIds(db.url)).to.deep.equal([A]);
    }
  });

  it("the plugin in-process (orm.migrator): clientUrl's sslmode=require honoured, nothing applied", async () => {
    const dir = tempDir();
    addRevision(dir.path, [], { message: 'one', up: ['create table t_one (id int)'], down: ['drop table t_one'] });
    // MikroORM's own connection ignores sslmode: the ORM starts; the plugin's connection must not
    const orm = await initOrm(`${db.url}?sslmode=require`, dir.path, [ConnThing]);
    try {
      const error = await orm.migrator.up().catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ConnectionFailedError);
      expect((error as Error).message).to.contain('sslmode=require, from clientUrl of the MikroORM config');
      expect(await tTables(db.url)).to.deep.equal([]);
      expect(await appliedIds(db.url)).to.deep.equal([]);
    } finally {
      await orm.close(true);
      dir.cleanup();
    }
  });

  it('a refused connection fails at once with ECONNREFUSED, without a retry, in every sslmode (issue 11 item 9)', async () => {
    // at most one attempt: a refused connection is never a reason to try the next form (libpq's fallbacks are for SSL only)
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    for (const mode of ['disable', 'allow', 'prefer', 'require']) {
      const resolved = resolveConnection(`postgres://user:${SECRET}@127.0.0.1:1/nowhere?sslmode=${mode}`);
      expect(fallsBack(resolved, refused), mode).to.equal(false);
    }
    for (const mode of ['prefer', 'allow']) {
      const p = project(db.url);
      const r = await p.run(['upgrade', 'head', '--url', `postgres://user:${SECRET}@127.0.0.1:1/nowhere?sslmode=${mode}`]);
      expect(r.code).to.equal(1);
      expect(r.stderr).to.contain('Cannot connect to PostgreSQL at 127.0.0.1:1/nowhere').and.to.contain('ECONNREFUSED');
      expect(r.stderr.match(/ECONNREFUSED/g) ?? []).to.have.length(1);
      expect(r.stdout + r.stderr).not.to.contain(SECRET);
      expect(await appliedIds(db.url).catch(() => [])).to.deep.equal([]);
    }
  });
});
