import { expect } from 'chai';
import { RevisionGraph, RevisionGraphError, type RevisionRecord } from '../../src';

const rev = (id: string, down: string[] = [], extra: Partial<RevisionRecord> = {}): RevisionRecord => ({
  id,
  downRevisions: down,
  branchLabels: [],
  dependsOn: [],
  ...extra,
});

function graphError(records: RevisionRecord[]): RevisionGraphError {
  try {
    new RevisionGraph(records);
  } catch (e) {
    if (e instanceof RevisionGraphError) return e;
    throw e;
  }
  throw new Error('the graph loaded');
}

function planError(fn: () => unknown): RevisionGraphError {
  try {
    fn();
  } catch (e) {
    if (e instanceof RevisionGraphError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('RevisionGraph', function () {
  // a1 -> b2 (billing) ; a1 -> c3 ; both merged by d4
  const branched = [rev('a1'), rev('b2', ['a1'], { branchLabels: ['billing'] }), rev('c3', ['a1'])];
  const merged = [...branched, rev('d4', ['b2', 'c3'])];

  describe('validation: a broken graph is refused with a code naming the revisions', function () {
    const cases: [string, RevisionRecord[], string, string[]][] = [
      ['self loop', [rev('a1', ['a1'])], 'SELF_LOOP', ['a1']],
      ['dependency on itself', [rev('a1', [], { dependsOn: ['a1'] })], 'DEPENDENCY_SELF_LOOP', ['a1']],
      ['dependency on itself through its own label', [rev('a1', [], { dependsOn: ['core'], branchLabels: ['core'] })], 'DEPENDENCY_SELF_LOOP', ['a1']],
      ['illegal character', [rev('ab-cd')], 'ILLEGAL_REVISION_ID', ['ab-cd']],
      ['duplicate id', [rev('a1'), rev('a1')], 'DUPLICATE_REVISION', ['a1']],
      ['duplicate label', [rev('a1', [], { branchLabels: ['x'] }), rev('b2', ['a1'], { branchLabels: ['x'] })], 'DUPLICATE_BRANCH_LABEL', ['b2', 'a1']],
      ['label equal to an id', [rev('a1'), rev('b2', ['a1'], { branchLabels: ['a1'] })], 'DUPLICATE_BRANCH_LABEL', ['b2', 'a1']],
      ['missing down revision', [rev('a1'), rev('b2', ['zz'])], 'MISSING_DOWN_REVISION', ['b2', 'zz']],
      ['missing dependency', [rev('a1'), rev('b2', ['a1'], { dependsOn: ['nolabel'] })], 'MISSING_DEPENDENCY', ['b2', 'nolabel']],
      ['cycle', [rev('a1'), rev('b2', ['a1', 'c3']), rev('c3', ['b2']), rev('d4', ['c3'])], 'CYCLE', ['b2', 'c3']],
      [
        'long dependency cycle that Alembic misses',
        [rev('a1'), rev('b2', ['a1'], { dependsOn: ['e5'] }), rev('c3', ['b2']), rev('d4'), rev('e5', ['d4'], { dependsOn: ['c3'] }), rev('f6', ['c3', 'e5'])],
        'DEPENDENCY_CYCLE',
        ['b2', 'c3', 'e5'],
      ],
    ];
    for (const [name, records, code, revisions] of cases) {
      it(name, function () {
        const e = graphError(records);
        expect(e.code).to.equal(code);
        expect(e.revisions).to.deep.equal(revisions);
        for (const r of revisions) expect(e.message).to.contain(r);
      });
    }
  });

  describe('shape', function () {
    it('heads, bases and nodes of a branched graph', function () {
      const g = new RevisionGraph(branched);
      expect(g.heads).to.deep.equal(['b2', 'c3']);
      expect(g.bases).to.deep.equal(['a1']);
      const a1 = g.get('a1');
      expect(a1.children).to.deep.equal(['b2', 'c3']);
      expect(a1.isBranchPoint).to.equal(true);
      expect(new RevisionGraph(merged).get('d4').isMergePoint).to.equal(true);
    });

    it('depends_on makes a head a dependency, not a parent', function () {
      const g = new RevisionGraph([rev('a1'), rev('a2', ['a1']), rev('b1'), rev('b2', ['b1']), rev('x', ['a2'], { dependsOn: ['b2'] })]);
      expect(g.heads).to.deep.equal(['b2', 'x']);
      expect(g.realHeads).to.deep.equal(['x']);
      expect(g.get('b2').dependents).to.deep.equal(['x']);
    });

    it('currentHeads gives the maximal applied revisions; ancestry puts parents first', function () {
      const g = new RevisionGraph(merged);
      expect(g.currentHeads(['a1', 'b2', 'c3'])).to.deep.equal(['b2', 'c3']);
      expect(g.currentHeads(['a1', 'b2', 'c3', 'd4'])).to.deep.equal(['d4']);
      const order = g.ancestry(['d4']);
      expect([...order].sort()).to.deep.equal(['a1', 'b2', 'c3', 'd4']);
      expect(order[0]).to.equal('a1');
      expect(order[3]).to.equal('d4');
    });
  });

  describe('targets and plans', function () {
    it('head with several heads is refused and suggests heads, a branch or merge', function () {
      const e = planError(() => new RevisionGraph(branched).planUpgrade([], 'head'));
      expect(e.code).to.equal('MULTIPLE_HEADS');
      expect(e.revisions).to.deep.equal(['b2', 'c3']);
      expect(e.message).to.match(/heads/).and.to.match(/merge/);
    });

    it('upgrades a branch by label, then the rest with heads', function () {
      const g = new RevisionGraph(branched);
      const first = g.planUpgrade([], 'billing@head');
      expect(first.revisions).to.deep.equal(['a1', 'b2']);
      expect(first.headsAfter).to.deep.equal(['b2']);
      const rest = g.planUpgrade(first.headsAfter, 'heads');
      expect(rest.revisions).to.deep.equal(['c3']);
      expect(rest.headsAfter).to.deep.equal(['b2', 'c3']);
      expect(g.planUpgrade(rest.headsAfter, 'heads').revisions).to.deep.equal([]);
    });

    it('a merge collapses the heads; downgrading it restores both', function () {
      const g = new RevisionGraph(merged);
      const up = g.planUpgrade([], 'head');
      expect(up.revisions[0]).to.equal('a1');
      expect(up.revisions[3]).to.equal('d4');
      expect(up.headsAfter).to.deep.equal(['d4']);
      expect(planError(() => g.planDowngrade(['d4'], '-1')).code).to.equal('AMBIGUOUS_WALK');
      const down = g.planDowngrade(['d4'], 'b2');
      expect(down.revisions).to.deep.equal(['d4']);
      expect(down.headsAfter).to.deep.equal(['b2', 'c3']);
    });

    it('label@-1 moves only that branch; -1 from several heads warns', function () {
      const g = new RevisionGraph(branched);
      const labelled = g.planDowngrade(['b2', 'c3'], 'billing@-1');
      expect(labelled.revisions).to.deep.equal(['b2']);
      expect(labelled.headsAfter).to.deep.equal(['c3']);
      expect(labelled.warnings).to.deep.equal([]);
      const plain = g.planDowngrade(['c3', 'b2'], '-1');
      expect(plain.revisions).to.deep.equal(['c3']);
      expect(plain.warnings).to.have.length(1);
    });

    it('downgrade -1 at a merge point says what to type: each parent, which does run only the merge (issue 18)', function () {
      const g = new RevisionGraph(merged);
      const e = planError(() => g.planDowngrade(['d4'], '-1'));
      expect(e.code).to.equal('AMBIGUOUS_WALK');
      expect(e.message).to.contain('d4 is a merge point of b2, c3').and.to.contain('`downgrade b2` or `downgrade c3`');
      for (const parent of ['b2', 'c3']) expect(g.planDowngrade(['d4'], parent).revisions).to.deep.equal(['d4']);
      // <id>@-1 cannot choose either, as the message says
      expect(planError(() => g.planDowngrade(['d4'], 'b2@-1')).code).to.equal('AMBIGUOUS_WALK');
      // and +1 at a branch point names the revisions and the labels to walk by
      const up = planError(() => new RevisionGraph(branched).planUpgrade(['a1'], '+1'));
      expect(up.message).to.contain('`upgrade b2` or `upgrade c3`').and.to.contain('<label>@+1');
      const labelled = new RevisionGraph([rev('a1'), rev('b2', ['a1'], { branchLabels: ['billing'] }), rev('c3', ['a1'], { branchLabels: ['audit'] })]);
      expect(planError(() => labelled.planUpgrade(['a1'], '+1')).message).to.contain('`upgrade billing@+1` or `upgrade audit@+1`');
      expect(labelled.planUpgrade(['a1'], 'billing@+1').revisions).to.deep.equal(['b2']);
    });

    it('-N from several heads names the `<id>@-N` to type', function () {
      const g = new RevisionGraph(branched);
      const plain = g.planDowngrade(['c3', 'b2'], '-1');
      expect(plain.warnings[0]).to.contain('`c3@-1` or `b2@-1`');
      expect(g.planDowngrade(['c3', 'b2'], 'b2@-1').revisions).to.deep.equal(['b2']);
    });

    it('a relative downgrade never runs more revisions than it says (issue 17)', function () {
      // a1 <- b2 <- c3 ; b2 <- e5 (another branch on b2) ; x6 depends on c3
      const g = new RevisionGraph([rev('a1'), rev('b2', ['a1']), rev('c3', ['b2']), rev('e5', ['b2']), rev('x6', ['a1'], { dependsOn: ['c3'] })]);
      expect(g.planDowngrade(['c3', 'e5'], 'c3@-1').revisions).to.deep.equal(['c3']);
      const wide = planError(() => g.planDowngrade(['c3', 'e5'], 'c3@-2'));
      expect(wide.code).to.equal('RELATIVE_DOWNGRADE_TOO_WIDE');
      expect(wide.message).to.contain('would run 3 downgrades, not 2').and.to.contain('e5').and.to.contain('`downgrade e5@-1`').and.to.contain('`downgrade a1`');
      // what it refuses is what Alembic would have done: the explicit destination still does it
      expect([...g.planDowngrade(['c3', 'e5'], 'a1').revisions].sort()).to.deep.equal(['b2', 'c3', 'e5']);
      // a dependent applied on another line counts too
      expect(g.planDowngrade(['x6', 'e5'], 'x6@-1').revisions).to.deep.equal(['x6']);
      const d = new RevisionGraph([rev('a1'), rev('b2', ['a1']), rev('c3', ['b2']), rev('x6', ['a1'], { dependsOn: ['b2'] })]);
      const viaDependency = planError(() => d.planDowngrade(['c3', 'x6'], 'c3@-2'));
      expect(viaDependency.code).to.equal('RELATIVE_DOWNGRADE_TOO_WIDE');
      expect(viaDependency.message).to.contain('x6 builds on');
      expect(d.planDowngrade(['c3', 'x6'], 'c3@-1').revisions).to.deep.equal(['c3']);
    });

    it('current heads that overlap (a gap in the version table) are refused, not planned from', function () {
      const g = new RevisionGraph([rev('a1'), rev('b2', ['a1']), rev('c3', ['b2'])]);
      for (const plan of [() => g.planDowngrade(['a1', 'c3'], '-1'), () => g.planUpgrade(['a1', 'c3'], 'head'), () => g.planExactly(['a1', 'c3'], 'down', ['c3'])]) {
        const e = planError(plan);
        expect(e.code).to.equal('OVERLAPPING_HEADS');
        expect(e.message).to.contain('a1 is an ancestor of c3').and.to.contain('stamp c3');
      }
    });

    it('resolves unique prefixes and refuses ambiguous or unknown ones', function () {
      const g = new RevisionGraph([rev('abcd1111'), rev('abcd2222', ['abcd1111']), rev('ffff0000', ['abcd2222'])]);
      expect(g.resolve('ffff')).to.deep.equal(['ffff0000']);
      expect(g.resolve('f')).to.deep.equal(['ffff0000']);
      expect(planError(() => g.resolve('abcd')).code).to.equal('AMBIGUOUS_PREFIX');
      expect(planError(() => g.resolve('0000')).code).to.equal('UNKNOWN_REVISION');
    });

    it('+N walks up from the database and refuses to walk past the head', function () {
      const g = new RevisionGraph([rev('a1'), rev('b2', ['a1']), rev('c3', ['b2'])]);
      expect(g.planUpgrade(['a1'], '+2').revisions).to.deep.equal(['b2', 'c3']);
      expect(planError(() => g.planUpgrade(['a1'], '+3')).code).to.equal('RELATIVE_OUT_OF_RANGE');
      expect(planError(() => g.planUpgrade(['a1'], 'b2+5')).code).to.equal('WALKED_PAST_END');
    });

    it('history lists newest first and checks its range', function () {
      const g = new RevisionGraph([rev('a1'), rev('b2', ['a1']), rev('c3', ['b2'])]);
      expect(g.history()).to.deep.equal(['c3', 'b2', 'a1']);
      expect(g.history('b2:')).to.deep.equal(['c3', 'b2']);
      expect(planError(() => g.history('c3:b2')).code).to.equal('NOT_AN_ANCESTOR');
    });

    it('planExactly runs one revision across branches and merges, or says why not', function () {
      const g = new RevisionGraph(merged);
      expect(g.planExactly(['b2', 'c3'], 'down', ['b2']).headsAfter).to.deep.equal(['c3']);
      expect(g.planExactly(['b2', 'c3'], 'up', ['d4']).headsAfter).to.deep.equal(['d4']);
      expect(g.planExactly(['d4'], 'down', ['d4']).headsAfter).to.deep.equal(['b2', 'c3']);
      const early = planError(() => g.planExactly(['b2'], 'up', ['d4']));
      expect(early.code).to.equal('NOT_APPLICABLE');
      expect(early.revisions).to.deep.equal(['d4', 'c3']);
      const built = planError(() => g.planExactly(['d4'], 'down', ['b2']));
      expect(built.code).to.equal('NOT_APPLICABLE');
      expect(built.revisions).to.deep.equal(['b2', 'd4']);
      expect(g.planExactly(['a1'], 'up', ['c3', 'b2', 'd4']).revisions.at(-1)).to.equal('d4');
    });

    it('plans are frozen plain data', function () {
      const plan = new RevisionGraph(branched).planUpgrade([], 'heads');
      expect(Object.isFrozen(plan)).to.equal(true);
      expect(Object.isFrozen(plan.revisions)).to.equal(true);
    });
  });
});
