import { expect } from 'chai';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as ts from 'typescript';
import { IrreversibleRevisionError } from '../../src/script/errors';
import { readRevisionHeader } from '../../src/script/header-reader';
import type { Revision } from '../../src/script/revision';
import { loadRevision } from '../../src/script/revision-loader';
import { renderRevision } from '../../src/script/revision-writer';
import { runRevision } from '../../src/script/run-revision';
import { ScriptDirectory } from '../../src/script/script-directory';
import { readStaticRevision, scanStaticRevision, staticRevision } from '../../src/script/static-revision';
import { tsDoubleQuotedLiteral, tsString, tsStringLiteral, tsTemplateLiteral } from '../../src/script/ts-source';
import { renderOfflineSql } from '../../src/runtime/offline-sql';
import { behaviourDigest, renderedBehaviourDigest, revisionChecksum, sourceDigest } from '../../src/runtime/revision-checksum';
import type { RevisionSource } from '../../src/runtime/revision-source';
import { scriptDirectorySource } from '../../src/runtime/script-source';
import { RevisionGraph } from '../../src/graph/revision-graph';
import { removeTempDirs, SCRIPT_MODULE, tempDir } from './helpers';

/** What a revision queues offline: the statements of `up()` and of `down()` (or 'irreversible'). */
async function statementsOf(revision: Revision): Promise<{ up: string[]; down: string[] | 'irreversible' }> {
  const run = async (direction: 'up' | 'down') => {
    const out: string[] = [];
    await runRevision(revision, direction, {
      offline: true,
      query: async (sql, params) => {
        expect(params ?? []).to.deep.equal([]);
        out.push(sql);
        return [];
      },
      autocommit: async (fn) => fn(),
    });
    return out;
  };
  const up = await run('up');
  try {
    return { up, down: await run('down') };
  } catch (error) {
    if (error instanceof IrreversibleRevisionError) return { up, down: 'irreversible' };
    throw error;
  }
}

/** Both paths for the file at `path`: the static revision (or null) and the module's statements. */
async function bothPaths(path: string) {
  const text = readFileSync(path, 'utf8');
  const header = readRevisionHeader(text, path);
  const script = { ...header, path };
  const fromModule = await statementsOf(loadRevision(script));
  const built = staticRevision(script, text);
  return { fromModule, fromStatic: built === null ? null : await statementsOf(built), built };
}

/** SQL texts that must reach the database byte for byte (each a statement of its own). */
const TRICKY = [
  'create table "plain" (id int)',
  "comment on column t.c is 'first line\nsecond line'",
  'select 1\r\nfrom crlf',
  'select 1\rfrom cr',
  'select `backtick` ${not_a_substitution} $${x}',
  'select \'quote\' "double" \\ backslash \\n not a newline',
  'line\u2028separator\u2029paragraph',
  'tab\there, nul \0, bell \u0007, del \u007f, nbsp \u00a0, bom \ufeff, zwsp \u200b',
  'emoji 🐘 and astral \u{1f600}, lone surrogate \ud800 end',
  '$$ body $$; select \'${\' || \'}\'',
  '',
  '   ',
  '-- only a comment\n',
];

