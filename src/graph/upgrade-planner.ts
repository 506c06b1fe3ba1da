import { RevisionGraphError } from './errors';
import { keepWhere, markAll, type GraphIndex } from './graph-index';
import { checkNoOverlap } from './overlap-check';
import { RELATIVE_TARGET } from './relative-target';
import { parseDowngradeTarget } from './downgrade-planner';
import { BASE, NONE, type Ref, type TargetResolver } from './target-resolver';

/** What an upgrade (or a `history` range) needs: the revisions to run and the targets they lead to. */
export interface UpgradeSelection {
  readonly needs: Int32Array;
  readonly targets: number[];
}

/**
 * Alembic's `_parse_upgrade_target`: an absolute target (`heads`, `<rev>`, `label@head`, ...), or a
 * relative one: `+N` and `label@+N` from the database, `<rev>+N` and `<rev>-N` from a revision.
 *
 * @internal
 */
export function parseUpgradeTarget(g: GraphIndex, r: TargetResolver, current: readonly string[], target: string, noOverwalk: boolean): Ref[] {
  const match = RELATIVE_TARGET.exec(target);
  if (!match) return r.resolveAll(target);
  const branch = match[1] ?? null;
  const symbol = match[2];
  const relative = parseInt(match[3], 10);
  if (relative > 0) {
    if (symbol !== undefined) {
      return [r.walk(r.resolveOne(symbol), relative, branch, noOverwalk)];
    }
    let start: Ref[] | undefined;
    if (branch !== null) {
      const currentRevs = r.resolveEach(current).filter((c) => c >= 0);
      start = r.filterForLineage(currentRevs, branch);
      if (start.length === 0) {
        // the branch is not applied at its head: start from its newest applied revisions
        const active = r.filterForLineage(Array.from(g.ancestors(currentRevs, true)), branch);
        const below = new Set<number>();
        for (const a of active) for (const p of g.parents.list(a)) below.add(p);
        start = active.filter((a) => !below.has(a));
        if (start.length === 0) start = [NONE];
      }
    }
    const starts: readonly (Ref | string)[] = start ?? (current.length === 0 ? [NONE] : current);
    if (starts.length > 1) {
      throw new RevisionGraphError(
        'AMBIGUOUS_UPGRADE',
        `'${target}' is relative to the database, but it is at several revisions (${current.join(', ')}); name the branch ('<branch>@${match[3]}') or a revision`,
        [...current],
      );
    }
    const first = starts[0];
    const rev = r.walk(typeof first === 'string' ? r.resolveOne(first) : first, relative, branch, noOverwalk);
    if (rev === NONE) {
      throw new RevisionGraphError('RELATIVE_OUT_OF_RANGE', `Relative revision ${match[3]} goes past the last revision: there are fewer than ${relative} revisions to upgrade`, [target]);
    }
    return [rev];
  }
  if (symbol === undefined) {
    throw new RevisionGraphError('RELATIVE_OUT_OF_RANGE', `'${target}' cannot be an upgrade target: an upgrade goes up (+N), not down`, [target]);
  }
  const from = branch === null ? r.resolveOne(symbol) : r.resolveOne(`${branch}@${symbol}`);
  return [r.walk(from, relative, null, noOverwalk)];
}

/**
 * Alembic's `_collect_upgrade_revisions`: the targets plus all their ancestors (through down
 * revisions and dependencies), minus everything the current revisions already imply.
 *
 * `implicitBase: false` (history ranges) also requires the lower bound to be an ancestor of the
 * targets and keeps only its descendants.
 *
 * @internal
 */
export function collectUpgrade(
  g: GraphIndex,
  r: TargetResolver,
  upper: string,
  lower: readonly string[],
  options: { inclusive: boolean; implicitBase: boolean; noOverwalk: boolean; lowerSymbol?: string },
): UpgradeSelection {
  const parsed = parseUpgradeTarget(g, r, lower, upper, options.noOverwalk);
  let targets: number[] = parsed.map((t) => {
    if (t < 0) {
      throw new RevisionGraphError('WALKED_PAST_END', `'${upper}' walks past the ${t === BASE ? 'base' : 'end of the graph'}: there is no such revision`, [upper]);
    }
    return t;
  });

  const lowerSymbol = options.lowerSymbol;
  if (lowerSymbol !== undefined && lowerSymbol.includes('@')) {
    let branch = lowerSymbol.slice(0, lowerSymbol.indexOf('@'));
    const branchRev = r.resolveOne(branch);
    if (branchRev >= 0 && g.ids[branchRev] === branch) {
      const labels = g.effectiveLabels(branchRev);
      if (labels.size !== 1) {
        throw new RevisionGraphError('AMBIGUOUS_BRANCH', `Revision ${branch} is used as a branch name, but it carries ${labels.size === 0 ? 'no branch label' : `several branch labels (${[...labels].join(', ')})`}`, [branch]);
      }
      branch = [...labels][0];
    }
    targets = targets.filter((t) => g.effectiveLabels(t).has(branch));
  }

  checkNoOverlap(g, targets);
  const required = g.ancestors(targets, true);
  const requiredSet = new Uint8Array(g.size);
  markAll(requiredSet, required);

  let currentRevs = r.resolveEach(lower);
  if (!options.implicitBase) {
    const outside = currentRevs.find((c) => c !== NONE && (c < 0 || !requiredSet[c]));
    if (outside !== undefined) {
      const name = outside >= 0 ? g.ids[outside] : 'base';
      throw new RevisionGraphError('NOT_AN_ANCESTOR', `Revision ${name} is not an ancestor of ${upper}: the range ${lower.join(',') || 'base'}:${upper} does not follow one line of revisions`, [name, upper]);
    }
  }
  let inclusiveLower = currentRevs;
  if (currentRevs.length > 0 && currentRevs[0] === NONE && options.lowerSymbol !== undefined) {
    // a relative lower bound that walked past the end: Alembic re-reads it as a downgrade target from the upper end
    const parsed = parseDowngradeTarget(g, r, [upper], options.lowerSymbol, []);
    if (parsed.revision === NONE) {
      throw new RevisionGraphError('WALKED_PAST_END', `'${options.lowerSymbol}' walks past the end of the graph`, [options.lowerSymbol]);
    }
    currentRevs = parsed.revision === BASE ? [] : [parsed.revision];
    inclusiveLower = currentRevs;
  }
  currentRevs = currentRevs.filter((c) => c >= 0);
  if (inclusiveLower.some((c) => c < 0 && c !== NONE) && options.inclusive) {
    throw new RevisionGraphError('WALKED_PAST_END', `'${options.lowerSymbol ?? lower.join(',')}' walks past a base`, [...lower]);
  }
  checkNoOverlap(g, currentRevs);
  const applied = new Uint8Array(g.size);
  markAll(applied, g.ancestors(currentRevs, true));

  let needs = keepWhere(required, (x) => applied[x] === 0);
  if (options.inclusive) {
    const have = new Set(needs);
    const lowerEnds = inclusiveLower.filter((c) => c >= 0 && !have.has(c));
    if (lowerEnds.length > 0) needs = Int32Array.from([...needs, ...new Set(lowerEnds)]);
  }
  if (currentRevs.length > 0 && !options.implicitBase) {
    checkNoOverlap(g, currentRevs, 'descendants');
    const below = new Uint8Array(g.size);
    markAll(below, g.descendants(currentRevs, false));
    needs = keepWhere(needs, (x) => below[x] === 1);
  }
  return { needs, targets };
}
