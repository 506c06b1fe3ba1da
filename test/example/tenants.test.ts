/**
 * The schema-per-tenant variant of the example app (examples/tenants/): wildcard entities, revisions the
 * plugin generated against the template schema, applied to every tenant schema alike, used through
 * MikroORM forks per tenant, and up to date with the entities (no drift).
 */
import { MikroORM, type Options } from '@mikro-orm/core';
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import config from '../../examples/tenants/mikro-orm.config';
import { Project, ProjectStage, Task } from '../../examples/tenants/entities';
import { autogenerate } from '../../src/autogen';
import { MigrationEnvironment } from '../../src/runtime';
import { useTestDatabase } from '../support/database';
import { query } from '../lifecycle/support/processes';

const folder = resolve(__dirname, '../../examples/tenants/migrations');
const SCHEMAS = ['tenant_template', 'tenant_acme', 'tenant_globex'];

/** One schema's tables, columns and enum types, without its name. */
async function structureOf(url: string, schema: string): Promise<unknown> {
  const rows = await query(
    url,
    `select c.relname, a.attname, replace(format_type(a.atttypid, a.atttypmod), $1 || '.', '') as type, a.attnotnull
       from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
      where c.relkind = 'r' and a.attnum > 0 and not a.attisdropped and n.nspname = $1 order by 1, a.attnum`,
    [schema],
  );
  const enums = await query(
    url,
    `select t.typname, array_agg(e.enumlabel order by e.enumsortorder)::text as labels from pg_type t join pg_enum e on e.enumtypid = t.oid
       join pg_namespace n on n.oid = t.typnamespace where n.nspname = $1 group by 1`,
    [schema],
  );
  return { rows, enums };
}

describe('example app, schema-per-tenant variant', function () {
  this.timeout(120_000);
  const db = useTestDatabase({ prefix: 'mo_alembic_extenants' });
  const env = () => new MigrationEnvironment({ path: folder, preferTs: true });
  const ormOptions = (): Options => ({ ...(config as Options), clientUrl: db.url, allowGlobalContext: true, debug: false });

  before(async () => {
    await query(db.url, SCHEMAS.map((s) => `create schema ${s}`).join(';'));
  });

  it('has revisions that name no schema (generated against the template schema)', () => {
    const files = readdirSync(folder).filter((f) => f.endsWith('.ts'));
    expect(files.length).to.be.greaterThan(1);
    for (const file of files) {
      const text = readFileSync(join(folder, file), 'utf8');
      expect(text, file).not.to.match(/tenant_|"public"\.|'public'/);
    }
  });

  it('brings every tenant schema to head alike; nothing lands in public', async () => {
    for (const schema of SCHEMAS) {
      const result = await env().runtime(db.url, { schema }).upgrade('head');
      expect(result.headsAfter, schema).to.deep.equal(env().graph.heads);
    }
    const template = await structureOf(db.url, 'tenant_template');
    for (const schema of SCHEMAS.slice(1)) expect(await structureOf(db.url, schema), schema).to.deep.equal(template);
    expect(await query(db.url, "select tablename from pg_tables where schemaname = 'public'")).to.deep.equal([]);
  });

  it('matches the entities: autogenerate against the template at head finds nothing', async () => {
    const orm = await MikroORM.init(ormOptions());
    try {
      const result = await autogenerate(orm, { templateSchema: 'tenant_template' });
      expect(result.summary).to.equal('');
    } finally {
      await orm.close(true);
    }
  });

  it('keeps tenants apart in the app: each fork writes to and reads from its own schema', async () => {
    const orm = await MikroORM.init(ormOptions());
    try {
      const acme = orm.em.fork({ schema: 'tenant_acme' });
      const project = acme.create(Project, { name: 'Rocket', stage: ProjectStage.Done, createdAt: new Date() });
      acme.create(Task, { project, title: 'launch', doneAt: new Date() });
      await acme.flush();
      expect(await orm.em.fork({ schema: 'tenant_acme' }).count(Task)).to.equal(1);
      expect(await orm.em.fork({ schema: 'tenant_globex' }).count(Task)).to.equal(0);
      expect(await query(db.url, 'select stage::text from tenant_acme.projects')).to.deep.equal([{ stage: 'done' }]);
    } finally {
      await orm.close(true);
    }
  });

  it('walks one tenant down to base and up again without touching the others', async () => {
    const runtime = env().runtime(db.url, { schema: 'tenant_globex' });
    const down = await runtime.downgrade('base');
    expect(down.ran.map((r) => r.id)).to.deep.equal([...env().graph.planDowngrade(env().graph.heads, 'base').revisions]);
    expect(await query(db.url, "select tablename from pg_tables where schemaname = 'tenant_globex' order by 1")).to.deep.equal([{ tablename: 'mikro_orm_alembic_version' }]);
    await runtime.upgrade('head');
    expect(await structureOf(db.url, 'tenant_globex')).to.deep.equal(await structureOf(db.url, 'tenant_template'));
    expect(await query(db.url, 'select count(*)::int as n from tenant_acme.tasks')).to.deep.equal([{ n: 1 }]);
  });
});
