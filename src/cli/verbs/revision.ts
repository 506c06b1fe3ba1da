import { RevisionGraphError } from '../../graph/errors';
import type { RevisionGraph } from '../../graph/revision-graph';
import { isValidRevisionId } from '../../script/revision-id';
import { HeadRequiredError } from '../../script/errors';
import { writeRevision } from '../../script/revision-writer';
import { CliUsageError } from '../errors';
import { namedTarget } from '../revision-names';
import { checkTargetSyntax } from '../target-syntax';
import { openProject, type VerbContext } from '../verb-context';

/** Options of `revision`. */
export interface RevisionOptions {
  readonly message?: string;
  /** The parent: `base` for a new base, an id, a prefix, `label@head`. Default: the single head. */
  readonly head?: string;
  /** Allow `head` to be a revision that is not a head (start a branch from the middle). */
  readonly splice?: boolean;
  readonly branchLabel?: string;
  readonly dependsOn?: readonly string[];
  readonly revId?: string;
  /** Fill `up()`/`down()` with the difference between the entities and the database (which must be at the parents). */
  readonly autogenerate?: boolean;
  /** `false` (`--no-safe-ddl`): this revision gets MikroORM's plain statements, not the lock-safe forms. */
  readonly safeDdl?: boolean;
  /**
   * With `autogenerate`: a baseline, the whole model compared with an empty schema (the database is not
   * read), as a new base revision. For a database that exists without history: `stamp` it there.
   */
  readonly baseline?: boolean;
}

/**
 * `revision -m "message"`: writes a new, blank revision file into the migrations folder (`pathTs`,
 * else `path`), whose parent is the single head (or `--head`). Several heads without `--head` is an
 * error listing them. Graph only: no database. With `--autogenerate`, `up()`/`down()` are filled with
 * the difference between the config's entities and its database (`--url`, else the config's
 * connection), which must be at the parent(s).
 *
 * @example
 * ```ts
 * await revision(ctx, { message: 'add users', branchLabel: 'users' });
 * await revision(ctx, { message: 'hotfix', head: 'ae10', splice: true });
 * ```
 */
export async function revision(ctx: VerbContext, options: RevisionOptions): Promise<void> {
  if (options.revId !== undefined && !isValidRevisionId(options.revId)) {
    throw new CliUsageError(`--rev-id '${options.revId}' is not a valid revision id: use letters, digits and _`);
  }
  if (options.head !== undefined) checkTargetSyntax(options.head, 'head');
  for (const dep of options.dependsOn ?? []) checkTargetSyntax(dep, 'dependency');
  if (options.baseline && !options.autogenerate) {
    throw new CliUsageError('--baseline writes the model as autogenerate sees it: use it with --autogenerate');
  }
  if (options.baseline && options.head !== undefined && options.head !== 'base') {
    throw new CliUsageError(`--baseline writes a new base revision: it cannot be combined with --head ${options.head}`);
  }
  const project = await openProject(ctx, options.baseline ? 'offline' : options.autogenerate ? 'database' : 'graph', { writing: true });
  const graph = project.graph;
  const label = options.branchLabel;
  if (label !== undefined) {
    const owner = graph.labelledRevision(label);
    if (owner !== undefined) throw new RevisionGraphError('DUPLICATE_BRANCH_LABEL', `Branch label '${label}' is already used by revision ${owner}`, [owner]);
    if (graph.has(label)) throw new RevisionGraphError('DUPLICATE_BRANCH_LABEL', `Branch label '${label}' is the id of a revision`, [label]);
  }
  const head = options.baseline ? null : parentOf(graph, options.head === undefined ? undefined : namedTarget(project, options.head));
  let bodies: { upBody?: string; downBody?: string; acknowledge?: Readonly<Record<string, string>> } = {};
  if (options.baseline) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { baselineRevision } = require('../autogenerate-revision') as typeof import('../autogenerate-revision');
    const result = await baselineRevision(project);
    if (result.empty) throw new CliUsageError('--baseline: the entities describe no table, type or schema; nothing to write');
    ctx.output.lines(result.summary.split('\n'));
    bodies = { upBody: result.upBody, downBody: result.downBody, acknowledge: result.acknowledge };
  } else if (options.autogenerate) {
    const parents = head === undefined ? [...graph.heads] : head === null ? [] : [...head];
    if (head === undefined && parents.length > 1) {
      throw new HeadRequiredError(parents); // before touching the database
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { autogenerateRevision } = require('../autogenerate-revision') as typeof import('../autogenerate-revision');
    const result = await autogenerateRevision(project, parents, ctx.global.url, options.safeDdl);
    if (result.empty) {
      ctx.output.line('No changes: the database already matches the entities; no revision written');
      return;
    }
    for (const note of result.notes) ctx.output.warn(`${note.code}: ${note.message}`);
    ctx.output.lines(result.summary.split('\n'));
    bodies = { upBody: result.upBody, downBody: result.downBody, acknowledge: result.acknowledge };
  }
  const written = writeRevision({
    directory: project.writeFolder,
    heads: graph.heads,
    message: options.message ?? '',
    head,
    ...bodies,
    splice: options.splice,
    branchLabels: label === undefined ? [] : [label],
    dependsOn: (options.dependsOn ?? []).map((dep) => dependencyOf(graph, namedTarget(project, dep))),
    revId: options.revId,
    importFrom: project.options.importFrom,
  });
  ctx.output.line(`Created revision ${ctx.output.color.yellow(written.id)}: ${project.shown(written.path)}`);
  if (options.baseline) {
    ctx.output.line(
      `A database whose schema already exists: npx mikro-orm-alembic stamp ${written.id} (records it as applied, runs nothing). ` +
        `An empty database: npx mikro-orm-alembic upgrade ${written.id}.`,
    );
  }
}

/** `--head`: undefined (the single head), null (`base`: a new base), or the resolved id(s). */
function parentOf(graph: RevisionGraph, head: string | undefined): readonly string[] | null | undefined {
  if (head === undefined) return undefined;
  if (head === 'base') return null;
  const ids = graph.resolve(head).filter((id) => id !== 'base');
  return ids.length === 0 ? null : ids;
}

/** A dependency as Alembic records it: a branch label stays a label, anything else becomes the full id. */
function dependencyOf(graph: RevisionGraph, dep: string): string {
  if (graph.labelledRevision(dep) !== undefined && !graph.has(dep)) return dep;
  const ids = graph.resolve(dep).filter((id) => id !== 'base');
  if (ids.length !== 1) {
    throw new RevisionGraphError('INVALID_TARGET', `--depends-on '${dep}' must name one revision (it names ${ids.length})`, [dep]);
  }
  return ids[0];
}
