import { readFileSync, realpathSync } from 'node:fs';
import Module from 'node:module';
import { dirname, join, sep } from 'node:path';
import type { FieldValue, Literal, ScannedHeader } from './header-reader';
import type { LoadableRevision } from './revision-loader';
import { isTsLoaderRegistered } from './ts-loader-registered';
import { Revision } from './revision';
import { readText } from './file-text';
import { sourceDigest } from './source-digest';
import { isTsIdentifier } from './ts-source';

/**
 * Static revisions: a revision file whose `up()` and `down()` only queue constant SQL
 * (`this.addSql('…')` / `` this.addSql(`…`) ``, what autogenerate writes for most changes) is run
 * without compiling or importing its module. The file is read once and scanned by a small exact
 * scanner; the statements it yields are queued by a {@link Revision} built from them, so the runner,
 * offline SQL and the checksum's behaviour part see exactly what running the module queues.
 *
 * The scanner accepts only one shape, token by token, and answers `null` for anything else (the
 * caller then loads the module as usual): comments and white space, one import of `Revision` (a
 * `.ts` file's `import { Revision } from '<module>';`, or the CommonJS tsc emits for a `.js`/`.cjs`
 * file), one exported class `extends Revision` whose members are the header fields with literal
 * values (`revision`, `downRevision`, `branchLabels`, `dependsOn`, `transactional`, `replaces`, with the
 * modifiers `override`, `readonly`, `public`) and the methods `up()` and `down()` (optionally
 * `async`, `override`, `public`, with the return type `Promise<void>` or `void`), whose bodies are
 * only `this.addSql(<literal>);` statements. A literal is a `'…'`/`"…"` string or a template
 * without substitutions; its value is decoded as JavaScript does (escapes, line continuations, a
 * template's CR/CRLF read as LF); an escape or character the scanner is not sure of (legacy octal,
 * a raw line separator in a quoted string, a non-ASCII identifier, ...) makes the file non-static.
 *
 * The module it imports `Revision` from must resolve, from the file's folder, to this very
 * `Revision` class (else the module is loaded: another copy of the package may queue differently),
 * a `.js` file must not be an ES module (`"type": "module"`), and a `.ts` file must be loadable the
 * usual way (TypeScript installed, or a loader registered); so a file is static only when its
 * module would load and queue the same statements.
 */

/** What the scanner read from a static revision file. */
export interface StaticRevisionBody {
  /** The exported class's name. */
  readonly className: string;
  /** The module `Revision` is imported from, as written. */
  readonly importFrom: string;
  /** The statements `up()` queues, in order. */
  readonly up: readonly string[];
  /** The statements `down()` queues, or `null` when the class has no `down()` (irreversible). */
  readonly down: readonly string[] | null;
}

/**
 * Scans a revision file's text: its statements when it has the static shape (see the module's
 * comment), else `null`. Pure; `form` is `'ts'` for a `.ts` file (ES import syntax), `'cjs'` for
 * CommonJS as tsc emits it (`.js`, `.cjs`).
 *
 * @example
 * ```ts
 * const body = scanStaticRevision(text, 'ts');
 * // { className: 'AddUsers_1a2b3c4d5e6f', importFrom: 'mikro-orm-alembic', up: ['create table ...'], down: ['drop table ...'] }
 * ```
 */
export function scanStaticRevision(text: string, form: 'ts' | 'cjs'): StaticRevisionBody | null {
  return scanStaticRevisionFile(text, form)?.body ?? null;
}

/**
 * {@link scanStaticRevision}, and where the file declares its header (fields, header comment) for
 * `revisionHeaderOf`: one scan gives discovery both.
 *
 * @internal
 */
export function scanStaticRevisionFile(text: string, form: 'ts' | 'cjs'): { body: StaticRevisionBody; header: ScannedHeader } | null {
  try {
    const scanner = new Scanner(text);
    const body = scanner.file(form);
    return { body, header: scanner.scannedHeader() };
  } catch (error) {
    if (error === NOT_STATIC) return null;
    throw error;
  }
}

/**
 * The revision of `script` built from its file's text without loading the module, or `null` when the
 * file is not static (see the module's comment) or its module would not load the same way here.
 *
 * @param text the file's content, as just read.
 * @example
 * ```ts
 * const text = readFileSync(script.path, 'utf8');
 * const revision = staticRevision(script, text) ?? loadRevision(script);
 * ```
 */
