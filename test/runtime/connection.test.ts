import { expect } from 'chai';
import { ConnectionFailedError, InvalidConnectionError, MigrationRuntime, resolveConnection } from '../../src/runtime';
import { defineRevision, MemoryRevisions, tables, useFreshDatabases, versionIds } from './support/helpers';

const SECRET = 'S3cret';

/** Malformed URLs, each with the password somewhere in it. */
const MALFORMED: readonly string[] = [
  `postgres//user:${SECRET}@host/db`,
  `postgres:/user:${SECRET}@host/db`,
  `postgres:user:${SECRET}@host/db`,
  `user:${SECRET}@host/db`,
  `//user:${SECRET}@host/db`,
  `mysql://user:${SECRET}@host/db`,
  `http://user:${SECRET}@host/db`,
  `postgres://user:${SECRET}@host:port/db`,
  `postgres://user:${SECRET}@host:99999/db`,
  `postgres://user:${SECRET}@host:0/db`,
  `postgres://user:S3#${SECRET}@host/db`,
  `postgres://user:S3?${SECRET}@host/db`,
  `postgres://user:S3/${SECRET}@host/db`,
  `postgres://user:${SECRET}`,
  `postgres://user:${SECRET}@`,
  `postgres://user:${SECRET}@/db`,
  `postgres://user:${SECRET}%@host/db`,
  `postgres://user:${SECRET}%zz@host/db`,
  `postgres://user:${SECRET}@[::1/db`,
  `postgres://user:${SECRET}@ho st/db`,
  `postgres://user:${SECRET}@host/db/extra`,
  `postgres://user:${SECRET}@host/db?sslmode=bogus`,
  `postgres://user:${SECRET}@host/db?sslmode=verify-full&sslrootcert=/nonexistent/${SECRET}-root.crt`,
  ` postgres://user:${SECRET}@host/db%`,
  '',
  '   ',
];

function chain(): MemoryRevisions {
  return new MemoryRevisions([defineRevision({ id: 'c0000000000a', up: ['create table t_a (id int)'], downSql: ['drop table t_a'] })]);
}

function runtimeOn(connection: ConstructorParameters<typeof MigrationRuntime>[0]['connection']): MigrationRuntime {
  const revs = chain();
  return new MigrationRuntime({ connection, graph: revs.graph, source: revs.source, lockTimeoutMs: 5_000 });
}

/** Every string a thrown error could print: message, stack, cause chain, util.inspect of it. */
function everything(error: unknown): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { inspect } = require('node:util') as typeof import('node:util');
  return `${String(error)}\n${(error as Error).stack ?? ''}\n${inspect(error, { depth: 10, showHidden: true })}`;
}

