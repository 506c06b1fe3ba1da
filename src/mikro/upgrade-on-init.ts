import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { MikroORM } from '@mikro-orm/core';
import type { EnvironmentOptions } from '../runtime/migration-environment';
import { describeHolders } from '../runtime/errors';
import type { AlembicOptions } from './alembic-options';
import { alembicMigrator } from './alembic-migrator-of';
import { connectionFromConfig } from './orm-connection';
import { UpgradeOnInitTenantsError } from './errors';

/**
 * The environment variable that turns `upgradeOnInit` off for one run (`0`, `false`, `no`, `off`).
 *
 * @example
 * ```ts
 * // MIKRO_ORM_ALEMBIC_UPGRADE_ON_INIT=0 node dist/scripts/backfill.js
 * process.env[UPGRADE_ON_INIT_ENV] = '0'; // before MikroORM.init, in a one-off script
 * ```
 */
export const UPGRADE_ON_INIT_ENV = 'MIKRO_ORM_ALEMBIC_UPGRADE_ON_INIT';

const OFF = new Set(['0', 'false', 'no', 'off']);

/** What `upgradeOnInit` asks for, resolved: the target and the lock timeouts of that upgrade. */
export interface UpgradeOnInitPlan {
  readonly target: string;
  /** How long to wait for the migration lock (`undefined`: the plugin's `lockTimeoutMs`, else 60 000). */
  readonly lockTimeoutMs: number | undefined;
  /** `lock_timeout` of the revisions (`undefined`: the plugin's `statementLockTimeoutMs`, else the runtime's 2 s). */
  readonly statementLockTimeoutMs: number | undefined;
  /** Schema-per-tenant: the tenant schema this instance upgrades (`undefined`: none, the database). */
  readonly schema: string | undefined;
  /** Schema-per-tenant: upgrade every target of the plugin's `tenants` function, `concurrency` at a time. */
  readonly tenants: boolean;
  readonly concurrency: number | undefined;
}

/**
 * The upgrade `upgradeOnInit` asks for, or `undefined` when there is none: the option is unset or
 * `false`, or `MIKRO_ORM_ALEMBIC_UPGRADE_ON_INIT` is `0`/`false`/`no`/`off`.
 *
 * @example
 * ```ts
 * upgradeOnInitPlan({ upgradeOnInit: true });                                   // { target: 'head', ... }
 * upgradeOnInitPlan({ upgradeOnInit: { target: 'heads', lockTimeoutMs: 120_000 } });
 * upgradeOnInitPlan({ upgradeOnInit: true }, { MIKRO_ORM_ALEMBIC_UPGRADE_ON_INIT: '0' }); // undefined
 * ```
 */
export function upgradeOnInitPlan(options: AlembicOptions, env: NodeJS.ProcessEnv = process.env): UpgradeOnInitPlan | undefined {
  const option = options.upgradeOnInit;
  if (option === undefined || option === false || option === '') return undefined;
  if (OFF.has((env[UPGRADE_ON_INIT_ENV] ?? '').trim().toLowerCase())) return undefined;
  const object = typeof option === 'object' && option !== null ? option : {};
  const target = option === true ? 'head' : typeof option === 'string' ? option : (object.target ?? 'head');
  return Object.freeze({
    target,
    lockTimeoutMs: object.lockTimeoutMs ?? options.lockTimeoutMs,
    statementLockTimeoutMs: object.statementLockTimeoutMs ?? options.statementLockTimeoutMs,
    schema: object.schema ?? options.schema,
    tenants: object.tenants === true,
    concurrency: object.concurrency,
  });
}

/**
 * The `application_name` of the upgrading connection: what another instance waiting for the lock
 * (and `pg_stat_activity`) shows. At most 63 bytes (PostgreSQL's limit), printable ASCII.
 *
 * @example
 * ```ts
 * upgradeOnInitApplicationName(); // 'mikro-orm-alembic init pid 4242 on web-7d9f8'
 * ```
 */
export function upgradeOnInitApplicationName(pid: number = process.pid, host: string = hostname()): string {
  return `mikro-orm-alembic init pid ${pid} on ${host}`.replace(/[^\x20-\x7e]/g, '?').slice(0, 63);
}

/** Where the upgrade's lines go: MikroORM's logger, namespace `migrator`. */
interface InitLog {
  info(message: string): void;
  debug(message: string): void;
  warn(message: string): void;
}

