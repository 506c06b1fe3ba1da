import { parentsFirst } from './topological-order';
import { collectDowngrade, parseDowngradeTarget } from './downgrade-planner';
import { RevisionGraphError } from './errors';
import { GraphIndex, markAll } from './graph-index';
import { BASE, NONE, TargetResolver } from './target-resolver';
import type { MigrationPlan, RevisionRecord } from './types';
import { collectUpgrade } from './upgrade-planner';

/** One revision as the graph sees it, with what the graph knows about its neighbours. */
export interface RevisionNode {
  readonly id: string;
  readonly downRevisions: readonly string[];
  readonly dependsOn: readonly string[];
  /** The labels the revision declares. */
  readonly branchLabels: readonly string[];
  /** Revisions naming this one as their down revision, in load order. */
  readonly children: readonly string[];
  /** Revisions depending on this one (not as a parent), in load order. */
  readonly dependents: readonly string[];
  readonly isHead: boolean;
  readonly isBase: boolean;
  readonly isBranchPoint: boolean;
  readonly isMergePoint: boolean;
}

/**
 * The revision graph: revisions linked by their down revisions and `depends_on`, with Alembic
 * 1.8's semantics for heads, bases, branch labels, targets, upgrade and downgrade plans and
 * history. Pure: plain records in, plain frozen data out; no files, no SQL.
 *
 * Building validates the whole graph and throws a {@link RevisionGraphError} naming the revisions
 * at fault: `SELF_LOOP`, `DEPENDENCY_SELF_LOOP`, `ILLEGAL_REVISION_ID`, `DUPLICATE_REVISION`,
 * `DUPLICATE_BRANCH_LABEL`, `MISSING_DOWN_REVISION`, `MISSING_DEPENDENCY`, `CYCLE`,
 * `DEPENDENCY_CYCLE`.
 *
 * @example
 * ```ts
 * import { RevisionGraph } from 'mikro-orm-alembic';
 *
 * const graph = new RevisionGraph([
 *   { id: 'a1', downRevisions: [], branchLabels: [], dependsOn: [] },
 *   { id: 'b2', downRevisions: ['a1'], branchLabels: ['billing'], dependsOn: [] },
 *   { id: 'c3', downRevisions: ['a1'], branchLabels: [], dependsOn: [] },
 * ]);
 * graph.heads;                                   // ['b2', 'c3']
 * graph.planUpgrade([], 'billing@head').revisions; // ['a1', 'b2']
 * graph.planUpgrade(['b2'], 'heads').headsAfter;   // ['b2', 'c3']
 * graph.planDowngrade(['b2', 'c3'], 'billing@-1'); // runs b2's down(); heads after: ['c3']
 * ```
 */
export class RevisionGraph {
  private readonly g: GraphIndex;
  private readonly r: TargetResolver;

  /** Versioned heads: revisions no other revision names as its down revision. Load order. */
  readonly heads: readonly string[];
  /** Heads that no other revision depends on either: what `heads` upgrades to. Load order. */
  readonly realHeads: readonly string[];
  /** Revisions without a down revision. Load order. */
  readonly bases: readonly string[];
  /** Bases without `depends_on`. Load order. */
  readonly realBases: readonly string[];

  constructor(records: readonly RevisionRecord[]) {
    this.g = new GraphIndex(records);
    this.r = new TargetResolver(this.g);
    const names = (xs: readonly number[]) => Object.freeze(xs.map((x) => this.g.ids[x]));
    this.heads = names(this.g.heads);
    this.realHeads = names(this.g.realHeads);
    this.bases = names(this.g.bases);
    this.realBases = names(this.g.realBases);
  }

  /** Number of revisions. */
  get size(): number {
    return this.g.size;
  }

  /** Every revision id, in load order. */
  get ids(): readonly string[] {
    return this.g.ids;
  }

  /** True when `id` is a revision of this graph (exact id, no prefix). */
  has(id: string): boolean {
    return this.g.byId.has(id);
  }

  /**
   * One revision and its neighbours.
   *
   * @example
   * ```ts
   * graph.get('b2').isHead; // true
   * ```
   */
  get(id: string): RevisionNode {
    const i = this.index(id);
    const g = this.g;
    const name = (xs: readonly number[]) => xs.map((x) => g.ids[x]);
    const children = g.next.list(i);
    return Object.freeze({
      id,
      downRevisions: name(g.down.list(i)),
      dependsOn: name(g.deps.list(i)),
      branchLabels: [...g.ownLabels(i)],
      children: name(children),
      dependents: name(g.allNext.list(i).filter((c) => !children.includes(c))),
      isHead: children.length === 0,
      isBase: g.down.count(i) === 0,
      isBranchPoint: children.length > 1,
      isMergePoint: g.down.count(i) > 1,
    });
  }

  /** The branch labels a revision carries after Alembic's propagation (used by `label@-N`). */
  effectiveBranchLabels(id: string): readonly string[] {
    return [...this.g.effectiveLabels(this.index(id))];
  }

