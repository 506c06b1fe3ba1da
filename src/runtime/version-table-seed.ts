import type { RevisionGraph } from '../graph/revision-graph';
import type { PgChannel } from './pg-channel';
import type { RevisionSource } from './revision-source';
import type { Queryable, VersionRowInput, VersionTable } from './version-table';

/** What a {@link VersionTableSeed} may look at to decide which rows to record. */
export interface SeedContext {
  readonly graph: RevisionGraph;
  readonly source: RevisionSource;
  readonly table: VersionTable;
}

/** The rows a {@link VersionTableSeed} records, and the log line that says so. */
export interface SeedResult {
  readonly rows: readonly VersionRowInput[];
  readonly message: string;
}

/**
 * Fills the version table the moment the runtime creates it: how another migrator's history (MikroORM's
 * `mikro_orm_migrations`, see `src/adopt/`) becomes the applied set. The runtime knows nothing of where
 * the history comes from; it only calls this hook, at the single place where a missing version table is
 * created (under the migration lock).
 *
 * @example
 * ```ts
 * const seed: VersionTableSeed = {
 *   async detect(db) {
 *     const [row] = await db.query(`select to_regclass('public.old_versions') is not null as found`);
 *     return row.found === true;
 *   },
 *   async rows(db, { source }) {
 *     const rows = source.scripts.map((s) => ({ id: s.id, checksum: source.checksum(s.id), fileName: s.path, durationMs: null }));
 *     return { rows, message: `took ${rows.length} revision(s) from public.old_versions` };
 *   },
 * };
 * new MigrationRuntime({ connection, graph, source, historySeed: seed });
 * ```
 */
export interface VersionTableSeed {
  /**
   * Read-only and cheap: whether there is history to take. Called only when the version table is missing.
   * Read-only commands (`current`) take the migration lock and create the table only when this says yes.
   */
  detect(db: Queryable): Promise<boolean>;
  /**
   * The rows to record, called under the migration lock inside the transaction that creates the version
   * table. Throwing refuses: the transaction is rolled back and the version table is not created.
   */
  rows(db: Queryable, context: SeedContext): Promise<SeedResult>;
}

/**
 * Creates the version table if it is missing, and, when `seed` finds history to take, records it in the
 * same transaction. Call it under the migration lock.
 *
 * @example
 * ```ts
 * await ensureVersionTable(channel, table, { seed, context: { graph, source, table }, log: console.log });
 * ```
 */
export async function ensureVersionTable(
  channel: PgChannel,
  table: VersionTable,
  options: { seed?: VersionTableSeed; context: SeedContext; log?: (message: string) => void },
): Promise<void> {
  const { seed } = options;
  if (seed === undefined) return table.ensure(channel);
  const { sql, params } = table.existsSql();
  const [state] = await channel.query(sql, params);
  if (state?.table_exists === true) return;
  if (!(await seed.detect(channel))) return table.ensure(channel);
  await channel.begin();
  try {
    const statements = state?.schema_exists === true ? [] : [table.createSchemaSql()];
    statements.push(table.createTableSql());
    await channel.query(statements.join(';\n'));
    const result = await seed.rows(channel, options.context);
    await channel.commit(result.rows.length > 0 ? [table.insertManySql(result.rows)] : []);
    options.log?.(result.message);
  } catch (error) {
    await channel.rollback();
    throw error;
  }
}
