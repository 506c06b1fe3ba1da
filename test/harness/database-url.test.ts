import { expect } from 'chai';
import {
  InvalidDatabaseUrlError,
  describeDatabaseUrl,
  parseDatabaseUrl,
  redactUrl,
  withDatabase,
} from '../../src/harness';

function parseError(text: string, source?: string): InvalidDatabaseUrlError {
  try {
    parseDatabaseUrl(text, source);
  } catch (error) {
    expect(error).to.be.instanceOf(InvalidDatabaseUrlError);
    return error as InvalidDatabaseUrlError;
  }
  throw new Error(`expected ${text} to be rejected`);
}

describe('harness: database URLs', () => {
  it('takes a PostgreSQL URL apart, decoding percent-encoded parts', () => {
    const url = parseDatabaseUrl('postgresql://us%40er:p%3Ass@db.example:6543/my%20db?sslmode=disable');
    expect(url).to.include({ host: 'db.example', port: 6543, user: 'us@er', password: 'p:ss', database: 'my db', address: 'db.example:6543' });
  });

  it('defaults the port to 5432 and leaves a missing database undefined', () => {
    expect(parseDatabaseUrl('postgres://postgres@127.0.0.1')).to.include({ port: 5432, database: undefined, user: 'postgres' });
  });

  it('accepts IPv6 hosts and a socket directory in ?host=', () => {
    expect(parseDatabaseUrl('postgres://u@[::1]:5433/d')).to.include({ host: '::1', address: '[::1]:5433' });
    expect(parseDatabaseUrl('postgres://u@/d?host=/run/postgresql')).to.include({ host: '/run/postgresql', database: 'd' });
    expect(withDatabase('postgres://u@/d?host=/run/postgresql', 'e')).to.equal('postgres://u@/e?host=/run/postgresql');
  });

  const bad: Array<[string, RegExp]> = [
    ['', /DATABASE_URL is empty/],
    ['localhost:5432/app', /DATABASE_URL is not a URL/],
    ['mysql://root:pw@localhost/app', /not a PostgreSQL URL: its scheme is not postgres: or postgresql:/],
    ['postgres://u@127.0.0.1:abc/app', /has a port that is not a number/],
    ['postgres://u@127.0.0.1:70000/app', /has a port outside 1\.\.65535/],
    ['postgres://u@127.0.0.1:5432/a/b', /more than one segment/],
    ['postgres://u@127.0.0.1:5432/%E0%A4%A', /badly percent-encoded database name/],
    ['postgres:///app', /has no host/],
    [`postgres://u@h/${'x'.repeat(64)}`, /longer than 63 bytes/],
  ];
  for (const [text, reason] of bad) {
    it(`rejects ${JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}...` : text)} naming DATABASE_URL and the fault`, () => {
      const error = parseError(text);
      expect(error.code).to.equal('INVALID_DATABASE_URL');
      expect(error.source).to.equal('DATABASE_URL');
      expect(error.message).to.match(reason);
      expect(error.message).to.include(reason.source.includes('longer') ? 'limit' : 'expected postgres://');
    });
  }

  it('never shows the password in an error message', () => {
    const error = parseError('mysql://root:hunter2@localhost/app', 'TEST_URL');
    expect(error.message).to.match(/^TEST_URL /);
    expect(error.message).not.to.include('hunter2');
    expect(error.message).to.include('the value is not shown');
  });

  it('redacts passwords for display, also in text that is not a valid URL', () => {
    expect(redactUrl('postgres://app:s3cret@db:5432/app')).to.equal('postgres://app:***@db:5432/app');
    expect(redactUrl('postgres://app@db:5432/app')).to.equal('postgres://app@db:5432/app');
    expect(redactUrl('postgres://app:s3cret@db:99999/app')).to.equal('postgres://app:***@db:99999/app');
    // malformed: the password is never shown, wherever it stands
    expect(redactUrl('postgres//app:s3cret@db/app')).to.equal('***@db/app');
    expect(redactUrl('postgres://app:s3#cret@db/app')).to.equal('***@db/app');
    expect(redactUrl('postgres://app:s3cret')).to.equal('*** (not shown: not a URL)');
    expect(() => parseDatabaseUrl('postgres//app:s3cret@db/app')).to.throw(/DATABASE_URL is not a URL/).with.property('message').that.does.not.contain('s3cret');
  });

  it('derives a URL for another database on the same server, keeping credentials and query', () => {
    expect(withDatabase('postgres://u:pw@h:5433/postgres?sslmode=disable', 'other db')).to.equal(
      'postgres://u:pw@h:5433/other%20db?sslmode=disable',
    );
    expect(withDatabase('postgres://u@h', 'x')).to.equal('postgres://u@h/x');
  });

  it('describes a URL as host:port/database without the password', () => {
    expect(describeDatabaseUrl('postgres://postgres:pw@127.0.0.1:5432/app')).to.equal('127.0.0.1:5432/app');
  });
});