  /** The revision a branch label names, or undefined. */
  labelledRevision(label: string): string | undefined {
    const i = this.g.byLabel.get(label);
    return i === undefined ? undefined : this.g.ids[i];
  }

  /**
   * Every revision a target stands for (Alembic's `get_revisions`): an id, a unique prefix, a
   * label, `head`, `heads`, `base` (nothing), `label@head`, `label@heads`, `label@base`,
   * `label@<rev>`, `<rev>@head`, `-N` (N below each head; `'base'` when that walks past a base).
   *
   * @example
   * ```ts
   * graph.resolve('b');            // ['b2']  (unique prefix)
   * graph.resolve('billing@head'); // ['b2']
   * graph.resolve('heads');        // ['b2', 'c3']
   * ```
   */
  resolve(target: string): readonly string[] {
    return Object.freeze(
      // like Alembic, `-N` below a base gives base (Alembic's "base" or None): nothing applied on that line
      this.r.resolveAll(target).map((x) => (x === BASE || x === NONE ? 'base' : this.g.ids[x])),
    );
  }

  /**
   * What `upgrade <target>` runs from the given current heads (the maximal applied revisions; an
   * empty array for an empty database), in order, and the heads afterwards. Nothing to do gives an
   * empty plan, never an error.
   *
   * @example
   * ```ts
   * graph.planUpgrade(['a1'], '+1');  // error AMBIGUOUS_WALK: a1 has two children
   * graph.planUpgrade(['a1'], 'c3').revisions; // ['c3']
   * ```
   */
  planUpgrade(current: readonly string[], target: string): MigrationPlan {
    this.checkCurrent(current);
    const { needs, targets } = collectUpgrade(this.g, this.r, target, current, { inclusive: false, implicitBase: true, noOverwalk: true });
    const order = parentsFirst(this.g, needs, targets);
    const applied = this.appliedSet(current);
    markAll(applied, order);
    return this.plan('up', order, applied, []);
  }

  /**
   * What `downgrade <target>` runs from the given current heads, in order (children first), and the
   * heads afterwards. `-N` walks down from the first current head, as Alembic does (with a warning
   * when there are several); prefer `label@-N`.
   *
   * @example
   * ```ts
   * graph.planDowngrade(['b2', 'c3'], 'base').revisions; // ['c3', 'b2', 'a1'] or another valid order
   * ```
   */
  planDowngrade(current: readonly string[], target: string): MigrationPlan {
    this.checkCurrent(current);
    const warnings: string[] = [];
    const parsed = parseDowngradeTarget(this.g, this.r, current, target, warnings);
    const { drop, heads } = collectDowngrade(this.g, this.r, current, parsed, target);
    const order = parentsFirst(this.g, drop, heads).reverse();
    const applied = this.appliedSet(current);
    markAll(applied, order, 0);
    return this.plan('down', order, applied, warnings);
  }

  /**
   * A plan that runs exactly the given revisions, in a valid order, and nothing else: for an
   * upgrade, every parent and dependency of each must be applied or in the set; for a downgrade,
   * each must be applied and nothing applied outside the set may depend on it. Otherwise
   * `NOT_APPLICABLE` names the revision and what is missing. The test kit's stairway steps use it.
   *
   * @example
   * ```ts
   * graph.planExactly(['b2', 'c3'], 'down', ['b2']).headsAfter; // ['c3']
   * graph.planExactly([], 'up', ['b2']);                         // error NOT_APPLICABLE: a1 is not applied
   * ```
   */
  planExactly(current: readonly string[], direction: 'up' | 'down', ids: readonly string[]): MigrationPlan {
    this.checkCurrent(current);
    const g = this.g;
    const chosen = [...new Set(ids.map((id) => this.index(id)))];
    const inSet = new Uint8Array(g.size);
    for (const x of chosen) inSet[x] = 1;
    const applied = this.appliedSet(current);
    for (const x of chosen) {
      if (direction === 'up') {
        if (applied[x]) throw new RevisionGraphError('NOT_APPLICABLE', `Revision ${g.ids[x]} is already applied`, [g.ids[x]]);
        const missing = g.parents.list(x).filter((p) => !applied[p] && !inSet[p]);
        if (missing.length > 0) {
          const names = missing.map((m) => g.ids[m]);
          throw new RevisionGraphError('NOT_APPLICABLE', `Revision ${g.ids[x]} cannot run before ${names.join(', ')}, which ${names.length > 1 ? 'are' : 'is'} not applied`, [g.ids[x], ...names]);
        }
      } else {
        if (!applied[x]) throw new RevisionGraphError('NOT_APPLICABLE', `Revision ${g.ids[x]} is not applied`, [g.ids[x]]);
        const blocking = g.allNext.list(x).filter((c) => applied[c] && !inSet[c]);
        if (blocking.length > 0) {
          const names = blocking.map((b) => g.ids[b]);
          throw new RevisionGraphError('NOT_APPLICABLE', `Revision ${g.ids[x]} cannot be downgraded while ${names.join(', ')}, which build${names.length > 1 ? '' : 's'} on it, ${names.length > 1 ? 'are' : 'is'} applied`, [g.ids[x], ...names]);
        }
      }
    }
    let order = parentsFirst(g, chosen, chosen);
    if (direction === 'down') order = order.reverse();
    markAll(applied, order, direction === 'up' ? 1 : 0);
    return this.plan(direction, order, applied, []);
  }

