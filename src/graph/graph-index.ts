import { RevisionGraphError } from './errors';
import type { RevisionRecord } from './types';
import { validateAcyclic } from './cycle-check';
import { reservedNameProblem } from './reserved-names';

/** Characters a revision id may not contain: they carry meaning in targets (`a@b`, `-1`, `+2`, `a:b`). */
const ILLEGAL_ID_CHARS = /[@+\-:\s]/g;
const ILLEGAL_LABEL_CHARS = /[@:\s]/;
const EMPTY: readonly number[] = Object.freeze([]);
const NO_LABELS: readonly string[] = Object.freeze([]);

/**
 * The loaded, validated revision graph as dense integer-indexed arrays.
 *
 * Index `i` is the i-th revision in load order. Edges point from a revision to its parents
 * (`down`, `deps`) or children (`next`, `allNext`). Built once; every query of
 * {@link RevisionGraph} reads these arrays, which is what keeps 200,000 revisions fast.
 *
 * @internal
 */
export class GraphIndex {
  readonly ids: readonly string[];
  readonly size: number;
  /** Revision id -> index. */
  readonly byId: ReadonlyMap<string, number>;
  /** Branch label -> index of the revision that declares it. */
  readonly byLabel: ReadonlyMap<string, number>;
  /** The labels each revision declares itself. */
  readonly ownLabels: readonly (readonly string[])[];
  /** Versioned parents (`down_revision`), in declaration order. */
  readonly down: readonly (readonly number[])[];
  /** Resolved `depends_on`, in declaration order, without duplicates. */
  readonly deps: readonly (readonly number[])[];
  /** `deps` minus what a versioned ancestor already declares (Alembic's "normalized" dependencies). */
  readonly normDeps: readonly (readonly number[])[];
  /** `down` followed by `normDeps`: the parents that plans and ordering follow. */
  readonly parents: readonly (readonly number[])[];
  /** Versioned children (revisions naming this one in `down_revision`), in load order. */
  readonly next: readonly (readonly number[])[];
  /** Children through `down_revision` or `depends_on`, in load order. */
  readonly allNext: readonly (readonly number[])[];
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
  private epoch = 0;

  constructor(records: readonly RevisionRecord[]) {
    const n = records.length;
    this.size = n;
    const ids: string[] = new Array(n);
    const byId = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const r = records[i];
      const id = r.id;
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
      const previous = byId.get(id);
      if (previous !== undefined) {
        throw new RevisionGraphError('DUPLICATE_REVISION', `Revision ${id} is present more than once (revisions number ${previous + 1} and ${i + 1} in load order)`, [id]);
      }
      byId.set(id, i);
      ids[i] = id;
    }
    this.ids = ids;
    this.byId = byId;

