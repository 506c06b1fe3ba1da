/**
 * index posts by author and date
 *
 * Revision ID: 465a3a3779e4
 * Revises: 555d97e085ce
 * Create Date: 2026-11-25 14:38:10.955Z
 */
import { Revision } from '../src';

export class IndexPostsByAuthorAndDate_465a3a3779e4 extends Revision {
  override readonly revision = '465a3a3779e4';
  override readonly downRevision = '555d97e085ce';
  override readonly branchLabels = [];
  override readonly dependsOn = [];
  // hand-written before the lint existed: the plain build blocks writes to posts while it runs
  override readonly acknowledge = { BLOCKING_INDEX_BUILD: 'shipped with the first release of posts, while the table was still empty' };

  override async up(): Promise<void> {
    // create indexes
    this.addSql(`create index "posts_author_id_published_at_index" on "posts" ("author_id", "published_at");`);
  }

  override async down(): Promise<void> {
    // drop indexes
    this.addSql(`drop index "posts_author_id_published_at_index";`);
  }
}
