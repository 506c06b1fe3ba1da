import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PlannedTarget } from './target-sources';

/** One offline script of a fan-out. */
export interface TargetScript {
  readonly name: string;
  readonly schema: string | null;
  /** The script (a schema target's, as its runtime renders it, sets `search_path` to the schema first). */
  readonly sql: string;
}

/**
 * Renders the offline script of every target with `render` (the single-target runtime's `offlineSql`,
 * configured for the target: its version table, lock key and, for a schema, its `set search_path`), each
 * headed by a `-- target:` line.
 *
 * @example
 * ```ts
 * const scripts = await renderTargetScripts(targets, (planned) => runtimeOf(planned).offlineSql({ direction: 'up', target: 'head' }));
 * ```
 */
export async function renderTargetScripts(targets: readonly PlannedTarget[], render: (planned: PlannedTarget) => Promise<string>): Promise<TargetScript[]> {
  const scripts: TargetScript[] = [];
  for (const planned of targets) {
    const { name, schema } = planned.target;
    const body = await render(planned);
    const sql = [`-- target: ${oneLine(name)}`, body.endsWith('\n') ? body : `${body}\n`].join('\n');
    scripts.push(Object.freeze({ name, schema: schema ?? null, sql }));
  }
  return scripts;
}

/**
 * One script for schema targets of one database: the targets' sections one after the other, each
 * starting with its `set search_path`, and `reset search_path` at the end.
 *
 * @example
 * ```ts
 * process.stdout.write(joinSchemaScripts(scripts));
 * ```
 */
export function joinSchemaScripts(scripts: readonly TargetScript[]): string {
  return `${scripts.map((s) => s.sql).join('\n')}\nreset search_path;\n`;
}

/**
 * Writes one `<name>.sql` per target into `dir` (created if missing); names are made file-safe
 * (characters other than letters, digits, `.`, `_`, `-` become `_`; a clash gets `-2`, `-3`, ...).
 * Returns the files written, in the targets' order.
 *
 * @example
 * ```ts
 * const files = writeTargetScripts(scripts, 'out/sql'); // ['out/sql/tenant_a.sql', ...]
 * ```
 */
export function writeTargetScripts(scripts: readonly TargetScript[], dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const used = new Set<string>();
  return scripts.map((script) => {
    const stem = script.name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_') || 'target';
    let file = `${stem}.sql`;
    for (let n = 2; used.has(file.toLowerCase()); n++) file = `${stem}-${n}.sql`;
    used.add(file.toLowerCase());
    const path = join(dir, file);
    writeFileSync(path, script.sql);
    return path;
  });
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}
