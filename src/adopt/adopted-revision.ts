import type { Knex } from '@mikro-orm/knex';
import { IrreversibleRevisionError } from '../script/errors';
import { Revision, revisionFieldOf } from '../script/revision';
import { AdoptMigrationError } from './errors';
import { findMigrationClass, migrationBaseOf, type MigrationClass } from './migration-class';

/** What a MikroORM `addSql`/`execute` may be given: SQL text, or a knex builder. */
type SqlLike = string | { toSQL(): unknown };

/** The part of a MikroORM `Migration` instance the delegation uses. */
interface MigrationInstance {
  up(): Promise<void> | void;
  down(): Promise<void> | void;
  reset(): void;
  getQueries(): SqlLike[];
  execute(sql: SqlLike, params?: readonly unknown[]): Promise<unknown>;
  getKnex(): Knex;
  getEntityManager(): unknown;
}

let builderKnex: Knex | undefined;

/**
 * A knex instance for building PostgreSQL queries only (no connection): what `this.getKnex()` returns
 * in an adopted migration. Pass what it builds to `this.addSql()` or `this.execute()`.
 */
function queryBuilder(): Knex {
  if (builderKnex === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { knex } = require('@mikro-orm/knex') as typeof import('@mikro-orm/knex');
    builderKnex = knex({ client: 'pg' });
  }
  return builderKnex;
}

/** A statement as text and `$n` parameters, from SQL text or a knex builder (query, raw or schema). */
function nativeStatements(sql: SqlLike, params: readonly unknown[] | undefined): { sql: string; params: readonly unknown[] | undefined }[] {
  if (typeof sql === 'string') return [{ sql, params }];
  const compiled = sql.toSQL() as { sql: string; bindings?: readonly unknown[]; toNative?: () => { sql: string; bindings: readonly unknown[] } };
  const list = Array.isArray(compiled) ? (compiled as (typeof compiled)[]) : [compiled];
  return list.map((q) => {
    const native = typeof q.toNative === 'function' ? q.toNative() : queryBuilder().raw(q.sql, (q.bindings ?? []) as Knex.RawBinding[]).toSQL().toNative();
    return { sql: native.sql, params: native.bindings.length > 0 ? native.bindings : undefined };
  });
}

/**
 * The base class of a revision written by `adopt`: it runs the `up()`/`down()` of the MikroORM
 * migration class it wraps (left unchanged in the `mikro-orm/` subfolder) the way MikroORM's runner
 * does, inside the plugin's runtime:
 *
 * - `this.addSql(sql | knexBuilder)` in the migration queues the statement; the queue runs when
 *   `up()`/`down()` returns, in the revision's transaction (none when `isTransactional()` was `false`);
 * - `this.execute(sql | knexBuilder, params?)` runs at once, on the revision's connection and
 *   transaction, and returns the rows;
 * - `this.getKnex()` returns a knex instance for building queries (hand them to `addSql`/`execute`);
 * - `this.reset()` forgets the queued statements, as in MikroORM;
 * - `this.getEntityManager()` is refused (adopt refuses such files already, naming the line);
 * - a migration without its own `down()` makes the revision irreversible (`IrreversibleRevisionError`).
 *
 * @example
 * ```ts
 * // migrations/Migration20240312101500.ts, as adopt writes it
 * import { AdoptedRevision } from 'mikro-orm-alembic';
 * import * as mikroOrm from './mikro-orm/Migration20240312101500';
 *
 * export class Migration20240312101500_3f2a9c1b7d4e extends AdoptedRevision {
 *   override readonly revision = '3f2a9c1b7d4e';
 *   override readonly downRevision = null;
 *   protected override readonly mikroOrmModule: unknown = mikroOrm;
 * }
 * ```
 */
export abstract class AdoptedRevision extends Revision {
  /** The MikroORM migration module (its exports); the class is found in it as MikroORM finds it. */
  protected abstract readonly mikroOrmModule: unknown;

  override async up(): Promise<void> {
    await this.#delegate('up');
  }

  override async down(): Promise<void> {
    await this.#delegate('down');
  }

  async #delegate(method: 'up' | 'down'): Promise<void> {
    const id = String(revisionFieldOf(this, 'revision'));
    const cls: MigrationClass | undefined = findMigrationClass(this.mikroOrmModule);
    const base = cls === undefined ? undefined : migrationBaseOf(cls);
    if (cls === undefined || base === undefined) {
      throw new AdoptMigrationError(`revision ${id}`, null, 'the adopted module exports no class extending MikroORM\'s Migration');
    }
    if (method === 'down' && cls.prototype.down === base.prototype.down) throw new IrreversibleRevisionError(id);
    const migration = new cls(undefined, undefined) as unknown as MigrationInstance;
    migration.reset();
    migration.execute = async (sql: SqlLike, params?: readonly unknown[]) => {
      let rows: unknown[] = [];
      for (const statement of nativeStatements(sql, params)) rows = await this.execute(statement.sql, statement.params);
      return rows;
    };
    migration.getKnex = () => queryBuilder();
    migration.getEntityManager = () => {
      throw new AdoptMigrationError(`revision ${id}`, null, 'this.getEntityManager() is not available in an adopted migration');
    };
    await (method === 'up' ? migration.up() : migration.down());
    for (const query of migration.getQueries()) {
      if (typeof query === 'string' && query.trim() === '') continue;
      for (const statement of nativeStatements(query, undefined)) this.addSql(statement.sql, statement.params);
    }
  }
}
