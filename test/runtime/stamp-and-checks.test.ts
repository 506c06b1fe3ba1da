import { expect } from 'chai';
import { MigrationRuntime, MissingRevisionFileError, RevisionEditedError } from '../../src/runtime';
import { Revision } from '../../src/script/revision';
import { revisionChecksum } from '../../src/runtime/revision-checksum';
import { defineRevision, MemoryRevisions, sql, tables, useFreshDatabases, versionIds, type RevisionClass } from './support/helpers';

const A = '57a3b0000001';
const B = '57a3b0000002';
const C = '57a3b0000003';
const D = '57a3b0000004';

const a = defineRevision({ id: A, up: ['create table t_a (id int)'], downSql: ['drop table t_a'] });
const b = defineRevision({ id: B, down: A, up: ['create table t_b (id int)'], downSql: ['drop table t_b'] });
const c = defineRevision({ id: C, down: B, up: ['create table t_c (id int)'], downSql: ['drop table t_c'] });
const d = defineRevision({ id: D, down: C, up: ['create table t_d (id int)'], downSql: ['drop table t_d'] });

function runtimeFor(url: string, revs: MemoryRevisions, extra: Partial<ConstructorParameters<typeof MigrationRuntime>[0]> = {}): MigrationRuntime {
  return new MigrationRuntime({ connection: url, graph: revs.graph, source: revs.source, lockTimeoutMs: 5_000, ...extra });
}

interface Row {
  revision: string;
  applied_at: Date;
  duration_ms: number | null;
  checksum: string;
  file_name: string;
}

async function rows(url: string): Promise<Row[]> {
  return sql<Row>(url, 'select * from mikro_orm_alembic_version order by revision');
}

describe('runtime: stamp', function () {
  const dbs = useFreshDatabases();

  it('records the target ancestry without running anything, then moves it and clears it', async () => {
    const url = await dbs.fresh();
    const revs = new MemoryRevisions([a, b, c]);
    const runtime = runtimeFor(url, revs);

    const head = await runtime.stamp('head');
    expect(head).to.deep.equal({ headsBefore: [], headsAfter: [C], added: [A, B, C], removed: [], warnings: [] });
    expect(await tables(url)).to.deep.equal(['mikro_orm_alembic_version']);
    const stamped = await rows(url);
    const expected = [];
    for (const id of [A, B, C]) expected.push([id, null, await revisionChecksum(revs.source, id), `${id}_rev.ts`]);
    expect(stamped.map((r) => [r.revision, r.duration_ms, r.checksum, r.file_name])).to.deep.equal(expected);
    expect((await runtime.upgrade('head')).ran).to.deep.equal([]);

    const back = await runtime.stamp(A);
    expect(back).to.deep.include({ headsBefore: [C], headsAfter: [A], added: [], removed: [B, C] });
    const kept = await rows(url);
    expect(kept).to.deep.equal([stamped[0]]); // the kept row keeps its time and checksum

    const up = await runtime.upgrade('head');
    expect(up.ran.map((r) => r.id)).to.deep.equal([B, C]);
    expect(await tables(url)).to.deep.equal(['mikro_orm_alembic_version', 't_b', 't_c']);

    const base = await runtime.stamp('base');
    expect(base).to.deep.include({ headsAfter: [], added: [], removed: [A, B, C] });
    expect(await versionIds(url)).to.deep.equal([]);
  });

  it('stamps branches: one head, several heads', async () => {
    const url = await dbs.fresh();
    const R = '57a3b00000a0';
    const X = '57a3b00000a1';
    const Y = '57a3b00000a2';
    const revs = new MemoryRevisions([
      defineRevision({ id: R }),
      defineRevision({ id: X, down: R }),
      defineRevision({ id: Y, down: R, branchLabels: ['ylabel'] }),
    ]);
    const runtime = runtimeFor(url, revs);
    expect((await runtime.stamp(X)).headsAfter).to.deep.equal([X]);
    expect(new Set(await versionIds(url))).to.deep.equal(new Set([R, X]));
    expect((await runtime.stamp('ylabel@head')).headsAfter).to.deep.equal([Y]);
    expect(new Set(await versionIds(url))).to.deep.equal(new Set([R, Y]));
    expect((await runtime.stamp([X, Y])).headsAfter).to.deep.equal([X, Y]);
    expect((await runtime.current()).heads).to.deep.equal([X, Y]);
    expect((await runtime.stamp('heads')).added).to.deep.equal([]);
  });

  it('refuses to stamp over a revision whose file is gone unless purge, which clears the table first', async () => {
    const url = await dbs.fresh();
    const revs = new MemoryRevisions([a, b]);
    const runtime = runtimeFor(url, revs);
    await runtime.upgrade('head');
    await sql(url, "insert into mikro_orm_alembic_version (revision, checksum, file_name) values ('0e1d0e1d0e1d', 'x', '0e1d0e1d0e1d_gone.ts')");

    const error = (await runtime.stamp(A).catch((e: unknown) => e)) as MissingRevisionFileError;
    expect(error).to.be.instanceOf(MissingRevisionFileError);
    expect(error.revisions).to.deep.equal(['0e1d0e1d0e1d']);
    expect(new Set(await versionIds(url))).to.deep.equal(new Set([A, B, '0e1d0e1d0e1d']));

    const before = await rows(url);
    const purged = await runtime.stamp(B, { purge: true });
    expect(purged.headsBefore).to.deep.equal([B]);
    expect(purged.removed).to.deep.equal(['0e1d0e1d0e1d']);
    expect(purged.headsAfter).to.deep.equal([B]);
    const after = await rows(url);
    expect(after.map((r) => r.revision)).to.deep.equal([A, B]);
    // recorded afresh: no duration (stamped), a new time
    expect(after.map((r) => r.duration_ms)).to.deep.equal([null, null]);
    expect(after[0].applied_at.getTime()).to.be.above(before.find((r) => r.revision === A)!.applied_at.getTime());
    expect(await tables(url)).to.deep.equal(['mikro_orm_alembic_version', 't_a', 't_b']);
  });
});

