/**
 * The `pg` module, loaded when first asked for (offline SQL and the graph verbs never pay for it) and
 * without its Cloudflare-Workers sniffing.
 *
 * pg 8 decides when it is first required whether it runs in a Cloudflare Worker: where `navigator` is
 * absent (Node 20) it constructs a `Response`, which makes Node load its whole fetch implementation
 * (undici, web streams, zlib) for nothing: about a third of the time `require('pg')` takes, measured
 * at 40–140 ms on the project's 2-core machine, in every run of the bin. While pg loads, `Response`
 * reads as `undefined` here; Node's own lazy definition is put back right after, untouched. When pg
 * was already loaded (by MikroORM, by the app) this is the same module, as is.
 *
 * @example
 * ```ts
 * import { pgModule } from './pg-module';
 * const client = new (pgModule().Client)({ connectionString: 'postgres://db/app' });
 * ```
 */
function loadPg(): typeof import('pg') {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'Response');
  const hidden = descriptor !== undefined && descriptor.configurable === true;
  if (hidden) Object.defineProperty(globalThis, 'Response', { value: undefined, configurable: true, writable: true });
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('pg') as typeof import('pg');
  } finally {
    if (hidden) Object.defineProperty(globalThis, 'Response', descriptor);
  }
}

let loaded: typeof import('pg') | undefined;

/** pg itself (see the file's comment), loaded on the first call. */
export function pgModule(): typeof import('pg') {
  loaded ??= loadPg();
  return loaded;
}
