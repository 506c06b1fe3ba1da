import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { checkServerIdentity, type ConnectionOptions as TlsOptions } from 'node:tls';
import type { ClientConfig } from 'pg';
import { ConnectionFailedError, InvalidConnectionError } from './errors';

/** libpq's `sslmode` values (plus pg's `no-verify`, taken as `require`). */
export type SslMode = 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';

const SSL_MODES: readonly string[] = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];

/** libpq's SSL parameters, as a URL's query, a config or the `PGSSL*` variables give them. */
export interface SslParameters {
  /** `disable`, `allow`, `prefer`, `require`, `verify-ca` or `verify-full` (pg's `no-verify` = `require`). */
  readonly sslmode?: string;
  /** A file of trusted root certificates, or `system` for Node's own CA list. */
  readonly sslrootcert?: string;
  /** The client certificate file. */
  readonly sslcert?: string;
  /** The client key file. */
  readonly sslkey?: string;
}

/**
 * How to reach the database: a pg `ClientConfig` (a `connectionString` in it is read like a URL),
 * libpq's SSL parameters, and `source`: what to call these settings in messages (`--url`,
 * `clientUrl of the MikroORM config`, ...).
 */
export interface ConnectionSettings extends ClientConfig, SslParameters {
  readonly source?: string;
}

/** How to reach the database: a `postgres://` URL or {@link ConnectionSettings}. */
export type ConnectionOptions = string | ConnectionSettings;

/** The result of {@link resolveConnection}: what to try, in order, and how to speak of it safely. */
export interface ResolvedConnection {
  /** pg configs to try in order (`prefer` and `allow` have two: with and without SSL). */
  readonly attempts: readonly ClientConfig[];
  /** The effective `sslmode`, or `null` when none was set (pg's `ssl` option, if any, used as given). */
  readonly sslmode: SslMode | null;
  /** Where the settings came from, e.g. `--url`. */
  readonly source: string;
  /** Where `sslmode` came from: `source`, or `PGSSLMODE`. */
  readonly sslmodeSource: string;
  /** `host:port/database`: never the user's password. */
  readonly target: string;
  /** `text` with every secret of these settings (the password, raw and encoded) replaced by `***`. */
  redact(text: string): string;
}

