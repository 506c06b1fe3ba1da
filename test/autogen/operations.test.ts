/**
 * The operation model without a database: inverses, descriptions, enum value planning, type
 * narrowing, code rendering; and the kinds MikroORM never proposes (table rename, autoincrement),
 * rendered, applied and reverted on a real database.
 */
import { Entity, PrimaryKey, Property, type MikroORM } from '@mikro-orm/core';
import type { AbstractSqlPlatform } from '@mikro-orm/knex';
import { StringType } from '@mikro-orm/core';
import { expect } from 'chai';
import {
  describeOperation,
  invertOperation,
  invertOperations,
  isNarrowingTypeChange,
  OPERATION_KINDS,
  operationSection,
  planEnumValueChanges,
  renderAutogenResult,
  renderMethodBody,
  type ColumnDefinition,
  type Operation,
  type OperationKind,
} from '../../src/autogen';
import { templateLiteral } from '../../src/autogen/render-code';
import { writeRevision } from '../../src/script';
import { useTestDatabase } from '../support/database';
import { AutogenHarness, openOrm, SCRIPT_MODULE } from './support/autogen-harness';

const table = { schema: 'public', name: 'user' };
const type = { schema: 'public', name: 'user_role' };

function column(name: string, columnType: string, extra: Partial<ColumnDefinition> = {}): ColumnDefinition {
  return { name, type: columnType, mappedType: new StringType(), nullable: true, default: null, primary: false, autoincrement: false, ...extra };
}

/** One operation of every kind. */
const SAMPLES: Record<OperationKind, Operation> = {
  createSchema: { kind: 'createSchema', schema: 'app' },
  dropSchema: { kind: 'dropSchema', schema: 'app' },
  createEnumType: { kind: 'createEnumType', type, values: ['a', 'b'] },
  dropEnumType: { kind: 'dropEnumType', type, values: ['a', 'b'] },
  addEnumValue: { kind: 'addEnumValue', type, value: 'c', valuesBefore: ['a', 'b'], valuesAfter: ['a', 'b', 'c'], columns: [] },
  rebuildEnumType: { kind: 'rebuildEnumType', type, fromValues: ['a', 'b'], toValues: ['b', 'a'], columns: [{ table, column: 'role', array: false, default: "'a'" }] },
  renameEnumType: { kind: 'renameEnumType', from: type, to: { schema: 'app', name: 'member_role' }, guessed: true },
  renameEnumValue: { kind: 'renameEnumValue', type, from: 'a', to: 'b', guessed: false },
  createTable: { kind: 'createTable', table: { ...table, columns: [column('id', 'int')], indexes: [], checks: [] } },
  dropTable: { kind: 'dropTable', table: { ...table, columns: [column('id', 'int')], indexes: [], checks: [] } },
  renameTable: { kind: 'renameTable', table, newName: 'person' },
  alterTableComment: { kind: 'alterTableComment', table, from: null, to: 'people' },
  addColumn: { kind: 'addColumn', table, column: column('bio', 'text') },
  dropColumn: { kind: 'dropColumn', table, column: column('bio', 'text') },
  renameColumn: { kind: 'renameColumn', table, from: 'a', to: 'b', guessed: true },
  alterColumnType: { kind: 'alterColumnType', table, column: 'name', from: column('name', 'varchar(10)'), to: column('name', 'text') },
  alterColumnNullable: { kind: 'alterColumnNullable', table, column: 'name', from: true, to: false },
  alterColumnDefault: { kind: 'alterColumnDefault', table, column: 'name', from: null, to: "'x'" },
  alterColumnComment: { kind: 'alterColumnComment', table, column: 'name', from: 'a', to: null },
  alterColumnAutoincrement: { kind: 'alterColumnAutoincrement', table, column: 'id', from: false, to: true },
  createIndex: { kind: 'createIndex', table, index: { keyName: 'user_name_index', columnNames: ['name'], unique: false, primary: false, constraint: false } },
  dropIndex: { kind: 'dropIndex', table, index: { keyName: 'user_name_index', columnNames: ['name'], unique: false, primary: false, constraint: false } },
  renameIndex: { kind: 'renameIndex', table, from: 'a', to: 'b', guessed: false },
  addCheck: { kind: 'addCheck', table, check: { name: 'user_age_check', expression: 'age > 0' } },
  dropCheck: { kind: 'dropCheck', table, check: { name: 'user_age_check', expression: 'age > 0' } },
  addForeignKey: {
    kind: 'addForeignKey',
    table,
    foreignKey: { constraintName: 'user_team_id_foreign', columnNames: ['team_id'], localTableName: 'public.user', referencedTableName: 'public.team', referencedColumnNames: ['id'] },
  },
  dropForeignKey: {
    kind: 'dropForeignKey',
    table,
    foreignKey: { constraintName: 'user_team_id_foreign', columnNames: ['team_id'], localTableName: 'public.user', referencedTableName: 'public.team', referencedColumnNames: ['id'] },
  },
};

