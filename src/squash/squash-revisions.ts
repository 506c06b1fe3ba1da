import { readFileSync } from 'node:fs';
import { RevisionGraphError } from '../graph/errors';
import type { SquashCatalog } from '../graph/squash-catalog';
import type { RevisionSource } from '../runtime/revision-source';
import { writeRevision, type WrittenRevision } from '../script/revision-writer';
import type { ScriptDirectory } from '../script/script-directory';
import { tsLineComment, tsString } from '../script/ts-source';
import { SquashError } from './errors';
import { renderRevisionSteps, type StepBlock } from './revision-steps';

/** Options of {@link squashRevisions}. */
export interface SquashOptions {
  /** The folder to write the squashed revision into (the TypeScript revisions). */
  readonly directory: string;
  /** The revision files of that folder. */
  readonly scripts: ScriptDirectory;
  /** The folder's squashed revisions and graph (`MigrationEnvironment.squashes`). */
  readonly squashes: SquashCatalog;
  /** The revisions as the runtime loads them (to render their `up()`/`down()`). */
  readonly source: RevisionSource;
  /** `<from>:<to>`: the first and the last revision of the run, both included (ids, prefixes, labels). */
  readonly range: string;
  /** The squashed revision's message. */
  readonly message: string;
  /** The new revision's id. Default: a new random id. */
  readonly revId?: string;
  /** Default: now. */
  readonly createDate?: Date;
  /** Where `Revision` is imported from. Default: what the run's last revision imports it from. */
  readonly importFrom?: string;
}

/** What {@link squashRevisions} wrote. */
export interface SquashResult extends WrittenRevision {
  /** The revisions it replaces, parents first. */
  readonly replaces: readonly string[];
  /** Its down revisions (those of the run's first revision). */
  readonly downRevisions: readonly string[];
  /** Statements in its `up()` and `down()`. */
  readonly statements: { readonly up: number; readonly down: number };
}

/**
 * The linear run `from:to` (both included) of the graph a new database sees, parents first, or a
 * {@link SquashError} saying why it cannot be squashed: a merge in it (`SQUASH_ACROSS_MERGE`), a
 * revision in it (but the last) that other revisions also build on (`SQUASH_ACROSS_BRANCH`), a
 * `depends_on` from, to or into it (`SQUASH_DEPENDS_ON`), a branch label (`SQUASH_BRANCH_LABEL`), a
 * squash in it (`SQUASH_NESTED`), or a range that is not one line of at least two revisions (`SQUASH_RANGE`).
 *
 * @example
 * ```ts
 * selectSquashRun(env.squashes, '0c96:555d'); // ['0c9657712dc1', 'd8e585eccfa8', '555d97e085ce']
 * ```
 */
export function selectSquashRun(squashes: SquashCatalog, range: string): readonly string[] {
  const graph = squashes.graph;
  const parts = range.split(':');
  if (parts.length !== 2 || parts[0].trim() === '' || parts[1].trim() === '') {
    throw new SquashError('SQUASH_RANGE', `'${range}' is not a range: give the first and the last revision to squash as <from>:<to>`, [range]);
  }
  const one = (target: string): string => {
    let ids: readonly string[];
    try {
      ids = graph.resolve(target.trim()).filter((id) => id !== 'base');
    } catch (error) {
      if (error instanceof RevisionGraphError) throw new SquashError('SQUASH_RANGE', `'${target}' in the squash range: ${error.message}`, [target]);
      throw error;
    }
    if (ids.length !== 1) throw new SquashError('SQUASH_RANGE', `'${target}' in the squash range names ${ids.length} revisions, not one`, [target, ...ids]);
    return ids[0];
  };
  const from = one(parts[0]);
  const to = one(parts[1]);
  const run = [to];
  for (let id = to; id !== from; ) {
    const down = graph.get(id).downRevisions;
    if (down.length === 0) {
      throw new SquashError('SQUASH_RANGE', `${from} is not below ${to} on one line of revisions: walking down from ${to} reaches the base ${id}`, [from, to]);
    }
    if (down.length > 1) {
      throw new SquashError(
        'SQUASH_ACROSS_MERGE',
        `Cannot squash ${from}:${to}: ${id} merges ${down.join(', ')}, and a squash replaces one line of revisions, never a merge (squash the run after it, or the runs of each branch before it)`,
        [id, ...down],
      );
    }
    id = down[0];
    run.unshift(id);
  }
  if (run.length < 2) throw new SquashError('SQUASH_RANGE', `${range} is one revision: a squash replaces two or more`, [from]);
  for (const id of run) {
    const node = graph.get(id);
    if (node.downRevisions.length > 1) {
      throw new SquashError('SQUASH_ACROSS_MERGE', `Cannot squash ${from}:${to}: ${id} is a merge of ${node.downRevisions.join(', ')}; start the run after it`, [id]);
    }
    if (node.dependsOn.length > 0) {
      throw new SquashError('SQUASH_DEPENDS_ON', `Cannot squash ${from}:${to}: ${id} depends on ${node.dependsOn.join(', ')}, which a squashed revision could not keep exactly`, [id, ...node.dependsOn]);
    }
    if (id !== to && node.dependents.length > 0) {
      throw new SquashError('SQUASH_DEPENDS_ON', `Cannot squash ${from}:${to}: ${node.dependents.join(', ')} depend${node.dependents.length > 1 ? '' : 's'} on ${id}, inside the run`, [id, ...node.dependents]);
    }
    if (node.branchLabels.length > 0) {
      throw new SquashError('SQUASH_BRANCH_LABEL', `Cannot squash ${from}:${to}: ${id} carries the branch label(s) ${node.branchLabels.join(', ')}, which targets use`, [id]);
    }
    if (id !== to && node.children.length > 1) {
      throw new SquashError(
        'SQUASH_ACROSS_BRANCH',
        `Cannot squash ${from}:${to}: ${node.children.join(', ')} all build on ${id}, so the run branches there (squash up to ${id} at most)`,
        [id, ...node.children],
      );
    }
    if (squashes.run(id) !== undefined) {
      throw new SquashError('SQUASH_NESTED', `Cannot squash ${from}:${to}: ${id} is itself a squashed revision; delete its originals first, or squash a run without it`, [id]);
    }
  }
  return Object.freeze(run);
}

