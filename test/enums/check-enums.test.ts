/**
 * Non-native enums (`@Enum` without `nativeEnumName`: text with a `<table>_<column>_check`
 * constraint) stay as MikroORM makes them: a value change drops and re-adds the constraint, rows
 * survive, and a removal that rows still use fails as a whole (nothing half done).
 */
import { Entity, Enum, PrimaryKey } from '@mikro-orm/core';
import { expect } from 'chai';
import { useTestDatabase } from '../support/database';
import { EnumLab, sql } from './support/enum-lab';

enum Role {
  ADMIN = 'admin',
  USER = 'user',
}
enum RoleGuest {
  ADMIN = 'admin',
  GUEST = 'guest',
  USER = 'user',
}

@Entity({ tableName: 'user' })
class User {
  @PrimaryKey() id!: number;
  @Enum({ items: () => Role, default: Role.USER }) role!: Role;
}
@Entity({ tableName: 'user' })
class UserGuest {
  @PrimaryKey() id!: number;
  @Enum({ items: () => RoleGuest, default: RoleGuest.USER }) role!: RoleGuest;
}

const ROWS = [`insert into "user" (role) values ('admin'), ('user')`];
const SELECT = `select role from "user" order by id`;

describe('enums: check-constraint enums', function () {
  this.timeout(60_000);
  const db = useTestDatabase();
  let lab: EnumLab;
  before(() => {
    lab = new EnumLab(db.url);
  });
  after(() => lab.dispose());

  it('a value added, then removed: the check is replaced, rows kept', async () => {
    const added = await lab.cycle({ before: [User], setup: ROWS, after: [UserGuest], rows: SELECT, rowsAfterUp: [{ role: 'admin' }, { role: 'user' }] });
    expect(added.result.upSql).to.deep.equal([
      'alter table "user" drop constraint "user_role_check";',
      `alter table "user" add constraint "user_role_check" check("role" in ('admin', 'guest', 'user'));`,
    ]);
    await lab.cycle({ before: [UserGuest], setup: ROWS, after: [User], rows: SELECT, rowsAfterUp: [{ role: 'admin' }, { role: 'user' }] });
  });

  it('a value removed while rows hold it: the revision fails as a whole', async () => {
    await lab.start([UserGuest], [...ROWS, `insert into "user" (role) values ('guest')`]);
    const before = await lab.snapshot();
    await lab.generate([User]);
    const error = await lab.h.upgrade().then(
      () => null,
      (e: Error) => e,
    );
    expect(error?.message).to.contain('is violated by some row');
    expect(await lab.snapshot()).to.deep.equal(before);
    expect(await sql(db.url, SELECT)).to.have.length(3);
  });
});
