/**
 * The bin's graph commands (heads, branches, history, show, check, revision, merge, init) and its usage
 * errors, run as a child process in temporary projects. No database.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { expect } from 'chai';
import { cliBuild, jsRevision, tableRevision, TestProject } from './support/cli';

const A = '1111aaaa0001';
const B = '2222bbbb0002';
const C = '3333cccc0003';
const D = '4444dddd0004';
const E = '5555eeee0005';

/** A ── B ── C (billing)          two heads: C and E
 *         └── D ── E */
function branched(project: TestProject, folder = 'migrations'): void {
  project.write(`${folder}/${A}_init.js`, tableRevision(A, null, { message: 'init' }));
  project.write(`${folder}/${B}_users.js`, tableRevision(B, A, { message: 'users' }));
  project.write(`${folder}/${C}_billing.js`, tableRevision(C, B, { message: 'billing', branchLabels: ['billing'] }));
  project.write(`${folder}/${D}_orders.js`, tableRevision(D, B, { message: 'orders' }));
  project.write(`${folder}/${E}_orders_index.js`, tableRevision(E, D, { message: 'orders index' }));
}

/** A config that fails when loaded: proves a command did not load it. */
const THROWING_CONFIG = "throw new Error('the MikroORM config was loaded');\n";

describe('cli: graph commands', function () {
  this.timeout(120_000);
  before(() => cliBuild());

  describe('on a branched graph, folder from package.json (the config is never loaded)', () => {
    let project: TestProject;
    before(() => {
      project = new TestProject({ packageJson: { 'mikro-orm-alembic': { path: 'migrations' } } });
      project.write('mikro-orm.config.js', THROWING_CONFIG);
      branched(project);
    });

    it('heads lists both heads with their labels, in load order', async () => {
      const r = await project.run(['heads']);
      expect(r.stderr).to.equal('');
      expect(r.code).to.equal(0);
      expect(r.stdout).to.equal(`${C} (billing) (head)\n${E} (head)\n`);
    });

    it('graph commands load neither MikroORM, nor ts-node, nor pg', async () => {
      const hook = project.write(
        'hook.js',
        "process.on('exit', () => require('fs').writeFileSync(process.env.LOADED, Object.keys(require.cache).join('\\n')));\n",
      );
      for (const verb of [['heads'], ['branches'], ['history'], ['history', '--graph', '--no-indicate-current'], ['show', 'head'], ['check', '--headers-only']]) {
        const loaded = project.path('loaded.txt');
        await project.run(verb, { nodeArgs: ['-r', hook], env: { LOADED: loaded } });
        const modules = readFileSync(loaded, 'utf8');
        expect(modules, verb.join(' ')).to.contain('script-directory.js');
        expect(modules.split('\n').filter((m) => /node_modules[\\/](@mikro-orm|ts-node|typescript|pg|knex)[\\/]/.test(m)), verb.join(' ')).to.deep.equal([]);
      }
    });

    it('heads --json gives the revisions as data', async () => {
      const r = await project.run(['heads', '--json']);
      expect(r.code).to.equal(0);
      const heads = JSON.parse(r.stdout) as { id: string; branchLabels: string[]; path: string; downRevisions: string[] }[];
      expect(heads.map((h) => h.id)).to.deep.equal([C, E]);
      expect(heads[0]).to.include({ message: 'billing', path: `migrations/${C}_billing.js`, isHead: true });
      expect(heads[0].branchLabels).to.deep.equal(['billing']);
      expect(heads[1].downRevisions).to.deep.equal([D]);
    });

    it('branches shows the branch point and what branches off it', async () => {
      const r = await project.run(['branches']);
      expect(r.code).to.equal(0);
      expect(r.stdout).to.equal(
        [`${B} (branchpoint)`, `${' '.repeat(12)} -> ${C} (billing) (head), billing`, `${' '.repeat(12)} -> ${D}, orders`, ''].join('\n'),
      );
    });

    it('history lists newest first, as alembic history does', async () => {
      const r = await project.run(['history']);
      expect(r.code).to.equal(0);
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines).to.have.length(5);
      expect(lines).to.include(`${B} -> ${C} (billing) (head), billing`);
      expect(lines).to.include(`${D} -> ${E} (head), orders index`);
      expect(lines[lines.length - 1]).to.equal(`<base> -> ${A}, init`);
      expect(lines.indexOf(`${A} -> ${B} (branchpoint), users`)).to.equal(3);
    });

    it('history -r takes a range', async () => {
      const r = await project.run(['history', '-r', `${B}:${E}`]);
      expect(r.code).to.equal(0);
      expect(r.stdout.trimEnd().split('\n').map((l) => /-> (\w+)/.exec(l)?.[1])).to.deep.equal([E, D, B]);
    });

    it('history --graph draws the branches; without a usable config, no applied marks (and a note)', async () => {
      const r = await project.run(['history', '--graph']);
      expect(r.code).to.equal(0);
      expect(r.stderr).to.contain('the MikroORM config was loaded').and.to.contain('going on without the database');
      const quiet = await project.run(['history', '--graph', '--no-indicate-current']);
      expect(quiet.stderr).to.equal('');
      expect(quiet.stdout).to.equal(r.stdout);
      expect(r.stdout).to.equal(
        [
          `* ${C} (billing) (head), billing`,
          `| * ${E} (head), orders index`,
          `| * ${D}, orders`,
          '|/',
          `* ${B} (branchpoint), users`,
          `* ${A}, init`,
          '',
        ].join('\n'),
      );
    });

    it('show prints one revision in full', async () => {
      const r = await project.run(['show', '2222']);
      expect(r.code).to.equal(0);
      expect(r.stdout).to.contain(`Rev: ${B} (branchpoint)`);
      expect(r.stdout).to.contain(`Parent: ${A}`);
      expect(r.stdout).to.contain(`Branches into: ${C}, ${D}`);
      expect(r.stdout).to.contain(`Path: migrations/${B}_users.js`);
      expect(r.stdout).to.contain(`    Revision ID: ${B}`);
      const json = await project.run(['show', 'billing@head', '--json']);
      expect((JSON.parse(json.stdout) as { id: string }[]).map((x) => x.id)).to.deep.equal([C]);
    });

    it('check fails with two heads and suggests merge', async () => {
      const r = await project.run(['check']);
      expect(r.code).to.equal(1);
      expect(r.stdout).to.equal('');
      expect(r.stderr).to.contain(`2 heads (${C}, ${E})`).and.to.contain('merge heads');
      const json = await project.run(['check', '--json']);
      expect(json.code).to.equal(1);
      expect(JSON.parse(json.stdout)).to.include({ ok: false, revisions: 5 });
    });

    it('revision refuses to guess among several heads, listing them', async () => {
      const r = await project.run(['revision', '-m', 'x']);
      expect(r.code).to.equal(1);
      expect(r.stderr).to.contain(C).and.to.contain(E).and.to.contain('--head').and.to.contain('merge');
      expect(readdirSync(project.path('migrations'))).to.have.length(5);
    });

    it('show of an unknown or ambiguous target fails naming it', async () => {
      const unknown = await project.run(['show', 'ffff']);
      expect(unknown.code).to.equal(1);
      expect(unknown.stderr).to.contain("'ffff'").and.to.contain('history');
      const label = await project.run(['show', 'bil']); // a label prefix counts, as in Alembic
      expect(label.stdout).to.contain(`Rev: ${C}`);
      const ambiguous = await project.run(['show', '1111aaaa000']);
      expect(ambiguous.code).to.equal(0);
    });
  });

  describe('writing revisions', () => {
    it('revision builds on the single head; --head, --splice, --branch-label, --depends-on, --rev-id; merge joins heads', async () => {
      const project = new TestProject();
      project.write('mikro-orm.config.js', THROWING_CONFIG);
      expect((await project.run(['init', 'db/migrations', '--no-package-json'])).code).to.equal(0);
      const r1 = await project.run(['revision', '-m', 'create users', '--rev-id', 'aaaa00000001', '--path', 'db/migrations']);
      expect(r1.stderr).to.equal('');
      expect(r1.code).to.equal(0);
      expect(r1.stdout).to.equal('Created revision aaaa00000001: db/migrations/aaaa00000001_create_users.ts\n');
      const text = readFileSync(project.path('db/migrations/aaaa00000001_create_users.ts'), 'utf8');
      expect(text).to.contain("override readonly revision = 'aaaa00000001';").and.to.contain('override readonly downRevision = null;');
      expect(text).to.contain("import { Revision } from 'mikro-orm-alembic';");

      const p = ['--path', 'db/migrations'];
      expect((await project.run(['revision', '-m', 'two', '--rev-id', 'aaaa00000002', '--branch-label', 'core', ...p])).code).to.equal(0);
      // not a head without --splice
      const notHead = await project.run(['revision', '-m', 'side', '--head', 'aaaa00000001', ...p]);
      expect(notHead.code).to.equal(1);
      expect(notHead.stderr).to.contain('is not a head').and.to.contain('--splice');
      const side = await project.run(['revision', '-m', 'side', '--head', 'aaaa00000001', '--splice', '--rev-id', 'bbbb00000001', '--depends-on', 'core', ...p]);
      expect(side.stderr).to.equal('');
      expect(side.code).to.equal(0);
      const sideText = readFileSync(project.path('db/migrations/bbbb00000001_side.ts'), 'utf8');
      expect(sideText).to.contain("downRevision = 'aaaa00000001'").and.to.contain("dependsOn = ['core']");
      // a label used twice
      const dup = await project.run(['revision', '-m', 'x', '--head', 'core@head', '--branch-label', 'core', ...p]);
      expect(dup.code).to.equal(1);
      expect(dup.stderr).to.contain("Branch label 'core' is already used by revision aaaa00000002");

      const heads = await project.run(['heads', ...p]);
      expect(heads.stdout).to.equal('aaaa00000002 (core) (effective head)\nbbbb00000001 (head)\n');
      const merged = await project.run(['merge', '-m', 'join', '--rev-id', 'cccc00000001', ...p]);
      expect(merged.stderr).to.equal('');
      // before writing, whether the branches commute (docs/merges.md): bbbb00000001 depends on core, so core's head is the merge base
      expect(merged.stdout).to.contain('heads aaaa00000002 and bbbb00000001 part at aaaa00000002\n').and.to.contain('  commute: no object is touched on both sides');
      expect(merged.stdout.split('\n').slice(-2)).to.deep.equal(['Created merge revision cccc00000001 of aaaa00000002, bbbb00000001: db/migrations/cccc00000001_join.ts', '']);
      const check = await project.run(['check', ...p]);
      expect(check.code).to.equal(0);
      expect(check.stdout).to.equal('OK: 4 revisions in db/migrations, one head: cccc00000001 (core) (head), join\n');
      const graph = await project.run(['history', '--graph', ...p]);
      expect(graph.stdout).to.equal(
        [
          '* cccc00000001 (core) (head) (mergepoint), join',
          '|\\',
          '| * bbbb00000001, side [depends on core]',
          '* | aaaa00000002 (core), two',
          '|/',
          '* aaaa00000001 (branchpoint), create users',
          '',
        ].join('\n'),
      );
    });

    it('init scaffolds the folder, adds the package.json key and prints the config lines; refuses a folder with revisions', async () => {
      const project = new TestProject();
      const r = await project.run(['init', 'src/migrations']);
      expect(r.code).to.equal(0);
      // a TypeScript project (tsconfig.json): .ts revisions in pathTs, their compiled .js in path, as the README's config
      expect(r.stdout).to.contain('Created src/migrations/').and.to.contain("extensions: [alembic({ path: 'dist/src/migrations', pathTs: 'src/migrations' })]");
      expect(JSON.parse(readFileSync(project.path('package.json'), 'utf8'))['mikro-orm-alembic']).to.deep.equal({ path: 'dist/src/migrations', pathTs: 'src/migrations' });
      expect(readdirSync(project.path('src/migrations'))).to.deep.equal(['README.md']);
      // graph commands now find the folder without --path (and without any MikroORM config)
      const rev = await project.run(['revision', '-m', 'first']);
      expect(rev.code).to.equal(0);
      const again = await project.run(['init', 'src/migrations']);
      expect(again.code).to.equal(1);
      expect(again.stderr).to.contain('already exists and holds 1 revision file');
    });

    it("init writes what the README's config shows (outDir and rootDir of tsconfig.json; one folder without TypeScript), and the bin then has nothing to warn about", async () => {
      const ts = new TestProject();
      ts.write('tsconfig.json', JSON.stringify({ compilerOptions: { outDir: 'build', rootDir: 'src' } }));
      const r = await ts.run(['init', 'src/migrations']);
      expect(r.code, r.stderr).to.equal(0);
      expect(JSON.parse(readFileSync(ts.path('package.json'), 'utf8'))['mikro-orm-alembic']).to.deep.equal({ path: 'build/migrations', pathTs: 'src/migrations' });
      expect(r.stdout).to.contain("alembic({ path: 'build/migrations', pathTs: 'src/migrations' })");
      const readme = new TestProject();
      expect((await readme.run(['init'])).code).to.equal(0);
      expect(JSON.parse(readFileSync(readme.path('package.json'), 'utf8'))['mikro-orm-alembic']).to.deep.equal({ path: 'dist/migrations', pathTs: 'migrations' });
      // the README's config beside what init wrote: no disagreement warning
      readme.write('mikro-orm.config.js', [
        "const { defineConfig } = require('@mikro-orm/postgresql');",
        "const { alembic } = require('mikro-orm-alembic');",
        "module.exports = defineConfig({ dbName: 'app', extensions: [alembic({ path: 'dist/migrations', pathTs: 'migrations' })] });",
        '',
      ].join('\n'));
      const sql = await readme.run(['upgrade', 'head', '--sql']);
      expect(sql.code, sql.stderr).to.equal(0);
      expect(sql.stderr).not.to.contain('disagree');
      const js = new TestProject({ tsconfig: false });
      expect((await js.run(['init'])).code).to.equal(0);
      expect(JSON.parse(readFileSync(js.path('package.json'), 'utf8'))['mikro-orm-alembic']).to.deep.equal({ path: 'migrations' });
    });
  });

  describe('bad input: clear messages, non-zero exits', () => {
    const run = async (files: Record<string, string>, args: string[]) => {
      const project = new TestProject();
      for (const [name, text] of Object.entries(files)) project.write(`m/${name}`, text);
      return project.run([...args, '--path', 'm']);
    };

    it('a cycle names the revisions and their files', async () => {
      const r = await run({ 'x1.js': tableRevision('aaaa0001', 'aaaa0002'), 'x2.js': tableRevision('aaaa0002', 'aaaa0001') }, ['heads']);
      expect(r.code).to.equal(1);
      expect(r.stderr).to.match(/Cycle detected/).and.to.contain('m/x1.js').and.to.contain('m/x2.js');
    });

    it('a duplicate id names both files', async () => {
      const r = await run({ 'x1.js': tableRevision('aaaa0001', null), 'x2.js': tableRevision('aaaa0001', null) }, ['check']);
      expect(r.code).to.equal(1);
      expect(r.stderr).to.contain('aaaa0001 is present more than once').and.to.contain('m/x1.js, m/x2.js');
    });

    it('a missing parent names it', async () => {
      const r = await run({ 'x1.js': tableRevision('aaaa0001', 'ffff0009') }, ['history']);
      expect(r.code).to.equal(1);
      expect(r.stderr).to.contain('Revision aaaa0001 revises ffff0009, which is not present').and.to.contain('m/x1.js');
    });

    it('a syntax error in a header names the file and line', async () => {
      const broken = jsRevision({ id: 'aaaa0001' }).replace("this.downRevision = null;", 'this.downRevision = previous.revision;');
      const r = await run({ 'x1.js': broken }, ['heads']);
      expect(r.code).to.equal(1);
      expect(r.stderr).to.match(/m\/x1\.js:\d+: downRevision must be a literal/);
    });

    it('check loads every revision module and names each file that does not compile or import; --headers-only does not', async () => {
      const broken = tableRevision('aaaa0002', 'aaaa0001').replace("async up() {", 'async up() { this.addSql(');
      const ts = [
        '/**',
        ' * imports a module that is not there',
        ' *',
        ' * Revision ID: aaaa0003',
        ' * Revises: aaaa0002',
        ' * Create Date: 2026-01-01 00:00:00.000Z',
        ' */',
        "import { Revision } from 'mikro-orm-alembic';",
        "import { helper } from './_helpers/missing';",
        'export class R3 extends Revision {',
        "  override readonly revision = 'aaaa0003';",
        "  override readonly downRevision = 'aaaa0002';",
        '  override async up(): Promise<void> { helper(this); }',
        '}',
        '',
      ].join('\n');
      const files = { 'x1.js': tableRevision('aaaa0001', null), 'x2.js': broken, 'x3.ts': ts };
      const r = await run(files, ['check']);
      expect(r.code, r.stderr).to.equal(1);
      expect(r.stdout).to.equal('');
      expect(r.stderr).to.contain('2 revision modules cannot be loaded').and.to.contain('m/x2.js').and.to.contain('m/x3.ts');
      expect(r.stderr).to.contain('_helpers/missing').and.not.to.contain('m/x1.js');
      const json = await run(files, ['check', '--json']);
      expect(json.code).to.equal(1);
      const report = JSON.parse(json.stdout) as { ok: boolean; modules: { loaded: number; failed: { id: string; file: string }[] } };
      expect(report.ok).to.equal(false);
      expect(report.modules.loaded).to.equal(1);
      expect(report.modules.failed.map((f) => [f.id, f.file])).to.deep.equal([
        ['aaaa0002', 'm/x2.js'],
        ['aaaa0003', 'm/x3.ts'],
      ]);
      const fast = await run(files, ['check', '--headers-only']);
      expect(fast.code, fast.stderr).to.equal(0);
      expect(fast.stdout).to.contain('OK: 3 revisions');
    });

    it('an ambiguous prefix lists the candidates', async () => {
      const r = await run({ 'x1.js': tableRevision('abcd0001', null), 'x2.js': tableRevision('abcd0002', 'abcd0001') }, ['show', 'abcd']);
      expect(r.code).to.equal(1);
      expect(r.stderr).to.contain("Multiple revisions start with 'abcd': 'abcd0001', 'abcd0002'").and.to.contain('more characters');
    });

    it('a missing folder suggests init', async () => {
      const project = new TestProject();
      const r = await project.run(['heads', '--path', 'nowhere']);
      expect(r.code).to.equal(1);
      expect(r.stderr).to.contain('The migrations folder nowhere does not exist').and.to.contain('init');
    });

    it('usage errors exit with 2: unknown option, unknown verb, missing argument, invalid target syntax, bad range', async () => {
      const project = new TestProject();
      branched(project);
      const cases: [string[], string][] = [
        [['heads', '--bogus'], "unknown option '--bogus'"],
        [['frobnicate'], "unknown command 'frobnicate'"],
        [['show'], "missing required argument 'rev'"],
        [['downgrade'], "missing required argument 'target'"],
        [['upgrade', 'a b'], 'contains white space'],
        [['upgrade', '+x'], 'a relative step is + or - followed by a number'],
        [['upgrade', 'a@b@c'], "more than one '@'"],
        [['upgrade', `${A}:head`], 'only accepted with --sql'],
        [['downgrade', '--sql', 'base'], 'downgrade --sql needs a range from:to'],
        [['history', '-r', 'abc'], 'is not a range'],
        [['upgrade', '--transaction', 'some'], 'is not a transaction mode'],
        [['revision', '--rev-id', 'a-b'], 'is not a valid revision id'],
      ];
      for (const [args, message] of cases) {
        const r = await project.run([...args, '--path', 'migrations']);
        expect(r.code, `${args.join(' ')}: ${r.stderr}`).to.equal(2);
        expect(r.stderr, args.join(' ')).to.contain(message);
      }
      const help = await project.run(['--help']);
      expect(help.code).to.equal(0);
      expect(help.stdout).to.contain('Exit codes: 0 success, 1 the operation failed, 2 bad usage.');
      const version = await project.run(['--version']);
      expect(version.code).to.equal(0);
    });

    it('colours only with FORCE_COLOR, never in a pipe, and not with NO_COLOR', async () => {
      const project = new TestProject();
      branched(project);
      const plain = await project.run(['heads', '--path', 'migrations']);
      expect(plain.stdout).not.to.contain('\u001b[');
      const forced = await project.run(['heads', '--path', 'migrations'], { env: { FORCE_COLOR: '1' } });
      expect(forced.stdout).to.contain('\u001b[33m3333cccc0003\u001b[39m');
      const off = await project.run(['heads', '--path', 'migrations', '--no-color'], { env: { FORCE_COLOR: '1' } });
      expect(off.stdout).not.to.contain('\u001b[');
    });
  });
});
