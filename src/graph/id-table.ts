/**
 * Revision id -> load index, for the ids of one graph: an open-addressing hash table of indexes into
 * the graph's own `ids` array, sized once for all of them.
 *
 * A `Map` would do the same job, but it grows by rehashing as it fills and keeps an entry object per
 * id; at 200,000 revisions its `set` and `get` were the largest single cost of loading a graph.
 * This table is one `Int32Array` of slots beside the ids the graph keeps anyway, filled in one pass.
 * Each slot holds an index and that id's hash side by side, so a probe that meets another id is
 * told apart by the hash without reading the other string.
 *
 * @internal
 */
export class IdTable {
  /** Slot `s` is `slots[2s]` (an index into `ids`, or -1 when empty) and `slots[2s + 1]` (its hash). */
  private readonly slots: Int32Array;
  private readonly mask: number;

  /** An empty table with room for `capacity` ids, which are read from `ids` by index. */
  constructor(private readonly ids: readonly string[], capacity: number) {
    let size = 16;
    while (size * 0.8 < capacity) size *= 2;
    this.slots = new Int32Array(size * 2).fill(-1);
    this.mask = size - 1;
  }

  /**
   * Records that `ids[index]` is at `index`, and returns `-1`; or, when the same id is already
   * there, records nothing and returns the earlier index.
   */
  add(index: number): number {
    const id = this.ids[index];
    const h = hash(id);
    const slot = this.slotOf(id, h);
    const at = this.slots[slot * 2];
    if (at !== -1) return at;
    this.slots[slot * 2] = index;
    this.slots[slot * 2 + 1] = h;
    return -1;
  }

  /** The index of `id`, or undefined. */
  get(id: string): number | undefined {
    const at = this.slots[this.slotOf(id, hash(id)) * 2];
    return at === -1 ? undefined : at;
  }

  /** The slot holding `id` (whose hash is `h`), or the empty slot where it would go. */
  private slotOf(id: string, h: number): number {
    const slots = this.slots;
    let slot = h & this.mask;
    for (let at = slots[slot * 2]; at !== -1; at = slots[slot * 2]) {
      if (slots[slot * 2 + 1] === h && this.ids[at] === id) return slot;
      slot = (slot + 1) & this.mask;
    }
    return slot;
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }
}

/** FNV-1a over the UTF-16 code units, then a final mix so that the low bits depend on every unit. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < s.length; k++) {
    h ^= s.charCodeAt(k);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h | 0;
}
