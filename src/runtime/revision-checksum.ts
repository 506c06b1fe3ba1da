import { extname } from 'node:path';
import { IrreversibleRevisionError } from '../script/errors';
import type { Revision } from '../script/revision';
import { revisionFieldOf } from '../script/revision';
import { inlineParams } from './sql-text';
import { runRevision } from '../script/run-revision';
import { staticStatements } from '../script/static-revision';
import { normaliseSource, sha256, sourceDigest } from '../script/source-digest';
import type { RevisionSource } from './revision-source';
import type { AppliedRevision } from './version-table';

/**
 * The checksum recorded for an applied revision (format `v2`, 48 characters):
 * `v2:<source>:<behaviour>`, each part 22 base64url characters (132 bits) of a sha256:
 *
 * - `source`: of the file's text with a BOM removed and CRLF/CR turned into LF, so git's autocrlf
 *   or an editor's BOM changes nothing;
 * - `behaviour`: of what the revision does: the statements its `up()` and `down()` render offline
 *   (parameters inlined), its `transactional` flag and its autocommit blocks. The `.ts` file and
 *   its compiled `.js` render the same statements, so they have the same behaviour part. `-` when
 *   the revision cannot render offline (it reads rows with `execute()`).
 *
 * A recorded checksum matches the current file when the source parts are equal (no module is
 * loaded), else when the behaviour parts are (the revision is loaded and rendered offline). Old
 * checksums (64 hex characters: sha256 of the raw text) are accepted as they are, see
 * {@link verifyRecordedChecksums}.
 *
 * @example
 * ```ts
 * const checksum = await revisionChecksum(source, 'ae1027a6acf5'); // 'v2:Q0x…:k9P…'
 * ```
 */
export async function revisionChecksum(source: RevisionSource, id: string, instance?: Revision): Promise<string> {
  if (instance === undefined) return formatChecksum(source.checksum(id), await behaviourOf(source, id));
  const known = knownRevisionChecksum(source, id, instance);
  if (known !== undefined) return known;
  return formatChecksum(source.loadedChecksum?.(instance) ?? source.checksum(id), await renderedBehaviourDigest(instance));
}

/**
 * {@link revisionChecksum} of a revision whose statements are known without running it (built from a
 * static file, see `staticRevision`), at once; `undefined` for any other revision.
 *
 * @example
 * ```ts
 * const checksum = knownRevisionChecksum(source, id, instance) ?? (await revisionChecksum(source, id, instance));
 * ```
 */
export function knownRevisionChecksum(source: RevisionSource, id: string, instance: Revision): string | undefined {
  const behaviour = staticBehaviourDigest(instance);
  return behaviour === undefined ? undefined : formatChecksum(source.loadedChecksum?.(instance) ?? source.checksum(id), behaviour);
}

export { normaliseSource, sourceDigest };

/**
 * The old (v1) checksums a file's text could have been recorded with: sha256 (hex) of the raw text,
 * with LF or CRLF line ends, with or without a BOM.
 */
export function legacyDigests(text: string): string[] {
  const lf = normaliseSource(text);
  const crlf = lf.replace(/\n/g, '\r\n');
  return [...new Set([text, lf, crlf, `\uFEFF${lf}`, `\uFEFF${crlf}`].map(sha256))];
}

/**
 * sha256 (hex) of what `instance` does: its statements rendered offline for `up()` then `down()`,
 * `transactional`, autocommit blocks; `null` when it cannot render offline (reads rows, or throws).
 * A static revision's statements are known without running it: the same lines, read directly.
 */
export async function behaviourDigest(instance: Revision): Promise<string | null> {
  return staticBehaviourDigest(instance) ?? renderedBehaviourDigest(instance);
}

/** {@link behaviourDigest} of a static revision, from its statements; `undefined` for any other. */
function staticBehaviourDigest(instance: Revision): string | undefined {
  const known = staticStatements(instance);
  if (known === null) return undefined;
  // the lines renderedBehaviourDigest joins, joined as they come
  let text = `transactional ${String(revisionFieldOf(instance, 'transactional') ?? true)}\n\0-- up`;
  for (const sql of known.up) text += `\n\0${sql}`;
  text += '\n\0-- down';
  if (known.down === null) text += '\n\0-- irreversible';
  else for (const sql of known.down) text += `\n\0${sql}`;
  return sha256(text);
}

/**
 * {@link behaviourDigest} by running the revision offline, whatever it is (what the static shortcut
 * must equal; the tests compare them).
 *
 * @internal
 */
export async function renderedBehaviourDigest(instance: Revision): Promise<string | null> {
  const lines: string[] = [`transactional ${String(revisionFieldOf(instance, 'transactional') ?? true)}`];
  for (const direction of ['up', 'down'] as const) {
    lines.push(`-- ${direction}`);
    try {
      await runRevision(instance, direction, {
        offline: true,
        query: async (sql, params) => {
          lines.push(inlineParams(sql, params ?? []));
          return [];
        },
        autocommit: async (fn) => {
          lines.push('-- autocommit');
          const result = await fn();
          lines.push('-- end autocommit');
          return result;
        },
      });
    } catch (error) {
      if (direction === 'down' && error instanceof IrreversibleRevisionError) {
        lines.push('-- irreversible');
        continue;
      }
      return null;
    }
  }
  return sha256(lines.join('\n\0'));
}

