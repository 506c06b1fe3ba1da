import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { revisionChecksum } from '../runtime/revision-checksum';
import { quoteIdent } from '../runtime/sql-text';
import type { SeedContext, SeedResult, VersionTableSeed } from '../runtime/version-table-seed';
import type { Queryable, VersionRowInput } from '../runtime/version-table';
import { adoptedMigrationName, ORIGINALS_FOLDER } from './adopted-file';
import { AdoptHistoryError } from './errors';
import { MIKRO_ORM_MIGRATION_DEFAULTS, recordedName } from './mikro-orm-folder';

/** Options of {@link mikroOrmHistory}. */
export interface MikroOrmHistoryOptions {
  /** MikroORM's `migrations.tableName` as it was (`table` or `schema.table`). Default `mikro_orm_migrations`. */
  readonly tableName?: string;
  /** The schema of a `tableName` without one: MikroORM's `schema` option, else `public`. */
  readonly schema?: string;
  /** What the revision source's paths are relative to (the runtime's `cwd`). Default `process.cwd()`. */
  readonly baseDir?: string;
}

/** MikroORM's history table: schema and name. */
export interface MikroOrmHistoryTable {
  readonly schema: string;
  readonly name: string;
}

/**
 * Where MikroORM keeps its history, as its `MigrationStorage.getTableName` reads `tableName`.
 *
 * @example
 * ```ts
 * mikroOrmHistoryTable('ops.migrations'); // { schema: 'ops', name: 'migrations' }
 * mikroOrmHistoryTable(undefined);        // { schema: 'public', name: 'mikro_orm_migrations' }
 * ```
 */
export function mikroOrmHistoryTable(tableName: string | undefined, schema?: string): MikroOrmHistoryTable {
  const parts = (tableName ?? MIKRO_ORM_MIGRATION_DEFAULTS.tableName).split('.');
  return parts.length > 1 ? { schema: parts[0], name: parts[1] } : { schema: schema ?? 'public', name: parts[0] };
}

/**
 * The hook that takes MikroORM's history (`mikro_orm_migrations`, or the configured `tableName`) into the
 * version table, for the runtime's `historySeed`: when the version table is missing and MikroORM's table
 * holds rows, the adopted revisions recorded there become the applied set, in the transaction that
 * creates the version table, under the migration lock. MikroORM's table is only read.
 *
 * Refused ({@link AdoptHistoryError}, nothing changed): a recorded name with no adopted revision (or whose
 * original class is gone from `mikro-orm/`), an original in `mikro-orm/` with no adopted revision, or a
 * gap (a later migration recorded, an earlier one not).
 *
 * @example
 * ```ts
 * const env = new MigrationEnvironment({ path: 'migrations' });
 * const runtime = env.runtime(url, {
 *   historySeed: mikroOrmHistory({ tableName: 'mikro_orm_migrations' }),
 * });
 * await runtime.upgrade('head'); // takes the history first, then runs only what MikroORM had not run
 * ```
 */
export function mikroOrmHistory(options: MikroOrmHistoryOptions): VersionTableSeed {
  const table = mikroOrmHistoryTable(options.tableName, options.schema);
  const qualified = `${quoteIdent(table.schema)}.${quoteIdent(table.name)}`;
  const shownTable = `${table.schema}.${table.name}`;
  return Object.freeze({
    async detect(db: Queryable): Promise<boolean> {
      const [found] = await db.query(
        'select exists (select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace ' +
          "where n.nspname = $1 and c.relname = $2 and c.relkind in ('r', 'p')) as found",
        [table.schema, table.name],
      );
      if (found?.found !== true) return false;
      const [rows] = await db.query(`select exists (select 1 from ${qualified}) as found`);
      return rows?.found === true;
    },

    async rows(db: Queryable, context: SeedContext): Promise<SeedResult> {
      const recorded = [...new Set((await db.query(`select name from ${qualified} order by id`)).map((r) => recordedName(String(r.name))))];
      const { graph, source } = context;
      const adopted = new Map<string, { id: string; path: string; originalExists: boolean }>();
      const folders = new Set<string>();
      for (const entry of source.scripts) {
        if (entry.path === null) continue;
        const script = { id: entry.id, path: resolve(options.baseDir ?? process.cwd(), entry.path) };
        const name = adoptedMigrationName(readFileSync(script.path, 'utf8'));
        if (name === null) continue;
        folders.add(dirname(script.path));
        const originals = join(dirname(script.path), ORIGINALS_FOLDER);
        const originalExists = ['.ts', '.js', '.cjs', ''].some((ext) => existsSync(join(originals, `${name}${ext}`)));
        adopted.set(name, { id: script.id, path: script.path, originalExists });
      }
      const unknown = recorded.filter((name) => !adopted.get(name)?.originalExists);
      const adoptedNames = new Set(adopted.keys());
      const unadopted: string[] = [];
      for (const folder of folders) {
        const originals = join(folder, ORIGINALS_FOLDER);
        if (!existsSync(originals)) continue;
        for (const file of readdirSync(originals)) {
          if (/\.(ts|js|cjs)$/.test(file) && !file.endsWith('.d.ts') && !adoptedNames.has(recordedName(file))) unadopted.push(file);
        }
      }
      // the adopted chain in graph order (parents first); a recorded one after an unrecorded one is a gap
      const byId = new Map([...adopted].map(([name, a]) => [a.id, name]));
      const chain = graph.ancestry([...byId.keys()].filter((id) => graph.has(id))).filter((id) => byId.has(id));
      const applied = new Set(recorded.filter((n) => adopted.has(n)).map((n) => (adopted.get(n) as { id: string }).id));
      const gaps: { missing: string; before: string }[] = [];
      const lastApplied = chain.reduce((last, id, i) => (applied.has(id) ? i : last), -1);
      for (let i = 0; i < lastApplied; i++) {
        if (applied.has(chain[i])) continue;
        const before = chain.slice(i + 1).find((id) => applied.has(id)) as string;
        gaps.push({ missing: byId.get(chain[i]) as string, before: byId.get(before) as string });
      }
      if (unknown.length > 0 || unadopted.length > 0 || gaps.length > 0) throw new AdoptHistoryError(shownTable, unknown, unadopted, gaps);

      const rows: VersionRowInput[] = [];
      for (const id of chain.filter((c) => applied.has(c))) {
        const path = (adopted.get(byId.get(id) as string) as { path: string }).path;
        // the checksum a stamp records (what the revision does, too)
        rows.push(Object.freeze({ id, checksum: await revisionChecksum(source, id), fileName: basename(path), durationMs: null }));
      }
      const names = rows.map((r) => byId.get(r.id)).join(', ');
      return Object.freeze({
        rows: Object.freeze(rows),
        message:
          `Took the history of MikroORM's migrator from ${shownTable}: ${rows.length} of ${chain.length} adopted migration(s) recorded as applied` +
          `${rows.length > 0 ? ` (${names})` : ''}; ${shownTable} is left as it was`,
      });
    },
  });
}
