import { expect } from 'chai';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ScriptDirectoryMissingError, ScriptParseError } from '../../src/script/errors';
import { isRevisionFileName, resolveScriptFolder, ScriptDirectory } from '../../src/script/script-directory';
import { removeTempDirs, revisionSource, tempDir, thrown, writeFiles } from './helpers';

describe('script/script-directory', () => {
  afterEach(removeTempDirs);

  describe('which files are revisions', () => {
    it('isRevisionFileName: .ts/.js/.cjs, not .d.ts, not starting with _ or .', () => {
      for (const name of ['1a2b3c4d5e6f_add_role.ts', 'a.js', 'init.cjs', 'x_y.z.ts']) expect(isRevisionFileName(name), name).to.equal(true);
      for (const name of ['a.d.ts', '_helpers.ts', '.hidden.ts', 'a.mjs', 'a.mts', 'a.js.map', 'a.json', 'README.md', 'ts', '.gitkeep']) {
        expect(isRevisionFileName(name), name).to.equal(false);
      }
    });

    it('reads revision files and ignores helpers, declarations, other extensions and subfolders', () => {
      const dir = tempDir();
      writeFiles(dir, {
        'bbbb_second.ts': revisionSource({ id: 'bbbb', down: "'aaaa'" }),
        'aaaa_first.ts': revisionSource({ id: 'aaaa' }),
        '_helpers.ts': 'export const helper = 1;\n',
        '.eslintrc.js': 'module.exports = {};\n',
        'aaaa_first.d.ts': 'export declare class X {}\n',
        'aaaa_first.js.map': '{}',
        'notes.md': '# notes',
        'snapshot.json': '{}',
        'esm.mjs': 'export {}',
        'sub/cccc_nested.ts': revisionSource({ id: 'cccc' }),
      });
      mkdirSync(join(dir, 'dddd_dir.ts'));
      const scripts = ScriptDirectory.read({ path: dir, preferTs: true }).scripts;
      expect(scripts.map((s) => s.fileName)).to.deep.equal(['aaaa_first.ts', 'bbbb_second.ts']);
    });

    it('a selected file without a revision field is an error naming it', () => {
      const dir = tempDir();
      writeFiles(dir, { 'aaaa_first.ts': revisionSource({ id: 'aaaa' }), 'utils.ts': 'export function helper() {}\n' });
      const err = thrown(() => ScriptDirectory.read({ path: dir, preferTs: true }));
      expect(err).to.be.instanceOf(ScriptParseError);
      expect((err as ScriptParseError).file).to.equal(shown(join(dir, 'utils.ts')));
      expect(err.message).to.contain('utils.ts:1: no `revision` field');
    });

    it('reads a symbolic link to a revision file', () => {
      const dir = tempDir();
      const elsewhere = tempDir();
      writeFiles(elsewhere, { 'aaaa_first.ts': revisionSource({ id: 'aaaa' }) });
      symlinkSync(join(elsewhere, 'aaaa_first.ts'), join(dir, 'aaaa_first.ts'));
      expect(ScriptDirectory.read({ path: dir, preferTs: true }).scripts.map((s) => s.id)).to.deep.equal(['aaaa']);
    });
  });

  describe('order and content', () => {
    it('lists revisions in file-name order with everything the header says', () => {
      const dir = tempDir();
      writeFiles(dir, {
        'c_merge.ts': revisionSource({ id: 'cccc', down: "['aaaa', 'bbbb']", extra: '  override readonly transactional = false;\n' }),
        'B_upper.ts': revisionSource({ id: 'bbbb', extra: "  override readonly branchLabels = ['billing'];\n" }),
        'a_first.ts': revisionSource({
          id: 'aaaa',
          header: '/**\n * First one\n *\n * Revision ID: aaaa\n * Create Date: 2026-01-02 03:04:05.678Z\n */\n',
          extra: "  override readonly dependsOn = ['billing'];\n",
        }),
      });
      const directory = ScriptDirectory.read({ path: dir, preferTs: true });
      expect(directory.folder).to.equal(dir);
      expect(directory.scripts.map((s) => s.fileName)).to.deep.equal(['B_upper.ts', 'a_first.ts', 'c_merge.ts']);
      expect(directory.scripts[1]).to.deep.equal({
        id: 'aaaa',
        downRevisions: [],
        branchLabels: [],
        dependsOn: ['billing'],
        transactional: true,
        replaces: [],
        message: 'First one',
        createDate: '2026-01-02 03:04:05.678Z',
        path: join(dir, 'a_first.ts'),
        fileName: 'a_first.ts',
      });
      expect(directory.scripts[2]).to.deep.include({ downRevisions: ['aaaa', 'bbbb'], transactional: false });
      expect(Object.isFrozen(directory.scripts)).to.equal(true);
      expect(Object.isFrozen(directory.scripts[0])).to.equal(true);
    });

    it('gives the graph records in the same order, and passes duplicate ids through', () => {
      const dir = tempDir();
      writeFiles(dir, {
        'a.ts': revisionSource({ id: 'aaaa' }),
        'b.ts': revisionSource({ id: 'bbbb', down: "'aaaa'", extra: "  override readonly branchLabels = ['x'];\n  override readonly dependsOn = ['y'];\n" }),
        'c.ts': revisionSource({ id: 'aaaa', header: null }),
      });
      const directory = ScriptDirectory.read({ path: dir, preferTs: true });
      expect(directory.toRecords()).to.deep.equal([
        { id: 'aaaa', downRevisions: [], branchLabels: [], dependsOn: [] },
        { id: 'bbbb', downRevisions: ['aaaa'], branchLabels: ['x'], dependsOn: ['y'] },
        { id: 'aaaa', downRevisions: [], branchLabels: [], dependsOn: [] },
      ]);
      expect(directory.get('aaaa')?.fileName).to.equal('a.ts');
      expect(directory.get('zzzz')).to.equal(undefined);
    });

    it('reads an empty folder as no revisions', () => {
      expect(ScriptDirectory.read({ path: tempDir(), preferTs: true }).scripts).to.deep.equal([]);
    });

    it('a missing folder is a typed error', () => {
      const missing = join(tempDir(), 'migrations');
      const err = thrown(() => ScriptDirectory.read({ path: missing }));
      expect(err).to.be.instanceOf(ScriptDirectoryMissingError);
      expect(err.code).to.equal('SCRIPT_DIRECTORY_MISSING');
      expect(err.message).to.contain(missing);
    });

    it('names the file and line of a file it cannot read', () => {
      const dir = tempDir();
      writeFiles(dir, { 'a.ts': revisionSource({ id: 'aaaa', down: 'PREVIOUS' }) });
      const err = thrown(() => ScriptDirectory.read({ path: dir, preferTs: true }));
      expect(err.code).to.equal('SCRIPT_NOT_A_LITERAL');
      expect(err.message).to.equal(`${shown(join(dir, 'a.ts'))}:10: downRevision must be a literal (null, an id string, or an array of id strings), so that it can be read without running the file`);
    });
  });

  describe('the .ts folder and the .js folder', () => {
    function project(): string {
      const base = tempDir();
      writeFiles(base, {
        'src/migrations/aaaa_first.ts': revisionSource({ id: 'aaaa' }),
        'dist/migrations/aaaa_first.js': "class A extends Revision {\n  revision = 'aaaa';\n  downRevision = null;\n}\n",
        'dist/migrations/aaaa_first.d.ts': 'export declare class A {}\n',
        'dist/migrations/bbbb_second.js': "class B extends Revision {\n  revision = 'bbbb';\n  downRevision = 'aaaa';\n}\n",
      });
      return base;
    }

    it('reads pathTs when preferring TypeScript, path otherwise', () => {
      const base = project();
      const options = { baseDir: base, path: 'dist/migrations', pathTs: 'src/migrations' };
      const ts = ScriptDirectory.read({ ...options, preferTs: true });
      expect(ts.folder).to.equal(join(base, 'src/migrations'));
      expect(ts.scripts.map((s) => s.fileName)).to.deep.equal(['aaaa_first.ts']);
      const js = ScriptDirectory.read({ ...options, preferTs: false });
      expect(js.folder).to.equal(join(base, 'dist/migrations'));
      expect(js.scripts.map((s) => s.fileName)).to.deep.equal(['aaaa_first.js', 'bbbb_second.js']);
    });

    it('uses path for both when pathTs is not set, and "migrations" by default', () => {
      const base = project();
      expect(resolveScriptFolder({ baseDir: base, path: 'dist/migrations', preferTs: true })).to.equal(join(base, 'dist/migrations'));
      expect(resolveScriptFolder({ baseDir: base, preferTs: false })).to.equal(join(base, 'migrations'));
      expect(resolveScriptFolder({ baseDir: base, path: '/abs/m', pathTs: 'src/m', preferTs: false })).to.equal('/abs/m');
    });

    it('prefers TypeScript by default when a .ts loader is registered (as under mocha + ts-node here)', () => {
      const base = project();
      expect(resolveScriptFolder({ baseDir: base, path: 'dist/migrations', pathTs: 'src/migrations' })).to.equal(join(base, 'src/migrations'));
    });

    it('reads one file per name when a folder holds both x.ts and x.js', () => {
      const dir = tempDir();
      writeFiles(dir, {
        'aaaa_first.ts': revisionSource({ id: 'aaaa' }),
        'aaaa_first.js': "class A extends Revision {\n  revision = 'aaaa';\n  downRevision = null;\n}\n",
        'bbbb_second.cjs': "class B extends Revision {\n  revision = 'bbbb';\n  downRevision = 'aaaa';\n}\n",
      });
      expect(ScriptDirectory.read({ path: dir, preferTs: true }).scripts.map((s) => s.fileName)).to.deep.equal(['aaaa_first.ts', 'bbbb_second.cjs']);
      expect(ScriptDirectory.read({ path: dir, preferTs: false }).scripts.map((s) => s.fileName)).to.deep.equal(['aaaa_first.js', 'bbbb_second.cjs']);
    });
  });
});

/** A path as error messages show it. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
}
