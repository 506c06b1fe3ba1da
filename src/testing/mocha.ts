import { MigrationEnvironment } from '../runtime/migration-environment';
import { MigrationTestKit, type MigrationTestKitOptions, type StairwaySession } from './migration-test-kit';

/** The part of mocha's BDD interface this helper uses (so the package needs no mocha typings). */
interface MochaContext {
  skip(): never;
  timeout(ms: number): void;
}
type Hook = (fn: (this: MochaContext) => Promise<void> | void) => void;
type Test = (title: string, fn: (this: MochaContext) => Promise<void> | void) => void;
interface MochaGlobals {
  describe(title: string, fn: () => void): void;
  it: Test;
  before: Hook;
  after: Hook;
}

/** Options of {@link describeMigrations}: the kit's options, and which checks to leave out. */
export interface DescribeMigrationsOptions extends MigrationTestKitOptions {
  /** Checks to skip, e.g. `['noTrace']` while a legacy revision still leaks. */
  readonly skip?: readonly ('singleHead' | 'upgradeFromEmpty' | 'stairway' | 'noTrace' | 'modelsMatch' | 'lint')[];
  /** Per-test timeout in ms (default 60 000). */
  readonly timeoutMs?: number;
}

/**
 * Adds the migration checks to a mocha suite: one test per check, and one per revision for the
 * stairway (so a report names the revision that broke).
 *
 * @example
 * ```ts
 * // test/migrations.test.ts
 * import { describeMigrations } from 'mikro-orm-alembic/testing';
 *
 * import config from '../mikro-orm.config';
 *
 * describeMigrations('migrations', {
 *   path: 'migrations',
 *   orm: config,                       // adds the drift check
 *   dataHooks: {
 *     '3f2a9c1d': {
 *       before: (db) => db.query(`insert into "user" (name) values ('ann')`),
 *       after: async (db) => {
 *         const rows = await db.query<{ role: string }>(`select role from "user"`);
 *         if (rows[0].role !== 'user') throw new Error(`role is ${rows[0].role}`);
 *       },
 *     },
 *   },
 * });
 * ```
 */
export function describeMigrations(title: string, options: DescribeMigrationsOptions = {}): void {
  const { describe, it, before, after } = globalThis as unknown as MochaGlobals;
  if (typeof describe !== 'function') throw new Error('describeMigrations must be called inside a mocha test file');
  const skip = new Set(options.skip ?? []);
  const timeout = options.timeoutMs ?? 60_000;
  const environment = options.environment ?? new MigrationEnvironment(options);

  describe(title, () => {
    let kit: MigrationTestKit | undefined;
    const theKit = (): MigrationTestKit => kit!;
    before(async function () {
      kit = await MigrationTestKit.open({ ...options, environment });
    });
    after(async function () {
      await kit?.close();
    });

    it('the revision graph loads (no cycle, duplicate or missing revision)', function () {
      theKit().assertGraphValid();
    });
    if (!skip.has('singleHead')) {
      it('has a single head', function () {
        theKit().assertSingleHead();
      });
    }
    if (!skip.has('lint')) {
      it('every revision passes the lock lint, or acknowledges its findings', async function () {
        this.timeout(timeout);
        await theKit().assertLintClean();
      });
    }
    if (!skip.has('upgradeFromEmpty')) {
      it('upgrades an empty database to heads', async function () {
        this.timeout(timeout);
        await theKit().assertUpgradeFromEmpty();
      });
    }

    if (options.orm !== undefined && !skip.has('modelsMatch')) {
      it('the entities match the schema the revisions produce (no drift)', async function () {
        this.timeout(timeout);
        await theKit().assertModelsMatchMigrations();
      });
    }

    if (!skip.has('stairway')) {
      let order: readonly string[] = [];
      try {
        order = environment.graph.planUpgrade([], 'heads').revisions;
      } catch {
        // the graph test above reports it
      }
      describe('stairway: up, down and up again, revision by revision', () => {
        let session: StairwaySession | undefined;
        let broken = false;
        before(async function () {
          this.timeout(timeout);
          session = theKit().stairwaySession();
          await session.open();
        });
        after(async function () {
          await session?.close();
        });
        for (const id of order) {
          const script = environment.scripts.get(id);
          it(`${id} ${script?.message ?? ''}`.trim(), async function () {
            if (broken) this.skip();
            this.timeout(timeout);
            try {
              await session!.step(id);
            } catch (e) {
              broken = true;
              throw e;
            }
          });
        }
        it('all the way down to base (or the irreversible floor) and up again', async function () {
          if (broken) this.skip();
          this.timeout(timeout * 2);
          await session!.roundTrip();
        });
      });
    }

    if (!skip.has('noTrace')) {
      it('every downgrade leaves no trace of its upgrade', async function () {
        this.timeout(timeout * 4);
        await theKit().assertDowngradeLeavesNoTrace();
      });
    }
  });
}
