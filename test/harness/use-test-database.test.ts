import { expect } from 'chai';
import { useTestDatabase } from '../support/database';
import { query } from './helpers';

describe('harness: useTestDatabase() (mocha helper)', () => {
  const db = useTestDatabase({ prefix: 'harness_helper' });

  it('gives the suite its own empty database on the run’s server', async () => {
    expect(db.name).to.match(/^harness_helper_\d+_[0-9a-f]{8}$/);
    const [row] = await query<{ db: string; tables: string }>(
      db.url,
      `select current_database() as db, (select count(*) from pg_tables where schemaname = 'public') as tables`,
    );
    expect(row).to.deep.equal({ db: db.name, tables: '0' });
  });

  it('keeps the database for the whole suite', async () => {
    await query(db.url, 'create table t (id int)');
    expect(await query(db.url, 'select count(*)::int as n from t')).to.deep.equal([{ n: 0 }]);
  });

  describe('a nested suite with its own helper', () => {
    const inner = useTestDatabase({ prefix: 'harness_helper_inner' });
    it('gets another database on the same server', () => {
      expect(inner.name).not.to.equal(db.name);
      expect(inner.serverUrl).to.equal(db.serverUrl);
    });
  });
});
