import { RevisionGraphError } from './errors';
import { keepWhere, markAll, type GraphIndex } from './graph-index';
import { RELATIVE_TARGET } from './relative-target';
import { BASE, NONE, type Ref, type TargetResolver } from './target-resolver';

/** A parsed downgrade target: the revision to go down to (`NONE` for base) and the branch it was named in. */
export interface DowngradeTarget {
  readonly branch: string | null;
  readonly revision: Ref;
  /**
   * For `-N` and `label@-N` (relative to the database): the current revision the walk started from and
   * N. Such a downgrade must run exactly the N revisions walked, never more.
   */
  readonly relative?: { readonly start: number; readonly steps: number };
}

/**
 * Alembic's `_parse_downgrade_target`: `base`, `<rev>`, `label@base`, `label@<rev>`, `-N` (from the
 * first current revision), `label@-N` (from the current revision on that branch) and `<rev>+N`.
 *
 * @internal
 */
export function parseDowngradeTarget(
  g: GraphIndex,
  r: TargetResolver,
  current: readonly string[],
  target: string,
  warnings: string[],
): DowngradeTarget {
  const match = RELATIVE_TARGET.exec(target);
  if (!match) {
    const at = target.lastIndexOf('@');
    const branch = at > 0 ? target.slice(0, at) : null;
    return { branch, revision: r.resolveOne(target.slice(at + 1)) };
  }
  let branch = match[1] ?? null;
  let symbol = match[2];
  const relative = parseInt(match[3], 10);
  if (relative >= 0) {
    if (symbol === undefined) {
      throw new RevisionGraphError('RELATIVE_OUT_OF_RANGE', `'${target}' cannot be a downgrade target: a downgrade goes down (-N), not up`, [target]);
    }
    const rev = r.walk(r.resolveOne(symbol), relative, branch, true);
    if (rev === NONE) {
      throw new RevisionGraphError('RELATIVE_OUT_OF_RANGE', `'${target}' walks past the last revision`, [target]);
    }
    return { branch, revision: rev };
  }
  const fromDatabase = symbol === undefined;
  if (fromDatabase) {
    if (branch !== null) {
      const currentRevs = r.resolveEach(current).filter((c) => c >= 0);
      let onBranch = r.filterForLineage(currentRevs, branch);
      if (onBranch.length === 0) onBranch = r.filterForLineage(allCurrent(g, currentRevs), branch);
      if (onBranch.length !== 1) {
        throw new RevisionGraphError(
          'AMBIGUOUS_BRANCH',
          onBranch.length === 0
            ? `'${target}': branch '${branch}' is not applied in the database (current: ${current.join(', ') || 'nothing'})`
            : `'${target}': the database is at several revisions of branch '${branch}' (${onBranch.map((o) => g.ids[o]).join(', ')})`,
          [branch],
        );
      }
      symbol = g.ids[onBranch[0]];
    } else {
      if (current.length === 0) {
        throw new RevisionGraphError('RELATIVE_OUT_OF_RANGE', `'${target}': nothing is applied, so there is nothing to downgrade`, [target]);
      }
      if (new Set(current).size > 1) {
        warnings.push(
          `downgrade ${target} from several heads (${current.join(', ')}) is ambiguous: only ${current[0]}'s line moves; ` +
            `to choose, type ${current.map((h) => `\`${h}@${match[3]}\``).join(' or ')}`,
        );
      }
      symbol = current[0];
      branch = symbol;
    }
  }
  const start = branch === null ? r.resolveOne(symbol!) : r.resolveOne(`${branch}@${symbol}`);
  const rev = r.walk(start, relative, null, true);
  if (rev === NONE) {
    throw new RevisionGraphError('RELATIVE_OUT_OF_RANGE', `Relative revision ${match[3]} goes below the base: fewer than ${-relative} revisions are applied on that line`, [target]);
  }
  return fromDatabase && start >= 0 ? { branch, revision: rev, relative: { start, steps: -relative } } : { branch, revision: rev };
}

/**
 * Alembic's `_collect_downgrade_revisions`: everything applied that descends (through down
 * revisions and dependencies) from the target's children — or from the bases, for `base`.
 *
 * @internal
 */
export function collectDowngrade(g: GraphIndex, r: TargetResolver, current: readonly string[], parsed: DowngradeTarget, target: string): { drop: Int32Array; heads: number[] } {
  const rev = parsed.revision === BASE ? NONE : parsed.revision;
  let roots: number[] = rev === NONE ? [...g.bases] : g.next.list(rev);
  if (parsed.branch !== null && roots.length > 1) {
    const ancestors = new Set(g.ancestors([r.resolveBranch(parsed.branch)], false));
    roots = roots.filter((x) => ancestors.has(x));
    if (roots.length === 0) {
      throw new RevisionGraphError('INVALID_DOWNGRADE_TARGET', `'${target}' is not a valid downgrade target from the current heads (${current.join(', ') || 'nothing'})`, [target]);
    }
  }
  const heads = r.resolveEach(current).filter((h) => h >= 0);
  const active = new Uint8Array(g.size);
  markAll(active, g.ancestors(heads, true));
  const drop = keepWhere(g.descendants(roots, true), (x) => active[x] === 1);
  if (parsed.relative) checkRelativeDowngrade(g, parsed.relative, drop, heads, rev, target);
  if (rev !== NONE && drop.length === 0 && !heads.includes(rev)) {
    throw new RevisionGraphError(
      'NOT_AN_ANCESTOR',
      `Destination ${g.ids[rev]} is not a valid downgrade target from the current heads (${current.join(', ') || 'nothing'}): it is not applied, or only applied as a dependency`,
      [g.ids[rev]],
    );
  }
  return { drop, heads };
}

/**
 * A downgrade relative to the database (`-N`, `label@-N`) runs exactly the N revisions its walk went
 * down through, never more: when other applied revisions build on them (a branch that forks above the
 * destination, a revision that depends on one of them), Alembic would silently take those down too;
 * here it is refused, naming them and the explicit commands that would do it.
 */
function checkRelativeDowngrade(
  g: GraphIndex,
  relative: { start: number; steps: number },
  drop: Int32Array,
  heads: readonly number[],
  rev: Ref,
  target: string,
): void {
  const walked = new Set<number>();
  let at = relative.start;
  for (let k = 0; k < relative.steps && at >= 0; k++) {
    walked.add(at);
    at = g.down.count(at) === 1 ? g.down.at(at, 0) : -1;
  }
  const extra = Array.from(drop).filter((x) => !walked.has(x));
  if (extra.length === 0) return;
  const names = extra.map((x) => g.ids[x]);
  const destination = rev >= 0 ? g.ids[rev] : 'base';
  const first = extra.filter((x) => heads.includes(x)).map((x) => `\`downgrade ${g.ids[x]}@-1\``);
  throw new RevisionGraphError(
    'RELATIVE_DOWNGRADE_TOO_WIDE',
    `downgrade ${target} would run ${drop.length} downgrades, not ${relative.steps}: ${names.join(', ')} ` +
      `${names.length > 1 ? 'build' : 'builds'} on the revisions it walks down through and would have to be downgraded too. ` +
      `Downgrade ${names.length > 1 ? 'those' : 'it'} first${first.length > 0 ? ` (${first.join(', ')})` : ''}, ` +
      `or name the destination to take them all down: \`downgrade ${destination}\``,
    [target, ...names],
  );
}

/**
 * Alembic's `_get_all_current`: the current revisions plus their ancestors, reduced to branch tips
 * (those no other member descends from through down revisions). The set is closed under ancestors,
 * so a member has a descendant in it exactly when it has a child in it.
 */
function allCurrent(g: GraphIndex, currentRevs: readonly number[]): number[] {
  const all = g.ancestors(currentRevs, true);
  const inSet = new Uint8Array(g.size);
  markAll(inSet, all);
  return Array.from(all)
    .filter((x) => !g.next.some(x, (c) => inSet[c] === 1))
    .sort((a, b) => a - b);
}
