/** A MikroORM migration class, as far as adopt needs to know it. */
export interface MigrationClass {
  new (driver: unknown, config: unknown): object;
  readonly name: string;
  readonly prototype: { up?: unknown; down?: unknown; isTransactional?: unknown };
}

/**
 * The migration class of a module, chosen as MikroORM 6's `Migrator.resolve` chooses it: the first
 * exported value that is a function. `undefined` when there is none.
 *
 * @example
 * ```ts
 * const cls = findMigrationClass(require('./migrations/Migration20240312101500'));
 * ```
 */
export function findMigrationClass(exported: unknown): MigrationClass | undefined {
  if (exported === null || (typeof exported !== 'object' && typeof exported !== 'function')) return undefined;
  const found = Object.values(exported as Record<string, unknown>).find((value) => typeof value === 'function');
  return found as MigrationClass | undefined;
}

/**
 * MikroORM's `Migration` base class among the ancestors of `cls` (from whichever copy of
 * `@mikro-orm/migrations` the file imported): the first ancestor whose prototype itself defines
 * `addSql`, `getQueries` and `isTransactional`. `undefined` when `cls` does not extend it.
 *
 * @example
 * ```ts
 * const base = migrationBaseOf(cls);
 * const irreversible = base !== undefined && cls.prototype.down === base.prototype.down;
 * ```
 */
export function migrationBaseOf(cls: MigrationClass): MigrationClass | undefined {
  let current: unknown = Object.getPrototypeOf(cls);
  while (typeof current === 'function' && current !== Function.prototype) {
    const proto = (current as { prototype?: unknown }).prototype;
    if (typeof proto === 'object' && proto !== null) {
      const own = (key: string) => Object.prototype.hasOwnProperty.call(proto, key);
      if (own('addSql') && own('getQueries') && own('isTransactional')) return current as MigrationClass;
    }
    current = Object.getPrototypeOf(current);
  }
  return undefined;
}
