/**
 * Progress of long upgrades: a status line redrawn in place on a terminal, one line per revision otherwise.
 */
import { expect } from 'chai';
import { Output } from '../../src/cli/output';
import { RunProgressReporter } from '../../src/cli/progress';

function capture(isTTY: boolean) {
  const written: string[] = [];
  const stream = { isTTY, columns: 60, write: (text: string) => written.push(text) };
  return { output: new Output(stream, stream, { env: {} }), written };
}

describe('cli: upgrade progress', () => {
  it('on a terminal: one status line with n/total, the revision and the elapsed time, cleared at the end', () => {
    const { output, written } = capture(true);
    const progress = new RunProgressReporter(output, 'upgrade', (id) => `<base> -> ${id}, create a table with a rather long name that does not fit`);
    progress.start('1a2b3c4d5e6f', 0, 3);
    progress.done('1a2b3c4d5e6f', 12);
    progress.start('2b3c4d5e6f70', 1, 3);
    progress.start('3c4d5e6f7081', 2, 3);
    progress.finish();
    const plain = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '');
    expect(written[0].startsWith('\r\u001b[K')).to.equal(true);
    expect(plain(written[0])).to.match(/^\r\u001b\[Kupgrade \[1\/3\] <base> -> 1a2b3c4d5e6f, create .*… {2}\d+ ms$/);
    expect(written.some((w) => w.includes('[3/3]'))).to.equal(true);
    for (const line of written) expect(line).not.to.contain('\n');
    // one terminal row: the description is cut to the width
    expect(plain(written[0]).length - 4).to.be.at.most(60);
    expect(written[written.length - 1]).to.equal('\r\u001b[K');
    expect(progress.count).to.equal(1);
  });

  it('otherwise: a line per revision, started before it runs, ended with its time or "failed"', () => {
    const { output, written } = capture(false);
    const progress = new RunProgressReporter(output, 'downgrade', (id) => `${id} -> <base>`);
    progress.start('1a2b3c4d5e6f', 0, 2);
    progress.done('1a2b3c4d5e6f', 7.2);
    progress.start('2b3c4d5e6f70', 1, 2);
    progress.finish();
    expect(written.join('')).to.equal(
      'Running downgrade 1a2b3c4d5e6f -> <base> (1/2) ... 7 ms\nRunning downgrade 2b3c4d5e6f70 -> <base> (2/2) ... failed\n',
    );
  });
});
