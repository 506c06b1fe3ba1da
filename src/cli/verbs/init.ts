import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { isRevisionFileName } from '../../script/script-directory';
import { shownPath } from '../cli-project';
import { InitNotEmptyError } from '../errors';
import { readProjectSettings } from '../project-settings';
import type { VerbContext } from '../verb-context';

/** Options of `init`. */
export interface InitOptions {
  /** `false` (`--no-package-json`): do not add the `"mikro-orm-alembic"` key to package.json. */
  readonly packageJson?: boolean;
}

const README = `# Migrations (mikro-orm-alembic)

One file per revision, named \`<id>_<slug>.ts\`. Each exports a class extending \`Revision\` whose
literal fields say where it sits in the graph (\`revision\`, \`downRevision\`, \`branchLabels\`,
\`dependsOn\`) and whose \`up()\`/\`down()\` say what it does.

Files whose name starts with \`_\` or \`.\`, subfolders, and files that are not \`.ts\`/\`.js\`/\`.cjs\`
(like this one) are not revisions.

    npx mikro-orm-alembic revision -m "create users"   # a new revision on the head
    npx mikro-orm-alembic heads                        # the heads of the graph
    npx mikro-orm-alembic history --graph              # the whole graph
    npx mikro-orm-alembic upgrade head                 # apply
`;

/**
 * `init [directory]` (default `migrations`): scaffolds the migrations folder as `alembic init`
 * does, adds `"mikro-orm-alembic": { "path": ... }` to the project's package.json (in a TypeScript
 * project `{ "path": "dist/migrations", "pathTs": "migrations" }`, as the README's config; so graph
 * commands never load the MikroORM config; not with `--no-package-json`, nor when the key is
 * already there), and prints the lines to add to `mikro-orm.config.ts`. A folder that already holds
 * revisions is refused.
 *
 * @example
 * ```ts
 * await init(ctx, 'src/migrations', {});
 * ```
 */
export async function init(ctx: VerbContext, directory: string | undefined, options: InitOptions): Promise<void> {
  const out = ctx.output;
  const folder = resolve(ctx.cwd, directory ?? 'migrations');
  const shown = shownPath(folder, ctx.cwd);
  if (existsSync(folder)) {
    const revisions = readdirSync(folder).filter(isRevisionFileName);
    if (revisions.length > 0) throw new InitNotEmptyError(shown, revisions.length);
  }
  mkdirSync(folder, { recursive: true });
  const readme = resolve(folder, 'README.md');
  const created = !existsSync(readme);
  if (created) writeFileSync(readme, README);
  out.line(`Created ${shown}${sep}${created ? ` (with ${shownPath(readme, ctx.cwd)})` : ''}`);

  const settings = readProjectSettings(ctx.cwd);
  const keyPath = relative(settings.root, folder).split(sep).join('/') || '.';
  // what the README shows: in a TypeScript project revisions are written as .ts into the folder
  // (pathTs) and the compiled app reads their .js from the build output (path)
  const compiled = compiledFolder(settings.root, folder);
  const key: { path: string; pathTs?: string } = compiled === null ? { path: keyPath } : { path: compiled, pathTs: keyPath };
  const keyJson = JSON.stringify(key).replace(/,/g, ', ').replace(/:/g, ': ').replace(/^\{/, '{ ').replace(/\}$/, ' }');
  const pluginOptions = compiled === null ? `{ path: '${keyPath}' }` : `{ path: '${compiled}', pathTs: '${keyPath}' }`;
  if (settings.packageJson === null) {
    out.line(`No package.json found: add one with "mikro-orm-alembic": ${keyJson} so that graph commands skip the MikroORM config.`);
  } else if (settings.alembic !== null) {
    out.line(`${shownPath(settings.packageJson, ctx.cwd)} already has a "mikro-orm-alembic" key: left as it is.`);
  } else if (options.packageJson === false) {
    out.line(`Add to ${shownPath(settings.packageJson, ctx.cwd)}: "mikro-orm-alembic": ${keyJson}`);
  } else {
    addPackageKey(settings.packageJson, key);
    out.line(`Added "mikro-orm-alembic": ${keyJson} to ${shownPath(settings.packageJson, ctx.cwd)} (graph commands read it and skip the MikroORM config)`);
  }

  const c = out.color;
  out.lines([
    '',
    'Add the plugin to your MikroORM config (mikro-orm.config.ts), with the same folders:',
    '',
    c.cyan("  import { alembic } from 'mikro-orm-alembic';"),
    '',
    '  export default defineConfig({',
    '    // ...',
    c.cyan(`    extensions: [alembic(${pluginOptions})],`),
    '  });',
    '',
    ...(compiled === null
      ? []
      : [`(${keyPath}: the .ts revisions, written and run under ts-node; ${compiled}: where tsc puts them, which the compiled app reads.)`, '']),
    'Then write the first revision:',
    '',
    c.cyan('  npx mikro-orm-alembic revision -m "create users"'),
  ]);
}

/**
 * Where tsc puts the compiled revisions of `folder` (relative to `root`, with `/`), or `null` when the
 * project has no tsconfig.json (plain JavaScript: one folder). `outDir` (default `dist`) plus the
 * folder's place under `rootDir` (default the project).
 */
function compiledFolder(root: string, folder: string): string | null {
  const file = resolve(root, 'tsconfig.json');
  if (!existsSync(file)) return null;
  let options: { outDir?: unknown; rootDir?: unknown } = {};
  try {
    options = ((JSON.parse(readFileSync(file, 'utf8')) as { compilerOptions?: typeof options }).compilerOptions ?? {});
  } catch {
    // a tsconfig.json with comments: the usual layout
  }
  const outDir = resolve(root, typeof options.outDir === 'string' ? options.outDir : 'dist');
  const rootDir = resolve(root, typeof options.rootDir === 'string' ? options.rootDir : '.');
  const inside = relative(rootDir, folder);
  const under = inside.startsWith('..') || isAbsolute(inside) ? relative(root, folder) : inside;
  return relative(root, resolve(outDir, under)).split(sep).join('/');
}

/** Adds a key to package.json, keeping its indentation and final newline. */
function addPackageKey(file: string, value: { path: string; pathTs?: string }): void {
  const text = readFileSync(file, 'utf8');
  const pkg = JSON.parse(text) as Record<string, unknown>;
  pkg['mikro-orm-alembic'] = value;
  const indent = /^[ \t]+(?=")/m.exec(text)?.[0] ?? '  ';
  writeFileSync(file, `${JSON.stringify(pkg, null, indent)}${text.endsWith('\n') ? '\n' : ''}`);
}
