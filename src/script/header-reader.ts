import { reservedNameProblem } from '../graph/reserved-names';
import {
  ScriptDuplicateFieldError,
  ScriptHeaderMismatchError,
  ScriptNotALiteralError,
  ScriptParseError,
  ScriptReservedNameError,
} from './errors';
import { isValidRevisionId } from './revision-id';

/**
 * What a revision file declares about itself, read from its text without running it.
 */
export interface RevisionHeader {
  /** The `revision` field. */
  readonly id: string;
  /** The `downRevision` field as a list: `[]` for `null`, one id, or several for a merge. */
  readonly downRevisions: readonly string[];
  /** The `branchLabels` field (default `[]`). */
  readonly branchLabels: readonly string[];
  /** The `dependsOn` field (default `[]`). */
  readonly dependsOn: readonly string[];
  /** The `transactional` field (default `true`). */
  readonly transactional: boolean;
  /**
   * The `replaces` field (default `[]`): the ids of the revisions a squashed revision stands for,
   * parents first (see docs/squash.md).
   */
  readonly replaces: readonly string[];
  /** The header comment's text before its `Revision ID:` line (`''` without a header). */
  readonly message: string;
  /** The header's `Create Date:` text, as written, or `null`. */
  readonly createDate: string | null;
}

/**
 * Reads a revision's identifying fields from its source text: a small, strict reader that never
 * compiles or imports the file.
 *
 * **The fields** are read from the bodies of the module's top-level classes (and from
 * `this.<field> = <literal>` statements directly in a constructor, as TypeScript emits for targets
 * before ES2022):
 * - `revision` (required): a string, the id (`[0-9A-Za-z_]+`).
 * - `downRevision` (required): `null`, an id string, or an array of id strings (a merge).
 * - `branchLabels`, `dependsOn` (optional, default `[]`): an array of strings (a single string or
 *   `null` is accepted too).
 * - `transactional` (optional, default `true`): `true` or `false`.
 * - `replaces` (optional, default `[]`): an array of id strings, the revisions a squashed revision
 *   stands for.
 *
 * Each may carry the modifiers `static`, `readonly`, `override`, `public` and a type annotation
 * (`downRevision: string | null = null`), and end with `as const`. Strings may use `'`, `"` or
 * backticks without `${}`. Comments are skipped, so a commented-out field does not count. A field
 * declared twice, a value that is not a literal, or another modifier (`private`, `declare`, ...)
 * is an error naming the file and line.
 *
 * **The header** is the first `/** ... *\/` comment before the first `class` keyword. Its lines
 * before the first `Key: value` line are the message; the keys `Revision ID:`, `Revises:`
 * (comma-separated ids, empty for a base) and `Create Date:` are read, and `Revision ID`/`Revises`,
 * when present, must agree with the fields. A file may have no header.
 *
 * @param text the file's content.
 * @param file the file as it should appear in error messages (e.g. `migrations/1a2b3c4d5e6f_add_role.ts`).
 * @example
 * ```ts
 * import { readRevisionHeader } from 'mikro-orm-alembic';
 *
 * const header = readRevisionHeader(
 *   [
 *     '/**',
 *     ' * Add user role',
 *     ' *',
 *     ' * Revision ID: 1a2b3c4d5e6f',
 *     ' * Revises: 0f9e8d7c6b5a',
 *     ' *\/',
 *     'export class AddUserRole_1a2b3c4d5e6f extends Revision {',
 *     "  override readonly revision = '1a2b3c4d5e6f';",
 *     "  override readonly downRevision = '0f9e8d7c6b5a';",
 *     '}',
 *   ].join('\n'),
 *   'migrations/1a2b3c4d5e6f_add_user_role.ts',
 * );
 * // header.id === '1a2b3c4d5e6f', header.downRevisions: ['0f9e8d7c6b5a'], header.message === 'Add user role'
 * ```
 */
export function readRevisionHeader(text: string, file: string): RevisionHeader {
  return new HeaderReader(text, file).read();
}

