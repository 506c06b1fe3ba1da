/**
 * Everything an enum step needs is decided when the revision is written, so `upgrade --sql` is
 * complete: the offline script of an enum revision holds exactly the statements autogenerate
 * rendered (the guard included), and running it through psql gives the schema the online run gives.
 */
import { Entity, Enum, PrimaryKey, Property } from '@mikro-orm/core';
import { expect } from 'chai';
import { diffSchemaSnapshots } from '../../src/testing/schema-snapshot';
import { useTestDatabase } from '../support/database';
import { EnumLab, psql, revisionStatements, sql } from './support/enum-lab';

enum Role {
  ADMIN = 'admin',
  USER = 'user',
  GUEST = 'guest',
}
enum RoleBot {
  ADMIN = 'admin',
  BOT = 'bot',
  USER = 'user',
  GUEST = 'guest',
}
enum RoleNoGuest {
  ADMIN = 'admin',
  BOT = 'bot',
  USER = 'user',
}

@Entity({ tableName: 'user' })
class User {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @Enum({ items: () => Role, nativeEnumName: 'user_role', default: Role.USER }) role!: Role;
}
@Entity({ tableName: 'user' })
class UserBot {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @Enum({ items: () => RoleBot, nativeEnumName: 'user_role', default: RoleBot.BOT }) role!: RoleBot;
}
@Entity({ tableName: 'user' })
class UserNoGuest {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @Enum({ items: () => RoleNoGuest, nativeEnumName: 'user_role', default: RoleNoGuest.BOT }) role!: RoleNoGuest;
}

describe('enums: offline SQL', function () {
  this.timeout(60_000);
  const db = useTestDatabase();
  let lab: EnumLab;
  before(() => {
    lab = new EnumLab(db.url);
  });
  after(() => lab.dispose());

  it('16. an added value used at once and a guarded removal: the offline script is the rendered SQL, and psql runs it to the same schema', async () => {
    await lab.start([User], [`insert into "user" (name, role) values ('ann', 'admin'), ('bob', 'user')`]);
    const base = lab.h.env().graph.heads[0];
    const snapshots = [await lab.snapshot()];
    const added = await lab.generate([UserBot]);
    await lab.h.upgrade();
    snapshots.push(await lab.snapshot());
    const removed = await lab.generate([UserNoGuest]);
    await lab.h.upgrade();
    snapshots.push(await lab.snapshot());

    const steps = [
      { id: added.revision, parent: base, result: added.result },
      { id: removed.revision, parent: added.revision, result: removed.result },
    ];
    for (const step of steps) {
      const up = await lab.offlineSql('up', step.id, step.parent);
      const down = await lab.offlineSql('down', step.id, step.parent);
      expect(revisionStatements(up), 'offline up = rendered up').to.equal(step.result.upSql.join('\n'));
      expect(revisionStatements(down), 'offline down = rendered down').to.equal(step.result.downSql.join('\n'));
    }
    // the addition runs outside the revision's transaction, which begins after it (where the default uses the value)
    expect(await lab.offlineSql('up', added.revision, base)).to.match(/\nalter type "user_role" add value if not exists 'bot' after 'admin';\nBEGIN;\nalter table "user" alter column "role" set default 'bot';/);

    // back to the start online, then forward and back again through psql only
    await lab.h.downgrade(base);
    expect(diffSchemaSnapshots(snapshots[0], await lab.snapshot())).to.deep.equal([]);
    const start = [base];
    const fromHere = await lab.h.env().runtime(db.url).offlineSql({ direction: 'up', from: start[0], target: removed.revision });
    expect(fromHere).to.contain(`-- Running upgrade ${added.revision}`);
    const run = psql(db.url, fromHere);
    expect(run.status, run.stderr).to.equal(0);
    expect(diffSchemaSnapshots(snapshots[2], await lab.snapshot()), 'psql up = online up').to.deep.equal([]);
    expect((await lab.h.env().runtime(db.url).current()).heads).to.deep.equal([removed.revision]);
    await lab.expectUpToDate([UserNoGuest]);

    const back = await lab.h.env().runtime(db.url).offlineSql({ direction: 'down', from: removed.revision, target: start[0] });
    const runBack = psql(db.url, back);
    expect(runBack.status, runBack.stderr).to.equal(0);
    expect(diffSchemaSnapshots(snapshots[0], await lab.snapshot()), 'psql down = online down').to.deep.equal([]);
    expect(await sql(db.url, `select name, role::text from "user" order by id`)).to.deep.equal([
      { name: 'ann', role: 'admin' },
      { name: 'bob', role: 'user' },
    ]);

    // the guard stops the script too, before anything of the revision changed
    await sql(db.url, `update "user" set role = 'guest' where name = 'bob'`);
    const upAgain = psql(db.url, await lab.h.env().runtime(db.url).offlineSql({ direction: 'up', from: start[0], target: removed.revision }));
    expect(upAgain.status).to.not.equal(0);
    expect(upAgain.stderr).to.contain("cannot remove 'guest' from enum type user_role: 1 row(s) of user.role still hold it");
    expect(diffSchemaSnapshots(snapshots[1], await lab.snapshot()), 'the first revision ran, the second stopped at its guard').to.deep.equal([]);
  });
});
