import fs from 'node:fs';
import { isAbsolute, resolve, sep } from 'node:path';

/**
 * What loading a MikroORM config read from outside the code that was installed: which environment
 * variables it looked at (and their values before the load began), which files it read (with
 * `fs.readFileSync` / `fs.readFile` / `fs.promises.readFile`) and which modules it required, outside
 * `node_modules`. `config-cache.ts` keys a cached resolution of the config on these: when none of
 * them changed, loading the config again would give the same result.
 */
export interface ConfigReads {
  /** Each variable read (`process.env.X`, `'X' in process.env`), with its value before the load (`undefined`: unset). */
  readonly env: ReadonlyMap<string, string | undefined>;
  /** Absolute paths of the files and modules read, outside `node_modules`. */
  readonly files: ReadonlySet<string>;
  /** Whether something listed every variable (`Object.keys(process.env)`): then every variable counts. */
  readonly listedEnv: boolean;
}

type ReadFileSync = typeof fs.readFileSync;
type ReadFile = typeof fs.readFile;
type PromisesReadFile = typeof fs.promises.readFile;

/**
 * Runs `load` while recording what it reads (see {@link ConfigReads}), then puts `process.env` and
 * `fs` back as they were, whether `load` succeeded or threw. `root` is the module whose dependency
 * tree is walked afterwards (the config file), so that modules already required before (in a
 * long-lived process) are counted too.
 *
 * @example
 * ```ts
 * const { result, reads } = await recordConfigReads(() => loadConfig(), () => '/app/mikro-orm.config.ts');
 * console.log([...reads.env.keys()], [...reads.files]);
 * ```
 */
export async function recordConfigReads<T>(load: () => Promise<T>, root: () => string | null): Promise<{ result: T; reads: ConfigReads }> {
  const realEnv = process.env;
  const before = { ...realEnv };
  const env = new Map<string, string | undefined>();
  const files = new Set<string>();
  let listedEnv = false;
  const note = (key: string | symbol) => {
    if (typeof key === 'string' && !env.has(key)) env.set(key, before[key]);
  };
  process.env = new Proxy(realEnv, {
    get(target, key, receiver) {
      note(key);
      return Reflect.get(target, key, receiver) as unknown;
    },
    has(target, key) {
      note(key);
      return Reflect.has(target, key);
    },
    getOwnPropertyDescriptor(target, key) {
      // Object.keys() asks for every variable's descriptor: only a direct question counts
      if (!calledFromInstalledCode()) note(key);
      return Reflect.getOwnPropertyDescriptor(target, key);
    },
    // written straight to the real object (through the proxy, a plain data descriptor would be refused)
    set(target, key, value: unknown) {
      if (typeof key === 'string') target[key] = value as string;
      return true;
    },
    deleteProperty(target, key) {
      if (typeof key === 'string') delete target[key];
      return true;
    },
    ownKeys(target) {
      // installed packages that list the variables (debug's DEBUG_* options) are not the config's reads
      if (!calledFromInstalledCode()) listedEnv = true;
      return Reflect.ownKeys(target);
    },
  });
  const trackRead = (path: unknown) => {
    // what installed code reads for itself (ts-node's compile cache) is not an input of the config;
    // the inputs it reads for the config (.env, package.json, tsconfig.json) are added by the caller
    if (!calledFromInstalledCode()) track(path);
  };
  const track = (path: unknown) => {
    if (typeof path === 'string' && !path.includes(`${sep}node_modules${sep}`)) files.add(isAbsolute(path) ? path : resolve(path));
  };
  const readFileSync = fs.readFileSync;
  const readFile = fs.readFile;
  const promisesReadFile = fs.promises.readFile;
  fs.readFileSync = function (this: unknown, path: unknown, ...rest: unknown[]) {
    trackRead(path);
    return (readFileSync as (...args: unknown[]) => unknown).call(this, path, ...rest);
  } as ReadFileSync;
  fs.readFile = function (this: unknown, path: unknown, ...rest: unknown[]) {
    trackRead(path);
    return (readFile as (...args: unknown[]) => unknown).call(this, path, ...rest);
  } as ReadFile;
  fs.promises.readFile = function (this: unknown, path: unknown, ...rest: unknown[]) {
    trackRead(path);
    return (promisesReadFile as (...args: unknown[]) => unknown).call(this, path, ...rest);
  } as PromisesReadFile;
  const modulesBefore = new Set(Object.keys(require.cache));
  let result: T;
  try {
    result = await load();
  } finally {
    process.env = realEnv;
    fs.readFileSync = readFileSync;
    fs.readFile = readFile;
    fs.promises.readFile = promisesReadFile;
  }
  for (const id of Object.keys(require.cache)) if (!modulesBefore.has(id)) track(id);
  const start = root();
  if (start !== null) walkModules(start, track);
  return { result, reads: Object.freeze({ env, files, listedEnv }) };
}

/** Whether the code that called into the recorder (the first frame outside this file and Node) belongs to an installed package. */
function calledFromInstalledCode(): boolean {
  // raw call sites: a source-map-aware prepareStackTrace (ts-node's) is slow and not needed here
  const prepare = Error.prepareStackTrace;
  let sites: NodeJS.CallSite[] = [];
  try {
    Error.prepareStackTrace = (_error, callSites) => callSites;
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder, calledFromInstalledCode);
    sites = (holder.stack as NodeJS.CallSite[] | undefined) ?? [];
  } finally {
    Error.prepareStackTrace = prepare;
  }
  for (const site of sites) {
    const file = site.getFileName();
    if (file === undefined || file === null || file === __filename || file.startsWith('node:') || !file.includes(sep)) continue;
    return file.includes(`${sep}node_modules${sep}`);
  }
  return false;
}

/** Every module `id` required, transitively, outside `node_modules` (those are counted through the lock file). */
function walkModules(id: string, track: (path: string) => void): void {
  const seen = new Set<string>();
  const stack = [require.cache[id]].filter((m): m is NodeJS.Module => m !== undefined);
  while (stack.length > 0) {
    const module = stack.pop() as NodeJS.Module;
    if (seen.has(module.id) || module.id.includes(`${sep}node_modules${sep}`)) continue;
    seen.add(module.id);
    track(module.filename);
    stack.push(...module.children);
  }
}
