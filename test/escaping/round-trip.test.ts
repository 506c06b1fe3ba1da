/**
 * Issue 11 item 11: text with newlines (and CR, tabs, quotes, backslashes, unicode) reaches
 * PostgreSQL byte for byte through the real autogenerate: model → revision → upgrade → the catalog
 * shows exactly the model's text → autogenerate finds nothing more (it converges) → down → up.
 * Before, `writeRevision` indented every line of a multi-line template literal, so a column comment
 * `first line\nsecond line` was stored as `first line\n    second line` and never converged.
 */
import 'reflect-metadata';
import { EntitySchema } from '@mikro-orm/core';
import { expect } from 'chai';
import * as ts from 'typescript';
import { useTestDatabase } from '../support/database';
import { useAutogenHarness, type EntityClass } from '../autogen/support/autogen-harness';
import { sql } from '../autogen/support/schema-fingerprint';

/** Texts that are easy to change on the way: each must come back exactly. */
const TEXTS: readonly string[] = [
  'first line\nsecond line',
  'cr\rhere',
  'crlf\r\nhere',
  'tab\there',
  'then\n    indented',
  "it's",
  'say "hi"',
  'back\\slash',
  '\\n not a newline',
  'café ☕ 😀',
  'ls\u2028ps\u2029end',
  '`tick` ${x}',
  '*/ closes /*',
  '-- dash; drop table x',
  'Ünïcode UPPER',
];

// MikroORM 6.6.16 cannot introspect a table whose name holds `"` (its own query builds a regclass text)
const TABLE = "odd 'table'\nname";
// a line break in an enum type's name: MikroORM 6.6.16 does not read an array of it back (docs/autogenerate.md)
const KIND = 'odd "Kind"; ☕';

function model(texts: readonly string[], withComments: boolean): EntityClass {
  const properties: Record<string, Record<string, unknown>> = { id: { type: 'number', primary: true } };
  texts.forEach((text, i) => {
    properties[`c${i}`] = { type: 'string', columnType: 'text', fieldName: text, nullable: true, ...(withComments ? { comment: text } : {}) };
  });
  properties.defaulted = { type: 'string', columnType: 'text', fieldName: 'defaulted', default: texts[0], nullable: true };
  properties.checked = { enum: true, type: 'string', items: [...texts], fieldName: 'checked', nullable: true };
  properties.native = { enum: true, type: 'string', items: [...texts], nativeEnumName: KIND, fieldName: 'native', nullable: true };
  properties.natives = { enum: true, type: 'string[]', items: [...texts], nativeEnumName: KIND, array: true, fieldName: 'natives', nullable: true };
  const schema = new EntitySchema({ name: 'Odd', tableName: TABLE, comment: withComments ? texts.join('\n') : undefined, properties: properties as never });
  return schema as unknown as EntityClass;
}

describe('escaping: multi-line and odd text reaches PostgreSQL byte for byte (model → revision → database → no further diff)', function () {
  this.timeout(300_000);
  const db = useTestDatabase();
  const h = useAutogenHarness(db);

  it('column names, comments, defaults, check-constraint and native enum labels, table and type names', async () => {
    const generated = await h.roundTrip(null, [model(TEXTS, true)]);
    const source = ts.createSourceFile('r.ts', generated.text!, ts.ScriptTarget.ES2022, true);
    const spanning: string[] = [];
    const visit = (node: ts.Node): void => {
      if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && /[\n\r\u2028\u2029]/.test(node.getText(source))) spanning.push(node.getText(source));
      ts.forEachChild(node, visit);
    };
    visit(source);
    expect(spanning, 'no literal spans lines in the generated file').to.deep.equal([]);

    const columns = await sql<{ name: string; comment: string | null }>(
      db.url,
      `select a.attname as name, col_description(a.attrelid, a.attnum) as comment from pg_attribute a
       where a.attrelid = $1::regclass and a.attnum > 0 and not a.attisdropped order by a.attnum`,
      [`"${TABLE.replace(/"/g, '""')}"`],
    );
    const byName = new Map(columns.map((c) => [c.name, c.comment]));
    for (const text of TEXTS) {
      expect(byName.has(text), `column ${JSON.stringify(text)} exists under its own name`).to.equal(true);
      expect(byName.get(text), `comment of ${JSON.stringify(text)}`).to.equal(text);
    }
    const [table] = await sql<{ comment: string }>(db.url, `select obj_description($1::regclass, 'pg_class') as comment`, [`"${TABLE.replace(/"/g, '""')}"`]);
    expect(table.comment).to.equal(TEXTS.join('\n'));
    const labels = await sql<{ v: string }>(db.url, `select unnest(enum_range(null::"${KIND.replace(/"/g, '""')}"))::text as v`);
    expect(labels.map((r) => r.v)).to.deep.equal(TEXTS);

    const quoted = `"${TABLE.replace(/"/g, '""')}"`;
    for (const text of TEXTS) {
      await sql(db.url, `insert into ${quoted} (checked, native, natives) values ($1, $2, array[$3]::"${KIND.replace(/"/g, '""')}"[])`, [text, text, text]);
    }
    await sql(db.url, `insert into ${quoted} (checked) values (null)`);
    const rows = await sql<{ checked: string; native: string; defaulted: string }>(db.url, `select checked, native::text as native, defaulted from ${quoted} where checked is not null order by id`);
    expect(rows.map((r) => r.checked)).to.deep.equal(TEXTS);
    expect(rows.map((r) => r.native)).to.deep.equal(TEXTS);
    expect(rows.every((r) => r.defaulted === TEXTS[0]), 'the default is the model text').to.equal(true);
    let refused = false;
    try {
      await sql(db.url, `insert into ${quoted} (checked) values ($1)`, ['first line\n    second line']);
    } catch {
      refused = true;
    }
    expect(refused, 'the check constraint holds the labels exactly, not re-indented').to.equal(true);
  });

  it("a string default holding ' (MikroORM writes it unescaped): the value exactly, and it converges", async () => {
    const values = ["it's", "x'); drop table y; --", "two '' quotes", "back\\slash 'q'", "multi\nline 'q'"];
    const properties: Record<string, Record<string, unknown>> = { id: { type: 'number', primary: true } };
    values.forEach((value, i) => {
      properties[`d${i}`] = { type: 'string', columnType: 'text', default: value, nullable: true };
    });
    const entity = new EntitySchema({ name: 'Defaults', tableName: 'defaults', properties: properties as never }) as unknown as EntityClass;
    await h.roundTrip(null, [entity]);
    await sql(db.url, 'insert into defaults default values');
    const [row] = await sql<Record<string, string>>(db.url, 'select * from defaults');
    expect(values.map((_v, i) => row[`d${i}`])).to.deep.equal(values);
  });

  it('a comment changed to and from multi-line text converges', async () => {
    const before = await h.roundTrip(null, [model(TEXTS.slice(0, 3), false)]);
    expect(before.result.empty).to.equal(false);
    const after = await h.roundTrip([model(TEXTS.slice(0, 3), false)], [model(TEXTS.slice(0, 3), true)]);
    expect(after.result.summary).to.contain('change the comment');
  });
});