/** `v2:<source>:<behaviour>` from the two sha256 hex digests. */
export function formatChecksum(sourceHex: string, behaviourHex: string | null): string {
  return `v2:${part(sourceHex)}:${behaviourHex === null ? '-' : part(behaviourHex)}`;
}

/** Whether a recorded checksum is in the v2 format. */
export function isV2Checksum(checksum: string): boolean {
  return /^v2:[A-Za-z0-9_-]{22}:([A-Za-z0-9_-]{22}|-)$/.test(checksum);
}

/**
 * Compares recorded checksums with the current files and returns a source whose `checksum(id)` is
 * the recorded value for every row that matches (so a plain comparison then finds only real edits)
 * and the current v2 checksum for the others:
 *
 * - v2: the source parts equal → match (nothing loaded); else the revision is loaded and rendered
 *   offline, and equal behaviour parts → match (e.g. the `.js` compiled from the `.ts` applied);
 * - v1 (64 hex, written before v2): a match when it is the sha256 of the text as it is, or with
 *   other line ends or a BOM ({@link legacyDigests}); a v1 row recorded from a file of the other
 *   form (`.ts` recorded, `.js` running, or the reverse) cannot be compared and is accepted. v1 rows
 *   are not rewritten: `accept-edits` (or a new `stamp`) records v2.
 */
export async function verifyRecordedChecksums(rows: readonly AppliedRevision[], source: RevisionSource): Promise<RevisionSource> {
  const known = new Map(source.scripts.map((s) => [s.id, s]));
  const answers = new Map<string, string>();
  for (const row of rows) {
    const entry = known.get(row.id);
    if (entry === undefined) continue; // a missing file is reported by the caller
    answers.set(row.id, (await matches(row, source, entry.path)) ? row.checksum : await currentChecksum(source, row.id));
  }
  return Object.freeze({
    scripts: source.scripts,
    load: (id: string) => source.load(id),
    checksum: (id: string) => answers.get(id) ?? source.checksum(id),
    legacyChecksums: source.legacyChecksums === undefined ? undefined : (id: string) => source.legacyChecksums?.(id) ?? [],
    loadedChecksum: (revision: Revision) => source.loadedChecksum?.(revision),
  });
}

async function matches(row: AppliedRevision, source: RevisionSource, path: string | null): Promise<boolean> {
  const recorded = row.checksum;
  const digest = source.checksum(row.id);
  if (isV2Checksum(recorded)) {
    const [, src, behaviour] = recorded.split(':');
    if (src === part(digest)) return true;
    if (behaviour === '-') return false;
    const current = await behaviourOf(source, row.id);
    return current !== null && part(current) === behaviour;
  }
  if (recorded === digest || (source.legacyChecksums?.(row.id) ?? []).includes(recorded)) return true;
  // v1 recorded the raw text of whichever form ran: another form cannot be compared
  return row.fileName !== null && path !== null && formOf(row.fileName) !== formOf(path);
}

async function currentChecksum(source: RevisionSource, id: string): Promise<string> {
  return formatChecksum(source.checksum(id), await behaviourOf(source, id));
}

async function behaviourOf(source: RevisionSource, id: string): Promise<string | null> {
  try {
    return await behaviourDigest(await source.load(id));
  } catch {
    return null; // a file that no longer loads: its source part decides
  }
}

function formOf(path: string): string {
  const ext = extname(path).toLowerCase();
  return ext === '.ts' || ext === '.mts' || ext === '.cts' ? 'ts' : 'js';
}

/**
 * The first 22 base64url characters of the bytes `hex` spells (132 bits: 33 hex digits, 3 per 2
 * characters), read straight from the digits; anything else as `Buffer` reads it.
 */
function part(hex: string): string {
  // Buffer reads hex up to the first pair that is not hex: the first 17 bytes decide these 22 characters
  if (hex.length >= 34 && hexValue(hex, 33) >= 0) {
    for (let i = 0, k = 0; i < 33; i += 3, k += 2) {
      const bits = (hexValue(hex, i) << 8) | (hexValue(hex, i + 1) << 4) | hexValue(hex, i + 2);
      if (bits < 0) break; // not a hex digit
      PART_CODES[k] = BASE64URL_CODES[bits >> 6];
      PART_CODES[k + 1] = BASE64URL_CODES[bits & 63];
      if (k === 20) return String.fromCharCode(...PART_CODES);
    }
  }
  return Buffer.from(hex, 'hex').toString('base64url').slice(0, 22);
}

const BASE64URL_CODES = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'].map((c) => c.charCodeAt(0));
const PART_CODES: number[] = new Array<number>(22).fill(0);
/** A hex digit's value by character code (-4096 for any other character: it makes the 12 bits negative). */
const HEX_VALUES = Int16Array.from({ length: 128 }, (_, code) => {
  const digit = '0123456789abcdef'.indexOf(String.fromCharCode(code).toLowerCase());
  return digit < 0 ? -4096 : digit;
});

function hexValue(hex: string, i: number): number {
  const code = hex.charCodeAt(i);
  return code < 128 ? HEX_VALUES[code] : -4096;
}
