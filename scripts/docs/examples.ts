/**
 * Examples in README.md and docs/*.md that are copies of the example app's files, so that they cannot drift
 * from what the plugin wrote.
 *
 * A fenced block right after a marker line
 *
 *     <!-- example: migrations/555d97e085ce_add_the_role_of_users.ts -->
 *
 * holds that file, as a user's project would have it: the example app's imports of the package's sources
 * (`'../src'`, `'./src'`) read `'mikro-orm-alembic'`.
 *
 *     npm run docs:examples            # rewrite the blocks from the files
 *     npm run docs:examples -- --check # exit 1, naming each stale block (the test suite runs this check)
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const MARKER = /^<!-- example: (\S+) -->$/;

/** One marked block of a page. */
export interface ExampleBlock {
  /** The page, relative to the repository root. */
  readonly page: string;
  /** The 1-based line of the marker. */
  readonly line: number;
  /** The example file, relative to the repository root. */
  readonly file: string;
  /** What the block holds now. */
  readonly current: string;
  /** What it should hold. */
  readonly expected: string;
}

/** The pages that may hold examples: README.md and docs/*.md. */
export function pages(root = ROOT): string[] {
  const docs = readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => join(root, 'docs', name));
  return [join(root, 'README.md'), ...docs];
}

/** A file of the example app as it reads in a user's project. */
export function asInUserProject(text: string): string {
  return text.replace(/from '\.\.?\/src'/g, "from 'mikro-orm-alembic'");
}

/** Every marked block of one page. Throws, naming the page and line, on a marker without a fenced block. */
export function examplesOf(page: string, root = ROOT): ExampleBlock[] {
  const lines = readFileSync(page, 'utf8').split('\n');
  const blocks: ExampleBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const marker = MARKER.exec(lines[i]);
    if (marker === null) continue;
    const where = `${relative(root, page)}:${i + 1}`;
    if (!lines[i + 1]?.startsWith('```')) throw new Error(`${where}: an example marker must be followed by a fenced block`);
    const end = lines.findIndex((line, k) => k > i + 1 && line === '```');
    if (end < 0) throw new Error(`${where}: the example's fenced block is not closed`);
    const file = marker[1];
    blocks.push({
      page: relative(root, page),
      line: i + 1,
      file,
      current: lines.slice(i + 2, end).join('\n'),
      expected: asInUserProject(readFileSync(join(root, file), 'utf8')).replace(/\n$/, ''),
    });
  }
  return blocks;
}

/** Rewrites the stale blocks of every page; returns the blocks it rewrote. */
export function writeExamples(root = ROOT): ExampleBlock[] {
  const rewritten: ExampleBlock[] = [];
  for (const page of pages(root)) {
    const stale = examplesOf(page, root).filter((b) => b.current !== b.expected);
    if (stale.length === 0) continue;
    const lines = readFileSync(page, 'utf8').split('\n');
    // from the last block up, so that earlier line numbers stay valid
    for (const block of [...stale].reverse()) {
      const end = lines.findIndex((line, k) => k > block.line && line === '```');
      lines.splice(block.line + 1, end - block.line - 1, ...block.expected.split('\n'));
    }
    writeFileSync(page, lines.join('\n'));
    rewritten.push(...stale);
  }
  return rewritten;
}

/** The stale blocks of every page. */
export function staleExamples(root = ROOT): ExampleBlock[] {
  return pages(root).flatMap((page) => examplesOf(page, root).filter((b) => b.current !== b.expected));
}

if (require.main === module) {
  if (process.argv.includes('--check')) {
    const stale = staleExamples();
    for (const b of stale) process.stderr.write(`${b.page}:${b.line}: the copy of ${b.file} is stale (npm run docs:examples)\n`);
    process.exitCode = stale.length === 0 ? 0 : 1;
  } else {
    for (const b of writeExamples()) process.stdout.write(`${b.page}:${b.line}: ${b.file}\n`);
  }
}
