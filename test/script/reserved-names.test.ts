/**
 * Words of the target syntax (`base`, `head`, `heads`) as revision ids or branch labels, and labels
 * that read as a relative step (`v-2`), are refused where revisions are read (naming the file and
 * line), by the writer, and by the graph (issue 17: an id `base` made `downgrade base` do nothing).
 */
import { expect } from 'chai';
import { RevisionGraph, RevisionGraphError } from '../../src/graph';
import { ReservedNameError, ScriptReservedNameError } from '../../src/script/errors';
import { readRevisionHeader } from '../../src/script/header-reader';
import { renderRevision, writeRevision } from '../../src/script/revision-writer';
import { ScriptDirectory } from '../../src/script/script-directory';
import { removeTempDirs, tempDir, thrown, writeFiles } from './helpers';

function file(id: string, labels: string[] = [], down: string | null = null): string {
  return [
    '/**',
    ` * Revision ID: ${id}`,
    ' */',
    `export class R extends Revision {`,
    `  override readonly revision = '${id}';`,
    `  override readonly downRevision = ${down === null ? 'null' : `'${down}'`};`,
    `  override readonly branchLabels = ${JSON.stringify(labels)};`,
    '}',
  ].join('\n');
}

describe('script: reserved words as revision ids and labels', () => {
  afterEach(removeTempDirs);

  for (const word of ['base', 'head', 'heads']) {
    it(`a revision file with id '${word}' is refused, naming the file and line`, () => {
      const e = thrown(() => readRevisionHeader(file(word), `migrations/${word}_x.ts`)) as ScriptReservedNameError;
      expect(e).to.be.instanceOf(ScriptReservedNameError);
      expect(e.code).to.equal('SCRIPT_RESERVED_NAME');
      expect(e.file).to.equal(`migrations/${word}_x.ts`);
      expect(e.line).to.equal(5);
      expect(e.reserved).to.equal(word);
      expect(e.message).to.contain(`migrations/${word}_x.ts:5: '${word}' is a word of the target syntax (base, head, heads)`);
    });

    it(`a branch label '${word}' is refused, naming the file`, () => {
      const e = thrown(() => readRevisionHeader(file('a1b2c3', ['ok', word]), 'migrations/a1b2c3_x.ts')) as ScriptReservedNameError;
      expect(e).to.be.instanceOf(ScriptReservedNameError);
      expect(e.message).to.contain('migrations/a1b2c3_x.ts:7').and.to.contain(`'${word}'`).and.to.contain('branch label');
    });
  }

  it('a label that reads as a relative step (v-2, x+1) is refused; other dashes are fine', () => {
    for (const label of ['v-2', 'x+1', 'release-2024']) {
      const e = thrown(() => readRevisionHeader(file('a1b2c3', [label]), 'migrations/a1b2c3_x.ts'));
      expect(e, label).to.be.instanceOf(ScriptReservedNameError);
      expect(e.message).to.contain('relative step');
    }
    expect(readRevisionHeader(file('a1b2c3', ['my-branch', 'Head', 'headless']), 'm.ts').branchLabels).to.deep.equal(['my-branch', 'Head', 'headless']);
  });

  it('reading the folder stops at the file, before any command could run', () => {
    const dir = tempDir();
    writeFiles(dir, { 'a1b2c3_first.ts': file('a1b2c3'), 'base_second.ts': file('base', [], 'a1b2c3') });
    const e = thrown(() => ScriptDirectory.read({ path: dir, preferTs: true }));
    expect(e).to.be.instanceOf(ScriptReservedNameError);
    expect(e.message).to.contain('base_second.ts:5');
  });

  it('the writer refuses a reserved id or label, and writes nothing', () => {
    const dir = tempDir();
    const base = { downRevisions: [], message: 'x', createDate: new Date(0), upBody: '', downBody: '' };
    expect(thrown(() => renderRevision({ ...base, id: 'head' }))).to.be.instanceOf(ReservedNameError);
    const e = thrown(() => writeRevision({ directory: dir, heads: [], message: 'x', branchLabels: ['heads'] })) as ReservedNameError;
    expect(e).to.be.instanceOf(ReservedNameError);
    expect(e.code).to.equal('RESERVED_NAME');
    expect(e.reserved).to.equal('heads');
    expect(thrown(() => writeRevision({ directory: dir, heads: [], message: 'x', revId: 'base' }))).to.be.instanceOf(ReservedNameError);
    expect(ScriptDirectory.read({ path: dir, preferTs: true }).scripts).to.deep.equal([]);
  });

  it('the graph refuses them too', () => {
    const e = thrown(() => new RevisionGraph([{ id: 'head', downRevisions: [], branchLabels: [], dependsOn: [] }])) as RevisionGraphError;
    expect(e).to.be.instanceOf(RevisionGraphError);
    expect(e.code).to.equal('ILLEGAL_REVISION_ID');
    expect(thrown(() => new RevisionGraph([{ id: 'a1', downRevisions: [], branchLabels: ['base'], dependsOn: [] }]))).to.be.instanceOf(RevisionGraphError);
  });
});
