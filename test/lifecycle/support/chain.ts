/**
 * Revision chains for the lifecycle tests, written with the plugin's script writer (`writeRevision`) as
 * TypeScript and compiled to JavaScript next to it, as an app ships them (`pathTs` / `path`).
 *
 * Revision `n` (from 1) of a chain creates table `t_<n>` with an index, and inserts `n` into the log
 * table `rev_log` (which revision 1 creates). Its `down()` undoes both. So at any moment the applied
 * set in the version table must equal the set of `t_<n>` tables and the set of `rev_log` rows.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newRevisionId, writeRevision } from '../../../src/script';
import { lifecycleBuild, transpileFile } from './build';

/** A written chain. */
export interface Chain {
  /** Folder of the `.ts` files (what `writeRevision` wrote). */
  readonly pathTs: string;
  /** Folder of the compiled `.js` files (what the child apps read). */
  readonly path: string;
  /** The revision ids, base first. */
  readonly ids: readonly string[];
  /** Removes both folders. */
  cleanup(): void;
}

/** What a revision of a chain may do besides its table and log row. */
export interface ChainStep {
  /** Statements before the table is created (e.g. `select pg_sleep(1)`). */
  readonly before?: readonly string[];
  /** Statements after the log row (e.g. one that fails). */
  readonly after?: readonly string[];
}

export function tableOf(n: number): string {
  return `t_${String(n).padStart(3, '0')}`;
}

/** The `up()` and `down()` bodies of revision `n`. */
function bodies(n: number, id: string, step: ChainStep): { up: string; down: string } {
  const t = tableOf(n);
  const up = [
    ...(step.before ?? []),
    ...(n === 1 ? ['create table "rev_log" ("n" int primary key, "revision" varchar(12) not null, "at" timestamptz not null default clock_timestamp())'] : []),
    `create table "${t}" ("id" serial primary key, "note" text, "n" int not null default ${n})`,
    `create index "${t}_note" on "${t}" ("note")`,
    `insert into "rev_log" ("n", "revision") values (${n}, '${id}')`,
    ...(step.after ?? []),
  ];
  const down = [`delete from "rev_log" where "n" = ${n}`, `drop table "${t}"`, ...(n === 1 ? ['drop table "rev_log"'] : [])];
  const render = (sql: string[]) => sql.map((s) => `this.addSql(${JSON.stringify(s)});`).join('\n');
  return { up: render(up), down: render(down) };
}

/**
 * Writes a chain of `length` revisions (`steps[n]` adds statements to revision `n`), importing
 * `Revision` from the compiled package, and compiles it.
 *
 * @example
 * ```ts
 * const chain = writeChain(50);
 * // chain.path: 50 .js files; chain.ids[0] is the base
 * ```
 */
export function writeChain(length: number, steps: Readonly<Record<number, ChainStep>> = {}): Chain {
  const { packageDir } = lifecycleBuild();
  const root = mkdtempSync(join(tmpdir(), 'mikro-alembic-chain-'));
  const pathTs = join(root, 'ts');
  const path = join(root, 'js');
  mkdirSync(pathTs);
  const ids: string[] = [];
  for (let n = 1; n <= length; n++) {
    const id = newRevisionId();
    const { up, down } = bodies(n, id, steps[n] ?? {});
    writeRevision({
      directory: pathTs,
      heads: ids.slice(-1),
      revId: id,
      message: `table ${tableOf(n)}`,
      upBody: up,
      downBody: down,
      importFrom: packageDir,
      createDate: new Date(Date.UTC(2026, 0, 1, 0, 0, n)),
    });
    ids.push(id);
  }
  compileChain(pathTs, path);
  return Object.freeze({ pathTs, path, ids: Object.freeze(ids), cleanup: () => rmSync(root, { recursive: true, force: true }) });
}

/** (Re)compiles every `.ts` of `pathTs` into `path`. */
export function compileChain(pathTs: string, path: string): void {
  for (const name of readdirSync(pathTs)) {
    if (name.endsWith('.ts')) transpileFile(join(pathTs, name), join(path, name.replace(/\.ts$/, '.js')));
  }
}

/** Rewrites revision `n` of a chain (same id and parent) with other extra steps, and recompiles it. */
export function rewriteStep(chain: Chain, n: number, step: ChainStep): void {
  const id = chain.ids[n - 1];
  const file = readdirSync(chain.pathTs).find((f) => f.startsWith(id));
  if (!file) throw new Error(`no file for revision ${n} (${id})`);
  rmSync(join(chain.pathTs, file));
  rmSync(join(chain.path, file.replace(/\.ts$/, '.js')));
  const { up, down } = bodies(n, id, step);
  writeRevision({
    directory: chain.pathTs,
    heads: [],
    head: n === 1 ? null : chain.ids[n - 2],
    splice: true,
    revId: id,
    message: `table ${tableOf(n)}`,
    upBody: up,
    downBody: down,
    importFrom: lifecycleBuild().packageDir,
    createDate: new Date(Date.UTC(2026, 0, 1, 0, 0, n)),
  });
  compileChain(chain.pathTs, chain.path);
}