describe('static revisions (script/static-revision)', () => {
  after(removeTempDirs);

  it('every revision in migrations/: a static file queues what its module queues', async () => {
    const folder = resolve(__dirname, '../../migrations');
    const dir = ScriptDirectory.read({ path: folder, preferTs: true });
    expect(dir.scripts.length).to.be.greaterThan(0);
    let statics = 0;
    for (const script of dir.scripts) {
      const { fromModule, fromStatic } = await bothPaths(script.path);
      if (fromStatic === null) continue; // createEnum() and friends: loaded as modules
      statics++;
      expect(fromStatic, script.fileName).to.deep.equal(fromModule);
      // the checksum's behaviour part, read from the static statements, is the one the module renders
      const text = readFileSync(script.path, 'utf8');
      const built = staticRevision({ ...readRevisionHeader(text, script.path), path: script.path }, text)!;
      expect(await behaviourDigest(built), script.fileName).to.equal(await renderedBehaviourDigest(loadRevision(script)));
    }
    expect(statics).to.be.greaterThan(0);
  });

  for (const [name, literal] of [
    ['tsString (what autogenerate writes)', tsString],
    ["'…' literals", tsStringLiteral],
    ['"…" literals', tsDoubleQuotedLiteral],
    ['template literals', tsTemplateLiteral],
  ] as const) {
    it(`generated revisions with ${name}: .ts, and .js compiled by TypeScript, give the module's statements byte for byte`, async () => {
      const dir = tempDir();
      const rendered = renderRevision({
        id: 'a1b2c3d4e5f6',
        downRevisions: [],
        message: 'tricky statements',
        createDate: new Date('2026-01-01T00:00:00Z'),
        importFrom: SCRIPT_MODULE,
        upBody: TRICKY.map((sql) => `this.addSql(${literal(sql)});`).join('\n'),
        downBody: ['// in reverse', ...[...TRICKY].reverse().map((sql) => `this.addSql(${literal(sql)});`)].join('\n'),
      });
      const tsPath = join(dir, rendered.fileName);
      writeFileSync(tsPath, rendered.text);
      const fromTs = await bothPaths(tsPath);
      expect(fromTs.fromStatic, 'the .ts file is static').to.not.equal(null);
      expect(fromTs.fromStatic).to.deep.equal(fromTs.fromModule);
      expect(fromTs.fromModule.up).to.deep.equal(TRICKY);
      expect(fromTs.fromModule.down).to.deep.equal([...TRICKY].reverse());

      // tsc's CommonJS output (ES2022 keeps class fields): static as well
      const js = ts.transpileModule(rendered.text, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
      const jsPath = join(dir, rendered.fileName.replace(/\.ts$/, '.js'));
      writeFileSync(jsPath, js);
      const fromJs = await bothPaths(jsPath);
      expect(fromJs.fromStatic, 'the compiled .js file is static').to.not.equal(null);
      expect(fromJs.fromStatic).to.deep.equal(fromJs.fromModule);
      expect(fromJs.fromModule).to.deep.equal(fromTs.fromModule);

      // an older target assigns the fields in a constructor: not the static shape, the module is loaded
      const es2021 = ts.transpileModule(rendered.text, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2021 } }).outputText;
      expect(scanStaticRevision(es2021, 'cjs')).to.equal(null);
    });
  }

  it('hand-written escapes: line continuations, raw CR/CRLF in templates, \\x, \\u, \\u{}, a BOM, comments, no semicolon before }', async () => {
    const dir = tempDir();
    const statements = [
      "'a\\\nb\\\r\nc\\\rd'",
      '`raw\r\nCRLF\rCR\nLF\u2028LS`',
      "'\\x41\\u0042\\u{43}\\u{1F418}\\0'",
      '"\\\'\\"\\`"',
      '`\\${} \\` $ {`',
    ];
    const text =
      '\ufeff/**\n * escapes\n *\n * Revision ID: b1b2b3b4b5b6\n */\n' +
      `import { Revision } from ${JSON.stringify(SCRIPT_MODULE)};\n` +
      '/* a block comment */\n' +
      'export class Escapes extends Revision {\n' +
      "  readonly revision = 'b1b2b3b4b5b6';\n" +
      '  public override readonly downRevision = null as const;\n' +
      '  override branchLabels = [] ;\n' +
      "  override dependsOn = ['x',];\n" +
      '  override transactional = false;\n' +
      "  override readonly replaces = ['a0a0a0a0a0a0'];\n" +
      '  up(): void {\n' +
      statements.map((s, i) => `    this.addSql(${s})${i === statements.length - 1 ? '' : ';'} // ${i}\n`).join('') +
      '  }\n' +
      '}\n';
    const path = join(dir, 'b1b2b3b4b5b6_escapes.ts');
    writeFileSync(path, text);
    const { fromModule, fromStatic, built } = await bothPaths(path);
    expect(fromStatic).to.not.equal(null);
    expect(fromStatic).to.deep.equal(fromModule);
    expect(fromModule.up).to.deep.equal(['abcd', 'raw\nCRLF\nCR\nLF\u2028LS', 'ABC🐘\0', '\'"`', '${} ` $ {']);
    expect(fromModule.down).to.equal('irreversible');
    expect(built!.transactional).to.equal(false);
    expect(built!.replaces).to.deep.equal(['a0a0a0a0a0a0']);
  });

  it('anything else loads the module: the scanner answers null', () => {
    const base = (body: string, extra = '', top = '') =>
      `${top}import { Revision } from 'mikro-orm-alembic';\nexport class X extends Revision {\n  override readonly revision = 'c1c2c3c4c5c6';\n  override readonly downRevision = null;\n${extra}  override async up(): Promise<void> {\n${body}\n  }\n}\n`;
    const cases: Record<string, string> = {
      substitution: base('this.addSql(`create table ${name}`);'),
      params: base("this.addSql('insert into t values ($1)', [1]);"),
      'another call': base("this.createEnum('role', ['a']);"),
      'a variable': base("const t = 'x';\nthis.addSql(t);"),
      'an await': base("await this.addSql('x');"),
      'octal escape': base("this.addSql('\\101');"),
      'unknown escape': base("this.addSql('\\a');"),
      'raw newline in a quoted string': base("this.addSql('a\nb');"),
      'raw line separator in a quoted string': base("this.addSql('a\u2028b');"),
      'missing semicolon between statements': base("this.addSql('a')\nthis.addSql('b');"),
      'another member': base("this.addSql('a');", '  helper() {}\n'),
      'a constructor': base("this.addSql('a');", '  constructor() { super(); }\n'),
      'a static field': base("this.addSql('a');", "  static override readonly branchLabels = ['x'];\n"),
      'a private field': base("this.addSql('a');", '  private readonly x = 1;\n'),
      'an acknowledgement': base("this.addSql('a');", "  override readonly acknowledge = { L001: 'ok' };\n"),
      'a type annotation': base("this.addSql('a');", "  override readonly transactional: boolean = true;\n"),
      'top-level code': base("this.addSql('a');", '', "console.log('side effect');\n"),
      'another import': base("this.addSql('a');", '', "import { x } from './x';\n"),
      'a non-ASCII identifier': base("this.addSql('a');").replace('class X', 'class Xé'),
      'a class named Revision': base("this.addSql('a');").replace('class X', 'class Revision'),
      'up() declared twice': base("this.addSql('a');", "  override async up(): Promise<void> {}\n"),
      'no up()': "import { Revision } from 'mikro-orm-alembic';\nexport class X extends Revision {\n  override readonly revision = 'c1c2c3c4c5c6';\n  override readonly downRevision = null;\n}\n",
      'not exported': base("this.addSql('a');").replace('export class', 'class'),
      'unterminated comment': base("this.addSql('a');") + '/* ...',
    };
    for (const [name, text] of Object.entries(cases)) expect(scanStaticRevision(text, 'ts'), name).to.equal(null);
    // and the baseline of those cases is static
    expect(scanStaticRevision(base("this.addSql('a');"), 'ts')).to.deep.include({ up: ['a'], down: null, className: 'X' });
    // CommonJS: every statement tsc writes must be there and agree
    const cjs = (className: string, exported: string) =>
      `"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\nexports.${exported} = void 0;\nconst m_1 = require("mikro-orm-alembic");\nclass ${className} extends m_1.Revision {\n    revision = 'c1c2c3c4c5c6';\n    downRevision = null;\n    async up() { this.addSql('a'); }\n}\nexports.${exported} = ${className};\n//# sourceMappingURL=x.js.map\n`;
    expect(scanStaticRevision(cjs('X', 'X'), 'cjs')).to.deep.include({ up: ['a'], className: 'X', importFrom: 'mikro-orm-alembic' });
    expect(scanStaticRevision(cjs('X', 'Y'), 'cjs')).to.equal(null);
    expect(scanStaticRevision(cjs('X', 'X').replace('exports.X = X;', 'module.exports = X;'), 'cjs')).to.equal(null);
    expect(scanStaticRevision(cjs('X', 'X').replace('async up()', 'override async up()'), 'cjs')).to.equal(null);
  });

  it('a file importing Revision from a module that is not this Revision, or a .js file in an ES module scope, loads the module', () => {
    const dir = tempDir();
    const script = { id: 'd1d2d3d4d5d6', downRevisions: [], branchLabels: [], dependsOn: [], transactional: true, replaces: [], message: '', createDate: null };
    const ts = (from: string) =>
      `import { Revision } from ${JSON.stringify(from)};\nexport class X extends Revision {\n  override readonly revision = 'd1d2d3d4d5d6';\n  override readonly downRevision = null;\n  override async up(): Promise<void> {\n    this.addSql('a');\n  }\n}\n`;
    writeFileSync(join(dir, 'other.js'), 'exports.Revision = class Revision {};\n');
    expect(staticRevision({ ...script, path: join(dir, 'd1d2d3d4d5d6_x.ts') }, ts('./other'))).to.equal(null);
    expect(staticRevision({ ...script, path: join(dir, 'd1d2d3d4d5d6_x.ts') }, ts('./missing'))).to.equal(null);
    expect(staticRevision({ ...script, path: join(dir, 'd1d2d3d4d5d6_x.ts') }, ts(SCRIPT_MODULE))).to.not.equal(null);
    const esm = tempDir();
    writeFileSync(join(esm, 'package.json'), JSON.stringify({ type: 'module' }));
    const out = transpileCjs(ts(SCRIPT_MODULE)); // tsc's CommonJS output
    expect(staticRevision({ ...script, path: join(dir, 'd1d2d3d4d5d6_x.js') }, out)).to.not.equal(null);
    expect(staticRevision({ ...script, path: join(esm, 'd1d2d3d4d5d6_x.js') }, out)).to.equal(null);
    expect(staticRevision({ ...script, path: join(esm, 'd1d2d3d4d5d6_x.cjs') }, out)).to.not.equal(null);
  });

  it('a folder of static revisions: offline SQL and checksums are those of the modules, and the checksum is of the text that ran', async () => {
    const dir = tempDir();
    const ids = ['e00000000001', 'e00000000002', 'e00000000003'];
    ids.forEach((id, i) => {
      const rendered = renderRevision({
        id,
        downRevisions: i === 0 ? [] : [ids[i - 1]],
        message: `step ${i}\nwith a second line`,
        createDate: new Date('2026-01-01T00:00:00Z'),
        importFrom: SCRIPT_MODULE,
        transactional: i !== 1,
        upBody: [...TRICKY.slice(i, i + 4).map((sql) => `this.addSql(${tsString(sql)});`), 'this.addSql(`select 2\nfrom raw_lf`);'].join('\n'),
        downBody: i === 2 ? undefined : `this.addSql(${tsString(`drop ${i}`)});`,
      });
      const text = i === 0 ? rendered.text.replace(/\n/g, '\r\n') : rendered.text; // CRLF file: its template values still use LF
      writeFileSync(join(dir, rendered.fileName), text);
    });
    const scripts = ScriptDirectory.read({ path: dir, preferTs: true });
    const graph = new RevisionGraph(scripts.toRecords());
    const staticSource = scriptDirectorySource(scripts);
    for (const script of scripts.scripts) expect(readStaticRevision(script), script.fileName).to.not.equal(null);
    // the same folder, every revision loaded as a module
    const moduleSource: RevisionSource = { ...staticSource, load: async (id) => loadRevision(scripts.get(id)!), loadedChecksum: undefined };
    const plan = graph.planUpgrade([], 'head');
    const viaStatic = await renderOfflineSql(plan, staticSource);
    const viaModules = await renderOfflineSql(plan, moduleSource);
    expect(viaStatic).to.equal(viaModules);
    expect(viaStatic).to.include('select 1\r\nfrom crlf');
    expect(viaStatic).to.include('select 2\nfrom raw_lf;'); // a raw CRLF in a template is an LF
    for (const id of ids) {
      const instance = await staticSource.load(id);
      const text = readFileSync(scripts.get(id)!.path, 'utf8');
      expect(staticSource.loadedChecksum!(instance)).to.equal(sourceDigest(text));
      // known without running (irreversible and non-transactional ones included): what running renders
      expect(await behaviourDigest(instance)).to.equal(await renderedBehaviourDigest(instance));
      expect(await behaviourDigest(instance)).to.equal(await renderedBehaviourDigest(await moduleSource.load(id)));
      expect(await revisionChecksum(staticSource, id, instance)).to.equal(await revisionChecksum(moduleSource, id, await moduleSource.load(id)));
    }
    const down = graph.planDowngrade(['e00000000002'], 'base');
    expect(await renderOfflineSql(down, staticSource)).to.equal(await renderOfflineSql(down, moduleSource));

    // scans kept from discovery (the offline SQL of a whole upgrade): the same script, each file read once
    const kept = ScriptDirectory.read({ path: dir, preferTs: true, keepScans: true });
    expect(kept.scripts).to.deep.equal(scripts.scripts);
    expect(await renderOfflineSql(plan, scriptDirectorySource(kept))).to.equal(viaModules);
    expect(kept.takeFile(kept.scripts[0])).to.equal(undefined); // handed out once, then forgotten
  });

  it('scans kept from discovery are used once: an edit after that load is seen by the next one', async () => {
    const dir = tempDir();
    const write = (sql: string) => oneStatementRevision('f1f2f3f4f5f7', sql);
    const first = write('select 1');
    writeFileSync(join(dir, first.fileName), first.text);
    const scripts = ScriptDirectory.read({ path: dir, preferTs: true, keepScans: true });
    expect(scripts.takeFile(scripts.scripts[0])).to.deep.equal({ staticBody: scanStaticRevision(first.text, 'ts'), sourceDigest: sourceDigest(first.text) });
    expect(scripts.takeFile(scripts.scripts[0])).to.equal(undefined);
    const again = ScriptDirectory.read({ path: dir, preferTs: true, keepScans: true });
    const source = scriptDirectorySource(again);
    writeFileSync(join(dir, first.fileName), write('select 2').text);
    // the first load runs the text discovery read (and its checksum is of that text) ...
    const loaded = await source.load('f1f2f3f4f5f7');
    expect((await statementsOf(loaded)).up).to.deep.equal(['select 1']);
    expect(source.loadedChecksum!(loaded)).to.equal(sourceDigest(first.text));
    // ... the next reads the file again
    expect((await statementsOf(await source.load('f1f2f3f4f5f7'))).up).to.deep.equal(['select 2']);
  });

  it('an edit after a static load is seen by the next load (nothing is cached)', async () => {
    const dir = tempDir();
    const write = (sql: string) => oneStatementRevision('f1f2f3f4f5f6', sql);
    const first = write('select 1');
    writeFileSync(join(dir, first.fileName), first.text);
    const scripts = ScriptDirectory.read({ path: dir, preferTs: true });
    const source = scriptDirectorySource(scripts);
    expect((await statementsOf(await source.load('f1f2f3f4f5f6'))).up).to.deep.equal(['select 1']);
    writeFileSync(join(dir, first.fileName), write('select 2').text);
    const again = await source.load('f1f2f3f4f5f6');
    expect((await statementsOf(again)).up).to.deep.equal(['select 2']);
    expect(source.loadedChecksum!(again)).to.equal(sourceDigest(readFileSync(join(dir, first.fileName), 'utf8')));
    expect(readdirSync(dir)).to.deep.equal([first.fileName]);
  });
});

/** A static revision file with id `id` whose up() queues `sql`. */
function oneStatementRevision(id: string, sql: string) {
  return renderRevision({ id, downRevisions: [], message: 'm', createDate: new Date(0), importFrom: SCRIPT_MODULE, upBody: `this.addSql(${tsString(sql)});` });
}

function transpileCjs(text: string): string {
  return ts.transpileModule(text, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
}
