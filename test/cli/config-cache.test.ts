/**
 * The cached resolution of the MikroORM config (src/cli/config-cache.ts, issue 11's start-up goal): a
 * verb that needs only the folders and the connection (upgrade, current, stamp, history) loads the
 * config once, then reuses what it gave while nothing the config read has changed. Never stale: an
 * edited config, an edited module it imports, a changed variable are honoured at once. No secret is
 * written: the password is read again from its variable, and a config that holds its password
 * itself is not cached.
 *
 * Each config appends a line to `loads.txt` when it is evaluated, so a test counts the loads.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { useTestDatabase } from '../support/database';
import { appliedIds, cliBuild, tableRevision, TestProject } from './support/cli';

const PASSWORD = 'Pw-of-the-cache-test-91';

/** A TypeScript config whose connection is `process.env.<variable>` and whose folder comes from `./settings.ts`. */
function tsConfig(variable: string, extra = ''): string {
  return [
    "import { appendFileSync } from 'node:fs';",
    "import { join } from 'node:path';",
    "import { defineConfig } from '@mikro-orm/postgresql';",
    "import { folder } from './settings';",
    '',
    "appendFileSync(join(__dirname, 'loads.txt'), 'load\\n');",
    '',
    'export default defineConfig({',
    `  clientUrl: process.env.${variable},`,
    "  extensions: [{ [Symbol.for('mikro-orm-alembic.options')]: { path: folder } }],",
    `  ${extra}`,
    '});',
    '',
  ].join('\n');
}

/** The URL of a test database with a password in it (the test server trusts local connections: any password is accepted). */
function withPassword(url: string, password = PASSWORD): string {
  const u = new URL(url);
  u.password = password;
  return u.toString();
}

/** Every cache file's text (the build's node_modules is shared by the test projects). */
function cacheTexts(): string[] {
  const dir = join(cliBuild(), 'node_modules', '.cache', 'mikro-orm-alembic');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8'));
}

describe('cli: the cached config resolution', function () {
  this.timeout(180_000);
  const one = useTestDatabase({ prefix: 'mo_alembic_cache_a' });
  const two = useTestDatabase({ prefix: 'mo_alembic_cache_b' });
  before(() => cliBuild());

  function project(variable = 'APP_DB_URL', extra = ''): TestProject {
    const p = new TestProject({ packageJson: { 'mikro-orm': { useTsNode: true } } });
    p.write('mikro-orm.config.ts', tsConfig(variable, extra));
    p.write('settings.ts', "export const folder = 'migrations';\n");
    p.write('migrations/aaaa00000001_a.js', tableRevision('aaaa00000001', null));
    p.write('other/bbbb00000001_b.js', tableRevision('bbbb00000001', null));
    return p;
  }
  const loads = (p: TestProject) => (existsSync(p.path('loads.txt')) ? readFileSync(p.path('loads.txt'), 'utf8').split('\n').filter(Boolean).length : 0);

  it('loads the config once, then reuses it; a changed variable is honoured at once', async () => {
    const p = project();
    const urlOne = withPassword(one.url);
    const first = await p.run(['upgrade', 'head'], { env: { APP_DB_URL: urlOne } });
    expect(first.code, first.stderr).to.equal(0);
    expect(loads(p)).to.equal(1);
    const second = await p.run(['current'], { env: { APP_DB_URL: urlOne } });
    expect(second.code, second.stderr).to.equal(0);
    expect(second.stdout).to.contain('aaaa00000001');
    expect(loads(p), 'the second run used the cached resolution').to.equal(1);
    expect(await appliedIds(one.url)).to.deep.equal(['aaaa00000001']);

    // another database in the same variable: taken at once, not the cached one
    const other = await p.run(['current'], { env: { APP_DB_URL: withPassword(two.url) } });
    expect(other.code, other.stderr).to.equal(0);
    expect(other.stderr).to.contain('at base');
    expect(loads(p)).to.equal(2);
    const upgraded = await p.run(['upgrade', 'head'], { env: { APP_DB_URL: withPassword(two.url) } });
    expect(upgraded.code, upgraded.stderr).to.equal(0);
    expect(await appliedIds(two.url)).to.deep.equal(['aaaa00000001']);
    expect(loads(p)).to.equal(2);

    // a rotated password in the same variable: still the cached resolution, the new password read from the variable
    const rotated = await p.run(['current'], { env: { APP_DB_URL: withPassword(two.url, 'another-Pw-77') } });
    expect(rotated.code, rotated.stderr).to.equal(0);
    expect(loads(p)).to.equal(2);

    for (const text of cacheTexts()) expect(text).not.to.contain(PASSWORD).and.not.to.contain('another-Pw-77');
    for (const r of [first, second, other, upgraded, rotated]) expect(r.stdout + r.stderr).not.to.contain(PASSWORD);
    await p.run(['downgrade', 'base'], { env: { APP_DB_URL: urlOne } });
    await p.run(['downgrade', 'base'], { env: { APP_DB_URL: withPassword(two.url) } });
  });

  it('honours an edited config (clientUrl) and an edited module it imports (the folder) at once', async () => {
    const p = project();
    const env = { APP_DB_URL: withPassword(one.url) };
    expect((await p.run(['current'], { env })).code).to.equal(0);
    expect((await p.run(['current'], { env })).code).to.equal(0);
    expect(loads(p)).to.equal(1);

    // the config's clientUrl written in the file instead
    p.write('mikro-orm.config.ts', tsConfig('APP_DB_URL').replace('process.env.APP_DB_URL', JSON.stringify(two.url)));
    const up = await p.run(['upgrade', 'head'], { env });
    expect(up.code, up.stderr).to.equal(0);
    expect(await appliedIds(two.url)).to.deep.equal(['aaaa00000001']);
    expect(await appliedIds(one.url)).to.deep.equal([]);
    expect(loads(p)).to.equal(2);

    // the folder, from the module the config imports
    p.write('settings.ts', "export const folder = 'other';\n");
    const heads = await p.run(['history'], { env });
    expect(heads.code, heads.stderr).to.equal(0);
    expect(heads.stdout).to.contain('bbbb00000001').and.not.to.contain('aaaa00000001');
    expect(loads(p)).to.equal(3);
    const again = await p.run(['history'], { env });
    expect(again.stdout).to.contain('bbbb00000001');
    expect(loads(p)).to.equal(3);
    await p.run(['downgrade', 'base', '--url', two.url], { env: { APP_DB_URL: undefined } });
  });

  it('does not cache a config that holds its password itself, nor when MIKRO_ORM_ALEMBIC_CONFIG_CACHE=0', async () => {
    const literal = project('APP_DB_URL', `password: ${JSON.stringify(PASSWORD)},`);
    const env = { APP_DB_URL: one.url };
    for (let i = 0; i < 2; i++) {
      const r = await literal.run(['current'], { env });
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout + r.stderr).not.to.contain(PASSWORD);
    }
    expect(loads(literal), 'loaded each time').to.equal(2);
    for (const text of cacheTexts()) expect(text).not.to.contain(PASSWORD);

    const off = project();
    for (let i = 0; i < 2; i++) {
      const r = await off.run(['current'], { env: { ...env, MIKRO_ORM_ALEMBIC_CONFIG_CACHE: '0' } });
      expect(r.code, r.stderr).to.equal(0);
    }
    expect(loads(off)).to.equal(2);
  });
});
