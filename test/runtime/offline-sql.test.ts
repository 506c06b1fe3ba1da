import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import {
  MigrationRuntime,
  OfflineChannel,
  OfflineResultError,
  RevisionFailedError,
  renderOfflineSql,
  runRevisions,
  VersionTable,
  type RevisionSource,
} from '../../src/runtime';
import { Revision } from '../../src/script/revision';
import { revisionChecksum } from '../../src/runtime/revision-checksum';
import { MemoryRevisions, schemaFingerprint, sql, useFreshDatabases } from './support/helpers';

const A = '0ff11e000001';
const B = '0ff11e000002';
const C = '0ff11e000003';
const D = '0ff11e000004';

class CreateItems extends Revision {
  override readonly revision = A;
  override readonly downRevision = null;
  override up(): void {
    this.addSql("create type status as enum ('new')");
    this.addSql("create table item (id serial primary key, name text not null, status status default 'new')");
  }
  override down(): void {
    this.addSql('drop table item');
    this.addSql('drop type status');
  }
}

class AddDone extends Revision {
  override readonly revision = B;
  override readonly downRevision = A;
  override async up(): Promise<void> {
    await this.outsideTransaction(async () => {
      this.addSql("alter type status add value 'done'");
    });
    this.addSql('insert into item (name, status) values ($1, $2)', ["O'Brien \\ back", 'done']);
  }
  override down(): void {
    this.addSql("delete from item where status = 'done'");
  }
}

class IndexConcurrently extends Revision {
  override readonly revision = C;
  override readonly downRevision = B;
  override readonly transactional = false;
  override up(): void {
    this.addSql('create index concurrently item_name_idx on item (name)');
  }
  override down(): void {
    this.addSql('drop index concurrently item_name_idx');
  }
}

class AddNote extends Revision {
  override readonly revision = D;
  override readonly downRevision = C;
  override up(): void {
    this.addSql('alter table item add column note text -- free text');
    this.addSql("comment on table item is 'items; with -- dashes';");
  }
  override down(): void {
    this.addSql('alter table item drop column note');
    this.addSql('comment on table item is null');
  }
}

const psqlAvailable = spawnSync('psql', ['--version']).status === 0;

