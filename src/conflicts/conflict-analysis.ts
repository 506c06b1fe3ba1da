import type { RevisionGraph } from '../graph/revision-graph';
import type { RevisionSource } from '../runtime/revision-source';
import type { TouchAction } from '../sqlparse/touched-objects';
import { headPairs, type BranchSplit } from './branch-split';
import { branchTouches, type BranchTouch } from './object-identity';
import { revisionEffects, type RevisionEffects } from './revision-effects';

/**
 * What the analysis concludes: `commute` (the branches touch no common object and every revision was
 * understood), `overlap` (some object is touched on both sides), `unknown` (no overlap found, but some
 * revision's effect cannot be known statically, so nothing is proven), `single-head` (nothing to merge).
 */
export type ConflictVerdict = 'single-head' | 'commute' | 'overlap' | 'unknown';

/** One touch of a shared object, for the report. */
export interface OverlapTouch {
  readonly revision: string;
  readonly file: string | null;
  readonly action: TouchAction;
  readonly detail: string;
  readonly statement: string;
}

/** An object both branches touch, at least one of them not only reading it. */
export interface Overlap {
  /** `column public.user.email`, `table public.user`, `enum type public.status`. */
  readonly object: string;
  /** Its identity at the merge base (`column:public.user.email`). */
  readonly key: string;
  /** The touches of each side (same order as the pair's heads). */
  readonly sides: readonly [readonly OverlapTouch[], readonly OverlapTouch[]];
}

/** A revision whose effect is (partly) unknown, and why. */
export interface UnknownRevision {
  readonly revision: string;
  readonly file: string | null;
  readonly reasons: readonly string[];
}

/** One revision of a side. */
export interface SideRevision {
  readonly revision: string;
  readonly file: string | null;
  readonly message: string;
  /** How many object touches its SQL has. */
  readonly touches: number;
  readonly unknown: boolean;
}

/** The analysis of two heads. */
export interface PairConflicts {
  readonly heads: readonly [string, string];
  readonly mergeBases: readonly string[];
  readonly sides: readonly [readonly SideRevision[], readonly SideRevision[]];
  readonly verdict: Exclude<ConflictVerdict, 'single-head'>;
  readonly overlaps: readonly Overlap[];
  readonly unknown: readonly UnknownRevision[];
}

/** What {@link analyzeConflicts} found. */
export interface ConflictReport {
  readonly heads: readonly string[];
  /** The worst verdict of the pairs (`overlap` before `unknown` before `commute`). */
  readonly verdict: ConflictVerdict;
  /** Every pair of heads. */
  readonly pairs: readonly PairConflicts[];
}

/**
 * Whether branches commute, statically: for each pair of heads, the revisions since their merge base
 * on each side, the database objects each revision's SQL touches (rendered offline, parsed with
 * PostgreSQL's parser, renames followed back to the merge base), and the objects both sides touch
 * where at least one side does more than read it. A revision that cannot be rendered offline, whose
 * SQL does not parse, or that runs something whose effect its text does not tell (a `DO` block, a
 * procedure call) is `unknown`: never taken as safe. Column order, data and anything outside the
 * catalog objects are not compared; `merge --verify` runs both orders to prove it.
 *
 * @example
 * ```ts
 * const env = new MigrationEnvironment({ path: 'migrations' });
 * const report = await analyzeConflicts(env.graph, env.source);
 * if (report.verdict === 'overlap') for (const o of report.pairs[0].overlaps) console.log(o.object);
 * ```
 */
export async function analyzeConflicts(graph: RevisionGraph, source: RevisionSource, heads: readonly string[] = graph.heads): Promise<ConflictReport> {
  const cache = new Map<string, Promise<RevisionEffects>>();
  const effectsOf = (id: string) => {
    let found = cache.get(id);
    if (found === undefined) cache.set(id, (found = revisionEffects(source, id)));
    return found;
  };
  const pairs: PairConflicts[] = [];
  for (const split of headPairs(graph, heads)) pairs.push(await analyzePair(split, effectsOf));
  const verdict: ConflictVerdict =
    heads.length < 2 ? 'single-head' : pairs.some((p) => p.verdict === 'overlap') ? 'overlap' : pairs.some((p) => p.verdict === 'unknown') ? 'unknown' : 'commute';
  return Object.freeze({ heads: Object.freeze([...heads]), verdict, pairs: Object.freeze(pairs) });
}

