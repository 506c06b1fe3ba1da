import { AlembicError } from '../errors';

/**
 * Autogenerate was given an ORM whose platform is not PostgreSQL.
 *
 * Code `AUTOGEN_UNSUPPORTED_PLATFORM`.
 *
 * @example
 * ```ts
 * try {
 *   await autogenerate(orm);
 * } catch (e) {
 *   if (e instanceof AutogenUnsupportedPlatformError) console.error(e.platform);
 * }
 * ```
 */
export class AutogenUnsupportedPlatformError extends AlembicError {
  /** The platform class MikroORM uses (e.g. `SqlitePlatform`). */
  readonly platform: string;

  constructor(platform: string) {
    super('AUTOGEN_UNSUPPORTED_PLATFORM', `autogenerate supports PostgreSQL only; this ORM uses ${platform}`);
    this.platform = platform;
  }
}

/**
 * An operation could not be rendered as SQL (MikroORM's schema helper produced nothing for it, or
 * the operation is malformed). A bug, or an operation a pass built wrongly.
 *
 * Code `AUTOGEN_RENDER_FAILED`.
 *
 * @example
 * ```ts
 * try {
 *   await renderAutogenResult(operations, platform);
 * } catch (e) {
 *   if (e instanceof OperationRenderError) console.error(e.operationKind, e.message);
 * }
 * ```
 */
export class OperationRenderError extends AlembicError {
  /** The kind of the operation that failed. */
  readonly operationKind: string;

  constructor(operationKind: string, reason: string) {
    super('AUTOGEN_RENDER_FAILED', `cannot render a ${operationKind} operation as SQL: ${reason}`);
    this.operationKind = operationKind;
  }
}
