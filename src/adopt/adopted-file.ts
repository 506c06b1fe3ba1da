import { createHash } from 'node:crypto';
import { extname } from 'node:path';
import { tsBlockCommentLine, tsLineComment, tsDoubleQuotedLiteral } from '../script/ts-source';

/** The header line that names the MikroORM migration an adopted revision runs (how history is matched). */
export const MIKRO_ORM_HEADER_KEY = 'MikroORM migration';

/** The subfolder of the migrations folder where adopt moves MikroORM's migration classes, unchanged. */
export const ORIGINALS_FOLDER = 'mikro-orm';

/** What an adopted revision file says. */
export interface AdoptedRevisionSpec {
  /** MikroORM's name for the migration (`Migration20240312101500`): the message and the header field. */
  readonly name: string;
  /** The file name of MikroORM's migration (`Migration20240312101500.ts`); the revision gets the same. */
  readonly fileName: string;
  readonly id: string;
  readonly downRevision: string | null;
  readonly transactional: boolean;
  readonly reversible: boolean;
  /** Module specifier of `AdoptedRevision`. Default `mikro-orm-alembic`. */
  readonly importFrom?: string;
}

/**
 * The revision id adopt gives MikroORM migration `name`: the first 12 hex digits of
 * sha256(`mikro-orm-migration:<name>`), so every checkout that adopts the same folder gets the same ids.
 *
 * @example
 * ```ts
 * adoptedRevisionId('Migration20240312101500'); // always the same 12 hex digits
 * ```
 */
export function adoptedRevisionId(name: string): string {
  return createHash('sha256').update(`mikro-orm-migration:${name}`).digest('hex').slice(0, 12);
}

/**
 * The text of an adopted revision: a `.ts` file (or CommonJS for `.js`/`.cjs`, as the original is)
 * whose header keeps MikroORM's name as message and as the `MikroORM migration:` field, and whose
 * class extends `AdoptedRevision` around the original module in `mikro-orm/`.
 *
 * @example
 * ```ts
 * const text = renderAdoptedRevision({
 *   name: 'Migration20240312101500', fileName: 'Migration20240312101500.ts', id: adoptedRevisionId('Migration20240312101500'),
 *   downRevision: null, transactional: true, reversible: true,
 * });
 * ```
 */
export function renderAdoptedRevision(spec: AdoptedRevisionSpec): string {
  const ext = extname(spec.fileName);
  const ts = ext === '.ts';
  const className = classNameOf(spec.name, spec.id);
  const original = `./${ORIGINALS_FOLDER}/${ts ? spec.fileName.slice(0, -ext.length) : spec.fileName}`;
  const from = tsDoubleQuotedLiteral(spec.importFrom ?? 'mikro-orm-alembic');
  const created = createDateOf(spec.name);
  const header = [
    '/**',
    ` * ${tsBlockCommentLine(spec.name)}`,
    ' *',
    ` * Revision ID: ${spec.id}`,
    ` * Revises: ${spec.downRevision ?? ''}`,
    ...(created === null ? [] : [` * Create Date: ${created}`]),
    ` * ${MIKRO_ORM_HEADER_KEY}: ${tsBlockCommentLine(spec.name)}`,
    ' */',
  ];
  const notes = [
    `// ${tsLineComment(`Adopted from MikroORM's migrator: runs up()/down() of the class in ${original} (left as MikroORM ran it).`)}`,
    ...(spec.reversible ? [] : ['// Irreversible: the MikroORM migration has no down().']),
    ...(spec.transactional ? [] : ['// Non-transactional: its isTransactional() returns false.']),
  ];
  const down = spec.downRevision === null ? 'null' : `'${spec.downRevision}'`;
  if (ts) {
    return [
      ...header,
      `import { AdoptedRevision } from ${from};`,
      `import * as mikroOrm from ${tsDoubleQuotedLiteral(original)};`,
      '',
      ...notes,
      `export class ${className} extends AdoptedRevision {`,
      `  override readonly revision = '${spec.id}';`,
      `  override readonly downRevision = ${down};`,
      ...(spec.transactional ? [] : ['  override readonly transactional = false;']),
      '  protected override readonly mikroOrmModule: unknown = mikroOrm;',
      '}',
      '',
    ].join('\n');
  }
  return [
    "'use strict';",
    ...header,
    "Object.defineProperty(exports, '__esModule', { value: true });",
    `const { AdoptedRevision } = require(${from});`,
    `const mikroOrm = require(${tsDoubleQuotedLiteral(original)});`,
    '',
    ...notes,
    `class ${className} extends AdoptedRevision {`,
    `  revision = '${spec.id}';`,
    `  downRevision = ${down};`,
    ...(spec.transactional ? [] : ['  transactional = false;']),
    '  mikroOrmModule = mikroOrm;',
    '}',
    `exports.${className} = ${className};`,
    '',
  ].join('\n');
}

/**
 * The MikroORM migration name in a revision file's header (`MikroORM migration: <name>`), or `null`
 * when the file is not an adopted revision.
 *
 * @example
 * ```ts
 * adoptedMigrationName(readFileSync('migrations/Migration20240312101500.ts', 'utf8')); // 'Migration20240312101500'
 * ```
 */
export function adoptedMigrationName(text: string): string | null {
  const start = text.indexOf('/**');
  const end = start < 0 ? -1 : text.indexOf('*/', start);
  if (end < 0) return null;
  const m = /^\s*\*\s*MikroORM migration:\s*(\S+)\s*$/m.exec(text.slice(start, end));
  return m ? m[1] : null;
}

/** A class name for the adopted revision: MikroORM's name made an identifier, then the id. */
function classNameOf(name: string, id: string): string {
  const ident = name.replace(/[^A-Za-z0-9_$]/g, '_');
  return `${/^[0-9]/.test(ident) ? `_${ident}` : ident}_${id}`;
}

/** `2024-03-12 10:15:00.000Z` from a name holding MikroORM's 14-digit UTC timestamp, else `null`. */
function createDateOf(name: string): string | null {
  const m = /(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})/.exec(name);
  if (!m) return null;
  const date = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
  return Number.isNaN(date.getTime()) ? null : date.toISOString().replace('T', ' ');
}
