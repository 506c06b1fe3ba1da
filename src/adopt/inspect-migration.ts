import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { requireTypeScript } from '../script/typescript-module';
import { AdoptMigrationError } from './errors';
import { findMigrationClass, migrationBaseOf } from './migration-class';
import type { MikroOrmMigrationFile } from './mikro-orm-folder';

/** What adopt learnt about one MikroORM migration by loading it. */
export interface InspectedMigration extends MikroOrmMigrationFile {
  /** The class MikroORM would run (the module's first exported function). */
  readonly className: string;
  /** `isTransactional()` of an instance. */
  readonly transactional: boolean;
  /** Whether the class (or a class between it and `Migration`) defines `down()`. */
  readonly reversible: boolean;
  /** The file's text (so a second look does not read it again). */
  readonly text: string;
}

/**
 * Members of MikroORM's `Migration` an adopted migration cannot use, with the reason. `addSql`,
 * `execute`, `getKnex` (building queries) and `reset` keep working.
 */
const REFUSED_MEMBERS: Readonly<Record<string, string>> = Object.freeze({
  getEntityManager: 'this.getEntityManager() is not available in an adopted migration (the plugin runs revisions on its own connection, without an EntityManager); use this.execute() or this.addSql()',
  driver: 'this.driver is not available in an adopted migration; use this.execute() or this.addSql()',
  config: "this.config (MikroORM's Configuration) is not available in an adopted migration",
  ctx: 'this.ctx (the knex transaction) is not available in an adopted migration; this.execute() runs in the revision\'s transaction',
  em: 'this.em is not available in an adopted migration',
  setTransactionContext: 'this.setTransactionContext() is not available in an adopted migration',
});
const REFUSED = new RegExp(`\\bthis\\s*\\.\\s*(${Object.keys(REFUSED_MEMBERS).join('|')})\\b`);

/**
 * Loads one MikroORM migration (a `.ts` file is transpiled, as revisions are) and checks that adopt can
 * take it over: an exported class extending MikroORM's `Migration` (found as MikroORM finds it) with an
 * `up()`, no member the plugin cannot provide (`this.getEntityManager()`, `this.driver`, `this.config`,
 * `this.ctx`, `this.em`; the error names the line). Reads `isTransactional()` from an instance and whether
 * `down()` is defined.
 *
 * @example
 * ```ts
 * const inspected = inspectMigration({ name, path, fileName }, 'src/migrations/Migration20240312101500.ts');
 * inspected.transactional; // false when the class overrides isTransactional() to return false
 * ```
 */
export function inspectMigration(file: MikroOrmMigrationFile, shown: string): InspectedMigration {
  const text = readFileSync(file.path, 'utf8');
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const code = withoutComment(lines[i]);
    const m = REFUSED.exec(code);
    if (m) throw new AdoptMigrationError(shown, i + 1, REFUSED_MEMBERS[m[1]]);
  }
  let exported: unknown;
  try {
    exported = extname(file.path) === '.ts' ? requireTypeScript(file.path) : require(file.path);
  } catch (error) {
    throw new AdoptMigrationError(shown, null, `cannot load it: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  } finally {
    // the adopted revision takes this path: a later require in this process must read the new file
    delete require.cache[file.path];
  }
  const cls = findMigrationClass(exported);
  if (cls === undefined) throw new AdoptMigrationError(shown, null, 'it exports no class (MikroORM runs the first exported class of a migration file)');
  const base = migrationBaseOf(cls);
  if (base === undefined) {
    throw new AdoptMigrationError(shown, lineOf(lines, `class ${cls.name}`), `${cls.name} does not extend Migration from @mikro-orm/migrations`);
  }
  if (typeof cls.prototype.up !== 'function') throw new AdoptMigrationError(shown, lineOf(lines, `class ${cls.name}`), `${cls.name} has no up() method`);
  let transactional: unknown;
  try {
    const instance = new cls(undefined, undefined) as { isTransactional(): unknown };
    transactional = instance.isTransactional();
  } catch (error) {
    throw new AdoptMigrationError(shown, null, `cannot construct ${cls.name}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (typeof transactional !== 'boolean') {
    throw new AdoptMigrationError(shown, lineOf(lines, 'isTransactional'), `${cls.name}.isTransactional() returned ${String(transactional)}, not true or false`);
  }
  return Object.freeze({ ...file, className: cls.name, transactional, reversible: cls.prototype.down !== base.prototype.down, text });
}

/** A line without its `//` comment (good enough for spotting `this.x` in code). */
function withoutComment(line: string): string {
  const at = line.indexOf('//');
  return at < 0 ? line : line.slice(0, at);
}

function lineOf(lines: readonly string[], needle: string): number | null {
  const index = lines.findIndex((l) => l.includes(needle));
  return index < 0 ? null : index + 1;
}
