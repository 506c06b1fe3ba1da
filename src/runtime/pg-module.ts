/**
 * The `pg` module, loaded without its Cloudflare-Workers sniffing.
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
 * import { pg } from './pg-module';
 * const client = new pg.Client({ connectionString: 'postgres://db/app' });
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

/** pg itself (see the file's comment). */
export const pg: typeof import('pg') = loadPg();
