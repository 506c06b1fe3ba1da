/**
 * The root of every error this package throws on purpose.
 *
 * Each subclass carries a stable, machine-readable `code` (e.g. `MULTIPLE_HEADS`) that callers
 * and tests can rely on; the message is for people and may be reworded.
 *
 * @example
 * ```ts
 * try {
 *   graph.resolve('head');
 * } catch (e) {
 *   if (e instanceof AlembicError && e.code === 'MULTIPLE_HEADS') console.error(e.message);
 * }
 * ```
 */
export class AlembicError extends Error {
  /** A stable identifier of the kind of failure. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}
