import { createHmac, createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AlembicOptions } from '../mikro/alembic-options';
import type { ConnectionSettings } from '../runtime/connection';
import type { ConfigReads } from './config-reads';
import type { OrmConfigResolution } from './orm-config';
import type { ProjectSettings } from './project-settings';

/**
 * A cached resolution of the MikroORM config: what `upgrade`, `current`, `stamp` and the like take from
 * it (the migrations folders, the plugin's plain options, the connection without its password),
 * kept in `node_modules/.cache/mikro-orm-alembic/` so that the next run needs neither ts-node nor
 * MikroORM to learn them again (in a TypeScript project they are most of a no-op upgrade's time).
 *
 * A cached resolution is used only while everything its load read is unchanged (see `config-reads.ts`):
 * the content of every file and module it read outside `node_modules` (the config, what it imports,
 * `.env`, `package.json`, `tsconfig.json`), every environment variable it looked at, the files on
 * the config search path that did not exist, the installed packages (`node_modules/.package-lock.json`),
 * this package's and MikroORM's versions, the bin's options (`--config`, `--context`) and the
 * project settings. Anything else a config depends on (a secret manager, the clock) is not seen:
 * such a config is not cached when its password comes from there, and `MIKRO_ORM_ALEMBIC_CONFIG_CACHE=0`
 * turns the cache off.
 *
 * No secret is written. The password is not kept: the cache records which environment variable the
 * config took it from (the whole value, or the password of a URL) and reads it again from there; a
 * config whose password comes from anywhere else (a literal, a file, a function) is not cached. File
 * contents and variable values are kept only as HMAC-SHA-256 digests under a random salt, with the
 * password cut out before hashing. A config whose connection has anything but plain values (an
 * `ssl` object with a key, a password function) is not cached either.
 */

const FORMAT = 1;

/** The plain-data plugin options a resolution keeps (what the verbs that use it read). */
const ALEMBIC_FIELDS = ['path', 'pathTs', 'versionTable', 'lockTimeoutMs', 'statementLockTimeoutMs', 'transactionMode', 'strict', 'importFrom'] as const;

type Plain = string | number | boolean | null;

interface CacheFile {
  readonly format: number;
  readonly key: string;
  readonly salt: string;
  /** Files read (digest) or looked for and absent (`null`). */
  readonly files: readonly { readonly path: string; readonly digest: string | null }[];
  /** Variables looked at: digest of the value (password cut out), `null` when unset. */
  readonly env: readonly { readonly name: string; readonly digest: string | null }[];
  readonly password: { readonly env: string; readonly form: 'value' | 'url' } | null;
  readonly resolution: {
    readonly file: string | null;
    readonly alembic: Partial<Record<(typeof ALEMBIC_FIELDS)[number], unknown>> | null;
    readonly migrationsPath: string | null;
    readonly migrationsPathTs: string | null;
    readonly baseDir: string;
    readonly connection: Record<string, Plain> | null;
    readonly noDatabase: string | null;
    readonly transactionMode: string | null;
    readonly ensureDatabase: boolean;
    readonly mikroOrmHistory: { readonly tableName: string | null; readonly schema: string | null };
  };
  /** What the load told the user (which config file was used), told again on a cached run. */
  readonly notes: readonly string[];
}

/** What identifies one resolution request (the cache file's name comes from it). */
export interface ConfigCacheRequest {
  readonly cwd: string;
  readonly configPaths: readonly string[] | undefined;
  readonly contextName: string | undefined;
  readonly preferTs: boolean;
}

/**
 * The cache of one project's config resolution for one request (`--config`, `--context`, working
 * folder), or `null` when caching is off (`MIKRO_ORM_ALEMBIC_CONFIG_CACHE=0`).
 *
 * @example
 * ```ts
 * const cache = ConfigCache.for(settings, { cwd, configPaths: undefined, contextName: undefined, preferTs: true });
 * const hit = cache?.read();
 * ```
 */
export class ConfigCache {
  private constructor(
    private readonly file: string,
    private readonly key: string,
    private readonly root: string,
  ) {}

