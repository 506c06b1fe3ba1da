import { expect } from 'chai';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { EmbeddedServerError, reapOrphanedClusters, startEmbeddedServer, type EmbeddedServer } from '../../src/harness';
import { isProcessAlive } from '../../src/harness/processes';
import { deadPid, orphanServerFromKilledChild, portIsFree, query, scratchDir, startFixtureChild } from './helpers';

async function rejection(promise: Promise<unknown>): Promise<EmbeddedServerError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'expected a rejection').to.be.instanceOf(EmbeddedServerError);
  return error as EmbeddedServerError;
}

// These tests start their own embedded servers even when DATABASE_URL is set: they test the embedded code.
describe('harness: embedded PostgreSQL', () => {
  const scratch = scratchDir('embedded');
  const dataDir = path.join(scratch, 'cluster');
  let running: EmbeddedServer | undefined;
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });
  after(() => fs.rmSync(scratch, { recursive: true, force: true }));

  describe('persistent data directory', () => {
    it('is created by initdb on the first start and kept after stop', async () => {
      running = await startEmbeddedServer({ dataDir });
      expect(running.initialized).to.equal(true);
      expect(running.temporary).to.equal(false);
      await query(running.url, 'create table kept (id int primary key, note text)');
      await query(running.url, `insert into kept values (1, 'survives restarts')`);
      const { pid } = running;
      await running.stop();
      running = undefined;
      expect(isProcessAlive(pid)).to.equal(false);
      expect(fs.existsSync(path.join(dataDir, 'PG_VERSION'))).to.equal(true);
      expect(fs.existsSync(path.join(dataDir, 'postmaster.pid'))).to.equal(false);
    });

    it('is reused on the next start, even past a stale postmaster.pid of a dead process', async () => {
      fs.writeFileSync(path.join(dataDir, 'postmaster.pid'), `${deadPid()}\n${dataDir}\n`);
      const lines: string[] = [];
      running = await startEmbeddedServer({ dataDir, log: (line) => lines.push(line) });
      expect(running.initialized).to.equal(false);
      expect(lines.join('\n')).to.match(/removing stale .*postmaster\.pid/);
      expect(await query(running.url, 'select note from kept')).to.deep.equal([{ note: 'survives restarts' }]);
    });

    it('stops a postmaster orphaned on it by a killed Node process, then starts fresh', async () => {
      const orphan = await orphanServerFromKilledChild({ dataDir });
      expect(isProcessAlive(orphan.childPid)).to.equal(false);
      expect(isProcessAlive(orphan.pid), 'the orphan survives its parent').to.equal(true);
      const lines: string[] = [];
      running = await startEmbeddedServer({ dataDir, log: (line) => lines.push(line) });
      expect(lines.join('\n')).to.include(`stopping orphaned PostgreSQL (pid ${orphan.pid})`);
      expect(isProcessAlive(orphan.pid)).to.equal(false);
      expect(running.pid).not.to.equal(orphan.pid);
      expect(await query(running.url, 'select note from kept')).to.deep.equal([{ note: 'survives restarts' }]);
    });

    it('refuses a non-empty folder that is not a data directory', async () => {
      const notData = path.join(scratch, 'not-data');
      fs.mkdirSync(notData);
      fs.writeFileSync(path.join(notData, 'readme.txt'), 'mine');
      const error = await rejection(startEmbeddedServer({ dataDir: notData }));
      expect(error.code).to.equal('EMBEDDED_DATA_DIR_INVALID');
      expect(error.message).to.include(notData).and.include('PG_VERSION').and.include('DATABASE_URL');
      expect(fs.readdirSync(notData)).to.deep.equal(['readme.txt']);
    });
  });

  describe('orphaned temporary clusters', () => {
    it('are found and cleaned: postmaster stopped, folder deleted', async () => {
      // A folder of our own, so that no concurrent run cleans this orphan before we look.
      const tmpDir = path.join(scratch, 'orphans');
      fs.mkdirSync(tmpDir, { mode: 0o755 });
      const orphan = await orphanServerFromKilledChild({ tmpDir });
      const folder = path.dirname(orphan.dataDir);
      expect(path.dirname(folder)).to.equal(tmpDir);
      expect(isProcessAlive(orphan.pid), 'the orphan survives its parent').to.equal(true);
      const reaped = await reapOrphanedClusters({ tmpDir });
      expect(reaped).to.deep.include({ dir: folder, stoppedPid: orphan.pid });
      expect(isProcessAlive(orphan.pid)).to.equal(false);
      expect(fs.existsSync(folder)).to.equal(false);
      expect(await portIsFree(orphan.port)).to.equal(true);
      expect(await reapOrphanedClusters({ tmpDir }), 'nothing left to clean').to.deep.equal([]);
    });

    it('of live owners are left alone', async () => {
      const tmpDir = path.join(scratch, 'alive');
      fs.mkdirSync(tmpDir, { mode: 0o755 });
      running = await startEmbeddedServer({ tmpDir });
      expect(await reapOrphanedClusters({ tmpDir })).to.deep.equal([]);
      expect(isProcessAlive(running.pid)).to.equal(true);
    });
  });

  describe('when the Node process that started it ends', () => {
    it('on process.exit(): the exit hook stops the server by pid and deletes its temporary folder', async () => {
      const child = await startFixtureChild({}, 'exit');
      expect(await child.exited).to.deep.equal({ code: 3, signal: null });
      expect(isProcessAlive(child.server.pid)).to.equal(false);
      expect(fs.existsSync(path.dirname(child.server.dataDir))).to.equal(false);
    });

    it('on SIGTERM: stops the server, then dies of the signal (conventional exit status)', async () => {
      const child = await startFixtureChild();
      child.kill('SIGTERM');
      expect(await child.exited).to.deep.equal({ code: null, signal: 'SIGTERM' });
      expect(isProcessAlive(child.server.pid)).to.equal(false);
      expect(fs.existsSync(path.dirname(child.server.dataDir))).to.equal(false);
    });
  });

  describe('when PostgreSQL cannot start', () => {
    it("fails with PostgreSQL's own reason and the DATABASE_URL hint (port already taken)", async () => {
      const blocker = net.createServer();
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
      const port = (blocker.address() as net.AddressInfo).port;
      try {
        const error = await rejection(startEmbeddedServer({ dataDir, port }));
        expect(error.code).to.equal('EMBEDDED_START_FAILED');
        expect(error.message).to.include(`127.0.0.1:${port}`);
        expect(error.output).to.match(/could not bind IPv4 address "127\.0\.0\.1": Address already in use/);
        expect(error.message).to.include('PostgreSQL said:').and.include('Address already in use');
        expect(error.message).to.include('Set DATABASE_URL=');
      } finally {
        blocker.close();
      }
      expect(fs.existsSync(path.join(dataDir, 'postmaster.pid'))).to.equal(false);
    });

    it('turns a spawn failure (EACCES) into a typed error instead of crashing the process', async () => {
      const fake = path.join(scratch, 'fake-native');
      const tmpDir = path.join(scratch, 'tmp');
      fs.mkdirSync(path.join(fake, 'bin'), { recursive: true, mode: 0o755 });
      fs.mkdirSync(tmpDir, { mode: 0o755 });
      for (const program of ['initdb', 'postgres']) {
        fs.writeFileSync(path.join(fake, 'bin', program), '#!/bin/sh\nexit 0\n', { mode: 0o644 });
      }
      const error = await rejection(startEmbeddedServer({ binariesDir: fake, tmpDir }));
      expect(error.code).to.equal('EMBEDDED_SPAWN_FAILED');
      expect(error.message).to.include(path.join(fake, 'bin', 'initdb')).and.include('EACCES').and.include('DATABASE_URL');
      expect(fs.readdirSync(tmpDir), 'the temporary cluster folder is removed').to.deep.equal([]);
    });
  });
});