async function analyzePair(split: BranchSplit, effectsOf: (id: string) => Promise<RevisionEffects>): Promise<PairConflicts> {
  const effects: RevisionEffects[][] = [];
  for (const side of split.sides) {
    const list: RevisionEffects[] = [];
    for (const id of side) list.push(await effectsOf(id));
    effects.push(list);
  }
  const files = new Map(effects.flat().map((e) => [e.revision, e.file]));
  const touches = effects.map((list) => branchTouches(list));
  const overlaps = findOverlaps(touches[0], touches[1], files);
  const unknown = effects.flat().filter((e) => e.unknown.length > 0).map((e) => Object.freeze({ revision: e.revision, file: e.file, reasons: e.unknown }));
  const sides = effects.map((list) =>
    Object.freeze(list.map((e) => Object.freeze({ revision: e.revision, file: e.file, message: e.message, touches: e.touches.length, unknown: e.unknown.length > 0 }))),
  );
  return Object.freeze({
    heads: split.heads,
    mergeBases: split.mergeBases,
    sides: Object.freeze(sides as [SideRevision[], SideRevision[]]),
    verdict: overlaps.length > 0 ? 'overlap' : unknown.length > 0 ? 'unknown' : 'commute',
    overlaps: Object.freeze(overlaps),
    unknown: Object.freeze(unknown),
  });
}

/**
 * Objects both sides touch (at least one side not only reading), and relations one side reads whole
 * (a view's query, rows) while the other changes one of their columns or constraints.
 */
function findOverlaps(a: readonly BranchTouch[], b: readonly BranchTouch[], files: Map<string, string | null>): Overlap[] {
  const byKey = (touches: readonly BranchTouch[]) => {
    const map = new Map<string, BranchTouch[]>();
    for (const t of touches) map.set(t.key, [...(map.get(t.key) ?? []), t]);
    return map;
  };
  const left = byKey(a);
  const right = byKey(b);
  const writes = (list: readonly BranchTouch[]) => list.some((t) => t.action !== 'reads');
  const found = new Map<string, { object: string; sides: [BranchTouch[], BranchTouch[]] }>();
  const add = (key: string, object: string, l: readonly BranchTouch[], r: readonly BranchTouch[]) => {
    const had = found.get(key) ?? { object, sides: [[], []] as [BranchTouch[], BranchTouch[]] };
    had.sides[0].push(...l);
    had.sides[1].push(...r);
    found.set(key, had);
  };
  for (const [key, l] of left) {
    const r = right.get(key);
    if (r !== undefined && (writes(l) || writes(r))) add(key, preferredName(l, r), l, r);
  }
  // a whole read of a relation on one side, a change to one of its members on the other
  const wholeReads = (side: Map<string, BranchTouch[]>, other: readonly BranchTouch[], flip: boolean) => {
    for (const [key, list] of side) {
      const reads = list.filter((t) => t.whole);
      if (reads.length === 0) continue;
      const changed = other.filter((t) => t.parentKey === key && t.action !== 'reads');
      if (changed.length === 0) continue;
      const object = preferredName(list, []);
      if (flip) add(key, object, changed, reads);
      else add(key, object, reads, changed);
    }
  };
  wholeReads(left, b, false);
  wholeReads(right, a, true);
  return [...found.entries()]
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    .map(([key, o]) =>
      Object.freeze({
        object: o.object,
        key,
        sides: Object.freeze(o.sides.map((side) => Object.freeze(unique(side).map((t) => Object.freeze({ revision: t.revision, file: files.get(t.revision) ?? null, action: t.action, detail: t.detail, statement: t.statement }))))) as unknown as [OverlapTouch[], OverlapTouch[]],
      }),
    );
}

/** The object's name as the touch that does the most shows it (`table` rather than a reader's guess). */
function preferredName(l: readonly BranchTouch[], r: readonly BranchTouch[]): string {
  const all = [...l, ...r];
  return (all.find((t) => t.action === 'create' || t.action === 'drop' || t.action === 'alter') ?? all.find((t) => t.action !== 'reads') ?? all[0]).object;
}

function unique(touches: readonly BranchTouch[]): BranchTouch[] {
  const seen = new Set<string>();
  return touches.filter((t) => {
    const id = `${t.revision}\u0000${t.action}\u0000${t.detail}\u0000${t.statement}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
