import { RevisionGraphError } from './errors';
import { RevisionGraph } from './revision-graph';
import type { RevisionRecord } from './types';

/** One squashed revision and the run of revisions it replaces. */
export interface SquashedRun {
  /** The squashed revision's id. */
  readonly id: string;
  /** The replaced revisions, parents first (the first builds on the squashed revision's down revisions). */
  readonly replaces: readonly string[];
  /** `present`: the original files are still in the folder; `deleted`: none of them is. */
  readonly originals: 'present' | 'deleted';
}

/**
 * The revision graph as one database sees it, and how its version table must change to agree with it.
 */
export interface RecordedView {
  /** The graph to plan with: per run, the squashed revision or its originals. */
  readonly graph: RevisionGraph;
  /** The runs shown as their originals (ids of squashed revisions). */
  readonly expanded: readonly string[];
  /** The applied set in this view's ids (the recorded ids after `remove`/`add`). */
  readonly applied: readonly string[];
  /** Recorded ids the version table must drop to agree with the view. */
  readonly remove: readonly string[];
  /** Ids the version table must record to agree with the view, parents first. */
  readonly add: readonly string[];
}

/** Options of {@link SquashCatalog.forRecorded}. */
export interface RecordedViewOptions {
  /**
   * Show every run whose originals are present as its originals, whatever is recorded (a target inside
   * a run needs them: `downgrade`/`stamp` to a replaced revision). A recorded squashed revision is then
   * recorded as its originals.
   */
  readonly expand?: boolean;
}

/**
 * Squashed revisions (a `replaces` field) in a set of revision records, and the graph each database
 * sees, chosen as Django chooses for its squashed migrations: while the originals of a run exist, the
 * graph holds either the squashed revision or the originals. A database that recorded some but not
 * all of the originals (it is inside the run) sees the originals; every other database (before the
 * run, past it, or new) sees the squashed revision, and a database that recorded all the originals
 * records the squashed revision instead (`remove`/`add`). Once the originals are deleted, the squashed
 * revision is an ordinary revision (standing in for the last original, which revisions written before
 * the squash still name as their down revision), and a database inside the run is refused
 * (`SQUASH_ORIGINALS_DELETED`) rather than guessed at.
 *
 * A run must be linear: its first revision builds on exactly the squashed revision's down revisions,
 * each next one on the previous only; no revision outside the run builds on or depends on a revision of
 * the run but its last (whose children build on the squashed revision in the squashed view); no
 * replaced revision carries a branch label, a `depends_on` or a `replaces` of its own. Anything else is
 * `SQUASH_INVALID` naming the revisions. Records without `replaces` give exactly `new RevisionGraph(records)`.
 * Pure: records in, graphs out.
 *
 * @example
 * ```ts
 * import { SquashCatalog } from 'mikro-orm-alembic';
 *
 * const catalog = new SquashCatalog([
 *   { id: 'a1', downRevisions: [], branchLabels: [], dependsOn: [] },
 *   { id: 'b2', downRevisions: ['a1'], branchLabels: [], dependsOn: [] },
 *   { id: 's9', downRevisions: [], branchLabels: [], dependsOn: [], replaces: ['a1', 'b2'] },
 *   { id: 'c3', downRevisions: ['b2'], branchLabels: [], dependsOn: [] },
 * ]);
 * catalog.graph.ids;                         // ['s9', 'c3']: a new database runs s9, then c3
 * catalog.forRecorded(['a1']).graph.ids;     // ['a1', 'b2', 'c3']: inside the run, the originals
 * catalog.forRecorded(['a1', 'b2']).add;     // ['s9'] (and remove: ['a1', 'b2'])
 * ```
 */
export class SquashCatalog {
  /** The squashed revisions, in load order. */
  readonly runs: readonly SquashedRun[];
  private readonly records: readonly RevisionRecord[];
  private readonly graphs = new Map<string, RevisionGraph>();
  /** Replaced id → the run replacing it. */
  private readonly replacedBy = new Map<string, SquashedRun>();

  constructor(records: readonly RevisionRecord[]) {
    this.records = records;
    const runs: SquashedRun[] = [];
    if (!records.some((r) => r.replaces !== undefined && r.replaces.length > 0)) {
      this.runs = Object.freeze(runs);
      return;
    }
    const byId = new Map<string, RevisionRecord>();
    for (const r of records) if (!byId.has(r.id)) byId.set(r.id, r);
    for (const r of records) {
      if (!r.replaces || r.replaces.length === 0) continue;
      const present = r.replaces.filter((id) => byId.has(id));
      if (present.length > 0 && present.length < r.replaces.length) {
        const missing = r.replaces.filter((id) => !byId.has(id));
        throw new RevisionGraphError(
          'SQUASH_ORIGINALS_INCOMPLETE',
          `Squashed revision ${r.id} replaces ${r.replaces.length} revisions, but ${missing.length} of them (${preview(missing)}) are missing while ` +
            `${present.length} (${preview(present)}) are still there: delete all the originals of a squash or none`,
          [r.id, ...missing],
        );
      }
      const run: SquashedRun = Object.freeze({ id: r.id, replaces: Object.freeze([...r.replaces]), originals: present.length > 0 ? 'present' : 'deleted' });
      for (const id of run.replaces) {
        const other = this.replacedBy.get(id);
        if (other) throw invalid(`Revision ${id} is replaced by two squashed revisions, ${other.id} and ${r.id}`, [id, other.id, r.id]);
        this.replacedBy.set(id, run);
      }
      if (run.replaces.includes(r.id)) throw invalid(`Squashed revision ${r.id} lists itself in replaces`, [r.id]);
      runs.push(run);
    }
    this.runs = Object.freeze(runs);
    for (const run of runs) if (run.originals === 'present') this.checkRun(run, byId);
  }

