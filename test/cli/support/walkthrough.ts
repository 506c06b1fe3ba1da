/**
 * The branch-and-merge walk-through: init, a first revision, two branches, heads, `upgrade head` refused,
 * `upgrade heads`, merge, a revision on the merge, upgrade, `history --graph`, `downgrade -1`, current, stamp. Shared by the test
 * (`walkthrough.test.ts`, which checks every step) and by the page generator (`docs/walkthrough.md`):
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx ts-node --transpile-only test/cli/support/walkthrough.ts > docs/walkthrough.md
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CliResult, TestProject } from './cli';

/** What the steps share: the ids of the revisions created so far, by name. */
export type WalkState = Record<string, string>;

/** One command of the walk-through. */
export interface WalkStep {
  /** A sentence shown before the command in the page. */
  readonly say: string;
  /** The arguments (may use the ids created so far). */
  readonly args: (state: WalkState) => string[];
  /** The exit code it must have. */
  readonly code: number;
  /** After the command: remember ids, edit the new revision's file. */
  readonly after?: (result: CliResult, state: WalkState, project: TestProject) => void;
}

/** Puts SQL into the blank up()/down() of the revision file whose id is `id`. */
export function fillRevision(project: TestProject, folder: string, id: string, up: string, down: string): void {
  const name = readdirSync(project.path(folder)).find((f) => f.startsWith(`${id}_`));
  if (!name) throw new Error(`no file for ${id}`);
  const file = join(project.path(folder), name);
  const text = readFileSync(file, 'utf8');
  const blank = '// this.addSql(`...`);';
  const first = text.indexOf(blank);
  const second = text.indexOf(blank, first + blank.length);
  if (first < 0 || second < 0) throw new Error(`${name} has no blank up()/down()`);
  writeFileSync(file, text.slice(0, first) + up + text.slice(first + blank.length, second) + down + text.slice(second + blank.length));
}

function created(result: CliResult): string {
  const match = /Created (?:merge )?revision (\w+)/.exec(result.stdout);
  if (!match) throw new Error(`no revision created: ${result.stdout}${result.stderr}`);
  return match[1];
}

/** The steps, in order. */
export const WALKTHROUGH: readonly WalkStep[] = [
  {
    say: 'Scaffold the migrations folder (like `alembic init`). It also tells graph commands where the folder is, in package.json.',
    args: () => ['init'],
    code: 0,
  },
  {
    say: 'The first revision. `revision` writes a blank revision on the head; fill in `up()` and `down()`.',
    args: () => ['revision', '-m', 'create users'],
    code: 0,
    after: (r, s, p) => {
      s.users = created(r);
      fillRevision(p, 'migrations', s.users, 'this.addSql(`create table "user" (id serial primary key, email text not null)`);', 'this.addSql(`drop table "user"`);');
    },
  },
  {
    say: 'A branch for billing, labelled `billing`, on top of it.',
    args: (s) => ['revision', '-m', 'create invoices', '--head', s.users, '--branch-label', 'billing'],
    code: 0,
    after: (r, s, p) => {
      s.invoices = created(r);
      fillRevision(
        p,
        'migrations',
        s.invoices,
        'this.addSql(`create table "invoice" (id serial primary key, user_id int not null references "user" (id))`);',
        'this.addSql(`drop table "invoice"`);',
      );
    },
  },
  {
    say: 'Meanwhile, someone else branched from the same revision (`--splice`: it is no longer a head).',
    args: (s) => ['revision', '-m', 'add user name', '--head', s.users, '--splice'],
    code: 0,
    after: (r, s, p) => {
      s.name = created(r);
      fillRevision(p, 'migrations', s.name, 'this.addSql(`alter table "user" add column "name" text`);', 'this.addSql(`alter table "user" drop column "name"`);');
    },
  },
  { say: 'Two heads now.', args: () => ['heads'], code: 0 },
  { say: '`upgrade head` refuses to guess, and changes nothing (exit code 1):', args: () => ['upgrade', 'head'], code: 1 },
  { say: '`upgrade heads` applies both branches.', args: () => ['upgrade', 'heads'], code: 0 },
  {
    say: 'Join the branches with a merge revision (default: all heads).',
    args: () => ['merge', '-m', 'merge billing and user name'],
    code: 0,
    after: (r, s) => {
      s.merge = created(r);
    },
  },
  {
    say: 'One head again. Build on it:',
    args: () => ['revision', '-m', 'add invoice number'],
    code: 0,
    after: (r, s, p) => {
      s.number = created(r);
      fillRevision(p, 'migrations', s.number, 'this.addSql(`alter table "invoice" add column "number" text`);', 'this.addSql(`alter table "invoice" drop column "number"`);');
    },
  },
  { say: 'Apply the merge and the new revision.', args: () => ['upgrade'], code: 0 },
  { say: 'The graph, with what the database has applied (`*`) and its current revision:', args: () => ['history', '--graph'], code: 0 },
  { say: 'Step back one revision.', args: () => ['downgrade', '-1'], code: 0 },
  { say: 'The database is at the merge revision now.', args: () => ['current'], code: 0 },
  {
    say: 'Say a DBA had already added the column by hand: record the head as applied without running it (`stamp`).',
    args: () => ['stamp', 'head'],
    code: 0,
  },
  { say: 'And the plain history, as `alembic history` prints it:', args: () => ['history', '--indicate-current'], code: 0 },
];

