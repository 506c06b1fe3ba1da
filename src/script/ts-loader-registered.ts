/**
 * Whether `.ts` files can be required in this process (ts-node, @swc-node/register, tsx's CommonJS
 * hook, ... registered a `.ts` loader). A module of its own, so that discovery can ask without loading
 * the revision loader.
 *
 * @example
 * ```ts
 * import { isTsLoaderRegistered } from 'mikro-orm-alembic';
 *
 * const folder = isTsLoaderRegistered() ? 'src/migrations' : 'dist/migrations';
 * ```
 */
export function isTsLoaderRegistered(): boolean {
  return require.extensions['.ts'] !== undefined;
}
