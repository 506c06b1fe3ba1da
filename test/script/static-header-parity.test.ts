import { expect } from 'chai';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRevisionHeader, revisionHeaderOf } from '../../src/script/header-reader';
import { ScriptDirectory } from '../../src/script/script-directory';
import { scanStaticRevisionFile } from '../../src/script/static-revision';
import { removeTempDirs, tempDir } from './helpers';

/**
 * Discovery with `keepScans` reads a static revision file's header from the static scan
 * (`revisionHeaderOf`), every other file with `readRevisionHeader`: for every text the scan accepts,
 * both must give the same header, or the same error.
 */

const HEADER = '/**\n * Add users\n * second line\n *\n * Revision ID: a1a1a1a1a1a1\n * Revises: b2b2b2b2b2b2\n * Create Date: 2026-12-03 10:00\n */\n';

/** A `.ts` static revision: `top` before the import, `between` between import and class, fields and header comment as given. */
function tsText(o: { top?: string; between?: string; importBraces?: string; afterClass?: string; fields?: string } = {}): string {
  return (
    `${o.top ?? ''}import {${o.importBraces ?? ' Revision '}} from 'mikro-orm-alembic';\n${o.between ?? ''}` +
    `export class ${o.afterClass ?? ''}AddUsers extends Revision {\n` +
    (o.fields ?? "  override readonly revision = 'a1a1a1a1a1a1';\n  override readonly downRevision = 'b2b2b2b2b2b2';\n") +
    "  override async up(): Promise<void> {\n    this.addSql('create table users (id int)');\n  }\n" +
    "  override async down(): Promise<void> {\n    this.addSql('drop table users');\n  }\n}\n"
  );
}

/** A `.js` static revision as tsc emits it; `value` replaces the `{ value: true }` block's inside. */
function cjsText(o: { top?: string; afterStrict?: string; value?: string; fields?: string } = {}): string {
  return (
    `${o.top ?? ''}"use strict";\n${o.afterStrict ?? ''}Object.defineProperty(exports, "__esModule", {${o.value ?? ' value: true '}});\n` +
    'exports.AddUsers = void 0;\nconst m_1 = require("mikro-orm-alembic");\nclass AddUsers extends m_1.Revision {\n' +
    (o.fields ?? "    revision = 'a1a1a1a1a1a1';\n    downRevision = 'b2b2b2b2b2b2';\n") +
    "    async up() {\n        this.addSql('create table users (id int)');\n    }\n}\nexports.AddUsers = AddUsers;\n"
  );
}

const F = (fields: string) => `  override readonly revision = 'a1a1a1a1a1a1';\n${fields}`;

