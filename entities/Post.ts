import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { User } from './User';

/** A post written by a user. */
@Entity({ tableName: 'posts' })
@Index({ properties: ['author', 'publishedAt'] })
export class Post {
  @PrimaryKey()
  id!: number;

  @Property()
  title!: string;

  @Property({ type: 'text' })
  body!: string;

  @ManyToOne(() => User)
  author!: User;

  @Property({ nullable: true })
  publishedAt?: Date;
}
