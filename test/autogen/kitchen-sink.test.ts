/**
 * A model with most of what MikroORM maps (uuid keys, json, booleans, dates, decimals, arrays,
 * one-to-one, many-to-many pivot tables with composite keys, self references, composite uniques,
 * embeddables, enums of both kinds), created from nothing and then mostly dropped: each way
 * generated, applied, up to date, reverted exactly and re-applied.
 */
import {
  Collection,
  Embeddable,
  Embedded,
  Entity,
  Enum,
  Index,
  ManyToMany,
  ManyToOne,
  OneToOne,
  PrimaryKey,
  Property,
  Unique,
} from '@mikro-orm/core';
import { expect } from 'chai';
import { useTestDatabase } from '../support/database';
import { useAutogenHarness } from './support/autogen-harness';

enum Status {
  DRAFT = 'draft',
  LIVE = 'live',
}
enum Kind {
  A = 'a',
  B = 'b',
}

@Embeddable()
class KAddress {
  @Property() street!: string;
  @Property({ nullable: true }) city?: string;
}

@Entity({ tableName: 'k_profile' })
class KProfile {
  @PrimaryKey() id!: number;
  @Property({ type: 'text' }) about!: string;
}

@Entity({ tableName: 'k_author' })
@Unique({ properties: ['firstName', 'lastName'] })
class KAuthor {
  @PrimaryKey({ type: 'uuid', defaultRaw: 'gen_random_uuid()' }) id!: string;
  @Property() firstName!: string;
  @Property() lastName!: string;
  @Property({ default: true }) active!: boolean;
  @Property({ type: 'json', nullable: true }) settings?: Record<string, unknown>;
  @Property({ columnType: 'numeric(10,2)', default: 0 }) balance!: string;
  @Property({ type: 'text[]', nullable: true }) aliases?: string[];
  @Property({ length: 3, defaultRaw: 'current_timestamp(3)' }) createdAt!: Date;
  @Embedded(() => KAddress) address!: KAddress;
  @ManyToOne(() => KAuthor, { nullable: true }) mentor?: KAuthor;
  @OneToOne(() => KProfile, { owner: true, nullable: true }) profile?: KProfile;
}

@Entity({ tableName: 'k_tag' })
class KTag {
  @PrimaryKey() id!: number;
  @Property({ unique: true }) name!: string;
}

@Entity({ tableName: 'k_book' })
@Index({ properties: ['status', 'kind'] })
class KBook {
  @PrimaryKey() id!: number;
  @Property() title!: string;
  @ManyToOne(() => KAuthor, { deleteRule: 'cascade' }) author!: KAuthor;
  @ManyToMany(() => KTag) tags = new Collection<KTag>(this);
  @Enum({ items: () => Status, nativeEnumName: 'k_status', default: Status.DRAFT }) status!: Status;
  @Enum({ items: () => Kind, nullable: true }) kind?: Kind;
  @Enum({ items: () => Kind, nativeEnumName: 'k_kind', array: true, nullable: true }) kinds?: Kind[];
}

@Entity({ tableName: 'k_tag' })
class KTagOnly {
  @PrimaryKey() id!: number;
  @Property({ unique: true }) name!: string;
}

describe('autogen: a kitchen-sink model', function () {
  this.timeout(120_000);
  const db = useTestDatabase();
  const h = useAutogenHarness(db);

  const all = [KAuthor, KProfile, KTag, KBook, KAddress];

  it('is created from an empty database and reverted to nothing', async () => {
    const { result } = await h.roundTrip(null, all);
    expect(result.summary.split('\n')).to.include.members(['+ create table k_book_tags', "+ create enum type k_status ('draft', 'live')"]);
  });

  it('is dropped but for one table, and restored exactly by down', async () => {
    const { result } = await h.roundTrip(all, [KTagOnly]);
    expect(result.notes.map((n) => `${n.code} ${n.table}`)).to.deep.equal([
      'DATA_LOSS_DROP_TABLE k_author',
      'DATA_LOSS_DROP_TABLE k_book',
      'DATA_LOSS_DROP_TABLE k_book_tags',
      'DATA_LOSS_DROP_TABLE k_profile',
    ]);
    expect(result.upSql.at(-1)).to.equal('drop type "k_status";');
  });
});