describe('autogen: operations', () => {
  it('has a sample of every kind; each inverse inverts back (an added enum value comes back as a rebuild)', () => {
    expect(Object.keys(SAMPLES).sort()).to.deep.equal([...OPERATION_KINDS].sort());
    for (const op of Object.values(SAMPLES)) {
      const twice = invertOperation(invertOperation(op));
      if (op.kind === 'addEnumValue') {
        expect(invertOperation(op)).to.deep.equal({ kind: 'rebuildEnumType', type, fromValues: ['a', 'b', 'c'], toValues: ['a', 'b'], columns: [] });
        expect(twice).to.deep.equal({ kind: 'rebuildEnumType', type, fromValues: ['a', 'b'], toValues: ['a', 'b', 'c'], columns: [] });
      } else {
        expect(twice, op.kind).to.deep.equal(op);
      }
      expect(describeOperation(op)).to.match(/^[+~-] /);
      expect(operationSection(op)).to.be.a('string');
    }
    expect(invertOperations([SAMPLES.createSchema, SAMPLES.createTable])).to.deep.equal([invertOperation(SAMPLES.createTable), SAMPLES.dropSchema]);
  });

  it('plans enum values: additions in place (start, middle, end), a rebuild for removals and reorderings', () => {
    const uses = { fromUses: [], toUses: [] };
    const insert = planEnumValueChanges({ type, fromValues: ['b', 'd'], toValues: ['a', 'b', 'c', 'd', 'e'], ...uses });
    expect(insert.rebuild).to.equal(undefined);
    expect(insert.additions.map((a) => [a.value, a.valuesAfter.join('')])).to.deep.equal([
      ['a', 'abd'],
      ['c', 'abcd'],
      ['e', 'abcde'],
    ]);
    const removal = planEnumValueChanges({ type, fromValues: ['a', 'b', 'c'], toValues: ['a', 'c'], ...uses });
    expect(removal.additions).to.deep.equal([]);
    expect(removal.rebuild).to.deep.include({ fromValues: ['a', 'b', 'c'], toValues: ['a', 'c'] });
    const mixed = planEnumValueChanges({ type, fromValues: ['a', 'b'], toValues: ['b', 'x', 'a'], ...uses });
    expect(mixed.additions.map((a) => a.valuesAfter.join(''))).to.deep.equal(['abx']);
    expect(mixed.rebuild).to.deep.include({ fromValues: ['a', 'b', 'x'], toValues: ['b', 'x', 'a'] });
    expect(planEnumValueChanges({ type, fromValues: ['a'], toValues: ['a'], ...uses })).to.deep.equal({ additions: [] });
  });

  it('tells narrowing type changes from widenings', () => {
    const cases: [string, string, boolean][] = [
      ['varchar(100)', 'varchar(50)', true],
      ['varchar(50)', 'varchar(100)', false],
      ['varchar(50)', 'text', false],
      ['text', 'varchar(255)', true],
      ['int', 'bigint', false],
      ['int4', 'int', false],
      ['bigint', 'int', true],
      ['smallint', 'integer', false],
      ['numeric(10,2)', 'numeric(12,2)', false],
      ['numeric(10,2)', 'numeric(10,3)', true],
      ['numeric(10,2)', 'numeric(12,4)', false],
      ['real', 'double precision', false],
      ['double precision', 'real', true],
      ['timestamptz(3)', 'timestamptz(6)', false],
      ['timestamptz', 'timestamptz(0)', true],
      ['timestamp', 'timestamptz', true],
      ['jsonb', 'text', false],
      ['text', 'int', true],
      ['int[]', 'text', true],
    ];
    for (const [from, to, narrowing] of cases) {
      expect(isNarrowingTypeChange(column('c', from), column('c', to)), `${from} -> ${to}`).to.equal(narrowing);
    }
    const native = column('c', 'user_role', { nativeEnumName: 'user_role' });
    expect(isNarrowingTypeChange(native, column('c', 'text'))).to.equal(false);
    expect(isNarrowingTypeChange(column('c', 'text'), native)).to.equal(true);
    expect(isNarrowingTypeChange(native, column('c', 'other', { nativeEnumName: 'other' }))).to.equal(true);
  });

  it('writes statements as template literals whose value is exactly the SQL', () => {
    const sql = "select '`${x}`', E'\\\\n'";
    const literal = templateLiteral(sql);
    expect(new Function(`return ${literal};`)()).to.equal(sql);
  });

  it('groups consecutive operations of a section under one comment; enum values in an outsideTransaction block', () => {
    const body = renderMethodBody([
      { operation: SAMPLES.addEnumValue, statements: ['alter type "user_role" add value if not exists \'c\';'] },
      { operation: SAMPLES.alterColumnNullable, statements: ['A;'], comments: ['NOT_NULL_ON_EXISTING: x'] },
      { operation: SAMPLES.alterColumnDefault, statements: ['B;'] },
      { operation: SAMPLES.dropColumn, statements: ['C;'] },
    ]);
    expect(body).to.equal(
      [
        '// add enum values (committed first: PostgreSQL refuses a value added in the same transaction)',
        'await this.outsideTransaction(() => {',
        "  this.addSql(`alter type \"user_role\" add value if not exists 'c';`);",
        '});',
        '',
        '// alter columns',
        '// NOT_NULL_ON_EXISTING: x',
        'this.addSql(`A;`);',
        'this.addSql(`B;`);',
        '',
        '// drop columns',
        'this.addSql(`C;`);',
      ].join('\n'),
    );
    expect(renderMethodBody([])).to.equal('');
  });
});

