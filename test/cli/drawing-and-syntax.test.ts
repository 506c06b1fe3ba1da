/**
 * Pure pieces of the bin, in-process: the `history --graph` drawing, target syntax checks, colour rules.
 */
import { expect } from 'chai';
import { CliUsageError } from '../../src/cli/errors';
import { drawGraph } from '../../src/cli/graph-drawing';
import { colorEnabled } from '../../src/cli/output';
import { formatMs } from '../../src/cli/progress';
import { exitCodeOf } from '../../src/cli/report-error';
import { checkTargetSyntax, parseSqlRange } from '../../src/cli/target-syntax';
import { RevisionGraphError } from '../../src/graph/errors';

function draw(order: string[], parents: Record<string, string[]>): string[] {
  return drawGraph({ order, parents: (id) => parents[id] ?? [], node: () => '*', text: (id) => id });
}

describe('cli: history --graph drawing', () => {
  it('draws a chain as one lane', () => {
    expect(draw(['c', 'b', 'a'], { c: ['b'], b: ['a'] })).to.deep.equal(['* c', '* b', '* a']);
  });

  it('draws a merge and the branch point below it', () => {
    expect(draw(['m', 'b', 'a', 'base'], { m: ['a', 'b'], b: ['base'], a: ['base'] })).to.deep.equal([
      '* m',
      '|\\',
      '| * b',
      '* | a',
      '|/',
      '* base',
    ]);
  });

  it('opens a lane for each head and joins lanes waiting for the same revision', () => {
    expect(draw(['h1', 'h2', 'y', 'h3', 'x', 'r'], { h1: ['x'], h2: ['y'], y: ['x'], x: ['r'], h3: ['r'] })).to.deep.equal([
      '* h1',
      '| * h2',
      '| * y',
      '|/',
      '| * h3',
      '* | x',
      '|/',
      '* r',
    ]);
  });

  it('shifts lanes left when a base ends its lane, and draws several bases', () => {
    expect(draw(['a2', 'b2', 'a1', 'b1'], { a2: ['a1'], b2: ['b1'] })).to.deep.equal(['* a2', '| * b2', '* | a1', ' /', '* b1']);
  });

  it('moves an edge over several columns one step per row', () => {
    const rows = draw(['m', 'x', 'y', 'p', 'q'], { m: ['p', 'q'], x: ['q'], y: ['q'], p: ['q'] });
    expect(rows[0]).to.equal('* m');
    expect(rows[rows.length - 1]).to.equal('* q');
    for (const row of rows) expect(row).to.match(/^[*|/\\ a-z]*$/);
  });

  it('marks nodes and colours lanes through the callbacks', () => {
    const rows = drawGraph({
      order: ['b', 'a'],
      parents: (id) => (id === 'b' ? ['a'] : []),
      node: (id) => (id === 'a' ? '*' : 'o'),
      text: (id) => `<${id}>`,
      lane: (i, t) => `${i}${t}`,
    });
    expect(rows).to.deep.equal(['o <b>', '* <a>']);
  });
});

describe('cli: target syntax', () => {
  it('accepts what Alembic accepts', () => {
    for (const t of ['head', 'heads', 'base', 'ae10', 'ae1027a6acf2', '+2', '-1', 'billing@head', 'billing@-1', 'ae1027a6acf2+2', 'feature-x', 'x@ae10']) {
      expect(() => checkTargetSyntax(t, 'target'), t).not.to.throw();
    }
  });

  it('refuses white space, empty parts, several @, ranges and non-numeric steps', () => {
    for (const t of ['', 'a b', '@head', 'billing@', 'a@b@c', 'a:b', '+x', '-', 'billing@+y']) {
      expect(() => checkTargetSyntax(t, 'target'), t).to.throw(CliUsageError);
    }
  });

  it('parses offline ranges; a downgrade needs its start', () => {
    expect(parseSqlRange('head', 'upgrade')).to.deep.equal({ from: undefined, to: 'head' });
    expect(parseSqlRange('ae10:head', 'upgrade')).to.deep.equal({ from: 'ae10', to: 'head' });
    expect(parseSqlRange(':head', 'upgrade')).to.deep.equal({ from: undefined, to: 'head' });
    expect(parseSqlRange('head:-1', 'downgrade')).to.deep.equal({ from: 'head', to: '-1' });
    expect(() => parseSqlRange('base', 'downgrade')).to.throw(CliUsageError, 'needs a range');
    expect(() => parseSqlRange('a:', 'upgrade')).to.throw(CliUsageError, 'has no end');
    expect(() => parseSqlRange('a:b:c', 'upgrade')).to.throw(CliUsageError);
  });

  it('usage errors and invalid targets exit with 2, other failures with 1', () => {
    expect(exitCodeOf(new CliUsageError('x'))).to.equal(2);
    expect(exitCodeOf(new RevisionGraphError('INVALID_TARGET', 'x'))).to.equal(2);
    expect(exitCodeOf(new RevisionGraphError('MULTIPLE_HEADS', 'x'))).to.equal(1);
    expect(exitCodeOf(new Error('x'))).to.equal(1);
  });
});

describe('cli: colours and times', () => {
  it('colours only a terminal, never with NO_COLOR or --no-color, always with FORCE_COLOR', () => {
    const tty = { write: () => true, isTTY: true };
    const pipe = { write: () => true };
    expect(colorEnabled(tty, undefined, {})).to.equal(true);
    expect(colorEnabled(pipe, undefined, {})).to.equal(false);
    expect(colorEnabled(tty, undefined, { NO_COLOR: '1' })).to.equal(false);
    expect(colorEnabled(tty, false, {})).to.equal(false);
    expect(colorEnabled(tty, undefined, { TERM: 'dumb' })).to.equal(false);
    expect(colorEnabled(pipe, undefined, { FORCE_COLOR: '1' })).to.equal(true);
    expect(colorEnabled(pipe, undefined, { FORCE_COLOR: '0' })).to.equal(false);
  });

  it('formats durations', () => {
    expect(formatMs(12.4)).to.equal('12 ms');
    expect(formatMs(3456)).to.equal('3.5 s');
    expect(formatMs(125_000)).to.equal('2 min 5 s');
  });
});