  /** True when some revision replaces others. */
  get hasSquashes(): boolean {
    return this.runs.length > 0;
  }

  /** The graph a new database (or a command without one) sees: every run squashed. */
  get graph(): RevisionGraph {
    return this.graphOf(new Set());
  }

  /** The graph with every run whose originals are present shown as its originals (no squashed revision). */
  get originalsGraph(): RevisionGraph {
    return this.graphOf(new Set(this.runs.filter((r) => r.originals === 'present').map((r) => r.id)));
  }

  /** The run a revision belongs to (as a replaced revision), if any. */
  runReplacing(id: string): SquashedRun | undefined {
    return this.replacedBy.get(id);
  }

  /** The run a squashed revision stands for, if `id` is one. */
  run(id: string): SquashedRun | undefined {
    return this.runs.find((r) => r.id === id);
  }

  /**
   * Where a database with this recorded applied set stands relative to a squashed run: `before` it
   * (nothing of it recorded), `inside` it (a leading part of the originals recorded: it needs the
   * originals to go on), or `done` (the squashed revision or every original recorded). Deleting the
   * originals is safe for a database that is `before` or `done`; `last` is its last recorded original.
   *
   * @example
   * ```ts
   * catalog.position('s9', ['a1', 'b2']); // { state: 'inside', last: 'b2', recorded: 1 }
   * ```
   */
  position(squash: string, recorded: Iterable<string>): { state: 'before' | 'inside' | 'done'; last: string | null; recorded: number } {
    const run = this.run(squash);
    if (run === undefined) throw new RevisionGraphError('UNKNOWN_REVISION', `${squash} is not a squashed revision`, [squash]);
    const rec = new Set(recorded);
    const done = run.replaces.filter((id) => rec.has(id));
    const last = done.length === 0 ? null : done[done.length - 1];
    if (rec.has(run.id) || done.length === run.replaces.length) return { state: 'done', last, recorded: done.length };
    return { state: done.length === 0 ? 'before' : 'inside', last, recorded: done.length };
  }

  /**
   * The graph a database with this recorded applied set sees, and the rows its version table must
   * drop and add to agree with it (see the class comment). Throws `SQUASH_RECORDED_CONFLICT` when
   * both a squashed revision and only part of its originals are recorded, `SQUASH_ORIGINALS_DELETED`
   * when the database is inside a run whose originals were deleted.
   *
   * @example
   * ```ts
   * const view = catalog.forRecorded(['a1']);
   * view.graph.planUpgrade(view.graph.currentHeads(view.applied), 'head').revisions; // ['b2', 'c3']
   * ```
   */
  forRecorded(recorded: Iterable<string>, options: RecordedViewOptions = {}): RecordedView {
    const rec = new Set(recorded);
    const expanded = new Set<string>();
    const remove: string[] = [];
    const add: string[] = [];
    for (const run of this.runs) {
      const hasSquash = rec.has(run.id);
      const done = run.replaces.filter((id) => rec.has(id));
      const all = done.length === run.replaces.length;
      if (hasSquash && done.length > 0 && !all) {
        throw new RevisionGraphError(
          'SQUASH_RECORDED_CONFLICT',
          `The version table records squashed revision ${run.id} and ${done.length} of the ${run.replaces.length} revisions it replaces (${preview(done)}): ` +
            `it must record the squashed revision or a leading part of the run, not both; repair it with \`stamp\``,
          [run.id, ...done],
        );
      }
      const inside = done.length > 0 && !all && !hasSquash;
      if (run.originals === 'deleted' && inside) {
        const last = done[done.length - 1];
        throw new RevisionGraphError(
          'SQUASH_ORIGINALS_DELETED',
          `The database is inside the run that squashed revision ${run.id} replaces: it recorded ${done.length} of its ${run.replaces.length} revisions ` +
            `(the last ${last}), but their files were deleted, so the rest cannot run and the squashed revision cannot run over them. ` +
            `Restore the original files of ${run.id} (e.g. from version control) and upgrade this database past the run before deleting them again`,
          [run.id, last],
        );
      }
      if (run.originals === 'present' && (inside || options.expand)) {
        expanded.add(run.id);
        if (hasSquash) {
          // recorded as the squashed revision: the same state, written as its originals
          remove.push(run.id);
          add.push(...run.replaces.filter((id) => !rec.has(id)));
        }
      } else if (all) {
        // every original ran (before the squash existed, or inside it): record the squashed revision instead
        remove.push(...done);
        if (!hasSquash) add.push(run.id);
      }
    }
    const removed = new Set(remove);
    const applied = [...rec].filter((id) => !removed.has(id));
    applied.push(...add);
    return Object.freeze({
      graph: this.graphOf(expanded),
      expanded: Object.freeze([...expanded]),
      applied: Object.freeze(applied),
      remove: Object.freeze(remove),
      add: Object.freeze(add),
    });
  }

