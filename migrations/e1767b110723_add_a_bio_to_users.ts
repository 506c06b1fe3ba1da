/**
 * add a bio to users
 *
 * Revision ID: e1767b110723
 * Revises: 555d97e085ce
 * Create Date: 2026-11-25 14:38:12.519Z
 */
import { Revision } from '../src';

export class AddABioToUsers_e1767b110723 extends Revision {
  override readonly revision = 'e1767b110723';
  override readonly downRevision = '555d97e085ce';
  override readonly branchLabels = [];
  override readonly dependsOn = [];

  override async up(): Promise<void> {
    // add columns
    this.addSql(`alter table "users" add column "bio" text null;`);
  }

  override async down(): Promise<void> {
    // drop columns
    this.addSql(`alter table "users" drop column "bio";`);
  }
}
