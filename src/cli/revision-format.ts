import type { RevisionGraph } from '../graph/revision-graph';
import type { RevisionScript } from '../script/script-directory';
import type { Colors } from './output';
import { shownPath } from './cli-project';

/** What is known about the database, for `(current)` marks and `applied` fields. */
export interface AppliedMarks {
  /** Every applied revision. */
  readonly applied: ReadonlySet<string>;
  /** The current heads (maximal applied revisions). */
  readonly current: ReadonlySet<string>;
}

/** One revision as `--json` prints it. */
export interface RevisionJson {
  readonly id: string;
  readonly message: string;
  readonly downRevisions: readonly string[];
  readonly branchLabels: readonly string[];
  readonly dependsOn: readonly string[];
  readonly path: string;
  readonly createDate: string | null;
  readonly transactional: boolean;
  readonly isHead: boolean;
  readonly isBranchPoint: boolean;
  readonly isMergePoint: boolean;
  /** Only when the database was read. */
  readonly applied?: boolean;
  readonly current?: boolean;
}

/**
 * Renders revisions as Alembic's commands do (`alembic heads`, `history`, `show`): one line
 * `parents -> id (labels) (head) (branchpoint), message`, or a verbose block; and as JSON.
 *
 * @example
 * ```ts
 * const format = new RevisionFormat(graph, scripts, cwd, output.color);
 * format.line('27c6a30d7c24', { parents: true, message: true }); // 'ae1027a6acf2 -> 27c6a30d7c24 (head), Add a column'
 * ```
 */
export class RevisionFormat {
  /** id → first script with it, built on the ninth lookup (`heads` looks up a few: scanning is cheaper). */
  private byId: Map<string, RevisionScript> | undefined;
  private lookups = 0;

  constructor(
    readonly graph: RevisionGraph,
    private readonly scripts: readonly RevisionScript[],
    readonly cwd: string,
    readonly color: Colors,
    readonly marks: AppliedMarks | null = null,
  ) {}

  /** The revision file of `id`. */
  script(id: string): RevisionScript {
    if (this.byId === undefined && this.lookups++ < 8) return this.scripts.find((s) => s.id === id) as RevisionScript;
    if (this.byId === undefined) {
      this.byId = new Map();
      for (const s of this.scripts) if (!this.byId.has(s.id)) this.byId.set(s.id, s);
    }
    return this.byId.get(id) as RevisionScript;
  }

  /** The first line of a revision's message (`''` when it has none). */
  title(id: string): string {
    const message = (this.script(id) as RevisionScript | undefined)?.message ?? '';
    const newline = message.indexOf('\n');
    return (newline < 0 ? message : message.slice(0, newline)).trim();
  }

  /** `(label, label)`: the branch labels in effect (Alembic shows propagated labels), or `''`. */
  labels(id: string): string {
    const labels = this.graph.effectiveBranchLabels(id);
    return labels.length === 0 ? '' : ` ${this.color.cyan(`(${labels.join(', ')})`)}`;
  }

  /** ` (head) (effective head) (current) (branchpoint) (mergepoint)`, as they apply. */
  indicators(id: string, tree = true): string {
    const node = this.graph.get(id);
    let text = '';
    const realHead = node.isHead && node.dependents.length === 0;
    if (realHead) text += ` ${this.color.green('(head)')}`;
    if (node.isHead && !realHead) text += ` ${this.color.green('(effective head)')}`;
    if (this.marks?.current.has(id)) text += ` ${this.color.magenta('(current)')}`;
    if (tree) {
      if (node.isBranchPoint) text += ' (branchpoint)';
      if (node.isMergePoint) text += ' (mergepoint)';
    }
    return text;
  }

  /** `<base>` or the down revisions, comma-separated. */
  parents(id: string): string {
    const down = this.graph.get(id).downRevisions;
    return down.length === 0 ? '<base>' : down.join(', ');
  }

  /**
   * One line: `[parents -> ]id (labels) (head)...[, message]`.
   */
  line(id: string, options: { parents?: boolean; message?: boolean; tree?: boolean } = {}): string {
    let text = `${this.color.yellow(id)}${this.labels(id)}${this.indicators(id, options.tree ?? true)}`;
    if (options.parents) text = `${this.parents(id)} -> ${text}`;
    if (options.message) {
      const title = this.title(id);
      if (title !== '') text += `, ${title}`;
    }
    return text;
  }

  /** Alembic's verbose block (`show`, `-v`): Rev, Parent, Merges, Branches into, Path, then the message. */
  block(id: string): string[] {
    const node = this.graph.get(id);
    const script = this.script(id);
    const lines = [`Rev: ${this.color.yellow(id)}${this.indicators(id)}`];
    lines.push(`Parent: ${node.downRevisions.length === 0 ? '<base>' : node.downRevisions.join(', ')}`);
    if (node.isMergePoint) lines.push(`Merges: ${node.downRevisions.join(', ')}`);
    if (node.isBranchPoint) lines.push(`Branches into: ${node.children.join(', ')}`);
    if (node.dependsOn.length > 0) lines.push(`Also depends on: ${script.dependsOn.join(', ')}`);
    const labels = this.graph.effectiveBranchLabels(id);
    if (labels.length > 0) lines.push(`Branch names: ${labels.join(', ')}`);
    if (!script.transactional) lines.push('Transactional: no');
    if (this.marks) lines.push(`Applied: ${this.marks.applied.has(id) ? 'yes' : 'no'}`);
    lines.push(`Path: ${shownPath(script.path, this.cwd)}`);
    lines.push('');
    const doc = [...(script.message === '' ? [] : [...script.message.split('\n'), '']), `Revision ID: ${id}`];
    doc.push(`Revises: ${node.downRevisions.join(', ')}`);
    if (script.createDate !== null) doc.push(`Create Date: ${script.createDate}`);
    for (const l of doc) lines.push(l === '' ? '' : `    ${l}`);
    return lines;
  }

  /** The JSON of one revision. */
  json(id: string): RevisionJson {
    const node = this.graph.get(id);
    const script = this.script(id);
    const base: RevisionJson = {
      id,
      message: script.message,
      downRevisions: node.downRevisions,
      branchLabels: this.graph.effectiveBranchLabels(id),
      dependsOn: script.dependsOn,
      path: shownPath(script.path, this.cwd),
      createDate: script.createDate,
      transactional: script.transactional,
      isHead: node.isHead,
      isBranchPoint: node.isBranchPoint,
      isMergePoint: node.isMergePoint,
    };
    return this.marks ? { ...base, applied: this.marks.applied.has(id), current: this.marks.current.has(id) } : base;
  }
}
