import { expect } from 'chai';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  NoRevisionClassError,
  RevisionStatementError,
  ScriptLoadError,
  ScriptModuleMismatchError,
} from '../../src/script/errors';
import { Revision } from '../../src/script/revision';
import { isTsLoaderRegistered, loadRevision } from '../../src/script/revision-loader';
import { runRevision } from '../../src/script/run-revision';
import { ScriptDirectory, type RevisionScript } from '../../src/script/script-directory';
import { RecordingContext, rejected, removeTempDirs, revisionSource, SCRIPT_MODULE, tempDir, thrown, writeFiles } from './helpers';

/** Writes the files and returns the folder's revisions. */
function scriptsOf(files: Record<string, string>, preferTs = true): RevisionScript[] {
  const dir = tempDir();
  writeFiles(dir, files);
  return [...ScriptDirectory.read({ path: dir, preferTs }).scripts];
}

const REQUIRE_SCRIPT = `const { Revision } = require(${JSON.stringify(SCRIPT_MODULE)});\n`;

describe('script/revision-loader', () => {
  afterEach(removeTempDirs);

  it('loads a .ts revision and runs it', async () => {
    const [script] = scriptsOf({
      'aaaa_first.ts': revisionSource({
        id: 'aaaa',
        importFrom: SCRIPT_MODULE,
        extra: "  override readonly branchLabels = ['billing'];\n",
        body: '    this.addSql(`create table "a" ("id" int)`);\n    await this.outsideTransaction(async () => this.addSql(`vacuum "a"`));\n',
      }),
    });
    const revision = loadRevision(script);
    expect(revision).to.be.instanceOf(Revision);
    expect(revision.constructor.name).to.equal('Revaaaa');
    expect(revision.branchLabels).to.deep.equal(['billing']);
    const ctx = new RecordingContext();
    await runRevision(revision, 'up', ctx);
    expect(ctx.events).to.deep.equal(['create table "a" ("id" int)', '<commit>', 'vacuum "a"', '<begin>']);
  });

  it('loads a compiled .js revision (class fields) and runs it; a failing statement names the SQL', async () => {
    const [script] = scriptsOf(
      {
        'bbbb_second.js':
          '"use strict";\n' +
          'Object.defineProperty(exports, "__esModule", { value: true });\n' +
          '/**\n * Second\n *\n * Revision ID: bbbb\n * Revises: aaaa\n */\n' +
          REQUIRE_SCRIPT +
          'class Second extends Revision {\n' +
          "  revision = 'bbbb';\n" +
          "  downRevision = 'aaaa';\n" +
          '  transactional = false;\n' +
          '  async up() {\n' +
          "    this.addSql('create index concurrently \"i\" on \"a\" (\"id\")');\n" +
          "    this.addSql('select missing()');\n" +
          '  }\n' +
          '}\n' +
          'exports.Second = Second;\n',
      },
      false,
    );
    expect(script).to.deep.include({ id: 'bbbb', transactional: false, message: 'Second' });
    const revision = loadRevision(script);
    expect(revision.transactional).to.equal(false);
    const ctx = new RecordingContext(false, /missing/);
    const err = await rejected(runRevision(revision, 'up', ctx));
    expect(err).to.be.instanceOf(RevisionStatementError);
    expect(err).to.include({ revision: 'bbbb', sql: 'select missing()' });
    expect(ctx.events).to.deep.equal(['create index concurrently "i" on "a" ("id")', 'select missing()']);
  });

  it('loads tsc output for older targets (fields assigned in the constructor) and plain-JS static fields', async () => {
    const [older, statics] = scriptsOf(
      {
        'a_older.js':
          REQUIRE_SCRIPT +
          'class Older extends Revision {\n' +
          '  constructor() {\n' +
          '    super(...arguments);\n' +
          "    this.revision = 'aaaa';\n" +
          '    this.downRevision = null;\n' +
          "    this.dependsOn = ['x'];\n" +
          '  }\n' +
          "  up() { this.addSql('older'); }\n" +
          '}\n' +
          'exports.Older = Older;\n',
        'b_statics.cjs':
          REQUIRE_SCRIPT +
          'module.exports = class Statics extends Revision {\n' +
          "  static revision = 'bbbb';\n" +
          "  static downRevision = ['aaaa'];\n" +
          "  static branchLabels = ['s'];\n" +
          "  up() { this.addSql('statics'); }\n" +
          '};\n',
      },
      false,
    );
    const ctx = new RecordingContext();
    await runRevision(loadRevision(older), 'up', ctx);
    await runRevision(loadRevision(statics), 'up', ctx);
    expect(ctx.events).to.deep.equal(['older', 'statics']);
    expect(statics).to.deep.include({ id: 'bbbb', downRevisions: ['aaaa'], branchLabels: ['s'] });
  });

  it('picks the class whose revision is the file id when several revision classes are exported', () => {
    const [script] = scriptsOf(
      {
        'a.js':
          REQUIRE_SCRIPT +
          'class Base extends Revision { up() {} }\n' +
          "class Real extends Base {\n  revision = 'aaaa';\n  downRevision = null;\n}\n" +
          'module.exports = { Base, Real, helper: () => 1, answer: 42 };\n',
      },
      false,
    );
    expect(loadRevision(script).constructor.name).to.equal('Real');
  });

  it('several exported classes with the file id: NoRevisionClassError', () => {
    const [script] = scriptsOf(
      {
        'a.js':
          REQUIRE_SCRIPT +
          "class A extends Revision {\n  revision = 'aaaa';\n  downRevision = null;\n  up() {}\n}\n" +
          'class B extends A {}\n' +
          'module.exports = { A, B };\n',
      },
      false,
    );
    const err = thrown(() => loadRevision(script));
    expect(err).to.be.instanceOf(NoRevisionClassError);
    expect(err.message).to.match(/a\.js: the module exports several classes with revision = 'aaaa': A, B$/);
  });

  it('a module without an exported revision class: NoRevisionClassError naming the file', () => {
    const [script] = scriptsOf(
      { 'a.js': REQUIRE_SCRIPT + "class A extends Revision {\n  revision = 'aaaa';\n  downRevision = null;\n  up() {}\n}\nexports.x = 1;\n" },
      false,
    );
    const err = thrown(() => loadRevision(script));
    expect(err).to.be.instanceOf(NoRevisionClassError);
    expect(err.code).to.equal('SCRIPT_NO_CLASS');
    expect((err as NoRevisionClassError).file).to.match(/a\.js$/);
    expect(err.message).to.contain('the module exports no class extending Revision');
  });

  it('fields that differ at run time from the file text: ScriptModuleMismatchError', () => {
    const [script] = scriptsOf(
      {
        'a.js':
          REQUIRE_SCRIPT +
          "class A extends Revision {\n  revision = 'aaaa';\n  downRevision = 'zzzz';\n  up() {}\n}\n" +
          "A.downRevision = 'yyyy';\n" +
          'exports.A = A;\n',
      },
      false,
    );
    const err = thrown(() => loadRevision(script));
    expect(err).to.be.instanceOf(ScriptModuleMismatchError);
    expect(err.code).to.equal('SCRIPT_MODULE_MISMATCH');
    expect(err.message).to.match(/a\.js: the loaded class has downRevision = "yyyy", but the file text declares \["zzzz"\]/);
  });

  it('a class whose revision differs from the file text: ScriptModuleMismatchError', () => {
    const [script] = scriptsOf(
      { 'a.js': REQUIRE_SCRIPT + "class A extends Revision {\n  revision = 'aaaa';\n  downRevision = null;\n  up() {}\n}\nA.revision = 'bbbb';\nexports.A = A;\n" },
      false,
    );
    const err = thrown(() => loadRevision(script));
    expect(err).to.be.instanceOf(ScriptModuleMismatchError);
    expect((err as ScriptModuleMismatchError).field).to.equal('revision');
  });

  it('a module that throws when required: ScriptLoadError with the cause', () => {
    const [script] = scriptsOf(
      { 'a.js': REQUIRE_SCRIPT + "class A extends Revision {\n  revision = 'aaaa';\n  downRevision = null;\n}\nthrow new Error('cannot start');\n" },
      false,
    );
    const err = thrown(() => loadRevision(script));
    expect(err).to.be.instanceOf(ScriptLoadError);
    expect(err.code).to.equal('SCRIPT_LOAD');
    expect(err.message).to.match(/a\.js: cannot load the revision module: cannot start$/);
    expect((err.cause as Error).message).to.equal('cannot start');
  });

  it('a .ts revision without a TypeScript loader registered: transpiled with the installed typescript, and runs', async () => {
    const [script] = scriptsOf({
      'a.ts': revisionSource({ id: 'aaaa', importFrom: SCRIPT_MODULE, body: '    this.addSql(`create table "a" ("id" int)`);\n' }),
    });
    const extensions = require.extensions;
    const tsLoader = extensions['.ts'];
    delete extensions['.ts'];
    let revision: Revision;
    try {
      expect(isTsLoaderRegistered()).to.equal(false);
      revision = loadRevision(script);
    } finally {
      extensions['.ts'] = tsLoader;
    }
    expect(isTsLoaderRegistered()).to.equal(true);
    const ctx = new RecordingContext();
    await runRevision(revision, 'up', ctx);
    expect(ctx.events).to.deep.equal(['create table "a" ("id" int)']);
  });

  it('a .ts revision is not type-checked at load time, whatever loader is registered (a type error loads)', async () => {
    const [script] = scriptsOf({
      'a.ts': revisionSource({
        id: 'aaaa',
        importFrom: SCRIPT_MODULE,
        body: "    const count: number = 'not a number' as unknown as string as never;\n    const wrong: string = 42 as unknown as number;\n    this.addSql(`select ${String(count).length + String(wrong).length}`);\n",
      }),
    });
    const revision = loadRevision(script);
    const ctx = new RecordingContext();
    await runRevision(revision, 'up', ctx);
    expect(ctx.events).to.deep.equal(['select 14']);
  });

  it('a .ts revision with a syntax error: ScriptLoadError naming the file, line and column', () => {
    const [script] = scriptsOf({
      'a.ts': revisionSource({ id: 'aaaa', importFrom: SCRIPT_MODULE, body: '    this.addSql(`select 1`;\n' }),
    });
    const err = thrown(() => loadRevision(script));
    expect(err).to.be.instanceOf(ScriptLoadError);
    expect(err.code).to.equal('SCRIPT_LOAD');
    expect(err.message).to.match(/a\.ts: cannot load the revision module: .*a\.ts:\d+:\d+: '\)' expected\.$/);
  });

  it('runs a revision built on another copy of this package (duck-typed, not instanceof)', async () => {
    // a second copy of src/script (and the errors and reserved names it imports), as another node_modules would hold
    const copy = tempDir();
    mkdirSync(join(copy, 'script'));
    const source = resolve(SCRIPT_MODULE);
    for (const name of readdirSync(source)) copyFileSync(join(source, name), join(copy, 'script', name));
    copyFileSync(resolve(source, '../errors.ts'), join(copy, 'errors.ts'));
    mkdirSync(join(copy, 'graph'));
    copyFileSync(resolve(source, '../graph/reserved-names.ts'), join(copy, 'graph', 'reserved-names.ts'));
    const [script] = scriptsOf({
      'a.ts': revisionSource({ id: 'aaaa', importFrom: join(copy, 'script'), body: "    this.addSql('from the copy');\n" }),
    });
    const revision = loadRevision(script);
    expect(revision).not.to.be.instanceOf(Revision);
    const ctx = new RecordingContext();
    await runRevision(revision, 'up', ctx);
    expect(ctx.events).to.deep.equal(['from the copy']);
  });
});
