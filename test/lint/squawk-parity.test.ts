/**
 * The lint against squawk itself (squawk-cli from npm, its own binary): the same corpus of statements,
 * each in its own file, linted by both. Our codes map to squawk's rule names through `LINT_RULES`; the
 * statements where the two deliberately differ are listed in DIFFERENCES (and in docs/lint.md).
 *
 * squawk is not a devDependency: its npm package lists a binary package for every platform as optional
 * dependencies, and a registry that serves only some of them leaves a lock file that `npm ci` refuses. It
 * is installed on first use into a cache folder outside the repository (`npm install`, which skips the
 * platforms it cannot get), once per version.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LINT_RULES, lintStatements } from '../../src/lint';
import { parseSql } from '../../src/sqlparse';

/** squawk's rules about locks, rewrites and lock waits (the others are about style: bigint, robust statements, ...). */
const SQUAWK_LOCK_RULES = new Set(LINT_RULES.flatMap((r) => r.squawk).concat(['constraint-missing-not-valid', 'require-lock-timeout']));

const CORPUS: readonly string[] = [
  'create index "post_title_idx" on "post" ("title");',
  'create unique index "post_slug_uniq" on "post" ("slug");',
  'create index concurrently "post_title_idx" on "post" ("title");',
  'drop index "post_title_idx";',
  'drop index concurrently "post_title_idx";',
  'alter table "post" add constraint "post_author_fk" foreign key ("author_id") references "author" ("id");',
  'alter table "post" add constraint "post_author_fk" foreign key ("author_id") references "author" ("id") not valid;',
  'alter table "post" validate constraint "post_author_fk";',
  'alter table "post" add constraint "post_len_chk" check (length("title") > 0);',
  'alter table "post" add constraint "post_len_chk" check (length("title") > 0) not valid;',
  'alter table "post" alter column "title" set not null;',
  'alter table "post" add column "rank" int not null;',
  'alter table "post" add column "rank" int not null default 0;',
  'alter table "post" add constraint "post_slug_unique" unique ("slug");',
  'alter table "post" add constraint "post_slug_unique" unique using index "post_slug_uniq";',
  'alter table "post" add primary key ("id");',
  'alter table "post" alter column "title" type text;',
  'alter table "post" add column "uid" uuid default gen_random_uuid();',
  'alter table "post" add column "created" timestamptz default now();',
  'alter table "post" add column "n" serial;',
  'alter table "post" add column "g" int generated always as (1) stored;',
  'alter table "post" rename column "title" to "headline";',
  'alter table "post" rename to "article";',
  'create table "tag" ("id" int primary key, "post_id" int references "post" ("id"));',
  'alter table "post" add column "tag_id" int references "tag" ("id");',
  'alter table "post" drop column "title";',
  'alter table "post" add column "note" text;',
  'alter table "post" alter column "title" set default \'x\';',
  'create table "tag" ("id" int primary key); create index "tag_idx" on "tag" ("id"); alter table "tag" add column "n" int not null;',
  'begin; create index concurrently "post_title_idx" on "post" ("title"); commit;',
  "set lock_timeout = '2s'; alter table \"post\" add column \"note\" text;",
];

/**
 * Where the two disagree on purpose, keyed by corpus statement: squawk's rules we do not report
 * (`onlySquawk`) and ours it does not (`onlyOurs`), and why.
 */
const DIFFERENCES: Readonly<Record<string, { onlySquawk?: string[]; onlyOurs?: string[]; why: string }>> = {
  'create index concurrently "post_title_idx" on "post" ("title");': {
    onlySquawk: ['require-lock-timeout'],
    why: 'SHARE UPDATE EXCLUSIVE does not make writers wait, and a lock_timeout would abort a build that waits for old transactions',
  },
  'drop index concurrently "post_title_idx";': { onlySquawk: ['require-lock-timeout'], why: 'SHARE UPDATE EXCLUSIVE: writers do not wait' },
  'alter table "post" validate constraint "post_author_fk";': { onlySquawk: ['require-lock-timeout'], why: 'SHARE UPDATE EXCLUSIVE: writers do not wait' },
  'create table "tag" ("id" int primary key); create index "tag_idx" on "tag" ("id"); alter table "tag" add column "n" int not null;': {
    onlySquawk: ['adding-required-field', 'require-concurrent-index-creation', 'require-lock-timeout'],
    why: 'every statement is on a table created in the same script: it is empty and nobody else can hold or wait for its locks (squawk exempts it only inside an explicit transaction)',
  },
  'alter table "post" add column "n" serial;': {
    onlyOurs: ['adding-field-with-default'],
    why: 'a serial column fills every existing row from nextval(), a volatile default: the table is rewritten (squawk only suggests identity)',
  },
  'begin; create index concurrently "post_title_idx" on "post" ("title"); commit;': {
    onlySquawk: ['require-lock-timeout'],
    why: 'SHARE UPDATE EXCLUSIVE does not make writers wait (PostgreSQL refuses the statement anyway: CONCURRENT_IN_TRANSACTION)',
  },
};

