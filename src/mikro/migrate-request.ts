import type { MigrateOptions } from '@mikro-orm/core';
import type { RevisionGraph } from '../graph/revision-graph';
import { FromMismatchError, UnsupportedMigrateOptionError } from './errors';
import { targetOfName } from './revision-name';

/** What MikroORM's migrator API accepts in `up()`/`down()`. */
export type MigrateInput = string | readonly string[] | MigrateOptions | undefined;

/** One run: an Alembic target, or exactly some revisions (`--only`). */
export type MigrateRequest =
  | { readonly kind: 'target'; readonly target: string }
  | { readonly kind: 'exactly'; readonly revisions: readonly string[] };

/**
 * MikroORM's `up()`/`down()` arguments (what `migration:up`/`migration:down` pass) as one run of the
 * runtime, from the database's current heads:
 *
 * | MikroORM                    | up                               | down                               |
 * |-----------------------------|----------------------------------|------------------------------------|
 * | nothing, `{}`               | `head`                           | `-1`                               |
 * | `{ to: t }`, a string `t`   | `t` (any target)                 | `t` (any target; `t` stays applied)|
 * | `{ to: 0 }`, `-t 0`         | `head` (MikroORM: "the latest")  | `base`                             |
 * | `{ migrations: [a, b] }`, an array, `--only a,b` | exactly `a` and `b`; refused (`NOT_APPLICABLE`) when they need other unapplied revisions or one is applied | exactly `a` and `b`; refused when an applied revision builds on them or one is not applied |
 * | `{ from: f }`, `--from f`   | precondition: the database must be exactly at `f` (else `FromMismatchError`) | same |
 * | `{ transaction }`           | refused: revisions run on the plugin's own locked connection | same |
 *
 * A name copied from `migration:list` (`<id> <message>`) counts as its id. Unlike umzug, `down -t X`
 * keeps `X` applied (Alembic's `downgrade X`).
 *
 * @example
 * ```ts
 * import { migrateRequest } from 'mikro-orm-alembic';
 *
 * migrateRequest('up', {}, graph, []);                       // { kind: 'target', target: 'head' }
 * migrateRequest('down', { to: 0 }, graph, ['b2']);          // { kind: 'target', target: 'base' }
 * migrateRequest('up', { migrations: ['a1'] }, graph, []);   // { kind: 'exactly', revisions: ['a1'] }
 * ```
 */
export function migrateRequest(
  direction: 'up' | 'down',
  input: MigrateInput,
  graph: RevisionGraph,
  current: readonly string[],
): MigrateRequest {
  if (typeof input === 'string') return target(targetOfName(input));
  if (isStringArray(input)) return exactly(input, graph);
  const options: MigrateOptions = input ?? {};
  if (options.transaction !== undefined) {
    throw new UnsupportedMigrateOptionError(
      'transaction',
      "The transaction option is not supported: revisions run on the plugin's own connection, which holds the migration lock.",
    );
  }
  if (options.from !== undefined && options.from !== '') checkFrom(String(options.from), graph, current);
  const hasTo = options.to !== undefined && options.to !== '';
  if (options.migrations !== undefined && options.migrations.length > 0) {
    if (hasTo) throw new UnsupportedMigrateOptionError('migrations', '--only cannot be combined with --to: pass one of them.');
    return exactly(options.migrations, graph);
  }
  if (!hasTo) return target(direction === 'up' ? 'head' : '-1');
  if (options.to === 0 || options.to === '0') return target(direction === 'up' ? 'head' : 'base');
  return target(targetOfName(String(options.to)));
}

function target(t: string): MigrateRequest {
  return Object.freeze({ kind: 'target' as const, target: t });
}

function isStringArray(input: MigrateInput): input is readonly string[] {
  return Array.isArray(input);
}

function checkFrom(from: string, graph: RevisionGraph, current: readonly string[]): void {
  const expected = graph.resolve(targetOfName(from)).filter((id) => id !== 'base');
  const same = expected.length === current.length && expected.every((id) => current.includes(id));
  if (!same) throw new FromMismatchError(from, expected, current);
}

/** `--only a,b`: the named revisions (ids, prefixes, labels, `<id> <message>` names). */
function exactly(names: readonly string[], graph: RevisionGraph): MigrateRequest {
  const ids = new Set<string>();
  for (const name of names.flatMap((n) => n.split(',')).filter((n) => n.trim() !== '')) {
    for (const id of graph.resolve(targetOfName(name))) if (id !== 'base') ids.add(id);
  }
  if (ids.size === 0) throw new UnsupportedMigrateOptionError('migrations', '--only names no revision.');
  return Object.freeze({ kind: 'exactly' as const, revisions: Object.freeze([...ids]) });
}