@Entity({ tableName: 'user' })
class T1User {
  @PrimaryKey() id!: number;
  @Property({ columnType: 'int', nullable: true }) code?: number;
}

describe('autogen: operations MikroORM never proposes, applied for real', function () {
  this.timeout(60_000);
  const db = useTestDatabase();
  let h: AutogenHarness;
  let orm: MikroORM;
  before(async () => {
    h = new AutogenHarness(db.url);
    orm = await openOrm(db.url, [T1User], { connect: false });
  });
  after(async () => {
    h.dispose();
    await orm.close(true);
  });

  it('renames a table and gives a column a sequence default; down undoes both', async () => {
    await h.reset();
    await h.generate([T1User], 'init');
    await h.upgrade();
    const before = await h.fingerprint();
    const ops: Operation[] = [
      { kind: 'alterColumnAutoincrement', table, column: 'code', from: false, to: true },
      { kind: 'renameTable', table, newName: 'person' },
      { kind: 'alterTableComment', table: { schema: 'public', name: 'person' }, from: null, to: "people's" },
    ];
    const result = await renderAutogenResult(ops, orm.em.getPlatform() as AbstractSqlPlatform);
    expect(result.upSql).to.deep.equal([
      'create sequence if not exists "user_code_seq";',
      `select setval('user_code_seq', (select max("code") from "user"));`,
      `alter table "user" alter column "code" set default nextval('user_code_seq');`,
      'alter table "user" rename to "person";',
      `comment on table "person" is 'people''s';`,
    ]);
    expect(result.downSql).to.deep.equal(['comment on table "person" is null;', 'alter table "person" rename to "user";', 'alter table "user" alter column "code" drop default;']);
    writeRevision({ directory: h.dir, heads: h.env().graph.heads, message: 'by hand', upBody: result.upBody, downBody: result.downBody, importFrom: SCRIPT_MODULE });
    await h.upgrade();
    const fp = await h.fingerprint();
    expect(fp.tables.map((t) => t.table)).to.deep.equal(['person']);
    expect(fp.columns.find((c) => c.column === 'code')?.default).to.equal(`nextval('user_code_seq'::regclass)`);
    await h.downgrade();
    const after = await h.fingerprint();
    // the sequence stays behind (it is not owned by the column); everything else is as before
    expect({ ...after, sequences: [] }).to.deep.equal({ ...before, sequences: [] });
  });
});
