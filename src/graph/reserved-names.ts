/**
 * The words the target syntax gives a meaning of its own (`upgrade head`, `downgrade base`,
 * `billing@heads`): a revision id or branch label spelled like one of them could never be named.
 */
export const RESERVED_NAMES: readonly string[] = Object.freeze(['base', 'head', 'heads']);

/** A step such as `-2` or `+1` inside a label: `v-2@head` would read as the relative target `v-2`. */
const RELATIVE_STEP = /[+-]\d/;

/**
 * Why `name` cannot be a revision id or a branch label because of the target syntax, or `null` when
 * it can. (The characters ids and labels may use are checked where they are read; this is only about
 * words the syntax reserves.)
 *
 * @example
 * ```ts
 * import { reservedNameProblem } from 'mikro-orm-alembic';
 *
 * reservedNameProblem('head', 'revision id');   // "'head' is a word of the target syntax (base, head, heads) ..."
 * reservedNameProblem('v-2', 'branch label');   // "'v-2' contains '-2', which reads as a relative step ..."
 * reservedNameProblem('billing', 'branch label'); // null
 * ```
 */
export function reservedNameProblem(name: string, what: 'revision id' | 'branch label'): string | null {
  if (RESERVED_NAMES.includes(name)) {
    return (
      `'${name}' is a word of the target syntax (${RESERVED_NAMES.join(', ')}) and cannot be a ${what}: ` +
      `\`upgrade ${name}\` would mean the word, never the ${what}`
    );
  }
  if (what === 'branch label') {
    const step = RELATIVE_STEP.exec(name);
    if (step) return `'${name}' contains '${step[0]}', which reads as a relative step in a target ('${name}@head'), so it cannot be a ${what}`;
  }
  return null;
}
