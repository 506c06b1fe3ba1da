/**
 * Every command README.md and docs/ show is run against the example app, or marked as an illustration, or
 * on a page a script generates (scripts/docs/shown-commands.ts says how a block claims which).
 */
import { expect } from 'chai';
import { allCommandBlocks, runBlock } from '../../scripts/docs/scenarios';
import { expandShown } from '../../scripts/docs/shown-commands';
import { cliBuild } from '../cli/support/cli';
import { createThrowawayDatabase } from '../../src/harness';
import { testServer } from '../support/database';

describe('docs: the commands README.md and docs/ show', function () {
  this.timeout(300_000);
  before(() => cliBuild());

  it('every block of commands says how it is kept true (docs-check, illustrative, or a generated page)', () => {
    const unclaimed = allCommandBlocks()
      .filter((b) => b.claim === null)
      .map((b) => `${b.page}:${b.line}: ${b.commands[0].text}`);
    expect(unclaimed, 'mark each block <!-- docs-check: NAME --> or <!-- illustrative: why -->').to.deep.equal([]);
  });

  it('splits alternatives and fills placeholders as the pages write them', () => {
    expect(expandShown('npx mikro-orm-alembic heads | show <rev>   # two commands', { rev: 'abc' })).to.deep.equal([
      'npx mikro-orm-alembic heads',
      'npx mikro-orm-alembic show abc',
    ]);
    expect(() => expandShown('npx mikro-orm-alembic show <rev>')).to.throw('no value for the placeholder <rev>');
  });

  for (const block of allCommandBlocks().filter((b) => b.claim?.kind === 'docs-check')) {
    it(`${block.page}:${block.line} (${block.claim?.value}) runs against the example app and prints what it shows`, async () => {
      // each block on a database of its own
      const database = await createThrowawayDatabase((await testServer()).url, { prefix: 'docs_commands' });
      try {
        const run = await runBlock(block, cliBuild(), database.url);
        expect(run.problems).to.deep.equal([]);
      } finally {
        await database.drop();
      }
    });
  }
});
