/**
 * safe-ddl: what autogenerate writes for changes to populated tables, run for real: up/down/up with
 * rows, the locks observed from a second connection while a step is held, an interrupted concurrent
 * build finished by the next upgrade, and the lint finding nothing in what was written.
 */
import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { expect } from 'chai';
import { Client } from 'pg';
import { lintRevisions } from '../../src/lint';
import { useTestDatabase } from '../support/database';
import { useAutogenHarness } from '../autogen/support/autogen-harness';
import { sql } from '../autogen/support/schema-fingerprint';
import { V1Customer, V1Order, V2Customer, V2Order } from './support/shop-order-model';

/** V1 and an index: the revision's first lock-taking step is the concurrent build. */
@Entity({ tableName: 'shop_order' })
@Index({ name: 'shop_order_code_idx', properties: ['code'] })
class V2IndexOnly {
  @PrimaryKey() id!: number;
  @Property({ fieldName: 'customer_id', nullable: true }) customerId?: number;
  @Property() code!: string;
  @Property() ref!: string;
  @Property({ nullable: true }) qty?: number;
}

/** V1 with a type change and a column with a per-row default: no lock-safe form, a note instead. */
@Entity({ tableName: 'shop_order' })
class V3Rewrites {
  @PrimaryKey() id!: number;
  @Property({ fieldName: 'customer_id', nullable: true }) customerId?: number;
  @Property() code!: string;
  @Property({ columnType: 'text' }) ref!: string;
  @Property({ nullable: true }) qty?: number;
  @Property({ columnType: 'uuid', defaultRaw: 'gen_random_uuid()' }) token!: string;
}

const ROWS = 2_000;

