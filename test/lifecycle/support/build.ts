/**
 * The plugin compiled to JavaScript for the lifecycle tests' child processes: every `src/**\/*.ts` and
 * the child app (`app-process.ts`) transpiled (no type check) into a temporary folder, once per test
 * run. A child then starts in about 0.35 s with plain `node` instead of about 1 s under ts-node, which
 * is what lets 16 processes start together, and 30 kill trials run, within the time budget. It is also
 * how an app runs in production: compiled JavaScript, revisions from `path`.
 *
 * The build lives in `node_modules/.cache/`, so its `require('pg')`, `require('@mikro-orm/core')` resolve to
 * this repository's packages — from the child apps and from the test process alike (which loads
 * compiled revisions that import the compiled package).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import * as ts from 'typescript';

export const REPO = resolve(__dirname, '..', '..', '..');

const COMPILER_OPTIONS: ts.CompilerOptions = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  esModuleInterop: true,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  resolveJsonModule: true,
};

/** What {@link lifecycleBuild} made. */
export interface LifecycleBuild {
  /** The build's root (mirrors the repository: `src/`, `test/lifecycle/support/`). */
  readonly root: string;
  /** The compiled package entry (`<root>/src`), for revisions' `import { Revision } from ...`. */
  readonly packageDir: string;
  /** The child app (`node <appProcess>`). */
  readonly appProcess: string;
  /** The environment of a child. */
  readonly env: NodeJS.ProcessEnv;
}

let build: LifecycleBuild | undefined;

/** Transpiles one TypeScript file to JavaScript (comments kept: revision headers are read from the text). */
export function transpileFile(from: string, to: string): void {
  const out = ts.transpileModule(readFileSync(from, 'utf8'), { compilerOptions: COMPILER_OPTIONS, fileName: from });
  mkdirSync(dirname(to), { recursive: true });
  writeFileSync(to, out.outputText);
}

function transpileTree(fromDir: string, toDir: string): void {
  for (const entry of readdirSync(fromDir, { withFileTypes: true })) {
    const from = join(fromDir, entry.name);
    if (entry.isDirectory()) transpileTree(from, join(toDir, entry.name));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) transpileFile(from, join(toDir, entry.name.replace(/\.ts$/, '.js')));
  }
}

/** The build, made on first use (about a second) and removed when the test process exits. */
export function lifecycleBuild(): LifecycleBuild {
  if (build) return build;
  const cache = join(REPO, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const root = mkdtempSync(join(cache, 'mikro-orm-alembic-lifecycle-'));
  process.on('exit', () => rmSync(root, { recursive: true, force: true }));
  transpileTree(join(REPO, 'src'), join(root, 'src'));
  const app = join(REPO, 'test', 'lifecycle', 'support', 'app-process.ts');
  const appProcess = join(root, relative(REPO, app).replace(/\.ts$/, '.js'));
  transpileFile(app, appProcess);
  build = Object.freeze({
    root,
    packageDir: join(root, 'src'),
    appProcess,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  return build;
}
