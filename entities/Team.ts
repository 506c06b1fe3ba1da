import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** A team users belong to. */
@Entity({ tableName: 'teams' })
export class Team {
  @PrimaryKey()
  id!: number;

  @Property({ unique: true })
  name!: string;

  @Property()
  createdAt: Date = new Date();
}
