import type { ClientConfig } from 'pg';
import type { MigrationCheckError } from '../../testing/errors';
import type { MigrationTestKit } from '../../testing/migration-test-kit';
import { AlembicError } from '../../errors';
import { CliUsageError } from '../errors';
import { openProject, type VerbContext } from '../verb-context';

/** The checks of `test`, in the order they run. */
const CHECKS = ['graph', 'single-head', 'lint', 'upgrade-from-empty', 'models-match', 'stairway', 'no-trace'] as const;
type CheckName = (typeof CHECKS)[number];

/** Options of `test`. */
export interface TestOptions {
  /** Checks to leave out. */
  readonly skip?: readonly string[];
  readonly json?: boolean;
}

/** `test` found failing checks (exit 1); the report was printed. */
export class MigrationTestsFailedError extends AlembicError {
  constructor(readonly failed: readonly string[]) {
    super('CLI_MIGRATION_TESTS_FAILED', `${failed.length} migration check${failed.length === 1 ? '' : 's'} failed: ${failed.join(', ')}`);
  }
}

/**
 * `test`: the migration test kit for CI pipelines that do not use mocha. Runs the graph check, the
 * single-head check, an upgrade of an empty database, the drift check (when a MikroORM config with
 * entities is found), the stairway and the no-trace check, each on its own throw-away database on the
 * configured server (`--url`, the config's connection, else `DATABASE_URL` or an embedded
 * PostgreSQL), prints a report, and exits 1 when any check fails.
 *
 * @example
 * ```ts
 * await test(ctx, { skip: ['no-trace'] });
 * ```
 */
export async function test(ctx: VerbContext, options: TestOptions): Promise<void> {
  const skip = new Set(options.skip ?? []);
  for (const name of skip) {
    if (!(CHECKS as readonly string[]).includes(name)) throw new CliUsageError(`Unknown check '${name}' in --skip`, `the checks are ${CHECKS.join(', ')}`);
  }
  const project = await openProject(ctx, 'optional-database');
  const { MigrationTestKit: Kit } = require('../../testing/migration-test-kit') as typeof import('../../testing/migration-test-kit');
  const environment = project.kitEnvironment();
  const config = project.fullConfig?.config;
  const entities = config?.get('entities') ?? [];
  const ormOptions = config && entities.length > 0 ? { ...config.getAll(), preferTs: project.preferTs } : undefined;
  const kit = await Kit.open({
    environment,
    versionTable: project.options.versionTable,
    serverUrl: project.connection === null ? undefined : serverUrl(project.connection),
    orm: ormOptions,
  });
  const results: { check: CheckName; ok: boolean | 'skipped'; ms: number; report?: string }[] = [];
  try {
    for (const check of CHECKS) {
      if (skip.has(check) || (check === 'models-match' && !ormOptions)) {
        results.push({ check, ok: 'skipped', ms: 0, report: check === 'models-match' && !skip.has(check) ? 'no MikroORM config with entities' : undefined });
        continue;
      }
      const started = Date.now();
      try {
        await run(kit, check);
        results.push({ check, ok: true, ms: Date.now() - started });
      } catch (e) {
        results.push({ check, ok: false, ms: Date.now() - started, report: (e as MigrationCheckError).message ?? String(e) });
        if (check === 'graph') break;
      }
      if (!options.json) print(ctx, results[results.length - 1]);
    }
  } finally {
    await kit.close();
  }
  const failed = results.filter((r) => r.ok === false).map((r) => r.check);
  if (options.json) ctx.output.json({ ok: failed.length === 0, checks: results });
  else ctx.output.line(failed.length === 0 ? `${results.filter((r) => r.ok === true).length} checks passed` : `${failed.length} of ${results.length} checks failed`);
  if (failed.length > 0) throw new MigrationTestsFailedError(failed);
}

async function run(kit: MigrationTestKit, check: CheckName): Promise<void> {
  switch (check) {
    case 'graph':
      return kit.assertGraphValid();
    case 'single-head':
      return kit.assertSingleHead();
    case 'lint':
      await kit.assertLintClean();
      return;
    case 'upgrade-from-empty':
      return kit.assertUpgradeFromEmpty();
    case 'models-match':
      return kit.assertModelsMatchMigrations();
    case 'stairway':
      await kit.stairway();
      return;
    case 'no-trace':
      return kit.assertDowngradeLeavesNoTrace();
  }
}

function print(ctx: VerbContext, r: { check: CheckName; ok: boolean | 'skipped'; ms: number; report?: string }): void {
  if (r.ok === true) ctx.output.line(`✔ ${r.check} (${r.ms} ms)`);
  else if (r.ok === false) ctx.output.line(`✘ ${r.check}\n${(r.report ?? '').split('\n').map((l) => `    ${l}`).join('\n')}`);
}

/** A URL for the server of a pg connection (the kit creates its databases beside it). */
export function serverUrl(connection: string | ClientConfig): string {
  if (typeof connection === 'string') return connection;
  const url = new URL('postgres://localhost');
  url.hostname = connection.host ?? '127.0.0.1';
  url.port = String(connection.port ?? 5432);
  if (connection.user) url.username = encodeURIComponent(connection.user);
  if (typeof connection.password === 'string') url.password = encodeURIComponent(connection.password);
  url.pathname = `/${encodeURIComponent(connection.database ?? 'postgres')}`;
  return url.toString();
}
