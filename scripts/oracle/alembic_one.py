#!/usr/bin/python3
"""Ad-hoc: print real Alembic answers for {revisions, queries} in a JSON file (pair with replay-one.ts)."""
import json, sys
sys.path.insert(0, __import__('os').path.dirname(__import__('os').path.abspath(__file__)))
import generate_cases as gc
spec = json.load(open(sys.argv[1]))
for r in spec['revisions']:
    r.setdefault('branch_labels', []); r.setdefault('depends_on', [])
env = gc.alembic_env()
case = {'family': 'x', 'revisions': spec['revisions'], 'queries': spec['queries']}
info, cons, ans = gc.evaluate_case(case, env)
for q, a in zip(spec['queries'], ans):
    print('ALEM', json.dumps(q), json.dumps(a))
