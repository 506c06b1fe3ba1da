/**
 * NestJS: `MikroOrmModule.forRoot(config)` / `forRootAsync` from `@mikro-orm/nestjs` 6.1.2 with the
 * plugin's `upgradeOnInit`. The module's ORM provider is `useFactory: async (options) => ... return
 * MikroORM.init(options)` (`@mikro-orm/nestjs/mikro-orm.providers.js`, `createMikroOrmProvider`), and
 * Nest awaits a factory's result before it builds anything that depends on it, so the application
 * context exists only once the database is upgraded — or Nest's start fails with the upgrade's error.
 */
import 'reflect-metadata';
import { Entity, MikroORM, PrimaryKey, Property, type Options } from '@mikro-orm/core';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { Injectable, Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { expect } from 'chai';
import { alembic, RevisionFailedError, type AlembicOptions } from '../../src';
import { useTestDatabase } from '../support/database';
import { addRevision, PLUGIN_SRC, tempDir } from '../mikro/support/orm';
import { query } from './support/processes';

@Entity({ tableName: 'gizmo' })
class Gizmo {
  @PrimaryKey() id!: number;
  @Property() name!: string;
}

describe('lifecycle: NestJS (MikroOrmModule.forRoot) with upgradeOnInit', function () {
  this.timeout(60_000);
  const db = useTestDatabase({ prefix: 'lc_nest' });
  let dir: ReturnType<typeof tempDir>;
  let first: string;
  let second: string;
  const messages: string[] = [];

  const config = (plugin: AlembicOptions): Options<PostgreSqlDriver> => ({
    driver: PostgreSqlDriver,
    clientUrl: db.url,
    entities: [Gizmo],
    logger: (message: string) => messages.push(message.replace(/\x1b\[[0-9;]*m/g, '')), // colours follow NO_COLOR/FORCE_COLOR only
    extensions: [alembic({ path: dir.path, importFrom: PLUGIN_SRC, ...plugin })],
  });

  /** An app module importing the ORM module, and a service that uses the entity manager at start. */
  const appModule = (orm: DynamicModule | Promise<DynamicModule>) => {
    @Injectable()
    class GizmoService {
      constructor(readonly orm: MikroORM) {}
      count(): Promise<number> {
        return this.orm.em.fork().count(Gizmo);
      }
    }
    @Module({ imports: [orm], providers: [GizmoService] })
    class AppModule {}
    return { AppModule, GizmoService };
  };

  beforeEach(async () => {
    messages.length = 0;
    await query(db.url, 'drop schema public cascade; create schema public');
    dir = tempDir();
    first = addRevision(dir.path, [], { message: 'gizmos', up: ['select pg_sleep(0.2)', 'create table "gizmo" ("id" serial primary key, "name" text not null)'], down: ['drop table "gizmo"'] }).id;
    second = addRevision(dir.path, [first], { message: 'gizmo index', up: ['create index "gizmo_name" on "gizmo" ("name")'], down: ['drop index "gizmo_name"'] }).id;
  });
  afterEach(() => dir.cleanup());

  it('forRoot: the application context is created only once the database is at head; the ORM it provides is not a thenable', async () => {
    const { AppModule, GizmoService } = appModule(MikroOrmModule.forRoot(config({ upgradeOnInit: true })));
    const app: INestApplicationContext = await NestFactory.createApplicationContext(AppModule, { logger: false, abortOnError: false });
    try {
      expect((await query(db.url, 'select revision from mikro_orm_alembic_version')).map((r) => r.revision)).to.have.members([first, second]);
      const orm = app.get(MikroORM);
      expect('then' in orm).to.equal(false);
      expect(await app.get(GizmoService).count()).to.equal(0);
      expect(messages.filter((m) => m.includes('] Applied '))).to.have.length(2);
    } finally {
      await app.close();
    }
  });

  it('forRootAsync with a factory, two apps starting together: each revision runs once', async () => {
    const { AppModule } = appModule(MikroOrmModule.forRootAsync({ useFactory: () => config({ upgradeOnInit: 'head' }) }));
    const apps = await Promise.all([1, 2].map(() => NestFactory.createApplicationContext(AppModule, { logger: false, abortOnError: false })));
    try {
      expect(await query(db.url, 'select count(*)::int as n from mikro_orm_alembic_version')).to.deep.equal([{ n: 2 }]);
      expect(messages.filter((m) => m.includes('] Applied '))).to.have.length(2);
    } finally {
      await Promise.all(apps.map((app) => app.close()));
    }
  });

  it("a failing revision: Nest's start fails with the revision's error, and no connection stays open", async () => {
    addRevision(dir.path, [second], { message: 'broken', up: ['alter table "gizmo" add column "x" no_such_type'], down: [] });
    const { AppModule } = appModule(MikroOrmModule.forRoot(config({ upgradeOnInit: true })));
    const err = await NestFactory.createApplicationContext(AppModule, { logger: false, abortOnError: false }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(RevisionFailedError);
    expect((err as RevisionFailedError).statement).to.equal('alter table "gizmo" add column "x" no_such_type');
    expect((await query(db.url, 'select revision from mikro_orm_alembic_version')).map((r) => r.revision)).to.have.members([first, second]);
    expect(await query(db.url, 'select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()')).to.deep.equal([{ n: 0 }]);
  });
});
