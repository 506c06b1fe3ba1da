import { resolve } from 'node:path';
import type { MikroOrmMigrationsOptions } from '../../adopt/mikro-orm-folder';
import { openProject, type VerbContext } from '../verb-context';

/** Options of `adopt`. */
export interface AdoptVerbOptions {
  /** Report what would be done; change nothing. */
  readonly dryRun?: boolean;
  readonly json?: boolean;
}

/**
 * `adopt`: turns the MikroORM migrations folder of the config (`migrations.path`/`pathTs`/`glob`, as
 * they were) into a linear chain of revisions (see `adoptMigrations` and
 * docs/switching-from-mikro-orm.md). Run it once `extensions: [Migrator]` is replaced by
 * `extensions: [alembic()]`; with the old `Migrator` still there it refuses and changes nothing.
 *
 * @example
 * ```ts
 * await adopt(ctx, { dryRun: true });
 * ```
 */
export async function adopt(ctx: VerbContext, options: AdoptVerbOptions): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const api = require('../../adopt') as typeof import('../../adopt');
  const project = await openProject(ctx, 'offline', { writing: true });
  const loaded = project.fullConfig;
  if (loaded === null) throw new api.AdoptFolderError('adopt needs the MikroORM config (mikro-orm.config.ts): none was found');
  const extensions = (loaded.config.get('extensions') ?? []) as readonly unknown[];
  if (extensions.some(isMikroOrmMigrator)) throw new api.AdoptOldMigratorError(loaded.file);
  if (loaded.alembic === undefined) {
    throw new api.AdoptFolderError(`${loaded.file ?? 'The MikroORM config'} does not register alembic() in extensions; add it (in place of Migrator) first`);
  }
  const migrations = (loaded.config.get('migrations') ?? {}) as MikroOrmMigrationsOptions;
  const folder =
    ctx.global.path !== undefined
      ? resolve(ctx.cwd, ctx.global.path)
      : api.mikroOrmMigrationsFolder(migrations, loaded.baseDir, project.preferTs);
  const result = await api.adoptMigrations({
    folder,
    migrations,
    projectDir: ctx.cwd,
    importFrom: project.options.importFrom,
    dryRun: options.dryRun,
    cwd: ctx.cwd,
  });
  const history = api.mikroOrmHistoryTable(migrations.tableName, (loaded.config.get('schema') as string | undefined) ?? undefined);
  if (options.json) return ctx.output.json({ ...result, historyTable: `${history.schema}.${history.name}` });

  const lines: string[] = [];
  for (const m of result.migrations) {
    const notes = [m.transactional ? null : 'non-transactional', m.reversible ? null : 'irreversible'].filter((n) => n !== null);
    const verb = m.status === 'unchanged' ? 'unchanged' : result.dryRun ? 'would adopt' : 'adopted';
    lines.push(`${verb.padEnd(11)} ${m.id}  ${m.name}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`);
  }
  const adopted = result.migrations.filter((m) => m.status === 'adopted').length;
  if (result.migrations.length === 0) lines.push(`No MikroORM migration in ${result.folder}`);
  else if (adopted === 0) lines.push(`Nothing to do: the ${result.migrations.length} migration(s) of ${result.folder} are adopted already`);
  else if (result.dryRun) lines.push(`Dry run: nothing was changed (${adopted} migration(s) would be adopted; their classes would move to ${result.originalsFolder}/)`);
  else {
    lines.push(
      `Adopted ${adopted} migration(s): revisions in ${result.folder}/, MikroORM's classes moved unchanged to ${result.originalsFolder}/`,
      `Each database's applied set is taken from ${history.schema}.${history.name} the first time the plugin reads it (upgrade, current, migration:up, upgradeOnInit)`,
    );
  }
  if (result.snapshot !== null) {
    lines.push(`${result.snapshot} (MikroORM's schema snapshot) is not read by the plugin: new revisions are diffed against a database at head`);
  }
  ctx.output.lines(lines);
}

/** MikroORM's own `Migrator` class (from `@mikro-orm/migrations`) in `extensions`. */
function isMikroOrmMigrator(ext: unknown): boolean {
  if (typeof ext !== 'function') return false;
  if (Symbol.for('mikro-orm-alembic.options') in ext) return false;
  const cls = ext as { name?: string; register?: unknown; prototype?: Record<string, unknown> };
  return cls.name === 'Migrator' && typeof cls.register === 'function' && typeof cls.prototype?.createMigration === 'function';
}
