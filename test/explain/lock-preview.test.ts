import { expect } from 'chai';
import { Client } from 'pg';
import { formatLockPreview, previewLocks } from '../../src/explain';
import { Revision } from '../../src/script/revision';
import { defineRevision, MemoryRevisions, sql, useFreshDatabases } from '../runtime/support/helpers';

const A = 'abababab0001';
const B = 'abababab0002';

class Indexes extends Revision {
  override readonly revision = B;
  override readonly downRevision = A;
  override async up(): Promise<void> {
    this.addSql('alter table widget add column note text');
    this.addSql('alter table widget alter column n type bigint');
    await this.outsideTransaction(() => this.addSql('create index concurrently widget_n_idx on widget (n)'));
    this.addSql('create table gadget (id int primary key, widget_id int references widget (id))');
  }
}

describe('explain: the lock preview of a plan', function () {
  this.timeout(60_000);
  const dbs = useFreshDatabases();

  it('per statement: lock, relations, scan/rewrite, in or out of a transaction, and the live sizes; nothing runs', async () => {
    const url = await dbs.fresh();
    await sql(url, 'create table widget (id int primary key, n int)');
    await sql(url, 'insert into widget select g, g from generate_series(1, 5000) g');
    await sql(url, 'analyze widget');
    const revs = new MemoryRevisions([defineRevision({ id: A, up: ['select 1'] }), Indexes]);
    const db = new Client({ connectionString: url });
    await db.connect();
    try {
      const preview = await previewLocks(revs.source, [B], { db: { query: async (text, params) => (await db.query(text, params as unknown[])).rows } });
      expect(preview.map((s) => [s.sql, s.inTransaction])).to.deep.equal([
        ['alter table widget add column note text', true],
        ['alter table widget alter column n type bigint', true],
        ['create index concurrently widget_n_idx on widget (n)', false],
        ['create table gadget (id int primary key, widget_id int references widget (id))', true],
      ]);
      const [add, type, index, table] = preview;
      expect(add.locks[0]).to.include({ relation: 'widget', mode: 'AccessExclusiveLock', blocksReads: true, rewrites: false, rows: 5000 });
      expect(add.locks[0].bytes).to.be.greaterThan(100_000);
      expect(type.locks[0]).to.include({ mode: 'AccessExclusiveLock', rewrites: true });
      expect(index.locks[0]).to.include({ mode: 'ShareUpdateExclusiveLock', blocksWrites: false, scans: true });
      expect(table.locks[0]).to.include({ relation: 'widget', mode: 'ShareRowExclusiveLock', blocksWrites: true });
      expect(table.creates).to.deep.equal(['gadget']);
      const lines = formatLockPreview(preview);
      expect(lines[0]).to.equal(`${B} (migrations/${B}_rev.ts)`);
      expect(lines).to.include('    widget: AccessExclusiveLock, reads and writes wait, rewrites until the commit; ~5000 rows, ' + `${((type.locks[0].bytes ?? 0) / 1024 / 1024).toFixed(1)} MB`);
      expect(lines).to.include('  create index concurrently widget_n_idx on widget (n)   [outside a transaction]');
      // nothing ran
      expect(await sql(url, "select count(*)::int as n from information_schema.columns where table_name = 'widget' and column_name = 'note'")).to.deep.equal([{ n: 0 }]);
    } finally {
      await db.end();
    }
    // without a database: the same, no sizes
    const offline = await previewLocks(revs.source, [B]);
    expect(offline[0].locks[0]).to.include({ rows: null, bytes: null });
  });
});