/** Runs a script through `psql -X -q -v ON_ERROR_STOP=1 -f`; returns its exit status and stderr. */
function psql(url: string, script: string): { status: number | null; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'offline-sql-'));
  try {
    const file = join(dir, 'script.sql');
    writeFileSync(file, script);
    const run = spawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-f', file], { encoding: 'utf8' });
    const stderr = run.stderr
      .split('\n')
      .filter((line) => line.length > 0 && !/NOTICE: /.test(line))
      .join('\n');
    return { status: run.status, stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function versionRows(url: string): Promise<unknown[]> {
  return sql(url, 'select revision, checksum, file_name from mikro_orm_alembic_version order by revision');
}

describe('runtime: offline SQL', function () {
  const dbs = useFreshDatabases();
  const revs = new MemoryRevisions([CreateItems, AddDone, IndexConcurrently, AddNote]);
  const lockKey = new VersionTable().lockKey.toString();
  const checksums = new Map<string, string>();
  before(async () => {
    for (const id of [A, B, C, D]) checksums.set(id, await revisionChecksum(revs.source, id));
  });
  const row = (id: string) => `insert into "public"."mikro_orm_alembic_version" (revision, duration_ms, checksum, file_name) values ('${id}', NULL, '${checksums.get(id)}', '${id}_rev.ts');`;

  it('renders a complete upgrade script: version table, BEGIN/COMMIT per revision, statements, version rows', async () => {
    const text = await renderOfflineSql(revs.graph.planUpgrade([], 'head'), revs.source, { headsBefore: [] });
    expect(text).to.equal(
      [
        '-- mikro-orm-alembic offline SQL: upgrade of 4 revision(s)',
        '-- heads before: (base)',
        `-- heads after:  ${D}`,
        '',
        `DO $$ BEGIN PERFORM pg_advisory_lock(${lockKey}); END $$;`,
        'create schema if not exists "public";',
        'create table if not exists "public"."mikro_orm_alembic_version" (',
        '  revision varchar(255) not null primary key,',
        '  applied_at timestamptz not null default clock_timestamp(),',
        '  duration_ms integer,',
        '  checksum varchar(64) not null,',
        '  file_name text',
        ');',
        '',
        `-- Running upgrade ${A} (migrations/${A}_rev.ts): revision ${A}`,
        'BEGIN;',
        "create type status as enum ('new');",
        "create table item (id serial primary key, name text not null, status status default 'new');",
        row(A),
        'COMMIT;',
        '',
        `-- Running upgrade ${B} (migrations/${B}_rev.ts): revision ${B}`,
        "alter type status add value 'done';",
        'BEGIN;',
        "insert into item (name, status) values (E'O''Brien \\\\ back', 'done');",
        row(B),
        'COMMIT;',
        '',
        `-- Running upgrade ${C} (migrations/${C}_rev.ts): revision ${C}`,
        'create index concurrently item_name_idx on item (name);',
        row(C),
        '',
        `-- Running upgrade ${D} (migrations/${D}_rev.ts): revision ${D}`,
        'BEGIN;',
        'alter table item add column note text -- free text',
        ';',
        "comment on table item is 'items; with -- dashes';",
        row(D),
        'COMMIT;',
        '',
        `DO $$ BEGIN PERFORM pg_advisory_unlock(${lockKey}); END $$;`,
        '',
      ].join('\n'),
    );
  });

  it('renders a downgrade with version-row deletes, and one transaction in mode all', async () => {
    const down = await renderOfflineSql(revs.graph.planDowngrade([D], B), revs.source, { lock: false });
    const body = down.slice(down.indexOf(`-- Running downgrade ${D}`));
    expect(body).to.equal(
      [
        `-- Running downgrade ${D} (migrations/${D}_rev.ts): revision ${D}`,
        'BEGIN;',
        'alter table item drop column note;',
        'comment on table item is null;',
        `delete from "public"."mikro_orm_alembic_version" where revision in ('${D}');`,
        'COMMIT;',
        '',
        `-- Running downgrade ${C} (migrations/${C}_rev.ts): revision ${C}`,
        'drop index concurrently item_name_idx;',
        `delete from "public"."mikro_orm_alembic_version" where revision in ('${C}');`,
        '',
      ].join('\n'),
    );
    expect(down).not.to.contain('pg_advisory_lock');

    const simple = new MemoryRevisions([CreateItems]);
    const all = await renderOfflineSql(simple.graph.planUpgrade([], 'head'), simple.source, { transactionMode: 'all', lock: false });
    expect(all.match(/^BEGIN;$/gm)).to.have.length(1);
    expect(all.match(/^COMMIT;$/gm)).to.have.length(1);
    expect(all.indexOf('BEGIN;')).to.be.below(all.indexOf('create type status'));
    expect(all.trimEnd().endsWith('COMMIT;')).to.equal(true);
  });

  it('gives through psql the same schema and version rows as an online upgrade, and downgrades back', async function () {
    if (!psqlAvailable) this.skip();
    const online = await dbs.fresh();
    const offline = await dbs.fresh();
    await new MigrationRuntime({ connection: online, graph: revs.graph, source: revs.source }).upgrade('head');

    // rendered by a runtime whose connection would fail: offline mode never connects
    const detached = new MigrationRuntime({ connection: 'postgres://nobody@127.0.0.1:1/none', graph: revs.graph, source: revs.source });
    const up = await detached.offlineSql({ direction: 'up', target: 'head' });
    const run = psql(offline, up);
    expect(run.stderr).to.equal('');
    expect(run.status).to.equal(0);

    const onlineSchema = await schemaFingerprint(online);
    expect(onlineSchema.enums).to.deep.equal([{ typname: 'status', labels: '{new,done}' }]);
    expect(onlineSchema.indexes.map((i) => (i as { indexname: string }).indexname)).to.include('item_name_idx');
    expect(await schemaFingerprint(offline)).to.deep.equal(onlineSchema);
    expect(await versionRows(offline)).to.deep.equal(await versionRows(online));
    expect(await sql(offline, 'select name, status::text from item')).to.deep.equal([{ name: "O'Brien \\ back", status: 'done' }]);
    expect(await sql(offline, 'select name, status::text from item')).to.deep.equal(await sql(online, 'select name, status::text from item'));
    // the script's applied rows are readable by the online runtime
    expect((await new MigrationRuntime({ connection: offline, graph: revs.graph, source: revs.source }).current()).heads).to.deep.equal([D]);
    expect(await sql(offline, "select count(*)::int as n from pg_locks where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())")).to.deep.equal([{ n: 0 }]);

    // a range: from B to head on a database at B
    const partial = await dbs.fresh();
    expect(psql(partial, await detached.offlineSql({ direction: 'up', target: B })).status).to.equal(0);
    const rest = await detached.offlineSql({ direction: 'up', from: B, target: 'head' });
    expect(rest).not.to.contain(`Running upgrade ${A}`);
    expect(rest).to.contain(`Running upgrade ${C}`);
    expect(psql(partial, rest).status).to.equal(0);
    expect(await schemaFingerprint(partial)).to.deep.equal(onlineSchema);

    // downgrade script to A, online and offline, agree
    await new MigrationRuntime({ connection: online, graph: revs.graph, source: revs.source }).downgrade(A);
    const down = await detached.offlineSql({ direction: 'down', from: D, target: A });
    expect(psql(offline, down).status).to.equal(0);
    expect(await schemaFingerprint(offline)).to.deep.equal(await schemaFingerprint(online));
    expect(await versionRows(offline)).to.deep.equal(await versionRows(online));
    expect((await versionRows(offline)).length).to.equal(1);
  });

  it('stops with a typed error when a revision needs query results offline', async () => {
    class Reads extends Revision {
      override readonly revision = A;
      override readonly downRevision = null;
      override async up(): Promise<void> {
        const rows = await this.execute('select count(*) from item');
        if (rows.length > 0) this.addSql('select 1');
      }
    }
    const reads = new MemoryRevisions([Reads]);
    const error = (await renderOfflineSql(reads.graph.planUpgrade([], 'head'), reads.source).catch((e: unknown) => e)) as RevisionFailedError;
    expect(error).to.be.instanceOf(RevisionFailedError);
    expect(error.revision).to.equal(A);
    expect((error.cause as { code?: string }).code).to.equal('REVISION_OFFLINE_EXECUTE');

    // a revision using the context directly gets rows that throw when read
    let ctxOffline: unknown;
    const direct = {
      revision: B,
      downRevision: null,
      transactional: true,
      async [Symbol.for('mikro-orm-alembic.runRevision')](_direction: string, ctx: { offline: boolean; query(sql: string): Promise<unknown[]> }) {
        ctxOffline = ctx.offline;
        await ctx.query('create table ok (id int)'); // result ignored: fine
        const rows = await ctx.query('select id from ok');
        return rows.length;
      },
    };
    const source: RevisionSource = {
      scripts: [{ id: B, path: null, transactional: true, message: '' }],
      load: async () => direct as unknown as Revision,
      checksum: () => 'x',
    };
    const channel = new OfflineChannel();
    const failure = (await runRevisions(channel, { direction: 'up', revisions: [B], source, table: new VersionTable() }).catch(
      (e: unknown) => e,
    )) as RevisionFailedError;
    expect(ctxOffline).to.equal(true);
    expect(failure.cause).to.be.instanceOf(OfflineResultError);
    expect((failure.cause as OfflineResultError).statement).to.equal('select id from ok');
    expect(failure.message).to.contain('used the result of a query while rendering offline SQL');
  });
});
