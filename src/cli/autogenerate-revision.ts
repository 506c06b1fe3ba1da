import type { AutogenResult } from '../autogen/autogen-result';
import type { CliProject } from './cli-project';
import { CliUsageError, DatabaseNotAtHeadError } from './errors';

/**
 * `revision --autogenerate`: the difference between the entities of the MikroORM config and the
 * database, as `up()`/`down()` bodies (the autogen layer's `autogenerate`). The database must be
 * exactly at the new revision's parents. MikroORM is initialised from the loaded config (entities
 * discovered, one connection) and closed again.
 *
 * @param parents the new revision's down revisions (ids; empty for a new base).
 * @param url `--url`: the database to compare with, instead of the config's connection.
 * @example
 * ```ts
 * const result = await autogenerateRevision(project, graph.heads);
 * if (!result.empty) writeRevision({ ..., upBody: result.upBody, downBody: result.downBody });
 * ```
 */
export async function autogenerateRevision(project: CliProject, parents: readonly string[], url?: string, safeDdl?: boolean): Promise<AutogenResult> {
  const loaded = project.fullConfig;
  if (loaded === null) {
    throw new CliUsageError(
      '--autogenerate compares the entities of the MikroORM config with its database, but no MikroORM config was found',
      'add mikro-orm.config.ts (or pass --config <file>)',
    );
  }
  const state = await project.runtime().current();
  const wanted = [...parents].sort();
  const at = [...state.heads].sort();
  if (wanted.length !== at.length || wanted.some((id, i) => id !== at[i])) throw new DatabaseNotAtHeadError(state.heads, parents);

  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { MikroORM } = require('@mikro-orm/core') as typeof import('@mikro-orm/core');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { autogenerate } = require('../autogen/autogenerate') as typeof import('../autogen/autogenerate');
  const { isTsLoaderRegistered } = await import('../script/revision-loader');
  // connect: false, as MikroORM's CLI does: the ORM connects on first use, and the plugin's
  // upgradeOnInit (which only runs when init connects) must not move the database off its parents
  // --url replaces the config's database wholly (its parts would override the URL's)
  const database = url === undefined ? {} : { clientUrl: url, dbName: undefined, host: undefined, port: undefined, user: undefined, password: undefined };
  const options = { ...loaded.config.getAll(), ...database, allowGlobalContext: true, preferTs: isTsLoaderRegistered(), connect: false };
  const orm = await MikroORM.init(options);
  try {
    return await autogenerate(orm, {
      versionTable: project.options.versionTable,
      dropUnusedEnums: project.options.dropUnusedEnums,
      enumRenames: project.ormConfig?.alembic?.enumRenames,
      guessEnumRenames: project.ormConfig?.alembic?.guessEnumRenames,
      safeDdl: safeDdl === false ? false : project.ormConfig?.alembic?.safeDdl,
      safe: project.options.safe ?? (loaded.config.get('migrations') as { safe?: boolean }).safe,
      // --schema: schema-per-tenant, the wildcard entities compared with that (template) schema
      ...(project.schema === undefined ? {} : { templateSchema: project.schema }),
    });
  } finally {
    await orm.close(true);
  }
}

/**
 * `revision --autogenerate --baseline`: the whole model of the MikroORM config, compared with an empty
 * schema (the autogen layer's `autogenerateBaseline`), as `up()`/`down()` bodies of a new base
 * revision. The database is not read (MikroORM is initialised without connecting).
 *
 * @example
 * ```ts
 * const result = await baselineRevision(project);
 * writeRevision({ ..., head: null, upBody: result.upBody, downBody: result.downBody });
 * ```
 */
export async function baselineRevision(project: CliProject): Promise<AutogenResult> {
  const loaded = project.fullConfig;
  if (loaded === null) {
    throw new CliUsageError(
      '--baseline writes the entities of the MikroORM config as a revision, but no MikroORM config was found',
      'add mikro-orm.config.ts (or pass --config <file>)',
    );
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { MikroORM } = require('@mikro-orm/core') as typeof import('@mikro-orm/core');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { autogenerateBaseline } = require('../autogen/baseline') as typeof import('../autogen/baseline');
  const { isTsLoaderRegistered } = await import('../script/revision-loader');
  const orm = await MikroORM.init({ ...loaded.config.getAll(), allowGlobalContext: true, preferTs: isTsLoaderRegistered(), connect: false });
  try {
    return await autogenerateBaseline(orm);
  } finally {
    await orm.close(true);
  }
}
