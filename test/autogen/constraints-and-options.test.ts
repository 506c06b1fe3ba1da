/**
 * Renames MikroORM guesses, check constraints, comments, foreign key rules, expression indexes, the
 * `safe` option and the version table (default and custom), through the whole cycle.
 */
import { Check, Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { expect } from 'chai';
import { useTestDatabase } from '../support/database';
import type { OperationPass } from '../../src/autogen';
import { AutogenHarness, useAutogenHarness } from './support/autogen-harness';
import { sql } from './support/schema-fingerprint';

@Entity({ tableName: 'user' })
@Index({ name: 'user_email_a', properties: ['email'] })
class R1User {
  @PrimaryKey() id!: number;
  @Property() firstName!: string;
  @Property() email!: string;
}
@Entity({ tableName: 'user' })
@Index({ name: 'user_email_b', properties: ['email'] })
class R2User {
  @PrimaryKey() id!: number;
  @Property() givenName!: string;
  @Property() email!: string;
}

@Entity({ tableName: 'product', comment: 'what we sell' })
@Check({ name: 'product_price_positive', expression: 'price > 0' })
class K1Product {
  @PrimaryKey() id!: number;
  @Property({ columnType: 'numeric(10,2)', comment: 'gross' }) price!: string;
  @Property() stock!: number;
}
@Entity({ tableName: 'product', comment: 'what we sell, and when' })
@Check({ name: 'product_price_positive', expression: 'price >= 1' })
@Check({ name: 'product_stock_positive', expression: 'stock >= 0' })
class K2Product {
  @PrimaryKey() id!: number;
  @Property({ columnType: 'numeric(12,2)', comment: 'net' }) price!: string;
  @Property() stock!: number;
  @Property() sku!: string;
}

@Entity({ tableName: 'author' })
class F1Author {
  @PrimaryKey() id!: number;
}
@Entity({ tableName: 'book' })
class F1Book {
  @PrimaryKey() id!: number;
  @ManyToOne(() => F1Author) author!: F1Author;
}
@Entity({ tableName: 'author' })
class F2Author {
  @PrimaryKey() id!: number;
}
@Entity({ tableName: 'book' })
class F2Book {
  @PrimaryKey() id!: number;
  @ManyToOne(() => F2Author, { deleteRule: 'cascade', nullable: true }) author?: F2Author;
}

@Entity({ tableName: 'user' })
class X1User {
  @PrimaryKey() id!: number;
  @Property() email!: string;
}
@Entity({ tableName: 'user' })
@Index({ name: 'user_email_lower_idx', expression: 'create index "user_email_lower_idx" on "user" (lower("email"))' })
@Index({ name: 'user_active_idx', expression: `create index "user_active_idx" on "user" ("email") where "email" <> ''` })
class X2User {
  @PrimaryKey() id!: number;
  @Property() email!: string;
  @Property({ defaultRaw: 'now()' }) createdAt!: Date;
}

@Entity({ tableName: 'user' })
class S1User {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @Property({ nullable: true }) bio?: string;
}
@Entity({ tableName: 'note' })
class S1Note {
  @PrimaryKey() id!: number;
}
@Entity({ tableName: 'user' })
class S2User {
  @PrimaryKey() id!: number;
  @Property() name!: string;
}

describe('autogen: renames, checks, comments, foreign keys, indexes, options', function () {
  this.timeout(120_000);
  const db = useTestDatabase();
  const h = useAutogenHarness(db);
  // the plain statements of MikroORM's diff (safe-ddl off); test/safe-ddl covers the lock-safe forms
  const plain = useAutogenHarness(db, { safeDdl: false });

  it('names the renames MikroORM guessed: GUESSED_RENAME, for the column and its index', async () => {
    const { result, text } = await h.roundTrip([R1User], [R2User]);
    expect(result.upSql).to.deep.equal([
      'alter table "user" rename column "first_name" to "given_name";',
      'alter index "user_email_a" rename to "user_email_b";',
    ]);
    expect(result.downSql).to.deep.equal([
      'alter index "user_email_b" rename to "user_email_a";',
      'alter table "user" rename column "given_name" to "first_name";',
    ]);
    expect(result.notes.map((n) => [n.code, n.table, n.column])).to.deep.equal([
      ['GUESSED_RENAME', 'user', 'first_name'],
      ['GUESSED_RENAME', 'user', undefined],
    ]);
    expect(text).to.contain('// GUESSED_RENAME: MikroORM guessed that user.first_name was renamed to given_name');
  });

  it('adds and changes check constraints, comments and a numeric precision; a NOT NULL column without default is named', async () => {
    const { result } = await h.roundTrip([K1Product], [K2Product]);
    expect(result.summary.split('\n')).to.deep.equal([
      '- drop check product_price_positive on product',
      '+ add column product.sku varchar(255) not null',
      '~ change the type of product.price: numeric(10,2) -> numeric(12,2)',
      '~ change the comment of product.price',
      '~ change the comment of table product',
      '+ add check product_price_positive on product: price >= 1',
      '+ add check product_stock_positive on product: stock >= 0',
    ]);
    expect(result.notes.map((n) => [n.code, n.column])).to.deep.equal([['NOT_NULL_ON_EXISTING', 'sku']]);
    expect(result.upSql).to.include(`comment on table "product" is 'what we sell, and when';`);
    expect(result.downSql).to.include(`comment on column "product"."price" is 'gross';`);
  });

  it('changes the rules of a foreign key (drop, then add) and its nullability', async () => {
    const { result } = await plain.roundTrip([F1Author, F1Book], [F2Author, F2Book]);
    expect(result.upSql).to.deep.equal([
      'alter table "book" drop constraint "book_author_id_foreign";',
      'alter table "book" alter column "author_id" drop not null;',
      'alter table "book" add constraint "book_author_id_foreign" foreign key ("author_id") references "author" ("id") on update cascade on delete cascade;',
    ]);
  });

  it('creates expression and partial indexes and a column with an SQL default', async () => {
    const { result } = await plain.roundTrip([X1User], [X2User]);
    expect(result.upSql).to.deep.equal([
      'alter table "user" add column "created_at" timestamptz not null default now();',
      `create index "user_active_idx" on "user" ("email") where "email" <> '';`,
      'create index "user_email_lower_idx" on "user" (lower("email"));',
    ]);
  });

  it('safe: leaves dropped tables and columns in place', async () => {
    await h.reset();
    await h.generate([S1User, S1Note], 'init');
    await h.upgrade();
    expect((await h.diff([S2User])).summary.split('\n')).to.deep.equal(['- drop table note', '- drop column user.bio']);
    expect((await h.diff([S2User], {}, { safe: true })).empty).to.equal(true);
  });

  it('never proposes to drop the version table, nor its schema (default and custom names)', async () => {
    await h.reset();
    await h.generate([S2User], 'init');
    await h.upgrade();
    expect(await sql(db.url, `select count(*)::int as n from "mikro_orm_alembic_version"`)).to.deep.equal([{ n: 1 }]);
    expect((await h.diff([S2User])).empty).to.equal(true);

    const custom = new AutogenHarness(db.url, { versionTable: { schema: 'ops', name: 'schema_versions' } });
    try {
      await custom.reset();
      const first = await custom.generate([S2User], 'init');
      expect(first.result.summary).to.equal('+ create table user');
      await custom.upgrade();
      expect(await sql(db.url, `select count(*)::int as n from "ops"."schema_versions"`)).to.deep.equal([{ n: 1 }]);
      expect((await custom.diff([S2User])).empty).to.equal(true);
      // without the option, the custom table is an unknown table in an unknown schema
      expect((await h.diff([S2User])).summary.split('\n')).to.deep.equal(['- drop table ops.schema_versions', '- drop schema ops']);
    } finally {
      custom.dispose();
    }
  });

  it('runs passes over the planned operations before rendering (down follows what they return)', async () => {
    await h.reset();
    await h.generate([S1User, S1Note], 'init');
    await h.upgrade();
    const seen: string[] = [];
    const keepColumns: OperationPass = (ops, context) => {
      seen.push(...ops.map((op) => op.kind), String(context.to.getTables().length));
      return ops.filter((op) => op.kind !== 'dropTable');
    };
    const result = await h.diff([S2User], {}, { passes: [keepColumns] });
    expect(seen).to.deep.equal(['dropTable', 'dropColumn', '1']);
    expect(result.upSql).to.deep.equal(['alter table "user" drop column "bio";']);
    expect(result.downSql).to.deep.equal(['alter table "user" add column "bio" varchar(255) null;']);
  });
});
