/**
 * The locks of each lock-safe step, observed from a second connection while the step is held: a
 * session takes SHARE UPDATE EXCLUSIVE on the table, so each step that needs a lock on it waits, one at
 * a time; at each pause the test reads pg_locks (what the migration holds and what it asks for) and,
 * when the step asks for a lock writers can pass, performs inserts under `lock_timeout` (an insert that
 * had to wait would fail, not just be slow). Then the session lets the step go and holds the next one
 * (a concurrent build is held a second time at its last phase, by an older snapshot).
 */
import { expect } from 'chai';
import { Client } from 'pg';
import { useTestDatabase } from '../support/database';
import { useAutogenHarness } from '../autogen/support/autogen-harness';
import { sql } from '../autogen/support/schema-fingerprint';
import { V1Customer, V1Order, V2Customer, V2Order } from './support/shop-order-model';

/** Modes a plain INSERT (ROW EXCLUSIVE) can be granted beside. */
const WRITES_PASS = new Set(['AccessShareLock', 'RowShareLock', 'RowExclusiveLock', 'ShareUpdateExclusiveLock']);

interface Pause {
  readonly statement: string;
  /** The lock the step waits for: `<mode> on <relation>`, or `<mode> on transaction` (a concurrent build waiting for older transactions). */
  readonly waitsFor: string;
  /** What the migration's session holds on shop_order meanwhile. */
  readonly holds: readonly string[];
  /** Whether a writer can be granted its lock beside the one the step asks for. */
  readonly writesPass: boolean;
  /** Inserts performed under lock_timeout while it waited (0 when the requested lock would queue writers). */
  readonly inserts: number;
}

