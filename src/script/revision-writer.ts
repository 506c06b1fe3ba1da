import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { displayPath } from './display-path';
import { reservedNameProblem } from '../graph/reserved-names';
import { HeadRequiredError, InvalidRevisionIdError, NotAHeadError, NothingToMergeError, ReservedNameError, RevisionExistsError } from './errors';
import { readRevisionHeader } from './header-reader';
import { isValidRevisionId, newRevisionId, slugify } from './revision-id';
import { isRevisionFileName } from './script-directory';
import { isTsIdentifier, tsBlockCommentLine, tsBlockCommentLines, tsStringLiteral } from './ts-source';

/** What a revision file says: the input of `renderRevision`. */
export interface RevisionTemplate {
  readonly id: string;
  /** `[]` for a base, one id, or several for a merge. */
  readonly downRevisions: readonly string[];
  readonly message: string;
  readonly branchLabels?: readonly string[];
  readonly dependsOn?: readonly string[];
  /** `false` renders `transactional = false`. Default `true` (not rendered). */
  readonly transactional?: boolean;
  /** A squashed revision: the ids it replaces, parents first (rendered one per line). Default none. */
  readonly replaces?: readonly string[];
  readonly createDate: Date;
  /**
   * The body of `up()`, unindented, one statement per line. Each line is indented into the method,
   * except a line that continues a template literal (its text is part of the value). Default: a comment.
   */
  readonly upBody?: string;
  /** The body of `down()`, unindented. Default: a comment. */
  readonly downBody?: string;
  /** The module specifier `Revision` is imported from. Default `'mikro-orm-alembic'`. */
  readonly importFrom?: string;
  /** Safety notes listed at the end of the header comment, one line each (autogenerate's). */
  readonly notes?: readonly string[];
  /**
   * Lint codes the revision acknowledges, each with its reason: rendered as the `acknowledge` field
   * (codes as keys, reasons as escaped string literals). Default: none (not rendered).
   */
  readonly acknowledge?: Readonly<Record<string, string>>;
}

/** A rendered revision file. */
export interface RenderedRevision {
  /** `<id>_<slug>.ts` (`<id>.ts` when the message has no letters or digits). */
  readonly fileName: string;
  readonly text: string;
}

/** Options shared by `writeRevision` and `writeMerge`. */
interface WriteOptionsBase {
  /** The folder to write into (created if missing). */
  readonly directory: string;
  /** The current heads (ids), as the graph computes them. */
  readonly heads: readonly string[];
  readonly branchLabels?: readonly string[];
  /** The new revision's id. Default: `newRevisionId()`. */
  readonly revId?: string;
  /** Default: now. Inject for reproducible output. */
  readonly createDate?: Date;
  readonly importFrom?: string;
}

/** Options of `writeRevision`. */
export interface WriteRevisionOptions extends WriteOptionsBase {
  readonly message: string;
  /**
   * The down revision(s), as ids. Default: the single head (none when there is no revision yet;
   * `HeadRequiredError` when there are several). `null`: a new base.
   */
  readonly head?: string | readonly string[] | null;
  /** Allow a `head` that is not a head (start a branch from the middle). */
  readonly splice?: boolean;
  readonly dependsOn?: readonly string[];
  readonly transactional?: boolean;
  /** A squashed revision: the ids it replaces (see {@link RevisionTemplate.replaces}). */
  readonly replaces?: readonly string[];
  readonly upBody?: string;
  readonly downBody?: string;
  /** Safety notes listed in the header comment (see {@link RevisionTemplate.notes}). */
  readonly notes?: readonly string[];
  /** Lint acknowledgements (see {@link RevisionTemplate.acknowledge}). */
  readonly acknowledge?: Readonly<Record<string, string>>;
}

/** Options of `writeMerge`. */
export interface WriteMergeOptions extends WriteOptionsBase {
  /** The heads to merge (ids). Default: all `heads`. */
  readonly revisions?: readonly string[];
  /** Default: `merge <id>, <id>`. */
  readonly message?: string;
}

/** A revision file that was written. */
export interface WrittenRevision {
  readonly id: string;
  /** Absolute path of the new file. */
  readonly path: string;
  readonly fileName: string;
}

const DEFAULT_IMPORT = 'mikro-orm-alembic';

