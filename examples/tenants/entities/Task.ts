import { Entity, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { Project } from './Project';

/** A task of a project, in the same tenant schema as its project. */
@Entity({ tableName: 'tasks', schema: '*' })
export class Task {
  @PrimaryKey()
  id!: number;

  @ManyToOne(() => Project)
  project!: Project;

  @Property()
  title!: string;

  @Property({ nullable: true })
  doneAt?: Date;
}
