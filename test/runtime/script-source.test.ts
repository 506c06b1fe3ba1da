import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'chai';
import { RevisionGraph } from '../../src/graph';
import { MigrationRuntime, MissingRevisionFileError, scriptDirectorySource } from '../../src/runtime';
import { ScriptDirectory } from '../../src/script/script-directory';
import { sha256, sql, tables, useFreshDatabases, versionIds } from './support/helpers';

const SCRIPT_MODULE = resolve(__dirname, '../../src/script');

function revisionFile(id: string, down: string | null, up: string[], extra = ''): string {
  return [
    '/**',
    ` * Revision ${id}`,
    ' *',
    ` * Revision ID: ${id}`,
    ' */',
    `import { Revision } from ${JSON.stringify(SCRIPT_MODULE)};`,
    '',
    `export class Rev${id} extends Revision {`,
    `  override readonly revision = '${id}';`,
    `  override readonly downRevision = ${down === null ? 'null' : `'${down}'`};`,
    extra,
    '  override async up(): Promise<void> {',
    ...up.map((s) => `    this.addSql(${JSON.stringify(s)});`),
    '  }',
    '}',
    '',
  ].join('\n');
}

describe('runtime: revisions from a migrations folder', function () {
  const dbs = useFreshDatabases();
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'runtime-scripts-'));
    writeFileSync(join(dir, '5c0000000001_items.ts'), revisionFile('5c0000000001', null, ['create table item (id int, v int)']));
    writeFileSync(
      join(dir, '5c0000000002_index.ts'),
      revisionFile('5c0000000002', '5c0000000001', ['create index concurrently item_v on item (v)'], '  override readonly transactional = false;'),
    );
    writeFileSync(join(dir, '5c0000000003_more.ts'), revisionFile('5c0000000003', '5c0000000002', ['alter table item add column w int']));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function runtime(url: string, warnings: string[] = []): MigrationRuntime {
    const scripts = ScriptDirectory.read({ path: dir, preferTs: true });
    return new MigrationRuntime({
      connection: url,
      graph: new RevisionGraph(scripts.toRecords()),
      source: scriptDirectorySource(scripts),
      log: { warn: (m) => warnings.push(m) },
    });
  }

  it('applies revision files, recording file names and the sha256 of their text; notices edits and deletions', async () => {
    const url = await dbs.fresh();
    const result = await runtime(url).upgrade('head');
    expect(result.ran.map((r) => r.id)).to.deep.equal(['5c0000000001', '5c0000000002', '5c0000000003']);
    expect(await tables(url)).to.deep.equal(['item', 'mikro_orm_alembic_version']);
    expect(await sql(url, "select indexname from pg_indexes where tablename = 'item'")).to.deep.equal([{ indexname: 'item_v' }]);
    const rows = await sql<{ revision: string; checksum: string; file_name: string }>(
      url,
      'select revision, checksum, file_name from mikro_orm_alembic_version order by revision',
    );
    expect(rows.map((r) => r.file_name)).to.deep.equal(['5c0000000001_items.ts', '5c0000000002_index.ts', '5c0000000003_more.ts']);
    for (const row of rows) {
      expect(row.checksum).to.match(/^v2:/);
      expect(row.checksum.split(':')[1]).to.equal(Buffer.from(sha256(readFileSync(join(dir, row.file_name), 'utf8')), 'hex').toString('base64url').slice(0, 22));
    }

    // a comment added later changes nothing the revision does: not an edit
    const commented = join(dir, '5c0000000001_items.ts');
    writeFileSync(commented, `${readFileSync(commented, 'utf8')}// a comment added later\n`);
    const quiet: string[] = [];
    await runtime(url, quiet).current();
    expect(quiet).to.deep.equal([]);

    // edit an applied file: a warning naming it
    const edited = join(dir, '5c0000000002_index.ts');
    writeFileSync(edited, readFileSync(edited, 'utf8').replace(/item_v/g, 'item_v2'));
    const warnings: string[] = [];
    const current = await runtime(url, warnings).current();
    expect(current.heads).to.deep.equal(['5c0000000003']);
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.contain('5c0000000002').and.contain('5c0000000002_index.ts').and.contain('edited');

    // delete the applied head's file: an error naming it
    unlinkSync(join(dir, '5c0000000003_more.ts'));
    const error = (await runtime(url).upgrade('head').catch((e: unknown) => e)) as MissingRevisionFileError;
    expect(error).to.be.instanceOf(MissingRevisionFileError);
    expect(error.revisions).to.deep.equal(['5c0000000003']);
    expect(error.message).to.contain('5c0000000003_more.ts');
    expect(await versionIds(url)).to.have.length(3);
  });
});