export function staticRevision(script: LoadableRevision, text: string): Revision | null {
  const form = staticFormOf(script.path);
  if (form === null) return null;
  const body = scanStaticRevision(text, form);
  return body === null ? null : staticRevisionOf(script, body);
}

/** What discovery kept of a static revision file (`ScriptDirectory.takeFile`): its scan and its text's source digest. */
export interface ScannedStaticFile {
  /** What the scanner read from the file. */
  readonly staticBody: StaticRevisionBody;
  /** {@link sourceDigest} of the file's text. */
  readonly sourceDigest: string;
}

/**
 * {@link staticRevision} reading the file itself, or given what discovery kept of it
 * (`ScriptDirectory.takeFile`: read and scanned in this run, or from the header cache while the file
 * is unchanged); `sourceDigest` is of the text the statements were read from (for the checksum's
 * source part, so it is of exactly the text that runs).
 *
 * @example
 * ```ts
 * const found = readStaticRevision(script); // { revision, sourceDigest } or null
 * ```
 */
export function readStaticRevision(script: LoadableRevision, kept?: ScannedStaticFile): { revision: Revision; sourceDigest: string } | null {
  if (kept !== undefined) {
    const revision = staticRevisionOf(script, kept.staticBody);
    return revision === null ? null : { revision, sourceDigest: kept.sourceDigest };
  }
  let text: string;
  try {
    text = readText(script.path);
  } catch {
    return null; // the module load reports it
  }
  const revision = staticRevision(script, text);
  return revision === null ? null : { revision, sourceDigest: sourceDigest(text) };
}

/** The revision built from a static file's scan, or `null` when its module would not load the same way here. */
function staticRevisionOf(script: LoadableRevision, body: StaticRevisionBody): Revision | null {
  const form = staticFormOf(script.path);
  if (form === null) return null;
  const folder = dirname(script.path);
  if (!sameRevisionClass(folder, body.importFrom)) return null;
  if (form === 'cjs' && script.path.endsWith('.js') && isEsmScope(folder)) return null;
  if (form === 'ts' && !tsLoadable(folder)) return null;
  return new StaticRevision(script, body);
}

/**
 * How {@link scanStaticRevision} reads a file with this path's extension: `'ts'` for `.ts`, `'cjs'` for
 * `.js`/`.cjs`, `null` (never static) for others.
 *
 * @example
 * ```ts
 * staticFormOf('migrations/1a2b3c4d5e6f_users.js'); // 'cjs'
 * ```
 */
export function staticFormOf(path: string): 'ts' | 'cjs' | null {
  // what extname() tells, without its cost (asked once or twice per revision)
  if (endsWithExtension(path, '.ts')) return 'ts';
  return endsWithExtension(path, '.js') || endsWithExtension(path, '.cjs') ? 'cjs' : null;
}

/** Whether `extname(path) === ext`: the path ends with it, after a name that is not empty. */
function endsWithExtension(path: string, ext: string): boolean {
  const at = path.length - ext.length - 1;
  if (at < 0 || !path.endsWith(ext)) return false;
  const before = path[at];
  return before !== '/' && before !== sep;
}

/**
 * The statements a revision built by {@link staticRevision} queues: those of `up()`, and of `down()`
 * (`null` when it has none: irreversible); `null` for any other revision. What running it would
 * queue, known without running it (the checksum's behaviour part uses it).
 *
 * @example
 * ```ts
 * staticStatements(staticRevision(script, text)!); // { up: ['create table ...'], down: ['drop table ...'] }
 * staticStatements(loadRevision(script));          // null: a loaded module
 * ```
 */
export function staticStatements(revision: Revision): { readonly up: readonly string[]; readonly down: readonly string[] | null } | null {
  return revision instanceof StaticRevision ? revision.statements : null;
}

/** A revision whose `up()`/`down()` queue the statements a static file declares. */
class StaticRevision extends Revision {
  override readonly revision: string;
  override readonly downRevision: string | readonly string[] | null;
  override readonly branchLabels: readonly string[];
  override readonly dependsOn: readonly string[];
  override readonly transactional: boolean;
  override readonly replaces: readonly string[];
  readonly #up: readonly string[];
  readonly #down: readonly string[] | null;

