import type { MigratorEvent, UmzugMigration } from '@mikro-orm/core';

/** A listener of MikroORM's migrator events. */
export type MigratorListener = (event: UmzugMigration) => void | Promise<void>;

/**
 * The `on`/`off` events of MikroORM's migrator API (`migrating`, `migrated`, `reverting`,
 * `reverted`), fired around each revision with umzug's payload `{ name, path, context }` (plus
 * `revision`). As in MikroORM (umzug emits through Emittery), the listeners of an event run together
 * and the run waits for all of them before it goes on: an async `migrating` listener finishes before
 * the revision starts. Unlike MikroORM, a listener that throws or rejects is reported through
 * `onError` and does not fail the run (a `migrated` revision is already committed; failing the call
 * would suggest otherwise).
 *
 * @example
 * ```ts
 * const events = new MigratorEvents((e) => console.error(e));
 * events.on('migrated', ({ name }) => console.log(`applied ${name}`));
 * await events.emit('migrated', { name: '1a2b3c4d5e6f Add user role' });
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

  /** Calls the listeners of `event`; resolves when all of them have (never rejects). */
  async emit(event: MigratorEvent, payload: UmzugMigration): Promise<void> {
    const running = (this.listeners.get(event) ?? []).map(async (listener) => listener(payload));
    for (const outcome of await Promise.allSettled(running)) {
      if (outcome.status === 'rejected') this.onError(outcome.reason);
    }
  }
}
