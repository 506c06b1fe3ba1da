import type { DatabaseSchema, SchemaDifference } from '@mikro-orm/knex';
import { mapEnumDefault } from '../script/enum-sql';
import type { EnumCatalog } from './enum-catalog';
import { enumColumnUses, enumRefOf, nativeEnumKey, type NativeEnumMap } from './enum-usage';
import { planEnumValueChanges } from './enum-value-changes';
import { InvalidEnumRenameError } from './errors';
import { compareStrings, displayName, sortKey } from './names';
import type {
  AddEnumValueOperation,
  CreateEnumTypeOperation,
  DropEnumTypeOperation,
  EnumColumnUse,
  EnumTypeRef,
  RebuildEnumTypeOperation,
  RenameEnumTypeOperation,
  RenameEnumValueOperation,
} from './operation';

/**
 * Renames the model makes that autogenerate cannot see for sure, declared by the caller. Types are
 * keyed as in `nativeEnumName` (`'user_role'`, `'app.user_role'`); `null` says "not a rename" and
 * turns the guess off for that type or value. A rename the database already has is skipped, so a
 * declaration can stay in place after its revision.
 *
 * @example
 * ```ts
 * await autogenerate(orm, {
 *   enumRenames: {
 *     types: { user_role: 'member_role' },                   // nativeEnumName changed
 *     values: { member_role: { user: 'member', guest: null } }, // keyed by the type's new name
 *   },
 * });
 * ```
 */
export interface EnumRenames {
  /** Old type → new type (`'user_role': 'app.member_role'`), or `null`: the old type is dropped, not renamed. */
  readonly types?: Readonly<Record<string, string | null>>;
  /** Per type (its name in the model): old value → new value, or `null`: the old value is removed, not renamed. */
  readonly values?: Readonly<Record<string, Readonly<Record<string, string | null>>>>;
}

/** What {@link planEnumChanges} plans from. */
export interface EnumPlanInput {
  readonly from: DatabaseSchema;
  readonly to: DatabaseSchema;
  readonly diff: SchemaDifference;
  readonly catalog: EnumCatalog;
  readonly renames?: EnumRenames;
  /** Guess renames (types used by the same columns, one value replaced in place). Default `true`. */
  readonly guessRenames?: boolean;
  readonly safe?: boolean;
  readonly dropUnusedEnums?: boolean;
}

/** The enum steps of a revision, by where they go, and what column planning must know about them. */
export interface EnumPlan {
  readonly renameTypes: readonly RenameEnumTypeOperation[];
  readonly renameValues: readonly RenameEnumValueOperation[];
  readonly createTypes: readonly CreateEnumTypeOperation[];
  readonly addValues: readonly AddEnumValueOperation[];
  readonly rebuilds: readonly RebuildEnumTypeOperation[];
  readonly dropTypes: readonly DropEnumTypeOperation[];
  /** Renamed types: the old key (`user_role`) → the new type. */
  readonly typeRenames: ReadonlyMap<string, EnumTypeRef>;
  /** Renamed values per type (keyed by the new type's key): old label → new label. */
  readonly valueRenames: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** The old type of each type that was renamed or kept, keyed by the new key (to find it in the catalog). */
  readonly origins: ReadonlyMap<string, EnumTypeRef>;
  /** Keys (old) of the types this revision drops or renames away. */
  readonly goneKeys: ReadonlySet<string>;
}

/**
 * Plans the native enum steps of a revision from MikroORM's schemas and the database's catalog:
 *
 * - a type that disappears while a new one with the same values is used by exactly the same existing
 *   columns is a **type rename** (`ALTER TYPE ... RENAME TO`, guessed), unless declared otherwise;
 *   other columns moving to another type are converted through `text` (column planning);
 * - per type, declared value renames, then the guess: **exactly one value removed and one added at
 *   the same position** is a rename (`ALTER TYPE ... RENAME VALUE`, guessed);
 * - new values are added in place (`ADD VALUE ... BEFORE/AFTER`), and when values are still removed
 *   or out of order, one rebuild converts every column that uses the type, in every schema;
 * - new types are created; a type is dropped when the model stopped using it and nothing else in the
 *   database (a column outside the model, a view, a function) still does. Types the model never
 *   used are left alone unless `dropUnusedEnums`.
 *
 * @throws {InvalidEnumRenameError} when a declared rename does not fit
 * @example
 * ```ts
 * const plan = planEnumChanges({ from, to, diff, catalog });
 * plan.renameValues; // [{ kind: 'renameEnumValue', type, from: 'user', to: 'member', guessed: true }]
 * ```
 */