  static for(settings: ProjectSettings, request: ConfigCacheRequest, env: NodeJS.ProcessEnv = process.env): ConfigCache | null {
    const off = env.MIKRO_ORM_ALEMBIC_CONFIG_CACHE;
    if (off !== undefined && ['0', 'false', 'off', 'no'].includes(off.toLowerCase())) return null;
    const key = createHash('sha256')
      .update(
        JSON.stringify({
          format: FORMAT,
          cwd: request.cwd,
          configPaths: request.configPaths ?? null,
          contextName: request.contextName ?? null,
          preferTs: request.preferTs,
          settings,
          versions: [versionOf('mikro-orm-alembic', __dirname), versionOf('@mikro-orm/core', request.cwd)],
          node: process.version,
        }),
      )
      .digest('hex');
    return new ConfigCache(join(settings.root, 'node_modules', '.cache', 'mikro-orm-alembic', `config-${key.slice(0, 24)}.json`), key, settings.root);
  }

  /**
   * The cached resolution when it is still valid for this environment and these files, else `null`
   * (no cache, another format, anything changed, the password's variable gone). Notes the load gave
   * are returned with it.
   */
  read(env: NodeJS.ProcessEnv = process.env): { resolution: OrmConfigResolution; notes: readonly string[] } | null {
    let cached: CacheFile;
    try {
      cached = JSON.parse(readFileSync(this.file, 'utf8')) as CacheFile;
    } catch {
      return null;
    }
    if (cached.format !== FORMAT || cached.key !== this.key) return null;
    let password: string | undefined;
    if (cached.password !== null) {
      const value = env[cached.password.env];
      if (value === undefined) return null;
      password = cached.password.form === 'value' ? value : urlPassword(value);
      if (password === undefined) return null;
    }
    const digest = hmac(cached.salt);
    for (const file of cached.files) if (fileDigest(digest, file.path) !== file.digest) return null;
    for (const variable of cached.env) {
      if (envDigest(digest, variable.name, env[variable.name], cached.password, password) !== variable.digest) return null;
    }
    const r = cached.resolution;
    const connection = r.connection === null ? null : (Object.freeze({ ...r.connection, ...(password === undefined ? {} : { password }) }) as ConnectionSettings);
    const resolution: OrmConfigResolution = Object.freeze({
      file: r.file,
      alembic: r.alembic === null ? undefined : (Object.freeze({ ...r.alembic }) as AlembicOptions),
      migrationsPath: r.migrationsPath ?? undefined,
      migrationsPathTs: r.migrationsPathTs ?? undefined,
      baseDir: r.baseDir,
      connectionSettings: () => connection,
      noDatabase: r.noDatabase,
      transactionMode: (r.transactionMode ?? undefined) as OrmConfigResolution['transactionMode'],
      ensureDatabase: r.ensureDatabase,
      mikroOrmHistory: Object.freeze({ tableName: r.mikroOrmHistory.tableName ?? undefined, schema: r.mikroOrmHistory.schema ?? undefined }),
    });
    return { resolution, notes: cached.notes };
  }

  /**
   * Keeps `resolution` with what its load read, when it can be kept without a secret (see the file's
   * comment); says whether it was. `inputs`: files its result also depends on (read by installed code
   * for it, or config files looked for that did not exist, whose appearance would change it). Failing to
   * write (a read-only `node_modules`) is not an error: the next run loads the config again.
   */
  write(resolution: OrmConfigResolution, reads: ConfigReads, inputs: readonly string[], notes: readonly string[]): boolean {
    // a project without node_modules (a global bin) gets none made for a cache
    if (reads.listedEnv || !existsSync(join(this.root, 'node_modules'))) return false;
    const plain = plainResolution(resolution, reads);
    if (plain === null) return false;
    const salt = randomBytes(16).toString('hex');
    const digest = hmac(salt);
    const paths = new Set([...reads.files, ...inputs, join(this.root, 'node_modules', '.package-lock.json')]);
    const files = [...paths].sort().map((path) => ({ path, digest: fileDigest(digest, path) }));
    const env = [...reads.env.keys()].sort().map((name) => ({ name, digest: envDigest(digest, name, reads.env.get(name), plain.password, plain.passwordValue) }));
    const cached: CacheFile = { format: FORMAT, key: this.key, salt, files, env, password: plain.password, resolution: plain.resolution, notes: [...notes] };
    try {
      mkdirSync(join(this.file, '..'), { recursive: true });
      const temporary = `${this.file}.${process.pid}.tmp`;
      writeFileSync(temporary, `${JSON.stringify(cached)}\n`, { mode: 0o600 });
      renameSync(temporary, this.file);
      return true;
    } catch {
      return false;
    }
  }
}

