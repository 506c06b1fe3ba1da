import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { examplesOf, pages, staleExamples, writeExamples } from '../../scripts/docs/examples';

describe('docs: examples copied from the example app', () => {
  it('README.md and docs/ hold current copies of the example app files they show (npm run docs:examples)', () => {
    const marked = pages().flatMap((page) => examplesOf(page));
    expect(marked.map((b) => `${b.page} ${b.file}`)).to.include('README.md migrations/555d97e085ce_add_the_role_of_users.ts');
    expect(staleExamples().map((b) => `${b.page}:${b.line}: ${b.file}`)).to.deep.equal([]);
  });

  it('finds a stale copy and rewrites it, the imports as in a user project', () => {
    const root = mkdtempSync(join(tmpdir(), 'docs-examples-'));
    try {
      mkdirSync(join(root, 'docs'));
      mkdirSync(join(root, 'migrations'));
      writeFileSync(join(root, 'migrations/a.ts'), "import { Revision } from '../src';\nexport class A extends Revision {}\n");
      writeFileSync(join(root, 'README.md'), '# x\n\n<!-- example: migrations/a.ts -->\n```ts\nold\n```\n\ntext\n');
      writeFileSync(join(root, 'docs/page.md'), 'no examples\n');
      expect(staleExamples(root).map((b) => [b.page, b.line, b.file])).to.deep.equal([['README.md', 3, 'migrations/a.ts']]);
      writeExamples(root);
      expect(readFileSync(join(root, 'README.md'), 'utf8')).to.equal(
        "# x\n\n<!-- example: migrations/a.ts -->\n```ts\nimport { Revision } from 'mikro-orm-alembic';\nexport class A extends Revision {}\n```\n\ntext\n",
      );
      expect(staleExamples(root)).to.deep.equal([]);
      writeFileSync(join(root, 'docs/page.md'), '<!-- example: migrations/a.ts -->\nnot a block\n');
      expect(() => staleExamples(root)).to.throw('docs/page.md:1: an example marker must be followed by a fenced block');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
