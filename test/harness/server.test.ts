import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  HarnessConfigError,
  InvalidDatabaseUrlError,
  acquireServer,
  type AcquiredServer,
} from '../../src/harness';
import { isPostmasterFor, isProcessAlive } from '../../src/harness/processes';
import { portIsFree, processUid, query } from './helpers';

describe('harness: acquireServer()', () => {
  describe('with DATABASE_URL set', () => {
    it('uses it as given and starts nothing', async () => {
      const url = 'postgres://someone:pw@127.0.0.1:1/somedb';
      const server = await acquireServer({ env: { DATABASE_URL: url } });
      expect(server.source).to.equal('DATABASE_URL');
      expect(server.url).to.equal(url);
      expect(server.embedded).to.equal(undefined);
      expect(server.describe()).to.equal('DATABASE_URL 127.0.0.1:1/somedb');
      await server.release();
    });

    it('rejects a DATABASE_URL that is not a PostgreSQL URL, naming the variable', async () => {
      const error = await acquireServer({ env: { DATABASE_URL: 'mysql://root:pw@localhost/app' } }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(InvalidDatabaseUrlError);
      expect((error as InvalidDatabaseUrlError).message).to.match(/^DATABASE_URL is not a PostgreSQL URL/);
    });
  });

  describe('without DATABASE_URL', () => {
    it('refuses to start anything when EMBEDDED_PG=0', async () => {
      const error = await acquireServer({ env: { EMBEDDED_PG: '0' } }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(HarnessConfigError);
      expect((error as HarnessConfigError).code).to.equal('NO_DATABASE_URL');
      expect((error as Error).message).to.include('DATABASE_URL is not set').and.include('EMBEDDED_PG=0').and.include('Set DATABASE_URL=');
    });

    describe('the embedded server (temporary cluster)', () => {
      let server: AcquiredServer | undefined;
      after(async () => server?.release());

      it('starts on a free port of 127.0.0.1 and answers queries', async () => {
        server = await acquireServer({ env: {} });
        const embedded = server.embedded;
        expect(server.source).to.equal('embedded');
        expect(embedded).not.to.equal(undefined);
        if (embedded === undefined) return;
        expect(embedded.port).not.to.equal(5432);
        expect(server.describe()).to.match(/^embedded PostgreSQL 15\.\d+ on 127\.0\.0\.1:\d+$/);
        expect(isPostmasterFor(embedded.pid, embedded.dataDir)).to.equal(true);
        const [row] = await query<{ fsync: string; user: string; version: string }>(
          server.url,
          `select current_setting('fsync') as fsync, current_user as user, current_setting('server_version') as version`,
        );
        expect(row).to.deep.include({ fsync: 'off', user: 'postgres' });
        expect(row?.version).to.equal(embedded.version);
      });

      it('runs PostgreSQL as nobody (uid 65534) when this process is root, else as this user', function () {
        const embedded = server?.embedded;
        if (embedded === undefined) this.skip();
        const expected = process.getuid?.() === 0 ? 65534 : process.getuid?.();
        expect(processUid(embedded.pid)).to.equal(expected);
      });

      it('release() stops it by pid: the process is gone, the port free, the temporary folder deleted', async function () {
        const embedded = server?.embedded;
        if (server === undefined || embedded === undefined) this.skip();
        await server.release();
        expect(isProcessAlive(embedded.pid)).to.equal(false);
        expect(await portIsFree(embedded.port)).to.equal(true);
        expect(fs.existsSync(path.dirname(embedded.dataDir))).to.equal(false);
        await server.release(); // twice is fine
      });
    });
  });
});
