#!/usr/bin/python3
"""Generate differential-oracle cases from the real Alembic (Debian bookworm python3-alembic 1.8.1).

Builds random revision graphs in memory (RevisionMap over a generator of Revision objects; no files,
no database), a dense grid of queries for each, and records Alembic's answers in the format of
/work/shared/oracle/README.md.  Upgrade/downgrade plans come from ScriptDirectory._upgrade_revs /
_downgrade_revs (on a ScriptDirectory whose revision_map is our in-memory map), and `heads_after`
from replaying the real HeadMaintainer.update_to_step on an in-memory set of rows.

The answers are computed in several processes with different PYTHONHASHSEED; queries whose answers
differ are marked `hash_dependent` with `hash_variants`.

Usage:  /usr/bin/python3 scripts/oracle/generate_cases.py [--seed N] [--scale X] [--only fam,...] [--out /tmp/oracle-gen/cases.json]
"""
import argparse
import json
import os
import random
import subprocess
import sys
import types
import warnings

SEEDS = [0, 1, 2, 3]

LABEL_POOL = ['feature', 'billing', 'auth', 'search', 'shop', 'geo', 'users', 'cache', 'network',
              'audit', 'ledger', 'stats', 'lefty', 'righty', 'networking', 'feat', 'net', 'bill',
              'reports', 'report', 'core', 'x1']


# ----------------------------------------------------------------------------------------------
# graph generation (deterministic: only lists, random.Random, sorted())
# ----------------------------------------------------------------------------------------------

class G:
    def __init__(self, rng, idgen=None):
        self.rng = rng
        self.revs = []          # creation order (topological)
        self.ids = set()
        self.idgen = idgen or (lambda: '%012x' % rng.getrandbits(48))
        self.labels_used = set()

    def new_id(self):
        while True:
            i = self.idgen()
            if i not in self.ids and i not in self.labels_used:
                return i

    def add(self, down=(), labels=(), deps=(), id=None):
        rid = id or self.new_id()
        self.ids.add(rid)
        for l in labels:
            self.labels_used.add(l)
        self.revs.append({'id': rid, 'down': list(down), 'branch_labels': list(labels), 'depends_on': list(deps)})
        return rid

    def byid(self, i):
        for r in self.revs:
            if r['id'] == i:
                return r
        raise KeyError(i)

    def label_owner(self):
        return {l: r['id'] for r in self.revs for l in r['branch_labels']}

    def tips(self):
        parents = {d for r in self.revs for d in r['down']}
        return [r['id'] for r in self.revs if r['id'] not in parents]

    def ancestors_down(self, i):
        m = {r['id']: r for r in self.revs}
        out, st = set(), list(m[i]['down'])
        while st:
            x = st.pop()
            if x in out or x not in m:
                continue
            out.add(x)
            st.extend(m[x]['down'])
        return out

    def free_label(self, pool=None):
        pool = [l for l in (pool or LABEL_POOL) if l not in self.labels_used and l not in self.ids]
        return self.rng.choice(pool) if pool else None

    def put_label(self, rid, label=None):
        label = label or self.free_label()
        if label is None:
            return None
        self.byid(rid)['branch_labels'].append(label)
        self.labels_used.add(label)
        return label


def chain(g, n, start=None, labels=None):
    prev = start
    out = []
    for _ in range(n):
        prev = g.add([prev] if prev else [])
        out.append(prev)
    return out