  constructor(script: LoadableRevision, body: StaticRevisionBody) {
    super();
    const down = script.downRevisions;
    this.revision = script.id;
    this.downRevision = down.length === 0 ? null : down.length === 1 ? down[0] : down;
    this.branchLabels = script.branchLabels;
    this.dependsOn = script.dependsOn;
    this.transactional = script.transactional;
    this.replaces = script.replaces;
    this.#up = body.up;
    this.#down = body.down;
  }

  get statements(): { readonly up: readonly string[]; readonly down: readonly string[] | null } {
    return { up: this.#up, down: this.#down };
  }

  override async up(): Promise<void> {
    for (const sql of this.#up) this.addSql(sql);
  }

  override down(): Promise<void> | void {
    const statements = this.#down;
    if (statements === null) return super.down(); // no down() in the file: irreversible
    return this.#queue(statements);
  }

  async #queue(statements: readonly string[]): Promise<void> {
    for (const sql of statements) this.addSql(sql);
  }
}

// ---- the environment a module would load in (cached per folder) ---------------------------------

const revisionClassFrom = new Map<string, boolean>();

/**
 * Whether `specifier`, required from `folder`, exports this very `Revision` class. When it resolves to
 * this package's own entry (`src/index`) or the script layer's (`src/script/index`), the answer is
 * yes without loading it: the package's entry loads all of it (MikroORM included), which a run of
 * static revisions never needs. Anything else is required and its `Revision` compared.
 */
function sameRevisionClass(folder: string, specifier: string): boolean {
  // a folder's revisions ask in a row
  if (lastAnswer !== undefined && lastAnswer.folder === folder && lastAnswer.specifier === specifier) return lastAnswer.same;
  const key = `${folder}\0${specifier}`;
  let same = revisionClassFrom.get(key);
  if (same === undefined) {
    try {
      const requireThere = Module.createRequire(join(folder, '_static-revision.js'));
      if (ownEntries().has(realpathSync(requireThere.resolve(specifier)))) {
        same = true;
      } else {
        const exported = requireThere(specifier) as { Revision?: unknown } | null;
        same = exported !== null && typeof exported === 'object' && exported.Revision === Revision;
      }
    } catch {
      same = false;
    }
    revisionClassFrom.set(key, same);
  }
  lastAnswer = { folder, specifier, same };
  return same;
}

let lastAnswer: { readonly folder: string; readonly specifier: string; readonly same: boolean } | undefined;

let entries: Set<string> | undefined;

/** The real paths of this package's entry and of the script layer's index, as this process loads them. */
function ownEntries(): Set<string> {
  if (entries === undefined) {
    entries = new Set<string>();
    for (const module of ['../index', './index']) {
      try {
        entries.add(realpathSync(require.resolve(module)));
      } catch {
        // not there (a partial copy): compared by requiring
      }
    }
  }
  return entries;
}

const esmScope = new Map<string, boolean>();

/** Whether `.js` files in `folder` are ES modules (the nearest package.json says `"type": "module"`). */
function isEsmScope(folder: string): boolean {
  let esm = esmScope.get(folder);
  if (esm === undefined) {
    esm = true; // unsure: load the module
    for (let dir = folder; ; dir = dirname(dir)) {
      let text: string | undefined;
      try {
        text = readFileSync(join(dir, 'package.json'), 'utf8');
      } catch {
        text = undefined;
      }
      if (text !== undefined) {
        try {
          esm = (JSON.parse(text) as { type?: unknown }).type === 'module';
        } catch {
          esm = true;
        }
        break;
      }
      if (dirname(dir) === dir) {
        esm = false;
        break;
      }
    }
    esmScope.set(folder, esm);
  }
  return esm;
}

const tsLoadableIn = new Map<string, boolean>();

/** Whether a `.ts` revision in `folder` loads (TypeScript resolves from it or from this package, or a loader is registered). */
function tsLoadable(folder: string): boolean {
  if (isTsLoaderRegistered()) return true;
  let loadable = tsLoadableIn.get(folder);
  if (loadable === undefined) {
    loadable = false;
    for (const paths of [[folder], undefined]) {
      try {
        require.resolve('typescript', paths === undefined ? undefined : { paths });
        loadable = true;
        break;
      } catch {
        // not there
      }
    }
    tsLoadableIn.set(folder, loadable);
  }
  return loadable;
}

// ---- the scanner -----------------------------------------------------------------------------

const NOT_STATIC = new Error('not a static revision');

const FIELDS = new Set(['revision', 'downRevision', 'branchLabels', 'dependsOn', 'transactional', 'replaces']);
const FIELD_MODIFIERS = new Set(['override', 'readonly', 'public']);
const METHOD_MODIFIERS = new Set(['override', 'public', 'async']);

type TokenKind = 'name' | 'string' | 'punct' | 'end';

/** An exact scanner and parser of the static shape; `fail()` throws {@link NOT_STATIC}. */
class Scanner {
  private pos = 0;
  private readonly fields = new Map<string, FieldValue>();
  /** Whether a `/**` comment met now would be the header comment (before `class`, outside braces). */
  private commentMayBeHeader = true;
  private headerComment: { start: number; end: number } | null = null;
  private firstClass = -1;
  private kind: TokenKind = 'end';
  /** Names and punctuation: the text; strings: the decoded value. */
  private value = '';

