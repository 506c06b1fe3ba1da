import { Configuration } from '@mikro-orm/core';
import type { TransactionMode } from '../runtime/revision-runner';

/**
 * MikroORM's default for `migrations.allOrNothing` (`true`), replaced by a truthy stand-in so that a
 * value the config sets (`true` or `false`, primitives) can be told from the default: MikroORM copies
 * its defaults into every `Configuration` and keeps no trace of what the user wrote. The stand-in is
 * truthy and serialises as `true`, so whatever else reads `allOrNothing` sees the same default.
 */
const DEFAULT_ALL_OR_NOTHING: boolean = Object(true) as boolean;

/**
 * Installs the stand-in in `Configuration.DEFAULTS` (once; before any config is built: the plugin's
 * module does it when it is imported, which a config file does before MikroORM reads it).
 */
export function markAllOrNothingDefault(): void {
  const migrations = (Configuration.DEFAULTS as { migrations?: { allOrNothing?: boolean } }).migrations;
  if (migrations !== undefined && migrations.allOrNothing === true) migrations.allOrNothing = DEFAULT_ALL_OR_NOTHING;
}

markAllOrNothingDefault();

/**
 * The transaction mode a MikroORM config asks for through `migrations.allOrNothing`, when it sets it
 * explicitly: `true` → `'all'` (one transaction for the whole run, up and down), `false` →
 * `'per-revision'`; `undefined` when it is MikroORM's default (the plugin's own default then applies:
 * one transaction per revision).
 *
 * @example
 * ```ts
 * const mode = alembicOptions.transactionMode ?? transactionModeOf(orm.config) ?? 'per-revision';
 * ```
 */
export function transactionModeOf(config: Pick<Configuration, 'get'>): TransactionMode | undefined {
  const value = (config.get('migrations') as { allOrNothing?: unknown } | undefined)?.allOrNothing;
  if (value === true) return 'all';
  if (value === false) return 'per-revision';
  return undefined;
}