describe('safe-ddl: lock-safe forms of changes to populated tables', function () {
  this.timeout(180_000);
  const db = useTestDatabase();
  const h = useAutogenHarness(db);

  async function populated(): Promise<void> {
    await h.reset();
    await h.generate([V1Customer, V1Order], 'v1');
    await h.upgrade();
    await sql(h.url, `insert into customer (id) select g from generate_series(1, 50) g`);
    await sql(
      h.url,
      `insert into shop_order (id, customer_id, code, ref, qty) select g, 1 + g % 50, 'c' || (g % 97), 'r' || g, 1 + g % 9 from generate_series(1, ${ROWS}) g`,
    );
  }

  async function catalog(): Promise<Record<string, unknown>> {
    const [row] = await sql<Record<string, unknown>>(
      h.url,
      `select
         (select array_agg(c.relname || ':' || i.indisvalid order by c.relname) from pg_index i join pg_class c on c.oid = i.indexrelid where i.indrelid = 'shop_order'::regclass) as indexes,
         (select array_agg(conname || ':' || convalidated order by conname) from pg_constraint where conrelid = 'shop_order'::regclass) as constraints,
         (select attnotnull from pg_attribute where attrelid = 'shop_order'::regclass and attname = 'qty') as qty_not_null,
         (select count(*)::int from shop_order) as rows`,
    );
    return row;
  }

  it('writes concurrent builds, not valid + validate and NOT NULL through a check; up, down, up with rows; the lint finds nothing', async () => {
    await populated();
    const before = await catalog();
    const generated = await h.generate([V2Customer, V2Order], 'v2');
    const up = generated.result.upBody;
    expect(up).to.contain('create index concurrently if not exists "shop_order_code_idx" on "shop_order" ("code")');
    expect(up).to.contain('create unique index concurrently if not exists "shop_order_ref_unique"');
    expect(up).to.contain('unique using index "shop_order_ref_unique"');
    expect(up).to.contain('foreign key ("customer_id") references "customer" ("id") on update cascade on delete set null not valid');
    expect(up).to.contain('validate constraint "shop_order_customer_id_foreign"');
    expect(up).to.contain('check ((qty > 0)) not valid');
    expect(up).to.contain('check ("qty" is not null) not valid');
    expect(up).to.contain('await this.outsideTransaction(');
    expect(generated.result.downBody).to.contain('drop index concurrently if exists "public"."shop_order_code_idx"');

    const report = await lintRevisions(h.env().source, [generated.written!.id]);
    expect(report.findings.map((f) => `${f.code}: ${f.statement}`)).to.deep.equal([]);

    await h.upgrade();
    const after = await catalog();
    expect(after).to.deep.include({ qty_not_null: true, rows: ROWS });
    expect(after.indexes).to.include.members(['shop_order_code_idx:true', 'shop_order_ref_unique:true']);
    expect(after.constraints).to.include.members(['shop_order_customer_id_foreign:true', 'shop_order_qty_positive:true', 'shop_order_ref_unique:true']);
    expect((after.constraints as string[]).some((c) => c.includes('not_null'))).to.equal(false);
    expect((await h.diff([V2Customer, V2Order])).summary).to.equal('');

    await h.downgrade('-1');
    expect(await catalog()).to.deep.equal(before);
    await h.upgrade();
    expect(await catalog()).to.deep.equal(after);
  });

  it('while the concurrent build waits, a second connection sees only SHARE UPDATE EXCLUSIVE and writes; killed there, the next upgrade drops the INVALID leftover and finishes', async () => {
    await populated();
    const generated = await h.generate([V1Customer, V2IndexOnly], 'index');
    // a writer's open transaction holds the build in its wait phase: the step is paused there
    const writer = new Client({ connectionString: h.url, application_name: 'open-writer' });
    await writer.connect();
    await writer.query('begin');
    await writer.query(`insert into shop_order (id, code, ref, qty) values (${ROWS + 1}, 'x', 'open', 1)`);
    const observer = new Client({ connectionString: h.url, application_name: 'observer' });
    await observer.connect();
    try {
      const upgrade = h.upgrade().catch((e: unknown) => e);
      let pid = 0;
      for (let i = 0; i < 400 && pid === 0; i++) {
        const rows = await observer.query(
          `select pid from pg_stat_activity where datname = current_database() and query ilike 'create index concurrently%' and wait_event_type = 'Lock'`,
        );
        if (rows.rows.length > 0) pid = rows.rows[0].pid as number;
        else await new Promise((r) => setTimeout(r, 50));
      }
      expect(pid, 'the build is waiting for the open writer').to.be.greaterThan(0);
      const locks = await observer.query(
        `select l.mode from pg_locks l where l.pid = $1 and l.granted and l.locktype = 'relation' and l.relation = 'shop_order'::regclass`,
        [pid],
      );
      expect(locks.rows.map((r) => r.mode)).to.deep.equal(['ShareUpdateExclusiveLock']);
      // writes go on meanwhile
      for (let i = 0; i < 20; i++) {
        const t = Date.now();
        await observer.query(`insert into shop_order (id, code, ref, qty) values (${ROWS + 10 + i}, 'w', 'w${i}', 2)`);
        expect(Date.now() - t, 'an insert during the build').to.be.below(1_000);
      }
      // kill the migration's session mid-build: an INVALID index stays behind
      await observer.query('select pg_terminate_backend($1)', [pid]);
      const failed = await upgrade;
      expect(failed).to.be.instanceOf(Error);
      await writer.query('commit');
      const leftovers = await observer.query(
        `select c.relname, i.indisvalid from pg_index i join pg_class c on c.oid = i.indexrelid where c.relname = 'shop_order_code_idx'`,
      );
      expect(leftovers.rows).to.deep.equal([{ relname: 'shop_order_code_idx', indisvalid: false }]);
    } finally {
      await writer.query('rollback').catch(() => undefined);
      await writer.end();
      await observer.end();
    }
    await h.upgrade();
    const after = await catalog();
    expect(after.indexes).to.include.members(['shop_order_code_idx:true']);
    expect((await h.env().runtime(h.url).current()).heads).to.deep.equal([generated.written!.id]);
  });

  it('a type change and a per-row default keep their statements, with a note naming the alternative', async () => {
    await populated();
    const result = await h.diff([V1Customer, V3Rewrites]);
    expect(result.upBody).to.contain('// LOCK_REWRITE_TYPE: reads and writes on shop_order wait while it is rewritten');
    expect(result.upBody).to.contain('// LOCK_REWRITE_DEFAULT: the default of shop_order.token is computed per row');
    expect(result.upBody).to.contain('backfill');
  });

  it('safeDdl: false writes the plain statements; tables created in the same revision keep them too', async () => {
    await populated();
    const plain = await h.diff([V2Customer, V2Order], {}, { safeDdl: false });
    expect(plain.upBody).not.to.contain('concurrently');
    expect(plain.upBody).not.to.contain('not valid');
    await h.reset();
    const fresh = await h.diff([V2Customer, V2Order]);
    expect(fresh.upBody).not.to.contain('concurrently');
    expect(fresh.upBody).not.to.contain('not valid');
  });
});