/** The resolution as plain data without the password, and where the password comes from; `null` when it cannot be kept. */
function plainResolution(
  resolution: OrmConfigResolution,
  reads: ConfigReads,
): { resolution: CacheFile['resolution']; password: CacheFile['password']; passwordValue: string | undefined } | null {
  let settings: ConnectionSettings | null;
  try {
    settings = resolution.connectionSettings();
  } catch {
    return null; // a malformed clientUrl: told by the full load, every time
  }
  let connection: Record<string, Plain> | null = null;
  let password: CacheFile['password'] = null;
  let passwordValue: string | undefined;
  if (settings !== null) {
    connection = {};
    for (const [key, value] of Object.entries(settings)) {
      if (value === undefined) continue;
      if (key === 'password') continue;
      if (value !== null && typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return null;
      connection[key] = value;
    }
    if (settings.password !== undefined) {
      if (typeof settings.password !== 'string') return null;
      passwordValue = settings.password;
      password = passwordSource(settings.password, reads);
      if (password === null) return null;
    }
  }
  let alembic: Partial<Record<(typeof ALEMBIC_FIELDS)[number], unknown>> | null = null;
  if (resolution.alembic !== undefined) {
    alembic = {};
    for (const field of ALEMBIC_FIELDS) {
      const value = resolution.alembic[field];
      if (value === undefined) continue;
      if (JSON.stringify(JSON.parse(JSON.stringify(value))) !== JSON.stringify(value)) return null;
      alembic[field] = value;
    }
  }
  return {
    resolution: {
      file: resolution.file,
      alembic,
      migrationsPath: resolution.migrationsPath ?? null,
      migrationsPathTs: resolution.migrationsPathTs ?? null,
      baseDir: resolution.baseDir,
      connection,
      noDatabase: resolution.noDatabase,
      transactionMode: resolution.transactionMode ?? null,
      ensureDatabase: resolution.ensureDatabase,
      mikroOrmHistory: { tableName: resolution.mikroOrmHistory.tableName ?? null, schema: resolution.mikroOrmHistory.schema ?? null },
    },
    password,
    passwordValue,
  };
}

/** The variable the load read that holds `password` (as its whole value, or as a URL's password), or `null`. */
function passwordSource(password: string, reads: ConfigReads): CacheFile['password'] {
  for (const [name, value] of reads.env) {
    if (value === undefined) continue;
    if (value === password) return { env: name, form: 'value' };
    if (urlPassword(value) === password) return { env: name, form: 'url' };
  }
  return null;
}

/** The decoded password of a URL, or `undefined` when `text` is not a URL with one. */
function urlPassword(text: string): string | undefined {
  try {
    const url = new URL(text.trim());
    return url.password === '' ? undefined : decodeURIComponent(url.password);
  } catch {
    return undefined;
  }
}

/** A URL without its password (the rest of it still counts). */
function withoutPassword(text: string): string {
  const url = new URL(text.trim());
  url.password = '';
  return url.toString();
}

function hmac(salt: string): (data: string | Buffer) => string {
  return (data) => createHmac('sha256', salt).update(data).digest('base64url');
}

function fileDigest(digest: (data: Buffer) => string, path: string): string | null {
  try {
    return digest(readFileSync(path));
  } catch {
    return null;
  }
}

/**
 * A variable's digest: `null` when unset; for the password's own variable only that it is set (its
 * value is the password) or its URL without the password; for others their value with the password cut out.
 */
function envDigest(
  digest: (data: string) => string,
  name: string,
  value: string | undefined,
  password: CacheFile['password'],
  passwordValue: string | undefined,
): string | null {
  if (value === undefined) return null;
  if (password !== null && password.env === name) {
    if (password.form === 'value') return 'set';
    try {
      return digest(`${name}=${withoutPassword(value)}`);
    } catch {
      return 'not a URL';
    }
  }
  const shown = passwordValue === undefined || passwordValue === '' ? value : value.split(passwordValue).join('\u0000');
  return digest(`${name}=${shown}`);
}

/** The version of an installed package (its package.json, found from `from`), or `null`. */
function versionOf(name: string, from: string): string | null {
  try {
    const file = name === 'mikro-orm-alembic' ? findOwnPackageJson(from) : require.resolve(`${name}/package.json`, { paths: [from] });
    if (file === null) return null;
    return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? null;
  } catch {
    return null;
  }
}

function findOwnPackageJson(from: string): string | null {
  let dir = from;
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'package.json');
    try {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string };
      if (pkg.name === 'mikro-orm-alembic') return candidate;
    } catch {
      // not here
    }
    dir = join(dir, '..');
  }
  return null;
}
