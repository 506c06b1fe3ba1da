/** Three versions of a small model (a native enum, then a relation, then more columns and a second enum). */

export const AUTHOR_V1 = `import { Entity, Enum, PrimaryKey, Property } from '@mikro-orm/core';

export enum Role { ADMIN = 'admin', USER = 'user' }

@Entity({ tableName: 'author' })
export class Author {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @Enum({ items: () => Role, nativeEnumName: 'author_role' }) role!: Role;
}
`;

export const AUTHOR_V3 = `import { Entity, Enum, PrimaryKey, Property } from '@mikro-orm/core';

export enum Role { ADMIN = 'admin', USER = 'user' }

@Entity({ tableName: 'author' })
export class Author {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @Enum({ items: () => Role, nativeEnumName: 'author_role' }) role!: Role;
  @Property({ type: 'text', nullable: true }) bio?: string;
}
`;

export const BOOK_V2 = `import { Entity, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { Author } from './Author';

@Entity({ tableName: 'book' })
export class Book {
  @PrimaryKey() id!: number;
  @Property() title!: string;
  @ManyToOne(() => Author) author!: Author;
}
`;

export const BOOK_V3 = `import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { Author } from './Author';

export enum Status { DRAFT = 'draft', PUBLISHED = 'published' }

@Entity({ tableName: 'book' })
@Index({ properties: ['title'] })
export class Book {
  @PrimaryKey() id!: number;
  @Property() title!: string;
  @ManyToOne(() => Author) author!: Author;
  @Enum({ items: () => Status, nativeEnumName: 'book_status', nullable: true }) status?: Status;
}
`;

/** The model versions in order. */
export const VERSIONS: readonly Record<string, string>[] = [
  { 'Author.ts': AUTHOR_V1 },
  { 'Author.ts': AUTHOR_V1, 'Book.ts': BOOK_V2 },
  { 'Author.ts': AUTHOR_V3, 'Book.ts': BOOK_V3 },
];
