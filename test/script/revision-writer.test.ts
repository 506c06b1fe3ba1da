import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import {
  HeadRequiredError,
  InvalidRevisionIdError,
  NotAHeadError,
  NothingToMergeError,
  RevisionExistsError,
  ScriptParseError,
} from '../../src/script/errors';
import { loadRevision } from '../../src/script/revision-loader';
import { renderRevision, revisionClassName, writeMerge, writeRevision } from '../../src/script/revision-writer';
import { runRevision } from '../../src/script/run-revision';
import { ScriptDirectory } from '../../src/script/script-directory';
import { RecordingContext, removeTempDirs, SCRIPT_MODULE, tempDir, thrown } from './helpers';

const DATE = new Date('2026-11-25T13:45:00.123Z');

describe('script/revision-writer', () => {
  afterEach(removeTempDirs);

  it('renders the documented file format', () => {
    const { fileName, text } = renderRevision({
      id: '1a2b3c4d5e6f',
      downRevisions: ['0f9e8d7c6b5a'],
      message: 'Add user role',
      createDate: DATE,
      upBody: 'this.addSql(`alter table "user" add column "nickname" text`);',
      downBody: 'this.addSql(`alter table "user" drop column "nickname"`);',
    });
    expect(fileName).to.equal('1a2b3c4d5e6f_add_user_role.ts');
    expect(text).to.equal(
      [
        '/**',
        ' * Add user role',
        ' *',
        ' * Revision ID: 1a2b3c4d5e6f',
        ' * Revises: 0f9e8d7c6b5a',
        ' * Create Date: 2026-11-25 13:45:00.123Z',
        ' */',
        "import { Revision } from 'mikro-orm-alembic';",
        '',
        'export class AddUserRole_1a2b3c4d5e6f extends Revision {',
        "  override readonly revision = '1a2b3c4d5e6f';",
        "  override readonly downRevision = '0f9e8d7c6b5a';",
        '  override readonly branchLabels = [];',
        '  override readonly dependsOn = [];',
        '',
        '  override async up(): Promise<void> {',
        '    this.addSql(`alter table "user" add column "nickname" text`);',
        '  }',
        '',
        '  override async down(): Promise<void> {',
        '    this.addSql(`alter table "user" drop column "nickname"`);',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('writes byte-identical files for identical inputs', () => {
    const [a, b] = [tempDir(), tempDir()];
    const options = { heads: ['0f9e8d7c6b5a'], message: 'Add user role', revId: '1a2b3c4d5e6f', createDate: DATE, branchLabels: ['users'] };
    const first = writeRevision({ ...options, directory: a });
    const second = writeRevision({ ...options, directory: b });
    expect(first.fileName).to.equal(second.fileName);
    expect(readFileSync(first.path)).to.deep.equal(readFileSync(second.path));
  });

  it('round trip: written revisions (a base, a labelled base, a merge) read back as the same records', () => {
    const dir = tempDir();
    const a = writeRevision({ directory: dir, heads: [], message: 'Create users', revId: 'aaaaaaaaaaaa', createDate: DATE });
    const b = writeRevision({
      directory: dir,
      heads: [a.id],
      head: null,
      message: 'Billing: create invoices',
      branchLabels: ['billing'],
      dependsOn: [a.id],
      revId: 'bbbbbbbbbbbb',
      createDate: DATE,
    });
    const m = writeMerge({ directory: dir, heads: [a.id, b.id], revId: 'cccccccccccc', createDate: DATE });
    expect([a, b, m].map((w) => w.path)).to.deep.equal([a, b, m].map((w) => join(dir, w.fileName)));
    const directory = ScriptDirectory.read({ path: dir, preferTs: true });
    expect(directory.toRecords()).to.deep.equal([
      { id: 'aaaaaaaaaaaa', downRevisions: [], branchLabels: [], dependsOn: [] },
      { id: 'bbbbbbbbbbbb', downRevisions: [], branchLabels: ['billing'], dependsOn: ['aaaaaaaaaaaa'] },
      { id: 'cccccccccccc', downRevisions: ['aaaaaaaaaaaa', 'bbbbbbbbbbbb'], branchLabels: [], dependsOn: [] },
    ]);
    expect(directory.scripts.map((s) => [s.fileName, s.message, s.createDate])).to.deep.equal([
      ['aaaaaaaaaaaa_create_users.ts', 'Create users', '2026-11-25 13:45:00.123Z'],
      ['bbbbbbbbbbbb_billing_create_invoices.ts', 'Billing: create invoices', '2026-11-25 13:45:00.123Z'],
      ['cccccccccccc_merge_aaaaaaaaaaaa_bbbbbbbbbbbb.ts', 'merge aaaaaaaaaaaa, bbbbbbbbbbbb', '2026-11-25 13:45:00.123Z'],
    ]);
  });

  it('a written revision loads and runs', async () => {
    const dir = tempDir();
    writeRevision({
      directory: dir,
      heads: [],
      message: 'Add index',
      revId: 'dddddddddddd',
      transactional: false,
      importFrom: SCRIPT_MODULE,
      upBody: 'this.addSql(`create index concurrently "i" on "t" ("c")`);\n\nthis.addSql(`analyze "t"`);\n',
      downBody: 'this.addSql(`drop index concurrently "i"`);',
    });
    const [script] = ScriptDirectory.read({ path: dir, preferTs: true }).scripts;
    expect(script.transactional).to.equal(false);
    const ctx = new RecordingContext();
    await runRevision(loadRevision(script), 'up', ctx);
    await runRevision(loadRevision(script), 'down', ctx);
    expect(ctx.events).to.deep.equal(['create index concurrently "i" on "t" ("c")', 'analyze "t"', 'drop index concurrently "i"']);
  });

  it('written files compile under the strict project settings', function () {
    this.timeout(60_000);
    const dir = tempDir();
    const common = { directory: dir, importFrom: SCRIPT_MODULE, createDate: DATE };
    const a = writeRevision({ ...common, heads: [], message: 'base', revId: 'aaaaaaaaaaaa', upBody: 'this.addSql(`select 1`);' });
    const b = writeRevision({ ...common, heads: [a.id], message: 'labelled', branchLabels: ['x'], dependsOn: [a.id], transactional: false });
    const c = writeRevision({ ...common, heads: [b.id], head: a.id, splice: true, message: '2fa' });
    writeMerge({ ...common, heads: [b.id, c.id] });
    const root = resolve(__dirname, '../..');
    const program = ts.createProgram(
      readdirSync(dir).map((f) => join(dir, f)),
      {
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.CommonJS,
        moduleResolution: ts.ModuleResolutionKind.Node10,
        lib: ['lib.es2023.d.ts'],
        strict: true,
        noImplicitOverride: true,
        noUnusedLocals: true,
        noUnusedParameters: true,
        experimentalDecorators: true,
        esModuleInterop: true,
        skipLibCheck: true,
        noEmit: true,
        types: ['node'],
        typeRoots: [join(root, 'node_modules/@types')],
      },
    );
    const problems = ts
      .getPreEmitDiagnostics(program)
      .map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    expect(problems).to.deep.equal([]);
  });

  describe('the down revision', () => {
    it('defaults to the single head, or none when there is no revision yet', () => {
      const dir = tempDir();
      const a = writeRevision({ directory: dir, heads: [], message: 'a' });
      const b = writeRevision({ directory: dir, heads: [a.id], message: 'b' });
      const records = ScriptDirectory.read({ path: dir, preferTs: true }).toRecords();
      expect(records.find((r) => r.id === a.id)?.downRevisions).to.deep.equal([]);
      expect(records.find((r) => r.id === b.id)?.downRevisions).to.deep.equal([a.id]);
    });

    it('several heads and no head given: HeadRequiredError listing them', () => {
      const dir = tempDir();
      const err = thrown(() => writeRevision({ directory: dir, heads: ['aaaa', 'bbbb'], message: 'x' }));
      expect(err).to.be.instanceOf(HeadRequiredError);
      expect(err.code).to.equal('HEAD_REQUIRED');
      expect(err.message).to.equal('There are several heads (aaaa, bbbb): pass the head to build on, or merge them first (merge aaaa bbbb)');
      expect(readdirSync(dir)).to.deep.equal([]);
    });

    it('a head that is not a head needs splice', () => {
      const dir = tempDir();
      const err = thrown(() => writeRevision({ directory: dir, heads: ['bbbb'], head: 'aaaa', message: 'x' }));
      expect(err).to.be.instanceOf(NotAHeadError);
      expect(err.code).to.equal('NOT_A_HEAD');
      expect(err.message).to.equal('Revision aaaa is not a head (heads: bbbb); pass splice: true to start a branch from it');
      const spliced = writeRevision({ directory: dir, heads: ['bbbb'], head: 'aaaa', splice: true, message: 'x' });
      expect(readFileSync(spliced.path, 'utf8')).to.contain("override readonly downRevision = 'aaaa';");
    });

    it('head: null starts a new base, several heads make a merge-like revision', () => {
      const dir = tempDir();
      const base = writeRevision({ directory: dir, heads: ['aaaa', 'bbbb'], head: null, message: 'new base', branchLabels: ['other'] });
      expect(readFileSync(base.path, 'utf8')).to.contain('override readonly downRevision = null;');
      const joined = writeRevision({ directory: dir, heads: ['aaaa', 'bbbb'], head: ['aaaa', 'bbbb'], message: 'join with steps' });
      expect(readFileSync(joined.path, 'utf8')).to.contain("override readonly downRevision = ['aaaa', 'bbbb'];");
    });
  });

  describe('merge', () => {
    it('merges all heads by default, with an empty up and down', () => {
      const dir = tempDir();
      const m = writeMerge({ directory: dir, heads: ['aaaa', 'bbbb', 'cccc'], revId: 'mmmm', createDate: DATE });
      const text = readFileSync(m.path, 'utf8');
      expect(m.fileName).to.equal('mmmm_merge_aaaa_bbbb_cccc.ts');
      expect(text).to.contain(' * merge aaaa, bbbb, cccc\n');
      expect(text).to.contain(' * Revises: aaaa, bbbb, cccc\n');
      expect(text).to.contain("override readonly downRevision = ['aaaa', 'bbbb', 'cccc'];");
      expect(text).to.contain('  override async up(): Promise<void> {\n    // a merge revision: nothing to run\n  }');
    });

    it('merges the given heads with a given message', () => {
      const dir = tempDir();
      const m = writeMerge({ directory: dir, heads: ['aaaa', 'bbbb', 'cccc'], revisions: ['cccc', 'aaaa'], message: 'Join billing' });
      expect(ScriptDirectory.read({ path: dir, preferTs: true }).scripts[0]).to.deep.include({
        id: m.id,
        downRevisions: ['cccc', 'aaaa'],
        message: 'Join billing',
      });
    });

    it('refuses fewer than two heads, and revisions that are not heads', () => {
      const dir = tempDir();
      const one = thrown(() => writeMerge({ directory: dir, heads: ['aaaa'] }));
      expect(one).to.be.instanceOf(NothingToMergeError);
      expect(one.message).to.equal('Nothing to merge: a merge needs at least two heads, got aaaa');
      expect(thrown(() => writeMerge({ directory: dir, heads: ['aaaa', 'bbbb'], revisions: ['aaaa', 'aaaa'] }))).to.be.instanceOf(NothingToMergeError);
      const notHead = thrown(() => writeMerge({ directory: dir, heads: ['aaaa', 'bbbb'], revisions: ['aaaa', 'cccc'] }));
      expect(notHead).to.be.instanceOf(NotAHeadError);
      expect(notHead.message).to.equal('Revision cccc is not a head (heads: aaaa, bbbb); a merge joins heads');
    });
  });

  describe('refusals', () => {
    it('never overwrites a file, nor reuses an id of the folder', () => {
      const dir = tempDir();
      const first = writeRevision({ directory: dir, heads: [], message: 'Add role', revId: 'aaaaaaaaaaaa', createDate: DATE });
      const before = readFileSync(first.path, 'utf8');
      const same = thrown(() => writeRevision({ directory: dir, heads: [], message: 'Add role', revId: 'aaaaaaaaaaaa' }));
      expect(same).to.be.instanceOf(RevisionExistsError);
      expect(same.code).to.equal('REVISION_EXISTS');
      const other = thrown(() => writeRevision({ directory: dir, heads: [], message: 'Something else', revId: 'aaaaaaaaaaaa' }));
      expect(other).to.be.instanceOf(RevisionExistsError);
      expect(other.message).to.match(/aaaaaaaaaaaa_add_role\.ts: a revision with id aaaaaaaaaaaa already exists$/);
      expect(readFileSync(first.path, 'utf8')).to.equal(before);
      expect(readdirSync(dir)).to.deep.equal(['aaaaaaaaaaaa_add_role.ts']);
      // a longer id that starts like an existing one is fine
      writeRevision({ directory: dir, heads: [], message: 'Add role', revId: 'aaaaaaaaaaaa_2' });
    });

    it('refuses invalid ids', () => {
      const dir = tempDir();
      const err = thrown(() => writeRevision({ directory: dir, heads: [], message: 'x', revId: 'no-dash' }));
      expect(err).to.be.instanceOf(InvalidRevisionIdError);
      expect(err.code).to.equal('INVALID_REVISION_ID');
      expect(thrown(() => writeRevision({ directory: dir, heads: [], head: 'a b', splice: true, message: 'x' }))).to.be.instanceOf(InvalidRevisionIdError);
      expect(readdirSync(dir)).to.deep.equal([]);
    });

    it('writes nothing the reader would refuse (an empty branch label)', () => {
      const dir = join(tempDir(), 'migrations');
      const err = thrown(() => writeRevision({ directory: dir, heads: [], message: 'x', branchLabels: [''] }));
      expect(err).to.be.instanceOf(ScriptParseError);
      expect(err.message).to.contain('branchLabels: empty string');
      expect(existsSync(dir)).to.equal(false);
    });
  });

  describe('names and text', () => {
    it('class names: PascalCase slug + _ + id, or Revision_<id>', () => {
      expect(revisionClassName('add_user_role', '1a2b3c4d5e6f')).to.equal('AddUserRole_1a2b3c4d5e6f');
      expect(revisionClassName('2fa', '1a2b3c4d5e6f')).to.equal('Revision_1a2b3c4d5e6f');
      expect(revisionClassName('', 'abc')).to.equal('Revision_abc');
    });

    it('a message without letters or digits gives <id>.ts and Revision_<id>', () => {
      const { fileName, text } = renderRevision({ id: 'abcd', downRevisions: [], message: '!!!', createDate: DATE });
      expect(fileName).to.equal('abcd.ts');
      expect(text).to.contain('export class Revision_abcd extends Revision {');
    });

    it('an empty message renders no message lines', () => {
      const { text } = renderRevision({ id: 'abcd', downRevisions: [], message: '  ', createDate: DATE });
      expect(text.startsWith('/**\n * Revision ID: abcd\n * Revises:\n')).to.equal(true);
    });

    it('multi-line messages and comment terminators stay inside the header', () => {
      const dir = tempDir();
      const w = writeRevision({ directory: dir, heads: [], message: 'Fix */ things\n\nMore detail', revId: 'abcd' });
      expect(ScriptDirectory.read({ path: dir, preferTs: true }).get(w.id)?.message).to.equal('Fix *\\/ things\n\nMore detail');
    });

    it('quotes labels and the import specifier safely', () => {
      const dir = tempDir();
      const w = writeRevision({ directory: dir, heads: [], message: 'x', branchLabels: ["it's", 'back\\slash'], importFrom: "../lib's" });
      const text = readFileSync(w.path, 'utf8');
      expect(text).to.contain("import { Revision } from '../lib\\'s';");
      expect(ScriptDirectory.read({ path: dir, preferTs: true }).scripts[0].branchLabels).to.deep.equal(["it's", 'back\\slash']);
    });

    it('indents bodies and renders transactional = false', () => {
      const { text } = renderRevision({
        id: 'abcd',
        downRevisions: [],
        message: 'x',
        createDate: DATE,
        transactional: false,
        upBody: 'if (a) {\n  this.addSql(`b`);\n}\n',
        downBody: '',
      });
      expect(text).to.contain('  override readonly transactional = false;\n');
      expect(text).to.contain('  override async up(): Promise<void> {\n    if (a) {\n      this.addSql(`b`);\n    }\n  }\n');
      expect(text).to.contain('  override async down(): Promise<void> {\n  }\n');
    });
  });
});
