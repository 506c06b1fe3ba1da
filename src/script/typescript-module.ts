import { readFileSync } from 'node:fs';
import Module from 'node:module';
import { dirname } from 'node:path';

/**
 * Revision modules written in TypeScript, loaded without type-checking.
 *
 * A revision's `.ts` file is compiled by TypeScript's `transpileModule` (one file, syntax only, the same
 * work as ts-node's `transpileOnly`) and run as a CommonJS module, whatever TypeScript loader the
 * process registered: a type-checking ts-node costs about 400 ms a revision (it type-checks each file
 * and what it imports), this a few milliseconds. What a revision imports (`mikro-orm-alembic`, a helper
 * of the project) is required as usual, through the process's own loaders.
 *
 * Type errors in revision files are then `tsc`'s business (the project's build or `npx tsc --noEmit`),
 * as they are for the rest of a project run with ts-node's `transpileOnly`.
 */

/** The part of TypeScript's API this uses (the `typescript` package of the project or of this package). */
interface TypeScriptApi {
  readonly version: string;
  transpileModule(
    input: string,
    options: { compilerOptions: Record<string, unknown>; fileName: string; reportDiagnostics?: boolean },
  ): { outputText: string; diagnostics?: readonly TypeScriptDiagnostic[] };
  flattenDiagnosticMessageText(message: unknown, newLine: string): string;
  readonly ModuleKind: { readonly CommonJS: number };
  readonly ScriptTarget: { readonly ES2021: number };
}

interface TypeScriptDiagnostic {
  readonly messageText: unknown;
  readonly start?: number;
  readonly file?: { getLineAndCharacterOfPosition(position: number): { line: number; character: number } };
}

type InternalModule = Module & {
  _compile(code: string, filename: string): void;
};
type ModuleStatics = typeof Module & { _nodeModulePaths(from: string): string[] };

const compilers = new Map<string, TypeScriptApi | null>();

/**
 * TypeScript as installed for the file's project (searched from the file's folder), else the copy this
 * package resolves; `null` when neither exists.
 */
function typescriptFor(file: string): TypeScriptApi | null {
  let path: string | undefined;
  for (const paths of [[dirname(file)], undefined]) {
    try {
      path = require.resolve('typescript', paths === undefined ? undefined : { paths });
      break;
    } catch {
      // not installed there
    }
  }
  if (path === undefined) return null;
  let ts = compilers.get(path);
  if (ts === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    ts = require(path) as TypeScriptApi;
    compilers.set(path, ts);
  }
  return ts;
}

/**
 * Whether {@link requireTypeScript} can load `.ts` files for this file (TypeScript is installed).
 *
 * @example
 * ```ts
 * if (!canTranspile('/app/migrations/1a2b3c4d5e6f_users.ts')) console.log('npm i -D typescript');
 * ```
 */
export function canTranspile(file: string): boolean {
  return typescriptFor(file) !== null;
}

/**
 * Requires a `.ts` module by transpiling it (no type-check), once: later calls, and `require` of the
 * same path, get the cached module. Throws what the module throws, or a `SyntaxError` naming the file,
 * line and column of the first syntax error. Call {@link canTranspile} first.
 *
 * @example
 * ```ts
 * const exported = requireTypeScript('/app/migrations/1a2b3c4d5e6f_users.ts') as Record<string, unknown>;
 * ```
 */
export function requireTypeScript(file: string): unknown {
  const cached = require.cache[file];
  if (cached !== undefined) return cached.exports;
  const ts = typescriptFor(file);
  if (ts === null) throw new Error(`cannot transpile ${file}: the typescript package is not installed`);
  const { outputText, diagnostics = [] } = ts.transpileModule(readFileSync(file, 'utf8'), {
    fileName: file,
    reportDiagnostics: true,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2021,
      esModuleInterop: true,
      experimentalDecorators: true,
      sourceMap: false,
      inlineSourceMap: true,
      inlineSources: true,
    },
  });
  if (diagnostics.length > 0) {
    // syntax errors only (transpileModule does not type-check): the first, with its line and column
    const first = diagnostics[0];
    const at = first.file !== undefined && first.start !== undefined ? first.file.getLineAndCharacterOfPosition(first.start) : undefined;
    const where = at === undefined ? file : `${file}:${at.line + 1}:${at.character + 1}`;
    throw new SyntaxError(`${where}: ${ts.flattenDiagnosticMessageText(first.messageText, '\n')}`);
  }
  const statics = Module as ModuleStatics;
  const mod = new Module(file, module) as InternalModule;
  mod.filename = file;
  mod.paths = statics._nodeModulePaths(dirname(file));
  require.cache[file] = mod;
  try {
    mod._compile(outputText, file);
  } catch (error) {
    delete require.cache[file];
    throw error;
  }
  mod.loaded = true;
  return mod.exports;
}