export function planEnumChanges(input: EnumPlanInput): EnumPlan {
  const { from, to, diff, catalog } = input;
  const guess = input.guessRenames ?? true;
  const fromEnums = from.getNativeEnums() as NativeEnumMap;
  const toEnums = to.getNativeEnums() as NativeEnumMap;
  const managed = new Set(from.getTables().map((t) => sortKey({ schema: t.schema ?? 'public', name: t.name })));
  const existingColumns = new Set<string>();
  for (const t of from.getTables()) for (const c of t.getColumns()) existingColumns.add(columnKey({ schema: t.schema ?? 'public', name: t.name }, c.name));

  const unmanaged = (type: EnumTypeRef): EnumColumnUse[] =>
    (catalog.get(type)?.columns ?? []).filter((c) => !managed.has(sortKey(c.table)));
  const fromUses = (type: EnumTypeRef): EnumColumnUse[] => [...enumColumnUses(from, type, 'database'), ...unmanaged(type)];
  const toUses = (type: EnumTypeRef, origin: EnumTypeRef | undefined): EnumColumnUse[] => [
    ...enumColumnUses(to, type, 'metadata'),
    ...(origin === undefined ? [] : unmanaged(origin)),
  ];

  // type renames
  const removedTypes = sortedRefs(diff.removedNativeEnums.map(enumRefOf));
  const newTypes = sortedRefs(diff.newNativeEnums.map(enumRefOf));
  const declaredTypes = input.renames?.types ?? {};
  const typeRenames = new Map<string, EnumTypeRef>();
  const renameTypes: RenameEnumTypeOperation[] = [];
  const taken = new Set<string>();
  for (const [oldKey, newKey] of Object.entries(declaredTypes)) {
    if (newKey === null) continue;
    const old = removedTypes.find((t) => nativeEnumKey(t) === oldKey);
    const target = newTypes.find((t) => nativeEnumKey(t) === newKey);
    if (old === undefined && target === undefined && fromEnums[newKey] !== undefined && fromEnums[oldKey] === undefined) continue; // done already
    if (old === undefined) throw new InvalidEnumRenameError(`type ${oldKey} is not a type the model stopped using (existing types the model drops: ${listOr(removedTypes)})`);
    if (target === undefined) throw new InvalidEnumRenameError(`type ${newKey} is not a new type of the model (new types: ${listOr(newTypes)})`);
    typeRenames.set(oldKey, target);
    taken.add(nativeEnumKey(target));
    renameTypes.push({ kind: 'renameEnumType', from: old, to: target, guessed: false });
  }
  if (guess) {
    const columnSet = (uses: readonly EnumColumnUse[]) => new Set(uses.map((u) => columnKey(u.table, u.column)).filter((k) => existingColumns.has(k)));
    const candidates = new Map<string, EnumTypeRef[]>();
    for (const old of removedTypes) {
      const key = nativeEnumKey(old);
      if (key in declaredTypes) continue;
      const before = columnSet(enumColumnUses(from, old, 'database'));
      if (before.size === 0) continue;
      const values = new Set(fromEnums[key]?.items ?? []);
      const matches = newTypes.filter(
        (n) =>
          !taken.has(nativeEnumKey(n)) &&
          sameSet(values, new Set(toEnums[nativeEnumKey(n)]?.items ?? [])) &&
          sameSet(before, columnSet(enumColumnUses(to, n, 'metadata'))),
      );
      candidates.set(key, matches);
    }
    for (const old of removedTypes) {
      const matches = candidates.get(nativeEnumKey(old));
      if (matches?.length !== 1) continue;
      const target = matches[0];
      const rivals = [...candidates.values()].filter((m) => m.some((t) => nativeEnumKey(t) === nativeEnumKey(target)));
      if (rivals.length !== 1) continue;
      typeRenames.set(nativeEnumKey(old), target);
      taken.add(nativeEnumKey(target));
      renameTypes.push({ kind: 'renameEnumType', from: old, to: target, guessed: true });
    }
  }
  renameTypes.sort((a, b) => compareStrings(sortKey(a.from), sortKey(b.from)));

  // values of every type the model keeps (or renamed)
  const origins = new Map<string, EnumTypeRef>();
  for (const [oldKey, target] of typeRenames) origins.set(nativeEnumKey(target), enumRefOf(fromEnums[oldKey]));
  for (const key of Object.keys(toEnums)) if (fromEnums[key] !== undefined && !origins.has(key)) origins.set(key, enumRefOf(fromEnums[key]));

  const declaredValues = input.renames?.values ?? {};
  for (const key of Object.keys(declaredValues)) {
    if (toEnums[key] === undefined) throw new InvalidEnumRenameError(`values: ${key} is not an enum type of the model`);
  }
  const renameValues: RenameEnumValueOperation[] = [];
  const addValues: AddEnumValueOperation[] = [];
  const rebuilds: RebuildEnumTypeOperation[] = [];
  const valueRenames = new Map<string, Map<string, string>>();
  for (const key of Object.keys(toEnums).sort(compareStrings)) {
    const origin = origins.get(key);
    if (origin === undefined) continue;
    const type = enumRefOf(toEnums[key]);
    const target = [...toEnums[key].items];
    let current = [...fromEnums[nativeEnumKey(origin)].items];
    const renamed = new Map<string, string>();
    const declared = declaredValues[key] ?? {};
    for (const [oldLabel, newLabel] of Object.entries(declared)) {
      if (newLabel === null) continue;
      if (!current.includes(oldLabel) && current.includes(newLabel)) continue; // done already
      if (!current.includes(oldLabel)) throw new InvalidEnumRenameError(`values: '${oldLabel}' is not a value of ${displayName(origin)} (${current.map((v) => `'${v}'`).join(', ')})`);
      if (!target.includes(newLabel) || current.includes(newLabel)) {
        throw new InvalidEnumRenameError(`values: '${newLabel}' is not a new value of ${displayName(type)} in the model`);
      }
      renamed.set(oldLabel, newLabel);
      current = current.map((v) => (v === oldLabel ? newLabel : v));
      renameValues.push({ kind: 'renameEnumValue', type, from: oldLabel, to: newLabel, guessed: false });
    }
    if (guess) {
      const removed = current.filter((v) => !target.includes(v));
      const added = target.filter((v) => !current.includes(v));
      if (removed.length === 1 && added.length === 1 && !(removed[0] in declared) && current.indexOf(removed[0]) === target.indexOf(added[0])) {
        renamed.set(removed[0], added[0]);
        current = current.map((v) => (v === removed[0] ? added[0] : v));
        renameValues.push({ kind: 'renameEnumValue', type, from: removed[0], to: added[0], guessed: true });
      }
    }
    if (renamed.size > 0) valueRenames.set(key, renamed);
    const changes = planEnumValueChanges({
      type,
      fromValues: current,
      toValues: target,
      fromUses: Object.freeze(fromUses(origin).map((use) => renamedDefault(use, renamed))),
      toUses: Object.freeze(toUses(type, origin)),
    });
    addValues.push(...changes.additions);
    if (changes.rebuild) rebuilds.push(changes.rebuild);
  }

  // new types, dropped types
  const createTypes: CreateEnumTypeOperation[] = [];
  for (const entry of diff.newNativeEnums) {
    const type = enumRefOf(entry);
    if (taken.has(nativeEnumKey(type))) continue;
    createTypes.push({ kind: 'createEnumType', type, values: Object.freeze([...entry.items]) });
  }
  createTypes.sort((a, b) => compareStrings(nativeEnumKey(a.type), nativeEnumKey(b.type)));
  const dropTypes: DropEnumTypeOperation[] = [];
  const goneKeys = new Set(typeRenames.keys());
  if (!input.safe) {
    for (const type of removedTypes) {
      const key = nativeEnumKey(type);
      if (typeRenames.has(key)) continue;
      const used = enumColumnUses(from, type, 'database').length > 0;
      if (!used && !input.dropUnusedEnums) continue;
      const known = catalog.get(type);
      if (known !== undefined && (unmanaged(type).length > 0 || known.views.length > 0 || known.blockers.length > 0)) continue; // still used elsewhere
      goneKeys.add(key);
      dropTypes.push({ kind: 'dropEnumType', type, values: Object.freeze([...(fromEnums[key]?.items ?? [])]) });
    }
  }

  return {
    renameTypes,
    renameValues,
    createTypes,
    addValues,
    rebuilds,
    dropTypes,
    typeRenames,
    valueRenames,
    origins,
    goneKeys,
  };
}

/** A column whose default holds renamed labels under their new names (as it is once the renames ran). */
function renamedDefault(use: EnumColumnUse, renamed: ReadonlyMap<string, string>): EnumColumnUse {
  if (use.default === null || renamed.size === 0) return use;
  return { ...use, default: mapEnumDefault(use.default, Object.fromEntries(renamed)) };
}

function columnKey(table: { readonly schema: string; readonly name: string }, column: string): string {
  return `${sortKey(table)}\u0000${column}`;
}

function sortedRefs(refs: readonly EnumTypeRef[]): EnumTypeRef[] {
  return [...refs].sort((a, b) => compareStrings(sortKey(a), sortKey(b)));
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}

function listOr(refs: readonly EnumTypeRef[]): string {
  return refs.length === 0 ? 'none' : refs.map(nativeEnumKey).join(', ');
}