/**
 * What another exact reader of a revision file (the static scanner, `static-revision.ts`) found where
 * this reader looks: the field declarations with their literal values, the header comment, the first
 * `class` keyword. {@link revisionHeaderOf} turns it into the header, or the error, that
 * `readRevisionHeader` gives for the same text.
 *
 * @internal
 */
export interface ScannedHeader {
  /** Each field's literal value and the offset of its name. */
  readonly fields: ReadonlyMap<string, FieldValue>;
  /** The header comment (from its `/**` to the offset of its closing `*\/`), or `null`. */
  readonly comment: { readonly start: number; readonly end: number } | null;
  /** The offset of the first `class` keyword. */
  readonly firstClass: number;
}

/**
 * The header of a file whose fields and header comment another exact reader already found (see
 * {@link ScannedHeader}): `readRevisionHeader`'s checks and answer, without reading the text again.
 *
 * @internal
 */
export function revisionHeaderOf(text: string, file: string, scanned: ScannedHeader): RevisionHeader {
  return HeaderReader.resultOf(text, file, scanned);
}

type Kind = 'name' | 'string' | 'number' | 'punct' | 'regex' | 'block';

interface Token {
  readonly kind: Kind;
  readonly start: number;
  readonly end: number;
  /** The source text (for strings: including the quotes). */
  readonly text: string;
  /** Strings (and templates without `${}`): the decoded value. */
  readonly value?: string;
}

/** A field's literal value: a string, `null`, `true`/`false`, or an array of strings. @internal */
export type Literal = string | null | boolean | string[];

/** A field's value and where it is declared. @internal */
export interface FieldValue {
  readonly value: Literal;
  /** Offset of the field's name. */
  readonly at: number;
}

const FIELDS = new Set(['revision', 'downRevision', 'branchLabels', 'dependsOn', 'transactional', 'replaces']);
const MODIFIERS = new Set(['static', 'readonly', 'override', 'public']);
const UNSUPPORTED_MODIFIERS = new Set(['private', 'protected', 'declare', 'abstract', 'accessor']);
/** After these words a `/` starts a regular expression, not a division. */
const REGEX_KEYWORDS = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await']);
/** A type annotation continues on the next line after these... */
const TYPE_CONTINUES_AFTER = new Set(['|', '&', ':', ',', '<', '(', '[', '=>', '.', '?', 'keyof', 'typeof', 'readonly']);
/** ...and when the next line starts with these. */
const TYPE_CONTINUES_BEFORE = new Set(['|', '&', '.', '[', '<', '=', '=>', '?']);
const EXPECTED: Record<string, string> = {
  revision: "a string such as '1a2b3c4d5e6f'",
  downRevision: 'null, an id string, or an array of id strings',
  branchLabels: 'an array of strings',
  dependsOn: 'an array of strings',
  transactional: 'true or false',
  replaces: 'an array of id strings',
};
const NO_IDS: readonly string[] = Object.freeze([]);
const HEADER_KEY = /^(Revision ID|Revises|Create Date)\s*:\s*(.*)$/;

