import type { RevisionGraph } from '../graph/revision-graph';
import { UnknownMigrationError } from './errors';
import { revisionDisplayName } from './revision-name';

/** What a revision is known by: its id, its file and its message. */
export interface NamedScript {
  readonly id: string;
  /** The file's name, with its extension (`97ad6c411a80_b3.ts`). */
  readonly fileName: string;
  readonly message?: string;
}

const EXTENSION = /\.(ts|js|cjs|mjs|cts|mts)$/;

/**
 * The names MikroORM users give a migration, mapped to revision ids. A revision is named by:
 *
 * - its id (`97ad6c411a80`),
 * - its file name with or without the extension (`97ad6c411a80_b3`, `97ad6c411a80_b3.ts`): what
 *   MikroORM calls a migration's name,
 * - the name `migration:list` and `migration:pending` show (`97ad6c411a80 b3`).
 *
 * {@link revision} takes only these exact names: it serves the forms where MikroORM names one
 * migration (`up('x')`, `down('x')`, `{ migrations: [...] }`, `--only`), so a prefix, a label or a
 * word split off a name by MikroORM's CLI (`--only` splits on spaces) never picks another revision.
 * {@link target} serves the forms that take an Alembic target (`{ to }`, `{ from }`, the bin): the
 * names above become ids, anything else is left to the graph (`head`, `-1`, `billing@head`, a prefix).
 *
 * @example
 * ```ts
 * import { MigrationNames } from 'mikro-orm-alembic';
 *
 * const names = new MigrationNames(graph, env.scripts.scripts);
 * names.revision('97ad6c411a80_b3.ts', 'down');   // '97ad6c411a80'
 * names.target('97ad6c411a80_b3+1');              // '97ad6c411a80+1'
 * names.target('billing@head');                    // 'billing@head'
 * ```
 */
export class MigrationNames {
  /** Every name → id, built on the third lookup (the bin's one target needs one or two: a scan is cheaper). */
  private byName: Map<string, string> | undefined;
  private lookups = 0;

  constructor(
    /** The graph the ids belong to. */
    readonly graph: RevisionGraph,
    private readonly scripts: readonly NamedScript[],
  ) {}

  private buildNames(): Map<string, string> {
    const byName = new Map<string, string>();
    for (const s of this.scripts) {
      if (!this.graph.has(s.id)) continue;
      const stem = s.fileName.replace(EXTENSION, '');
      for (const name of [s.id, s.fileName, stem, revisionDisplayName(s.id, s.message)]) {
        if (!byName.has(name)) byName.set(name, s.id);
      }
    }
    for (const id of this.graph.ids) if (!byName.has(id)) byName.set(id, id);
    return byName;
  }

  /** What the map would answer for `name`, by one pass over the scripts (same order, so the same winner). */
  private scan(name: string): string | undefined {
    for (const s of this.scripts) {
      if (!this.graph.has(s.id)) continue;
      if (s.id === name || s.fileName === name) return s.id;
      if (s.fileName.startsWith(name) && s.fileName.replace(EXTENSION, '') === name) return s.id;
      if (name.startsWith(s.id) && revisionDisplayName(s.id, s.message) === name) return s.id;
    }
    return this.graph.has(name) ? name : undefined;
  }

  /**
   * The revision an exact name stands for, or `undefined`.
   *
   * @example
   * ```ts
   * names.find('97ad6c411a80 b3'); // '97ad6c411a80'
   * names.find('97ad');            // undefined (a prefix is not a name)
   * ```
   */
  find(name: string): string | undefined {
    const key = name.trim();
    if (this.byName === undefined && this.lookups++ < 2) return this.scan(key);
    this.byName ??= this.buildNames();
    return this.byName.get(key);
  }

  /**
   * The revision an exact name stands for.
   *
   * @throws {UnknownMigrationError} when `name` names no revision (`option` says where it was given)
   * @example
   * ```ts
   * names.revision('97ad6c411a80_b3', 'down'); // '97ad6c411a80'
   * ```
   */
  revision(name: string, option: string): string {
    const id = this.find(name);
    if (id === undefined) throw new UnknownMigrationError(name, option, this.hint(name));
    return id;
  }

  /**
   * An Alembic target with MikroORM's names replaced by ids: a whole name, or the revision part of
   * `<name>+N` / `<label>@<name>`. A name from `migration:list` (`<id> <message>`) whose message no
   * longer matches counts as its first word.
   *
   * @example
   * ```ts
   * names.target('97ad6c411a80_b3');    // '97ad6c411a80'
   * names.target('97ad6c411a80_b3+1');  // '97ad6c411a80+1'
   * names.target('head');               // 'head'
   * ```
   */
  target(text: string): string {
    const trimmed = text.trim();
    const whole = this.find(trimmed);
    if (whole !== undefined) return whole;
    const word = trimmed.split(/\s+/, 1)[0];
    const at = word.lastIndexOf('@');
    const label = at >= 0 ? word.slice(0, at + 1) : '';
    const rest = at >= 0 ? word.slice(at + 1) : word;
    const step = /^(.*?)([+-]\d+)?$/.exec(rest) as RegExpExecArray;
    const id = step[1] === '' ? undefined : this.find(step[1]);
    return id === undefined ? word : `${label}${id}${step[2] ?? ''}`;
  }

  /** What to say when a name is unknown: the Alembic target it may have meant. */
  private hint(name: string): string {
    const text = name.trim();
    if (text === '') return 'The name is empty.';
    let resolved: readonly string[] | undefined;
    try {
      resolved = this.graph.resolve(this.target(text));
    } catch {
      resolved = /^[+-]\d+$/.test(text) ? [] : undefined;
    }
    if (resolved !== undefined) {
      const what = resolved.length > 0 ? ` (${resolved.join(', ')})` : '';
      return (
        `'${text}' is an Alembic target${what}, not a migration's name: ` +
        `name the migration by its id or file name, or pass the target as { to: '${text}' }.`
      );
    }
    return "Name a migration by its id (97ad6c411a80), its file name (97ad6c411a80_b3, with or without .ts/.js) or as migration:list shows it.";
  }
}
