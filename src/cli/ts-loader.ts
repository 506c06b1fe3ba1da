import { dirname, isAbsolute, join } from 'node:path';
import { isTsLoaderRegistered } from '../script/ts-loader-registered';
import { ConfigLoadError } from './errors';
import type { ProjectSettings } from './project-settings';

/**
 * TypeScript in the bin, as MikroORM's CLI does it: `.ts` files (the config, revisions) are
 * compiled by ts-node, registered with `ConfigurationLoader.registerTsNode` (transpile-only,
 * `module: nodenext`), unless `useTsNode` is `false`. Registration is lazy: graph commands never
 * load ts-node.
 */

/**
 * Whether the bin reads TypeScript revisions (`pathTs`, `.ts` files first): a TypeScript loader is
 * already registered, or `useTsNode` is not `false` and ts-node can be found from the project.
 *
 * @example
 * ```ts
 * const preferTs = prefersTypeScript(readProjectSettings(cwd), cwd);
 * ```
 */
export function prefersTypeScript(settings: ProjectSettings, cwd: string): boolean {
  if (isTsLoaderRegistered()) return true;
  return settings.useTsNode !== false && canResolve('ts-node', tsConfigPathOf(settings, cwd));
}

/**
 * Registers ts-node (once) so that `.ts` files can be required; does nothing when a TypeScript
 * loader is already registered. Throws `ConfigLoadError` when ts-node is not installed or fails to
 * start (e.g. an invalid tsconfig.json).
 *
 * @example
 * ```ts
 * ensureTsLoader(settings, process.cwd());
 * require('./migrations/1a2b3c4d5e6f_add_users.ts');
 * ```
 */
export function ensureTsLoader(settings: ProjectSettings, cwd: string): void {
  if (isTsLoaderRegistered()) return;
  const tsConfigPath = tsConfigPathOf(settings, cwd);
  if (!canResolve('ts-node', tsConfigPath)) {
    throw new ConfigLoadError(
      'TypeScript files must be loaded, but ts-node is not installed in this project ' +
        '(npm i -D ts-node typescript), or point the bin at compiled .js revisions (path instead of pathTs, useTsNode: false)',
    );
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ConfigurationLoader } = require('@mikro-orm/core') as typeof import('@mikro-orm/core');
  try {
    ConfigurationLoader.registerTsNode(tsConfigPath);
  } catch (error) {
    throw new ConfigLoadError(`Cannot register ts-node with ${tsConfigPath}: ${error instanceof Error ? error.message : String(error)}`, [], {
      cause: error,
    });
  }
}

function tsConfigPathOf(settings: ProjectSettings, cwd: string): string {
  const configured = settings.tsConfigPath ?? 'tsconfig.json';
  return isAbsolute(configured) ? configured : join(cwd, configured);
}

function canResolve(module: string, from: string): boolean {
  try {
    require.resolve(module, { paths: [dirname(from)] });
    return true;
  } catch {
    return false;
  }
}