// Structural skipping (method bodies, object literals): jump to the next character that matters.
const STRUCTURE = /[{}'"`/]/g;

class HeaderReader {
  private pos = 0;
  /** The previous significant token (decides whether `/` starts a regular expression). */
  private prev: Token | null = null;
  private header: { start: number; end: number } | null = null;
  private firstClass = -1;
  private readonly fields = new Map<string, FieldValue>();
  // Scanning only moves forward, so the next `\\` and `${` are found once and reused.
  private backslashAt = -1;
  private substitutionAt = -1;

  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {
    if (text.charCodeAt(0) === 0xfeff) this.pos = 1;
  }

  read(): RevisionHeader {
    let classPending = false;
    for (let t = this.next(); t !== null; t = this.next()) {
      if (t.kind === 'name' && t.text === 'class') {
        classPending = true;
        if (this.firstClass < 0) this.firstClass = t.start;
      } else if (isPunct(t, '{')) {
        if (classPending) {
          classPending = false;
          this.classFields(this.collect(t, true));
        } else {
          this.pos = this.skipBalanced(t.end, t.start);
          this.prev = { kind: 'block', start: t.start, end: this.pos, text: '{}' };
        }
      } else if (isPunct(t, '}')) {
        this.fail(t.start, 'unexpected "}"');
      }
    }
    return this.result();
  }

  // ---- result -------------------------------------------------------------------------------

  /** What {@link read} answers, for fields and a header comment another reader found (`revisionHeaderOf`). */
  static resultOf(text: string, file: string, scanned: ScannedHeader): RevisionHeader {
    const reader = new HeaderReader(text, file);
    for (const [name, field] of scanned.fields) reader.fields.set(name, field);
    reader.header = scanned.comment;
    reader.firstClass = scanned.firstClass;
    return reader.result();
  }

  private result(): RevisionHeader {
    const classAt = this.firstClass < 0 ? 0 : this.firstClass;
    const revision = this.fields.get('revision');
    if (!revision) {
      this.fail(
        classAt,
        'no `revision` field: every .ts/.js/.cjs file in the migrations folder is read as a revision ' +
          "(declare `override readonly revision = '<id>'` in its class); name other files with a leading _ or move them to a subfolder. " +
          'A compiled file must keep class fields (target ES2022 or later) or assign them in the constructor',
      );
    }
    const down = this.fields.get('downRevision');
    if (!down) this.fail(classAt, 'no `downRevision` field (use `downRevision = null` for a base revision)');

    const id = this.expectString('revision', revision);
    if (!isValidRevisionId(id)) this.fail(revision.at, `revision id ${JSON.stringify(id)} is invalid: use letters, digits and _ only`);
    const downRevisions = this.idList('downRevision', down);
    const branchLabelsField = this.fields.get('branchLabels');
    const branchLabels = this.stringList('branchLabels', branchLabelsField);
    const dependsOn = this.stringList('dependsOn', this.fields.get('dependsOn'));
    this.refuseReserved(id, 'revision id', revision.at);
    for (const label of branchLabels) this.refuseReserved(label, 'branch label', branchLabelsField!.at);
    const transactionalField = this.fields.get('transactional');
    let transactional = true;
    if (transactionalField) {
      if (typeof transactionalField.value !== 'boolean') this.notALiteral('transactional', transactionalField.at);
      transactional = transactionalField.value;
    }
    const replacesField = this.fields.get('replaces');
    const replaces = replacesField ? this.idList('replaces', replacesField) : [];

    const header = this.header ? this.readHeaderComment(this.header.start, this.header.end) : null;
    if (header?.revisionId && header.revisionId.value !== id) {
      throw new ScriptHeaderMismatchError(
        this.file,
        header.revisionId.line,
        `the header says "Revision ID: ${header.revisionId.value}" but the class declares revision = '${id}' (line ${this.lineAt(revision.at)})`,
      );
    }
    if (header?.revises && !sameSet(header.revises.value, downRevisions)) {
      throw new ScriptHeaderMismatchError(
        this.file,
        header.revises.line,
        `the header says "Revises: ${header.revises.value.join(', ')}" but the class declares downRevision = ` +
          `${describeIds(downRevisions)} (line ${this.lineAt(down.at)})`,
      );
    }
    return Object.freeze({
      id: detach(id),
      downRevisions: frozenList(downRevisions),
      branchLabels: frozenList(branchLabels),
      dependsOn: frozenList(dependsOn),
      transactional,
      replaces: frozenList(replaces),
      message: detach(header?.message ?? ''),
      createDate: header?.createDate ? detach(header.createDate) : null,
    });
  }

  private expectString(field: string, f: FieldValue): string {
    if (typeof f.value !== 'string') this.notALiteral(field, f.at);
    return f.value;
  }

  private idList(field: string, f: FieldValue): string[] {
    const ids = this.stringList(field, f);
    for (const id of ids) {
      if (!isValidRevisionId(id)) this.fail(f.at, `${field}: revision id ${JSON.stringify(id)} is invalid: use letters, digits and _ only`);
    }
    return ids;
  }

  private stringList(field: string, f: FieldValue | undefined): string[] {
    if (!f || f.value === null) return [];
    if (typeof f.value === 'boolean') this.notALiteral(field, f.at);
    const list = typeof f.value === 'string' ? [f.value] : f.value;
    for (let i = 0; i < list.length; i++) {
      if (list[i] === '') this.fail(f.at, `${field}: empty string`);
      if (list.indexOf(list[i]) < i) this.fail(f.at, `${field}: ${JSON.stringify(list[i])} is listed twice`);
    }
    return list;
  }

  private readHeaderComment(start: number, end: number) {
    const text = this.text;
    let line = this.lineAt(start);
    const message: string[] = [];
    let inKeys = false;
    let revisionId: { value: string; line: number } | undefined;
    let revises: { value: string[]; line: number } | undefined;
    let createDate: string | null = null;
    const seen = new Map<string, number>();
    for (let from = start + 3; from <= end; line++) {
      let to = text.indexOf('\n', from);
      if (to < 0 || to > end) to = end;
      const content = commentLine(text, from, to);
      from = to + 1;
      const m = content.length > 7 && (content[0] === 'R' || content[0] === 'C') ? HEADER_KEY.exec(content) : null;
      if (!m) {
        if (!inKeys) message.push(content);
        continue;
      }
      inKeys = true;
      const [, key, value] = m;
      const first = seen.get(key);
      if (first !== undefined) this.failLine(line, `header key "${key}" appears twice (first on line ${first})`);
      seen.set(key, line);
      if (key === 'Revision ID') {
        if (!isValidRevisionId(value)) this.failLine(line, `header "Revision ID: ${value}" is not a valid revision id`);
        revisionId = { value, line };
      } else if (key === 'Revises') {
        const ids = value === '' ? [] : value.split(',').map((s) => s.trim());
        for (const id of ids) if (!isValidRevisionId(id)) this.failLine(line, `header "Revises: ${value}": ${JSON.stringify(id)} is not a valid revision id`);
        revises = { value: ids, line };
      } else {
        createDate = value === '' ? null : value;
      }
    }
    while (message.length > 0 && message[0] === '') message.shift();
    while (message.length > 0 && message[message.length - 1] === '') message.pop();
    return { message: message.join('\n'), revisionId, revises, createDate };
  }

  // ---- fields -------------------------------------------------------------------------------

  /** Field declarations in a class body's tokens (nested blocks are single `block` tokens). */
  private classFields(tokens: Token[]): void {
    let depth = 0;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i];
      if (t.kind === 'punct') {
        if (t.text === '(' || t.text === '[') depth++;
        else if (t.text === ')' || t.text === ']') depth--;
        continue;
      }
      if (depth !== 0 || t.kind !== 'name' || !FIELDS.has(t.text)) continue;
      let k = i + 1;
      if (isPunct(tokens[k], '?') || isPunct(tokens[k], '!')) k++;
      const after = tokens[k];
      if (!after || !(isPunct(after, '=') || isPunct(after, ':'))) continue;
      if (k > i + 1 && !isPunct(after, ':')) continue;
      let j = i - 1;
      while (j >= 0 && tokens[j].kind === 'name' && MODIFIERS.has(tokens[j].text)) j--;
      const before = tokens[j];
      if (before && !this.isBoundary(before, tokens[j + 1])) {
        if (before.kind === 'name' && UNSUPPORTED_MODIFIERS.has(before.text)) {
          this.fail(before.start, `modifier "${before.text}" on ${t.text} is not supported: use public (or none), static, readonly, override`);
        }
        continue; // not a member declaration (e.g. `a ? revision : b`)
      }
      const eq = isPunct(after, ':') ? this.skipType(tokens, k + 1) : k;
      if (eq < 0) this.notALiteral(t.text, t.start);
      this.addField(t, tokens, eq + 1);
    }
  }

  /** `this.<field> = <literal>` statements in a constructor body's tokens. */
  private constructorFields(tokens: Token[]): void {
    for (let i = 0; i + 3 < tokens.length; i++) {
      const t = tokens[i];
      if (!(t.kind === 'name' && t.text === 'this' && isPunct(tokens[i + 1], '.'))) continue;
      const name = tokens[i + 2];
      if (name.kind !== 'name' || !FIELDS.has(name.text) || !isPunct(tokens[i + 3], '=')) continue;
      if (i > 0 && !this.isBoundary(tokens[i - 1], t)) continue;
      this.addField(name, tokens, i + 4);
    }
  }

  /** Reads the literal at `tokens[at]` as the value of field `name`, and records it. */
  private addField(name: Token, tokens: Token[], at: number): void {
    const parsed = parseLiteral(tokens, at);
    if (!parsed) this.notALiteral(name.text, name.start);
    let next = parsed.next;
    if (isName(tokens[next], 'as') && isName(tokens[next + 1], 'const')) next += 2;
    const end = tokens[next];
    const ends =
      end === undefined ||
      isPunct(end, ';') ||
      (this.newlineBetween(tokens[next - 1], end) && (end.kind === 'name' || isPunct(end, '@') || isPunct(end, '#')));
    if (!ends) this.notALiteral(name.text, name.start);
    const first = this.fields.get(name.text);
    if (first) {
      const [a, b] = [first.at, name.start].sort((x, y) => x - y);
      throw new ScriptDuplicateFieldError(this.file, this.lineAt(b), name.text, this.lineAt(a));
    }
    this.fields.set(name.text, { value: parsed.value, at: name.start });
  }

  /** Skips a type annotation from `tokens[from]`: the index of its `=`, or -1 when there is no initializer. */
  private skipType(tokens: Token[], from: number): number {
    let depth = 0;
    for (let k = from; k < tokens.length; k++) {
      const t = tokens[k];
      if (depth === 0) {
        if (isPunct(t, '=')) return k;
        if (isPunct(t, ';')) return -1;
        if (k > from && this.newlineBetween(tokens[k - 1], t) && !TYPE_CONTINUES_AFTER.has(tokens[k - 1].text) && !TYPE_CONTINUES_BEFORE.has(t.text)) {
          return -1;
        }
      }
      if (t.kind === 'punct') {
        if (t.text === '<' || t.text === '(' || t.text === '[') depth++;
        else if (t.text === '>' || t.text === ')' || t.text === ']') depth--;
      }
    }
    return -1;
  }

  /** Whether a new member (or statement) starts at `first`, right after `before`. */
  private isBoundary(before: Token, first: Token): boolean {
    if (isPunct(before, ';') || before.kind === 'block') return true;
    if (!this.newlineBetween(before, first)) return false;
    // automatic semicolon insertion: the line before must not end in an operator
    return before.kind !== 'punct' || before.text === ')' || before.text === ']';
  }

  // ---- tokens -------------------------------------------------------------------------------

  /**
   * The tokens of the block opened by `open`, up to its `}`. Nested blocks become one `block` token
   * (skipped fast); in a class body (`classBody`) a constructor's body is read for `this.x = ...`.
   */
  private collect(open: Token, classBody: boolean): Token[] {
    const tokens: Token[] = [];
    for (;;) {
      const t = this.next();
      if (t === null) this.fail(open.start, 'unterminated block: no matching "}"');
      if (isPunct(t, '}')) return tokens;
      if (isPunct(t, '{')) {
        let block: Token;
        if (classBody && isConstructorHead(tokens)) {
          this.constructorFields(this.collect(t, false));
          block = { kind: 'block', start: t.start, end: this.pos, text: '{}' };
        } else {
          this.pos = this.skipBalanced(t.end, t.start);
          block = { kind: 'block', start: t.start, end: this.pos, text: '{}' };
        }
        this.prev = block;
        tokens.push(block);
        continue;
      }
      tokens.push(t);
    }
  }

  /** The next token, or `null` at the end. Records the header comment on the way. */
  private next(): Token | null {
    this.skipTrivia();
    const text = this.text;
    const start = this.pos;
    if (start >= text.length) return null;
    const c = text.charCodeAt(start);
    let token: Token;
    if (isIdentStart(c)) {
      let i = start + 1;
      while (i < text.length && isIdentPart(text.charCodeAt(i))) i++;
      token = { kind: 'name', start, end: i, text: text.slice(start, i) };
    } else if (c >= 48 && c <= 57) {
      let i = start + 1;
      while (i < text.length && (isIdentPart(text.charCodeAt(i)) || text.charCodeAt(i) === 46)) i++;
      token = { kind: 'number', start, end: i, text: text.slice(start, i) };
    } else if (c === 39 || c === 34) {
      const end = this.skipString(start);
      const raw = text.slice(start + 1, end - 1);
      token = { kind: 'string', start, end, text: text.slice(start, end), value: this.decode(raw, start) };
    } else if (c === 96) {
      const { end, substitution } = this.skipTemplate(start);
      const raw = text.slice(start + 1, end - 1);
      token = {
        kind: 'string',
        start,
        end,
        text: text.slice(start, end),
        value: substitution ? undefined : this.decode(raw.replace(/\r\n?/g, '\n'), start),
      };
    } else if (c === 47 && this.regexAllowed()) {
      const end = this.skipRegex(start);
      token = end < 0 ? { kind: 'punct', start, end: start + 1, text: '/' } : { kind: 'regex', start, end, text: text.slice(start, end) };
    } else {
      const op = punctuator(text, start);
      token = { kind: 'punct', start, end: start + op.length, text: op };
    }
    this.pos = token.end;
    this.prev = token;
    return token;
  }

  /** Skips whitespace and comments; the first `/** *\/` comment before any `class` is the header. */
  private skipTrivia(): void {
    const text = this.text;
    let i = this.pos;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0xfeff || c === 0x2028 || c === 0x2029) {
        i++;
      } else if (c === 47 && text.charCodeAt(i + 1) === 47) {
        const nl = text.indexOf('\n', i);
        i = nl < 0 ? text.length : nl + 1;
      } else if (c === 47 && text.charCodeAt(i + 1) === 42) {
        const end = text.indexOf('*/', i + 2);
        if (end < 0) this.fail(i, 'unterminated comment');
        if (this.header === null && this.firstClass < 0 && text.charCodeAt(i + 2) === 42 && end > i + 2) {
          this.header = { start: i, end };
        }
        i = end + 2;
      } else {
        break;
      }
    }
    this.pos = i;
  }

  /** From just after an opening `{` (at `openAt`): the offset just after its matching `}`. */
  private skipBalanced(from: number, openAt: number): number {
    const text = this.text;
    let depth = 1;
    let i = from;
    for (;;) {
      STRUCTURE.lastIndex = i;
      const m = STRUCTURE.exec(text);
      if (!m) this.fail(openAt, 'unterminated block: no matching "}"');
      const at = m.index;
      switch (text.charCodeAt(at)) {
        case 123: // {
          depth++;
          i = at + 1;
          break;
        case 125: // }
          if (--depth === 0) return at + 1;
          i = at + 1;
          break;
        case 39: // '
        case 34: // "
          i = this.skipString(at);
          break;
        case 96: // `
          i = this.skipTemplate(at).end;
          break;
        default: {
          // '/'
          const n = text.charCodeAt(at + 1);
          if (n === 47) {
            const nl = text.indexOf('\n', at);
            i = nl < 0 ? text.length : nl + 1;
          } else if (n === 42) {
            const end = text.indexOf('*/', at + 2);
            if (end < 0) this.fail(at, 'unterminated comment');
            i = end + 2;
          } else {
            const end = regexAllowedAfter(text, at) ? this.skipRegex(at) : -1;
            i = end < 0 ? at + 1 : end;
          }
        }
      }
    }
  }

  /** The offset just after the string starting at `start`. */
  private skipString(start: number): number {
    const text = this.text;
    const quote = text[start];
    let i = start + 1;
    for (;;) {
      const end = text.indexOf(quote, i);
      if (end < 0) this.fail(start, 'unterminated string');
      let backslashes = 0;
      while (text.charCodeAt(end - 1 - backslashes) === 92) backslashes++;
      if (backslashes % 2 === 1) {
        i = end + 1;
        continue;
      }
      // a string cannot span lines, except through a backslash line continuation
      for (let nl = text.indexOf('\n', start); nl >= 0 && nl < end; nl = text.indexOf('\n', nl + 1)) {
        const before = text.charCodeAt(nl - 1) === 13 ? nl - 2 : nl - 1;
        if (text.charCodeAt(before) !== 92) this.fail(start, 'unterminated string');
      }
      return end + 1;
    }
  }

  /** The offset just after the template literal starting at `start`, and whether it has `${}`. */
  private skipTemplate(start: number): { end: number; substitution: boolean } {
    const text = this.text;
    let substitution = false;
    let i = start + 1;
    for (;;) {
      const tick = text.indexOf('`', i);
      if (tick < 0) this.fail(start, 'unterminated template string');
      const backslash = this.nextBackslash(i);
      const dollar = this.nextSubstitution(i);
      if (backslash < tick && backslash < dollar) {
        i = backslash + 2;
      } else if (dollar < tick) {
        substitution = true;
        i = this.skipBalanced(dollar + 2, dollar);
      } else {
        return { end: tick + 1, substitution };
      }
    }
  }

  private nextBackslash(from: number): number {
    if (this.backslashAt < from) {
      const at = this.text.indexOf('\\', from);
      this.backslashAt = at < 0 ? Infinity : at;
    }
    return this.backslashAt;
  }

  private nextSubstitution(from: number): number {
    if (this.substitutionAt < from) {
      const at = this.text.indexOf('${', from);
      this.substitutionAt = at < 0 ? Infinity : at;
    }
    return this.substitutionAt;
  }

  /** The offset just after the regular expression starting at `start`, or -1 if there is none on this line. */
  private skipRegex(start: number): number {
    const text = this.text;
    let inClass = false;
    for (let i = start + 1; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || c === 13) return -1;
      if (c === 92) i++;
      else if (c === 91) inClass = true;
      else if (c === 93) inClass = false;
      else if (c === 47 && !inClass) {
        let end = i + 1;
        while (end < text.length && isIdentPart(text.charCodeAt(end))) end++;
        return end;
      }
    }
    return -1;
  }

  private regexAllowed(): boolean {
    const p = this.prev;
    if (p === null || p.kind === 'block') return true;
    if (p.kind === 'name') return REGEX_KEYWORDS.has(p.text);
    if (p.kind === 'punct') return p.text !== ')' && p.text !== ']' && p.text !== '}';
    return false;
  }

  private decode(raw: string, at: number): string {
    if (raw.indexOf('\\') < 0) return raw;
    return raw.replace(/\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|\r\n|[\s\S])/g, (_, e: string) => {
      switch (e[0]) {
        case 'n':
          return '\n';
        case 'r':
          return '\r';
        case 't':
          return '\t';
        case 'b':
          return '\b';
        case 'f':
          return '\f';
        case 'v':
          return '\v';
        case '0':
          return '\0';
        case '\r':
        case '\n':
        case '\u2028':
        case '\u2029':
          return '';
        case 'x':
          return String.fromCharCode(parseInt(e.slice(1), 16));
        case 'u':
          if (e.length > 1) return String.fromCodePoint(parseInt(e.replace(/[u{}]/g, ''), 16));
          return this.fail(at, 'invalid escape \\u in string');
        default:
          return e;
      }
    });
  }

  private newlineBetween(a: Token, b: Token): boolean {
    const nl = this.text.indexOf('\n', a.end);
    return nl >= 0 && nl < b.start;
  }

  private lineAt(offset: number): number {
    let line = 1;
    for (let i = this.text.indexOf('\n'); i >= 0 && i < offset; i = this.text.indexOf('\n', i + 1)) line++;
    return line;
  }

  private notALiteral(field: string, at: number): never {
    throw new ScriptNotALiteralError(this.file, this.lineAt(at), field, EXPECTED[field]);
  }

  /** A word of the target syntax (`head`, ...) as an id or label could never be named: refused, naming the file and line. */
  private refuseReserved(name: string, what: 'revision id' | 'branch label', at: number): void {
    const problem = reservedNameProblem(name, what);
    if (problem !== null) throw new ScriptReservedNameError(this.file, this.lineAt(at), name, problem);
  }

  private fail(at: number, detail: string): never {
    throw new ScriptParseError(this.file, this.lineAt(at), detail);
  }

  private failLine(line: number, detail: string): never {
    throw new ScriptParseError(this.file, line, detail);
  }
}

