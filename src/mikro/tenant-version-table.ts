import type { VersionTableOptions } from '../runtime/version-table';
import type { AlembicOptions } from './alembic-options';

/**
 * The version table the plugin's options describe: `versionTable`, moved into the tenant schema when
 * `schema` is set (as the runtime's `schema` option does), so that the ORM-side readers (MikroORM's
 * storage, the at-head check of `migration:create`) read the same table the runtime writes.
 *
 * @example
 * ```ts
 * versionTableOf({ schema: 'tenant_a' });                 // { schema: 'tenant_a' }
 * versionTableOf({ versionTable: { name: 'versions' } }); // { name: 'versions' }
 * ```
 */
export function versionTableOf(options: AlembicOptions): VersionTableOptions | undefined {
  return options.schema === undefined ? options.versionTable : { ...options.versionTable, schema: options.schema };
}
