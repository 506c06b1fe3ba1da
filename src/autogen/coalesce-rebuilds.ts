import { nativeEnumKey } from './enum-usage';
import type { Operation, RebuildEnumTypeOperation } from './operation';

/**
 * Merges consecutive rebuilds of the same enum type into one (so each table is rewritten once): the
 * `down` of a revision that added several values to a type removes them all in one rebuild. The
 * second rebuild must start where the first ends; the merged one converts the first one's columns
 * and re-creates its dependents.
 *
 * @example
 * ```ts
 * coalesceEnumRebuilds([
 *   { kind: 'rebuildEnumType', type, fromValues: ['a', 'b', 'c'], toValues: ['a', 'b'], columns },
 *   { kind: 'rebuildEnumType', type, fromValues: ['a', 'b'], toValues: ['a'], columns },
 * ]); // [{ kind: 'rebuildEnumType', type, fromValues: ['a', 'b', 'c'], toValues: ['a'], columns }]
 * ```
 */
export function coalesceEnumRebuilds(operations: readonly Operation[]): Operation[] {
  const out: Operation[] = [];
  for (const op of operations) {
    const last = out[out.length - 1];
    if (op.kind === 'rebuildEnumType' && last?.kind === 'rebuildEnumType' && follows(last, op)) {
      out[out.length - 1] = Object.freeze({ ...last, toValues: op.toValues, ...mergedMap(last, op) });
    } else {
      out.push(op);
    }
  }
  return out;
}

function follows(first: RebuildEnumTypeOperation, second: RebuildEnumTypeOperation): boolean {
  return (
    nativeEnumKey(first.type) === nativeEnumKey(second.type) &&
    first.toValues.length === second.fromValues.length &&
    first.toValues.every((v, i) => v === second.fromValues[i])
  );
}

function mergedMap(first: RebuildEnumTypeOperation, second: RebuildEnumTypeOperation): Partial<RebuildEnumTypeOperation> {
  if (first.map === undefined && second.map === undefined) return {};
  const map: Record<string, string> = {};
  for (const [from, to] of Object.entries(first.map ?? {})) map[from] = second.map?.[to] ?? to;
  for (const [from, to] of Object.entries(second.map ?? {})) if (!(from in map)) map[from] = to;
  return { map: Object.freeze(map) };
}
