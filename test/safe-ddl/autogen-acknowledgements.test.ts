/**
 * "Zero unacknowledged findings on what autogenerate writes" (issue 13): a model change set that makes
 * autogenerate write every lint-relevant step on populated tables (index, unique, foreign key, check,
 * NOT NULL, index drop, column and table drops, a type change, a per-row default, a rename). The lock-safe
 * forms find nothing; the steps that keep their blocking statement are acknowledged in the revision with
 * a reason, and the reason survives a table name that needs escaping in TypeScript.
 */
import { Check, Entity, Index, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { expect } from 'chai';
import { lintRevisions } from '../../src/lint';
import { revisionFieldOf } from '../../src/script/revision';
import { useTestDatabase } from '../support/database';
import { useAutogenHarness } from '../autogen/support/autogen-harness';
import { sql } from '../autogen/support/schema-fingerprint';

const ODD = `it's odd\\ ${'$'}{x} \`t\``;

@Entity({ tableName: 'customer' })
class V1Customer {
  @PrimaryKey() id!: number;
}
@Entity({ tableName: 'shop_order' })
@Index({ name: 'shop_order_old_idx', properties: ['ref'] })
class V1Order {
  @PrimaryKey() id!: number;
  @Property({ fieldName: 'customer_id', nullable: true }) customerId?: number;
  @Property() code!: string;
  @Property() ref!: string;
  @Property({ nullable: true }) qty?: number;
  @Property() amount!: number;
  @Property({ nullable: true }) legacy?: string;
}
@Entity({ tableName: 'person' })
class V1Person {
  @PrimaryKey() id!: number;
  @Property() firstName!: string;
}
@Entity({ tableName: ODD })
class V1Odd {
  @PrimaryKey() id!: number;
  @Property() val!: number;
}
@Entity({ tableName: 'obsolete' })
class V1Obsolete {
  @PrimaryKey() id!: number;
}

@Entity({ tableName: 'customer' })
class V2Customer {
  @PrimaryKey() id!: number;
}
@Entity({ tableName: 'shop_order' })
@Index({ name: 'shop_order_code_idx', properties: ['code'] })
@Unique({ name: 'shop_order_ref_unique', properties: ['ref'] })
@Check({ name: 'shop_order_qty_positive', expression: 'qty > 0' })
class V2Order {
  @PrimaryKey() id!: number;
  @ManyToOne(() => V2Customer, { fieldName: 'customer_id', nullable: true }) customer?: V2Customer;
  @Property() code!: string;
  @Property() ref!: string;
  @Property() qty!: number;
  @Property({ columnType: 'bigint' }) amount!: number;
  @Property({ columnType: 'uuid', defaultRaw: 'gen_random_uuid()' }) token!: string;
}
@Entity({ tableName: 'person' })
class V2Person {
  @PrimaryKey() id!: number;
  @Property() givenName!: string;
}
@Entity({ tableName: ODD })
class V2Odd {
  @PrimaryKey() id!: number;
  @Property({ columnType: 'bigint' }) val!: number;
}

const ROWS = 1_000;

describe('safe-ddl: autogenerate acknowledges what it cannot make lock-safe, and nothing else', function () {
  this.timeout(180_000);
  const db = useTestDatabase();
  const h = useAutogenHarness(db);

  async function populated(): Promise<void> {
    await h.reset();
    await h.generate([V1Customer, V1Order, V1Person, V1Odd, V1Obsolete], 'v1');
    await h.upgrade();
    await sql(h.url, 'insert into customer (id) select g from generate_series(1, 10) g');
    await sql(
      h.url,
      `insert into shop_order (id, customer_id, code, ref, qty, amount, legacy) select g, 1 + g % 10, 'c' || g, 'r' || g, 1 + g % 9, g, 'l' from generate_series(1, ${ROWS}) g`,
    );
    await sql(h.url, `insert into person (id, first_name) select g, 'p' || g from generate_series(1, ${ROWS}) g`);
    await sql(h.url, `insert into "${ODD.replace(/"/g, '""')}" (id, val) select g, g from generate_series(1, ${ROWS}) g`);
    await sql(h.url, 'insert into obsolete (id) select g from generate_series(1, 10) g');
  }

  it('the generated revision has zero unacknowledged findings; each acknowledgement names its table and reason; it upgrades with rows', async () => {
    await populated();
    const generated = await h.generate([V2Customer, V2Order, V2Person, V2Odd], 'v2');
    const result = generated.result;
    const ops = new Set(result.operations.map((o) => o.kind));
    for (const kind of ['createIndex', 'dropIndex', 'addForeignKey', 'addCheck', 'alterColumnNullable', 'alterColumnType', 'addColumn', 'renameColumn', 'dropColumn', 'dropTable']) {
      expect(ops, `the change set has a ${kind}`).to.include(kind);
    }

    const report = await lintRevisions(h.env().source, [generated.written!.id]);
    expect(report.unacknowledged.map((f) => `${f.code}: ${f.statement}`)).to.deep.equal([]);
    expect([...new Set(report.findings.map((f) => f.code))].sort()).to.deep.equal(['COLUMN_TYPE_REWRITE', 'RENAME_COLUMN', 'VOLATILE_DEFAULT']);
    expect(report.unusedAcknowledgements).to.deep.equal([]);

    // the file holds exactly what autogenerate computed, read back through TypeScript
    const revision = await h.env().source.load(generated.written!.id);
    expect(revisionFieldOf(revision, 'acknowledge')).to.deep.equal(result.acknowledge);
    expect(generated.text).to.contain('override readonly acknowledge = {');
    const ack = result.acknowledge as Record<string, string>;
    expect(ack.COLUMN_TYPE_REWRITE).to.contain('shop_order.amount').and.to.contain(ODD).and.to.contain('LOCK_REWRITE_TYPE');
    expect(ack.VOLATILE_DEFAULT).to.contain('shop_order.token').and.to.contain('LOCK_REWRITE_DEFAULT');
    expect(ack.RENAME_COLUMN).to.contain('person').and.to.contain('first_name');
    // the alternative is written next to the statements the acknowledgements cover
    expect(result.upBody).to.contain('// LOCK_REWRITE_TYPE:').and.to.contain('// LOCK_REWRITE_DEFAULT:');

    await h.upgrade();
    const [row] = await sql<{ n: number; tokens: number }>(h.url, 'select count(*)::int as n, count(distinct token)::int as tokens from shop_order');
    expect(row).to.deep.equal({ n: ROWS, tokens: ROWS });
    expect((await h.diff([V2Customer, V2Order, V2Person, V2Odd])).summary).to.equal('');
  });

  it('with safeDdl: false every finding is acknowledged as asked for, naming the lock-safe alternative', async () => {
    await populated();
    const plain = await h.diff([V2Customer, V2Order, V2Person, V2Odd], {}, { safeDdl: false });
    const ack = plain.acknowledge as Record<string, string>;
    expect(Object.keys(ack)).to.include.members(['BLOCKING_INDEX_BUILD', 'BLOCKING_UNIQUE_CONSTRAINT', 'VALIDATING_FOREIGN_KEY', 'VALIDATING_CHECK', 'NOT_NULL_SCAN', 'COLUMN_TYPE_REWRITE']);
    expect(ack.BLOCKING_INDEX_BUILD).to.contain('safeDdl: false').and.to.contain('create index concurrently');
  });
});