/** Each case: [name, text, form]. */
const CASES: [string, string, 'ts' | 'cjs'][] = [
  ['a generated file', tsText({ top: HEADER }), 'ts'],
  ['no header', tsText(), 'ts'],
  ['the header after the import', tsText({ between: HEADER }), 'ts'],
  ['a doc comment in the import braces is not the header', tsText({ importBraces: ' /** not it */ Revision ', between: HEADER }), 'ts'],
  ['a comment after `class` is not the header', tsText({ afterClass: `${HEADER} ` }), 'ts'],
  ['an empty /**/ comment is not the header', tsText({ top: `/**/\n${HEADER}` }), 'ts'],
  ['a plain /* */ comment is not the header', tsText({ top: `/* plain */\n${HEADER}` }), 'ts'],
  ['a line comment before the header', tsText({ top: `// x\n${HEADER}` }), 'ts'],
  ['labels, dependencies, replaces, transactional', tsText({ top: HEADER, fields: F("  override readonly downRevision = ['b2b2b2b2b2b2'] as const;\n  override readonly branchLabels = ['x', 'y/z'];\n  override readonly dependsOn = ['c3c3c3c3c3c3'];\n  override readonly transactional = false;\n  override readonly replaces = ['d4d4d4d4d4d4'];\n") }), 'ts'],
  ['escapes in the values', tsText({ fields: "  override readonly revision = '\\x61\\u0031a1a1a1a1a1';\n  override readonly downRevision = `b2b2b2b2b2b2`;\n  override readonly branchLabels = ['tab\\there', \"q\\\"uote\"];\n" }), 'ts'],
  ['a merge', tsText({ top: HEADER.replace('Revises: b2b2b2b2b2b2', 'Revises: b2b2b2b2b2b2, c3c3c3c3c3c3'), fields: F("  override readonly downRevision = ['b2b2b2b2b2b2', 'c3c3c3c3c3c3'];\n") }), 'ts'],
  ['the header names another id', tsText({ top: HEADER.replace('Revision ID: a1a1a1a1a1a1', 'Revision ID: e5e5e5e5e5e5') }), 'ts'],
  ['the header revises another id', tsText({ top: HEADER.replace('Revises: b2b2b2b2b2b2', 'Revises: e5e5e5e5e5e5') }), 'ts'],
  ['a header key twice', tsText({ top: HEADER.replace(' * Create Date', ' * Create Date: x\n * Create Date') }), 'ts'],
  ['an invalid id', tsText({ fields: "  override readonly revision = 'a-b';\n  override readonly downRevision = null;\n" }), 'ts'],
  ['a reserved label', tsText({ fields: F("  override readonly downRevision = null;\n  override readonly branchLabels = ['head'];\n") }), 'ts'],
  ['a label listed twice', tsText({ fields: F("  override readonly downRevision = null;\n  override readonly branchLabels = ['x', 'x'];\n") }), 'ts'],
  ['an empty label', tsText({ fields: F("  override readonly downRevision = null;\n  override readonly dependsOn = [''];\n") }), 'ts'],
  ['transactional that is a string', tsText({ fields: F("  override readonly downRevision = null;\n  override readonly transactional = 'no';\n") }), 'ts'],
  ['a revision that is null', tsText({ fields: "  override readonly revision = null;\n  override readonly downRevision = null;\n" }), 'ts'],
  ['a compiled file', cjsText({ top: HEADER }), 'cjs'],
  ['a compiled file, the header after "use strict"', cjsText({ afterStrict: HEADER }), 'cjs'],
  ['a doc comment in { value: true } is not the header', cjsText({ value: ' /** not it */ value: true ', afterStrict: HEADER }), 'cjs'],
  ['a compiled file without a header', cjsText(), 'cjs'],
  ['a compiled file, down revision null', cjsText({ top: HEADER.replace('Revises: b2b2b2b2b2b2', 'Revises:'), fields: "    revision = 'a1a1a1a1a1a1';\n    downRevision = null;\n" }), 'cjs'],
];

/** What a function gives: its value, or the error's class, code and message. */
function outcome(fn: () => unknown): unknown {
  try {
    return { value: fn() };
  } catch (error) {
    const e = error as Error & { code?: string };
    return { error: e.constructor.name, code: e.code, message: e.message };
  }
}

describe('static scan and header reader agree (script/static-revision, script/header-reader)', () => {
  after(removeTempDirs);

  for (const [name, text, form] of CASES) {
    it(`${name}: the same header, or the same error`, () => {
      const scanned = scanStaticRevisionFile(text, form);
      expect(scanned, 'the case must be a static revision file').to.not.equal(null);
      const file = `migrations/a1a1a1a1a1a1_add_users.${form === 'ts' ? 'ts' : 'js'}`;
      expect(outcome(() => revisionHeaderOf(text, file, scanned!.header))).to.deep.equal(outcome(() => readRevisionHeader(text, file)));
    });
  }

  it('a line comment holding U+2028 is left to the header reader (it reads such a comment on to the next LF)', () => {
    expect(scanStaticRevisionFile(tsText({ top: `// a\u2028b\n${HEADER}` }), 'ts')).to.equal(null);
  });

  it('discovery keeping scans reads the same scripts as discovery without', () => {
    const folder = join(tempDir(), 'migrations');
    mkdirSync(folder);
    let n = 0;
    for (const [name, text, form] of CASES) {
      const file = `${String(n++).padStart(2, '0')}_${name.replace(/\W+/g, '_')}.${form === 'ts' ? 'ts' : 'js'}`;
      if ('value' in (outcome(() => readRevisionHeader(text, file)) as object)) writeFileSync(join(folder, file), text);
    }
    // every id in its own file: ids repeat across the cases, which discovery passes through
    const plain = ScriptDirectory.read({ path: folder, preferTs: true, headerCache: false });
    const kept = ScriptDirectory.read({ path: folder, preferTs: true, keepScans: true });
    expect(plain.scripts.length).to.be.greaterThan(10);
    expect(kept.scripts).to.deep.equal(plain.scripts);
    for (const script of kept.scripts) expect(kept.takeFile(script)?.staticBody, script.fileName).to.not.equal(null);
  });
});
