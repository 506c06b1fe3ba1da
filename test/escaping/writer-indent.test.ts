/**
 * Issue 11 item 11, for bodies given to `writeRevision` by hand: the writer indents the code into the
 * method, but never a line that continues a template literal, so a multi-line statement reaches
 * PostgreSQL exactly as written.
 */
import { expect } from 'chai';
import * as ts from 'typescript';
import { renderRevision, runRevision, type Revision } from '../../src/script';
import { SCRIPT_MODULE } from '../autogen/support/autogen-harness';

async function statementsOf(text: string): Promise<string[]> {
  const js = ts.transpileModule(text, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const module = { exports: {} as Record<string, new () => Revision> };
  new Function('module', 'exports', 'require', js)(module, module.exports, require);
  const ran: string[] = [];
  await runRevision(new (Object.values(module.exports)[0])(), 'up', { offline: true, query: async (sql) => (ran.push(sql), []), autocommit: async (fn) => fn() });
  return ran;
}

describe('escaping: writeRevision indents code, not the lines of a template literal', () => {
  it('keeps multi-line template literals (nested ${...}, strings and comments around them) byte for byte', async () => {
    const comment = "comment on table \"t\" is 'first line\n  second line\n\tthird'";
    const nested = 'select 1\n    -- kept } `x`\nfrom t'; // the ${'}'} inside is code: a string holding }
    const upBody = [
      '// a comment with a ` backtick',
      "const q = 'a `quote` in a string';",
      `this.addSql(\`${comment}\`);`,
      'if (q.length > 0) {',
      `  this.addSql(\`select 1\n    -- kept \${'}'} \\\`x\\\`\nfrom t\`);`,
      '}',
      "this.addSql('done');",
    ].join('\n');
    const { text } = renderRevision({ id: 'abcdef012345', downRevisions: [], message: 'm', createDate: new Date(0), upBody, importFrom: SCRIPT_MODULE });
    expect(text).to.contain("    this.addSql(`comment on table \"t\" is 'first line\n  second line\n\tthird'`);");
    expect(text).to.contain('    if (q.length > 0) {\n      this.addSql(`select 1\n    -- kept');
    expect(await statementsOf(text)).to.deep.equal([comment, nested, 'done']);
  });
});
