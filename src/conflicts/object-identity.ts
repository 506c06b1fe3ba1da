import type { ObjectRef, TouchAction } from '../sqlparse/touched-objects';
import type { RevisionEffects } from './revision-effects';

/** One touch of one object on one branch, keyed by the object's identity at the merge base. */
export interface BranchTouch {
  /** The object's identity: its kind and qualified name as at the merge base (renames followed). */
  readonly key: string;
  /** The key of the relation (of a column, constraint, trigger) or type (of an enum value), or `null`. */
  readonly parentKey: string | null;
  /** For people: `column public.user.email`, `enum value public.status 'archived'`. */
  readonly object: string;
  readonly action: TouchAction;
  /** What exactly, with the name the statement used when a rename on the branch changed it. */
  readonly detail: string;
  /** A whole-relation read (a view's query, rows written): a change to any of its columns matters. */
  readonly whole: boolean;
  readonly revision: string;
  readonly statement: string;
}

/** Unqualified names are taken as in `public` (the default search_path). */
const DEFAULT_SCHEMA = 'public';

/**
 * The touches of a branch's revisions (parents first), each keyed by the identity the object had at
 * the merge base: a table renamed on the branch and then indexed under its new name is, for the index,
 * still the table of the merge base. A rename touches the old identity (`rename`) and claims the new
 * name (`create`), so another branch using either name meets it. Unqualified names are taken as in
 * `public`.
 *
 * @example
 * ```ts
 * const touches = branchTouches([await revisionEffects(source, 'a1'), await revisionEffects(source, 'b2')]);
 * touches.filter((t) => t.key === 'relation:public.user'); // every touch of the table, under any of its names
 * ```
 */
export function branchTouches(effects: readonly RevisionEffects[]): readonly BranchTouch[] {
  const aliases = new Map<string, string>();
  const out: BranchTouch[] = [];
  const resolve = (key: string) => aliases.get(key) ?? key;
  for (const e of effects) {
    for (const t of e.touches) {
      const ref = t.object;
      const container = containerKey(ref);
      const baseContainer = resolve(container);
      const ownKey = ref.member === null ? container : memberKey(ref.kind, baseContainer, ref.member);
      const key = ref.member === null ? baseContainer : resolve(ownKey);
      const renamedName = ref.member === null ? (key !== container ? ` (as ${shownName(container)})` : '') : baseContainer !== container ? ` (on ${shownName(container)})` : '';
      const push = (k: string, action: TouchAction, detail: string, parentKey: string | null) =>
        out.push(
          Object.freeze({
            key: k,
            parentKey,
            object: `${ref.shownAs} ${shownName(k)}`,
            action,
            detail,
            whole: t.whole === true,
            revision: e.revision,
            statement: t.statement,
          }),
        );
      const parentKey = ref.member === null ? null : baseContainer;
      push(key, t.action, t.detail + renamedName, parentKey);
      if (t.action === 'rename' && t.newName !== undefined) {
        const renamedKey = ref.member === null ? withName(container, t.newName) : memberKey(ref.kind, baseContainer, t.newName);
        // the new name is claimed (another branch creating or using it meets this rename) ...
        push(renamedKey, 'create', `named by the rename of ${shownName(ref.member === null ? container : ownKey)}`, parentKey);
        // ... and from now on refers to the object the old name had
        aliases.set(renamedKey, key);
        if (ref.member === null) aliases.delete(container);
        else aliases.delete(ownKey);
      }
    }
  }
  return Object.freeze(out);
}

/** `relation:public.user`, `type:public.status`, `function:public.f`, `schema:app`, `extension:citext`. */
function containerKey(ref: ObjectRef): string {
  const schema = ref.schema ?? DEFAULT_SCHEMA;
  switch (ref.kind) {
    case 'schema':
    case 'extension':
      return `${ref.kind}:${ref.name}`;
    case 'column':
    case 'constraint':
    case 'trigger':
    case 'relation':
      return `relation:${schema}.${ref.name}`;
    case 'type':
    case 'enumValue':
      return `type:${schema}.${ref.name}`;
    case 'function':
      return `function:${schema}.${ref.name}`;
  }
}

function memberKey(kind: string, container: string, member: string): string {
  return `${kind}:${container.slice(container.indexOf(':') + 1)}.${member}`;
}

/** The same container key with another last name. */
function withName(key: string, name: string): string {
  const colon = key.indexOf(':');
  const body = key.slice(colon + 1);
  const dot = key.startsWith('schema:') || key.startsWith('extension:') ? -1 : body.indexOf('.');
  return `${key.slice(0, colon + 1)}${dot < 0 ? '' : body.slice(0, dot + 1)}${name}`;
}

function shownName(key: string): string {
  const body = key.slice(key.indexOf(':') + 1);
  if (key.startsWith('enumValue:')) {
    const dot = body.lastIndexOf('.');
    return `${body.slice(0, dot)} '${body.slice(dot + 1)}'`;
  }
  return body;
}
