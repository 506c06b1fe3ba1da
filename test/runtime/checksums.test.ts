/**
 * Checksums identify what a revision does, whichever form runs: upgraded from `.ts`, the compiled `.js`
 * starts with `strict: true` and no warning; CRLF/LF and a BOM change nothing; a real edit is caught in
 * both forms; old-format (v1) rows keep working; `acceptEdits` re-records an intended edit.
 */
import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Entity, PrimaryKey } from '@mikro-orm/core';
import { expect } from 'chai';
import * as ts from 'typescript';
import { RevisionGraph } from '../../src/graph';
import { MigrationRuntime, RevisionEditedError, scriptDirectorySource } from '../../src/runtime';
import { formatChecksum, isV2Checksum } from '../../src/runtime/revision-checksum';
import { ScriptDirectory } from '../../src/script';
import { addRevision, initOrm, tempDir } from '../mikro/support/orm';
import { sql, tables, useFreshDatabases } from './support/helpers';

@Entity({ tableName: 'checksum_thing' })
class ChecksumThing {
  @PrimaryKey() id!: number;
}

/** Three .ts revisions in `dir` (statements with parameters-free SQL, an enum-free chain). */
function writeChain(dir: string): string[] {
  const a = addRevision(dir, [], { message: 'a', up: ['create table t_a (id int)'], down: ['drop table t_a'] });
  const b = addRevision(dir, [a.id], { message: 'b', up: ["create table t_b (id int, note text default 'x')"], down: ['drop table t_b'] });
  const c = addRevision(dir, [b.id], { message: 'c', up: ['create index t_b_id on t_b (id)'], down: ['drop index t_b_id'] });
  return [a.id, b.id, c.id];
}

/** Compiles every .ts of `from` into `to` as a user's `tsc` would (another target, no comments). */
function compile(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from).filter((n) => n.endsWith('.ts'))) {
    const out = ts.transpileModule(readFileSync(join(from, name), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2017, removeComments: true, esModuleInterop: true },
    });
    writeFileSync(join(to, name.replace(/\.ts$/, '.js')), out.outputText);
  }
}

function runtimeOn(url: string, dir: string, extra: Partial<ConstructorParameters<typeof MigrationRuntime>[0]> = {}): MigrationRuntime {
  const scripts = ScriptDirectory.read({ path: dir });
  return new MigrationRuntime({ connection: url, graph: new RevisionGraph(scripts.toRecords()), source: scriptDirectorySource(scripts), lockTimeoutMs: 5_000, ...extra });
}

function fileOf(dir: string, id: string): string {
  return join(dir, readdirSync(dir).find((n) => n.startsWith(id)) as string);
}

function rewrite(file: string, fn: (text: string) => string): void {
  writeFileSync(file, fn(readFileSync(file, 'utf8')));
}