def random_dag(g, n, roots=1, p_branch=0.2, p_merge=0.12, p_root=0.0, p_dep=0.0, p_label=0.0,
               p_dep_label=0.4, p_redundant=0.1, p_odd_merge=0.05):
    rng = g.rng
    for i in range(n):
        tips = g.tips()
        existing = [r['id'] for r in g.revs]
        if len([r for r in g.revs if not r['down']]) < roots or (existing and rng.random() < p_root) or not existing:
            down = []
        else:
            x = rng.random()
            if x < p_merge and len(tips) >= 2:
                k = 2 if rng.random() < 0.8 or len(tips) < 3 else 3
                down = rng.sample(tips, k)
            elif x < p_merge + p_odd_merge and len(existing) >= 3:
                # merge of two arbitrary non-comparable revisions (not necessarily tips)
                a, b = rng.sample(existing, 2)
                if a in g.ancestors_down(b) or b in g.ancestors_down(a):
                    down = [rng.choice(tips)]
                else:
                    down = [a, b]
            elif x < p_merge + p_odd_merge + p_branch:
                down = [rng.choice(existing)]
            else:
                down = [rng.choice(tips)]
        deps = []
        if existing and down is not None and rng.random() < p_dep:
            anc = g.ancestors_down_of_list(down) if hasattr(g, 'ancestors_down_of_list') else None
            anc = set()
            for d in down:
                anc |= g.ancestors_down(d) | {d}
            cands = [e for e in existing if e not in anc]
            if rng.random() < p_redundant or not cands:
                cands = sorted(anc) or existing
            k = 1 if rng.random() < 0.75 else 2
            owners = g.label_owner()
            for d in rng.sample(cands, min(k, len(cands))):
                labs = [l for l, o in owners.items() if o == d]
                if labs and rng.random() < p_dep_label:
                    deps.append(rng.choice(sorted(labs)))
                else:
                    deps.append(d)
        labels = []
        if rng.random() < p_label:
            l = g.free_label()
            if l:
                labels = [l]
        g.add(down, labels, deps)


def sprinkle_labels(g, k):
    ids = [r['id'] for r in g.revs]
    for rid in g.rng.sample(ids, min(k, len(ids))):
        g.put_label(rid)


