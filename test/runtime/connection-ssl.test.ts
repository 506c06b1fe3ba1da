/**
 * sslmode against a throw-away SSL cluster (embedded PostgreSQL, a self-signed CA made with openssl, a
 * server certificate naming only `localhost`): verify-full checks the chain and the host name, verify-ca
 * the chain only, require/prefer use SSL, disable does not. Skipped when openssl is missing.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { startEmbeddedServer, type EmbeddedServer } from '../../src/harness';
import { ConnectionFailedError, PgChannel } from '../../src/runtime';

const opensslAvailable = spawnSync('openssl', ['version']).status === 0;

function openssl(dir: string, args: string[]): void {
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
}

/** A CA and a server certificate for `localhost` (DNS name only); a second, unrelated CA. */
function makeCertificates(dir: string): void {
  const subject = (cn: string) => ['-subj', `/CN=${cn}`];
  openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', ...subject('alembic-test-ca')]);
  openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'other.key', '-out', 'other.crt', '-days', '2', ...subject('other-ca')]);
  openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', ...subject('localhost')]);
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=DNS:localhost\n');
  openssl(dir, ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'ext.cnf']);
  chmodSync(join(dir, 'server.key'), 0o600);
  // as root the embedded server runs as nobody, which must own its key
  if (process.getuid?.() === 0) {
    const nobody = Number(spawnSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).stdout.trim());
    for (const f of ['server.key', 'server.crt']) chownSync(join(dir, f), nobody, nobody);
  }
}

(opensslAvailable ? describe : describe.skip)('runtime: sslmode against an SSL server (embedded, self-signed CA)', function () {
  this.timeout(120_000);
  let dir: string;
  let server: EmbeddedServer;
  let port: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'alembic-ssl-'));
    chmodSync(dir, 0o755);
    makeCertificates(dir);
    server = await startEmbeddedServer({ settings: { ssl: 'on', ssl_cert_file: join(dir, 'server.crt'), ssl_key_file: join(dir, 'server.key') } });
    port = new URL(server.url).port;
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Connects and tells whether the session uses SSL. */
  async function sslOf(url: string): Promise<boolean> {
    const channel = await PgChannel.connect(url);
    try {
      const [row] = await channel.query('select ssl from pg_stat_ssl where pid = pg_backend_pid()');
      return row.ssl === true;
    } finally {
      await channel.close();
    }
  }

  const at = (host: string, query: string) => `postgres://postgres@${host}:${port}/postgres?${query}`;

  it('verify-full: the chain and the host name are checked', async () => {
    expect(await sslOf(at('localhost', `sslmode=verify-full&sslrootcert=${join(dir, 'ca.crt')}`))).to.equal(true);
    // the certificate names localhost only: 127.0.0.1 is refused
    const wrongHost = await sslOf(at('127.0.0.1', `sslmode=verify-full&sslrootcert=${join(dir, 'ca.crt')}`)).catch((e: unknown) => e);
    expect(wrongHost).to.be.instanceOf(ConnectionFailedError);
    expect((wrongHost as Error).message).to.contain('sslmode=verify-full').and.match(/127\.0\.0\.1|altnames|not in the cert/i);
    // another CA: refused
    const wrongCa = await sslOf(at('localhost', `sslmode=verify-full&sslrootcert=${join(dir, 'other.crt')}`)).catch((e: unknown) => e);
    expect(wrongCa).to.be.instanceOf(ConnectionFailedError);
  });

  it('verify-ca: the chain only (any host name); require with a root certificate behaves as verify-ca', async () => {
    expect(await sslOf(at('127.0.0.1', `sslmode=verify-ca&sslrootcert=${join(dir, 'ca.crt')}`))).to.equal(true);
    const wrongCa = await sslOf(at('127.0.0.1', `sslmode=require&sslrootcert=${join(dir, 'other.crt')}`)).catch((e: unknown) => e);
    expect(wrongCa).to.be.instanceOf(ConnectionFailedError);
  });

  it('require and prefer use SSL without verification; disable and no sslmode do not', async () => {
    expect(await sslOf(at('127.0.0.1', 'sslmode=require'))).to.equal(true);
    expect(await sslOf(at('127.0.0.1', 'sslmode=prefer'))).to.equal(true);
    expect(await sslOf(at('127.0.0.1', 'sslmode=disable'))).to.equal(false);
    expect(await sslOf(at('127.0.0.1', 'application_name=plain'))).to.equal(false);
  });

  it('the same settings as config fields (clientUrl of a MikroORM config, driverOptions.connection)', async () => {
    const channel = await PgChannel.connect({
      host: 'localhost',
      port: Number(port),
      user: 'postgres',
      database: 'postgres',
      sslmode: 'verify-full',
      sslrootcert: join(dir, 'ca.crt'),
      source: 'clientUrl of the MikroORM config',
    });
    try {
      const [row] = await channel.query('select ssl from pg_stat_ssl where pid = pg_backend_pid()');
      expect(row.ssl).to.equal(true);
    } finally {
      await channel.close();
    }
  });
});
