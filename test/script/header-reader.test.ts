import { expect } from 'chai';
import { ScriptDuplicateFieldError, ScriptHeaderMismatchError, ScriptNotALiteralError, ScriptParseError } from '../../src/script/errors';
import { readRevisionHeader } from '../../src/script/header-reader';
import { thrown } from './helpers';

const FILE = 'migrations/1a2b3c4d5e6f_add_user_role.ts';

function read(lines: string[]) {
  return readRevisionHeader(lines.join('\n'), FILE);
}

/** A class body around `members`, with the class on line 1 (members start on line 2). */
function inClass(...members: string[]): string[] {
  return ['export class X extends Revision {', ...members, '}'];
}

const DOCUMENTED = [
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
  "  override readonly downRevision = '0f9e8d7c6b5a'; // or null, or ['a', 'b'] for a merge",
  '  override readonly branchLabels = [];            // or [\'billing\']',
  '  override readonly dependsOn = [];               // ids or labels',
  '',
  '  override async up(): Promise<void> {',
  '    this.addSql(`alter table "user" add column "nickname" text`);',
  '  }',
  '',
  '  override async down(): Promise<void> {',
  '    this.addSql(`alter table "user" drop column "nickname"`);',
  '  }',
  '}',
];

describe('script/header-reader', () => {
  describe('accepted forms', () => {
    it('reads the documented file format', () => {
      expect(read(DOCUMENTED)).to.deep.equal({
        id: '1a2b3c4d5e6f',
        downRevisions: ['0f9e8d7c6b5a'],
        branchLabels: [],
        dependsOn: [],
        transactional: true,
        replaces: [],
        message: 'Add user role',
        createDate: '2026-11-25 13:45:00.123Z',
      });
    });

    it('returns a frozen object', () => {
      const header = read(DOCUMENTED);
      expect(Object.isFrozen(header)).to.equal(true);
      expect(Object.isFrozen(header.downRevisions)).to.equal(true);
    });

    it('accepts any combination of static, readonly, override, public, or none', () => {
      for (const modifiers of ['', 'static ', 'readonly ', 'override ', 'public ', 'public static readonly ', 'override readonly ', 'static override ']) {
        const h = read(inClass(`  ${modifiers}revision = 'aaaa';`, `  ${modifiers}downRevision = null;`));
        expect(h.id, modifiers).to.equal('aaaa');
      }
    });

    it('accepts single, double and backtick quotes', () => {
      const h = read(inClass('  revision = "a1";', '  downRevision = `b2`;', "  branchLabels = ['x', \"y\", `z`];"));
      expect(h.id).to.equal('a1');
      expect(h.downRevisions).to.deep.equal(['b2']);
      expect(h.branchLabels).to.deep.equal(['x', 'y', 'z']);
    });

    it('reads null, one id, or an array of ids (a merge) for downRevision', () => {
      expect(read(inClass("revision = 'a';", 'downRevision = null;')).downRevisions).to.deep.equal([]);
      expect(read(inClass("revision = 'a';", "downRevision = 'b';")).downRevisions).to.deep.equal(['b']);
      expect(read(inClass("revision = 'a';", "downRevision = ['b', 'c'];")).downRevisions).to.deep.equal(['b', 'c']);
      expect(read(inClass("revision = 'a';", 'downRevision = [];')).downRevisions).to.deep.equal([]);
    });

    it('accepts arrays over several lines, trailing commas and `as const`', () => {
      const h = read(inClass("revision = 'a';", 'downRevision = [', "  'b',", "  'c',", '] as const;', "dependsOn = ['d'] as const;"));
      expect(h.downRevisions).to.deep.equal(['b', 'c']);
      expect(h.dependsOn).to.deep.equal(['d']);
    });

    it('accepts type annotations', () => {
      const h = read(
        inClass(
          '  override readonly revision: string = "a";',
          '  override readonly downRevision: string | readonly string[] | null = null;',
          "  override readonly branchLabels: readonly string[] = ['billing'];",
          "  override readonly dependsOn: Array<string> = ['b'];",
          '  override readonly transactional: boolean = false;',
        ),
      );
      expect(h).to.include({ id: 'a', transactional: false });
      expect(h.branchLabels).to.deep.equal(['billing']);
      expect(h.dependsOn).to.deep.equal(['b']);
    });

    it('defaults branchLabels and dependsOn to [] and transactional to true', () => {
      const h = read(inClass("revision = 'a';", 'downRevision = null;'));
      expect(h).to.deep.include({ branchLabels: [], dependsOn: [], transactional: true });
    });

    it('accepts a single string or null for branchLabels and dependsOn', () => {
      const h = read(inClass("revision = 'a';", 'downRevision = null;', "branchLabels = 'billing';", 'dependsOn = null;'));
      expect(h.branchLabels).to.deep.equal(['billing']);
      expect(h.dependsOn).to.deep.equal([]);
    });

    it('reads transactional = false', () => {
      expect(read(inClass("revision = 'a';", 'downRevision = null;', 'transactional = false;')).transactional).to.equal(false);
    });

    it('reads replaces (a squashed revision), default []', () => {
      expect(read(inClass("revision = 'a';", 'downRevision = null;', "replaces = ['b1', 'c2'] as const;")).replaces).to.deep.equal(['b1', 'c2']);
      expect(read(inClass("revision = 'a';", 'downRevision = null;')).replaces).to.deep.equal([]);
      const err = thrown(() => read(inClass("revision = 'a';", 'downRevision = null;', "replaces = ['b-1'];")));
      expect(err.message).to.match(/:4: replaces: revision id "b-1" is invalid/);
    });

    it('works without semicolons', () => {
      const h = read(inClass("  revision = 'a'", "  downRevision = 'b'", "  branchLabels = ['x']", '  async up() {}'));
      expect(h).to.deep.include({ id: 'a', downRevisions: ['b'], branchLabels: ['x'] });
    });

    it('accepts ids of any [0-9A-Za-z_] characters', () => {
      expect(read(inClass("revision = 'Init_Schema_2';", "downRevision = 'x_1';")).id).to.equal('Init_Schema_2');
    });

    it('decodes string escapes', () => {
      const h = read(inClass("revision = 'a';", 'downRevision = null;', "branchLabels = ['it\\'s', \"q\\\"\", 'tab\\there', '\\u00e9t\\u00E9'];"));
      expect(h.branchLabels).to.deep.equal(["it's", 'q"', 'tab\there', 'été']);
    });

    it('ignores commented-out fields', () => {
      const h = read(
        inClass(
          "  // override readonly revision = 'zzzz';",
          "  /* override readonly downRevision = 'yyyy'; */",
          '  /**',
          "   * transactional = false; dependsOn = ['q']",
          '   */',
          "  override readonly revision = 'a'; // revision = 'b'",
          "  override readonly downRevision = /* 'c' */ null;",
        ),
      );
      expect(h).to.deep.include({ id: 'a', downRevisions: [], dependsOn: [], transactional: true });
    });

    it('ignores look-alikes in methods, strings, templates, regular expressions and nested classes', () => {
      const h = read([
        "const revision = 'top';",
        'function helper() { const downRevision = \'x\'; return { revision: "y" }; }',
        'export class X extends Revision {',
        "  revision = 'a';",
        '  downRevision = null;',
        '  async up() {',
        "    const revision = 'b';",
        '    this.addSql(`update t set s = \'}\' where x = ${JSON.stringify({ revision: \'c\' })}`);',
        "    const re = /['{]+\\/}/g; const half = 1 / 2; const s = '{';",
        "    class Inner { revision = 'd'; downRevision = 'e'; }",
        '  }',
        "  note = 'revision = \"f\"';",
        '  other = { revision: \'g\', dependsOn: [\'h\'] };',
        '}',
      ]);
      expect(h).to.deep.include({ id: 'a', downRevisions: [], dependsOn: [] });
    });

    it('ignores a method named like a field, and fields as parameters', () => {
      const h = read(inClass("revision = 'a';", 'downRevision = null;', 'dependsOn(): string[] { return [] }', 'up(transactional = false) {}'));
      expect(h).to.deep.include({ dependsOn: [], transactional: true });
    });

    it('reads a multi-line message, and no Create Date', () => {
      const h = read(['/**', ' * Add user role', ' * and a nickname', ' *', ' * Revision ID: a', ' */', ...inClass("revision = 'a';", 'downRevision = null;')]);
      expect(h.message).to.equal('Add user role\nand a nickname');
      expect(h.createDate).to.equal(null);
    });

    it('reads a header with Revises for a merge, and an empty Revises for a base', () => {
      const merge = read(['/**', ' * merge', ' *', ' * Revision ID: m', ' * Revises: b, a', ' */', ...inClass("revision = 'm';", "downRevision = ['a', 'b'];")]);
      expect(merge.downRevisions).to.deep.equal(['a', 'b']);
      const base = read(['/**', ' * base', ' *', ' * Revision ID: a', ' * Revises:', ' */', ...inClass("revision = 'a';", 'downRevision = null;')]);
      expect(base.message).to.equal('base');
    });

    it('accepts a file without a header comment', () => {
      const h = read(inClass("revision = 'a';", 'downRevision = null;'));
      expect(h).to.include({ message: '', createDate: null });
    });

    it('accepts CRLF line endings and a byte order mark', () => {
      const h = readRevisionHeader(`\ufeff${DOCUMENTED.join('\r\n')}`, FILE);
      expect(h).to.include({ id: '1a2b3c4d5e6f', message: 'Add user role', createDate: '2026-11-25 13:45:00.123Z' });
    });

    it('reads tsc output for ES2022 (class fields)', () => {
      const h = read([
        '"use strict";',
        'Object.defineProperty(exports, "__esModule", { value: true });',
        'exports.AddUserRole_1a2b3c4d5e6f = void 0;',
        '/**',
        ' * Add user role',
        ' *',
        ' * Revision ID: 1a2b3c4d5e6f',
        ' * Revises: 0f9e8d7c6b5a',
        ' */',
        'const mikro_orm_alembic_1 = require("mikro-orm-alembic");',
        'class AddUserRole_1a2b3c4d5e6f extends mikro_orm_alembic_1.Revision {',
        "    revision = '1a2b3c4d5e6f';",
        "    downRevision = '0f9e8d7c6b5a';",
        '    branchLabels = [];',
        '    dependsOn = [];',
        '    async up() {',
        '        this.addSql(`alter table "user" add column "nickname" text`);',
        '    }',
        '}',
        'exports.AddUserRole_1a2b3c4d5e6f = AddUserRole_1a2b3c4d5e6f;',
      ]);
      expect(h).to.deep.include({ id: '1a2b3c4d5e6f', downRevisions: ['0f9e8d7c6b5a'], message: 'Add user role' });
    });

    it('reads tsc output for older targets (assignments in the constructor)', () => {
      const h = read([
        '"use strict";',
        '/**',
        ' * Add user role',
        ' *',
        ' * Revision ID: 1a2b3c4d5e6f',
        ' */',
        'class AddUserRole_1a2b3c4d5e6f extends mikro_orm_alembic_1.Revision {',
        '    constructor() {',
        '        super(...arguments);',
        "        this.revision = '1a2b3c4d5e6f';",
        "        this.downRevision = ['0f9e8d7c6b5a', '111111111111'];",
        "        this.branchLabels = ['billing'];",
        '        this.transactional = false;',
        '        if (this.x) { this.dependsOn = someVar; }',
        '    }',
        '    up() {',
        '        return __awaiter(this, void 0, void 0, function* () { this.revision = 1; });',
        '    }',
        '}',
      ]);
      expect(h).to.deep.include({
        id: '1a2b3c4d5e6f',
        downRevisions: ['0f9e8d7c6b5a', '111111111111'],
        branchLabels: ['billing'],
        dependsOn: [],
        transactional: false,
      });
    });

    it('reads static fields and a class assigned to module.exports (plain JavaScript)', () => {
      const h = read([
        "const { Revision } = require('mikro-orm-alembic');",
        'module.exports = class AddRole extends Revision {',
        "  static revision = 'a';",
        "  static downRevision = 'b';",
        '  async up() {}',
        '};',
      ]);
      expect(h).to.deep.include({ id: 'a', downRevisions: ['b'] });
    });
  });

  describe('errors name the file and the line', () => {
    function error(lines: string[]) {
      return thrown(() => read(lines));
    }

    it('a value that is not a literal', () => {
      const cases: [string, string][] = [
        ['downRevision = PREVIOUS;', 'downRevision'],
        ["downRevision = 'a' + 'b';", 'downRevision'],
        ['downRevision = `${x}`;', 'downRevision'],
        ["dependsOn = ['a', other];", 'dependsOn'],
        ['dependsOn = [...other];', 'dependsOn'],
        ['branchLabels = labels();', 'branchLabels'],
        ["downRevision = cond ? 'a' : 'b';", 'downRevision'],
        ['downRevision: string | null;', 'downRevision'],
        ['transactional = !0;', 'transactional'],
        ["transactional = 'no';", 'transactional'],
        ['revision = null;', 'revision'],
        ['replaces = ids;', 'replaces'],
      ];
      for (const [line, field] of cases) {
        const members = ["  revision = 'a1';", '  downRevision = null;', `  ${line}`];
        const replaced = ['revision', 'downRevision'].indexOf(field);
        if (replaced >= 0) members.splice(replaced, 1, members.pop()!);
        const lineNo = replaced >= 0 ? replaced + 2 : 4;
        const err = error(inClass(...members));
        expect(err, line).to.be.instanceOf(ScriptNotALiteralError);
        expect(err.code).to.equal('SCRIPT_NOT_A_LITERAL');
        expect(err.message, line).to.match(new RegExp(`^migrations/1a2b3c4d5e6f_add_user_role\\.ts:${lineNo}: ${field} must be a literal`));
        expect((err as ScriptNotALiteralError).field).to.equal(field);
      }
    });

    it('a value that continues on the same line', () => {
      const err = error(inClass("  revision = 'a'", "  downRevision = 'b'.trim()"));
      expect(err).to.be.instanceOf(ScriptNotALiteralError);
      expect(err.message).to.match(/:3: downRevision must be a literal/);
    });

    it('a field declared twice, with both lines', () => {
      const err = error(inClass("  revision = 'a';", '  downRevision = null;', '', "  downRevision = 'b';"));
      expect(err).to.be.instanceOf(ScriptDuplicateFieldError);
      expect(err.code).to.equal('SCRIPT_DUPLICATE_FIELD');
      expect(err.message).to.equal(`${FILE}:5: downRevision is declared twice (first on line 3, again on line 5)`);
      expect(err).to.include({ line: 5, firstLine: 3, field: 'downRevision', file: FILE });
    });

    it('a field declared both as a class field and in the constructor', () => {
      const err = error(inClass("  revision = 'a';", '  downRevision = null;', '  constructor() {', '    super();', "    this.revision = 'b';", '  }'));
      expect(err).to.be.instanceOf(ScriptDuplicateFieldError);
      expect(err.message).to.match(/:6: revision is declared twice \(first on line 2/);
    });

    it('a header Revision ID that disagrees with the class', () => {
      const err = error(['/**', ' * Msg', ' *', ' * Revision ID: aaaa', ' */', ...inClass("  revision = 'bbbb';", '  downRevision = null;')]);
      expect(err).to.be.instanceOf(ScriptHeaderMismatchError);
      expect(err.code).to.equal('SCRIPT_HEADER_MISMATCH');
      expect(err.message).to.equal(
        `${FILE}:4: the header says "Revision ID: aaaa" but the class declares revision = 'bbbb' (line 7)`,
      );
    });

    it('a header Revises that disagrees with the class', () => {
      const err = error(['/**', ' * Revision ID: m', ' * Revises: a', ' */', ...inClass("  revision = 'm';", "  downRevision = ['a', 'b'];")]);
      expect(err).to.be.instanceOf(ScriptHeaderMismatchError);
      expect(err.message).to.equal(`${FILE}:3: the header says "Revises: a" but the class declares downRevision = ['a', 'b'] (line 7)`);
      const base = error(['/**', ' * Revision ID: m', ' * Revises: a', ' */', ...inClass("  revision = 'm';", '  downRevision = null;')]);
      expect(base.message).to.match(/:3: .* downRevision = null \(line 7\)$/);
    });

    it('a header key given twice, or an invalid id in the header', () => {
      expect(error(['/**', ' * Revision ID: a', ' * Revision ID: a', ' */', ...inClass("revision = 'a';", 'downRevision = null;')]).message).to.equal(
        `${FILE}:3: header key "Revision ID" appears twice (first on line 2)`,
      );
      expect(error(['/**', ' * Revises: a-b', ' */', ...inClass("revision = 'a';", 'downRevision = null;')]).message).to.match(/:2: header "Revises: a-b"/);
    });

    it('no revision field (points at the class)', () => {
      const err = error(['// helpers', '', ...inClass('  downRevision = null;')]);
      expect(err).to.be.instanceOf(ScriptParseError);
      expect(err.code).to.equal('SCRIPT_PARSE');
      expect(err.message).to.match(/^migrations\/1a2b3c4d5e6f_add_user_role\.ts:3: no `revision` field/);
      expect(err.message).to.contain('leading _');
      expect(error(['export const x = 1;']).message).to.match(/:1: no `revision` field/);
    });

    it('no downRevision field', () => {
      expect(error(inClass("revision = 'a';")).message).to.equal(
        `${FILE}:1: no \`downRevision\` field (use \`downRevision = null\` for a base revision)`,
      );
    });

    it('an invalid id', () => {
      expect(error(inClass("revision = 'a-b';", 'downRevision = null;')).message).to.equal(
        `${FILE}:2: revision id "a-b" is invalid: use letters, digits and _ only`,
      );
      expect(error(inClass("revision = 'a';", "downRevision = ['b', 'c d'];")).message).to.match(/:3: downRevision: revision id "c d" is invalid/);
      expect(error(inClass("revision = '';", 'downRevision = null;')).message).to.match(/:2: revision id "" is invalid/);
    });

    it('an empty or repeated list item', () => {
      expect(error(inClass("revision = 'a';", 'downRevision = null;', "branchLabels = [''];")).message).to.match(/:4: branchLabels: empty string/);
      expect(error(inClass("revision = 'a';", "downRevision = ['b', 'b'];")).message).to.match(/:3: downRevision: "b" is listed twice/);
    });

    it('an unsupported modifier', () => {
      const err = error(inClass("  private revision = 'a';", '  downRevision = null;'));
      expect(err.message).to.equal(`${FILE}:2: modifier "private" on revision is not supported: use public (or none), static, readonly, override`);
      expect(error(inClass("  revision = 'a';", '  declare downRevision: null;')).message).to.match(/:3: modifier "declare"/);
    });

    it('unterminated strings, comments, templates and blocks', () => {
      expect(error(inClass("revision = 'a;", 'downRevision = null;')).message).to.equal(`${FILE}:2: unterminated string`);
      expect(error(['/* header', ...inClass("revision = 'a';")]).message).to.equal(`${FILE}:1: unterminated comment`);
      expect(error([...inClass("revision = 'a';", 'downRevision = null;', 'up() { return `x'), '']).message).to.equal(`${FILE}:4: unterminated template string`);
      expect(error(['export class X extends Revision {', "revision = 'a';", 'up() {', '']).message).to.equal(`${FILE}:3: unterminated block: no matching "}"`);
      expect(error(['export class X extends Revision {', "revision = 'a';", '']).message).to.equal(`${FILE}:1: unterminated block: no matching "}"`);
      expect(error(["revision = 'a';", '}']).message).to.equal(`${FILE}:2: unexpected "}"`);
    });
  });
});
