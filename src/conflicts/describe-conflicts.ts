import type { ConflictReport, PairConflicts } from './conflict-analysis';

/**
 * A conflict report as lines for people: per pair of heads, the merge base, the revisions on each
 * side, then the verdict with every shared object (the revisions on both sides and how each touches
 * it) and every revision whose effect is unknown.
 *
 * @example
 * ```ts
 * for (const line of describeConflicts(await analyzeConflicts(env.graph, env.source))) console.log(line);
 * // heads b2b2b2b2b2b2 and c3c3c3c3c3c3 part at a1a1a1a1a1a1
 * //   b2b2b2b2b2b2 side: 1 revision: b2b2b2b2b2b2 add user email
 * //   ...
 * ```
 */
export function describeConflicts(report: ConflictReport): string[] {
  if (report.verdict === 'single-head') return [report.heads.length === 0 ? 'No heads: nothing to merge.' : `One head (${report.heads[0]}): nothing to merge.`];
  const lines: string[] = [];
  for (const pair of report.pairs) lines.push(...describePair(pair));
  return lines;
}

function describePair(pair: PairConflicts): string[] {
  const [a, b] = pair.heads;
  const lines = [`heads ${a} and ${b} part at ${pair.mergeBases.length === 0 ? '<base> (no common revision)' : pair.mergeBases.join(', ')}`];
  pair.sides.forEach((side, i) => {
    lines.push(`  ${pair.heads[i]} side: ${side.length} revision${side.length === 1 ? '' : 's'}${side.length === 0 ? '' : ':'}`);
    for (const r of side) lines.push(`    ${r.revision}${r.file ? ` (${r.file})` : ''} ${r.message}${r.unknown ? '  [effect unknown]' : ''}`);
  });
  if (pair.overlaps.length > 0) {
    lines.push(`  OVERLAP: ${pair.overlaps.length} object${pair.overlaps.length === 1 ? ' is' : 's are'} touched on both sides; the order of the branches may matter:`);
    for (const o of pair.overlaps) {
      lines.push(`    ${o.object}`);
      o.sides.forEach((touches, i) => {
        for (const t of touches) lines.push(`      ${pair.heads[i]} side, ${t.revision}: ${t.action} (${t.detail})`);
      });
    }
  }
  if (pair.unknown.length > 0) {
    lines.push(`  UNKNOWN: the effect of ${pair.unknown.length} revision${pair.unknown.length === 1 ? '' : 's'} cannot be known from its SQL, so nothing about ${pair.unknown.length === 1 ? 'it' : 'them'} is proven:`);
    for (const u of pair.unknown) for (const reason of u.reasons) lines.push(`    ${u.revision}${u.file ? ` (${u.file})` : ''}: ${reason}`);
  }
  if (pair.verdict === 'commute') lines.push('  commute: no object is touched on both sides (static analysis of their SQL; `merge --verify` runs both orders)');
  else if (pair.verdict === 'unknown') lines.push('  not proven: no shared object was found, but an unknown effect may touch anything (`merge --verify` runs both orders)');
  return lines;
}
