/**
 * The realworld-style fixture (test/fixtures/realworld: glob `entities`/`entitiesTs`, the TsMorph metadata
 * provider, the config in src/) as a user's project: MikroORM's own CLI (`migration:create`,
 * `migration:up`) and the plugin's bin (`test`, and the verbs that load the config) must all work on it,
 * loading the TypeScript config and its entities as MikroORM's CLI does (issue 16 item 4).
 */
import { execFile } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect } from 'chai';
import { useTestDatabase } from '../support/database';
import { appliedIds, cliBuild, query, TestProject, type CliResult } from './support/cli';

const FIXTURE = resolve(__dirname, '..', 'fixtures', 'realworld');

describe('cli: the realworld-style project (glob entitiesTs, TsMorph metadata provider)', function () {
  this.timeout(300_000);
  const db = useTestDatabase({ prefix: 'mo_alembic_realworld' });
  let project: TestProject;
  const env = () => ({ REALWORLD_DATABASE_URL: db.url });

  /** `npx mikro-orm <args>` in the project (MikroORM's own CLI, which registers ts-node itself). */
  const mikroOrm = (args: readonly string[]): Promise<CliResult> =>
    new Promise((done) => {
      const environment: Record<string, string | undefined> = { ...process.env, ...env(), NO_COLOR: '1' };
      delete environment.TS_NODE_PROJECT;
      delete environment.NODE_OPTIONS;
      execFile(process.execPath, [project.path('node_modules/@mikro-orm/cli/cli'), ...args], { cwd: project.dir, env: environment, timeout: 240_000 }, (error, stdout, stderr) => {
        done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
      });
    });

  before(() => {
    cliBuild();
    project = new TestProject({ tsconfig: false });
    cpSync(FIXTURE, project.dir, { recursive: true });
  });

  it('npx mikro-orm migration:create writes the first revision from the glob-discovered entities', async () => {
    const r = await mikroOrm(['migration:create', '-n', 'realworld']);
    expect(r.code, `${r.stdout}${r.stderr}`).to.equal(0);
    const files = readdirSync(project.path('src/migrations')).filter((f) => f.endsWith('.ts'));
    expect(files).to.have.length(1);
    expect(files[0]).to.match(/^[0-9a-f]{12}_realworld\.ts$/);
  });

  it('npx mikro-orm migration:up applies it', async () => {
    const r = await mikroOrm(['migration:up']);
    expect(r.code, `${r.stdout}${r.stderr}`).to.equal(0);
    const tables = await query<{ tablename: string }>(db.url, "select tablename from pg_tables where schemaname = 'public' order by 1");
    expect(tables.map((t) => t.tablename)).to.include.members(['article', 'article_tags', 'tag', 'user']);
    expect(await appliedIds(db.url)).to.have.length(1);
  });

  it('npx mikro-orm-alembic test passes every check, the drift check included (entities from entitiesTs through TsMorph)', async () => {
    const r = await project.run(['test'], { env: env(), timeoutMs: 240_000 });
    expect(r.code, `${r.stdout}${r.stderr}`).to.equal(0);
    expect(r.stdout).to.contain('✔ models-match').and.to.match(/\d+ checks passed/).and.not.to.contain('✘');
  });

  it('the bin loads the same config in its other verbs: current, revision --autogenerate (nothing to do), upgrade --sql', async () => {
    const current = await project.run(['current'], { env: env() });
    expect(current.code, current.stderr).to.equal(0);
    expect(current.stdout).to.match(/^[0-9a-f]{12} \(head\)/);
    const auto = await project.run(['revision', '--autogenerate', '-m', 'nothing'], { env: env(), timeoutMs: 240_000 });
    expect(auto.code, auto.stderr).to.equal(0);
    expect(auto.stdout).to.contain('No changes');
    const sql = await project.run(['upgrade', 'head', '--sql'], { env: { REALWORLD_DATABASE_URL: undefined } });
    expect(sql.code, sql.stderr).to.equal(0);
    expect(sql.stdout).to.contain('create table "article"');
  });

  it('npx mikro-orm migration:create -p <folder> reads the graph from that folder and writes the next revision there (issue 16 item 5)', async () => {
    const entity = project.path('src/tag/tag.entity.ts');
    writeFileSync(entity, readFileSync(entity, 'utf8').replace('  tag!: string;\n', '  tag!: string;\n\n  @Property({ nullable: true })\n  color?: string;\n'));
    const before = readdirSync(project.path('src/migrations')).filter((f) => f.endsWith('.ts'));
    const r = await mikroOrm(['migration:create', '-p', 'src/migrations', '-n', 'tag color']);
    expect(r.code, `${r.stdout}${r.stderr}`).to.equal(0);
    const after = readdirSync(project.path('src/migrations')).filter((f) => f.endsWith('.ts'));
    expect(after).to.have.length(before.length + 1);
    const added = after.find((f) => !before.includes(f)) as string;
    expect(readFileSync(project.path('src/migrations', added), 'utf8')).to.contain('"color"').and.to.contain(`downRevision = '${before[0].slice(0, 12)}'`);
    const up = await mikroOrm(['migration:up']);
    expect(up.code, `${up.stdout}${up.stderr}`).to.equal(0);
    expect(await appliedIds(db.url)).to.have.length(2);
  });
});