describe('runtime: checksums and missing files', function () {
  const dbs = useFreshDatabases();

  /** The revisions with `id` edited: its text and what it does (one more statement in up()). */
  function edited(classes: RevisionClass[], id: string): MemoryRevisions {
    const revs = new MemoryRevisions(classes);
    revs.texts.set(id, `${revs.texts.get(id)}\n// edited after it was applied`);
    const Original = revs.classes.get(id)! as unknown as new () => Revision & { up(): void; revision: string; downRevision: string | null };
    const Edited = class extends Original {
      override up(): void {
        super.up();
        this.addSql('select 1 -- edited after it was applied');
      }
    };
    revs.classes.set(id, Edited as unknown as RevisionClass);
    return revs;
  }

  it('warns about an applied revision whose file was edited, and refuses with strict', async () => {
    const url = await dbs.fresh();
    await runtimeFor(url, new MemoryRevisions([a, b])).upgrade('head');
    const recorded = (await rows(url)).find((r) => r.revision === B)!.checksum;

    const revs = edited([a, b, c], B);
    const warnings: string[] = [];
    const result = await runtimeFor(url, revs, { log: { warn: (m) => warnings.push(m) } }).upgrade('head');
    expect(result.ran.map((r) => r.id)).to.deep.equal([C]);
    expect(result.warnings).to.have.length(1);
    expect(result.warnings[0]).to.contain(B).and.contain('edited after it was applied').and.contain(`migrations/${B}_rev.ts`);
    expect(warnings).to.deep.equal(result.warnings);
    expect((await runtimeFor(url, revs).current()).warnings).to.deep.equal(result.warnings);
    // the recorded checksum is the one of the file as applied
    expect((await rows(url)).find((r) => r.revision === B)!.checksum).to.equal(recorded);

    const strict = edited([a, b, c, d], B);
    const error = (await runtimeFor(url, strict, { strict: true })
      .upgrade('head')
      .catch((e: unknown) => e)) as RevisionEditedError;
    expect(error).to.be.instanceOf(RevisionEditedError);
    expect(error.code).to.equal('REVISION_EDITED');
    expect(error.mismatches.map((m) => [m.id, m.recorded, m.current])).to.deep.equal([[B, recorded, await revisionChecksum(strict.source, B)]]);
    expect(error.message).to.contain(B);
    expect(await versionIds(url)).to.deep.equal([A, B, C]);
    expect(await tables(url)).not.to.include('t_d');

    // stamp --purge records the files as they are now: no more warning
    await runtimeFor(url, strict).stamp(C, { purge: true });
    expect((await runtimeFor(url, strict, { strict: true }).upgrade('head')).ran.map((r) => r.id)).to.deep.equal([D]);
  });

  it('fails naming an applied revision whose file is missing', async () => {
    const url = await dbs.fresh();
    const full = new MemoryRevisions([a, b, c]);
    await runtimeFor(url, full).upgrade('head');

    // the file is gone: neither in the graph nor in the source
    const withoutC = new MemoryRevisions([a, b]);
    for (const run of [() => runtimeFor(url, withoutC).upgrade('head'), () => runtimeFor(url, withoutC).current(), () => runtimeFor(url, withoutC).downgrade('base')]) {
      const error = (await run().catch((e: unknown) => e)) as MissingRevisionFileError;
      expect(error).to.be.instanceOf(MissingRevisionFileError);
      expect(error.code).to.equal('REVISION_FILE_MISSING');
      expect(error.revisions).to.deep.equal([C]);
      expect(error.message).to.contain(C).and.contain(`${C}_rev.ts`);
    }
    // the graph knows it but the source has no file for it
    const error = (await new MigrationRuntime({ connection: url, graph: full.graph, source: full.without(C) })
      .upgrade('head')
      .catch((e: unknown) => e)) as MissingRevisionFileError;
    expect(error).to.be.instanceOf(MissingRevisionFileError);
    expect(error.revisions).to.deep.equal([C]);
    // nothing changed
    expect(await versionIds(url)).to.deep.equal([A, B, C]);
    expect(await tables(url)).to.deep.equal(['mikro_orm_alembic_version', 't_a', 't_b', 't_c']);
  });
});