function initLog(orm: MikroORM): InitLog {
  const logger = orm.config.getLogger();
  const silent = orm.config.get('migrations').silent === true;
  return {
    // shown by default, like MikroORM's own migrator; `migrations.silent: true` hides them
    info: (message) => logger.log('migrator', message, { enabled: !silent }),
    // shown with `debug: true` or `debug: ['migrator']`
    debug: (message) => logger.log('migrator', message),
    warn: (message) => logger.warn('migrator', message, { enabled: true }),
  };
}

/**
 * Called from the extension's `register(orm)` inside `MikroORM.init`: starts the upgrade
 * `upgradeOnInit` asks for and makes `init` wait for it.
 *
 * MikroORM calls `register` synchronously and does not await it, but `MikroORM.init` is an `async`
 * function that ends with `return orm` right after the `register` calls, and an async function's
 * promise adopts a returned thenable: it calls the value's `then(resolve, reject)` in a microtask. So
 * the upgrade is started here and the ORM gets an own, non-enumerable `then` that waits for it,
 * deletes itself (the ORM must not stay thenable) and resolves with the ORM — or closes the ORM's
 * connections and rejects with the upgrade's error. Everything that awaits `init`'s promise (an
 * `await`, `.then`, `PostgreSqlMikroORM.init`, NestJS's provider factory) therefore waits too.
 *
 * Nothing happens when the ORM does not connect in `init` (`connect: false`: MikroORM's CLI, lazy
 * start-ups) or when there is no plan (see {@link upgradeOnInitPlan}). `MikroORM.initSync` does not
 * connect either: it gets a warning and no upgrade.
 *
 * @internal
 * @example
 * ```ts
 * // what alembic({...}).register does
 * register: (orm) => {
 *   AlembicMigrator.register(orm, options);
 *   startUpgradeOnInit(orm, options);
 * }
 * ```
 */
export function startUpgradeOnInit(orm: MikroORM, options: AlembicOptions): void {
  const plan = upgradeOnInitPlan(options);
  if (plan === undefined || orm.config.get('connect') === false) return;
  const log = initLog(orm);
  if (!isConnected(orm)) {
    log.warn(
      'upgradeOnInit is set, but this ORM was started without connecting (MikroORM.initSync): nothing is upgraded. ' +
        'Use `await MikroORM.init(config)`, or run `npx mikro-orm migration:up` before starting.',
    );
    return;
  }
  if (Object.prototype.hasOwnProperty.call(orm, 'then')) return; // registered twice: one upgrade is enough
  const ensure = orm.config.get('ensureDatabase');
  if (typeof ensure === 'object' && ensure !== null && ensure.create) {
    log.warn(
      "ensureDatabase: { create: true } creates the entities' tables when it creates the database, and then the revisions " +
        'that create them fail: with upgradeOnInit, leave ensureDatabase at true (it creates an empty database)',
    );
  }

  const upgrade = runUpgrade(orm, plan, log, options);
  upgrade.catch(() => undefined); // handled by `then` below (or reported by the fallback)
  let adopted = false;
  Object.defineProperty(orm, 'then', {
    configurable: true,
    enumerable: false,
    writable: true,
    value: function then(onFulfilled?: (value: MikroORM) => unknown, onRejected?: (reason: unknown) => unknown): Promise<unknown> {
      adopted = true;
      delete (orm as { then?: unknown }).then; // before resolving with the ORM: it must not be a thenable then
      const settled = upgrade.then(
        () => orm,
        async (error: unknown) => {
          await orm.close(true).catch(() => undefined);
          throw error;
        },
      );
      return settled.then(onFulfilled, onRejected);
    },
  });
  // `init` calls `then` in the microtask after `return orm`. If it did not (an unexpected path), the
  // ORM must not stay thenable; the upgrade still finishes under the lock.
  setImmediate(() => {
    if (adopted) return;
    delete (orm as { then?: unknown }).then;
    log.warn('upgradeOnInit: MikroORM.init did not hand this ORM out; the upgrade goes on without the start-up waiting for it');
    upgrade.catch((error: unknown) => log.warn(`upgradeOnInit failed: ${error instanceof Error ? error.message : String(error)}`));
  });
}

/** Whether MikroORM connected during `init` (`initSync` does not). */
function isConnected(orm: MikroORM): boolean {
  return (orm.config.getDriver().getConnection() as unknown as { connected?: unknown }).connected === true;
}

