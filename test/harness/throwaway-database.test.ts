import { expect } from 'chai';
import { Client } from 'pg';
import {
  DatabaseConnectionError,
  ThrowawayDatabaseError,
  acquireServer,
  createThrowawayDatabase,
  startEmbeddedServer,
  withDatabase,
  type EmbeddedServer,
} from '../../src/harness';
import { portIsFree, query } from './helpers';

async function databaseExists(serverUrl: string, name: string): Promise<boolean> {
  const rows = await query(withDatabase(serverUrl, 'postgres'), 'select 1 from pg_database where datname = $1', [name]);
  return rows.length === 1;
}

describe('harness: throw-away databases', () => {
  // Its own embedded server, always (roles are created on it, never on a configured server).
  let embedded: EmbeddedServer;
  before(async () => {
    embedded = await startEmbeddedServer();
  });
  after(async () => embedded?.stop());

  async function createUseAndDrop(url: string): Promise<void> {
    const a = await createThrowawayDatabase(url, { prefix: 'Harness-Test' });
    const b = await createThrowawayDatabase(url, { prefix: 'Harness-Test' });
    expect(a.name).to.match(new RegExp(`^harness_test_${process.pid}_[0-9a-f]{8}$`));
    expect(a.name).not.to.equal(b.name);
    expect(a.url).to.equal(withDatabase(url, a.name));
    const [row] = await query<{ db: string }>(a.url, 'select current_database() as db');
    expect(row?.db).to.equal(a.name);

    const lingering = new Client({ connectionString: a.url });
    lingering.on('error', () => undefined);
    await lingering.connect();
    await a.drop(); // WITH (FORCE): the open session does not block it
    await a.drop(); // twice is fine
    await b.drop();
    await lingering.end().catch(() => undefined);
    expect(await databaseExists(url, a.name)).to.equal(false);
    expect(await databaseExists(url, b.name)).to.equal(false);
  }

  it(`creates, uses and drops databases through DATABASE_URL${process.env.DATABASE_URL ? '' : ' (here an embedded server given as DATABASE_URL)'}`, async () => {
    const server = await acquireServer({ env: { DATABASE_URL: process.env.DATABASE_URL ?? embedded.url } });
    expect(server.source).to.equal('DATABASE_URL');
    await createUseAndDrop(server.url);
    await server.release();
  });

  it('creates, uses and drops databases on the embedded server acquired without DATABASE_URL', async () => {
    const server = await acquireServer({ env: {} });
    try {
      expect(server.source).to.equal('embedded');
      await createUseAndDrop(server.url);
    } finally {
      await server.release();
    }
  });

  it('says so clearly when the role may not create databases', async () => {
    await query(embedded.url, 'create role harness_no_createdb login');
    const url = embedded.url.replace('postgres://postgres@', 'postgres://harness_no_createdb@');
    const error = await createThrowawayDatabase(url).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(ThrowawayDatabaseError);
    expect((error as ThrowawayDatabaseError).code).to.equal('CREATEDB_DENIED');
    expect((error as Error).message)
      .to.include('Role "harness_no_createdb" may not create databases on 127.0.0.1:')
      .and.include('ALTER ROLE "harness_no_createdb" CREATEDB');
  });

  it('names host:port when the server refuses the connection', async () => {
    let port = 1;
    for (const candidate of [embedded.port + 1, embedded.port + 2, 1]) {
      if (await portIsFree(candidate)) {
        port = candidate;
        break;
      }
    }
    const error = await createThrowawayDatabase(`postgres://postgres@127.0.0.1:${port}/postgres`, { source: 'DATABASE_URL' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(DatabaseConnectionError);
    expect((error as DatabaseConnectionError).code).to.equal('DATABASE_UNREACHABLE');
    expect((error as DatabaseConnectionError).address).to.equal(`127.0.0.1:${port}`);
    expect((error as Error).message).to.include(`PostgreSQL at 127.0.0.1:${port} (from DATABASE_URL)`).and.include('connection refused');
  });

  it('names the role when the login is refused', async () => {
    const url = embedded.url.replace('postgres://postgres@', 'postgres://no_such_role@');
    const error = await createThrowawayDatabase(url).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(DatabaseConnectionError);
    expect((error as DatabaseConnectionError).code).to.equal('DATABASE_AUTH_FAILED');
    expect((error as Error).message).to.include('no_such_role').and.include(`127.0.0.1:${embedded.port}`);
  });
});