  /**
   * The records a view is made of: per run, the squashed revision (originals dropped, their last
   * revision's children and dependents pointed at it) or, for an expanded run, the originals (the
   * squashed revision dropped, its children and dependents pointed at the last original).
   */
  viewRecords(expanded: ReadonlySet<string>): readonly RevisionRecord[] {
    if (this.runs.length === 0) return this.records;
    const drop = new Set<string>();
    const rename = new Map<string, string>();
    for (const run of this.runs) {
      const last = run.replaces[run.replaces.length - 1];
      if (run.originals === 'deleted') {
        // revisions written before the squash still name its last original as their parent
        rename.set(last, run.id);
      } else if (expanded.has(run.id)) {
        drop.add(run.id);
        rename.set(run.id, last);
      } else {
        for (const id of run.replaces) drop.add(id);
        rename.set(last, run.id);
      }
    }
    const map = (ids: readonly string[]) => (ids.some((id) => rename.has(id)) ? Object.freeze(ids.map((id) => rename.get(id) ?? id)) : ids);
    const out: RevisionRecord[] = [];
    for (const r of this.records) {
      if (drop.has(r.id)) continue;
      const downRevisions = map(r.downRevisions);
      const dependsOn = map(r.dependsOn);
      out.push(downRevisions === r.downRevisions && dependsOn === r.dependsOn ? r : Object.freeze({ ...r, downRevisions, dependsOn }));
    }
    return out;
  }

  private graphOf(expanded: ReadonlySet<string>): RevisionGraph {
    const key = [...expanded].sort().join(',');
    let graph = this.graphs.get(key);
    if (!graph) {
      graph = new RevisionGraph(this.viewRecords(expanded));
      this.graphs.set(key, graph);
    }
    return graph;
  }

  private checkRun(run: SquashedRun, byId: ReadonlyMap<string, RevisionRecord>): void {
    const squash = byId.get(run.id)!;
    const inRun = new Set(run.replaces);
    if (squash.dependsOn.length > 0) throw invalid(`Squashed revision ${run.id} has depends_on (${squash.dependsOn.join(', ')}): a squash cannot carry one`, [run.id]);
    let parents = squash.downRevisions;
    for (const id of run.replaces) {
      const r = byId.get(id)!;
      if (!sameSet(r.downRevisions, parents)) {
        throw invalid(
          `Squashed revision ${run.id} replaces ${id}, which builds on ${r.downRevisions.join(', ') || 'nothing (a base)'} instead of ${parents.join(', ') || 'nothing (a base)'}: ` +
            'the replaced revisions must form one linear run, parents first',
          [run.id, id],
        );
      }
      if (r.branchLabels.length > 0) throw invalid(`Squashed revision ${run.id} replaces ${id}, which carries the branch label(s) ${r.branchLabels.join(', ')}`, [run.id, id]);
      if (r.dependsOn.length > 0) throw invalid(`Squashed revision ${run.id} replaces ${id}, which has depends_on (${r.dependsOn.join(', ')})`, [run.id, id]);
      if (r.replaces && r.replaces.length > 0) throw invalid(`Squashed revision ${run.id} replaces ${id}, which is itself a squashed revision`, [run.id, id]);
      parents = [id];
    }
    const last = run.replaces[run.replaces.length - 1];
    for (const r of this.records) {
      if (inRun.has(r.id) || r.id === run.id) continue;
      const into = [...r.downRevisions, ...r.dependsOn].find((id) => inRun.has(id) && id !== last);
      if (into !== undefined) {
        throw invalid(`Revision ${r.id} builds on or depends on ${into}, inside the run that ${run.id} replaces: a run replaced by a squash cannot branch`, [r.id, into, run.id]);
      }
      if ((r.downRevisions.includes(last) || r.dependsOn.includes(last)) && (r.downRevisions.includes(run.id) || r.dependsOn.includes(run.id))) {
        throw invalid(`Revision ${r.id} names both ${last} and the squashed revision ${run.id} that replaces it`, [r.id, run.id]);
      }
    }
  }
}

function invalid(message: string, revisions: readonly string[]): RevisionGraphError {
  return new RevisionGraphError('SQUASH_INVALID', message, revisions);
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

function preview(ids: readonly string[]): string {
  return ids.length <= 4 ? ids.join(', ') : `${ids.slice(0, 3).join(', ')}, … ${ids[ids.length - 1]}`;
}