def make_graph(family, idx, rng):
    g = G(rng)
    desc = ''
    if family == 'linear':
        n = [2, 3, 4, 5, 7, 9, 12, 16, 20, 27, 33, 40][idx % 12]
        chain(g, n)
        if idx % 3 == 1:
            sprinkle_labels(g, 1 + rng.randrange(2))
        desc = 'linear chain of %d' % n
    elif family == 'long':
        n = [1000, 1500, 2000][idx % 3]
        chain(g, n)
        if idx % 2:
            g.put_label(g.revs[n // 2]['id'], 'feature')
        desc = 'long chain'
    elif family == 'multi_root':
        for _ in range(2 + rng.randrange(3)):
            random_dag(g, 2 + rng.randrange(6), roots=1, p_branch=0.15, p_merge=0.1)
            # random_dag appends a new root only when fewer roots exist; force new root
            g.add([])
        if rng.random() < 0.7:
            sprinkle_labels(g, 1 + rng.randrange(3))
        if rng.random() < 0.3:
            random_dag(g, 3, p_dep=0.6)
        desc = 'several roots'
    elif family == 'branches':
        random_dag(g, 6 + rng.randrange(20), p_branch=0.35, p_merge=0.0, p_odd_merge=0.0)
        if rng.random() < 0.3:
            sprinkle_labels(g, 1 + rng.randrange(2))
        desc = 'single root, several heads'
    elif family == 'merges':
        random_dag(g, 8 + rng.randrange(22), p_branch=0.3, p_merge=0.25, p_odd_merge=0.05)
        if rng.random() < 0.3:
            sprinkle_labels(g, 1 + rng.randrange(3))
        desc = 'branches and merges'
    elif family == 'labels':
        random_dag(g, 8 + rng.randrange(22), roots=1 + rng.randrange(3), p_branch=0.3, p_merge=0.12,
                   p_root=0.05)
        sprinkle_labels(g, 2 + rng.randrange(5))
        # a revision with two labels
        if rng.random() < 0.4:
            g.put_label(rng.choice(g.revs)['id'])
        desc = 'branch labels on bases, mid-chain revisions, branch points, merges, heads'
    elif family == 'depends_on':
        roots = 2 + rng.randrange(3)
        random_dag(g, 6 + rng.randrange(18), roots=roots, p_branch=0.2, p_merge=0.08, p_root=0.05,
                   p_dep=0.35, p_label=0.2, p_redundant=0.15)
        desc = 'depends_on across branches, by id and by label'
    elif family == 'random':
        n = 15 + rng.randrange(70)
        random_dag(g, n, roots=1 + rng.randrange(4), p_branch=0.25, p_merge=0.15, p_root=0.04,
                   p_dep=0.2, p_label=0.1, p_redundant=0.15)
        desc = 'random DAG'
    elif family == 'medium':
        n = 200 + rng.randrange(200)
        random_dag(g, n, roots=1 + rng.randrange(3), p_branch=0.12, p_merge=0.1, p_root=0.01,
                   p_dep=0.05, p_label=0.03, p_redundant=0.1)
        desc = 'medium random DAG'
    elif family == 'prefix':
        pools = [['a', 'ab', 'abc', 'abcd', 'ab1', '5', '55', '5e'], ['f', 'fe', 'fea', 'feat', 'be', 'bee'],
                 ['0', '00', '01', '1', '12', '123']]
        pool = pools[idx % len(pools)]
        def idgen():
            x = rng.random()
            if x < 0.15:
                return rng.choice(['a1', 'b2c', 'f', 'abc', '12', '5e', 'ab', 'fe', 'dead', 'abcd', 'feat'])
            p = rng.choice(pool)
            return (p + '%012x' % rng.getrandbits(48))[:rng.choice([4, 5, 6, 8, 12, 12, 12])]
        g.idgen = idgen
        random_dag(g, 6 + rng.randrange(14), roots=1 + rng.randrange(2), p_branch=0.3, p_merge=0.1,
                   p_dep=0.1)
        # labels that look like id prefixes
        ids = [r['id'] for r in g.revs]
        for _ in range(1 + rng.randrange(3)):
            src = rng.choice(ids)
            cand = src[:rng.choice([2, 3, 4, 5])]
            if cand not in g.ids and cand not in g.labels_used and '-' not in cand:
                g.put_label(rng.choice(ids), cand)
        for _ in range(rng.randrange(3)):
            g.put_label(rng.choice(ids), g.free_label(['feat', 'feature', 'featured', 'fe', 'net', 'network', 'networking', 'abc', 'abcd1']))
        desc = 'colliding prefixes, short ids, labels that look like prefixes'
    elif family == 'special':
        return special_graph(idx, rng)
    elif family == 'error':
        return error_graph(idx, rng)
    return g, desc


def special_graph(idx, rng):
    g = G(rng)
    k = idx % 14
    if k == 0:  # id that is a prefix of another id
        a = g.add([], id='abcd')
        b = g.add([a], id='abcdef123456')
        c = g.add([b], id='abcdef999999')
        g.add([a], id='abce00000000')
        return g, 'id_is_prefix_of_other'
    if k == 1:  # short ids
        a = g.add([], id='a')
        b = g.add([a], id='ab')
        c = g.add([b], id='abc')
        d = g.add([c], id='abcd')
        g.add([b], id='b1')
        return g, 'short_ids'
    if k == 2:  # label looks like prefix
        a = g.add([], id='ab12cd34ef56')
        b = g.add([a], id='ab12ffff0000', labels=['ab12'])
        c = g.add([a], id='cd99aa00bb11', labels=['cd99a'])
        g.add([c], id='cd99aa00bb22')
        return g, 'label_looks_like_prefix'
    if k == 3:  # numeric ids
        a = g.add([], id='1')
        b = g.add([a], id='2')
        c = g.add([b], id='12')
        d = g.add([b], id='123', labels=['b'])
        g.add([c, d], id='1234')
        return g, 'numeric_ids'
    if k == 4:  # redundant dependency (depends on own ancestor)
        a = g.add([])
        b = g.add([a])
        c = g.add([b], deps=[a])
        g.add([c])
        return g, 'redundant_dep'
    if k == 5:  # diamond with labels on both arms and dependent third branch
        a = g.add([], labels=['core'])
        b = g.add([a], labels=['lefty'])
        c = g.add([a], labels=['righty'])
        d = g.add([b, c])
        e = g.add([d])
        x = g.add([])
        g.add([x], deps=['lefty'])
        return g, 'diamond_labels_deps'
    if k == 6:  # docs networking
        a = g.add([])
        b = g.add([a])
        c = g.add([b])
        n1 = g.add([], labels=['networking'])
        n2 = g.add([n1], deps=[b])
        g.add([n2])
        return g, 'docs_networking'
    if k == 7:  # dependency merge
        a1 = g.add([], labels=['lefty'])
        a2 = g.add([a1])
        b1 = g.add([], labels=['righty'])
        b2 = g.add([b1])
        g.add([a2], deps=[b2])
        return g, 'dependency_merge'
    if k == 8:  # three-way merge + label on merge
        a = g.add([])
        b = g.add([a]); c = g.add([a]); d = g.add([a])
        m = g.add([b, c, d], labels=['merged'])
        g.add([m])
        return g, 'three_way_merge'
    if k == 9:  # dependency on a label whose revision is mid-chain, plus multiple deps
        a = g.add([]); b = g.add([a], labels=['billing']); c = g.add([b]); d = g.add([c])
        x = g.add([]); y = g.add([x], deps=['billing', c]); z = g.add([y], deps=[d])
        g.add([a])
        return g, 'multi_deps'
    if k == 10:  # revision depending on a head of another branch + merge depending
        a = g.add([]); b = g.add([a]); c = g.add([a]); d = g.add([b], deps=[c]); e = g.add([c])
        g.add([d, e])
        return g, 'dep_then_merge'
    if k == 11:  # labels on branch point and its child
        a = g.add([]); b = g.add([a], labels=['feature']); c = g.add([b]); d = g.add([b], labels=['shop'])
        e = g.add([c]); g.add([d])
        return g, 'label_on_branch_point'
    if k == 12:  # merge of a revision and its own ancestor's sibling chain, shuffled
        a = g.add([]); b = g.add([a]); c = g.add([b]); d = g.add([a]); e = g.add([c, d]); f = g.add([d])
        g.add([e], deps=[f])
        return g, 'merge_and_dep_on_sibling'
    # k == 13 dependency transitive redundant (deps declared by ancestors)
    a = g.add([]); b = g.add([a]); x = g.add([]); y = g.add([x], deps=[b]); z = g.add([y], deps=[b, a])
    g.add([z], deps=[a])
    return g, 'transitively_redundant_deps'


def error_graph(idx, rng):
    g = G(rng)
    k = idx % 12
    if k == 0:
        a = g.add([]); b = g.add([a]); c = g.add([b]); g.byid(b)['down'] = [c]
        return g, 'cycle'
    if k == 1:
        a = g.add([]); b = g.add([a]); g.byid(b)['down'] = [b]
        return g, 'self_loop'
    if k == 2:
        a = g.add([]); g.add([a], deps=[]); g.revs[1]['depends_on'] = [g.revs[1]['id']]
        return g, 'self_dependency'
    if k == 3:
        a = g.add([]); b = g.add([a]); x = g.add([], deps=[b]); g.byid(a)['depends_on'] = [x]
        return g, 'dependency_cycle'
    if k == 4:
        a = g.add([]); b = g.add([a]); c = g.add([b]); d = g.add([c]); g.byid(b)['depends_on'] = [d]
        return g, 'dependency_cycle_long'
    if k == 5:
        a = g.add([]); g.add(['f00dfeed0000'])
        return g, 'missing_down'
    if k == 6:
        a = g.add([]); g.add([a], deps=['nosuchlabel'])
        return g, 'missing_dep_label'
    if k == 7:
        a = g.add([]); b = g.add([a]); g.revs.append({'id': b, 'down': [a], 'branch_labels': [], 'depends_on': []})
        return g, 'duplicate_id'
    if k == 8:
        a = g.add([], labels=['feature']); g.add([a]); g.revs[1]['branch_labels'] = ['feature']
        return g, 'duplicate_label'
    if k == 9:
        a = g.add([]); b = g.add([a]); g.add([b]); g.revs[2]['branch_labels'] = [a]
        return g, 'label_equals_revision_id'
    if k == 10:
        a = g.add([]); g.add([a], id='abc-def000000')
        return g, 'illegal_char_dash'
    a = g.add([]); g.add([a], id='abc+def000000')
    return g, 'illegal_char_plus'


# ----------------------------------------------------------------------------------------------
# query generation
# ----------------------------------------------------------------------------------------------

def closure_fn(revs):
    m = {r['id']: r for r in revs}
    owner = {l: r['id'] for r in revs for l in r['branch_labels']}
    memo = {}

    def parents(i):
        return list(m[i]['down']) + [owner.get(d, d) for d in m[i]['depends_on']]

    def anc(i):
        if i in memo:
            return memo[i]
        out = set()
        st = parents(i)
        while st:
            x = st.pop()
            if x in out or x not in m:
                continue
            out.add(x)
            st.extend(parents(x))
        memo[i] = out
        return out
    return anc


def make_queries(g, rng, budget, kind, walk_env=None):
    revs = g.revs
    ids = [r['id'] for r in revs]
    owner = {l: r['id'] for r in revs for l in r['branch_labels']}
    labels = sorted(owner)
    anc = closure_fn(revs)
    qs = []

    def q(op, target, current=None):
        d = {'op': op, 'target': target}
        if current is not None:
            d['current'] = list(current)
        qs.append(d)

    for op in ('heads', 'heads_resolved', 'bases'):
        q(op, None)
    q('history', None)
    if kind == 'error':
        q('resolve', ids[-1]); q('resolve', 'heads')
        q('upgrade', 'heads', []); q('upgrade', 'head', [])
        q('downgrade', 'base', [ids[-1]]); q('downgrade', '-1', [ids[-1]])
        q('history', ids[0] + ':')
        return qs

    sample_ids = ids if len(ids) <= 14 else rng.sample(ids, 14)
    # prefixes: of ids, of labels, random hex
    prefixes = set()
    for i in sample_ids[:8]:
        for n in (1, 2, 3, 4, 5, 6):
            if n < len(i):
                prefixes.add(i[:n])
    for l in labels:
        for n in (2, 3, 4, 5):
            if n < len(l):
                prefixes.add(l[:n])
    prefixes |= {'0000deadbeef', 'dead', 'f', 'zz'}
    prefixes = sorted(prefixes)

    # ---- resolve
    rt = ['head', 'heads', 'base', '-1', '-2', '-3', '+1', '0000deadbeef']
    rt += sample_ids
    rt += rng.sample(prefixes, min(20, len(prefixes)))
    for l in labels:
        rt += [l, l + '@head', l + '@heads', l + '@base', l + '@-1', l + '@-2', l + '@' + rng.choice(ids)]
    for i in rng.sample(ids, min(4, len(ids))):
        rt += [i + '@head', i + '@heads', i + '@base', i + '-1', i + '+1', i + '@-1']
    rt += ['heads@head' if False else 'head@head']
    for t in rt:
        q('resolve', t)

    # ---- history
    ht = []
    for _ in range(6):
        a, b = rng.choice(ids), rng.choice(ids)
        ht.append('%s:%s' % (a, b))
        # ancestor pair
        an = sorted(anc(b))
        if an:
            ht.append('%s:%s' % (rng.choice(an), b))
    for i in rng.sample(ids, min(4, len(ids))):
        ht += [i + ':', ':' + i, 'base:' + i, i + ':heads']
    for l in labels:
        ht += [l + '@base:', '%s@%s:' % (l, owner[l]), ':' + l + '@head', l + '@base:' + l + '@head', l + ':']
        ht.append('%s@%s:' % (l, rng.choice(ids)))
    ht += [':heads', 'base:', ':head', '-1:', '-2:', '-3:', ':-1', 'base:heads', 'head:', 'heads:', ':base']
    for l in labels:
        ht += [l + '@-1:', l + '@head:', ':' + l + '@heads', l + '@+1:']
    for i in rng.sample(ids, min(2, len(ids))):
        ht += [':' + i + '+1', ':' + i + '-1', i + '@head:']
    for t in ht:
        q('history', t)

    # ---- current-row states
    def antichain(s):
        s = list(dict.fromkeys(s))
        return [x for x in s if not any(x in anc(y) for y in s if y != x)]

    states = [[]]
    states += [[i] for i in (ids if len(ids) <= 12 else rng.sample(ids, 12))]
    heads_real = antichain(ids)
    states.append(list(heads_real))
    for _ in range(10):
        k = 1 + rng.randrange(min(4, len(ids)))
        st = antichain(rng.sample(ids, k))
        rng.shuffle(st)
        states.append(st)
    # non-antichain and unknown rows
    for _ in range(2):
        b = rng.choice(ids)
        an = sorted(anc(b))
        if an:
            st = [rng.choice(an), b]
            rng.shuffle(st)
            states.append(st)
    if walk_env is not None:
        states += reachable_states(g, rng, walk_env, ids, labels)
    states.append(['0000deadbeef'])
    states.append([rng.choice(ids), 'ffffdeadbeef'])
    seen = set()
    uniq = []
    for st in states:
        key = tuple(st)
        if key not in seen:
            seen.add(key)
            uniq.append(st)
    states = uniq

    up_t = ['heads', 'head', 'base', '+1', '+2', '+3', '-1', 'head+1', 'heads-1', '0000deadbeef', 'dead', 'head-1',
            '+0', '-0', 'base+1', 'base+2', 'heads+1', 'base-1', '+10']
    dn_t = ['base', '-1', '-2', '-3', '-10', '+1', 'head', 'heads', '0000deadbeef', 'heads-1', 'head-2',
            '-0', '+0', 'base+1', 'head-1', 'base-1', 'heads+1']
    for i in sample_ids:
        up_t += [i, i + '+1', i + '+2', i + '-1', i + '@head', i + '@+1', i + '@heads', i + '@head+1', i + '-2']
        dn_t += [i, i + '-1', i + '+1', i + '@base', i + '@-1', i + '@head', i + '@' + i, i + '@head-1', i + '-2']
    for p in rng.sample(prefixes, min(6, len(prefixes))):
        up_t.append(p); dn_t.append(p)
    for l in labels:
        r = rng.choice(ids)
        up_t += [l, l + '@head', l + '@heads', l + '@base', l + '@+1', l + '@+2', l + '@-1', l + '@' + r,
                 l + '@' + r + '+1', l + '@head+1', l + '@head-1', l + '@base+1', l + '@' + r + '-1', l + '@-2']
        dn_t += [l, l + '@base', l + '@-1', l + '@-2', l + '@head', l + '@heads', l + '@' + r, l + '@+1',
                 l + '@' + owner[l], l + '@' + r + '-1', l + '@' + r + '+1', l + '@head-1', l + '@base+1',
                 l + '@-3', l + '@+2']
    grid = [('upgrade', t, s) for t in up_t for s in states] + [('downgrade', t, s) for t in dn_t for s in states]
    rest = max(0, budget - len(qs))
    if len(grid) > rest:
        # keep every target at least once with [] / heads states, then sample
        grid = rng.sample(grid, rest)
    for op, t, s in grid:
        q(op, t, s)
    return qs


FAMILY_PLAN = [
    ('linear', 24, 120), ('long', 3, 60), ('multi_root', 26, 170), ('branches', 26, 170),
    ('merges', 30, 180), ('labels', 34, 200), ('depends_on', 36, 200), ('random', 40, 200),
    ('medium', 6, 150), ('prefix', 24, 200), ('special', 28, 600), ('error', 24, 12),
]


def reachable_states(g, rng, env, ids, labels):
    """Row sets reached by short random sequences of real Alembic upgrades/downgrades from []."""
    make_sd, FakeHM, Revision = env
    sd = make_sd(g.revs)
    out = []
    for _ in range(4):
        cur = []
        for _ in range(4):
            op = rng.choice(['upgrade', 'upgrade', 'downgrade'])
            if op == 'upgrade':
                t = rng.choice(['heads', '+1', rng.choice(ids), rng.choice(ids)] + [l + '@+1' for l in labels])
            else:
                t = rng.choice(['-1', '-1', rng.choice(ids), 'base'] + [l + '@-1' for l in labels])
            a = run_query(sd, {'op': op, 'target': t, 'current': cur}, FakeHM, Revision)
            if 'heads_after' in a:
                cur = list(a['heads_after'])
                rng.shuffle(cur)
                out.append(cur)
    return out


def build_skeleton(seed, scale=1.0):
    rng = random.Random(seed)
    walk_env = alembic_env()
    cases = []
    for family, count, budget in FAMILY_PLAN:
        count = max(1, int(count * scale)) if family not in ('long', 'medium') else count
        budget = int(budget * scale) if family != 'error' else budget
        for idx in range(count):
            g, desc = make_graph(family, idx, rng)
            revs = g.revs
            kind = 'creation'
            if family not in ('long',) and rng.random() < 0.4:
                revs = list(revs)
                rng.shuffle(revs)
                kind = 'shuffled'
            g.revs = revs
            name = '%s_%02d' % (family, idx) if family != 'special' else 'special_%02d_%s' % (idx, desc)
            qs = make_queries(g, rng, budget, 'error' if family == 'error' else family,
                              None if family in ('error', 'long') else walk_env)
            for n, qq in enumerate(qs):
                qq['qi'] = n
            cases.append({'name': name, 'family': family, 'description': desc, 'load_order_kind': kind,
                          'revisions': revs, 'queries': qs})
    return cases


# ----------------------------------------------------------------------------------------------
# evaluation with the real Alembic
# ----------------------------------------------------------------------------------------------

def alembic_env():
    from alembic.script.revision import RevisionMap, Revision
    from alembic.script.base import ScriptDirectory
    from alembic.runtime.migration import HeadMaintainer

    def noop(*a, **k):
        pass

    mod = types.SimpleNamespace(upgrade=noop, downgrade=noop)

    class Rev(Revision):
        module = mod

        def __init__(self, r):
            down = r['down']
            dn = None if not down else (down[0] if len(down) == 1 else tuple(down))
            deps = tuple(r['depends_on'])
            super().__init__(r['id'], dn, dependencies=deps, branch_labels=tuple(r['branch_labels']))

        @property
        def doc(self):
            return ''

    class FakeHM(HeadMaintainer):
        def __init__(self, heads):
            self.context = None
            self.heads = set(heads)

        def _insert_version(self, version):
            assert version not in self.heads
            self.heads.add(version)

        def _delete_version(self, version):
            self.heads.remove(version)

        def _update_version(self, from_, to_):
            assert to_ not in self.heads
            self.heads.remove(from_)
            self.heads.add(to_)

    def make_sd(revs):
        sd = object.__new__(ScriptDirectory)
        sd.revision_map = RevisionMap(lambda: (Rev(r) for r in revs))
        return sd

    return make_sd, FakeHM, Revision


def err_dict(e, stage=None):
    d = {'error_class': type(e).__name__, 'error_message': str(e)}
    c = e.__cause__
    if c is not None:
        d['cause_class'] = type(c).__name__
        d['cause_message'] = str(c)
    if stage:
        d['error_stage'] = stage
    return d


def evaluate_case(case, env):
    make_sd, FakeHM, Revision = env
    revs = case['revisions']
    info = {}
    fresh_each = case['family'] == 'error'
    sd = make_sd(revs)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter('always')
        try:
            rm = sd.revision_map
            rm._revision_map
            info['load_order'] = [r['id'] for r in revs]
            info['heads'] = list(rm.heads)
            info['real_heads'] = list(rm._real_heads)
            info['bases'] = list(rm.bases)
            info['real_bases'] = list(rm._real_bases)
            m = rm._revision_map
            info['effective_branch_labels'] = {k: sorted(v.branch_labels) for k, v in m.items()
                                               if k and v is not None and v.revision == k and v.branch_labels}
            info['dependencies'] = {k: {'resolved': list(v._resolved_dependencies),
                                        'normalized': sorted(v._normalized_resolved_dependencies)}
                                    for k, v in m.items() if k and v is not None and v.revision == k
                                    and v._resolved_dependencies}
            constraints = []
            for k, v in m.items():
                if k and v is not None and v.revision == k:
                    for d in v._versioned_down_revisions:
                        constraints.append([d, k])
                    for d in v._resolved_dependencies:
                        if [d, k] not in constraints:
                            constraints.append([d, k])
        except Exception as e:
            info['load_error'] = {'error_class': type(e).__name__, 'error_message': str(e)}
            constraints = None
            fresh_each = True
        lw = [str(x.message) for x in w]
        if lw:
            info['load_warnings'] = lw

    answers = []
    for q in case['queries']:
        if fresh_each:
            sd = make_sd(revs)
        answers.append(run_query(sd, q, FakeHM, Revision))
    return info, constraints, answers


def run_query(sd, q, FakeHM, Revision):
    op, t = q['op'], q['target']
    stage = None
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter('always')
        try:
            if op == 'heads':
                out = {'result': list(sd.get_heads())}
            elif op == 'bases':
                out = {'result': list(sd.get_bases())}
            elif op == 'heads_resolved':
                out = {'result': [r.revision for r in sd.get_revisions('heads')]}
            elif op == 'history':
                if t is None:
                    base = head = None
                else:
                    base, head = t.strip().split(':')
                out = {'result': [s.revision for s in sd.walk_revisions(base=base or 'base', head=head or 'heads')]}
            elif op == 'resolve':
                res = []
                for r in sd.get_revisions(t):
                    res.append(r.revision if isinstance(r, Revision) else r)
                out = {'result': res}
            else:
                stage = 'plan'
                cur = tuple(q['current'])
                if op == 'upgrade':
                    steps = sd._upgrade_revs(t, cur)
                else:
                    steps = sd._downgrade_revs(t, cur)
                order = [s.revision.revision for s in steps]
                stage = 'apply'
                hm = FakeHM(cur)
                for s in steps:
                    hm.update_to_step(s)
                out = {'order': order, 'heads_after': sorted(hm.heads)}
        except Exception as e:
            out = err_dict(e, stage)
        ws = [str(x.message) for x in w]
        if ws and (op in ('upgrade', 'downgrade')):
            out['warnings'] = ws
    return out


def worker(skel_path, out_path):
    cases = json.load(open(skel_path))
    env = alembic_env()
    res = []
    for c in cases:
        info, constraints, answers = evaluate_case(c, env)
        res.append({'alembic': info, 'constraints': constraints, 'answers': answers})
    json.dump(res, open(out_path, 'w'))


def not_antichain(rows, constraints):
    parents = {}
    for p, c in constraints or []:
        parents.setdefault(c, []).append(p)

    def anc(i):
        out, st = set(), list(parents.get(i, []))
        while st:
            x = st.pop()
            if x not in out:
                out.add(x)
                st.extend(parents.get(x, []))
        return out
    return any(a in anc(b) for a in rows for b in rows if a != b)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--seed', type=int, default=20240612)
    ap.add_argument('--out', default='/tmp/oracle-gen/cases.json')
    ap.add_argument('--worker', nargs=2)
    ap.add_argument('--only', default=None, help='comma-separated families')
    ap.add_argument('--scale', type=float, default=1.0, help='multiply graph counts and query budgets')
    args = ap.parse_args()
    if os.environ.get('PYTHONHASHSEED') != '0' and not args.worker:
        # generation also runs Alembic (reachable row states): keep it reproducible
        os.execve(sys.executable, [sys.executable] + sys.argv, dict(os.environ, PYTHONHASHSEED='0'))
    if args.worker:
        return worker(*args.worker)

    cases = build_skeleton(args.seed, args.scale)
    if args.only:
        fams = args.only.split(',')
        cases = [c for c in cases if c['family'] in fams]
    outdir = os.path.dirname(args.out) or '.'
    os.makedirs(outdir, exist_ok=True)
    skel = os.path.join(outdir, 'skeleton.json')
    json.dump(cases, open(skel, 'w'))
    procs = []
    for s in SEEDS:
        env = dict(os.environ, PYTHONHASHSEED=str(s))
        outp = os.path.join(outdir, 'answers-%d.json' % s)
        procs.append((s, outp, subprocess.Popen([sys.executable, __file__, '--worker', skel, outp], env=env)))
    results = {}
    for s, outp, p in procs:
        if p.wait() != 0:
            sys.exit('worker %d failed' % s)
        results[s] = json.load(open(outp))

    base = results[SEEDS[0]]
    nq = nhd = 0
    for ci, c in enumerate(cases):
        r0 = base[ci]
        c['alembic'] = r0['alembic']
        if r0['constraints'] is not None:
            c['constraints'] = r0['constraints']
        for qi, q in enumerate(c['queries']):
            nq += 1
            ex = r0['answers'][qi]
            q['expect'] = ex
            variants = []
            for s in SEEDS[1:]:
                v = results[s][ci]['answers'][qi]
                if v != ex and v not in variants:
                    variants.append(v)
            if variants:
                # differences only in error message text are "unstable_message", not hash_dependent
                def strip(d):
                    return {k: v for k, v in d.items() if k not in ('error_message', 'cause_message')}
                if all(strip(v) == strip(ex) for v in variants):
                    q['unstable_message'] = True
                else:
                    q['hash_dependent'] = True
                    q['hash_variants'] = variants
                    nhd += 1
            if 'heads_after' in ex and not_antichain(ex['heads_after'], c.get('constraints')):
                q['heads_after_not_antichain'] = True
    out = {'generated_with': {'alembic': {'source': 'Debian bookworm python3-alembic 1.8.1', 'generator': 'scripts/oracle/generate_cases.py'},
                              'seed': args.seed, 'hash_seeds_compared': SEEDS, 'python_hash_seed_of_expect': SEEDS[0]},
           'cases': cases}
    json.dump(out, open(args.out, 'w'), indent=None)
    print('%d cases, %d queries, %d hash_dependent -> %s' % (len(cases), nq, nhd, args.out))


if __name__ == '__main__':
    main()
