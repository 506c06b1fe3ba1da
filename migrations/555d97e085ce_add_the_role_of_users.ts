/**
 * add the role of users
 *
 * Revision ID: 555d97e085ce
 * Revises: d8e585eccfa8
 * Create Date: 2026-11-25 14:38:00.812Z
 */
import { Revision } from '../src';

export class AddTheRoleOfUsers_555d97e085ce extends Revision {
  override readonly revision = '555d97e085ce';
  override readonly downRevision = 'd8e585eccfa8';
  override readonly branchLabels = [];
  override readonly dependsOn = [];

  override async up(): Promise<void> {
    // create enum types
    this.createEnum('user_role', ['super_user', 'admin', 'user']);

    // add columns
    this.addSql(`alter table "users" add column "role" "user_role" not null default 'user';`);
  }

  override async down(): Promise<void> {
    // drop columns
    this.addSql(`alter table "users" drop column "role";`);

    // drop enum types
    this.dropEnum('user_role');
  }
}
