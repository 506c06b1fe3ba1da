/**
 * projects and tasks
 *
 * Revision ID: e2696bef7611
 * Revises:
 * Create Date: 2026-12-03 12:52:11.743Z
 */
import { Revision } from '../../../src';

export class ProjectsAndTasks_e2696bef7611 extends Revision {
  override readonly revision = 'e2696bef7611';
  override readonly downRevision = null;
  override readonly branchLabels = [];
  override readonly dependsOn = [];

  override async up(): Promise<void> {
    // create enum types
    this.createEnum('project_stage', ['planned', 'active']);

    // create tables
    this.addSql(
      `create table "projects" (\n` +
      `  "id" serial primary key,\n` +
      `  "name" varchar(255) not null,\n` +
      `  "stage" "project_stage" not null default 'planned',\n` +
      `  "created_at" timestamptz not null\n` +
      `);`,
    );
    this.addSql(
      `create table "tasks" (\n` +
      `  "id" serial primary key,\n` +
      `  "project_id" int not null,\n` +
      `  "title" varchar(255) not null\n` +
      `);`,
    );

    // add foreign keys
    this.addSql(`alter table "tasks" add constraint "tasks_project_id_foreign" foreign key ("project_id") references "projects" ("id") on update cascade;`);
  }

  override async down(): Promise<void> {
    // drop foreign keys
    this.addSql(`alter table "tasks" drop constraint "tasks_project_id_foreign";`);

    // drop tables
    this.addSql(`drop table "tasks";`);
    this.addSql(`drop table "projects";`);

    // drop enum types
    this.dropEnum('project_stage');
  }
}
