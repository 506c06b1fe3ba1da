/**
 * Issue 17: a `nativeEnumName` holding `"` (`we"ird`) was created, then its columns were generated as
 * text with a check and the next autogenerate wrote `alter column "kind" type we"ird using
 * ("kind"::we"ird)` unquoted. Every identifier position, with `"`, `'`, space, `;`, unicode and upper
 * case: schema, table, column, index, unique and check constraint names, an enum type used directly,
 * as an array and by a default, and a column converted onto the type (the `using` cast). Each case
 * runs up, a converging autogenerate, down (the schema as before), up again, against PostgreSQL.
 */
import 'reflect-metadata';
import { EntitySchema } from '@mikro-orm/core';
import { expect } from 'chai';
import { useTestDatabase } from '../support/database';
import type { AbstractSqlPlatform } from '@mikro-orm/knex';
import { renderAutogenResult } from '../../src/autogen';
import { writeRevision } from '../../src/script';
import { openOrm, SCRIPT_MODULE, useAutogenHarness, type EntityClass } from '../autogen/support/autogen-harness';
import { sql } from '../autogen/support/schema-fingerprint';

const NAMES: readonly string[] = ['we"ird', "it's", 'a b', 'a;b', 'café ☕', 'Upper', 'Mixed "Q"; it\'s Ü'];

/** MikroORM 6.6.16 cannot introspect a table or schema whose name holds `"` (its own catalog query builds a regclass text). */
const forTable = (name: string) => name.replace(/"/g, '');

function model(n: string, converted: boolean): EntityClass[] {
  const schema = `s ${forTable(n)}`;
  const kind = `k ${n}`;
  const items = ['a', `b ${n}`];
  const props: Record<string, Record<string, unknown>> = {
    id: { type: 'number', primary: true },
    plain: { type: 'string', columnType: 'text', fieldName: `c ${n}`, nullable: true },
    conv: converted
      ? { enum: true, type: 'string', items, nativeEnumName: kind, fieldName: `conv ${n}`, nullable: true }
      : { type: 'string', columnType: 'text', fieldName: `conv ${n}`, nullable: true },
  };
  if (converted) {
    props.kind = { enum: true, type: 'string', items, nativeEnumName: kind, fieldName: `kind ${n}`, default: 'a' };
    props.kinds = { enum: true, type: 'string[]', items, nativeEnumName: kind, array: true, fieldName: `kinds ${n}`, nullable: true };
    props.local = { enum: true, type: 'string', items, nativeEnumName: `${schema}.l ${n}`, fieldName: `local ${n}`, nullable: true };
  }
  const table = new EntitySchema({
    name: 'Thing',
    tableName: `t ${forTable(n)}`,
    properties: props as never,
    indexes: converted ? [{ name: `i ${n}`, properties: ['plain'] }] : [],
    uniques: converted ? [{ name: `u ${n}`, properties: ['conv'] }] : [],
    checks: converted ? [{ name: `ck ${n}`, expression: `"c ${n.replace(/"/g, '""')}" <> 'x'` }] : [],
  });
  const other = new EntitySchema({
    name: 'Other',
    tableName: `o ${forTable(n)}`,
    schema,
    properties: { id: { type: 'number', primary: true }, ...(converted ? { local: { enum: true, type: 'string', items, nativeEnumName: `l ${n}`, fieldName: `local ${n}`, nullable: true } } : {}) } as never,
  });
  return [table as unknown as EntityClass, other as unknown as EntityClass];
}

describe('escaping: identifiers with ", \', space, ;, unicode and upper case in every position (issue 17)', function () {
  this.timeout(600_000);
  const db = useTestDatabase();
  const h = useAutogenHarness(db);

  for (const n of NAMES) {
    it(`${JSON.stringify(n)}: up, converges, down restores, up again`, async () => {
      const generated = await h.roundTrip(model(n, false), model(n, true));
      const up = generated.result.upSql.join('\n');
      const kind = `"k ${n.replace(/"/g, '""')}"`;
      expect(up, 'the type is quoted where a column converts onto it').to.contain(`type ${kind} using (`);
      expect(up).to.contain(`::text::${kind})`);
      expect(up).to.contain(`${kind}[]`);
      const types = await sql<{ name: string; schema: string }>(db.url, `select t.typname as name, n.nspname as schema from pg_type t join pg_namespace n on n.oid = t.typnamespace where t.typtype = 'e' order by 2, 1`);
      expect(types).to.deep.equal([
        { name: `k ${n}`, schema: 'public' },
        { name: `l ${n}`, schema: `s ${forTable(n)}` },
      ]);
      const columns = await sql<{ name: string; type: string; def: string | null }>(
        db.url,
        `select a.attname as name, format_type(a.atttypid, a.atttypmod) as type, pg_get_expr(d.adbin, d.adrelid) as def
         from pg_attribute a left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
         where a.attrelid = $1::regclass and a.attnum > 0 and not a.attisdropped order by a.attnum`,
        [`"t ${forTable(n).replace(/"/g, '""')}"`],
      );
      const byName = Object.fromEntries(columns.map((c) => [c.name, c]));
      expect(byName[`kind ${n}`].type).to.equal(kind);
      expect(byName[`kind ${n}`].def, 'the default references the type').to.match(/^'a'::/);
      expect(byName[`kinds ${n}`].type.endsWith('[]')).to.equal(true);
      const constraints = await sql<{ name: string }>(db.url, `select conname as name from pg_constraint where conrelid = $1::regclass and contype in ('u', 'c') order by 1`, [
        `"t ${forTable(n).replace(/"/g, '""')}"`,
      ]);
      expect(constraints.map((c) => c.name)).to.deep.equal([`ck ${n}`, `u ${n}`].sort());
      const indexes = await sql<{ name: string }>(db.url, `select indexname as name from pg_indexes where tablename = $1 and indexname = $2`, [`t ${forTable(n)}`, `i ${n}`]);
      expect(indexes.length).to.equal(1);
    });
  }

  it('a sequence default (autoincrement) on tables and columns with such names, in a schema too: MikroORM wrote the sequence as bare text', async () => {
    const orm = await openOrm(db.url, [], { connect: false });
    try {
      for (const [schema, table, column] of [
        ['public', "it's", 'Code'],
        ['Odd "S"', 'Upper Case', 'a"b'],
      ]) {
        await h.reset();
        await sql(db.url, `create schema if not exists "${schema.replace(/"/g, '""')}"`);
        const qualified = `"${schema.replace(/"/g, '""')}"."${table.replace(/"/g, '""')}"`;
        await sql(db.url, `create table ${qualified} ("${column.replace(/"/g, '""')}" int)`);
        await sql(db.url, `insert into ${qualified} values (41)`);
        const result = await renderAutogenResult([{ kind: 'alterColumnAutoincrement', table: { schema, name: table }, column, from: false, to: true }], orm.em.getPlatform() as AbstractSqlPlatform);
        writeRevision({ directory: h.dir, heads: [], message: 'seq', upBody: result.upBody, downBody: result.downBody, importFrom: SCRIPT_MODULE });
        await h.upgrade();
        const [row] = await sql<{ v: number }>(db.url, `insert into ${qualified} default values returning "${column.replace(/"/g, '""')}" as v`);
        expect(row.v, `${schema}.${table}.${column}: the sequence continues after the rows`).to.equal(42);
        await h.downgrade('base');
        const [def] = await sql<{ d: string | null }>(db.url, `select column_default as d from information_schema.columns where table_schema = $1 and table_name = $2`, [schema, table]);
        expect(def.d).to.equal(null);
      }
    } finally {
      await orm.close(true);
    }
  });
});
