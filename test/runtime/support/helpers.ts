/**
 * In-memory revisions for the runtime tests: real `Revision` subclasses (running real SQL through the
 * runtime), a `RevisionSource` over them, and the graph built from the same list.
 */
import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { RevisionGraph } from '../../../src/graph';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../../../src/harness';
import type { RevisionSource } from '../../../src/runtime/revision-source';
import { Revision } from '../../../src/script/revision';
import { useTestDatabase } from '../../support/database';

/** A revision class (any subclass of `Revision` with a no-argument constructor). */
export type RevisionClass = new () => Revision;

/** What {@link defineRevision} builds. */
export interface RevisionSpec {
  readonly id: string;
  readonly down?: string | readonly string[] | null;
  readonly up?: readonly string[];
  readonly downSql?: readonly string[];
  readonly transactional?: boolean;
  readonly dependsOn?: readonly string[];
  readonly branchLabels?: readonly string[];
}

/** A `Revision` subclass whose up/down queue the given statements. */
export function defineRevision(spec: RevisionSpec): RevisionClass {
  return class extends Revision {
    override readonly revision = spec.id;
    override readonly downRevision = spec.down ?? null;
    override readonly transactional = spec.transactional ?? true;
    override readonly dependsOn = spec.dependsOn ?? [];
    override readonly branchLabels = spec.branchLabels ?? [];

    override up(): void {
      for (const sql of spec.up ?? []) this.addSql(sql);
    }

    override down(): void {
      for (const sql of spec.downSql ?? []) this.addSql(sql);
    }
  };
}

/** A source + graph over in-memory revision classes, with files that can be "edited" or "deleted". */
export class MemoryRevisions {
  readonly classes: Map<string, RevisionClass>;
  /** Per id: the "file text" whose sha256 is the checksum (edit it to simulate an edited file). */
  readonly texts = new Map<string, string>();
  readonly transactional = new Map<string, boolean>();
  readonly graph: RevisionGraph;
  readonly source: RevisionSource;
  loads = 0;

  constructor(classes: readonly RevisionClass[]) {
    this.classes = new Map();
    const records = classes.map((cls) => {
      const r = new cls();
      this.classes.set(r.revision, cls);
      this.texts.set(r.revision, `// revision ${r.revision}\n${cls.toString()}`);
      this.transactional.set(r.revision, r.transactional);
      const down = r.downRevision;
      return {
        id: r.revision,
        downRevisions: down === null ? [] : typeof down === 'string' ? [down] : [...down],
        branchLabels: [...r.branchLabels],
        dependsOn: [...r.dependsOn],
      };
    });
    this.graph = new RevisionGraph(records);
    const ids = records.map((r) => r.id);
    this.source = {
      scripts: ids.map((id) => ({
        id,
        path: `migrations/${id}_rev.ts`,
        transactional: this.transactional.get(id) ?? true,
        message: `revision ${id}`,
      })),
      load: async (id) => {
        const cls = this.classes.get(id);
        if (!cls) throw new Error(`no revision ${id}`);
        this.loads += 1;
        return new cls();
      },
      checksum: (id) => sha256(this.texts.get(id) ?? ''),
    };
  }

  /** The same revisions without `id` (its file deleted). */
  without(id: string): RevisionSource {
    return { ...this.source, scripts: this.source.scripts.filter((s) => s.id !== id) };
  }
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Runs one query on a fresh connection and returns its rows. */
export async function sql<T = Record<string, unknown>>(url: string, text: string, params?: unknown[]): Promise<T[]> {
  const client = new Client({ connectionString: url, application_name: 'runtime-test' });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** A connected client for a test (end it yourself). */
export async function connect(url: string, applicationName = 'runtime-test'): Promise<Client> {
  const client = new Client({ connectionString: url, application_name: applicationName });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** The tables of schema `public`, sorted. */
export async function tables(url: string, schema = 'public'): Promise<string[]> {
  const rows = await sql<{ name: string }>(url, `select tablename as name from pg_tables where schemaname = $1 order by 1`, [schema]);
  return rows.map((r) => r.name);
}

/** Revision ids in the version table, in applied order. */
export async function versionIds(url: string, table = '"public"."mikro_orm_alembic_version"'): Promise<string[]> {
  const rows = await sql<{ revision: string }>(url, `select revision from ${table} order by applied_at, revision`);
  return rows.map((r) => r.revision);
}

/** Advisory locks held in database `dbName` (pid, granted). */
export async function advisoryLocks(url: string): Promise<{ pid: number; granted: boolean }[]> {
  return sql(
    url,
    "select pid, granted from pg_locks where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())",
  );
}

/** Hex ids for a chain: 'a00000000001', ... */
export function chainIds(n: number, prefix = 'a'): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${String(i + 1).padStart(11, '0')}`);
}

/**
 * A suite helper: `fresh()` gives a new empty database (on the harness's server) for one test; every
 * database made is dropped after the test.
 */
export function useFreshDatabases(): { fresh(): Promise<string>; readonly serverUrl: string } {
  const suite = useTestDatabase({ prefix: 'mo_alembic_rt' });
  const made: ThrowawayDatabase[] = [];
  afterEach(async () => {
    for (const db of made.splice(0)) await db.drop();
  });
  return {
    async fresh() {
      const db = await createThrowawayDatabase(suite.serverUrl, { prefix: 'mo_alembic_rt' });
      made.push(db);
      return db.url;
    },
    get serverUrl() {
      return suite.serverUrl;
    },
  };
}

/**
 * A comparable description of a database's schema from the catalogs: every user table's columns
 * (type, default, not null), constraints, indexes, and enum types with their values.
 */
export async function schemaFingerprint(url: string): Promise<Record<string, unknown[]>> {
  const userSchemas = "not in ('pg_catalog', 'information_schema', 'pg_toast')";
  return {
    columns: await sql(
      url,
      `select n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod) as type, a.attnotnull,
              pg_get_expr(d.adbin, d.adrelid) as default
         from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
         left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
        where c.relkind = 'r' and a.attnum > 0 and not a.attisdropped and n.nspname ${userSchemas}
        order by 1, 2, a.attnum`,
    ),
    constraints: await sql(
      url,
      `select n.nspname, c.conname, pg_get_constraintdef(c.oid) as def from pg_constraint c
         join pg_namespace n on n.oid = c.connamespace where n.nspname ${userSchemas} order by 1, 2`,
    ),
    indexes: await sql(url, `select schemaname, indexname, indexdef from pg_indexes where schemaname ${userSchemas} order by 1, 2`),
    enums: await sql(
      url,
      `select t.typname, array_agg(e.enumlabel order by e.enumsortorder)::text as labels from pg_type t
         join pg_enum e on e.enumtypid = t.oid group by t.typname order by 1`,
    ),
    comments: await sql(
      url,
      `select c.relname, obj_description(c.oid, 'pg_class') as comment from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname ${userSchemas} and obj_description(c.oid, 'pg_class') is not null order by 1`,
    ),
  };
}