async function runUpgrade(orm: MikroORM, plan: UpgradeOnInitPlan, log: InitLog, options: AlembicOptions): Promise<unknown> {
  await Promise.resolve(); // after every extension's register: the last registered migrator wins
  const migrator = alembicMigrator(orm);
  const env = migrator.environment;
  const overrides: Partial<EnvironmentOptions> = {
    applicationName: upgradeOnInitApplicationName(),
    onWait: (info) =>
      log.info(
        `Waiting for the migration lock on ${info.lock}, held by ${describeHolders(info.holders)}` +
          (Number.isFinite(info.timeoutMs) ? ` (for at most ${info.timeoutMs} ms)` : ''),
      ),
    log: { info: (message) => log.debug(message), warn: (message) => log.warn(message), notice: (message) => log.info(message) },
    // only what is set: an `undefined` would hide the plugin's own setting
    ...(plan.lockTimeoutMs === undefined ? {} : { lockTimeoutMs: plan.lockTimeoutMs }),
    ...(plan.statementLockTimeoutMs === undefined ? {} : { statementLockTimeoutMs: plan.statementLockTimeoutMs }),
    // the tenant this instance serves (the plugin's `schema` is the environment's already)
    ...(plan.schema === undefined ? {} : { schema: plan.schema }),
  };
  if (plan.tenants) return upgradeTenants(orm, plan, log, options, overrides);
  const runtime = env.runtime(connectionFromConfig(orm.config), overrides);

  const started = performance.now();
  let total = 0;
  let done = 0;
  const result = await runtime.upgrade(plan.target, {
    onRevisionStart: (_id, index, count) => {
      if (index === 0) {
        total = count;
        log.info(`Upgrading the database to ${plan.target} on start-up: ${count} revision(s) to apply`);
      }
    },
    onRevisionDone: (id, ms) => {
      done += 1;
      const message = env.scripts.get(id)?.message;
      log.info(`Applied ${id}${message ? ` ${message}` : ''} (${formatMs(ms)}) [${done}/${total}]`);
    },
  });
  if (result.ran.length > 0) {
    log.info(
      `Database at ${plan.target} (${result.headsAfter.join(', ')}): ${result.ran.length} revision(s) applied in ${formatMs(performance.now() - started)}`,
    );
  }
  return result;
}

/**
 * `upgradeOnInit: { tenants: true }`: every target of the plugin's `tenants` function upgraded to the
 * plan's target through the fan-out runner, each in its own schema (its version table, its lock), at
 * most `concurrency` at a time. A failing tenant does not stop the others; once all are done, `init`
 * throws a `FanoutFailedError` naming the tenants that failed.
 */
async function upgradeTenants(
  orm: MikroORM,
  plan: UpgradeOnInitPlan,
  log: InitLog,
  options: AlembicOptions,
  overrides: Partial<EnvironmentOptions>,
): Promise<unknown> {
  if (options.tenants === undefined) {
    throw new UpgradeOnInitTenantsError();
  }
  /* eslint-disable @typescript-eslint/no-require-imports -- the fan-out is loaded only by apps that use it */
  const { runFanout } = require('../fanout/fanout-runner') as typeof import('../fanout/fanout-runner');
  const { tenantTargets } = require('../fanout/target-sources') as typeof import('../fanout/target-sources');
  const { FanoutFailedError } = require('../fanout/errors') as typeof import('../fanout/errors');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const env = alembicMigrator(orm).environment;
  const targets = await tenantTargets(options.tenants, connectionFromConfig(orm.config));
  const started = performance.now();
  log.info(`Upgrading ${targets.length} tenant(s) to ${plan.target} on start-up`);
  const result = await runFanout({
    targets,
    command: { kind: 'upgrade', target: plan.target },
    graph: env.graph,
    concurrency: plan.concurrency,
    runtimeFor: (planned) =>
      env.runtime(planned.connection, {
        ...overrides,
        // each target is its own: a schema target in its schema, a database target in the configured table
        schema: planned.target.schema,
        ...(planned.target.schema === undefined ? {} : { createSchema: options.createSchema === true }),
      }),
    listener: {
      onTargetDone: (target) => {
        if (target.status === 'ok' && target.ran.length > 0) log.info(`Tenant ${target.name}: ${target.ran.length} revision(s) applied (${formatMs(target.durationMs)})`);
        if (target.status === 'failed') log.warn(`Tenant ${target.name} failed: ${target.error?.message ?? 'unknown error'}`);
      },
    },
  });
  const failed = result.targets.filter((t) => t.status !== 'ok').map((t) => t.name);
  if (failed.length > 0) throw new FanoutFailedError(failed, result.targets.length, `upgradeOnInit ${plan.target}`);
  log.info(`${targets.length} tenant(s) at ${plan.target} in ${formatMs(performance.now() - started)}`);
  return result;
}

function formatMs(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}
