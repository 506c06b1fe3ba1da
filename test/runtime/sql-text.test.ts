import { expect } from 'chai';
import { inlineParams, quoteIdent, quoteLiteral, terminateStatement, VersionTable } from '../../src/runtime';
import { OfflineChannel } from '../../src/runtime/offline-channel';
import { isSingleCommand } from '../../src/runtime/sql-text';
import { connect, useFreshDatabases } from './support/helpers';

describe('runtime: SQL text', function () {
  it('tells single commands (sent together in one message) from anything else', () => {
    expect(isSingleCommand('create table t (id int)')).to.equal(true);
    expect(isSingleCommand('create table t (id int);  \n')).to.equal(true);
    expect(isSingleCommand('-- why\ncreate table t (id int) -- trailing')).to.equal(true);
    expect(isSingleCommand('select 1; select 2')).to.equal(false);
    expect(isSingleCommand("do $$ begin perform 1; end $$")).to.equal(false);
    expect(isSingleCommand("insert into t values ('a;b')")).to.equal(false); // conservative: runs alone
    expect(isSingleCommand('-- only a comment')).to.equal(false);
    expect(isSingleCommand('/* only */ ;')).to.equal(false);
    expect(isSingleCommand('   ')).to.equal(false);
    expect(isSingleCommand('')).to.equal(false);
    expect(isSingleCommand('\n\tselect 1\n')).to.equal(true);
    expect(isSingleCommand('select 1 /* note */')).to.equal(true);
    expect(isSingleCommand('select 1 - 2')).to.equal(true);
    expect(isSingleCommand('select 4 / 2')).to.equal(true);
  });

  it('an offline script of many thousand lines is every line once, in order, with one final newline', async () => {
    const channel = new OfflineChannel();
    const expected: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      await channel.begin();
      await channel.commit([`select ${i}`]);
      expected.push('BEGIN;', `select ${i};`, 'COMMIT;');
      if (i % 997 === 0) {
        channel.comment(`step ${i}\nsecond line`);
        channel.blank();
        expected.push(`-- step ${i}`, '-- second line', '');
      }
    }
    const text = channel.text();
    expect(text).to.equal(`${expected.join('\n')}\n`);
    expect(channel.text(), 'asking again changes nothing').to.equal(text);
    expect(new OfflineChannel().text()).to.equal('');
  });

  it('quotes identifiers always, doubling quotes', () => {
    expect(quoteIdent('public')).to.equal('"public"');
    expect(quoteIdent('My "odd" Name')).to.equal('"My ""odd"" Name"');
    expect(() => quoteIdent('')).to.throw(TypeError);
    expect(new VersionTable({ schema: 'a"b', name: 'x.y' }).qualifiedName).to.equal('"a""b"."x.y"');
  });

  it('renders literals the way pg sends parameters', () => {
    expect(quoteLiteral(null)).to.equal('NULL');
    expect(quoteLiteral(undefined)).to.equal('NULL');
    expect(quoteLiteral("it's")).to.equal("'it''s'");
    expect(quoteLiteral('a\\b')).to.equal("E'a\\\\b'");
    expect(quoteLiteral(42)).to.equal("'42'");
    expect(quoteLiteral(true)).to.equal("'true'");
    expect(quoteLiteral(10n)).to.equal("'10'");
    expect(quoteLiteral({ a: "x'y" })).to.equal(`'{"a":"x''y"}'`);
    expect(quoteLiteral([1, 'two', null])).to.equal(`'{"1","two",NULL}'`);
    expect(quoteLiteral(Buffer.from([0xde, 0xad]))).to.equal("E'\\\\xdead'");
    expect(() => quoteLiteral('nul\0')).to.throw(TypeError);
  });

  it('inlines $n outside strings, quoted names, dollar quotes and comments', () => {
    expect(inlineParams('select $1, $2', ['a', null])).to.equal("select 'a', NULL");
    expect(inlineParams("select '$1', \"$1\", $1 -- $1\n/* $1 */ $2", ['x', 'y'])).to.equal(
      "select '$1', \"$1\", 'x' -- $1\n/* $1 */ 'y'",
    );
    expect(inlineParams("select E'\\'$1', $1", ['v'])).to.equal("select E'\\'$1', 'v'");
    expect(inlineParams('select $$ $1 $$, $tag$ $1 $tag$, $1', ['v'])).to.equal("select $$ $1 $$, $tag$ $1 $tag$, 'v'");
    expect(inlineParams('select $10, $1', Array.from({ length: 10 }, (_, i) => i + 1))).to.equal("select '10', '1'");
    expect(() => inlineParams('select $2', ['only one'])).to.throw(RangeError);
    expect(inlineParams('select $1', [])).to.equal('select $1');
  });

  it('terminates statements without letting a trailing comment swallow the semicolon', () => {
    expect(terminateStatement('select 1')).to.equal('select 1;');
    expect(terminateStatement('select 1;  \n')).to.equal('select 1;');
    expect(terminateStatement('select 1 -- note')).to.equal('select 1 -- note\n;');
  });

  describe('against PostgreSQL', function () {
    const dbs = useFreshDatabases();

    it('stores the same values from inlined literals as from parameters', async () => {
      const url = await dbs.fresh();
      const client = await connect(url);
      try {
        await client.query(
          'create table v (t text, n numeric, i int, b boolean, j jsonb, a text[], ts timestamptz, by bytea, u text)',
        );
        const values: unknown[] = [
          "quote ' backslash \\ dollar $1 -- not a comment",
          '12345678901234567890.5',
          42,
          false,
          { k: ["x'y", 1] },
          ['a', 'b "c"', null],
          new Date('2024-02-29T12:34:56.789Z'),
          Buffer.from([0, 1, 254, 255]),
          null,
        ];
        const insert = 'insert into v values ($1, $2, $3, $4, $5, $6, $7, $8, $9)';
        await client.query(insert, values);
        await client.query(inlineParams(insert, values));
        await client.query('set standard_conforming_strings = off');
        await client.query(inlineParams(insert, values));
        const rows = (await client.query('select t, n::text, i, b, j, a, ts, encode(by, \'hex\') as by, u from v')).rows;
        expect(rows).to.have.length(3);
        expect(rows[1]).to.deep.equal(rows[0]);
        expect(rows[2]).to.deep.equal(rows[0]);
        expect(rows[0].t).to.equal(values[0]);
        expect(rows[0].by).to.equal('0001feff');
        expect(rows[0].ts.toISOString()).to.equal('2024-02-29T12:34:56.789Z');
      } finally {
        await client.end();
      }
    });
  });
});
