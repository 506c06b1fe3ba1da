import { Entity, Enum, PrimaryKey, Property } from '@mikro-orm/core';

/** Where a project is. */
export enum ProjectStage {
  Planned = 'planned',
  Active = 'active',
  Done = 'done',
}

/** A tenant's project: one table per tenant schema (`schema: '*'`). */
@Entity({ tableName: 'projects', schema: '*' })
export class Project {
  @PrimaryKey()
  id!: number;

  @Property()
  name!: string;

  @Enum({ items: () => ProjectStage, nativeEnumName: 'project_stage', default: ProjectStage.Planned })
  stage: ProjectStage = ProjectStage.Planned;

  @Property()
  createdAt: Date = new Date();
}
