import { Entity, Enum, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { Team } from './Team';

/** The roles of a user: the PostgreSQL enum type `user_role`. */
export enum UserRole {
  SUPER_USER = 'super_user',
  ADMIN = 'admin',
  USER = 'user',
}

/** A user of the example app. */
@Entity({ tableName: 'users' })
export class User {
  @PrimaryKey()
  id!: number;

  @Property({ unique: true })
  email!: string;

  @Property()
  name!: string;

  @ManyToOne(() => Team, { nullable: true })
  team?: Team;

  @Enum({ items: () => UserRole, nativeEnumName: 'user_role', default: UserRole.USER })
  role: UserRole = UserRole.USER;

  @Property({ type: 'text', nullable: true })
  bio?: string;

  @Property()
  createdAt: Date = new Date();
}
