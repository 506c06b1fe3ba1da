import type { MigrateOptions } from '@mikro-orm/core';
import { FromMismatchError, UnsupportedMigrateOptionError } from './errors';
import type { MigrationNames } from './migration-names';

/** What MikroORM's migrator API accepts in `up()`/`down()`. */
export type MigrateInput = string | readonly string[] | MigrateOptions | undefined;

/**
 * One run: an Alembic target, or exactly some revisions. `named` is the revision a string passed to
 * `up()` named: the run also applies its unapplied ancestors, which the result marks.
 */
export type MigrateRequest =
  | { readonly kind: 'target'; readonly target: string; readonly named?: string }
  | { readonly kind: 'exactly'; readonly revisions: readonly string[] };

/**
 * MikroORM's `up()`/`down()` arguments (what `migration:up`/`migration:down` pass) as one run of the
 * runtime, from the database's current heads. A migration is named by its id, its file name (with or
 * without extension) or as `migration:list` shows it (see {@link MigrationNames}).
 *
 * | MikroORM                    | up                               | down                               |
 * |-----------------------------|----------------------------------|------------------------------------|
 * | nothing, `{}`               | `head`                           | `-1`                               |
 * | a string `x` (one name)     | `x` and its unapplied ancestors (MikroORM: `x` only) | exactly `x` (refused while an applied revision builds on it) |
 * | `{ to: t }`, `-t t`         | `t` (any Alembic target)         | `t` (any target; `t` stays applied, MikroORM reverts it too) |
 * | `{ to: 0 }`, `-t 0`         | `head` (MikroORM: "the latest")  | `base`                             |
 * | `{ migrations: [a, b] }`, an array, `--only a,b` | exactly `a` and `b`; refused (`NOT_APPLICABLE`) when they need other unapplied revisions or one is applied | exactly `a` and `b`; refused when an applied revision builds on them or one is not applied |
 * | `{ from: f }`, `--from f`   | precondition: the database must be exactly at `f` (else `FromMismatchError`) | same |
 * | `{ transaction }`           | refused: revisions run on the plugin's own locked connection | same |
 *
 * @example
 * ```ts
 * import { MigrationNames, migrateRequest } from 'mikro-orm-alembic';
 *
 * const names = new MigrationNames(graph, scripts);
 * migrateRequest('up', {}, names, []);                       // { kind: 'target', target: 'head' }
 * migrateRequest('down', { to: 0 }, names, ['b2']);          // { kind: 'target', target: 'base' }
 * migrateRequest('down', 'b2_add_posts', names, ['b2']);     // { kind: 'exactly', revisions: ['b2'] }
 * migrateRequest('up', { migrations: ['a1'] }, names, []);   // { kind: 'exactly', revisions: ['a1'] }
 * ```
 */
export function migrateRequest(
  direction: 'up' | 'down',
  input: MigrateInput,
  names: MigrationNames,
  current: readonly string[],
): MigrateRequest {
  if (typeof input === 'string') {
    if (direction === 'down') return exactly([input], names, 'down');
    const named = names.find(input);
    if (named !== undefined) return Object.freeze({ kind: 'target' as const, target: named, named });
    return target(names.target(input));
  }
  if (isStringArray(input)) return exactly(input, names, 'migrations');
  const options: MigrateOptions = input ?? {};
  if (options.transaction !== undefined) {
    throw new UnsupportedMigrateOptionError(
      'transaction',
      "The transaction option is not supported: revisions run on the plugin's own connection, which holds the migration lock.",
    );
  }
  if (options.from !== undefined && options.from !== '') checkFrom(String(options.from), names, current);
  const hasTo = options.to !== undefined && options.to !== '';
  if (options.migrations !== undefined && options.migrations.length > 0) {
    if (hasTo) throw new UnsupportedMigrateOptionError('migrations', '--only cannot be combined with --to: pass one of them.');
    return exactly(options.migrations, names, 'migrations');
  }
  if (!hasTo) return target(direction === 'up' ? 'head' : '-1');
  if (options.to === 0 || options.to === '0') return target(direction === 'up' ? 'head' : 'base');
  return target(names.target(String(options.to)));
}

function target(t: string): MigrateRequest {
  return Object.freeze({ kind: 'target' as const, target: t });
}

function isStringArray(input: MigrateInput): input is readonly string[] {
  return Array.isArray(input);
}

function checkFrom(from: string, names: MigrationNames, current: readonly string[]): void {
  const expected = names.graph.resolve(names.target(from)).filter((id) => id !== 'base');
  const same = expected.length === current.length && expected.every((id) => current.includes(id));
  if (!same) throw new FromMismatchError(from, expected, current);
}

/** `--only a,b`, an array, a string given to `down()`: exactly the named revisions (exact names only). */
function exactly(list: readonly string[], names: MigrationNames, option: string): MigrateRequest {
  const ids = new Set<string>();
  const parts = list.flatMap((n) => (names.find(n) !== undefined ? [n] : n.split(',')));
  for (const name of parts.filter((n) => n.trim() !== '')) ids.add(names.revision(name, option));
  if (ids.size === 0) throw new UnsupportedMigrateOptionError('migrations', '--only names no revision.');
  return Object.freeze({ kind: 'exactly' as const, revisions: Object.freeze([...ids]) });
}