  constructor(private readonly text: string) {
    if (text.charCodeAt(0) === 0xfeff) this.pos = 1;
    this.advance();
  }

  file(form: 'ts' | 'cjs'): StaticRevisionBody {
    return form === 'ts' ? this.tsFile() : this.cjsFile();
  }

  /** `import { Revision } from '<module>'; export class <Name> extends Revision { … }` */
  private tsFile(): StaticRevisionBody {
    this.expectName('import');
    this.inBraces(() => this.expectName('Revision'));
    this.expectName('from');
    const importFrom = this.expectString();
    this.expectPunct(';');
    this.expectName('export');
    this.classKeyword();
    const className = this.className();
    this.expectName('extends');
    this.expectName('Revision');
    const body = this.classBody(true);
    this.expectEnd();
    return { className, importFrom, ...body };
  }

  /**
   * ```js
   * "use strict";                                                   // optional
   * Object.defineProperty(exports, "__esModule", { value: true });  // optional
   * exports.<Name> = void 0;                                        // optional
   * const <binding> = require("<module>");
   * class <Name> extends <binding>.Revision { … }
   * exports.<Name> = <Name>;
   * ```
   */
  private cjsFile(): StaticRevisionBody {
    if (this.isString() && this.value === 'use strict' && this.peekRaw() === 'use strict') {
      this.advance();
      this.expectPunct(';');
    }
    if (this.isName('Object')) {
      this.advance();
      for (const p of ['.', 'defineProperty', '(', 'exports', ',']) this.expectAny(p);
      if (this.expectString() !== '__esModule') this.fail();
      this.expectPunct(',');
      this.inBraces(() => {
        for (const p of ['value', ':', 'true']) this.expectAny(p);
      });
      for (const p of [')', ';']) this.expectAny(p);
    }
    let declared: string | null = null;
    if (this.isName('exports')) {
      this.advance();
      this.expectPunct('.');
      declared = this.expectIdentifier();
      for (const p of ['=', 'void']) this.expectAny(p);
      if (this.kind !== 'punct' || this.value !== '0') this.fail();
      this.advance();
      this.expectPunct(';');
    }
    this.expectName('const');
    const binding = this.expectIdentifier();
    this.expectPunct('=');
    this.expectName('require');
    this.expectPunct('(');
    const importFrom = this.expectString();
    this.expectPunct(')');
    this.expectPunct(';');
    this.classKeyword();
    const className = this.className();
    if (className === binding || (declared !== null && declared !== className)) this.fail();
    this.expectName('extends');
    this.expectName(binding);
    this.expectPunct('.');
    this.expectName('Revision');
    const body = this.classBody(false);
    this.expectName('exports');
    this.expectPunct('.');
    this.expectName(className);
    this.expectPunct('=');
    this.expectName(className);
    this.expectPunct(';');
    this.expectEnd();
    return { className, importFrom, ...body };
  }

