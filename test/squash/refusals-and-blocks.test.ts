/**
 * What a squash keeps honest: statements run outside a transaction stay outside one (an enum value
 * added in one revision and used in the next still works squashed); a revision that reads data, and
 * runs with depends_on, are refused naming the revision; nothing is written then.
 */
import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../../src/harness/throwaway-database';
import { MigrationEnvironment } from '../../src/runtime/migration-environment';
import { writeRevision } from '../../src/script/revision-writer';
import { SquashError } from '../../src/squash/errors';
import { squashRevisions } from '../../src/squash/squash-revisions';
import { MigrationTestKit } from '../../src/testing/migration-test-kit';
import { testServer } from '../support/database';
import { IMPORT_FROM, recorded } from './support';

interface Spec {
  id: string;
  parent?: string;
  up: string;
  down?: string;
  dependsOn?: string[];
}

function folder(specs: Spec[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'mo-alembic-squash-blocks-'));
  for (const s of specs) {
    writeRevision({
      directory: dir,
      heads: [],
      head: s.parent ?? null,
      splice: true,
      message: `revision ${s.id}`,
      revId: s.id,
      createDate: new Date('2026-01-01T00:00:00Z'),
      importFrom: IMPORT_FROM,
      upBody: s.up,
      downBody: s.down ?? '',
      dependsOn: s.dependsOn,
    });
  }
  return dir;
}

async function refusal(dir: string, range: string): Promise<SquashError> {
  const env = new MigrationEnvironment({ path: dir, preferTs: true });
  try {
    await squashRevisions({ directory: dir, scripts: env.scripts, squashes: env.squashes, source: env.source, range, message: 'squash' });
  } catch (e) {
    if (e instanceof SquashError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('squash: non-transactional blocks and refusals', () => {
  const dirs: string[] = [];
  const databases: ThrowawayDatabase[] = [];
  after(async () => {
    for (const db of databases) await db.drop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps outsideTransaction blocks and enum values added outside the transaction, and the squash runs on a new database', async () => {
    const dir = folder([
      { id: 'b10000000001', up: `this.createEnum('mood', ['ok']);\nthis.addSql('create table "note" ("id" int primary key, "mood" "mood" not null default \\'ok\\')');`, down: `this.addSql('drop table "note"');\nthis.dropEnum('mood');` },
      {
        id: 'b10000000002',
        parent: 'b10000000001',
        up: `await this.addEnumValue('mood', 'sad');\nawait this.outsideTransaction(() => {\n  this.addSql('create index concurrently "note_mood_idx" on "note" ("mood")');\n});`,
        down: `this.addSql('drop index "note_mood_idx"');`,
      },
      { id: 'b10000000003', parent: 'b10000000002', up: `this.addSql('alter table "note" alter column "mood" set default \\'sad\\'');`, down: `this.addSql('alter table "note" alter column "mood" set default \\'ok\\'');` },
    ]);
    dirs.push(dir);
    const env = () => new MigrationEnvironment({ path: dir, preferTs: true });
    const written = await squashRevisions({
      directory: dir, scripts: env().scripts, squashes: env().squashes, source: env().source,
      range: 'b10000000001:b10000000003', message: 'notes', revId: 'b1000000000f',
    });
    const text = readFileSync(written.path, 'utf8');
    expect(text).to.match(/await this\.outsideTransaction\(\(\) => \{\n\s+this\.addSql\(`alter type "mood" add value if not exists 'sad'`\);/);
    expect(text).to.match(/await this\.outsideTransaction\(\(\) => \{\n\s+this\.addSql\('create index concurrently "note_mood_idx" on "note" \("mood"\)'\);/);
    const db = await createThrowawayDatabase((await testServer()).url, { prefix: 'mo_alembic_squash' });
    databases.push(db);
    const result = await env().runtime(db.url).upgrade('head');
    expect(result.ran.map((r) => r.id)).to.deep.equal(['b1000000000f']);
    expect(await recorded(db.url)).to.deep.equal(['b1000000000f']);
    const kit = await MigrationTestKit.open({ environment: env(), serverUrl: (await testServer()).url });
    await kit.assertSquashEquivalent();
  });

  it('refuses a revision that reads data with execute(), naming it', async () => {
    const dir = folder([
      { id: 'c10000000001', up: `this.addSql('create table "x" ("id" int)');` },
      { id: 'c10000000002', parent: 'c10000000001', up: `const rows = await this.execute('select count(*) as n from "x"');\nif (rows.length > 0) this.addSql('select 1');` },
    ]);
    dirs.push(dir);
    const error = await refusal(dir, 'c10000000001:c10000000002');
    expect(error.code).to.equal('SQUASH_DYNAMIC_REVISION');
    expect(error.message).to.match(/^Revision c10000000002 \(.*c10000000002_revision_c10000000002\.ts\) cannot be squashed: its up\(\) reads data with execute\(\)/);
    expect(readdirSync(dir)).to.have.length(2);
  });

  it('refuses a run with a depends_on in it or into it', async () => {
    const dir = folder([
      { id: 'd10000000001', up: '' },
      { id: 'd10000000002', parent: 'd10000000001', up: '' },
      { id: 'd10000000003', parent: 'd10000000002', up: '' },
      { id: 'd10000000009', up: '', dependsOn: ['d10000000002'] },
      { id: 'd1000000000a', up: '' },
      { id: 'd1000000000b', parent: 'd1000000000a', up: '', dependsOn: ['d10000000009'] },
      { id: 'd1000000000c', parent: 'd1000000000b', up: '' },
    ]);
    dirs.push(dir);
    const into = await refusal(dir, 'd10000000001:d10000000003');
    expect(into.code).to.equal('SQUASH_DEPENDS_ON');
    expect(into.message, into.message).to.include('d10000000009 depends on d10000000002, inside the run');
    const inside = await refusal(dir, 'd1000000000a:d1000000000c');
    expect(inside.code).to.equal('SQUASH_DEPENDS_ON');
    expect(inside.message).to.include('d1000000000b depends on d10000000009');
    expect((await refusal(dir, 'd10000000003:d10000000001')).code).to.equal('SQUASH_RANGE');
  });
});
