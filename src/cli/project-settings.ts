import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { AlembicOptions } from '../mikro/alembic-options';
import { ConfigLoadError } from './errors';

/**
 * What the nearest `package.json` (walking up from the working directory, as MikroORM's CLI does)
 * and the environment say, read without loading MikroORM: the `"mikro-orm-alembic"` key (this bin's
 * own settings, which let graph commands skip the MikroORM config) and MikroORM's own `"mikro-orm"`
 * CLI settings (`useTsNode`, `tsConfigPath`, `configPaths`, `alwaysAllowTs`) with their
 * `MIKRO_ORM_CLI_*` environment overrides.
 */
export interface ProjectSettings {
  /** The folder of the `package.json` that was read, or the working directory when there is none. */
  readonly root: string;
  /** The `package.json` that was read, or `null`. */
  readonly packageJson: string | null;
  /** The `"mikro-orm-alembic"` key, or `null` when absent. Its folders are relative to `root`. */
  readonly alembic: PackageAlembicOptions | null;
  /** MikroORM's `useTsNode` (package.json `"mikro-orm".useTsNode`, `MIKRO_ORM_CLI_USE_TS_NODE`). */
  readonly useTsNode: boolean | undefined;
  /** MikroORM's `tsConfigPath` (`MIKRO_ORM_CLI_TS_CONFIG_PATH`). */
  readonly tsConfigPath: string | undefined;
  /** MikroORM's `alwaysAllowTs` (`MIKRO_ORM_CLI_ALWAYS_ALLOW_TS`). */
  readonly alwaysAllowTs: boolean | undefined;
  /** MikroORM's `configPaths`. */
  readonly configPaths: readonly string[];
}

/** The options the `"mikro-orm-alembic"` key of package.json may hold: the plain-data plugin options. */
export type PackageAlembicOptions = Pick<
  AlembicOptions,
  'path' | 'pathTs' | 'versionTable' | 'lockTimeoutMs' | 'statementLockTimeoutMs' | 'transactionMode' | 'strict' | 'importFrom'
>;

const KEYS = new Set(['path', 'pathTs', 'versionTable', 'lockTimeoutMs', 'statementLockTimeoutMs', 'transactionMode', 'strict', 'importFrom']);
const PACKAGE_KEY = 'mikro-orm-alembic';

/**
 * Reads the settings for a working directory. Cheap: a few `stat`s and one small JSON file.
 * A `"mikro-orm-alembic"` key that is not an object, or has unknown or mistyped fields, is a
 * `ConfigLoadError` naming the field.
 *
 * @example
 * ```ts
 * const settings = readProjectSettings(process.cwd());
 * if (settings.alembic?.path) console.log(`revisions in ${settings.alembic.path}`);
 * ```
 */
export function readProjectSettings(cwd: string, env: Readonly<Record<string, string | undefined>> = process.env): ProjectSettings {
  const packageJson = findPackageJson(cwd);
  let pkg: Record<string, unknown> = {};
  if (packageJson !== null) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(packageJson, 'utf8'));
      if (typeof parsed === 'object' && parsed !== null) pkg = parsed as Record<string, unknown>;
    } catch {
      pkg = {}; // MikroORM ignores an unreadable package.json too
    }
  }
  const mikro = (typeof pkg['mikro-orm'] === 'object' && pkg['mikro-orm'] !== null ? pkg['mikro-orm'] : {}) as Record<string, unknown>;
  const bool = (v: string) => ['true', 't', '1'].includes(v.toLowerCase());
  let useTsNode = typeof mikro.useTsNode === 'boolean' ? mikro.useTsNode : undefined;
  if (env.MIKRO_ORM_CLI_USE_TS_NODE != null) useTsNode = bool(env.MIKRO_ORM_CLI_USE_TS_NODE);
  if (env.MIKRO_ORM_CLI_CONFIG?.endsWith('.ts')) useTsNode = true;
  let alwaysAllowTs = typeof mikro.alwaysAllowTs === 'boolean' ? mikro.alwaysAllowTs : undefined;
  if (env.MIKRO_ORM_CLI_ALWAYS_ALLOW_TS != null) alwaysAllowTs = bool(env.MIKRO_ORM_CLI_ALWAYS_ALLOW_TS);
  const tsConfigPath = env.MIKRO_ORM_CLI_TS_CONFIG_PATH ?? (typeof mikro.tsConfigPath === 'string' ? mikro.tsConfigPath : undefined);
  const configPaths = Array.isArray(mikro.configPaths) ? mikro.configPaths.filter((p): p is string => typeof p === 'string') : [];
  const root = packageJson === null ? resolve(cwd) : dirname(packageJson);
  return Object.freeze({
    root,
    packageJson,
    alembic: packageJson === null || !(PACKAGE_KEY in pkg) ? null : checkAlembicKey(pkg[PACKAGE_KEY], packageJson),
    useTsNode,
    tsConfigPath,
    alwaysAllowTs,
    configPaths: Object.freeze(configPaths),
  });
}

