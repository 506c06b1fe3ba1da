import * as crypto from 'node:crypto';
import { createHash } from 'node:crypto';

/**
 * The digest of a revision file's text that the checksum's source part is made of (see
 * `revisionChecksum`): sha256 (hex) of the text with a BOM removed and CRLF / CR line ends made LF, so
 * git's autocrlf or an editor's BOM changes nothing.
 *
 * @example
 * ```ts
 * sourceDigest('a\r\nb') === sourceDigest('a\nb'); // true
 * ```
 */
export function sourceDigest(text: string): string {
  return sha256(normaliseSource(text));
}

/**
 * Revision text as checksummed: no BOM, LF line ends.
 *
 * @example
 * ```ts
 * normaliseSource('\uFEFFa\r\nb\rc'); // 'a\nb\nc'
 * ```
 */
export function normaliseSource(text: string): string {
  if (text.charCodeAt(0) !== 0xfeff && !text.includes('\r')) return text; // as most files are
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

/** `crypto.hash` (Node 20.12+, one call, no Hash object) when there is one: the same digest, cheaper per revision. */
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

/**
 * sha256 of a string's UTF-8 bytes, in hex.
 *
 * @internal
 */
export function sha256(text: string): string {
  return oneShot !== undefined ? oneShot('sha256', text, 'hex') : createHash('sha256').update(text).digest('hex');
}