    const byLabel = new Map<string, number>();
    const ownLabels: (readonly string[])[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const declared = records[i].branchLabels;
      const labels = declared.length === 0 ? NO_LABELS : [...new Set(declared)];
      ownLabels[i] = labels;
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
    this.ownLabels = ownLabels;

    const deps: (readonly number[])[] = new Array(n);
    for (let i = 0; i < n; i++) {
      if (records[i].dependsOn.length === 0) {
        deps[i] = EMPTY;
        continue;
      }
      const out: number[] = [];
      for (const name of records[i].dependsOn) {
        const j = byId.get(name) ?? byLabel.get(name);
        if (j === undefined) {
          throw new RevisionGraphError('MISSING_DEPENDENCY', `Revision ${ids[i]} depends on '${name}', which is neither a revision nor a branch label`, [ids[i], name]);
        }
        if (j === i) {
          throw new RevisionGraphError('DEPENDENCY_SELF_LOOP', `Revision ${ids[i]} depends on itself (through '${name}')`, [ids[i]]);
        }
        if (!out.includes(j)) out.push(j);
      }
      deps[i] = out;
    }
    this.deps = deps;

    const down: (readonly number[])[] = new Array(n);
    const next: number[][] = new Array(n);
    let anyDeps = false;
    for (let i = 0; i < n; i++) {
      const names = records[i].downRevisions;
      if (names.length === 0) {
        down[i] = EMPTY;
      } else {
        // lists are created with their first element (`[x]`): an empty `[]` grown by push() reserves
        // 17 slots, which for 200,000 one-parent revisions is tens of megabytes for the collector to walk
        let out: number[] | undefined;
        for (const name of names) {
          const j = byId.get(name);
          if (j === undefined) {
            throw new RevisionGraphError('MISSING_DOWN_REVISION', `Revision ${ids[i]} revises ${name}, which is not present`, [ids[i], name]);
          }
          if (out === undefined) out = [j];
          else if (!out.includes(j)) out.push(j);
          else continue;
          const children = next[j];
          if (children === undefined) next[j] = [i];
          else children.push(i);
        }
        down[i] = out as number[];
      }
      if (deps[i].length > 0) anyDeps = true;
    }
    for (let i = 0; i < n; i++) next[i] ??= EMPTY as number[];
    let allNext: (readonly number[])[] = next;
    if (anyDeps) {
      // children through down_revision, plus dependents: only the revisions someone depends on get a new list
      const withDeps: number[][] = next.slice();
      const grown: number[] = [];
      for (let i = 0; i < n; i++) {
        for (const j of deps[i]) {
          if (down[i].includes(j)) continue;
          if (withDeps[j] === next[j]) {
            withDeps[j] = [...next[j]];
            grown.push(j);
          }
          withDeps[j].push(i);
        }
      }
      // keep children in load order
      for (const j of grown) if (withDeps[j].length > 1) withDeps[j].sort((a, b) => a - b);
      allNext = withDeps;
    }
    this.down = down;
    this.next = next;
    this.allNext = allNext;

    validateAcyclic(ids, down, next, anyDeps ? deps : undefined, allNext);

    this.stamp = new Uint32Array(n);
    const normDeps = this.normalizeDependencies(deps, down);
    this.normDeps = normDeps;
    this.parents = down.map((d, i) => (normDeps[i].length === 0 ? d : [...d, ...normDeps[i].filter((x) => !d.includes(x))]));

    const heads: number[] = [];
    const realHeads: number[] = [];
    const bases: number[] = [];
    const realBases: number[] = [];
    for (let i = 0; i < n; i++) {
      if (next[i].length === 0) heads.push(i);
      if (allNext[i].length === 0) realHeads.push(i);
      if (down[i].length === 0) {
        bases.push(i);
        if (deps[i].length === 0) realBases.push(i);
      }
    }
    this.heads = heads;
    this.realHeads = realHeads;
    this.bases = bases;
    this.realBases = realBases;
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
  ancestors(start: Iterable<number>, includeDependencies: boolean): number[] {
    const edges = includeDependencies ? this.parents : this.down;
    return this.collect(start, edges);
  }

  /** The descendants of `start` (inclusive) through `next` only, or through `allNext`. */
  descendants(start: Iterable<number>, includeDependencies: boolean): number[] {
    const edges = includeDependencies ? this.allNext : this.next;
    return this.collect(start, edges);
  }

  /** Depth-first closure of `start` along `edges`, each node once, in visit order. */
  collect(start: Iterable<number>, edges: readonly (readonly number[])[]): number[] {
    const visit = this.newVisit();
    const out: number[] = [];
    const stack: number[] = [];
    for (const s of start) stack.push(s);
    while (stack.length > 0) {
      const i = stack.pop()!;
      if (visit.has(i)) continue;
      visit.add(i);
      out.push(i);
      const e = edges[i];
      for (let k = 0; k < e.length; k++) if (!visit.has(e[k])) stack.push(e[k]);
    }
    return out;
  }

  /** True when `a` and `b` are the same revision or one descends from the other through `down_revision`. */
  sharesLineage(a: number, b: number): boolean {
    if (a === b) return true;
    return this.reaches(a, b, this.down) || this.reaches(b, a, this.down);
  }

  /** True when `to` is reachable from `from` along `edges`. */
  reaches(from: number, to: number, edges: readonly (readonly number[])[]): boolean {
    const visit = this.newVisit();
    const stack = [from];
    while (stack.length > 0) {
      const i = stack.pop()!;
      if (i === to) return true;
      if (visit.has(i)) continue;
      visit.add(i);
      for (const j of edges[i]) stack.push(j);
    }
    return false;
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

  private propagateLabels(): ReadonlySet<string>[] {
    const labels: Set<string>[] = this.ownLabels.map((l) => new Set(l));
    for (let r = 0; r < this.size; r++) {
      if (this.ownLabels[r].length === 0) continue;
      const carried = [...labels[r]];
      const visited = this.descendants([r], false);
      for (const node of visited) for (const l of carried) labels[node].add(l);
      let parent: number | undefined = visited[visited.length - 1];
      while (parent !== undefined && this.allNext[parent].length <= 1 && this.down[parent].length <= 1) {
        for (const l of carried) labels[parent].add(l);
        parent = this.down[parent][0];
      }
    }
    return labels;
  }

  private normalizeDependencies(deps: readonly (readonly number[])[], down: readonly (readonly number[])[]): (readonly number[])[] {
    const declarers = new Map<number, number>();
    for (const d of deps) for (const x of d) declarers.set(x, (declarers.get(x) ?? 0) + 1);
    return deps.map((d, i) => {
      if (d.length === 0 || d.every((x) => declarers.get(x) === 1)) return d;
      const declaredBelow = new Set<number>();
      for (const a of this.collect(down[i], down)) for (const x of deps[a]) declaredBelow.add(x);
      return d.filter((x) => !declaredBelow.has(x));
    });
  }
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
