import { dirname, isAbsolute, resolve } from 'node:path';
import { AdoptFolderError } from './errors';

/** MikroORM's `migrations` options that say which files are migrations and where their history is. */
export interface MikroOrmMigrationsOptions {
  /** `migrations.path` (compiled migrations). MikroORM's default `./migrations`. */
  readonly path?: string;
  /** `migrations.pathTs` (TypeScript migrations). */
  readonly pathTs?: string;
  /** `migrations.glob`. MikroORM's default `!(*.d).{js,ts,cjs}`. */
  readonly glob?: string;
  /** `migrations.tableName`, `table` or `schema.table`. MikroORM's default `mikro_orm_migrations`. */
  readonly tableName?: string;
  /** `migrations.emit`: `ts`, `js` or `cjs`. */
  readonly emit?: string;
  /** `migrations.snapshot` and `migrations.snapshotName`. */
  readonly snapshot?: boolean;
  readonly snapshotName?: string;
  /** `migrations.migrationsList`: classes given in the config (adopt cannot take those over). */
  readonly migrationsList?: readonly unknown[];
  /** `migrations.disableForeignKeys`. */
  readonly disableForeignKeys?: boolean;
}

/** MikroORM's defaults (`@mikro-orm/core` 6.6.16, `Configuration.DEFAULTS.migrations`). */
export const MIKRO_ORM_MIGRATION_DEFAULTS = Object.freeze({ path: './migrations', glob: '!(*.d).{js,ts,cjs}', tableName: 'mikro_orm_migrations' });

/** One MikroORM migration file, in the order MikroORM runs them. */
export interface MikroOrmMigrationFile {
  /** The name MikroORM records in its table: the file name without `.ts`/`.js` (`.cjs` is kept, as MikroORM does). */
  readonly name: string;
  /** Absolute path. */
  readonly path: string;
  /** The file name (`Migration20240312101500.ts`). */
  readonly fileName: string;
}

/**
 * The folder MikroORM reads migrations from: `pathTs` when TypeScript is preferred and `pathTs` is set,
 * else `path`, relative to `baseDir` (MikroORM 6.6.16's `Migrator` constructor).
 *
 * @example
 * ```ts
 * mikroOrmMigrationsFolder({ path: 'dist/migrations', pathTs: 'src/migrations' }, '/app', true); // '/app/src/migrations'
 * ```
 */
export function mikroOrmMigrationsFolder(options: MikroOrmMigrationsOptions, baseDir: string, preferTs: boolean): string {
  const folder = preferTs && options.pathTs ? options.pathTs : (options.path ?? MIKRO_ORM_MIGRATION_DEFAULTS.path);
  return isAbsolute(folder) ? folder : resolve(baseDir, folder);
}

/**
 * MikroORM's migration files of `folder`, in the order MikroORM runs them, found the way MikroORM 6.6.16
 * finds them: umzug (the copy `@mikro-orm/migrations` uses) globs `migrations.glob` in the folder and
 * sorts the absolute paths; the recorded name is the file name without `.ts`/`.js`.
 *
 * @example
 * ```ts
 * for (const file of await listMikroOrmMigrations('/app/src/migrations', {}, '/app')) console.log(file.name);
 * ```
 */
export async function listMikroOrmMigrations(folder: string, options: MikroOrmMigrationsOptions, projectDir: string): Promise<MikroOrmMigrationFile[]> {
  if (options.migrationsList !== undefined) {
    throw new AdoptFolderError('migrations.migrationsList lists the migration classes in the config; adopt takes over a migrations folder only');
  }
  const umzug = umzugOf(projectDir);
  const glob = `${folder}/${options.glob ?? MIKRO_ORM_MIGRATION_DEFAULTS.glob}`.replace(/\\/g, '/');
  const runner = new umzug.Umzug({
    migrations: { glob, resolve: ({ name, path }) => ({ name, path, up: async () => undefined }) },
    storage: umzug.memoryStorage(),
    logger: undefined,
  });
  const pending = await runner.pending();
  return pending.map((m) => {
    const path = m.path as string;
    const fileName = path.slice(path.lastIndexOf('/') + 1);
    return Object.freeze({ name: recordedName(fileName), path, fileName });
  });
}

/** The name MikroORM records for a file (`MigrationStorage.getMigrationName`): without `.ts`/`.js`. */
export function recordedName(fileName: string): string {
  return /\.(ts|js)$/.test(fileName) ? fileName.slice(0, -3) : fileName;
}

type UmzugModule = typeof import('umzug');

/** umzug as `@mikro-orm/migrations` (of the project, else of this package) resolves it. */
function umzugOf(projectDir: string): UmzugModule {
  for (const paths of [[projectDir], undefined]) {
    try {
      const migrations = require.resolve('@mikro-orm/migrations/package.json', paths === undefined ? undefined : { paths });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return require(require.resolve('umzug', { paths: [dirname(migrations)] })) as UmzugModule;
    } catch {
      // not there
    }
  }
  throw new AdoptFolderError(
    '@mikro-orm/migrations is not installed: adopt reads the folder the way it does, and the adopted migrations still import its Migration class',
  );
}
