/** What {@link drawGraph} needs to know about the revisions it draws. */
export interface GraphDrawingInput {
  /** The revisions, newest first: every revision comes before its parents. */
  readonly order: readonly string[];
  /** The parents (down revisions) of a revision that are drawn too (others are left out). */
  parents(id: string): readonly string[];
  /** The node mark of a revision (one character, possibly coloured), e.g. `*`. */
  node(id: string): string;
  /** The text after the graph on the revision's row. */
  text(id: string): string;
  /** Colours a lane's drawing by lane index (identity when colours are off). */
  lane?(index: number, text: string): string;
}

/**
 * Draws a revision graph in the terminal as `git log --graph` does: one column ("lane") per line of
 * revisions being followed, the node `*` of each revision in its lane, `|\` where a merge revision's
 * parents split off, `|/` where a branch point's children join again, and diagonals where lanes
 * shift. Only ASCII characters are used.
 *
 * Lanes are waiting for a given revision; a revision that no lane waits for (a head) opens a new
 * lane on the right. Its first parent continues its lane; further parents that no lane waits for
 * yet open lanes right of it. Lanes never cross except where an edge must pass over a lane between.
 *
 * @example
 * ```ts
 * drawGraph({
 *   order: ['m', 'b', 'a', 'base'],
 *   parents: (id) => ({ m: ['a', 'b'], b: ['base'], a: ['base'], base: [] })[id]!,
 *   node: () => '*',
 *   text: (id) => id,
 * });
 * // ['* m', '|\\', '| * b', '* | a', '|/', '* base']
 * ```
 */
export function drawGraph(input: GraphDrawingInput): string[] {
  const paint = input.lane ?? ((_: number, text: string) => text);
  const out: string[] = [];
  let lanes: string[] = [];
  for (const id of input.order) {
    let col = lanes.indexOf(id);
    if (col < 0) {
      lanes.push(id);
      col = lanes.length - 1;
    }
    const parents = input.parents(id);

    // the node row
    const cells: string[] = [];
    for (let i = 0; i < lanes.length; i++) cells.push(i === col ? input.node(id) : paint(i, '|'));
    out.push(`${cells.join(' ')} ${input.text(id)}`.replace(/\s+$/, ''));

    // the lanes after this revision
    const added = parents.filter((p) => !lanes.includes(p));
    const next = [...lanes.slice(0, col), ...added, ...lanes.slice(col + 1)];
    const edges: Edge[] = [];
    for (let i = 0; i < lanes.length; i++) {
      if (i === col) continue;
      edges.push({ from: i, to: next.indexOf(lanes[i]), lane: i });
    }
    for (const p of parents) edges.push({ from: col, to: next.indexOf(p), lane: col });
    out.push(...transition(edges, paint));
    lanes = next;
  }
  return out;
}

interface Edge {
  readonly from: number;
  readonly to: number;
  /** For colouring. */
  readonly lane: number;
}

/**
 * The rows between two revisions' rows: none when every lane goes straight down; otherwise rows
 * in which each edge moves at most one column toward its target (`\` right, `/` left, `|` down).
 */
function transition(edges: readonly Edge[], paint: (lane: number, text: string) => string): string[] {
  if (edges.every((e) => e.from === e.to)) return [];
  const rows: string[] = [];
  const pos = edges.map((e) => e.from);
  while (edges.some((e, k) => pos[k] !== e.to) || rows.length === 0) {
    const width = Math.max(...pos, ...edges.map((e) => e.to)) * 2 + 2;
    const row: string[] = new Array<string>(width).fill(' ');
    edges.forEach((e, k) => {
      const p = pos[k];
      if (e.to > p) {
        row[2 * p + 1] = paint(e.lane, '\\');
        pos[k] = p + 1;
      } else if (e.to < p) {
        row[2 * p - 1] = paint(e.lane, '/');
        pos[k] = p - 1;
      } else if (row[2 * p] === ' ') {
        row[2 * p] = paint(e.lane, '|');
      }
    });
    rows.push(row.join('').replace(/\s+$/, ''));
  }
  return rows;
}
