import { readFileSync } from 'node:fs';
import type { ConnectionOptions, ConnectionSettings } from '../runtime/connection';
import { FanoutTargetsError } from './errors';
import { targetNameOf, type FanoutTarget } from './target';

/**
 * A target with the connection settings it is reached with. For targets read from a file or `--target-url`
 * the connection is the URL; for tenant schemas found on the base connection (`--tenants-query`, the
 * plugin's `tenants` option) it is the base connection's own settings, SSL options included.
 */
export interface PlannedTarget {
  readonly target: FanoutTarget;
  readonly connection: ConnectionOptions;
}

/**
 * One entry a `tenants` function may return: a schema name (a tenant schema on the config's database),
 * or a target whose `url` defaults to the config's database and whose `name` defaults to the schema
 * (else `host:port/database`).
 *
 * @example
 * ```ts
 * const entries: TenantEntry[] = ['tenant_acme', { schema: 'tenant_globex' }, { name: 'eu', url: 'postgres://eu-db/app' }];
 * ```
 */
export type TenantEntry = string | { readonly name?: string; readonly url?: string; readonly schema?: string };

/** The plugin option `alembic({ tenants })`: the targets of `--tenants`, computed when the bin runs. */
export type TenantsOption = () => Promise<readonly TenantEntry[]> | readonly TenantEntry[];

/**
 * Reads a targets file: either one URL per line (blank lines and `#` comments skipped; each target is
 * named `host:port/database`), or JSON: an array of `{ name?, url, schema? }` (or `{ "targets": [...] }`),
 * where `name` defaults to the schema, else `host:port/database`.
 *
 * @throws {FanoutTargetsError} for an unreadable file, malformed JSON, a line that is not a URL (named by
 *   its line number, never shown), a duplicate name
 * @example
 * ```ts
 * const targets = readTargetsFile('deploy/targets.txt');
 * ```
 */
export function readTargetsFile(file: string, shownAs = file): PlannedTarget[] {
  const source = `--targets ${shownAs}`;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as { code?: string }).code ?? String(error);
    throw new FanoutTargetsError(source, `${source} cannot be read (${reason})`, { cause: error });
  }
  return parseTargetsText(text, source);
}

/**
 * {@link readTargetsFile} on text already read.
 *
 * @example
 * ```ts
 * parseTargetsText('postgres://db-a/app\npostgres://db-b/app\n', '--targets list.txt').length; // 2
 * ```
 */
export function parseTargetsText(text: string, source: string): PlannedTarget[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) return parseTargetsJson(trimmed, source);
  const planned: PlannedTarget[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `${source}, line ${index + 1}`;
    if (/\s/.test(line)) throw new FanoutTargetsError(source, `${where} is not one URL (it has spaces; the value is not shown, it may contain a password)`);
    planned.push(urlTarget(line, where));
  });
  return planned;
}

