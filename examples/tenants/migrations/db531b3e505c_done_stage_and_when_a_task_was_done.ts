/**
 * done stage and when a task was done
 *
 * Revision ID: db531b3e505c
 * Revises: e2696bef7611
 * Create Date: 2026-12-03 12:52:44.452Z
 */
import { Revision } from '../../../src';

export class DoneStageAndWhenATaskWasDone_db531b3e505c extends Revision {
  override readonly revision = 'db531b3e505c';
  override readonly downRevision = 'e2696bef7611';
  override readonly branchLabels = [];
  override readonly dependsOn = [];

  override async up(): Promise<void> {
    // add enum values (committed first: PostgreSQL refuses a value added in the same transaction)
    await this.addEnumValue('project_stage', 'done', { after: 'active' });

    // add columns
    this.addSql(`alter table "tasks" add column "done_at" timestamptz null;`);
  }

  override async down(): Promise<void> {
    // Rows holding a value this method removes from an enum type stop it here, before anything changes.
    // To convert such rows instead, say what each removed value becomes, e.g. projectStageMap = { done: 'active' } (docs/enums.md).
    const projectStageMap: Record<string, string> = {};
    this.assertEnumValuesUnused('project_stage', ['done'], [
      { table: 'projects', column: 'stage' },
    ], projectStageMap);

    // drop columns
    this.addSql(`alter table "tasks" drop column "done_at";`);

    // rebuild enum types
    // removes 'done' from project_stage again (the type is rebuilt): rows holding it stop the downgrade before anything changes
    this.removeEnumValue('project_stage', 'done', {
      from: ['planned', 'active', 'done'],
      columns: [{ table: 'projects', column: 'stage', default: `'planned'` }],
      map: projectStageMap,
    });
  }
}
