import { RevisionGraphError } from './errors';
import type { GraphIndex } from './graph-index';

/** A resolved symbol: a revision index, or one of the two non-revisions a walk can end on. */
export type Ref = number;
/** Walking down past a base lands on `base` (Alembic's string `"base"`). */
export const BASE: Ref = -1;
/** Walking past the end of the graph with `no_overwalk` gives nothing (Alembic's `None`). */
export const NONE: Ref = -2;

const INTEGER = /^\s*[+-]?\d+\s*$/;
/** Minimum length of a key (id or label) that a partial identifier may match. */
const MIN_PREFIX_KEY_LENGTH = 4;

/**
 * Turns the words a user types into revisions, with Alembic 1.8's rules: exact ids and labels,
 * unique prefixes of ids and labels longer than three characters, `head`, `heads`, `base`,
 * `label@head`, `label@heads`, `label@base`, `label@<rev>`, `<rev>@head` and `-N` from the heads.
 *
 * @internal
 */
export class TargetResolver {
  private sortedKeys: { key: string; order: number }[] | undefined;

  constructor(private readonly g: GraphIndex) {}

  /** Alembic's `get_revisions`: every revision a symbol stands for. */
  resolveAll(symbol: string): Ref[] {
    const { names, branch } = this.resolveNumber(symbol);
    if (names.length === 1 && INTEGER.test(names[0])) {
      const steps = parseInt(names[0], 10);
      if (steps < 0) {
        let heads: readonly number[] = this.g.realHeads;
        if (branch !== null) heads = heads.filter((h) => this.g.effectiveLabels(h).has(branch));
        return heads.map((h) => this.walk(h, steps, null, true));
      }
    }
    return names.map((name) => this.forIdent(name, branch));
  }

  /** Alembic's `get_revision`: exactly one revision (or `NONE` for `base`). */
  resolveOne(symbol: string): Ref {
    const { names, branch } = this.resolveNumber(symbol);
    if (names.length > 1) throw this.multipleHeads(names, symbol);
    return this.forIdent(names.length === 0 ? null : names[0], branch);
  }

  /** Resolves each of several symbols (e.g. the rows of the version table), flattening. */
  resolveEach(symbols: readonly string[]): Ref[] {
    const out: Ref[] = [];
    for (const s of symbols) out.push(...this.resolveAll(s));
    return out;
  }

  /** The single versioned head, optionally within a branch; `null` for an empty graph. */
  currentHead(branch: string | null): number | null {
    let heads: readonly number[] = this.g.heads;
    if (branch !== null) heads = this.filterForLineage(heads, branch);
    if (heads.length > 1) throw this.multipleHeads(heads.map((h) => this.g.ids[h]), branch !== null ? `${branch}@head` : 'head');
    return heads.length === 0 ? null : heads[0];
  }

  /**
   * Alembic's `_resolve_revision_number`: splits `branch@symbol` and expands `head`, `heads` and
   * `base` into revision ids; any other symbol is returned as written.
   */
  resolveNumber(symbol: string): { names: string[]; branch: string | null } {
    let branch: string | null = null;
    let id = symbol;
    const at = symbol.indexOf('@');
    if (at >= 0) {
      branch = symbol.slice(0, at);
      id = symbol.slice(at + 1);
    }
    if (id === 'heads') {
      const heads = branch !== null ? this.filterForLineage(this.g.heads, branch) : this.g.realHeads;
      return { names: heads.map((h) => this.g.ids[h]), branch };
    }
    if (id === 'head') {
      const head = this.currentHead(branch);
      return { names: head === null ? [] : [this.g.ids[head]], branch };
    }
    if (id === 'base') return { names: [], branch };
    return { names: [id], branch };
  }

