/**
 * The lock lint on the example app's hand-written revisions, and on a revision a developer writes
 * next by hand: what the test kit, `lint` and `check` report.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { lintRevisions, MigrationEnvironment } from '../../src';
import { MigrationTestKit } from '../../src/testing';

const root = resolve(__dirname, '../..');

describe('example app: the lock lint', function () {
  this.timeout(120_000);

  it('finds the blocking index build of 465a3a3779e4, which the revision acknowledges with its reason', async () => {
    const env = new MigrationEnvironment({ path: join(root, 'migrations') });
    const report = await lintRevisions(env.source, env.graph.planUpgrade([], 'heads').revisions);
    expect(report.findings.map((f) => [f.revision, f.code, f.relation])).to.deep.equal([['465a3a3779e4', 'BLOCKING_INDEX_BUILD', 'posts']]);
    expect(report.findings[0].acknowledged).to.contain('still empty');
    expect(report.findings[0].statement).to.equal('create index "posts_author_id_published_at_index" on "posts" ("author_id", "published_at")');
    expect(report.findings[0].alternative).to.contain('create index concurrently');
    expect(report.unacknowledged).to.deep.equal([]);
    expect(report.skipped).to.deep.equal([]);
    // the downgrade's plain drop index is found when down() is linted too
    const both = await lintRevisions(env.source, ['465a3a3779e4'], { direction: 'both' });
    expect(both.findings.map((f) => [f.direction, f.code])).to.deep.equal([
      ['up', 'BLOCKING_INDEX_BUILD'],
      ['down', 'BLOCKING_INDEX_DROP'],
    ]);
  });

  describe('a hand-written revision on top of the example app', () => {
    let folder: string;
    before(() => {
      // beside src/, so that the revisions' `import { Revision } from '../src'` resolves
      folder = mkdtempSync(join(root, '.lint-example-'));
      cpSync(join(root, 'migrations'), folder, { recursive: true });
      writeFileSync(
        join(folder, 'f00dfeed0001_email_not_null_and_rename.ts'),
        `/**
 * make email lookups strict
 *
 * Revision ID: f00dfeed0001
 * Revises: 359f47c94009
 * Create Date: 2026-12-03 08:00:00.000Z
 */
import { Revision } from '../src';

export class EmailStrict_f00dfeed0001 extends Revision {
  override readonly revision = 'f00dfeed0001';
  override readonly downRevision = '359f47c94009';
  override readonly branchLabels = [];
  override readonly dependsOn = [];
  override readonly acknowledge = { RENAME_COLUMN: 'the app reads "nickname" through a view since v3' };

  override async up(): Promise<void> {
    this.addSql(\`alter table "users" alter column "email" set not null;\`);
    this.addSql(\`alter table "users" add constraint "users_team_fk2" foreign key ("team_id") references "teams" ("id");\`);
    this.addSql(\`alter table "users" rename column "name" to "nickname";\`);
  }

  override async down(): Promise<void> {
    this.addSql(\`alter table "users" rename column "nickname" to "name";\`);
    this.addSql(\`alter table "users" drop constraint "users_team_fk2";\`);
    this.addSql(\`alter table "users" alter column "email" drop not null;\`);
  }
}
`,
      );
    });
    after(() => rmSync(folder, { recursive: true, force: true }));

    it('the test kit fails, naming the revision, each statement and the safe way; the rename is acknowledged', async () => {
      const kit = await MigrationTestKit.open({ path: folder });
      try {
        const error = await kit.assertLintClean().catch((e: unknown) => e as Error & { code: string });
        expect(error).to.have.property('code', 'LINT_FINDINGS');
        const message = (error as Error).message;
        expect(message).to.contain('2 lint finding(s)');
        expect(message).to.contain('f00dfeed0001').and.contain('NOT_NULL_SCAN').and.contain('VALIDATING_FOREIGN_KEY');
        expect(message).to.contain('alter table "users" alter column "email" set not null');
        expect(message).to.contain('check (col is not null) not valid');
        expect(message).not.to.contain('RENAME_COLUMN');
      } finally {
        await kit.close();
      }
    });

    it('`lint` prints the findings and exits 1; `check` refuses an unknown code', async () => {
      const bin = join(root, 'src/cli/main.ts');
      const run = async (args: string[]) => {
        try {
          const { stdout, stderr } = await promisify(execFile)('node', ['-r', 'ts-node/register/transpile-only', bin, '--path', folder, ...args], { cwd: root });
          return { code: 0, stdout, stderr };
        } catch (e) {
          const err = e as { code: number; stdout: string; stderr: string };
          return { code: err.code, stdout: err.stdout, stderr: err.stderr };
        }
      };
      const failing = await run(['lint']);
      expect(failing.code).to.equal(1);
      expect(failing.stdout).to.contain('f00dfeed0001 (').and.contain('NOT_NULL_SCAN: makes users.email not null');
      expect(failing.stdout).to.contain('instead:');
      expect(failing.stdout).to.contain('FAIL: 7 revisions linted, 2 findings (2 acknowledged)');
      const file = join(folder, 'f00dfeed0001_email_not_null_and_rename.ts');
      const text = readFileSync(file, 'utf8');
      writeFileSync(file, text.replace("{ RENAME_COLUMN: 'the app", "{ RENAME_COLUMNS: 'the app"));
      const bad = await run(['check']);
      expect(bad.code).to.equal(1);
      expect(bad.stdout).to.contain('one head: f00dfeed0001');
      expect(bad.stderr).to.contain('f00dfeed0001').and.contain('RENAME_COLUMNS').and.contain('not a lint code');
    });
  });
});
