import { RevisionGraphError } from './errors';
import type { RevisionRecord } from './types';
import { validateAcyclic } from './cycle-check';
import { reservedNameProblem } from './reserved-names';
import { Adjacency, AdjacencyBuilder } from './adjacency';
import { IdTable } from './id-table';

/** Characters a revision id may not contain: they carry meaning in targets (`a@b`, `-1`, `+2`, `a:b`). */
const ILLEGAL_ID_CHARS = /[@+\-:\s]/g;
const ILLEGAL_LABEL_CHARS = /[@:\s]/;
const NO_LABELS: readonly string[] = Object.freeze([]);
/** The effective labels of a revision no branch label reaches: shared, never added to. */
const NO_LABEL_SET: Set<string> = new Set();

/**
 * The loaded, validated revision graph as dense integer-indexed arrays.
 *
 * Index `i` is the i-th revision in load order. Edges point from a revision to its parents
 * (`down`, `deps`) or children (`next`, `allNext`), each kept as one {@link Adjacency} (flat typed
 * arrays). Built once; every query of {@link RevisionGraph} reads these arrays, which is what keeps
 * 200,000 revisions fast.
 *
 * @internal
 */
export class GraphIndex {
  readonly ids: readonly string[];
  readonly size: number;
  /** Revision id -> index. */
  readonly byId: IdTable;
  /** Branch label -> index of the revision that declares it. */
  readonly byLabel: ReadonlyMap<string, number>;
  /** The labels of the revisions that declare some, by index, in load order. */
  private readonly declaredLabels: ReadonlyMap<number, readonly string[]>;
  /** Versioned parents (`down_revision`), in declaration order. */
  readonly down: Adjacency;
  /** Resolved `depends_on`, in declaration order, without duplicates. */
  readonly deps: Adjacency;
  /** `deps` minus what a versioned ancestor already declares (Alembic's "normalized" dependencies). */
  readonly normDeps: Adjacency;
  /** `down` followed by `normDeps`: the parents that plans and ordering follow. */
  readonly parents: Adjacency;
  /** Versioned children (revisions naming this one in `down_revision`), in load order. */
  readonly next: Adjacency;
  /** Children through `down_revision` or `depends_on`, in load order. */
  readonly allNext: Adjacency;
  /** Versioned heads: no revision names them in `down_revision`. Load order. */
  readonly heads: readonly number[];
  /** Real heads: no revision names them in `down_revision` or `depends_on`. Load order. */
  readonly realHeads: readonly number[];
  /** Revisions without `down_revision`. Load order. */
  readonly bases: readonly number[];
  /** Revisions without `down_revision` and without `depends_on`. Load order. */
  readonly realBases: readonly number[];

  private labelsCache: (ReadonlySet<string>)[] | undefined;
  private readonly stamp: Uint32Array;
  /** The stack of every depth-first walk (walks never nest). */
  private readonly stack: Int32Array;
  /** Where a walk writes the revisions it reaches (each at most once) before they are copied out. */
  private readonly out: Int32Array;
  private epoch = 0;