const SSL_QUERY_KEYS = new Set(['sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'ssl', 'sslpassword', 'uselibpqcompat']);
const EXPECTED = 'expected postgres://USER:PASSWORD@HOST:PORT/DATABASE, with @ : / ? # % in the user or password percent-encoded';

/**
 * Checks a connection URL and resolves every way of giving connection settings (a URL, a pg config,
 * its `connectionString`, libpq's `sslmode`/`sslrootcert`/`sslcert`/`sslkey` in the URL or the
 * config, `PGSSLMODE`/`PGSSLROOTCERT`/`PGSSLCERT`/`PGSSLKEY`) into the pg configs to try. The one
 * place where SSL is decided, for every connection the runtime opens.
 *
 * SSL follows libpq: `disable` never, `allow` plain first then SSL, `prefer` SSL first then plain when
 * the server has no SSL, `require` SSL without verification (or as `verify-ca` when a root certificate
 * is given), `verify-ca` the chain, `verify-full` the chain and the host name. Without any `sslmode`
 * a pg `ssl` option is used as given, and without either the connection is plain (pg's and
 * MikroORM's default).
 *
 * @throws {InvalidConnectionError} for a malformed URL, an unknown `sslmode` or an unreadable certificate
 *   file: the message names the source and never shows the value (it may hold a password)
 * @example
 * ```ts
 * import { resolveConnection } from 'mikro-orm-alembic';
 *
 * const resolved = resolveConnection({ connectionString: 'postgres://app:pw@db/app?sslmode=require', source: '--url' });
 * console.log(resolved.target, resolved.sslmode); // db:5432/app require
 * ```
 */
export function resolveConnection(options: ConnectionOptions, env: NodeJS.ProcessEnv = process.env): ResolvedConnection {
  const settings: ConnectionSettings = typeof options === 'string' ? { connectionString: options } : options;
  const source = settings.source ?? (typeof options === 'string' ? 'the connection URL' : 'the connection settings');
  const { source: _source, sslmode: ownMode, sslrootcert: ownRoot, sslcert: ownCert, sslkey: ownKey, ...base } = settings;
  const pgConfig: ClientConfig = { ...base };
  const secrets: string[] = [];
  if (typeof base.password === 'string') secrets.push(base.password);
  let fromUrl: SslParameters = {};
  let urlTimeout: string | undefined;
  let host = base.host;
  let port = base.port;
  let database = base.database;
  let user = base.user;
  if (base.connectionString !== undefined) {
    const url = checkConnectionUrl(base.connectionString, source);
    secrets.push(...url.secrets);
    fromUrl = url.ssl;
    urlTimeout = url.connectTimeout;
    pgConfig.connectionString = url.withoutSsl;
    // the URL wins over explicit fields, as in pg
    host = url.host ?? host;
    port = url.port ?? port;
    database = url.database ?? database;
    user = url.user ?? user;
  }
  const redact = (text: string): string => redactSecrets(text, secrets);
  pgConfig.connectionTimeoutMillis = connectTimeoutMs(base.connectionTimeoutMillis, urlTimeout ?? nonEmpty(env.PGCONNECT_TIMEOUT), source);
  const envMode = base.ssl === undefined ? nonEmpty(env.PGSSLMODE) : undefined;
  const modeSource = fromUrl.sslmode === undefined && ownMode === undefined && envMode !== undefined ? 'PGSSLMODE' : source;
  const params: SslParameters = {
    sslmode: fromUrl.sslmode ?? ownMode ?? envMode,
    sslrootcert: fromUrl.sslrootcert ?? ownRoot ?? nonEmpty(env.PGSSLROOTCERT),
    sslcert: fromUrl.sslcert ?? ownCert ?? nonEmpty(env.PGSSLCERT),
    sslkey: fromUrl.sslkey ?? ownKey ?? nonEmpty(env.PGSSLKEY),
  };
  const target = redact(`${host ?? 'localhost'}:${port ?? 5432}/${database ?? user ?? ''}`);
  if (params.sslmode === undefined) {
    // no sslmode anywhere: pg's `ssl` option as given, else plain (never pg's own PGSSLMODE reading)
    return Object.freeze({ attempts: [{ ...pgConfig, ssl: base.ssl ?? false }], sslmode: null, source, sslmodeSource: source, target, redact });
  }
  const mode = params.sslmode === 'no-verify' ? 'require' : params.sslmode;
  if (!SSL_MODES.includes(mode)) {
    throw new InvalidConnectionError(modeSource, `${modeSource} has sslmode "${redact(mode)}", which is not one of ${SSL_MODES.join(', ')}`);
  }
  const sslmode = mode as SslMode;
  const plain: ClientConfig = { ...pgConfig, ssl: false };
  if (sslmode === 'disable') return Object.freeze({ attempts: [plain], sslmode, source, sslmodeSource: modeSource, target, redact });
  let tls: TlsOptions;
  try {
    tls = tlsOptions(sslmode, params, typeof base.ssl === 'object' && base.ssl !== null ? base.ssl : {}, source, host ?? 'localhost');
  } catch (error) {
    // a certificate path taken from the URL may contain anything, the password included
    throw error instanceof InvalidConnectionError ? new InvalidConnectionError(source, redact(error.message)) : error;
  }
  const secure: ClientConfig = { ...pgConfig, ssl: tls };
  const attempts = sslmode === 'allow' ? [plain, secure] : sslmode === 'prefer' ? [secure, plain] : [secure];
  return Object.freeze({ attempts, sslmode, source, sslmodeSource: modeSource, target, redact });
}

/**
 * Whether a failed attempt of `resolved` may go on with the next one: `prefer` when the server has
 * no SSL, `allow` when the server refused the plain connection (libpq's fallbacks).
 */
export function fallsBack(resolved: ResolvedConnection, error: unknown): boolean {
  const e = error as { message?: unknown; code?: unknown };
  if (resolved.sslmode === 'prefer') return typeof e.message === 'string' && /does not support SSL/i.test(e.message);
  if (resolved.sslmode === 'allow') return typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code);
  return false;
}

/**
 * The error to throw for a failed connection: {@link ConnectionFailedError} with the server's reason,
 * every secret redacted (the original error, which may quote the connection string, is not kept).
 */
export function connectionFailure(resolved: ResolvedConnection, error: unknown): ConnectionFailedError {
  const e = error as { message?: unknown; code?: unknown };
  const reason = resolved.redact(typeof e.message === 'string' && e.message !== '' ? e.message : String(error));
  const safe = new Error(reason) as Error & { code?: string };
  if (typeof e.code === 'string') safe.code = e.code;
  safe.stack = `${safe.name}: ${reason}`;
  const ssl = resolved.sslmode === null ? undefined : `sslmode=${resolved.sslmode}, from ${resolved.sslmodeSource}`;
  return new ConnectionFailedError(resolved.target, safe, ssl);
}

/** A checked URL: its parts (percent-decoded), its SSL parameters, and the URL without them. */
export interface CheckedUrl {
  /** Host name, IP address (IPv6 without brackets) or Unix socket directory. */
  readonly host?: string;
  /** The port, when the URL names one. */
  readonly port?: number;
  readonly user?: string;
  /** The password, when the URL has one: never print it. */
  readonly password?: string;
  readonly database?: string;
  readonly ssl: SslParameters;
  /** libpq's `connect_timeout` (seconds) from the query, which pg's JavaScript client ignores. */
  readonly connectTimeout?: string;
  /** The URL without its SSL query parameters (pg would otherwise read them its own way). */
  readonly withoutSsl: string;
  /** Every form in which the password appears in the URL (raw and decoded), for redaction. */
  readonly secrets: readonly string[];
}

/**
 * Checks that `text` is a `postgres://` or `postgresql://` URL pg reads as meant (pg itself reads
 * `postgres//user:pw@host/db` as database `postgres//user:pw@host/db` on host `base`), and takes it
 * apart. The one URL parser of the package: the connection resolution and the test harness use it.
 *
 * @throws {InvalidConnectionError} naming `source` and what is wrong, never the value
 * @example
 * ```ts
 * import { checkConnectionUrl } from 'mikro-orm-alembic';
 *
 * const url = checkConnectionUrl('postgres://app:pw@db:6543/app?sslmode=require', '--url');
 * console.log(url.host, url.port, url.database, url.ssl.sslmode); // db 6543 app require
 * ```
 */
export function checkConnectionUrl(text: string, source: string): CheckedUrl {
  const value = text.trim();
  const fail = (what: string): never => {
    throw new InvalidConnectionError(source, `${source} ${what} (${EXPECTED}; the value is not shown, it may contain a password)`);
  };
  if (value === '') return fail('is empty');
  if (/^\/[^/]/.test(value) && !value.includes('@')) {
    // pg's "socket directory [database]" form
    const [dir, db] = value.split(' ');
    return { host: dir, database: db, ssl: {}, withoutSsl: value, secrets: [] };
  }
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(value)?.[1];
  if (scheme === undefined) return fail('is not a URL: it does not start with postgres:// or postgresql://');
  if (!/^postgres(ql)?$/i.test(scheme)) return fail(`is not a PostgreSQL URL: its scheme is not postgres: or postgresql:`);
  // `postgres://user@/db?host=/run/postgresql`: libpq's empty host, which WHATWG refuses with a user
  const emptyHost = /^[^:]+:\/\/(?:[^@/?#]*@)?(?=[/?#]|$)/.exec(value);
  const authority = /^[^:]+:\/\/([^/?#]*)/.exec(value)?.[1] ?? '';
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
  const rawPort = /^(?:\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(hostPort)?.[1];
  if (rawPort !== undefined && rawPort !== '' && !/^\d{1,5}$/.test(rawPort)) return fail('has a port that is not a number (or a user or password with an unencoded @ : / ? #)');
  if (rawPort !== undefined && rawPort !== '' && (Number(rawPort) < 1 || Number(rawPort) > 65535)) return fail('has a port outside 1..65535');
  let url: URL;
  try {
    url = new URL(emptyHost ? `${emptyHost[0]}placeholder.invalid${value.slice(emptyHost[0].length)}` : value);
  } catch {
    return fail('cannot be parsed as a URL');
  }
  const decode = (part: string, what: string): string | undefined => {
    if (part === '') return undefined;
    try {
      return decodeURIComponent(part);
    } catch {
      return fail(`has a badly percent-encoded ${what}`);
    }
  };
  const password = decode(url.password, 'password');
  const secrets: string[] = password === undefined ? [] : [url.password, password];
  const port = url.port === '' ? undefined : Number(url.port);
  if (port !== undefined && (port < 1 || port > 65535)) return fail('has a port outside 1..65535');
  const path = url.pathname.replace(/^\//, '');
  if (path.includes('/')) return fail('has a path with more than one segment (the path is the database name)');
  const database = decode(path, 'database name');
  const user = decode(url.username, 'user name');
  const host = emptyHost ? (url.searchParams.get('host') ?? undefined) : decode(url.hostname, 'host')?.replace(/^\[(.*)\]$/, '$1');
  if (host === undefined || host === '') return fail('has no host (name one, or a socket directory as ?host=/run/postgresql)');
  const ssl: { -readonly [K in keyof SslParameters]: string } = {};
  for (const key of ['sslmode', 'sslrootcert', 'sslcert', 'sslkey'] as const) {
    const v = url.searchParams.get(key);
    if (v !== null && v !== '') ssl[key] = v;
  }
  const sslParam = url.searchParams.get('ssl');
  if (ssl.sslmode === undefined && sslParam !== null) ssl.sslmode = sslParam === 'true' || sslParam === '1' ? 'require' : sslParam === '0' || sslParam === 'false' ? 'disable' : sslParam;
  const query = value.indexOf('?');
  let withoutSsl = value;
  if (query >= 0) {
    const hash = value.indexOf('#', query);
    const kept = value
      .slice(query + 1, hash < 0 ? undefined : hash)
      .split('&')
      .filter((pair) => pair !== '' && !SSL_QUERY_KEYS.has(decodeSafe(pair.split('=')[0]).toLowerCase()));
    withoutSsl = `${value.slice(0, query)}${kept.length > 0 ? `?${kept.join('&')}` : ''}`;
  }
  const connectTimeout = url.searchParams.get('connect_timeout') ?? undefined;
  return { host, port, user, password, database, ssl, connectTimeout, withoutSsl, secrets };
}

/** libpq's TLS behaviour for `sslmode`, as Node `tls` options. */
function tlsOptions(mode: Exclude<SslMode, 'disable'>, params: SslParameters, given: TlsOptions, source: string, host: string): TlsOptions {
  const read = (file: string, what: string): string => {
    try {
      return readFileSync(file, 'utf8');
    } catch (error) {
      const reason = (error as { code?: string }).code ?? (error instanceof Error ? error.message : String(error));
      throw new InvalidConnectionError(source, `${source} names ${what} "${file}", which cannot be read (${reason})`);
    }
  };
  const dotDir = join(homedir(), '.postgresql');
  const options: TlsOptions = { ...given };
  const cert = params.sslcert ?? (existsSync(join(dotDir, 'postgresql.crt')) ? join(dotDir, 'postgresql.crt') : undefined);
  const key = params.sslkey ?? (existsSync(join(dotDir, 'postgresql.key')) ? join(dotDir, 'postgresql.key') : undefined);
  if (cert !== undefined) options.cert = read(cert, 'sslcert');
  if (key !== undefined) options.key = read(key, 'sslkey');
  let root = params.sslrootcert;
  if (root === undefined && (mode === 'verify-ca' || mode === 'verify-full') && given.ca === undefined) {
    const fallback = join(dotDir, 'root.crt');
    if (!existsSync(fallback)) {
      throw new InvalidConnectionError(
        source,
        `${source} asks for sslmode=${mode} but names no sslrootcert, and ${fallback} does not exist: ` +
          'give sslrootcert=<file> (or sslrootcert=system for the system CAs), or use sslmode=require',
      );
    }
    root = fallback;
  }
  if (root !== undefined && root !== 'system') options.ca = read(root, 'sslrootcert');
  // libpq: require with a root certificate behaves as verify-ca
  const verify = mode === 'verify-ca' || mode === 'verify-full' || (mode === 'require' && root !== undefined);
  if (!verify) {
    options.rejectUnauthorized = false;
  } else {
    options.rejectUnauthorized = true;
    // verify-full: the certificate must name the host connected to. (Node checks the TLS servername,
    // which pg leaves unset for an IP address: it would check "localhost" instead.)
    options.checkServerIdentity = mode === 'verify-full' ? (_name, cert) => checkServerIdentity(host, cert) : () => undefined;
  }
  return options;
}

/** The default time to wait for a connection (a host that does not answer); a refused one fails at once. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;

/**
 * pg's `connectionTimeoutMillis` when given, else libpq's `connect_timeout` / `PGCONNECT_TIMEOUT` in
 * seconds (0: wait forever, as libpq), else {@link DEFAULT_CONNECT_TIMEOUT_MS}.
 */
function connectTimeoutMs(given: number | undefined, seconds: string | undefined, source: string): number {
  if (given !== undefined) return given;
  if (seconds === undefined) return DEFAULT_CONNECT_TIMEOUT_MS;
  if (!/^\d+$/.test(seconds.trim())) throw new InvalidConnectionError(source, `${source} has a connect_timeout that is not a whole number of seconds`);
  return Number(seconds) * 1000;
}

function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret !== '') out = out.split(secret).join('***');
  }
  return out;
}

function decodeSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