/**
 * Renders a revision file (no file system access): the same input always gives the same bytes.
 *
 * @example
 * ```ts
 * import { renderRevision } from 'mikro-orm-alembic';
 *
 * const { fileName, text } = renderRevision({
 *   id: '1a2b3c4d5e6f',
 *   downRevisions: ['0f9e8d7c6b5a'],
 *   message: 'Add user role',
 *   createDate: new Date('2026-11-25T13:45:00.123Z'),
 *   upBody: 'this.addSql(`alter table "user" add column "role" text`);',
 *   downBody: 'this.addSql(`alter table "user" drop column "role"`);',
 * });
 * // fileName === '1a2b3c4d5e6f_add_user_role.ts'; text declares `export class AddUserRole_1a2b3c4d5e6f extends Revision`
 * ```
 */
export function renderRevision(template: RevisionTemplate): RenderedRevision {
  const { id, downRevisions, createDate } = template;
  if (!isValidRevisionId(id)) throw new InvalidRevisionIdError(id);
  for (const down of [...downRevisions, ...(template.replaces ?? [])]) if (!isValidRevisionId(down)) throw new InvalidRevisionIdError(down);
  const reserved = [
    [id, reservedNameProblem(id, 'revision id')] as const,
    ...(template.branchLabels ?? []).map((label) => [label, reservedNameProblem(label, 'branch label')] as const),
  ].find(([, problem]) => problem !== null);
  if (reserved) throw new ReservedNameError(reserved[0], reserved[1]!);
  const message = template.message.trim();
  const slug = slugify(message);
  const className = revisionClassName(slug, id);
  const header = [
    '/**',
    ...(message === '' ? [] : [...headerMessageLines(message).map((l) => ` * ${l}`.trimEnd()), ' *']),
    ` * Revision ID: ${id}`,
    ` * Revises:${downRevisions.length === 0 ? '' : ` ${downRevisions.join(', ')}`}`,
    ` * Create Date: ${createDate.toISOString().replace('T', ' ')}`,
    ...(template.notes === undefined || template.notes.length === 0
      ? []
      : [' *', ' * Safety notes (autogenerate; review before upgrading):', ...template.notes.map((n) => ` * - ${tsBlockCommentLine(n)}`)]),
    ' */',
  ];
  const fields = [
    `  override readonly revision = ${quote(id)};`,
    `  override readonly downRevision = ${downRevisions.length === 0 ? 'null' : downRevisions.length === 1 ? quote(downRevisions[0]) : list(downRevisions)};`,
    `  override readonly branchLabels = ${list(template.branchLabels ?? [])};`,
    `  override readonly dependsOn = ${list(template.dependsOn ?? [])};`,
    ...(template.transactional === false ? ['  override readonly transactional = false;'] : []),
    ...acknowledgeField(template.acknowledge),
    ...(template.replaces === undefined || template.replaces.length === 0
      ? []
      : ['  override readonly replaces = [', ...template.replaces.map((r) => `    ${quote(r)},`), '  ];']),
  ];
  const text = [
    ...header,
    `import { Revision } from ${quote(template.importFrom ?? DEFAULT_IMPORT)};`,
    '',
    `export class ${className} extends Revision {`,
    ...fields,
    '',
    '  override async up(): Promise<void> {',
    ...body(template.upBody ?? '// this.addSql(`...`);'),
    '  }',
    '',
    '  override async down(): Promise<void> {',
    ...body(template.downBody ?? '// this.addSql(`...`);'),
    '  }',
    '}',
    '',
  ].join('\n');
  return { fileName: slug === '' ? `${id}.ts` : `${id}_${slug}.ts`, text };
}

/**
 * Writes a new revision file (`alembic revision`): its down revision is the single head unless
 * `head` says otherwise. Refuses to overwrite a file or reuse an id (`RevisionExistsError`), to build
 * on a revision that is not a head without `splice` (`NotAHeadError`), and to guess among several
 * heads (`HeadRequiredError`).
 *
 * @example
 * ```ts
 * import { ScriptDirectory, writeRevision } from 'mikro-orm-alembic';
 *
 * const heads = ['0f9e8d7c6b5a']; // from the graph
 * const { path } = writeRevision({ directory: 'src/migrations', heads, message: 'Add user role', branchLabels: ['users'] });
 * ```
 */
