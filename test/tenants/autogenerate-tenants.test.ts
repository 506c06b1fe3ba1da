/**
 * Autogenerate for schema-per-tenant: the wildcard entities (`schema: '*'`) compared with one template
 * schema, the revisions written without any schema name, and applied to several tenant schemas alike.
 */
import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { autogenerate, type AutogenResult } from '../../src/autogen';
import { MigrationEnvironment, SchemaNotFoundError } from '../../src/runtime';
import { writeRevision } from '../../src/script';
import { useTestDatabase } from '../support/database';
import { openOrm, SCRIPT_MODULE, type EntityClass } from '../autogen/support/autogen-harness';
import { sql } from '../autogen/support/schema-fingerprint';

enum Plan1 {
  FREE = 'free',
  PAID = 'paid',
}
enum Plan2 {
  FREE = 'free',
  PAID = 'paid',
  TRIAL = 'trial',
}

@Entity({ tableName: 'country' })
class Country {
  @PrimaryKey() code!: string;
}

@Entity({ schema: '*', tableName: 'account' })
class Account1 {
  @PrimaryKey() id!: number;
  @Enum({ items: () => Plan1, nativeEnumName: 'plan', default: Plan1.FREE }) plan!: Plan1;
  @Property() name!: string;
}
@Entity({ schema: '*', tableName: 'note' })
class Note1 {
  @PrimaryKey() id!: number;
  @ManyToOne(() => Account1) account!: Account1;
  @Property() body!: string;
}

@Entity({ schema: '*', tableName: 'account' })
class Account2 {
  @PrimaryKey() id!: number;
  @Enum({ items: () => Plan2, nativeEnumName: 'plan', default: Plan2.FREE }) plan!: Plan2;
  @Index({ name: 'account_name_idx' }) @Property() name!: string;
  @Property({ nullable: true }) email?: string;
}
@Entity({ schema: '*', tableName: 'note' })
class Note2 {
  @PrimaryKey() id!: number;
  @ManyToOne(() => Account2) account!: Account2;
  @Property() body!: string;
  @Property({ nullable: true }) pinned?: boolean;
}

const TEMPLATE = 'tenant_template';
// (not a double quote: MikroORM's table listing breaks on any schema of the database whose name has one)
const TENANTS = ['tenant_a', 'Tenant B'];

/** The structure of one schema, without its name: tables, columns, constraints, indexes, enum types. */
async function structureOf(url: string, schema: string): Promise<unknown> {
  return {
    columns: await sql(
      url,
      `select c.relname, a.attname, replace(format_type(a.atttypid, a.atttypmod), quote_ident($1) || '.', '') as type, a.attnotnull, replace(pg_get_expr(d.adbin, d.adrelid), quote_ident($1) || '.', '') as default
         from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
         left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
        where c.relkind = 'r' and a.attnum > 0 and not a.attisdropped and n.nspname = $1 and c.relname <> 'mikro_orm_alembic_version'
        order by 1, a.attnum`,
      [schema],
    ),
    constraints: await sql(
      url,
      `select c.conname, replace(pg_get_constraintdef(c.oid), quote_ident($1) || '.', '') as def, (select nspname from pg_namespace where oid = r.relnamespace) = $1 as local_reference
         from pg_constraint c join pg_namespace n on n.oid = c.connamespace left join pg_class r on r.oid = c.confrelid
        where n.nspname = $1 and c.conrelid <> coalesce(to_regclass(quote_ident($1) || '.mikro_orm_alembic_version'), 0) order by 1`,
      [schema],
    ),
    indexes: await sql(url, `select indexname from pg_indexes where schemaname = $1 and tablename <> 'mikro_orm_alembic_version' order by 1`, [schema]),
    enums: await sql(
      url,
      `select t.typname, array_agg(e.enumlabel order by e.enumsortorder)::text as labels from pg_type t
         join pg_enum e on e.enumtypid = t.oid join pg_namespace n on n.oid = t.typnamespace where n.nspname = $1 group by 1 order by 1`,
      [schema],
    ),
  };
}

