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

/**
 * A native enum type must be rebuilt (a value removed, values reordered) but the database has objects
 * the rebuild cannot carry along: a function or domain using the type, a materialized view, a
 * trigger or policy on one of its columns, a generated column, or an index, constraint or view whose
 * definition uses a value the revision removes. Raised when the revision is generated, before
 * anything is written. Code `ENUM_REBUILD_BLOCKED`; `blockers` names each object.
 *
 * @example
 * ```ts
 * try {
 *   await autogenerate(orm);
 * } catch (e) {
 *   if (e instanceof EnumRebuildBlockedError) console.error(e.type, e.blockers); // 'user_role', ['materialized view role_counts']
 * }
 * ```
 */
export class EnumRebuildBlockedError extends AlembicError {
  /** The type (`user_role`, `app.user_role`). */
  readonly type: string;
  /** One description per object in the way. */
  readonly blockers: readonly string[];

  constructor(type: string, blockers: readonly string[], why: string) {
    super(
      'ENUM_REBUILD_BLOCKED',
      `enum type ${type} must be rebuilt (${why}), but the rebuild cannot keep: ${blockers.join('; ')}. ` +
        'Drop or change these objects in an earlier revision (and re-create them after), then generate again.',
    );
    this.type = type;
    this.blockers = Object.freeze([...blockers]);
  }
}

/**
 * `AutogenOptions.enumRenames` declares a rename that does not fit the model and the database: the
 * old type or value does not exist, the new one is not in the model, or it already exists. Code
 * `ENUM_RENAME_INVALID`.
 *
 * @example
 * ```ts
 * try {
 *   await autogenerate(orm, { enumRenames: { values: { user_role: { usr: 'member' } } } });
 * } catch (e) {
 *   if (e instanceof InvalidEnumRenameError) console.error(e.message); // ... 'usr' is not a value of user_role ...
 * }
 * ```
 */
export class InvalidEnumRenameError extends AlembicError {
  constructor(detail: string) {
    super('ENUM_RENAME_INVALID', `enumRenames: ${detail}`);
  }
}

/**
 * Schema-per-tenant autogenerate would have written the template schema's name (or a table of `public`
 * where only the template's objects may appear) into the revision, which then would not run in other
 * tenant schemas. Nothing was written. Code `TEMPLATE_SCHEMA_LEAK`: a case autogenerate does not cover
 * (write that step by hand, unqualified).
 *
 * @example
 * ```ts
 * try {
 *   await autogenerate(orm, { templateSchema: 'tenant_template' });
 * } catch (e) {
 *   if (e instanceof TemplateSchemaLeakError) console.error(e.line);
 * }
 * ```
 */
export class TemplateSchemaLeakError extends AlembicError {
  /** The template schema. */
  readonly template: string;
  /** The line of the revision that named it. */
  readonly line: string;

  constructor(template: string, line: string) {
    super(
      'TEMPLATE_SCHEMA_LEAK',
      `autogenerate for tenant schemas would write a schema name into the revision (template schema ${JSON.stringify(template)}): ` +
        `${line.replace(/\u0000/g, '')}; nothing was written. Write this step by hand, without a schema name`,
    );
    this.template = template;
    this.line = line;
  }
}
