/**
 * merge the post index and the user bio
 *
 * Revision ID: 359f47c94009
 * Revises: 465a3a3779e4, e1767b110723
 * Create Date: 2026-11-25 14:38:20.921Z
 */
import { Revision } from '../src';

export class MergeThePostIndexAndTheUserBio_359f47c94009 extends Revision {
  override readonly revision = '359f47c94009';
  override readonly downRevision = ['465a3a3779e4', 'e1767b110723'];
  override readonly branchLabels = [];
  override readonly dependsOn = [];

  override async up(): Promise<void> {
    // a merge revision: nothing to run
  }

  override async down(): Promise<void> {
    // a merge revision: nothing to run
  }
}
