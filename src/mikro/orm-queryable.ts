import type { MikroORM } from '@mikro-orm/core';
import { inlineParams } from '../runtime/sql-text';
import type { Queryable } from '../runtime/version-table';

/** The part of MikroORM's SQL connection used here. */
interface SqlConnection {
  execute(sql: string, params?: unknown[], method?: 'all' | 'get' | 'run'): Promise<unknown>;
}

/**
 * The ORM's own connection pool as a {@link Queryable}, for read-only look-ups (the version table's
 * rows before autogenerate) that need no dedicated connection and no lock. `$n` parameters are
 * inlined as literals (MikroORM's `execute` formats `?` placeholders, not `$n`).
 *
 * @example
 * ```ts
 * const rows = await new VersionTable().read(ormQueryable(orm));
 * ```
 */
export function ormQueryable(orm: MikroORM): Queryable {
  const connection = orm.em.getConnection() as unknown as SqlConnection;
  return {
    query: async (sql, params) => {
      const text = params !== undefined && params.length > 0 ? inlineParams(sql, params) : sql;
      return (await connection.execute(text, [], 'all')) as Record<string, unknown>[];
    },
  };
}