  /**
   * Alembic's `_revision_for_ident`: an exact id or label, else a unique prefix; when a branch is
   * given, the revision must share its lineage.
   */
  forIdent(name: string | null, branch: string | null): Ref {
    const branchRev = branch !== null ? this.resolveBranch(branch) : null;
    if (name === null) return NONE;
    if (name === '') throw new RevisionGraphError('INVALID_TARGET', `An empty revision identifier${branch !== null ? ` after '${branch}@'` : ''} is not a target`, [name]);
    let rev = this.g.byId.get(name) ?? this.g.byLabel.get(name);
    if (rev === undefined) {
      let matches = this.prefixMatches(name);
      if (branchRev !== null && branch !== null) {
        matches = matches.filter((m) => this.sharesLineageWith(this.keyToIndex(m), [branch]));
      }
      if (matches.length === 0) {
        const hint = name.length < MIN_PREFIX_KEY_LENGTH ? '; a prefix matches only ids and labels of four characters or more (type a shorter label whole)' : '';
        throw new RevisionGraphError('UNKNOWN_REVISION', `No such revision or branch '${name}'${hint}`, [name]);
      }
      if (matches.length > 1) {
        const listed = matches.slice(0, 3).map((m) => `'${m}'`).join(', ');
        throw new RevisionGraphError('AMBIGUOUS_PREFIX', `Multiple revisions start with '${name}': ${listed}${matches.length > 3 ? ', ...' : ''}`, matches);
      }
      rev = this.keyToIndex(matches[0]);
    }
    if (branchRev !== null && !this.g.sharesLineage(rev, branchRev)) {
      throw new RevisionGraphError('NOT_IN_BRANCH', `Revision ${this.g.ids[rev]} is not a member of branch '${branch}'`, [this.g.ids[rev], branch!]);
    }
    return rev;
  }

  /** Alembic's `_resolve_branch`: a label or id, else a unique prefix of one. */
  resolveBranch(branch: string): number {
    const exact = this.g.byLabel.get(branch) ?? this.g.byId.get(branch);
    if (exact !== undefined) return exact;
    try {
      const rev = this.forIdent(branch, null);
      return rev;
    } catch (e) {
      if (e instanceof RevisionGraphError && (e.code === 'UNKNOWN_REVISION' || e.code === 'AMBIGUOUS_PREFIX')) {
        throw new RevisionGraphError(e.code === 'UNKNOWN_REVISION' ? 'UNKNOWN_REVISION' : 'AMBIGUOUS_PREFIX', `No such branch: '${branch}' (${e.message})`, [branch]);
      }
      throw e;
    }
  }

  /** Alembic's `filter_for_lineage`: the targets that share lineage with a branch or revision symbol. */
  filterForLineage(targets: readonly number[], checkAgainst: string): number[] {
    const { names, branch } = this.resolveNumber(checkAgainst);
    const shares = branch !== null ? [branch, ...names] : names;
    return targets.filter((t) => this.sharesLineageWith(t, shares));
  }

  /** True when `target` shares lineage (through `down_revision`) with any of the symbols. */
  sharesLineageWith(target: number, symbols: readonly string[]): boolean {
    if (symbols.length === 0) return true;
    const others = symbols.map((s) => this.forIdent(s, null));
    return others.some((o) => o >= 0 && this.g.sharesLineage(target, o));
  }

  /**
   * Alembic's `_walk`: `steps` up (positive) or down (negative) from `start` (`NONE` = below the
   * bases). Every step must have exactly one way to go; with `noOverwalk`, running out gives `NONE`.
   */
  walk(start: Ref, steps: number, branch: string | null, noOverwalk: boolean): Ref {
    let initial = start;
    for (let k = 0; k < Math.abs(steps); k++) {
      let children: Ref[];
      if (steps > 0) {
        if (initial === BASE) {
          throw new RevisionGraphError('WALKED_PAST_END', `Cannot walk up from base`, []);
        }
        const up = initial === NONE ? this.g.bases : this.g.next.list(initial);
        children = branch !== null ? this.filterForLineage(up, branch) : [...up];
      } else if (initial === BASE) {
        children = [];
      } else {
        children = initial === NONE ? this.resolveEach(this.g.heads.map((h) => this.g.ids[h])) : this.g.down.list(initial);
        if (children.length === 0) children = [BASE];
      }
      if (children.length === 0) return noOverwalk ? NONE : initial;
      if (children.length > 1) throw this.ambiguousWalk(initial, children, steps > 0);
      initial = children[0];
    }
    return initial;
  }