/**
 * `squash <from>:<to>`: writes ONE revision that replaces the linear run `from:to` and records what it
 * replaces (`replaces`, as Django's squashed migrations do). Its `up()` is the originals' `up()`
 * statements in order, rendered statically as `upgrade --sql` renders them; its `down()` the
 * originals' `down()` statements, last revision first. Statements the originals ran outside a
 * transaction stay in `outsideTransaction` blocks, and so does an `alter type ... add value` (a later
 * statement of the same transaction could not use the value). A revision whose steps are only known
 * against a database (`execute()`) is refused (`SQUASH_DYNAMIC_REVISION`); an irreversible one makes
 * the squash irreversible. The originals stay: see docs/squash.md for how databases choose and when
 * they can be deleted. Nothing is written on a refusal.
 *
 * @example
 * ```ts
 * import { MigrationEnvironment, squashRevisions } from 'mikro-orm-alembic';
 *
 * const env = new MigrationEnvironment({ path: 'migrations' });
 * const written = await squashRevisions({
 *   directory: 'migrations', scripts: env.scripts, squashes: env.squashes, source: env.source,
 *   range: '0c96:555d', message: 'squash of the first three revisions',
 * });
 * console.log(written.fileName, written.replaces);
 * ```
 */
export async function squashRevisions(options: SquashOptions): Promise<SquashResult> {
  const run = selectSquashRun(options.squashes, options.range);
  const graph = options.squashes.graph;
  const scripts = new Map(options.scripts.scripts.map((s) => [s.id, s]));
  const up: string[] = [];
  const down: string[] = [];
  let upCount = 0;
  let downCount = 0;
  let irreversible: string | null = null;
  for (const id of run) {
    const steps = await renderRevisionSteps(options.source, id, 'up');
    up.push(`// ${tsLineComment(`${id}: ${scripts.get(id)?.message ?? ''}`.trim())}`, ...renderBlocks(steps.blocks ?? []));
    upCount += count(steps.blocks ?? []);
  }
  for (const id of [...run].reverse()) {
    const steps = await renderRevisionSteps(options.source, id, 'down');
    if (steps.blocks === null) {
      irreversible ??= id;
      continue;
    }
    down.push(`// ${tsLineComment(`${id}: ${scripts.get(id)?.message ?? ''}`.trim())}`, ...renderBlocks(steps.blocks));
    downCount += count(steps.blocks);
  }
  const downBody =
    irreversible === null
      ? down.join('\n')
      : [`// irreversible: ${tsLineComment(irreversible)} does not implement down(), so neither does this squash`, 'return super.down();'].join('\n');
  const written = writeRevision({
    directory: options.directory,
    heads: graph.heads,
    head: graph.get(run[0]).downRevisions,
    splice: true,
    message: options.message,
    revId: options.revId,
    createDate: options.createDate,
    importFrom: options.importFrom ?? importOf(scripts.get(run[run.length - 1])?.path),
    replaces: run,
    upBody: up.join('\n'),
    downBody,
  });
  return Object.freeze({
    ...written,
    replaces: run,
    downRevisions: graph.get(run[0]).downRevisions,
    statements: Object.freeze({ up: upCount, down: irreversible === null ? downCount : 0 }),
  });
}

const ADD_ENUM_VALUE = /^\s*alter\s+type\s[\s\S]*?\badd\s+value\b/i;

/** Blocks as code: statements in a transaction as `addSql`, the others in `outsideTransaction` blocks. */
function renderBlocks(blocks: readonly StepBlock[]): string[] {
  const lines: string[] = [];
  let outside: string[] = [];
  const flush = () => {
    if (outside.length === 0) return;
    lines.push('await this.outsideTransaction(() => {', ...outside.map((sql) => `  this.addSql(${tsString(sql)});`), '});');
    outside = [];
  };
  for (const block of blocks) {
    for (const sql of block.statements) {
      if (!block.transactional || ADD_ENUM_VALUE.test(sql)) {
        outside.push(sql);
      } else {
        flush();
        lines.push(`this.addSql(${tsString(sql)});`);
      }
    }
    flush(); // each original block stays its own block
  }
  return lines;
}

function count(blocks: readonly StepBlock[]): number {
  return blocks.reduce((n, b) => n + b.statements.length, 0);
}

/** The module a revision file imports `Revision` from. */
function importOf(path: string | null | undefined): string | undefined {
  if (!path) return undefined;
  try {
    const m = /import\s*\{[^}]*\bRevision\b[^}]*\}\s*from\s*(['"])([^'"\n]+)\1/.exec(readFileSync(path, 'utf8'));
    return m?.[2];
  } catch {
    return undefined;
  }
}
