/**
 * The escaping functions of src/script/ts-source.ts, one per place where text lands in generated
 * TypeScript: literals evaluate to exactly the text, nothing they produce spans a line, comments
 * cannot be closed or ended from inside, and a message line cannot pose as a header key.
 */
import { expect } from 'chai';
import * as ts from 'typescript';
import { readRevisionHeader, renderRevision } from '../../src/script';
import { renderAdoptedRevision } from '../../src/adopt/adopted-file';
import { tsBlockCommentLine, tsBlockCommentLines, tsDoubleQuotedLiteral, tsLineComment, tsPropertyKey, tsString, tsStringLiteral, tsTemplateLiteral } from '../../src/script/ts-source';

const SAMPLES = [
  '',
  'plain',
  'a\nb\r\nc\rd\u2028e\u2029f',
  "it's `${x}` \\ \\n \\u2028 */ /*",
  '\u0000\u0001\u001f\u007f\u0085\u00a0',
  '\u202e\u2066\u200b\ufeff',
  '\ud800 lone \udc00',
  '😀 café',
  '${',
  '$\\{',
  '`',
  '\\',
];
const LINE_BREAK = /[\n\r\u2028\u2029]/;

describe('escaping: ts-source', () => {
  it('string and template literals evaluate to exactly the text, on one line, as one token', () => {
    for (const text of SAMPLES) {
      for (const literal of [tsStringLiteral(text), tsDoubleQuotedLiteral(text), tsTemplateLiteral(text), tsString(text)]) {
        expect(LINE_BREAK.test(literal), JSON.stringify(literal)).to.equal(false);
        expect(new Function(`return ${literal};`)(), JSON.stringify(literal)).to.equal(text);
        const source = ts.createSourceFile('x.ts', `const x = ${literal};`, ts.ScriptTarget.ES2022);
        const init = (source.statements[0] as ts.VariableStatement).declarationList.declarations[0].initializer!;
        expect(ts.isStringLiteral(init) || ts.isNoSubstitutionTemplateLiteral(init), JSON.stringify(literal)).to.equal(true);
      }
    }
  });

  it('object keys: identifiers bare, others quoted, __proto__ computed (an own key, not the prototype)', () => {
    expect(tsPropertyKey('guest')).to.equal('guest');
    expect(tsPropertyKey('a b')).to.equal("'a b'");
    const object = new Function(`return { ${tsPropertyKey('__proto__')}: 'x', ${tsPropertyKey('a\nb')}: 'y' };`)() as Record<string, string>;
    expect(Object.keys(object)).to.deep.equal(['__proto__', 'a\nb']);
  });

  it('a // comment cannot end its line; a /* */ line cannot close its comment', () => {
    for (const text of SAMPLES) {
      const code = `// ${tsLineComment(text)}\n/* ${tsBlockCommentLine(text)} */\n/**\n${tsBlockCommentLines(text).map((l) => ` * ${l}`).join('\n')}\n */\nexport const x = 1;\n`;
      const source = ts.createSourceFile('x.ts', code, ts.ScriptTarget.ES2022);
      expect(source.statements.length, JSON.stringify(text)).to.equal(1);
      expect(LINE_BREAK.test(tsLineComment(text))).to.equal(false);
    }
    expect(tsBlockCommentLines('one\r\ntwo\rthree\u2028four')).to.deep.equal(['one', 'two', 'three', 'four']);
  });

  it('a message line that reads like a header key stays in the message', () => {
    const message = 'fix things\nRevision ID: 000000000000\nRevises: 111111111111\nCreate Date: never';
    const { text } = renderRevision({ id: 'abcdef012345', downRevisions: [], message, createDate: new Date(0) });
    const header = readRevisionHeader(text, 'x.ts');
    expect(header.id).to.equal('abcdef012345');
    expect(header.downRevisions).to.deep.equal([]);
    expect(header.createDate).to.equal('1970-01-01 00:00:00.000Z');
    expect(header.message).to.equal('fix things\nRevision ID\\: 000000000000\nRevises\\: 111111111111\nCreate Date\\: never');
  });

  it('an adopted revision keeps a hostile migration or file name in its comments and literals', () => {
    for (const ext of ['.ts', '.js']) {
      const name = 'Migration1\nprocess.exit(1);// */ \u2028process.exit(2);';
      const text = renderAdoptedRevision({ name, fileName: `${name}${ext}`, id: 'abcdef012345', downRevision: null, transactional: true, reversible: true });
      const source = ts.createSourceFile(`x${ext}`, text, ts.ScriptTarget.ES2022, true);
      const calls: string[] = [];
      const visit = (node: ts.Node): void => {
        if (ts.isCallExpression(node)) calls.push(node.expression.getText(source));
        ts.forEachChild(node, visit);
      };
      visit(source);
      expect(calls, ext).not.to.include('process.exit');
      expect(ts.transpileModule(text, { reportDiagnostics: true, compilerOptions: { allowJs: true } }).diagnostics ?? []).to.deep.equal([]);
    }
  });
});