function parseTargetsJson(text: string, source: string): PlannedTarget[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new FanoutTargetsError(source, `${source} is not valid JSON (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
  const list = Array.isArray(value) ? value : (value as { targets?: unknown }).targets;
  if (!Array.isArray(list)) throw new FanoutTargetsError(source, `${source} must hold an array of { name, url, schema } (or { "targets": [...] })`);
  return list.map((entry: unknown, index) => {
    const where = `${source}, entry ${index + 1}`;
    if (typeof entry === 'string') return urlTarget(entry, where);
    if (typeof entry !== 'object' || entry === null) throw new FanoutTargetsError(source, `${where} is neither a URL nor an object { name, url, schema }`);
    const { name, url, schema, ...rest } = entry as Record<string, unknown>;
    const unknownKeys = Object.keys(rest);
    if (unknownKeys.length > 0) throw new FanoutTargetsError(source, `${where} has unknown field${unknownKeys.length === 1 ? '' : 's'} ${unknownKeys.join(', ')} (known: name, url, schema)`);
    if (typeof url !== 'string' || url === '') throw new FanoutTargetsError(source, `${where} has no url`);
    if (name !== undefined && (typeof name !== 'string' || name === '')) throw new FanoutTargetsError(source, `${where} has a name that is not a non-empty string`);
    if (schema !== undefined && (typeof schema !== 'string' || schema === '')) throw new FanoutTargetsError(source, `${where} has a schema that is not a non-empty string`);
    const shown = name ?? (schema as string | undefined) ?? targetNameOf(url, undefined, where);
    return planned({ name: shown, url, ...(schema === undefined ? {} : { schema: schema as string }) }, url, where);
  });
}

/**
 * Targets from `--target-url` options, each named `host:port/database`.
 *
 * @example
 * ```ts
 * targetsFromUrls(['postgres://db-a/app', 'postgres://db-b/app']).map((p) => p.target.name); // ['db-a:5432/app', 'db-b:5432/app']
 * ```
 */
export function targetsFromUrls(urls: readonly string[], source = '--target-url'): PlannedTarget[] {
  return urls.map((url, index) => urlTarget(url, urls.length === 1 ? source : `${source} #${index + 1}`));
}

/**
 * Schema targets on one database (the base connection): one per schema, named by the schema.
 *
 * @example
 * ```ts
 * schemaTargets('postgres://db/app', ['tenant_a', 'tenant_b']).map((p) => p.target.name); // ['tenant_a', 'tenant_b']
 * ```
 */
export function schemaTargets(base: ConnectionOptions, schemas: readonly string[], source = 'the tenants'): PlannedTarget[] {
  const url = urlOf(base);
  return schemas.map((schema, index) => {
    if (typeof schema !== 'string' || schema === '') throw new FanoutTargetsError(source, `${source}: entry ${index + 1} is not a schema name`);
    return { target: Object.freeze({ name: schema, url, schema }), connection: base };
  });
}

/**
 * Runs `--tenants-query` on the base connection and returns its schema targets: the first column of
 * every row must be a schema name (text, not null).
 *
 * @throws {FanoutTargetsError} when the query fails or returns something else than schema names
 * @example
 * ```ts
 * const targets = await queryTenantTargets('postgres://db/app', "select nspname from pg_namespace where nspname like 'tenant\\_%'");
 * ```
 */
export async function queryTenantTargets(base: ConnectionOptions, sql: string): Promise<PlannedTarget[]> {
  const source = '--tenants-query';
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PgChannel } = require('../runtime/pg-channel') as typeof import('../runtime/pg-channel');
  const channel = await PgChannel.connect(base);
  let rows: Record<string, unknown>[];
  try {
    rows = await channel.query(sql);
  } catch (error) {
    throw new FanoutTargetsError(source, `${source} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  } finally {
    await channel.close();
  }
  const schemas = rows.map((row, index) => {
    const value = Object.values(row)[0];
    if (typeof value !== 'string' || value === '') {
      throw new FanoutTargetsError(source, `${source} returned ${value === null ? 'null' : typeof value} in row ${index + 1}; its first column must be schema names`);
    }
    return value;
  });
  return schemaTargets(base, schemas, source);
}

/**
 * The targets of the plugin's `tenants` option: strings are schemas on the base connection, objects
 * may name another database (`url`).
 *
 * @throws {FanoutTargetsError} when the function throws or returns something else than a list of entries
 * @example
 * ```ts
 * const targets = await tenantTargets(async () => ['tenant_a', 'tenant_b'], 'postgres://db/app');
 * ```
 */
export async function tenantTargets(tenants: TenantsOption, base: ConnectionOptions | null): Promise<PlannedTarget[]> {
  const source = 'the tenants option of alembic()';
  let entries: unknown;
  try {
    entries = await tenants();
  } catch (error) {
    throw new FanoutTargetsError(source, `${source} threw: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (!Array.isArray(entries)) throw new FanoutTargetsError(source, `${source} must return an array of schema names or { name, url, schema }`);
  return entries.map((entry: unknown, index) => {
    const where = `${source}, entry ${index + 1}`;
    const { name, url, schema } = (typeof entry === 'string' ? { schema: entry } : entry) as { name?: unknown; url?: unknown; schema?: unknown };
    if (typeof entry !== 'string' && (typeof entry !== 'object' || entry === null)) throw new FanoutTargetsError(source, `${where} is neither a schema name nor { name, url, schema }`);
    if (schema !== undefined && (typeof schema !== 'string' || schema === '')) throw new FanoutTargetsError(source, `${where} has a schema that is not a non-empty string`);
    if (name !== undefined && (typeof name !== 'string' || name === '')) throw new FanoutTargetsError(source, `${where} has a name that is not a non-empty string`);
    if (url !== undefined && (typeof url !== 'string' || url === '')) throw new FanoutTargetsError(source, `${where} has a url that is not a non-empty string`);
    if (url === undefined && schema === undefined) throw new FanoutTargetsError(source, `${where} has neither a schema nor a url`);
    if (url === undefined) {
      if (base === null) throw new FanoutTargetsError(source, `${where} is a schema, but there is no database to find it in (no connection in the config and no --url)`);
      const [one] = schemaTargets(base, [schema as string], where);
      return name === undefined ? one : { ...one, target: Object.freeze({ ...one.target, name: name as string }) };
    }
    const shown = (name as string | undefined) ?? (schema as string | undefined) ?? targetNameOf(url as string, undefined, where);
    return planned({ name: shown, url: url as string, ...(schema === undefined ? {} : { schema: schema as string }) }, url as string, where);
  });
}

function urlTarget(url: string, where: string): PlannedTarget {
  return planned({ name: targetNameOf(url, undefined, where), url }, url, where);
}

function planned(target: FanoutTarget, url: string, where: string): PlannedTarget {
  return { target: Object.freeze(target), connection: { connectionString: url, source: where } };
}

/**
 * A `postgres://` URL for connection settings (the URL itself when there is one; else built from host,
 * port, user, password and database, percent-encoded): what {@link FanoutTarget.url} holds for a schema
 * on the base connection. The settings themselves (SSL included) are what the target connects with.
 */
export function urlOf(connection: ConnectionOptions): string {
  if (typeof connection === 'string') return connection;
  const settings: ConnectionSettings = connection;
  if (settings.connectionString !== undefined) return settings.connectionString;
  const enc = encodeURIComponent;
  const user = settings.user === undefined ? '' : enc(String(settings.user));
  const password = typeof settings.password === 'string' && settings.password !== '' ? `:${enc(settings.password)}` : '';
  const auth = user === '' && password === '' ? '' : `${user}${password}@`;
  const host = settings.host ?? 'localhost';
  const shownHost = host.startsWith('/') ? '' : host.includes(':') ? `[${host}]` : host;
  const query = host.startsWith('/') ? `?host=${enc(host)}` : '';
  return `postgres://${auth}${shownHost}${settings.port === undefined ? '' : `:${settings.port}`}/${enc(settings.database ?? '')}${query}`;
}