describe('safe-ddl: each lock-safe step paused, its locks read from pg_locks, writes going on', function () {
  this.timeout(300_000);
  const db = useTestDatabase();
  const h = useAutogenHarness(db);

  it('every step that scans or builds waits only for locks writers pass; the steps that take a lock writers wait for scan nothing', async () => {
    await h.reset();
    await h.generate([V1Customer, V1Order], 'v1');
    await h.upgrade();
    await sql(h.url, 'insert into customer (id) select g from generate_series(1, 20) g');
    await sql(h.url, `insert into shop_order (id, customer_id, code, ref, qty) select g, 1 + g % 20, 'c' || g, 'r' || g, 1 + g % 9 from generate_series(1, 2000) g`);
    await h.generate([V2Customer, V2Order], 'v2');

    // two holders take turns: the next one queues its lock before the current one lets go, so the step
    // that was waiting runs and the step after it waits again (no race with the migration's next request)
    const holders = [0, 1].map((i) => new Client({ connectionString: h.url, application_name: `pause-holder-${i}` }));
    const observer = new Client({ connectionString: h.url, application_name: 'observer' });
    const snap = new Client({ connectionString: h.url, application_name: 'old-snapshot' });
    for (const c of [...holders, observer, snap]) await c.connect();
    await observer.query("set lock_timeout = '1s'");
    const pauses: Pause[] = [];
    let next = 100_000;
    const pids = [...holders, observer, snap].map((c) => (c as unknown as { processID: number }).processID);
    const pending: Promise<unknown>[] = [];
    try {
      await holders[0].query('begin');
      await holders[0].query('lock table shop_order in share update exclusive mode');
      let held: number | null = 0;
      let finished = false;
      const upgrade = h.upgrade().finally(() => (finished = true));
      upgrade.catch(() => undefined);
      while (!finished) {
        const { rows } = await observer.query(
          `select a.pid, a.query, l.mode, coalesce(l.relation::regclass::text, l.locktype) as target
             from pg_stat_activity a join pg_locks l on l.pid = a.pid and not l.granted
            where a.datname = current_database() and a.wait_event_type = 'Lock' and a.pid <> all($1::int[])`,
          [pids],
        );
        if (rows.length === 0) {
          await new Promise((r) => setTimeout(r, 20));
          continue;
        }
        const { pid, query, mode, target } = rows[0] as { pid: number; query: string; mode: string; target: string };
        const onTransaction = target === 'virtualxid' || target === 'transactionid';
        const holding = await observer.query(
          `select mode from pg_locks where pid = $1 and granted and locktype = 'relation' and relation = 'shop_order'::regclass order by mode`,
          [pid],
        );
        let inserts = 0;
        if (onTransaction || WRITES_PASS.has(mode)) {
          for (let i = 0; i < 5; i++, inserts++) {
            // fails with 55P03 (lock_timeout) if the insert had to queue
            await observer.query(`insert into shop_order (id, code, ref, qty) values ($1, 'w', $2, 1)`, [next, `w${next}`]);
            next++;
          }
        }
        pauses.push({
          statement: query,
          waitsFor: onTransaction ? `${mode} on an older transaction (${target})` : `${mode} on ${target}`,
          holds: holding.rows.map((r) => r.mode as string),
          writesPass: onTransaction || WRITES_PASS.has(mode),
          inserts,
        });
        if (!onTransaction && /concurrently/i.test(query) && held !== null) {
          // a concurrent build counts a session queued for the table as a transaction to wait for (a
          // deadlock): hold it instead at its last phase, waiting for an older snapshot, then queue
          await snap.query('begin isolation level repeatable read');
          await snap.query('select 1');
          await holders[held].query('commit');
          held = null;
          continue;
        }
        const o: number = held === null ? 0 : 1 - held;
        await holders[o].query('begin');
        pending.push(holders[o].query('lock table shop_order in share update exclusive mode'));
        for (let i = 0; i < 500; i++) {
          const waiting = await observer.query(`select 1 from pg_stat_activity where pid = $1 and wait_event_type = 'Lock'`, [pids[o]]);
          if (waiting.rows.length > 0) break;
          await new Promise((r) => setTimeout(r, 10));
        }
        await (held === null ? snap : holders[held]).query('commit');
        held = o;
      }
      await upgrade;
      await Promise.all(pending);
    } finally {
      for (const c of holders) {
        await c.query('rollback').catch(() => undefined);
        await c.end();
      }
      await snap.query('rollback').catch(() => undefined);
      await snap.end();
      await observer.end();
    }

    const paused = (text: string) => pauses.filter((p) => p.statement.includes(text));
    // the scans and builds: each was held, asked only for a lock writers pass, and writes went on
    for (const text of [
      'create index concurrently if not exists "shop_order_code_idx"',
      'create unique index concurrently if not exists "shop_order_ref_unique"',
      'validate constraint "shop_order_qty_positive"',
      'validate constraint "shop_order_customer_id_foreign"',
      'validate constraint "shop_order_qty_not_null"',
    ]) {
      const p = paused(text);
      expect(p, `paused at ${text}: ${JSON.stringify(pauses, null, 1)}`).to.not.have.length(0);
      for (const x of p) {
        expect(x.writesPass, `${text} waits for ${x.waitsFor}`).to.equal(true);
        expect(x.inserts, text).to.equal(5);
        expect(x.holds.every((m) => WRITES_PASS.has(m)), `${text} holds ${x.holds.join(', ')}`).to.equal(true);
      }
    }
    // the steps that ask for a lock writers queue behind: none of them scans or builds
    const blocking = pauses.filter((p) => !p.writesPass);
    expect(blocking.length, 'the short steps were held too').to.be.greaterThan(0);
    for (const p of blocking) {
      expect(p.statement, p.waitsFor).to.match(/not valid|unique using index|begin|alter column "qty" set not null/);
      expect(p.statement).not.to.match(/concurrently|validate constraint/);
    }
    const [after] = await sql<{ n: number; valid: number }>(
      h.url,
      `select (select count(*)::int from shop_order) as n, (select count(*)::int from pg_constraint where conrelid = 'shop_order'::regclass and convalidated) as valid`,
    );
    expect(after.n).to.equal(2000 + (next - 100_000));
    expect(after.valid).to.be.greaterThanOrEqual(4); // pkey, unique, check, foreign key
  });
});
