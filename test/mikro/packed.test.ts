/**
 * As a user would: a clean clone of the repository (its committed tree: commit first) is packed
 * (`npm pack`, which builds through the `prepare` script), installed into a scratch project
 * with the MikroORM packages (`npm install --prefer-offline`: from npm's cache when it has them), and
 * `npx mikro-orm migration:create|up|down|list|pending|check|fresh` run there against real PostgreSQL.
 *
 * The repository's own `dist/` is not touched. The package's types are also compiled from a consumer
 * with `moduleResolution` node10 (classic `module: commonjs`) and node16.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { Client } from 'pg';
import { useTestDatabase } from '../support/database';
import { packedPackage, run } from '../support/packed-package';

const USER_V1 = `import { Entity, Enum, PrimaryKey, Property } from '@mikro-orm/core';

export enum UserRole { SUPER_USER = 'super_user', ADMIN = 'admin', USER = 'user' }

@Entity({ tableName: 'user' })
export class User {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @Enum({ items: () => UserRole, nativeEnumName: 'user_role', default: UserRole.USER }) role: UserRole = UserRole.USER;
}
`;
const USER_V2 = USER_V1.replace('  @Property() name!: string;\n', '  @Property() name!: string;\n  @Property({ nullable: true }) email?: string;\n');

describe('mikro: the packed package in a scratch project, through npx mikro-orm', function () {
  this.timeout(300_000);
  const db = useTestDatabase({ prefix: 'mikro_packed' });
  let work: string;
  let app: string;
  let packed: string[] = [];

  const npx = (...args: string[]) => run('npx', ['--no', 'mikro-orm', ...args], app, { APP_DATABASE_URL: db.url });
  const query = async (sql: string): Promise<Record<string, unknown>[]> => {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      return (await client.query(sql)).rows;
    } finally {
      await client.end();
    }
  };
  const applied = async () => (await query('select revision from mikro_orm_alembic_version')).map((r) => String(r.revision));

  before(async function () {
    this.timeout(300_000);
    work = mkdtempSync(join(tmpdir(), 'mikro-packed-'));
    const pack = await packedPackage();
    packed = [...pack.files];
    const tarball = pack.tarball;

    app = join(work, 'app');
    mkdirSync(join(app, 'src', 'entities'), { recursive: true });
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify(
        {
          name: 'scratch-app',
          private: true,
          version: '1.0.0',
          dependencies: {
            'mikro-orm-alembic': `file:${tarball}`,
            '@mikro-orm/core': '6.6.16',
            '@mikro-orm/knex': '6.6.16',
            '@mikro-orm/postgresql': '6.6.16',
            '@mikro-orm/cli': '6.6.16',
            'reflect-metadata': '0.2.2',
          },
          devDependencies: { 'ts-node': '10.9.2', typescript: '5.9.3', '@types/node': '20.19.25' },
          'mikro-orm': { useTsNode: true, configPaths: ['./src/mikro-orm.config.ts'] },
        },
        null,
        2,
      ),
    );
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'commonjs', strict: true, experimentalDecorators: true, emitDecoratorMetadata: true, esModuleInterop: true, skipLibCheck: true, outDir: 'dist' }, include: ['src'] }),
    );
    writeFileSync(
      join(app, 'src', 'mikro-orm.config.ts'),
      [
        "import { defineConfig } from '@mikro-orm/postgresql';",
        "import { alembic } from 'mikro-orm-alembic';",
        "import { User } from './entities/User';",
        '',
        'export default defineConfig({',
        '  clientUrl: process.env.APP_DATABASE_URL,',
        '  entities: [User],',
        "  extensions: [alembic({ path: 'dist/migrations', pathTs: 'src/migrations' })],",
        '});',
        '',
      ].join('\n'),
    );
    writeFileSync(join(app, 'src', 'entities', 'User.ts'), USER_V1);
    const install = await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], app);
    expect(install.code, install.output).to.equal(0);
  });

  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('the tarball holds the compiled package (every export and the bin) and no source map', () => {
    for (const file of ['dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/cli/main.js', 'package.json', 'README.md']) {
      expect(packed, file).to.include(file);
    }
    for (const sub of ['harness', 'testing', 'autogen']) {
      expect(packed).to.include(`dist/src/${sub}/index.js`).and.include(`dist/src/${sub}/index.d.ts`);
    }
    expect(packed.filter((f) => f.endsWith('.map'))).to.deep.equal([]);
    const main = readFileSync(join(app, 'node_modules/mikro-orm-alembic/dist/src/index.js'), 'utf8');
    expect(main).not.to.contain('sourceMappingURL');
  });

  it("the types resolve for every subpath under moduleResolution node10 (module: commonjs) and node16", async () => {
    const consumer = [
      "import { alembic, type AlembicOptions } from 'mikro-orm-alembic';",
      "import { createThrowawayDatabase } from 'mikro-orm-alembic/harness';",
      "import { MigrationTestKit, describeMigrations, type MigrationTestKitOptions } from 'mikro-orm-alembic/testing';",
      "import { autogenerate } from 'mikro-orm-alembic/autogen';",
      '',
      "const options: AlembicOptions = { path: 'dist/migrations', pathTs: 'src/migrations' };",
      "export const used = [alembic(options), createThrowawayDatabase, MigrationTestKit.open, describeMigrations, autogenerate];",
      "export const kit: MigrationTestKitOptions = { path: 'src/migrations', databasePrefix: 'app_ci' };",
      '// an `any` module would leave this directive unused, which is an error: the types are real',
      '// @ts-expect-error databasePrefix is a string',
      'export const wrong: MigrationTestKitOptions = { databasePrefix: 1 };',
      '',
    ].join('\n');
    mkdirSync(join(app, 'consumer'), { recursive: true });
    writeFileSync(join(app, 'consumer', 'index.ts'), consumer);
    for (const [module, moduleResolution] of [['commonjs', 'node10'], ['node16', 'node16']]) {
      const tsconfig = join(app, `tsconfig.${moduleResolution}.json`);
      writeFileSync(
        tsconfig,
        JSON.stringify({ compilerOptions: { target: 'ES2022', module, moduleResolution, strict: true, noEmit: true, skipLibCheck: true, types: ['node'] }, files: ['consumer/index.ts'] }),
      );
      const tsc = await run(process.execPath, [join(app, 'node_modules/typescript/bin/tsc'), '-p', tsconfig], app);
      expect(tsc.code, `${moduleResolution}: ${tsc.output}`).to.equal(0);
    }
  });

  it('migration:check says a revision is needed; migration:create writes it (importing the installed package)', async () => {
    const check = await npx('migration:check');
    expect(check.code, check.output).to.equal(1);
    expect(check.output).to.contain('Changes detected');
    const create = await npx('migration:create', '-n', 'users');
    expect(create.code, create.output).to.equal(0);
    expect(create.output).to.match(/(^|\s)[0-9a-f]{12}_users\.ts successfully created/m);
    const files = readdirSync(join(app, 'src', 'migrations'));
    expect(files).to.have.length(1);
  });

  it('migration:pending, migration:up, migration:list', async () => {
    const pending = await npx('migration:pending');
    expect(pending.code, pending.output).to.equal(0);
    expect(pending.output).to.match(/[0-9a-f]{12} users/);
    const up = await npx('migration:up');
    expect(up.code, up.output).to.equal(0);
    expect(up.output).to.contain('Successfully migrated up to the latest version');
    expect(await applied()).to.have.length(1);
    expect(await query(`select typname from pg_type where typname = 'user_role'`)).to.have.length(1);
    const list = await npx('migration:list');
    expect(list.code, list.output).to.equal(0);
    expect(list.output).to.match(/[0-9a-f]{12} users/);
    const check = await npx('migration:check');
    expect(check.code, check.output).to.equal(0);
  });

  it('a second revision; migration:down undoes it; migration:fresh rebuilds everything', async () => {
    writeFileSync(join(app, 'src', 'entities', 'User.ts'), USER_V2);
    expect((await npx('migration:check')).code).to.equal(1);
    const create = await npx('migration:create', '-n', 'user email');
    expect(create.code, create.output).to.equal(0);
    expect((await npx('migration:up')).code).to.equal(0);
    expect(await query(`select 1 from information_schema.columns where table_name = 'user' and column_name = 'email'`)).to.have.length(1);
    const down = await npx('migration:down');
    expect(down.code, down.output).to.equal(0);
    expect(await query(`select 1 from information_schema.columns where table_name = 'user' and column_name = 'email'`)).to.have.length(0);
    expect(await applied()).to.have.length(1);
    await query(`insert into "user" (name) values ('ada')`);
    const fresh = await npx('migration:fresh');
    expect(fresh.code, fresh.output).to.equal(0);
    expect(await applied()).to.have.length(2);
    expect(await query('select * from "user"')).to.deep.equal([]);
    expect((await npx('migration:check')).code).to.equal(0);
  });

  it('compiled to JavaScript (no ts-node): the CLI reads path (dist/migrations), not pathTs', async () => {
    expect((await npx('migration:down', '-t', 'base')).code).to.equal(0);
    const tsc = await run(process.execPath, [join(app, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--rootDir', 'src'], app);
    expect(tsc.code, tsc.output).to.equal(0);
    expect(readdirSync(join(app, 'dist', 'migrations')).filter((f) => f.endsWith('.js'))).to.have.length(2);
    const js = { MIKRO_ORM_CLI_USE_TS_NODE: '0', MIKRO_ORM_CLI_CONFIG: './dist/mikro-orm.config.js', APP_DATABASE_URL: db.url };
    const pending = await run('npx', ['--no', 'mikro-orm', 'migration:pending'], app, js);
    expect(pending.code, pending.output).to.equal(0);
    expect(pending.output).to.contain('users').and.contain('user email');
    const up = await run('npx', ['--no', 'mikro-orm', 'migration:up'], app, js);
    expect(up.code, up.output).to.equal(0);
    expect(up.output).to.contain('dist/migrations/');
    expect(await applied()).to.have.length(2);
  });
});
