import type { Revision } from '../script/revision';

/** What the runtime needs to know about one revision without loading it. */
export interface RevisionSourceEntry {
  /** The revision id. */
  readonly id: string;
  /** Its file (as shown in messages), or `null` for a revision that has no file (in-memory). */
  readonly path: string | null;
  /** Whether it runs in a transaction (the file's `transactional` field). */
  readonly transactional: boolean;
  /** Its message (first line of the docstring), for offline SQL comments and logs. */
  readonly message: string;
}

/**
 * Where the runtime gets revisions from: the list of known revisions, the loaded revision to run,
 * and the checksum of its file (recorded when it is applied, compared afterwards).
 *
 * The script layer's directory + loader fit this shape; tests give in-memory revisions.
 *
 * @example
 * ```ts
 * import { createHash } from 'node:crypto';
 *
 * class CreateUsers extends Revision {
 *   override readonly revision = 'a1a1a1a1a1a1';
 *   override readonly downRevision = null;
 *   override up() { this.addSql('create table users (id int primary key)'); }
 *   override down() { this.addSql('drop table users'); }
 * }
 * const source: RevisionSource = {
 *   scripts: [{ id: 'a1a1a1a1a1a1', path: null, transactional: true, message: 'create users' }],
 *   load: async () => new CreateUsers(),
 *   checksum: () => createHash('sha256').update(CreateUsers.toString()).digest('hex'),
 * };
 * ```
 */
export interface RevisionSource {
  /** Every known revision (in any order). */
  readonly scripts: readonly RevisionSourceEntry[];
  /** A fresh instance of revision `id`, ready to run (one instance per run). */
  load(id: string): Promise<Revision>;
  /**
   * sha256 (hex) of revision `id`'s file text, with a BOM removed and LF line ends
   * ({@link sourceDigest}): the source part of the recorded checksum (see {@link revisionChecksum}).
   */
  checksum(id: string): string;
  /**
   * Optional: the old (v1) checksums the file could have been recorded with (sha256 of its raw text,
   * with either line ends, with or without a BOM): {@link legacyDigests}.
   */
  legacyChecksums?(id: string): readonly string[];
  /**
   * Optional: for an instance this source's `load` returned, the source digest ({@link sourceDigest}) of
   * the very text it was built from, when the source knows it (a static revision, built without loading
   * its module); else `undefined`, and `checksum(id)` reads the file.
   */
  loadedChecksum?(revision: Revision): string | undefined;
}