describe('runtime: connection settings (URL checks, no secrets, libpq sslmode)', function () {
  this.timeout(60_000);
  const dbs = useFreshDatabases();

  describe('a malformed URL', () => {
    for (const url of MALFORMED) {
      it(`is refused by name, its password never printed: ${JSON.stringify(url.replace(SECRET, '<secret>'))}`, async () => {
        const error = await runtimeOn({ connectionString: url, source: '--url' })
          .upgrade('head')
          .catch((e: unknown) => e);
        expect(error).to.be.instanceOf(InvalidConnectionError);
        expect((error as InvalidConnectionError).code).to.equal('INVALID_CONNECTION');
        expect((error as InvalidConnectionError).source).to.equal('--url');
        expect((error as Error).message).to.match(/^--url /);
        expect(everything(error)).not.to.contain(SECRET);
      });
    }

    it('given as a plain string is called "the connection URL"', async () => {
      const error = (await runtimeOn(`postgres//user:${SECRET}@host/db`)
        .upgrade('head')
        .catch((e: unknown) => e)) as InvalidConnectionError;
      expect(error).to.be.instanceOf(InvalidConnectionError);
      expect(error.message).to.contain('the connection URL is not a URL');
      expect(everything(error)).not.to.contain(SECRET);
    });
  });

  describe("pg's own error text", () => {
    it('is redacted when it quotes the password (here as the host name)', async () => {
      // a well-formed URL whose host happens to contain the password: getaddrinfo's message names the host
      const error = await runtimeOn({ connectionString: `postgres://u:${SECRET}@${SECRET}.invalid:5432/db`, source: 'DATABASE_URL' })
        .upgrade('head')
        .catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ConnectionFailedError);
      expect(everything(error)).not.to.contain(SECRET);
      expect((error as Error).message).to.contain('***.invalid');
    });

    it('names the server for a refused connection, without the password (given as a config field)', async () => {
      const error = (await runtimeOn({ host: '127.0.0.1', port: 1, user: 'u', password: SECRET, database: 'nowhere' })
        .upgrade('head')
        .catch((e: unknown) => e)) as ConnectionFailedError;
      expect(error).to.be.instanceOf(ConnectionFailedError);
      expect(error.target).to.equal('127.0.0.1:1/nowhere');
      expect(error.message).to.contain('ECONNREFUSED');
      expect(everything(error)).not.to.contain(SECRET);
    });
  });

  describe('sslmode against a server without SSL', () => {
    for (const mode of ['require', 'verify-ca', 'verify-full'] as const) {
      it(`${mode} in the URL: a clear error, nothing applied`, async () => {
        const url = await dbs.fresh();
        const extra = mode === 'require' ? '' : `&sslrootcert=system`;
        const error = await runtimeOn(`${url}?sslmode=${mode}${extra}`)
          .upgrade('head')
          .catch((e: unknown) => e);
        expect(error).to.be.instanceOf(ConnectionFailedError);
        expect((error as Error).message).to.contain(`sslmode=${mode}`);
        expect((error as Error).message).to.match(/does not support SSL/);
        expect(await tables(url)).to.deep.equal([]);
      });
    }

    it('require as a config field (as driverOptions.connection or a parsed clientUrl gives it): refused', async () => {
      const url = await dbs.fresh();
      const parsed = new URL(url);
      const error = await runtimeOn({
        host: parsed.hostname,
        port: Number(parsed.port),
        user: decodeURIComponent(parsed.username),
        database: parsed.pathname.slice(1),
        sslmode: 'require',
        source: 'clientUrl of the MikroORM config',
      })
        .upgrade('head')
        .catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ConnectionFailedError);
      expect((error as Error).message).to.contain('sslmode=require, from clientUrl of the MikroORM config');
      expect(await tables(url)).to.deep.equal([]);
    });

    it('PGSSLMODE=require in the environment: refused; the URL\'s own sslmode wins over it', async () => {
      const url = await dbs.fresh();
      const saved = process.env.PGSSLMODE;
      process.env.PGSSLMODE = 'require';
      try {
        const error = await runtimeOn(url)
          .upgrade('head')
          .catch((e: unknown) => e);
        expect(error).to.be.instanceOf(ConnectionFailedError);
        expect((error as Error).message).to.contain('sslmode=require, from PGSSLMODE');
        await runtimeOn(`${url}?sslmode=disable`).upgrade('head');
      } finally {
        // (the test's own pg clients read PGSSLMODE too)
        if (saved === undefined) delete process.env.PGSSLMODE;
        else process.env.PGSSLMODE = saved;
      }
      expect(await versionIds(url)).to.deep.equal(['c0000000000a']);
    });

    for (const mode of ['disable', 'allow', 'prefer'] as const) {
      it(`${mode}: connects (prefer falls back to plain, as libpq does)`, async () => {
        const url = await dbs.fresh();
        await runtimeOn(`${url}?sslmode=${mode}&application_name=conn-test`).upgrade('head');
        expect(await versionIds(url)).to.deep.equal(['c0000000000a']);
      });
    }

    it('verify-full without a root certificate is refused before connecting, naming the source', async () => {
      const url = await dbs.fresh();
      const saved = process.env.HOME;
      process.env.HOME = '/nonexistent-home';
      try {
        const error = await runtimeOn({ connectionString: `${url}?sslmode=verify-full`, source: '--url' })
          .upgrade('head')
          .catch((e: unknown) => e);
        expect(error).to.be.instanceOf(InvalidConnectionError);
        expect((error as Error).message).to.contain('--url asks for sslmode=verify-full but names no sslrootcert');
      } finally {
        process.env.HOME = saved;
      }
    });
  });

  describe('connect timeout', () => {
    it("libpq's connect_timeout is honoured (pg alone ignores it): a server that never answers fails, named", async () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const net = require('node:net') as typeof import('node:net');
      const sockets: import('node:net').Socket[] = [];
      const silent = net.createServer((socket) => sockets.push(socket));
      await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
      const { port } = silent.address() as import('node:net').AddressInfo;
      try {
        const error = await runtimeOn({ connectionString: `postgres://u:${SECRET}@127.0.0.1:${port}/db?connect_timeout=1`, source: '--url' })
          .upgrade('head')
          .catch((e: unknown) => e);
        expect(error).to.be.instanceOf(ConnectionFailedError);
        expect((error as Error).message).to.match(/timeout/i);
        expect(everything(error)).not.to.contain(SECRET);
      } finally {
        for (const socket of sockets) socket.destroy();
        silent.close();
      }
    });

    it('defaults to 15 s; connectionTimeoutMillis, then connect_timeout, then PGCONNECT_TIMEOUT decide', () => {
      const u = 'postgres://app@db/app';
      expect(resolveConnection(u, {}).attempts[0].connectionTimeoutMillis).to.equal(15_000);
      expect(resolveConnection(`${u}?connect_timeout=3`, { PGCONNECT_TIMEOUT: '7' }).attempts[0].connectionTimeoutMillis).to.equal(3_000);
      expect(resolveConnection(u, { PGCONNECT_TIMEOUT: '7' }).attempts[0].connectionTimeoutMillis).to.equal(7_000);
      expect(resolveConnection({ connectionString: `${u}?connect_timeout=0`, connectionTimeoutMillis: 500 }, {}).attempts[0].connectionTimeoutMillis).to.equal(500);
      expect(resolveConnection(`${u}?connect_timeout=0`, {}).attempts[0].connectionTimeoutMillis).to.equal(0);
      expect(() => resolveConnection({ connectionString: `${u}?connect_timeout=soon`, source: '--url' }, {})).to.throw(InvalidConnectionError, /--url has a connect_timeout/);
    });
  });

  describe('resolveConnection', () => {
    it('gives libpq\'s attempts per sslmode, and plain without any sslmode (PGSSLMODE read only from env)', () => {
      const u = 'postgres://app:pw@db.example:6543/app';
      expect(resolveConnection(u, {}).attempts.map((a) => a.ssl)).to.deep.equal([false]);
      expect(resolveConnection(u, { PGSSLMODE: 'prefer' }).attempts.map((a) => a.ssl !== false)).to.deep.equal([true, false]);
      expect(resolveConnection(`${u}?sslmode=allow`, {}).attempts.map((a) => a.ssl !== false)).to.deep.equal([false, true]);
      const req = resolveConnection(`${u}?sslmode=require`, {});
      expect(req.attempts).to.have.length(1);
      expect(req.attempts[0].ssl).to.deep.include({ rejectUnauthorized: false });
      expect(req.attempts[0].connectionString).to.equal(u);
      expect(req.target).to.equal('db.example:6543/app');
      const full = resolveConnection(`${u}?sslmode=verify-full&sslrootcert=system`, {});
      expect(full.attempts[0].ssl).to.deep.include({ rejectUnauthorized: true });
      // verify-full checks the host connected to; verify-ca no host at all
      const identity = (r: typeof full) => (r.attempts[0].ssl as { checkServerIdentity: (name: string, cert: unknown) => Error | undefined }).checkServerIdentity;
      const cert = { subject: { CN: 'other.example' }, subjectaltname: 'DNS:other.example' };
      expect(identity(full)('localhost', cert)).to.be.instanceOf(Error);
      const ca = resolveConnection(`${u}?sslmode=verify-ca&sslrootcert=system`, {});
      expect(identity(ca)('localhost', cert)).to.equal(undefined);
      // a pg `ssl` option without sslmode is used as given
      expect(resolveConnection({ host: 'db', ssl: { rejectUnauthorized: false } }, { PGSSLMODE: 'require' }).attempts[0].ssl).to.deep.equal({
        rejectUnauthorized: false,
      });
    });
  });
});