/**
 * The MikroORM config files MikroORM's CLI would look for, in its order (`MIKRO_ORM_CLI_CONFIG`,
 * `configPaths`, `./src/mikro-orm.config.ts` and `./mikro-orm.config.ts` when TypeScript is allowed,
 * `./{dist|build|src}/mikro-orm.config.js`, `./mikro-orm.config.js`), relative to `cwd`.
 *
 * @example
 * ```ts
 * configSearchPaths(readProjectSettings(cwd), cwd, true); // ['./src/mikro-orm.config.ts', './mikro-orm.config.ts', ...]
 * ```
 */
export function configSearchPaths(
  settings: ProjectSettings,
  cwd: string,
  tsAllowed: boolean,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string[] {
  const paths: string[] = [];
  if (env.MIKRO_ORM_CLI_CONFIG) paths.push(env.MIKRO_ORM_CLI_CONFIG);
  paths.push(...settings.configPaths);
  if (settings.useTsNode !== false || settings.alwaysAllowTs) paths.push('./src/mikro-orm.config.ts', './mikro-orm.config.ts');
  const dist = existsSync(join(cwd, 'dist')) ? 'dist' : existsSync(join(cwd, 'build')) ? 'build' : 'src';
  paths.push(`./${dist}/mikro-orm.config.js`, './mikro-orm.config.js');
  return [...new Set(paths)].filter((p) => !p.endsWith('.ts') || tsAllowed || settings.alwaysAllowTs === true);
}

/** The nearest package.json from `cwd` upwards, or `null`. */
function findPackageJson(cwd: string): string | null {
  let dir = resolve(cwd);
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

function checkAlembicKey(value: unknown, file: string): PackageAlembicOptions {
  const where = `${file}: "${PACKAGE_KEY}"`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigLoadError(`${where} must be an object such as { "path": "migrations" }`);
  }
  const o = value as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!KEYS.has(key)) throw new ConfigLoadError(`${where} has an unknown field "${key}" (known: ${[...KEYS].join(', ')})`);
  }
  const str = (k: string) => {
    if (o[k] !== undefined && (typeof o[k] !== 'string' || o[k] === '')) throw new ConfigLoadError(`${where}.${k} must be a non-empty string`);
  };
  str('path');
  str('pathTs');
  str('importFrom');
  for (const k of ['lockTimeoutMs', 'statementLockTimeoutMs']) {
    if (o[k] !== undefined && (typeof o[k] !== 'number' || !((o[k] as number) >= 0))) {
      throw new ConfigLoadError(`${where}.${k} must be a number of milliseconds`);
    }
  }
  if (o.transactionMode !== undefined && o.transactionMode !== 'per-revision' && o.transactionMode !== 'all') {
    throw new ConfigLoadError(`${where}.transactionMode must be "per-revision" or "all"`);
  }
  if (o.strict !== undefined && typeof o.strict !== 'boolean') throw new ConfigLoadError(`${where}.strict must be true or false`);
  const table = o.versionTable;
  if (table !== undefined) {
    const t = table as Record<string, unknown>;
    const ok =
      typeof table === 'object' &&
      table !== null &&
      Object.keys(t).every((k) => (k === 'schema' || k === 'name') && typeof t[k] === 'string' && t[k] !== '');
    if (!ok) throw new ConfigLoadError(`${where}.versionTable must be { "schema"?: string, "name"?: string }`);
  }
  return Object.freeze({ ...(o as PackageAlembicOptions) });
}