describe('runtime: checksums across .ts/.js, line endings and BOM', function () {
  this.timeout(120_000);
  const dbs = useFreshDatabases();
  let folder: ReturnType<typeof tempDir>;
  beforeEach(() => {
    folder = tempDir('checksums-');
  });
  afterEach(() => folder.cleanup());

  it('upgraded from .ts, the compiled app (path: dist/migrations, strict, upgrade on init) starts with no warning', async () => {
    const url = await dbs.fresh();
    const src = join(folder.path, 'migrations');
    const dist = join(folder.path, 'dist', 'migrations');
    mkdirSync(src);
    const ids = writeChain(src);
    const up = await runtimeOn(url, src, { strict: true }).upgrade('head');
    expect(up.ran.map((r) => r.id)).to.deep.equal(ids);
    compile(src, dist);
    expect(readFileSync(fileOf(dist, ids[0]), 'utf8')).not.to.equal(readFileSync(fileOf(src, ids[0]), 'utf8'));

    const warnings: string[] = [];
    const current = await runtimeOn(url, dist, { strict: true, log: { warn: (m) => warnings.push(m) } }).current();
    expect(current.heads).to.deep.equal([ids[2]]);
    expect(warnings).to.deep.equal([]);

    const logged: string[] = [];
    const orm = await initOrm(url, dist, [ChecksumThing], { strict: true, upgradeOnInit: true }, { logger: (m: string) => logged.push(m) });
    try {
      expect(await orm.migrator.getPendingMigrations()).to.deep.equal([]);
      expect(logged.filter((m) => /edited|warn/i.test(m))).to.deep.equal([]);
    } finally {
      await orm.close(true);
    }
  });

  it('a real edit is still caught, in the .ts and in the .js; accept-edits re-records it', async () => {
    const url = await dbs.fresh();
    const src = join(folder.path, 'migrations');
    const dist = join(folder.path, 'dist', 'migrations');
    mkdirSync(src);
    const ids = writeChain(src);
    await runtimeOn(url, src).upgrade('head');
    compile(src, dist);

    rewrite(fileOf(dist, ids[1]), (t) => t.replace("default 'x'", "default 'y'"));
    const inJs = (await runtimeOn(url, dist, { strict: true })
      .upgrade('head')
      .catch((e: unknown) => e)) as RevisionEditedError;
    expect(inJs).to.be.instanceOf(RevisionEditedError);
    expect(inJs.mismatches.map((m) => m.id)).to.deep.equal([ids[1]]);
    expect(inJs.message).to.contain('Restore the file').and.contain(`npx mikro-orm-alembic accept-edits ${ids[1]}`);

    rewrite(fileOf(src, ids[2]), (t) => t.replace('create index t_b_id on t_b (id)', 'create unique index t_b_id on t_b (id)'));
    const inTs = (await runtimeOn(url, src, { strict: true })
      .upgrade('head')
      .catch((e: unknown) => e)) as RevisionEditedError;
    expect(inTs).to.be.instanceOf(RevisionEditedError);
    expect(inTs.mismatches.map((m) => m.id)).to.deep.equal([ids[2]]);

    // a comment or formatting changes nothing the revision does: not an edit
    rewrite(fileOf(src, ids[0]), (t) => `// reviewed in 2027\n${t.replace(/\n/g, '\n\n')}`);
    const accepted = await runtimeOn(url, src).acceptEdits();
    expect(accepted.accepted).to.deep.equal([ids[2]]);
    const warnings: string[] = [];
    await runtimeOn(url, src, { strict: true, log: { warn: (m) => warnings.push(m) } }).current();
    expect(warnings).to.deep.equal([]);
    expect(await tables(url)).to.deep.equal(['mikro_orm_alembic_version', 't_a', 't_b']);
  });

  it('CRLF ↔ LF and a BOM are not edits (v2 rows and old v1 rows)', async () => {
    const url = await dbs.fresh();
    const src = join(folder.path, 'migrations');
    mkdirSync(src);
    const ids = writeChain(src);
    // applied with CRLF line ends (a Windows checkout)
    for (const id of ids) rewrite(fileOf(src, id), (t) => t.replace(/\n/g, '\r\n'));
    await runtimeOn(url, src).upgrade('head');
    for (const id of ids) rewrite(fileOf(src, id), (t) => `\uFEFF${t.replace(/\r\n/g, '\n')}`);
    const strict = () => runtimeOn(url, src, { strict: true }).current();
    expect((await strict()).warnings).to.deep.equal([]);

    // an old database: v1 rows (sha256 of the raw CRLF text, as recorded before v2)
    for (const id of ids) {
      const crlf = readFileSync(fileOf(src, id), 'utf8').replace(/^\uFEFF/, '').replace(/\n/g, '\r\n');
      await sql(url, 'update mikro_orm_alembic_version set checksum = $1 where revision = $2', [createHash('sha256').update(crlf).digest('hex'), id]);
    }
    expect((await strict()).warnings).to.deep.equal([]);
    // ... and a real edit still caught on a v1 row of the same form
    rewrite(fileOf(src, ids[0]), (t) => t.replace('create table t_a (id int)', 'create table t_a (id bigint)'));
    const error = await strict().catch((e: unknown) => e);
    expect(error).to.be.instanceOf(RevisionEditedError);
    expect((error as RevisionEditedError).mismatches.map((m) => m.id)).to.deep.equal([ids[0]]);
    // accept-edits moves the edited row and the remaining v1 rows to v2
    expect((await runtimeOn(url, src).acceptEdits()).accepted).to.deep.equal(ids);
    const rows = await sql<{ checksum: string }>(url, 'select checksum from mikro_orm_alembic_version');
    expect(rows.every((r) => r.checksum.startsWith('v2:'))).to.equal(true);
    expect((await strict()).warnings).to.deep.equal([]);
  });

  it('old v1 rows recorded from the .ts are accepted when the compiled .js runs (they cannot be compared)', async () => {
    const url = await dbs.fresh();
    const src = join(folder.path, 'migrations');
    const dist = join(folder.path, 'dist', 'migrations');
    mkdirSync(src);
    const ids = writeChain(src);
    await runtimeOn(url, src).upgrade('head');
    for (const id of ids) {
      await sql(url, 'update mikro_orm_alembic_version set checksum = $1 where revision = $2', [
        createHash('sha256').update(readFileSync(fileOf(src, id), 'utf8')).digest('hex'),
        id,
      ]);
    }
    compile(src, dist);
    const warnings: string[] = [];
    await runtimeOn(url, dist, { strict: true, log: { warn: (m) => warnings.push(m) } }).current();
    expect(warnings).to.deep.equal([]);
  });
});

describe('runtime: the checksum format', () => {
  it('each part is the first 22 base64url characters of the digest, for any digest (and as Buffer reads anything else)', () => {
    const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64url').slice(0, 22);
    for (let i = 0; i < 500; i++) {
      const a = createHash('sha256').update(`a${i}`).digest('hex');
      const b = createHash('sha256').update(`b${i}`).digest('hex');
      const upper = i % 2 === 0 ? a.toUpperCase() : a;
      expect(formatChecksum(upper, b)).to.equal(`v2:${b64(a)}:${b64(b)}`);
      expect(isV2Checksum(formatChecksum(a, i % 3 === 0 ? null : b))).to.equal(true);
    }
    expect(formatChecksum('f'.repeat(64), '0'.repeat(64))).to.equal(`v2:${'_'.repeat(22)}:${'A'.repeat(22)}`);
    expect(formatChecksum('x', 'abc')).to.equal(`v2:${b64('x')}:${b64('abc')}`);
    const digest = createHash('sha256').update('c').digest('hex');
    for (const odd of [`${digest.slice(0, 33)}@${digest.slice(34)}`, `${digest.slice(0, 33)}\``, `${digest.slice(0, 34)}zz`, `${digest.slice(0, 10)}g${digest.slice(11)}`, `${digest.slice(0, 5)}é${digest.slice(6)}`]) {
      expect(formatChecksum(odd, digest), odd).to.equal(`v2:${b64(odd)}:${b64(digest)}`);
    }
  });
});