  /**
   * Revisions newest first (`alembic history`), optionally within a range `lower:upper` where
   * either end may be empty (`base` and `heads`). The lower end must be an ancestor of the upper.
   *
   * @example
   * ```ts
   * graph.history();        // ['b2', 'c3', 'a1'] or another valid order
   * graph.history('a1:b2'); // ['b2', 'a1']
   * ```
   */
  history(range?: string): readonly string[] {
    let lower = 'base';
    let upper = 'heads';
    if (range !== undefined) {
      const parts = range.trim().split(':');
      if (parts.length !== 2) {
        throw new RevisionGraphError('INVALID_TARGET', `History range '${range}' must be [start]:[end], [start]: or :[end]`, [range]);
      }
      lower = parts[0] || 'base';
      upper = parts[1] || 'heads';
    }
    const { needs, targets } = collectUpgrade(this.g, this.r, upper, [lower], { inclusive: true, implicitBase: false, noOverwalk: false, lowerSymbol: lower });
    // a range may leave out revisions between two of its own (linked through depends_on): order through them too
    return Object.freeze(this.g.namesOf(parentsFirst(this.g, needs, targets, true).reverse()));
  }

  /**
   * The heads of an applied set: its revisions that no other applied revision descends from
   * (through down revisions or dependencies), in load order.
   *
   * @example
   * ```ts
   * graph.currentHeads(['a1', 'b2']); // ['b2']
   * ```
   */
  currentHeads(applied: Iterable<string>): readonly string[] {
    const inSet = new Uint8Array(this.g.size);
    for (const id of applied) inSet[this.index(id)] = 1;
    return this.maximal(inSet);
  }

  /**
   * The given revisions and all their ancestors (down revisions and dependencies), in an order
   * that puts parents first: what `stamp` records as applied.
   *
   * @example
   * ```ts
   * graph.ancestry(['b2']); // ['a1', 'b2']
   * ```
   */
  ancestry(ids: readonly string[]): readonly string[] {
    const start = ids.map((id) => this.index(id));
    const all = this.g.ancestors(start, true);
    return Object.freeze(this.g.namesOf(parentsFirst(this.g, all, start)));
  }

  /**
   * Current heads never overlap: one that is an ancestor of another means the applied set they were
   * read from has a gap (see `diagnoseRecordedHistory`), and no plan from it can be trusted.
   */
  private checkCurrent(current: readonly string[]): void {
    if (current.length < 2) return;
    const revs = [...new Set(this.r.resolveEach(current).filter((x) => x >= 0))];
    if (revs.length < 2) return;
    const g = this.g;
    const starts: number[] = [];
    for (const x of revs) starts.push(...g.parents.list(x));
    const below = new Uint8Array(g.size);
    markAll(below, g.collect(starts, g.parents));
    const inner = revs.find((x) => below[x]);
    if (inner === undefined) return;
    const outer = revs.find((x) => x !== inner && g.reaches(x, inner, g.parents))!;
    throw new RevisionGraphError(
      'OVERLAPPING_HEADS',
      `The current heads ${current.join(', ')} contradict each other: ${g.ids[inner]} is an ancestor of ${g.ids[outer]}, ` +
        `so a revision between them is not recorded as applied (a gap in the version table); repair it with \`stamp ${g.ids[outer]}\` ` +
        'if the revisions between them are in fact applied',
      [g.ids[inner], g.ids[outer]],
    );
  }

  private plan(direction: 'up' | 'down', order: Int32Array, applied: Uint8Array, warnings: readonly string[]): MigrationPlan {
    return Object.freeze({
      direction,
      revisions: Object.freeze(this.g.namesOf(order)),
      headsAfter: this.maximal(applied),
      warnings: Object.freeze([...warnings]),
    });
  }

  private appliedSet(current: readonly string[]): Uint8Array {
    const applied = new Uint8Array(this.g.size);
    const revs = this.r.resolveEach(current).filter((x) => x >= 0);
    markAll(applied, this.g.ancestors(revs, true));
    return applied;
  }

  private maximal(inSet: Uint8Array): readonly string[] {
    const out: string[] = [];
    const { offsets, items } = this.g.allNext;
    for (let i = 0; i < this.g.size; i++) {
      if (!inSet[i]) continue;
      let covered = false;
      for (let k = offsets[i], end = offsets[i + 1]; k < end && !covered; k++) covered = inSet[items[k]] === 1;
      if (!covered) out.push(this.g.ids[i]);
    }
    return Object.freeze(out);
  }

  private index(id: string): number {
    const i = this.g.byId.get(id);
    if (i === undefined) throw new RevisionGraphError('UNKNOWN_REVISION', `No such revision '${id}'`, [id]);
    return i;
  }
}
