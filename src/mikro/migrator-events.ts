import type { MigratorEvent, UmzugMigration } from '@mikro-orm/core';

/** A listener of MikroORM's migrator events. */
export type MigratorListener = (event: UmzugMigration) => void | Promise<void>;

/**
 * The `on`/`off` events of MikroORM's migrator API (`migrating`, `migrated`, `reverting`,
 * `reverted`), fired around each revision with `{ name: '<id> <message>', path }`. Listeners run in
 * order and are not awaited (the revision runs on the locked connection meanwhile); a listener that
 * throws or rejects is reported through `onError`, never breaking the run.
 *
 * @example
 * ```ts
 * const events = new MigratorEvents((e) => console.error(e));
 * events.on('migrated', ({ name }) => console.log(`applied ${name}`));
 * events.emit('migrated', { name: '1a2b3c4d5e6f Add user role' });
 * ```
 */
export class MigratorEvents {
  private readonly listeners = new Map<MigratorEvent, MigratorListener[]>();

  constructor(private readonly onError: (error: unknown) => void) {}

  /** Adds a listener. */
  on(event: MigratorEvent, listener: MigratorListener): void {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
  }

  /** Removes a listener (every registration of it). */
  off(event: MigratorEvent, listener: MigratorListener): void {
    this.listeners.set(
      event,
      (this.listeners.get(event) ?? []).filter((l) => l !== listener),
    );
  }

  /** Whether anything listens to `event`. */
  has(event: MigratorEvent): boolean {
    return (this.listeners.get(event)?.length ?? 0) > 0;
  }

  /** Calls the listeners of `event`. */
  emit(event: MigratorEvent, payload: UmzugMigration): void {
    for (const listener of this.listeners.get(event) ?? []) {
      try {
        const result = listener(payload);
        if (result instanceof Promise) result.catch(this.onError);
      } catch (error) {
        this.onError(error);
      }
    }
  }
}