const SQUAWK_VERSION = '2.66.0';

/** The squawk binary, installed (once) into `<tmpdir>/mikro-orm-alembic-squawk-<version>`. */
function installedSquawk(): string {
  const home = join(tmpdir(), `mikro-orm-alembic-squawk-${SQUAWK_VERSION}`);
  const bin = join(home, 'node_modules', '.bin', 'squawk');
  if (existsSync(bin)) return bin;
  const staging = mkdtempSync(join(tmpdir(), 'squawk-install-'));
  writeFileSync(join(staging, 'package.json'), JSON.stringify({ name: 'squawk-for-tests', private: true }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '-E', `squawk-cli@${SQUAWK_VERSION}`], { cwd: staging, stdio: 'pipe' });
  try {
    renameSync(staging, home);
  } catch {
    rmSync(staging, { recursive: true, force: true }); // installed meanwhile by another run
  }
  return bin;
}

describe('lint: parity with squawk on a corpus of statements', function () {
  this.timeout(180_000);
  let dir: string;
  let squawk: string;

  before(function () {
    this.timeout(300_000);
    squawk = installedSquawk();
    dir = mkdtempSync(join(tmpdir(), 'squawk-parity-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('squawk-cli runs here (its binary comes from the registry platform package)', () => {
    expect(execFileSync(squawk, ['--version'], { encoding: 'utf8' })).to.match(/^squawk \d+\.\d+/);
  });

  it('every rule maps to at least one squawk rule', () => {
    for (const rule of LINT_RULES) expect(rule.squawk.length, rule.code).to.be.greaterThan(0);
  });

  CORPUS.forEach((sql, i) => {
    it(`same findings as squawk, mapped: ${sql}`, async () => {
      const file = join(dir, `case${i}.sql`);
      writeFileSync(file, `${sql}\n`);
      let out: string;
      try {
        out = execFileSync(squawk, ['--reporter', 'json', file], { encoding: 'utf8' });
      } catch (error) {
        out = String((error as { stdout?: unknown }).stdout ?? ''); // squawk exits 1 when it finds something
      }
      const theirs = new Set((JSON.parse(out) as { rule_name: string }[]).map((v) => v.rule_name).filter((r) => SQUAWK_LOCK_RULES.has(r)));
      const findings = lintStatements(await parseSql(sql), { runnerLockTimeout: false });
      const ours = new Set<string>();
      for (const f of findings) {
        const rule = LINT_RULES.find((r) => r.code === f.code)!;
        // a rule that maps to several squawk rules matches whichever squawk reported (first one otherwise)
        const hits = rule.squawk.filter((s) => theirs.has(s));
        for (const s of hits.length > 0 ? hits : [rule.squawk[0]]) ours.add(s);
        // squawk reports a constraint added without `not valid` twice (its own rule and constraint-missing-not-valid)
        if (theirs.has('constraint-missing-not-valid') && ['VALIDATING_FOREIGN_KEY', 'VALIDATING_CHECK', 'BLOCKING_UNIQUE_CONSTRAINT'].includes(f.code)) {
          ours.add('constraint-missing-not-valid');
        }
      }
      const difference = DIFFERENCES[sql] ?? {};
      const onlySquawk = [...theirs].filter((r) => !ours.has(r)).sort();
      const onlyOurs = [...ours].filter((r) => !theirs.has(r)).sort();
      expect({ onlySquawk, onlyOurs }).to.deep.equal({ onlySquawk: [...(difference.onlySquawk ?? [])].sort(), onlyOurs: [...(difference.onlyOurs ?? [])].sort() });
    });
  });
});