  /**
   * `{ … }` around what `inside` reads. The header reader skips such a block whole at the top level, so
   * a comment in it is never the header comment.
   */
  private inBraces(inside: () => void): void {
    if (!this.isPunct('{')) this.fail();
    this.commentMayBeHeader = false;
    this.advance();
    inside();
    if (!this.isPunct('}')) this.fail();
    this.commentMayBeHeader = true;
    this.advance();
  }

  /** The `class` keyword: no comment after it is the header comment. */
  private classKeyword(): void {
    if (!this.isName('class')) this.fail();
    this.firstClass = this.tokenStart;
    this.commentMayBeHeader = false;
    this.advance();
  }

  /** Where the file declares its header, as `readRevisionHeader` would find it (after {@link file}). */
  scannedHeader(): ScannedHeader {
    return { fields: this.fields, comment: this.headerComment, firstClass: this.firstClass };
  }

  private className(): string {
    const name = this.expectIdentifier();
    if (name === 'Revision') this.fail();
    return name;
  }

  /** `{ fields and up()/down() }` → their statements. */
  private classBody(ts: boolean): { up: string[]; down: string[] | null } {
    this.expectPunct('{');
    const seen = new Set<string>();
    let up: string[] | null = null;
    let down: string[] | null = null;
    while (!this.isPunct('}')) {
      const modifiers: string[] = [];
      // a modifier is a modifier only when a name follows it (`readonly = 1` would be a field named readonly)
      while (this.kind === 'name' && (FIELD_MODIFIERS.has(this.value) || METHOD_MODIFIERS.has(this.value)) && this.nextIsName()) {
        if (!ts && this.value !== 'async') this.fail();
        if (modifiers.includes(this.value)) this.fail();
        modifiers.push(this.value);
        this.advance();
      }
      const at = this.tokenStart;
      const name = this.expectIdentifier();
      if (seen.has(name)) this.fail();
      seen.add(name);
      if (this.isPunct('=')) {
        if (!FIELDS.has(name) || modifiers.some((m) => !FIELD_MODIFIERS.has(m))) this.fail();
        this.advance();
        this.fields.set(name, { value: this.literalValue(), at });
        this.expectPunct(';');
      } else if (this.isPunct('(')) {
        if ((name !== 'up' && name !== 'down') || modifiers.some((m) => !METHOD_MODIFIERS.has(m))) this.fail();
        this.advance();
        this.expectPunct(')');
        if (this.isPunct(':')) {
          if (!ts) this.fail();
          this.advance();
          this.returnType();
        }
        const statements = this.methodBody();
        if (name === 'up') up = statements;
        else down = statements;
      } else {
        this.fail();
      }
    }
    this.advance();
    if (up === null || !seen.has('revision') || !seen.has('downRevision')) this.fail();
    return { up, down };
  }

  /** `Promise<void>` or `void`. */
  private returnType(): void {
    if (this.isName('void')) {
      this.advance();
      return;
    }
    for (const p of ['Promise', '<', 'void', '>']) this.expectAny(p);
  }

  /** `{ this.addSql(<literal>); … }` → the literals. */
  private methodBody(): string[] {
    this.expectPunct('{');
    const statements: string[] = [];
    while (!this.isPunct('}')) {
      for (const p of ['this', '.', 'addSql', '(']) this.expectAny(p);
      if (!this.isString()) this.fail();
      statements.push(this.value);
      this.advance();
      this.expectPunct(')');
      if (this.isPunct(';')) this.advance();
      else if (!this.isPunct('}')) this.fail(); // only the last statement may rely on ASI
    }
    this.advance();
    return statements;
  }

  /** `null`, `true`, `false`, a string, or `[strings]`, optionally `as const`: its value. */
  private literalValue(): Literal {
    let value: Literal;
    if (this.isString()) {
      value = this.value;
      this.advance();
    } else if (this.isName('null') || this.isName('true') || this.isName('false')) {
      value = this.value === 'null' ? null : this.value === 'true';
      this.advance();
    } else if (this.isPunct('[')) {
      this.advance();
      const items: string[] = [];
      while (!this.isPunct(']')) {
        if (!this.isString()) this.fail();
        items.push(this.value);
        this.advance();
        if (this.isPunct(',')) this.advance();
        else if (!this.isPunct(']')) this.fail();
      }
      this.advance();
      value = items;
    } else {
      this.fail();
    }
    if (this.isName('as')) {
      this.advance();
      this.expectName('const');
    }
    return value;
  }