  /**
   * Walking met a branch point (up) or a merge point (down): the error says what to type instead,
   * since a relative step cannot choose: the revisions themselves, or (up) `<label>@+1` when the
   * branches carry labels, or a label to add when they do not.
   */
  private ambiguousWalk(from: Ref, candidates: readonly Ref[], up: boolean): RevisionGraphError {
    const names = candidates.map((c) => (c >= 0 ? this.g.ids[c] : 'base'));
    const at = from >= 0 ? this.g.ids[from] : 'base';
    const each = (verb: string) => names.map((n) => `\`${verb} ${n}\``).join(' or ');
    let message: string;
    if (!up) {
      message =
        `Ambiguous walk: ${at} is a merge point of ${names.join(', ')}, so no single revision is one step below it ` +
        `(and \`<id>@-1\` walks from the same merge). Name the revision to go down to instead: ${each('downgrade')} ` +
        `(each takes down the applied revisions built on the one named, ${at} among them, and keeps that revision and the other parent's line)`;
    } else {
      const labels = candidates.map((c) => (c >= 0 ? [...this.g.effectiveLabels(c)] : []));
      const labelled = labels.every((l) => l.length > 0);
      const byLabel = labelled ? labels.map((l) => `\`upgrade ${l[0]}@+1\``).join(' or ') : undefined;
      message =
        `Ambiguous walk: several revisions follow ${at} (${names.join(', ')}). Name the revision instead: ${each('upgrade')}` +
        (byLabel
          ? `, or walk one branch by its label: ${byLabel}`
          : `, or give each branch a label (branch_labels in the first revision of the branch) and walk it with \`<label>@+1\``);
    }
    return new RevisionGraphError('AMBIGUOUS_WALK', message, names);
  }

  /** Name of a ref for messages. */
  describe(ref: Ref): string {
    return ref >= 0 ? this.g.ids[ref] : ref === BASE ? 'base' : 'nothing';
  }

  multipleHeads(heads: readonly string[], argument: string): RevisionGraphError {
    return new RevisionGraphError(
      'MULTIPLE_HEADS',
      `Multiple heads are present for '${argument}': ${heads.join(', ')}. Name one of them, use '<branch>@head' to pick a branch's head, 'heads' for all of them, or merge them with \`merge\``,
      heads,
    );
  }

  private keyToIndex(key: string): number {
    return this.g.byId.get(key) ?? this.g.byLabel.get(key)!;
  }

  /** Keys (ids, then labels, in map order) longer than three characters starting with `prefix`. */
  private prefixMatches(prefix: string): string[] {
    if (!this.sortedKeys) {
      const keys: { key: string; order: number }[] = [];
      let order = 0;
      for (const id of this.g.ids) {
        if (id.length >= MIN_PREFIX_KEY_LENGTH) keys.push({ key: id, order });
        order++;
      }
      for (const label of this.g.byLabel.keys()) {
        if (label.length >= MIN_PREFIX_KEY_LENGTH) keys.push({ key: label, order });
        order++;
      }
      keys.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      this.sortedKeys = keys;
    }
    const keys = this.sortedKeys;
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid].key < prefix) lo = mid + 1;
      else hi = mid;
    }
    const found: { key: string; order: number }[] = [];
    for (let i = lo; i < keys.length && keys[i].key.startsWith(prefix); i++) found.push(keys[i]);
    return found.sort((a, b) => a.order - b.order).map((f) => f.key);
  }
}
