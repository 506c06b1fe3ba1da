/**
 * Labels and names that need quoting (quotes, backslashes, spaces, unicode, reserved words, SQL that
 * tries to get out of its literal, the guard's own dollar tag): every enum step writes them as data,
 * never as SQL.
 */
import { Entity, Enum, PrimaryKey } from '@mikro-orm/core';
import { expect } from 'chai';
import { useTestDatabase } from '../support/database';
import { EnumLab, sql } from './support/enum-lab';

const INJECTION = `x'); drop table "order"; --`;
const BASE = [`it's`, 'back\\slash', 'café ☕', 'select', 'say "hi"', 'a,b', '{x}'];
const ADDED = [...BASE.slice(0, 3), INJECTION, ...BASE.slice(3), '$guard$'];
const RENAMED = ADDED.map((v) => (v === `it's` ? `it is 'ok'` : v));
const REMOVED = RENAMED.filter((v) => v !== '$guard$');

@Entity({ tableName: 'order' })
class Order {
  @PrimaryKey() id!: number;
}
@Entity({ tableName: 'order' })
class OrderBase {
  @PrimaryKey() id!: number;
  @Enum({ items: BASE, nativeEnumName: 'Order Status', nullable: true, fieldName: 'group' }) group?: string;
  @Enum({ items: BASE, nativeEnumName: 'Order Status', array: true, default: [], fieldName: 'select' }) select: string[] = [];
}
@Entity({ tableName: 'order' })
class OrderAdded {
  @PrimaryKey() id!: number;
  @Enum({ items: ADDED, nativeEnumName: 'Order Status', nullable: true, fieldName: 'group' }) group?: string;
  @Enum({ items: ADDED, nativeEnumName: 'Order Status', array: true, default: [], fieldName: 'select' }) select: string[] = [];
}
@Entity({ tableName: 'order' })
class OrderRenamed {
  @PrimaryKey() id!: number;
  @Enum({ items: RENAMED, nativeEnumName: 'Order Status', nullable: true, fieldName: 'group' }) group?: string;
  @Enum({ items: RENAMED, nativeEnumName: 'Order Status', array: true, default: [], fieldName: 'select' }) select: string[] = [];
}
@Entity({ tableName: 'order' })
class OrderRemoved {
  @PrimaryKey() id!: number;
  @Enum({ items: REMOVED, nativeEnumName: 'Order Status', nullable: true, fieldName: 'group' }) group?: string;
  @Enum({ items: REMOVED, nativeEnumName: 'Order Status', array: true, default: [], fieldName: 'select' }) select: string[] = [];
}

const TYPE = '"Order Status"';
const SELECT = `select "group"::text as g, "select"::text[] as s from "order" order by id`;

describe('enums: names and labels that need quoting', function () {
  this.timeout(60_000);
  const db = useTestDatabase();
  let lab: EnumLab;
  before(() => {
    lab = new EnumLab(db.url);
  });
  after(() => lab.dispose());

  const rows = (labels: readonly string[]) => [
    { sql: `insert into "order" ("group", "select") values ($1, $2), ($3, $4)`, params: [labels[0], [labels[1], labels[5]], labels[6], [labels[2]]] },
  ];

  it('15. quotes, backslashes, unicode, reserved words and an injection attempt: created, added, renamed and removed as data', async () => {
    const created = await lab.cycle({
      before: [Order],
      setup: [`insert into "order" default values`],
      after: [OrderBase],
      afterUp: async () => expect(await lab.values(TYPE)).to.deep.equal(BASE),
    });
    expect(created.result.upSql[0]).to.equal(`create type "Order Status" as enum ('it''s', E'back\\\\slash', 'café ☕', 'select', 'say "hi"', 'a,b', '{x}');`);

    const insert = async (labels: readonly string[]) => {
      for (const row of rows(labels)) await sql(db.url, row.sql, row.params);
    };
    // added in the middle, rows holding the others
    await lab.start([OrderBase]);
    await insert(BASE);
    const before = await sql(db.url, SELECT);
    await lab.generate([OrderAdded]);
    await lab.h.upgrade();
    expect(await lab.values(TYPE)).to.deep.equal(ADDED);
    expect(await sql(db.url, `select count(*)::int as n from pg_class where relname = 'order'`)).to.deep.equal([{ n: 1 }]);
    await lab.expectUpToDate([OrderAdded]);
    await lab.h.downgrade('-1');
    expect(await lab.values(TYPE)).to.deep.equal(BASE);
    expect(await sql(db.url, SELECT)).to.deep.equal(before);
    await lab.h.upgrade();

    // renamed: a quote in the new label
    const renamed = await lab.generate([OrderRenamed]);
    expect(renamed.result.upSql).to.deep.equal([`alter type "Order Status" rename value 'it''s' to 'it is ''ok''';`]);
    await lab.h.upgrade();
    expect((await sql<{ g: string }>(db.url, SELECT))[0].g).to.equal(`it is 'ok'`);
    await lab.expectUpToDate([OrderRenamed]);

    // removed while a row holds it, mapped by a key that is the guard's own dollar tag
    await sql(db.url, `insert into "order" ("group", "select") values ('$guard$', array['$guard$', 'select']::${TYPE}[])`);
    const removed = await lab.generate([OrderRemoved]);
    const stopped = await lab.h.upgrade().then(
      () => null,
      (e: Error) => e,
    );
    expect(stopped?.message).to.contain(`cannot remove '$guard$' from enum type Order Status: 1 row(s) of order.group still hold it`);
    lab.edit(removed.path, 'const orderStatusMap: Record<string, string> = {};', `const orderStatusMap: Record<string, string> = { '$guard$': 'a,b' };`);
    await lab.h.upgrade();
    expect(await lab.values(TYPE)).to.deep.equal(REMOVED);
    expect((await sql<{ g: string; s: string[] }>(db.url, SELECT)).at(-1)).to.deep.equal({ g: 'a,b', s: ['a,b', 'select'] });
    await lab.expectUpToDate([OrderRemoved]);
    await lab.h.downgrade('-1');
    expect(await lab.values(TYPE)).to.deep.equal(RENAMED);
    await lab.h.downgrade('-1');
    expect(await lab.values(TYPE)).to.deep.equal(ADDED);
  });
});