  constructor(records: readonly RevisionRecord[]) {
    const n = records.length;
    this.size = n;
    const ids: string[] = new Array(n);
    const byId = new IdTable(ids, n);
    // the later passes visit only the records that declare labels or dependencies: a pass over
    // 200,000 records costs as much in memory traffic as the work it does
    const labelled: number[] = [];
    const dependent: number[] = [];
    // down revisions are resolved in the same pass when they are loaded first (as they usually are),
    // the others once every id is known
    const downBuilder = new AdjacencyBuilder(n, n);
    const forward: { position: number; revision: number; name: string }[] = [];
    for (let i = 0; i < n; i++) {
      const r = records[i];
      const id = r.id;
      if (r.branchLabels.length > 0) labelled.push(i);
      if (r.dependsOn.length > 0) dependent.push(i);
      if (typeof id !== 'string' || id.length === 0) {
        throw new RevisionGraphError('ILLEGAL_REVISION_ID', `Revision number ${i + 1} has an empty id`, []);
      }
      if (r.downRevisions.includes(id)) {
        throw new RevisionGraphError('SELF_LOOP', `Revision ${id} names itself as its down revision`, [id]);
      }
      if (r.dependsOn.includes(id)) {
        throw new RevisionGraphError('DEPENDENCY_SELF_LOOP', `Revision ${id} depends on itself`, [id]);
      }
      const illegal = id.match(ILLEGAL_ID_CHARS);
      if (illegal) {
        const chars = [...new Set(illegal)].sort().map((c) => JSON.stringify(c)).join(', ');
        throw new RevisionGraphError('ILLEGAL_REVISION_ID', `Revision id '${id}' contains ${chars}, which cannot be used in a revision id`, [id]);
      }
      const reserved = reservedNameProblem(id, 'revision id');
      if (reserved !== null) throw new RevisionGraphError('ILLEGAL_REVISION_ID', `Revision ${id}: ${reserved}`, [id]);
      ids[i] = id;
      const previous = byId.add(i);
      if (previous !== -1) {
        throw new RevisionGraphError('DUPLICATE_REVISION', `Revision ${id} is present more than once (revisions number ${previous + 1} and ${i + 1} in load order)`, [id]);
      }
      // (an indexed loop: iterating a Set or an array through one `for...of` allocates per step)
      const names = r.downRevisions;
      for (let k = 0; k < names.length; k++) {
        const name = names[k];
        if (k > 0 && names.indexOf(name) < k) continue;
        const j = byId.get(name);
        if (j !== undefined) downBuilder.add(j);
        else forward.push({ position: downBuilder.reserve(), revision: i, name });
      }
      downBuilder.endList();
    }
    this.ids = ids;
    this.byId = byId;

    const byLabel = new Map<string, number>();
    const declaredLabels = new Map<number, readonly string[]>();
    for (const i of labelled) {
      const labels = [...new Set(records[i].branchLabels)];
      declaredLabels.set(i, labels);
      for (const label of labels) {
        if (typeof label !== 'string' || label.length === 0 || ILLEGAL_LABEL_CHARS.test(label)) {
          throw new RevisionGraphError('ILLEGAL_REVISION_ID', `Branch label '${label}' of revision ${ids[i]} is empty or contains '@', ':' or white space`, [ids[i]]);
        }
        const reservedLabel = reservedNameProblem(label, 'branch label');
        if (reservedLabel !== null) throw new RevisionGraphError('ILLEGAL_REVISION_ID', `Branch label of revision ${ids[i]}: ${reservedLabel}`, [ids[i]]);
        if (byId.has(label)) {
          throw new RevisionGraphError('DUPLICATE_BRANCH_LABEL', `Branch label '${label}' of revision ${ids[i]} is also the id of revision ${label}`, [ids[i], label]);
        }
        const other = byLabel.get(label);
        if (other !== undefined) {
          throw new RevisionGraphError('DUPLICATE_BRANCH_LABEL', `Branch label '${label}' of revision ${ids[i]} is already used by revision ${ids[other]}`, [ids[i], ids[other]]);
        }
        byLabel.set(label, i);
      }
    }
    this.byLabel = byLabel;
    this.declaredLabels = declaredLabels;

    const depsBuilder = new AdjacencyBuilder(n, dependent.length);
    for (let i = 0, d = 0; i < n; i++) {
      if (dependent[d] !== i) {
        depsBuilder.endList();
        continue;
      }
      d++;
      for (const name of records[i].dependsOn) {
        const j = byId.get(name) ?? byLabel.get(name);
        if (j === undefined) {
          throw new RevisionGraphError('MISSING_DEPENDENCY', `Revision ${ids[i]} depends on '${name}', which is neither a revision nor a branch label`, [ids[i], name]);
        }
        if (j === i) {
          throw new RevisionGraphError('DEPENDENCY_SELF_LOOP', `Revision ${ids[i]} depends on itself (through '${name}')`, [ids[i]]);
        }
        depsBuilder.add(j);
      }
      depsBuilder.endList();
    }
    const deps = depsBuilder.build();
    this.deps = deps;

    for (const { position, revision, name } of forward) {
      const j = byId.get(name);
      if (j === undefined) {
        throw new RevisionGraphError('MISSING_DOWN_REVISION', `Revision ${ids[revision]} revises ${name}, which is not present`, [ids[revision], name]);
      }
      downBuilder.fill(position, j);
    }
    const down = downBuilder.build();
    const anyDeps = deps.items.length > 0;
    const next = down.reversed();
    // children through down_revision or depends_on: the same as `next` when nothing depends on anything
    const allNext = anyDeps ? down.reversed(deps) : next;
    this.down = down;
    this.next = next;
    this.allNext = allNext;

    validateAcyclic(ids, down, next, anyDeps ? deps : undefined, allNext);

    this.stamp = new Uint32Array(n);
    // a depth-first walk pushes each edge at most once, plus its starts: every edge list is within allNext's size
    this.stack = new Int32Array(n + allNext.items.length + 1);
    this.out = new Int32Array(n);
    const normDeps = anyDeps ? this.normalizeDependencies(deps, down) : deps;
    this.normDeps = normDeps;
    this.parents = normDeps.items.length === 0 ? down : down.union(normDeps);

    const heads: number[] = [];
    const realHeads: number[] = [];
    const bases: number[] = [];
    const realBases: number[] = [];
    for (let i = 0; i < n; i++) {
      if (next.count(i) === 0) heads.push(i);
      if (allNext.count(i) === 0) realHeads.push(i);
      if (down.count(i) === 0) {
        bases.push(i);
        if (deps.count(i) === 0) realBases.push(i);
      }
    }
    this.heads = heads;
    this.realHeads = realHeads;
    this.bases = bases;
    this.realBases = realBases;
  }

