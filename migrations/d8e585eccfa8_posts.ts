/**
 * posts
 *
 * Revision ID: d8e585eccfa8
 * Revises: 0c9657712dc1
 * Create Date: 2026-11-25 14:37:53.633Z
 */
import { Revision } from '../src';

export class Posts_d8e585eccfa8 extends Revision {
  override readonly revision = 'd8e585eccfa8';
  override readonly downRevision = '0c9657712dc1';
  override readonly branchLabels = [];
  override readonly dependsOn = [];

  override async up(): Promise<void> {
    // create tables
    this.addSql(`create table "posts" (
      "id" serial primary key,
      "title" varchar(255) not null,
      "body" text not null,
      "author_id" int not null,
      "published_at" timestamptz null
    );`);

    // add foreign keys
    this.addSql(`alter table "posts" add constraint "posts_author_id_foreign" foreign key ("author_id") references "users" ("id") on update cascade;`);
  }

  override async down(): Promise<void> {
    // drop foreign keys
    this.addSql(`alter table "posts" drop constraint "posts_author_id_foreign";`);

    // drop tables
    this.addSql(`drop table "posts";`);
  }
}
