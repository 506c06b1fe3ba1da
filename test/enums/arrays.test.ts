/**
 * Enum arrays (`@Enum({ array: true })`): created with their type, values added (which MikroORM alone
 * never generates), removed (guarded element by element, mapped with array_replace), renamed (every
 * element follows), defaults holding values.
 */
import { Entity, Enum, PrimaryKey } from '@mikro-orm/core';
import { expect } from 'chai';
import { useTestDatabase } from '../support/database';
import { EnumLab, sql } from './support/enum-lab';

enum Tag {
  RED = 'red',
  GREEN = 'green',
}
enum TagBlue {
  RED = 'red',
  GREEN = 'green',
  BLUE = 'blue',
}
enum TagLime {
  RED = 'red',
  LIME = 'lime',
}

@Entity({ tableName: 'item' })
class Item {
  @PrimaryKey() id!: number;
}
@Entity({ tableName: 'item' })
class ItemTags {
  @PrimaryKey() id!: number;
  @Enum({ items: () => Tag, nativeEnumName: 'tag', array: true, default: ['green'] }) tags: Tag[] = [];
}
@Entity({ tableName: 'item' })
class ItemTagsBlue {
  @PrimaryKey() id!: number;
  @Enum({ items: () => TagBlue, nativeEnumName: 'tag', array: true, default: ['green', 'blue'] }) tags: TagBlue[] = [];
}
@Entity({ tableName: 'item' })
class ItemTagsLime {
  @PrimaryKey() id!: number;
  @Enum({ items: () => TagLime, nativeEnumName: 'tag', array: true, default: ['lime'] }) tags: TagLime[] = [];
}

const SELECT = `select tags::text from "item" order by id`;

describe('enums: arrays of enum values', function () {
  this.timeout(60_000);
  const db = useTestDatabase();
  let lab: EnumLab;
  before(() => {
    lab = new EnumLab(db.url);
  });
  after(() => lab.dispose());

  it('10. an enum array column with a default, on a table holding rows: the type first', async () => {
    const { result } = await lab.cycle({
      before: [Item],
      setup: [`insert into "item" default values`],
      after: [ItemTags],
      rows: `select id from "item"`,
      rowsAfterUp: [{ id: 1 }],
      afterUp: async () => expect(await sql(db.url, SELECT)).to.deep.equal([{ tags: '{green}' }]),
    });
    expect(result.upSql).to.deep.equal([`create type "tag" as enum ('red', 'green');`, `alter table "item" add column "tags" "tag"[] not null default '{green}';`]);
  });

  it('10. a value added to the type of an array, used by the new default', async () => {
    const { result } = await lab.cycle({
      before: [ItemTags],
      setup: [`insert into "item" (tags) values ('{red,green}'), ('{}')`],
      after: [ItemTagsBlue],
      rows: SELECT,
      rowsAfterUp: [{ tags: '{red,green}' }, { tags: '{}' }],
    });
    expect(result.upSql).to.deep.equal([`alter type "tag" add value if not exists 'blue' after 'green';`, `alter table "item" alter column "tags" set default '{green,blue}';`]);
  });

  it('10. a value removed from arrays that hold it: stopped, then mapped (array_replace); and a value renamed inside arrays', async () => {
    await lab.start([ItemTagsBlue], [`insert into "item" (tags) values ('{red,blue}'), ('{blue,green,blue}'), ('{}')`]);
    const removal = await lab.generate([ItemTags]);
    const stopped = await lab.h.upgrade().then(
      () => null,
      (e: Error) => e,
    );
    expect(stopped?.message).to.contain("cannot remove 'blue' from enum type tag: 2 row(s) of item.tags still hold it");
    lab.edit(removal.path, 'const tagMap: Record<string, string> = {};', "const tagMap: Record<string, string> = { blue: 'green' };");
    await lab.h.upgrade();
    expect(await sql(db.url, SELECT)).to.deep.equal([{ tags: '{red,green}' }, { tags: '{green,green,green}' }, { tags: '{}' }]);
    await lab.expectUpToDate([ItemTags]);

    const renamed = await lab.cycle({
      before: [ItemTags],
      setup: [`insert into "item" (tags) values ('{red,green}'), ('{green}')`],
      after: [ItemTagsLime],
      rows: SELECT,
      rowsAfterUp: [{ tags: '{red,lime}' }, { tags: '{lime}' }],
    });
    expect(renamed.result.upSql).to.deep.equal([`alter type "tag" rename value 'green' to 'lime';`]);
  });
});