  /** The ids of the given revisions, in the same order. */
  namesOf(revisions: ArrayLike<number>): string[] {
    // sized once: a list of 200,000 grown by push costs more in garbage collection than the copy
    const names: string[] = new Array(revisions.length);
    for (let k = 0; k < revisions.length; k++) names[k] = this.ids[revisions[k]];
    return names;
  }

  /** A fresh visit mark: `isMarked(i)` is false for every i until `mark(i)`. */
  newVisit(): Visit {
    this.epoch++;
    if (this.epoch === 0xffffffff) {
      this.stamp.fill(0);
      this.epoch = 1;
    }
    return new Visit(this.stamp, this.epoch);
  }

  /**
   * The ancestors of `start` (inclusive) through `down` only, or through `parents` (down and
   * normalized dependencies), as a visit mark plus the list in visit order.
   */
  ancestors(start: Iterable<number>, includeDependencies: boolean): Int32Array {
    const edges = includeDependencies ? this.parents : this.down;
    return this.collect(start, edges);
  }

  /** The descendants of `start` (inclusive) through `next` only, or through `allNext`. */
  descendants(start: Iterable<number>, includeDependencies: boolean): Int32Array {
    const edges = includeDependencies ? this.allNext : this.next;
    return this.collect(start, edges);
  }

  /**
   * Depth-first closure of `start` along `edges`, each node once, in visit order. Returned as a typed
   * array: a plain array grown by `push` to 200,000 entries costs more in garbage collection than the
   * walk itself.
   */
  collect(start: Iterable<number>, edges: Adjacency): Int32Array {
    const visit = this.newVisit();
    const out = this.out;
    let count = 0;
    const starts = Array.isArray(start) ? (start as readonly number[]) : [...start];
    const stack = this.stackFor(starts.length);
    let top = 0;
    for (let k = 0; k < starts.length; k++) stack[top++] = starts[k];
    const { offsets, items } = edges;
    while (top > 0) {
      const i = stack[--top];
      if (visit.has(i)) continue;
      visit.add(i);
      out[count++] = i;
      for (let k = offsets[i], end = offsets[i + 1]; k < end; k++) if (!visit.has(items[k])) stack[top++] = items[k];
    }
    return out.slice(0, count);
  }

  /** True when `a` and `b` are the same revision or one descends from the other through `down_revision`. */
  sharesLineage(a: number, b: number): boolean {
    if (a === b) return true;
    return this.reaches(a, b, this.down) || this.reaches(b, a, this.down);
  }

  /** True when `to` is reachable from `from` along `edges`. */
  reaches(from: number, to: number, edges: Adjacency): boolean {
    const visit = this.newVisit();
    const stack = this.stack;
    const { offsets, items } = edges;
    let top = 0;
    stack[top++] = from;
    while (top > 0) {
      const i = stack[--top];
      if (i === to) return true;
      if (visit.has(i)) continue;
      visit.add(i);
      for (let k = offsets[i], end = offsets[i + 1]; k < end; k++) if (!visit.has(items[k])) stack[top++] = items[k];
    }
    return false;
  }

