/**
 * A child "app" of the lifecycle tests (compiled by `build.ts`, run with plain `node`): it starts
 * MikroORM with the plugin's `upgradeOnInit`, the way an app's `main.ts` would, and reports on stdout,
 * one JSON object a line:
 *
 * - `{ ev: 'loaded' }` once its modules are loaded;
 * - then, when `waitForGo` is set, it waits for a `go` line on stdin (the start barrier);
 * - `{ ev: 'init' }` right before `MikroORM.init`;
 * - `{ ev: 'log', line }` for each line MikroORM's logger writes;
 * - `{ ev: 'started', ms, thenable }` when `init` resolved (the database is at the target), after
 *   one query through the ORM; or `{ ev: 'failed', error }` when it rejected (exit code 1).
 *
 * Its settings come as JSON in the environment variable `LIFECYCLE_APP` ({@link AppSettings}).
 */
import { createInterface } from 'node:readline';
import { EntitySchema, MikroORM as CoreMikroORM, type Options } from '@mikro-orm/core';
import { MikroORM as PostgreSqlMikroORM, PostgreSqlDriver } from '@mikro-orm/postgresql';
import { alembic, type AlembicOptions } from '../../../src';

/** What the parent tells a child app. */
export interface AppSettings {
  readonly url: string;
  /** The compiled revisions. */
  readonly path: string;
  readonly upgradeOnInit: AlembicOptions['upgradeOnInit'];
  readonly lockTimeoutMs?: number;
  readonly statementLockTimeoutMs?: number;
  /** Which `init`: `@mikro-orm/core`'s `MikroORM.init` (with `driver`) or `@mikro-orm/postgresql`'s. Default `core`. */
  readonly init?: 'core' | 'postgresql';
  /** Wait for a `go` line on stdin before starting. */
  readonly waitForGo?: boolean;
}

/** What a child app reports. */
export type AppEvent =
  | { ev: 'loaded'; pid: number }
  | { ev: 'init'; pid: number }
  | { ev: 'log'; line: string }
  | { ev: 'started'; ms: number; thenable: boolean }
  | { ev: 'failed'; ms: number; error: { name: string; code: string | null; message: string; revision: string | null; statement: string | null } };

const RevLog = new EntitySchema<{ n: number; revision: string }>({
  name: 'RevLog',
  tableName: 'rev_log',
  properties: { n: { type: 'number', primary: true }, revision: { type: 'string' } },
});

function emit(event: AppEvent): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

async function waitForGo(): Promise<void> {
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (line.trim() === 'go') {
      lines.close();
      return;
    }
  }
  process.exit(3); // stdin closed without a go: the test runner is gone
}

async function main(): Promise<number> {
  const settings = JSON.parse(process.env.LIFECYCLE_APP ?? '{}') as AppSettings;
  emit({ ev: 'loaded', pid: process.pid });
  if (settings.waitForGo) await waitForGo();
  emit({ ev: 'init', pid: process.pid });
  const config: Options<PostgreSqlDriver> = {
    driver: PostgreSqlDriver,
    clientUrl: settings.url,
    entities: [RevLog],
    logger: (line: string) => emit({ ev: 'log', line }),
    extensions: [
      alembic({
        path: settings.path,
        upgradeOnInit: settings.upgradeOnInit,
        lockTimeoutMs: settings.lockTimeoutMs,
        statementLockTimeoutMs: settings.statementLockTimeoutMs,
      }),
    ],
  };
  const started = Date.now();
  try {
    const orm = settings.init === 'postgresql' ? await PostgreSqlMikroORM.init(config) : await CoreMikroORM.init(config);
    const ms = Date.now() - started;
    await orm.em.fork().count(RevLog); // the app works on the upgraded schema
    emit({ ev: 'started', ms, thenable: 'then' in orm });
    await orm.close();
    return 0;
  } catch (e) {
    const error = e as Error & { code?: unknown; revision?: unknown; statement?: unknown };
    emit({
      ev: 'failed',
      ms: Date.now() - started,
      error: {
        name: error?.name ?? 'Error',
        code: typeof error?.code === 'string' ? error.code : null,
        message: String(error?.message ?? e),
        revision: typeof error?.revision === 'string' ? error.revision : null,
        statement: typeof error?.statement === 'string' ? error.statement : null,
      },
    });
    return 1;
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(2);
  },
);