export function writeRevision(options: WriteRevisionOptions): WrittenRevision {
  const downRevisions = parentsOf(options);
  if (!options.splice) {
    for (const parent of downRevisions) {
      if (!options.heads.includes(parent)) throw new NotAHeadError(parent, options.heads, 'pass splice: true to start a branch from it');
    }
  }
  return write(options.directory, {
    id: options.revId ?? newRevisionId(),
    downRevisions,
    message: options.message,
    branchLabels: options.branchLabels,
    dependsOn: options.dependsOn,
    transactional: options.transactional,
    replaces: options.replaces,
    createDate: options.createDate ?? new Date(),
    upBody: options.upBody,
    downBody: options.downBody,
    importFrom: options.importFrom,
    notes: options.notes,
    acknowledge: options.acknowledge,
  });
}

/**
 * Writes a merge revision (`alembic merge`): its down revisions are the given heads (default: all
 * heads), its `up()`/`down()` run nothing. Needs at least two distinct heads (`NothingToMergeError`);
 * each must be a head (`NotAHeadError`).
 *
 * @example
 * ```ts
 * import { writeMerge } from 'mikro-orm-alembic';
 *
 * const { id } = writeMerge({ directory: 'src/migrations', heads: ['ae1027a6acf2', '27c6a30d7c24'] });
 * // a file whose class has downRevision = ['ae1027a6acf2', '27c6a30d7c24'], message "merge ae1027a6acf2, 27c6a30d7c24"
 * ```
 */
export function writeMerge(options: WriteMergeOptions): WrittenRevision {
  const revisions = [...new Set(options.revisions ?? options.heads)];
  for (const id of revisions) if (!isValidRevisionId(id)) throw new InvalidRevisionIdError(id);
  for (const id of revisions) {
    if (!options.heads.includes(id)) throw new NotAHeadError(id, options.heads, 'a merge joins heads');
  }
  if (revisions.length < 2) throw new NothingToMergeError(revisions);
  return write(options.directory, {
    id: options.revId ?? newRevisionId(),
    downRevisions: revisions,
    message: options.message ?? `merge ${revisions.join(', ')}`,
    branchLabels: options.branchLabels,
    createDate: options.createDate ?? new Date(),
    upBody: '// a merge revision: nothing to run',
    downBody: '// a merge revision: nothing to run',
    importFrom: options.importFrom,
  });
}

/**
 * The class name of a revision: PascalCase of the slug followed by the id (`AddUserRole_1a2b3c4d5e6f`),
 * or `Revision_<id>` when the slug is empty or starts with a digit.
 *
 * @example
 * ```ts
 * revisionClassName('add_user_role', '1a2b3c4d5e6f'); // 'AddUserRole_1a2b3c4d5e6f'
 * revisionClassName('2fa', '1a2b3c4d5e6f');           // 'Revision_1a2b3c4d5e6f'
 * ```
 */
export function revisionClassName(slug: string, id: string): string {
  const pascal = slug
    .split('_')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
  const name = `${pascal}_${id}`;
  return /^[A-Za-z]/.test(pascal) && isTsIdentifier(name) ? name : `Revision_${id}`;
}

function parentsOf(options: WriteRevisionOptions): string[] {
  const { head, heads } = options;
  let parents: string[];
  if (head === undefined) {
    if (heads.length > 1) throw new HeadRequiredError(heads);
    parents = [...heads];
  } else if (head === null) {
    parents = [];
  } else {
    parents = [...new Set(typeof head === 'string' ? [head] : head)];
  }
  for (const id of parents) if (!isValidRevisionId(id)) throw new InvalidRevisionIdError(id);
  return parents;
}