/**
 * A copy of `s` that does not keep the file's text alive: V8 represents a slice of 13+ characters as
 * a view of its parent string, and 20,000 kept revisions would otherwise keep 20,000 file texts.
 */
function detach(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

/** `list` frozen, its strings detached; the one shared empty list when it is empty (most are). */
function frozenList(list: readonly string[]): readonly string[] {
  return list.length === 0 ? NO_IDS : Object.freeze(list.map(detach));
}

/** A literal at `tokens[at]`: a string, `null`, `true`/`false`, or an array of strings. */
function parseLiteral(tokens: Token[], at: number): { value: Literal; next: number } | null {
  const t = tokens[at];
  if (!t) return null;
  if (t.kind === 'string') return t.value === undefined ? null : { value: t.value, next: at + 1 };
  if (t.kind === 'name') {
    if (t.text === 'null') return { value: null, next: at + 1 };
    if (t.text === 'true' || t.text === 'false') return { value: t.text === 'true', next: at + 1 };
    return null;
  }
  if (!isPunct(t, '[')) return null;
  const items: string[] = [];
  let k = at + 1;
  for (;;) {
    const item = tokens[k];
    if (isPunct(item, ']')) return { value: items, next: k + 1 };
    if (!item || item.kind !== 'string' || item.value === undefined) return null;
    items.push(item.value);
    k++;
    if (isPunct(tokens[k], ',')) k++;
    else if (!isPunct(tokens[k], ']')) return null;
  }
}

/** Whether the tokens end with `constructor(...)`, so that the next `{` is its body. */
function isConstructorHead(tokens: Token[]): boolean {
  let k = tokens.length - 1;
  if (!isPunct(tokens[k], ')')) return false;
  for (let depth = 0; k >= 0; k--) {
    if (isPunct(tokens[k], ')')) depth++;
    else if (isPunct(tokens[k], '(') && --depth === 0) break;
  }
  return isName(tokens[k - 1], 'constructor');
}

/** In a skipped block: whether a `/` at `at` starts a regular expression (looking at what precedes it). */
function regexAllowedAfter(text: string, at: number): boolean {
  let j = at - 1;
  while (j >= 0 && /\s/.test(text[j])) j--;
  if (j < 0) return true;
  const c = text.charCodeAt(j);
  if (c === 41 || c === 93 || c === 39 || c === 34 || c === 96) return false; // ) ] ' " `
  if (isIdentPart(c)) {
    let s = j;
    while (s > 0 && isIdentPart(text.charCodeAt(s - 1))) s--;
    return REGEX_KEYWORDS.has(text.slice(s, j + 1));
  }
  return true;
}

/** A comment line's text: without the leading blanks and `*` (and one space after it), and trailing blanks. */
function commentLine(text: string, from: number, to: number): string {
  let i = from;
  while (i < to && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
  if (text.charCodeAt(i) === 42 && i < to) i++;
  if (text.charCodeAt(i) === 32 && i < to) i++;
  let j = to;
  while (j > i && text.charCodeAt(j - 1) <= 32) j--;
  return text.slice(i, j);
}

function punctuator(text: string, at: number): string {
  const c = text[at];
  const n = text[at + 1];
  if (c === '=') {
    if (n === '>') return '=>';
    if (n === '=') return text[at + 2] === '=' ? '===' : '==';
  } else if (c === '!' && n === '=') {
    return text[at + 2] === '=' ? '!==' : '!=';
  } else if (c === '.' && n === '.' && text[at + 2] === '.') {
    return '...';
  }
  return c;
}

function isIdentStart(c: number): boolean {
  if (c < 0x80) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36;
  return c !== 0xa0 && c !== 0xfeff && c !== 0x2028 && c !== 0x2029;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

function isPunct(t: Token | undefined, text: string): boolean {
  return t !== undefined && t.kind === 'punct' && t.text === text;
}

function isName(t: Token | undefined, text: string): boolean {
  return t !== undefined && t.kind === 'name' && t.text === text;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

function describeIds(ids: readonly string[]): string {
  if (ids.length === 0) return 'null';
  if (ids.length === 1) return `'${ids[0]}'`;
  return `[${ids.map((i) => `'${i}'`).join(', ')}]`;
}