/** A fresh project for the walk-through: package.json, tsconfig.json, and a `mikro-orm.config.js` for `url`. */
export function walkthroughProject(url: string): TestProject {
  const project = new TestProject();
  project.writeConfig(url);
  return project;
}

/** Runs the walk-through and prints it as markdown (the page `docs/walkthrough.md`). */
async function main(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { acquireServer, createThrowawayDatabase } = require('../../../src/harness') as typeof import('../../../src/harness');
  const server = await acquireServer();
  const db = await createThrowawayDatabase(server.url, { prefix: 'mo_alembic_walk' });
  const lines: string[] = [
    '# Walk-through: branches and merges',
    '<!-- generated by test/cli/support/walkthrough.ts -->',
    '',
    'A real session (generated by `test/cli/support/walkthrough.ts`; the same steps are checked by',
    '`test/cli/walkthrough.test.ts`). The project has a `mikro-orm.config.ts` (here `.js`) with the',
    'connection, `ts-node` and `typescript` installed, and revisions in `migrations/`.',
    '',
  ];
  try {
    const project = walkthroughProject(db.url);
    const state: WalkState = {};
    for (const step of WALKTHROUGH) {
      const args = step.args(state);
      const result = await project.run(args, { env: { NO_COLOR: '1' } });
      if (result.code !== step.code) throw new Error(`${args.join(' ')}: exit ${result.code}\n${result.stdout}${result.stderr}`);
      step.after?.(result, state, project);
      const shown = args.map((a) => (/^[\w@:+.-]+$/.test(a) ? a : `"${a}"`)).join(' ');
      lines.push(step.say, '', '```console', `$ npx mikro-orm-alembic ${shown}`);
      const output = `${result.stdout}${result.stderr}`.replace(/\n+$/, '');
      if (output !== '') lines.push(output);
      if (result.code !== 0) lines.push(`$ echo $?`, String(result.code));
      lines.push('```', '');
    }
    const file = readdirSync(project.path('migrations')).find((f) => f.startsWith(`${state.invoices}_`)) as string;
    lines.push('The billing revision, as `revision` wrote it (and `up()`/`down()` filled in):', '', '```ts', readFileSync(project.path('migrations', file), 'utf8').trimEnd(), '```', '');
  } finally {
    await db.drop();
    await server.release();
  }
  process.stdout.write(`${lines.join('\n')}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