function write(directory: string, template: RevisionTemplate): WrittenRevision {
  const folder = resolve(directory);
  const { fileName, text } = renderRevision(template);
  const path = join(folder, fileName);
  // never write a file the reader would refuse (e.g. an empty or repeated branch label)
  readRevisionHeader(text, displayPath(path));
  mkdirSync(folder, { recursive: true });
  refuseExistingId(folder, template.id);
  try {
    writeFileSync(path, text, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new RevisionExistsError(displayPath(path), 'the file already exists');
    throw error;
  }
  return Object.freeze({ id: template.id, path, fileName });
}

/** Refuses an id that a revision file of the folder already declares (files named `<id>_*` or `<id>.*`). */
function refuseExistingId(folder: string, id: string): void {
  for (const name of readdirSync(folder)) {
    if (!isRevisionFileName(name) || !(name.startsWith(`${id}_`) || name.startsWith(`${id}.`))) continue;
    const path = join(folder, name);
    let existing: string | undefined;
    try {
      existing = readRevisionHeader(readFileSync(path, 'utf8'), displayPath(path)).id;
    } catch {
      existing = undefined; // an unreadable file is reported by discovery, not here
    }
    if (existing === id) throw new RevisionExistsError(displayPath(path), `a revision with id ${id} already exists`);
  }
}

function body(code: string): string[] {
  if (code.trim() === '') return [];
  const lines = code.replace(/\s+$/, '').split(/\r?\n/);
  const inside = linesInsideLiterals(lines);
  return lines.map((line, i) => (inside[i] ? line : line.trim() === '' ? '' : `    ${line}`));
}

/**
 * For each line, whether it starts inside a template literal that an earlier line opened: such a
 * line is part of a value, so it is written as it is (indenting it would change the string). A small scanner of strings, template literals with `${...}` nesting and comments;
 * a regular expression holding a quote can mislead it, which only leaves a line unindented.
 */
function linesInsideLiterals(lines: readonly string[]): boolean[] {
  type Frame = { kind: 'code'; depth: number } | { kind: 'template' } | { kind: 'comment' };
  const stack: Frame[] = [{ kind: 'code', depth: 0 }];
  const result: boolean[] = [];
  for (const line of lines) {
    const top = stack[stack.length - 1];
    result.push(top.kind === 'template');
    let i = 0;
    while (i < line.length) {
      const frame = stack[stack.length - 1];
      const c = line[i];
      if (frame.kind === 'comment') {
        if (c === '*' && line[i + 1] === '/') {
          stack.pop();
          i += 2;
        } else i++;
      } else if (frame.kind === 'template') {
        if (c === '\\') i += 2;
        else if (c === '`') {
          stack.pop();
          i++;
        } else if (c === '$' && line[i + 1] === '{') {
          stack.push({ kind: 'code', depth: 0 });
          i += 2;
        } else i++;
      } else if (c === '/' && line[i + 1] === '/') {
        break;
      } else if (c === '/' && line[i + 1] === '*') {
        stack.push({ kind: 'comment' });
        i += 2;
      } else if (c === "'" || c === '"') {
        i++;
        while (i < line.length && line[i] !== c) i += line[i] === '\\' ? 2 : 1;
        i++;
      } else if (c === '`') {
        stack.push({ kind: 'template' });
        i++;
      } else if (c === '{') {
        frame.depth++;
        i++;
      } else if (c === '}') {
        if (frame.depth === 0 && stack.length > 1) stack.pop();
        else frame.depth = Math.max(0, frame.depth - 1);
        i++;
      } else i++;
    }
  }
  return result;
}

/** `override readonly acknowledge = { CODE: 'reason', ... };`, or nothing when there is none. */
function acknowledgeField(acknowledge: Readonly<Record<string, string>> | undefined): string[] {
  const entries = Object.entries(acknowledge ?? {});
  if (entries.length === 0) return [];
  return [
    '  override readonly acknowledge = {',
    ...entries.map(([code, reason]) => `    ${isTsIdentifier(code) ? code : quote(code)}: ${quote(reason)},`),
    '  };',
  ];
}

function list(items: readonly string[]): string {
  return `[${items.map(quote).join(', ')}]`;
}

function quote(value: string): string {
  return tsStringLiteral(value);
}

/**
 * The message's lines in the header comment: split at every line terminator, `*\/` and control
 * characters escaped (`tsBlockCommentLines`), and a line that would read as a header key
 * (`Revision ID:`, `Revises:`, `Create Date:`) written with `\:` so the reader keeps it in the message.
 */
function headerMessageLines(message: string): string[] {
  return tsBlockCommentLines(message).map((line) => line.replace(/^(\s*(?:Revision ID|Revises|Create Date)\s*):/, '$1\\:'));
}