  // ---- token helpers ----

  private fail(): never {
    throw NOT_STATIC;
  }

  private isString(): boolean {
    return this.kind === 'string';
  }

  private isName(name: string): boolean {
    return this.kind === 'name' && this.value === name;
  }

  private isPunct(p: string): boolean {
    return this.kind === 'punct' && this.value === p;
  }

  private expectName(name: string): void {
    if (!this.isName(name)) this.fail();
    this.advance();
  }

  private expectPunct(p: string): void {
    if (!this.isPunct(p)) this.fail();
    this.advance();
  }

  /** A name or punctuation token with this text. */
  private expectAny(text: string): void {
    if ((this.kind !== 'name' && this.kind !== 'punct') || this.value !== text) this.fail();
    this.advance();
  }

  private expectIdentifier(): string {
    if (this.kind !== 'name' || !isTsIdentifier(this.value)) this.fail();
    const name = this.value;
    this.advance();
    return name;
  }

  private expectString(): string {
    if (!this.isString()) this.fail();
    const value = this.value;
    this.advance();
    return value;
  }

  private expectEnd(): void {
    if (this.kind !== 'end') this.fail();
  }

  /** The raw text of the current string token without its quotes (to tell `"use strict"` from an escaped look-alike). */
  private peekRaw(): string {
    return this.text.slice(this.tokenStart + 1, this.pos - 1);
  }

  private tokenStart = 0;

  /** Whether the token after the current one is a name (looks ahead without moving). */
  private nextIsName(): boolean {
    const saved = { pos: this.pos, kind: this.kind, value: this.value, start: this.tokenStart };
    this.advance();
    const result = this.kind === 'name';
    this.pos = saved.pos;
    this.kind = saved.kind;
    this.value = saved.value;
    this.tokenStart = saved.start;
    return result;
  }

