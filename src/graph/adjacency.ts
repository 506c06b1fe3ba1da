/**
 * One list of revision indexes per revision, all held in one flat typed array (compressed sparse
 * rows): the list of revision `i` is `items[offsets[i]]` up to, not including, `items[offsets[i + 1]]`.
 *
 * A graph of 200,000 revisions keeps its edges in a few typed arrays instead of hundreds of
 * thousands of small arrays, which the garbage collector would otherwise copy and walk on every
 * collection: that is what keeps loading a large graph close to linear in its size.
 *
 * Hot loops read `offsets` and `items` directly; `list(i)` copies one list out for the cold paths
 * (messages, `RevisionGraph.get`).
 *
 * @internal
 */
export class Adjacency {
  /** The number of revisions (lists). */
  readonly size: number;

  constructor(
    /** `size + 1` entries: list `i` spans `offsets[i]` up to `offsets[i + 1]` in `items`. */
    readonly offsets: Int32Array,
    readonly items: Int32Array,
  ) {
    this.size = offsets.length - 1;
  }

  /** The length of list `i`. */
  count(i: number): number {
    return this.offsets[i + 1] - this.offsets[i];
  }

  /** The `k`-th entry of list `i` (no bounds check). */
  at(i: number, k: number): number {
    return this.items[this.offsets[i] + k];
  }

  /** True when list `i` holds `x`. */
  includes(i: number, x: number): boolean {
    for (let k = this.offsets[i], end = this.offsets[i + 1]; k < end; k++) if (this.items[k] === x) return true;
    return false;
  }

  /** True when some entry of list `i` satisfies `test`. */
  some(i: number, test: (x: number) => boolean): boolean {
    for (let k = this.offsets[i], end = this.offsets[i + 1]; k < end; k++) if (test(this.items[k])) return true;
    return false;
  }

  /** A copy of list `i` as a plain array. */
  list(i: number): number[] {
    const out: number[] = [];
    for (let k = this.offsets[i], end = this.offsets[i + 1]; k < end; k++) out.push(this.items[k]);
    return out;
  }

  /**
   * The reverse edges: list `j` of the result holds every `i` whose list holds `j`, in increasing
   * `i` (load order). With `also`, the edges of both adjacencies are reversed together, each pair once.
   */
  reversed(also?: Adjacency): Adjacency {
    const n = this.size;
    const offsets = new Int32Array(n + 1);
    const { offsets: from, items: to } = this;
    // count each list's length at offsets[j + 1], then turn the counts into starts
    for (let k = 0; k < to.length; k++) offsets[to[k] + 1]++;
    if (also !== undefined) {
      for (let i = 0; i < n; i++) {
        for (let k = also.offsets[i], end = also.offsets[i + 1]; k < end; k++) if (!this.includes(i, also.items[k])) offsets[also.items[k] + 1]++;
      }
    }
    for (let j = 0; j < n; j++) offsets[j + 1] += offsets[j];
    const items = new Int32Array(offsets[n]);
    const fill = offsets.slice(0, n);
    // the walk is in increasing i, so each list comes out in load order
    for (let i = 0; i < n; i++) {
      for (let k = from[i], end = from[i + 1]; k < end; k++) items[fill[to[k]]++] = i;
      if (also === undefined) continue;
      for (let k = also.offsets[i], end = also.offsets[i + 1]; k < end; k++) {
        const j = also.items[k];
        if (!this.includes(i, j)) items[fill[j]++] = i;
      }
    }
    return new Adjacency(offsets, items);
  }

  /** Each list of this adjacency followed by the entries of the same list in `other` that it lacks. */
  union(other: Adjacency): Adjacency {
    if (other.items.length === 0) return this;
    const builder = new AdjacencyBuilder(this.size, this.items.length + other.items.length);
    for (let i = 0; i < this.size; i++) {
      for (let k = this.offsets[i], end = this.offsets[i + 1]; k < end; k++) builder.add(this.items[k]);
      for (let k = other.offsets[i], end = other.offsets[i + 1]; k < end; k++) {
        if (!this.includes(i, other.items[k])) builder.add(other.items[k]);
      }
      builder.endList();
    }
    return builder.build();
  }
}

/**
 * Builds an {@link Adjacency} list by list, in order: `add` entries to the current list (a repeated
 * entry is kept once), then `endList`.
 *
 * @internal
 */
export class AdjacencyBuilder {
  private readonly offsets: Int32Array;
  private items: Int32Array;
  private list = 0;
  private length = 0;

  constructor(size: number, capacity: number) {
    this.offsets = new Int32Array(size + 1);
    this.items = new Int32Array(Math.max(capacity, 16));
  }

  /** Adds `x` to the current list unless it is already there. */
  add(x: number): void {
    for (let k = this.offsets[this.list]; k < this.length; k++) if (this.items[k] === x) return;
    if (this.length === this.items.length) {
      const grown = new Int32Array(this.items.length * 2);
      grown.set(this.items);
      this.items = grown;
    }
    this.items[this.length++] = x;
  }

  /**
   * Adds a place for an entry not known yet to the current list, and returns where it is, for
   * {@link AdjacencyBuilder.fill}.
   */
  reserve(): number {
    this.add(-1 - this.length);
    return this.length - 1;
  }

  /** Puts `x` in the place `reserve` returned. */
  fill(position: number, x: number): void {
    this.items[position] = x;
  }

  /** Closes the current list; the next `add` starts the next one. */
  endList(): void {
    this.offsets[++this.list] = this.length;
  }

  build(): Adjacency {
    if (this.list !== this.offsets.length - 1) throw new Error(`AdjacencyBuilder: ${this.list} of ${this.offsets.length - 1} lists built`);
    return new Adjacency(this.offsets, this.items.length === this.length ? this.items : this.items.slice(0, this.length));
  }
}