  /** The walk stack, or a larger one when the starts alone would not fit beside every edge. */
  private stackFor(starts: number): Int32Array {
    return starts + this.allNext.items.length < this.stack.length ? this.stack : new Int32Array(starts + this.allNext.items.length + 1);
  }

  /**
   * Branch labels after Alembic's propagation: a label spreads to every descendant through
   * `down_revision`, and from the last descendant down through the chain until a branch point
   * (counting dependents) or a merge point. Only `label@-N` and a `label@` history bound read them.
   */
  effectiveLabels(i: number): ReadonlySet<string> {
    if (!this.labelsCache) this.labelsCache = this.propagateLabels();
    return this.labelsCache[i];
  }

  /** The labels revision `i` declares itself. */
  ownLabels(i: number): readonly string[] {
    return this.declaredLabels.get(i) ?? NO_LABELS;
  }

  private propagateLabels(): ReadonlySet<string>[] {
    // one shared empty set for every revision no label reaches (in most folders, all of them)
    const labels: Set<string>[] = new Array<Set<string>>(this.size).fill(NO_LABEL_SET);
    const add = (node: number, carried: readonly string[]): void => {
      let set = labels[node];
      if (set === NO_LABEL_SET) labels[node] = set = new Set();
      for (const l of carried) set.add(l);
    };
    for (const [r, own] of this.declaredLabels) add(r, own);
    for (const r of this.declaredLabels.keys()) {
      const carried = [...labels[r]];
      const visited = this.descendants([r], false);
      for (let k = 0; k < visited.length; k++) add(visited[k], carried);
      let parent: number | undefined = visited[visited.length - 1];
      while (parent !== undefined && this.allNext.count(parent) <= 1 && this.down.count(parent) <= 1) {
        add(parent, carried);
        parent = this.down.count(parent) === 1 ? this.down.at(parent, 0) : undefined;
      }
    }
    return labels;
  }

  private normalizeDependencies(deps: Adjacency, down: Adjacency): Adjacency {
    const declarers = new Int32Array(this.size);
    const items = deps.items;
    for (let k = 0; k < items.length; k++) declarers[items[k]]++;
    let redeclared = false;
    for (let k = 0; k < items.length; k++) if (declarers[items[k]] > 1) redeclared = true;
    if (!redeclared) return deps;
    const builder = new AdjacencyBuilder(this.size, deps.items.length);
    for (let i = 0; i < this.size; i++) {
      const own = deps.list(i);
      if (own.some((x) => declarers[x] > 1)) {
        const declaredBelow = new Set<number>();
        for (const a of this.collect(down.list(i), down)) for (const x of deps.list(a)) declaredBelow.add(x);
        for (const x of own) if (!declaredBelow.has(x)) builder.add(x);
      } else {
        for (const x of own) builder.add(x);
      }
      builder.endList();
    }
    return builder.build();
  }
}

/**
 * Sets `marks[x] = value` for every revision `x` of `revisions`. (An indexed loop: code that runs
 * once per command is not optimised, and there `for...of` allocates an object per entry, which
 * over 200,000 revisions is megabytes for the collector.)
 */
export function markAll(marks: Uint8Array, revisions: ArrayLike<number>, value: 0 | 1 = 1): void {
  for (let k = 0; k < revisions.length; k++) marks[revisions[k]] = value;
}

/** The entries of `revisions` that pass `test`, in order (without growing an array entry by entry). */
export function keepWhere(revisions: Int32Array, test: (revision: number) => boolean): Int32Array {
  const out = new Int32Array(revisions.length);
  let count = 0;
  for (let k = 0; k < revisions.length; k++) if (test(revisions[k])) out[count++] = revisions[k];
  return count === out.length ? out : out.slice(0, count);
}

/** A set of revision indexes backed by a shared stamp array: O(1) add and lookup, no allocation. */
export class Visit {
  constructor(private readonly stamp: Uint32Array, private readonly epoch: number) {}

  has(i: number): boolean {
    return this.stamp[i] === this.epoch;
  }

  add(i: number): void {
    this.stamp[i] = this.epoch;
  }
}