  /** Reads the next token into `kind`/`value`. */
  private advance(): void {
    const text = this.text;
    const n = text.length;
    let i = this.pos;
    // white space and comments
    for (;;) {
      if (i >= n) {
        this.pos = i;
        this.tokenStart = i;
        this.kind = 'end';
        this.value = '';
        return;
      }
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) {
        i++;
      } else if (c === 47 /* / */ && text.charCodeAt(i + 1) === 47) {
        i += 2;
        while (i < n) {
          const d = text.charCodeAt(i);
          if (d === 10 || d === 13) break;
          // the header reader reads such a comment on to the next LF: leave the file to it and the loader
          if (d === 0x2028 || d === 0x2029) this.fail();
          i++;
        }
      } else if (c === 47 && text.charCodeAt(i + 1) === 42 /* * */) {
        const end = text.indexOf('*/', i + 2);
        if (end < 0) this.fail();
        // the header reader's rule: the first `/** … */` (not `/**/`) before `class`
        if (this.commentMayBeHeader && this.headerComment === null && text.charCodeAt(i + 2) === 42 && end > i + 2) {
          this.headerComment = { start: i, end };
        }
        i = end + 2;
      } else {
        break;
      }
    }
    this.tokenStart = i;
    const c = text.charCodeAt(i);
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentPart(text.charCodeAt(j))) j++;
      const after = text.charCodeAt(j);
      if (after === 92 /* \ */ || after > 0x7f) this.fail(); // escaped or non-ASCII identifier
      this.kind = 'name';
      this.value = text.slice(i, j);
      this.pos = j;
      return;
    }
    if (c === 39 || c === 34) {
      this.kind = 'string';
      this.value = this.quoted(i, c);
      return;
    }
    if (c === 96) {
      this.kind = 'string';
      this.value = this.template(i);
      return;
    }
    if (c === 48 /* 0 */ && !isIdentPart(text.charCodeAt(i + 1)) && text.charCodeAt(i + 1) !== 46) {
      this.kind = 'punct'; // the `0` of `void 0`
      this.value = '0';
      this.pos = i + 1;
      return;
    }
    if ('{}()[];.,=<>:'.includes(text[i])) {
      this.kind = 'punct';
      this.value = text[i];
      this.pos = i + 1;
      // `=>`, `==`, `<=`, `>=`, `<<`, `>>`, `::` would be other tokens
      const next = text.charCodeAt(i + 1);
      if ((c === 61 || c === 60 || c === 62) && (next === 61 || next === 62 || next === 60)) this.fail();
      return;
    }
    this.fail();
  }

  /** A `'…'` or `"…"` string from `start` (its quote); moves past it and returns its value. */
  private quoted(start: number, quote: number): string {
    const text = this.text;
    let out = '';
    let from = start + 1;
    for (let i = from; ; ) {
      if (i >= text.length) this.fail();
      const c = text.charCodeAt(i);
      if (c === quote) {
        out += text.slice(from, i);
        this.pos = i + 1;
        return out;
      }
      if (c === 10 || c === 13 || c === 0x2028 || c === 0x2029) this.fail(); // TypeScript refuses raw line separators too
      if (c === 92) {
        out += text.slice(from, i);
        i = this.escape(i, false);
        out += this.escaped;
        from = i;
        continue;
      }
      i++;
    }
  }

  /** A template without substitutions from `start` (its backtick). */
  private template(start: number): string {
    const text = this.text;
    let out = '';
    let from = start + 1;
    for (let i = from; ; ) {
      if (i >= text.length) this.fail();
      const c = text.charCodeAt(i);
      if (c === 96) {
        out += text.slice(from, i);
        this.pos = i + 1;
        return out;
      }
      if (c === 36 /* $ */ && text.charCodeAt(i + 1) === 123) this.fail(); // a substitution
      if (c === 13) {
        // CR and CRLF are read as LF in a template's value
        out += `${text.slice(from, i)}\n`;
        i += text.charCodeAt(i + 1) === 10 ? 2 : 1;
        from = i;
        continue;
      }
      if (c === 92) {
        out += text.slice(from, i);
        i = this.escape(i, true);
        out += this.escaped;
        from = i;
        continue;
      }
      i++;
    }
  }

  /** The value of the escape sequence read by {@link escape}. */
  private escaped = '';

  /** Reads the escape sequence at `at` (its backslash) into `escaped`; returns the index after it. */
  private escape(at: number, template: boolean): number {
    const text = this.text;
    const c = text[at + 1];
    const single = SINGLE_CHARACTER_ESCAPES[c];
    if (single !== undefined) {
      this.escaped = single;
      return at + 2;
    }
    switch (c) {
      case '0': {
        const d = text.charCodeAt(at + 2);
        if (d >= 48 && d <= 57) this.fail(); // legacy octal
        this.escaped = '\0';
        return at + 2;
      }
      case '$':
        if (!template) this.fail(); // `\$` in a quoted string is fine in JavaScript, but keep to what writers emit
        this.escaped = '$';
        return at + 2;
      case 'x': {
        const hex = text.slice(at + 2, at + 4);
        if (!/^[0-9A-Fa-f]{2}$/.test(hex)) this.fail();
        this.escaped = String.fromCharCode(parseInt(hex, 16));
        return at + 4;
      }
      case 'u': {
        if (text[at + 2] === '{') {
          const close = text.indexOf('}', at + 3);
          const hex = close < 0 ? '' : text.slice(at + 3, close);
          if (!/^[0-9A-Fa-f]{1,6}$/.test(hex)) this.fail();
          const code = parseInt(hex, 16);
          if (code > 0x10ffff) this.fail();
          this.escaped = String.fromCodePoint(code);
          return close + 1;
        }
        const hex = text.slice(at + 2, at + 6);
        if (!/^[0-9A-Fa-f]{4}$/.test(hex)) this.fail();
        this.escaped = String.fromCharCode(parseInt(hex, 16));
        return at + 6;
      }
      case '\n':
      case '\u2028':
      case '\u2029':
        this.escaped = ''; // a line continuation
        return at + 2;
      case '\r':
        this.escaped = '';
        return text[at + 2] === '\n' ? at + 3 : at + 2;
      default:
        this.fail(); // other escapes (`\a`, digits, ...) are not written by any generator: load the module
    }
  }
}

/** `\n` and the other escapes that stand for one character, and the quotes and backslash escaped as themselves. */
const SINGLE_CHARACTER_ESCAPES: Readonly<Record<string, string>> = Object.freeze({
  n: '\n',
  r: '\r',
  t: '\t',
  b: '\b',
  f: '\f',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '`': '`',
});

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}
