import 'reflect-metadata';
import { readdirSync } from 'node:fs';
import { Entity, Enum, ManyToOne, PrimaryKey, Property, type MikroORM } from '@mikro-orm/core';
import { expect } from 'chai';
import { alembicMigrator, InitialRevisionExistsError, InitialSchemaPartialError } from '../../src';
import { useTestDatabase } from '../support/database';
import { initOrm, query, tables, tempDir } from './support/orm';
import { dumpSchema } from './support/schema-dump';

enum Shade {
  LIGHT = 'light',
  DARK = 'dark',
}

@Entity({ tableName: 'palette' })
class Palette {
  @PrimaryKey() id!: number;
  @Property() title!: string;
}

@Entity({ tableName: 'swatch' })
class Swatch {
  @PrimaryKey() id!: number;
  @Enum({ items: () => Shade, nativeEnumName: 'shade' }) shade!: Shade;
  @ManyToOne(() => Palette) palette!: Palette;
}

async function reset(url: string): Promise<void> {
  await query(url, 'drop schema if exists public cascade; create schema public');
}

describe('mikro: createInitialMigration() and baselines (the schema exists, or not)', function () {
  this.timeout(60_000);
  const db = useTestDatabase({ prefix: 'mikro_initial' });
  const other = useTestDatabase({ prefix: 'mikro_initial_b' });
  let dir: ReturnType<typeof tempDir>;
  const orms: MikroORM[] = [];
  const open = async (url: string) => {
    const orm = await initOrm(url, dir.path, [Palette, Swatch]);
    orms.push(orm);
    return orm;
  };

  beforeEach(async () => {
    await reset(db.url);
    await reset(other.url);
    dir = tempDir();
  });
  afterEach(async () => {
    for (const orm of orms.splice(0)) await orm.close(true);
    dir.cleanup();
  });

  it('on a database made by schema:update: writes the base revision of the model and stamps it (as MikroORM marks it executed); elsewhere it builds the same schema', async () => {
    const orm = await open(db.url);
    await orm.schema.createSchema();
    await query(db.url, "insert into palette (title) values ('kept')");
    const before = await dumpSchema(db.url);

    const result = await orm.migrator.createInitialMigration();
    expect(result.fileName).to.match(/^[0-9a-f]{12}_initial\.ts$/);
    expect(readdirSync(dir.path)).to.deep.equal([result.fileName]);
    expect(result.diff.up.join('\n')).to.contain('create type "shade"').and.contain('create table "palette"').and.contain('create table "swatch"');
    const id = result.fileName.slice(0, 12);
    const migrator = alembicMigrator(orm);
    expect(migrator.graph.get(id).downRevisions).to.deep.equal([]);
    expect((await migrator.current()).heads).to.deep.equal([id]);
    expect(await orm.migrator.getPendingMigrations()).to.deep.equal([]);
    expect((await orm.migrator.getExecutedMigrations()).map((r) => r.name)).to.deep.equal([`${id} initial`]);
    expect(await dumpSchema(db.url)).to.deep.equal(before, 'nothing ran');
    expect(await query(db.url, 'select title from palette')).to.deep.equal([{ title: 'kept' }]);
    expect(await orm.migrator.checkMigrationNeeded()).to.equal(false);

    // a second initial is refused
    expect(await orm.migrator.createInitialMigration().catch((e: unknown) => e)).to.be.instanceOf(InitialRevisionExistsError);

    // an empty database: the same revision runs and builds the same schema
    const fresh = await open(other.url);
    expect((await fresh.migrator.up()).map((m) => m.name)).to.deep.equal([`${id} initial`]);
    expect(await dumpSchema(other.url)).to.deep.equal(before);
    // and down of the base revision takes it all away again
    expect((await fresh.migrator.down(id)).map((m) => m.name)).to.deep.equal([`${id} initial`]);
    expect(await tables(other.url)).to.deep.equal(['public.mikro_orm_alembic_version']);
  });

  it('on an empty database: writes the revision and leaves it pending (migration:up runs it); -n names it', async () => {
    const orm = await open(db.url);
    const result = await orm.migrator.createMigration(undefined, false, true, 'first schema');
    expect(result.fileName).to.match(/^[0-9a-f]{12}_first_schema\.ts$/);
    expect((await orm.migrator.getPendingMigrations()).map((m) => m.name)).to.deep.equal([`${result.fileName.slice(0, 12)} first schema`]);
    expect(await tables(db.url)).to.not.include('public.palette');
    await orm.migrator.up();
    expect(await tables(db.url)).to.include.members(['public.palette', 'public.swatch']);
  });

  it('some of the tables exist: refused and named, nothing written, nothing recorded', async () => {
    const orm = await open(db.url);
    await query(db.url, 'create table palette (id serial primary key, title varchar(255) not null)');
    const err = await orm.migrator.createInitialMigration().catch((e: unknown) => e);
    expect(err).to.be.instanceOf(InitialSchemaPartialError).and.have.property('code', 'INITIAL_SCHEMA_PARTIAL');
    expect((err as InitialSchemaPartialError).existing).to.deep.equal(['public.palette']);
    expect((err as InitialSchemaPartialError).missing).to.deep.equal(['public.swatch']);
    expect(readdirSync(dir.path)).to.deep.equal([]);
    expect(await tables(db.url)).to.deep.equal(['public.palette']);
  });

  it('createRevision({ baseline: true }) diffs the model against an empty schema, not the live one', async () => {
    const orm = await open(db.url);
    await orm.schema.createSchema();
    const migrator = alembicMigrator(orm);
    // autogenerate against the live database finds nothing ...
    expect((await migrator.check()).needed).to.equal(false);
    // ... the baseline has everything, and is a base
    const created = await migrator.createRevision({ baseline: true, message: 'baseline' });
    expect(created.written).to.equal(true);
    expect(created.downRevisions).to.deep.equal([]);
    expect(created.upSql.join('\n')).to.contain('create table "swatch"').and.contain('foreign key');
    expect(created.downSql.join('\n')).to.contain('drop table').and.contain('drop type "shade"');
    expect(await migrator.getPendingMigrations()).to.have.length(1, 'written, not stamped: the typed API leaves that to stamp()');
    await migrator.stamp('head');
    expect(await migrator.getPendingMigrations()).to.deep.equal([]);
  });
});