describe('tenants: autogenerate against a template schema', function () {
  this.timeout(180_000);
  const db = useTestDatabase({ prefix: 'mo_alembic_tgen' });
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tenant-autogen-'));
    for (const schema of [TEMPLATE, ...TENANTS]) await sql(db.url, `create schema "${schema.replace(/"/g, '""')}"`);
    await sql(db.url, 'create table country (code text primary key)');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const env = () => new MigrationEnvironment({ path: dir, preferTs: true });

  async function generate(entities: readonly EntityClass[], message: string): Promise<{ result: AutogenResult; text?: string }> {
    const orm = await openOrm(db.url, entities);
    try {
      const result = await autogenerate(orm, { templateSchema: TEMPLATE });
      if (result.empty) return { result };
      const written = writeRevision({ directory: dir, heads: env().graph.heads, message, upBody: result.upBody, downBody: result.downBody, importFrom: SCRIPT_MODULE });
      return { result, text: readFileSync(written.path, 'utf8') };
    } finally {
      await orm.close(true);
    }
  }

  function expectNoSchemaName(result: AutogenResult, text: string | undefined): void {
    for (const piece of [text ?? '', ...result.upSql, ...result.downSql]) {
      expect(piece).not.to.contain(TEMPLATE);
      expect(piece).not.to.match(/"public"\./);
    }
  }

  it('writes revisions without the template schema name that build and change every tenant schema alike', async () => {
    const first = await generate([Country, Account1, Note1], 'tenant tables');
    expect(first.result.empty).to.equal(false);
    expectNoSchemaName(first.result, first.text);
    // only the wildcard entities: the fixed-schema country table is another migration stream's
    expect(first.result.summary).to.contain('account').and.contain('note').and.not.contain('country');
    expect(first.result.upSql.join('\n')).to.contain('create type "plan" as enum');

    for (const schema of [TEMPLATE, ...TENANTS]) {
      expect((await env().runtime(db.url, { schema }).upgrade('head')).ran, schema).to.have.length(1);
    }
    // the template at head: nothing left to generate
    const orm = await openOrm(db.url, [Country, Account1, Note1]);
    try {
      expect((await autogenerate(orm, { templateSchema: TEMPLATE })).summary).to.equal('');
    } finally {
      await orm.close(true);
    }

    const second = await generate([Country, Account2, Note2], 'email, pinned, trial plan, name index');
    expect(second.result.empty).to.equal(false);
    if (process.env.SHOW_REVISION) console.log(second.text);
    expectNoSchemaName(second.result, second.text);
    expect(second.text).to.contain('trial');
    for (const schema of [TEMPLATE, ...TENANTS]) {
      expect((await env().runtime(db.url, { schema }).upgrade('head')).ran, schema).to.have.length(1);
    }
    const template = await structureOf(db.url, TEMPLATE);
    expect((template as { columns: { attname: string }[] }).columns.map((c) => c.attname)).to.include.members(['email', 'pinned', 'plan']);
    for (const tenant of TENANTS) expect(await structureOf(db.url, tenant), tenant).to.deep.equal(template);
    // nothing landed in public but the shared table
    const publicTables = await sql<{ t: string }>(db.url, "select tablename as t from pg_tables where schemaname = 'public' order by 1");
    expect(publicTables.map((r) => r.t)).to.deep.equal(['country']);

    // and down again, in one tenant: back to the first structure of the template
    await env().runtime(db.url, { schema: 'tenant_a' }).downgrade('-1');
    await env().runtime(db.url, { schema: TEMPLATE }).downgrade('-1');
    expect(await structureOf(db.url, 'tenant_a')).to.deep.equal(await structureOf(db.url, TEMPLATE));
  });

  it('refuses a template schema that does not exist', async () => {
    const orm = await openOrm(db.url, [Account1, Note1]);
    try {
      const error = await autogenerate(orm, { templateSchema: 'no_such_template' }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(SchemaNotFoundError);
    } finally {
      await orm.close(true);
    }
  });
});
