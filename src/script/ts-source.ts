/**
 * Text from a model or a user (names, labels, comments, messages, safety notes) written into
 * generated TypeScript: one function per place where it lands, so that it stays what it is there (a
 * comment stays a comment, a string literal stays a string literal whose value is exactly the text)
 * whatever it holds: newlines, CR, U+2028/U+2029, `*\/`, backticks, `${`, quotes, backslashes,
 * control and invisible characters.
 *
 * Every function's output is one physical line (no line terminator of any kind), so indenting the
 * code around it can never change a value. Characters that end a line (`\n`, `\r`, U+2028, U+2029),
 * other control characters, lone surrogates and invisible or bidirectional formatting characters
 * (which can make code read differently from what it does) are written as escapes: `\n`, `\r`, `\t`,
 * `\xNN`, `\uNNNN`. In a string literal they are real escapes (the value is unchanged); in a comment
 * they are only shown that way.
 *
 * The generator of revision files (`renderRevision`) and every autogenerate renderer use these; no
 * other code writes model text into a file.
 */

/**
 * What is never written as itself: C0 and C1 controls and DEL, line and paragraph separators,
 * zero-width and bidirectional formatting characters, the BOM and interlinear annotation marks, lone
 * surrogates.
 */
const UNSAFE =
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const SHORT: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f', '\v': '\\v' };

function escapeChar(ch: string): string {
  const short = SHORT[ch];
  if (short !== undefined) return short;
  const code = ch.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

function escapeUnsafe(text: string, keepTabs = false): string {
  return text.replace(UNSAFE, (ch) => (keepTabs && ch === '\t' ? ch : escapeChar(ch)));
}

/**
 * A single-quoted string literal whose value is exactly `text`, on one line.
 *
 * @example
 * ```ts
 * tsStringLiteral("it's\nnew"); // => "'it\\'s\\nnew'"
 * ```
 */
export function tsStringLiteral(text: string): string {
  return `'${escapeUnsafe(text.replace(/\\/g, '\\\\').replace(/'/g, "\\'"))}'`;
}

/**
 * A double-quoted string literal whose value is exactly `text`, on one line (what `JSON.stringify`
 * writes for ordinary text, with U+2028/U+2029 and invisible characters escaped too).
 *
 * @example
 * ```ts
 * tsDoubleQuotedLiteral('./mikro-orm/Migration1'); // => '"./mikro-orm/Migration1"'
 * ```
 */
export function tsDoubleQuotedLiteral(text: string): string {
  return `"${escapeUnsafe(text.replace(/\\/g, '\\\\').replace(/"/g, '\\"'))}"`;
}

/**
 * A template literal (no substitution) whose value is exactly `text`, on one line: backslashes,
 * backticks and `${` escaped.
 *
 * @example
 * ```ts
 * tsTemplateLiteral("a = 'x' and `${b}`"); // => "`a = 'x' and \\`\\${b}\\``"
 * ```
 */
export function tsTemplateLiteral(text: string): string {
  return `\`${escapeUnsafe(text.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${'))}\``;
}

/**
 * The most readable literal for `text`: a template literal when the text holds a `'` (SQL with
 * string literals, defaults) and no backtick, else single quotes. One line either way.
 *
 * @example
 * ```ts
 * tsString('user_role');        // => "'user_role'"
 * tsString(`'user'::user_role`); // => "`'user'::user_role`"
 * ```
 */
export function tsString(text: string): string {
  return text.includes("'") && !text.includes('`') ? tsTemplateLiteral(text) : tsStringLiteral(text);
}

/**
 * The text of a `//` comment: nothing in it can end the line (line terminators and other control
 * characters are shown as escapes; tabs stay).
 *
 * @example
 * ```ts
 * `// ${tsLineComment("removes 'x\nrequire(1)' from t")}`; // "// removes 'x\\nrequire(1)' from t"
 * ```
 */
export function tsLineComment(text: string): string {
  return escapeUnsafe(text, true);
}

/**
 * One line of a `/* ... *\/` (or JSDoc) comment: like {@link tsLineComment}, and `*\/` cannot close
 * the comment (written `*\/` with a backslash).
 *
 * @example
 * ```ts
 * tsBlockCommentLine('a *' + '/ b'); // 'a *\\/ b'
 * ```
 */
export function tsBlockCommentLine(text: string): string {
  return escapeUnsafe(text, true).replace(/\*\//g, '*\\/');
}

/**
 * The lines of a `/* ... *\/` comment for a text of several lines: split at every line terminator
 * (`\r\n`, `\n`, `\r`, U+2028, U+2029), each line made safe by {@link tsBlockCommentLine}.
 *
 * @example
 * ```ts
 * tsBlockCommentLines('first\r\nsecond *' + '/'); // ['first', 'second *\\/']
 * ```
 */
export function tsBlockCommentLines(text: string): string[] {
  return text.split(/\r\n|[\n\r\u2028\u2029]/).map(tsBlockCommentLine);
}

/** Whether `name` is a plain identifier (ASCII letters, digits, `_`, `$`; not starting with a digit). */
export function isTsIdentifier(name: string): boolean {
  return /^[A-Za-z_$][\w$]*$/.test(name) && !RESERVED.has(name);
}

/**
 * An object key: the name itself when it is an identifier, else a string literal; `__proto__` as a
 * computed key (`['__proto__']`), which defines a key instead of setting the object's prototype.
 *
 * @example
 * ```ts
 * tsPropertyKey('guest');     // 'guest'
 * tsPropertyKey('say "hi"');  // `'say "hi"'`
 * ```
 */
export function tsPropertyKey(name: string): string {
  if (name === '__proto__') return `[${tsString(name)}]`;
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : tsString(name);
}

const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for function if import in ' +
    'instanceof new null return super switch this throw true try typeof var void while with implements interface let package private ' +
    'protected public static yield await async arguments eval undefined'
  ).split(' '),
);
