// Ad-hoc: print RevisionGraph answers for {revisions, queries} in a JSON file (pair with alembic_one.py).
import { readFileSync } from 'node:fs';
import { RevisionGraph } from '../../src';
const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));
let g: RevisionGraph;
try { g = new RevisionGraph(spec.revisions.map((r: any) => ({ id: r.id, downRevisions: r.down, branchLabels: r.branch_labels ?? [], dependsOn: r.depends_on ?? [] }))); }
catch (e: any) { console.log('LOAD', e.code, e.message); process.exit(0); }
for (const q of spec.queries) {
  try {
    let v: any;
    if (q.op === 'resolve') v = g.resolve(q.target);
    else if (q.op === 'history') v = g.history(q.target ?? undefined);
    else if (q.op === 'upgrade') { const p = g.planUpgrade(q.current, q.target); v = { order: p.revisions, heads_after: p.headsAfter, w: p.warnings }; }
    else if (q.op === 'downgrade') { const p = g.planDowngrade(q.current, q.target); v = { order: p.revisions, heads_after: p.headsAfter, w: p.warnings }; }
    console.log('OURS', JSON.stringify(q), JSON.stringify(v));
  } catch (e: any) { console.log('OURS', JSON.stringify(q), 'ERR', e.code, e.message); }
}
