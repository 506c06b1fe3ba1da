/**
 * users and teams
 *
 * Revision ID: 0c9657712dc1
 * Revises:
 * Create Date: 2026-11-25 14:37:43.402Z
 */
import { Revision } from '../src';

export class UsersAndTeams_0c9657712dc1 extends Revision {
  override readonly revision = '0c9657712dc1';
  override readonly downRevision = null;
  override readonly branchLabels = [];
  override readonly dependsOn = [];

  override async up(): Promise<void> {
    // create tables
    this.addSql(`create table "teams" (
      "id" serial primary key,
      "name" varchar(255) not null,
      "created_at" timestamptz not null
    );`);
    this.addSql(`alter table "teams" add constraint "teams_name_unique" unique ("name");`);
    this.addSql(`create table "users" (
      "id" serial primary key,
      "email" varchar(255) not null,
      "name" varchar(255) not null,
      "team_id" int null,
      "created_at" timestamptz not null
    );`);
    this.addSql(`alter table "users" add constraint "users_email_unique" unique ("email");`);

    // add foreign keys
    this.addSql(`alter table "users" add constraint "users_team_id_foreign" foreign key ("team_id") references "teams" ("id") on update cascade on delete set null;`);
  }

  override async down(): Promise<void> {
    // drop foreign keys
    this.addSql(`alter table "users" drop constraint "users_team_id_foreign";`);

    // drop tables
    this.addSql(`drop table "users";`);
    this.addSql(`drop table "teams";`);
  }
}
