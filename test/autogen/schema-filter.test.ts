/** The `include`/`ignore` patterns of `alembic({...})`: what each kind of pattern matches. */
import { expect } from 'chai';
import { compileSchemaFilter, type SchemaObject } from '../../src/autogen';

const table = (name: string, schema = 'public'): SchemaObject => ({ type: 'table', schema, name, inDatabase: true, inModel: false });
const index = (t: string, name: string): SchemaObject => ({ type: 'index', schema: 'public', table: t, name, inDatabase: true, inModel: false });
const column = (t: string, name: string): SchemaObject => ({ type: 'column', schema: 'public', table: t, name, inDatabase: true, inModel: true });

describe('autogen: schema filter patterns', () => {
  it('keeps everything without patterns', () => {
    const keep = compileSchemaFilter({});
    expect([table('user'), index('user', 'x'), column('user', 'y')].map(keep)).to.deep.equal([true, true, true]);
  });

  it('ignore: bare names and globs are about tables, matched by name or schema.name; kinds by prefix', () => {
    const keep = compileSchemaFilter({ ignore: ['audit_*', 'gis.spatial_ref_sys', 'index:user_keep_?dx', 'column:user.legacy_*', /^tmp_/] });
    expect(keep(table('audit_log'))).to.equal(false);
    expect(keep(table('user'))).to.equal(true);
    expect(keep(table('spatial_ref_sys', 'gis'))).to.equal(false);
    expect(keep(table('spatial_ref_sys'))).to.equal(true);
    expect(keep(table('tmp_import'))).to.equal(false);
    expect(keep(index('user', 'user_keep_idx'))).to.equal(false);
    expect(keep(index('user', 'audit_idx')), 'a table pattern is not about indexes').to.equal(true);
    expect(keep(column('user', 'legacy_name'))).to.equal(false);
    expect(keep(column('post', 'legacy_name'))).to.equal(true);
  });

  it('include: only the kinds its patterns are about are restricted; ignore wins', () => {
    const keep = compileSchemaFilter({ include: ['billing_*'], ignore: ['billing_tmp'] });
    expect(keep(table('billing_invoice'))).to.equal(true);
    expect(keep(table('user'))).to.equal(false);
    expect(keep(table('billing_tmp'))).to.equal(false);
    expect(keep(index('user', 'anything')), 'indexes are not restricted by a table pattern').to.equal(true);
  });

  it('a function is asked about every kind, with what the database and the model have', () => {
    const seen: string[] = [];
    const keep = compileSchemaFilter({
      include: (o) => {
        seen.push(`${o.type}:${o.name}`);
        return !(o.inDatabase && !o.inModel && o.type === 'index');
      },
    });
    expect(keep(index('user', 'hand_made'))).to.equal(false);
    expect(keep(table('user'))).to.equal(true);
    expect(keep(column('user', 'name'))).to.equal(true);
    expect(seen).to.deep.equal(['index:hand_made', 'table:user', 'column:name']);
  });

  it('refuses an unknown kind and a value that is no pattern, naming the option', () => {
    expect(() => compileSchemaFilter({ ignore: ['view:x'] })).to.throw(TypeError, /ignore\[0\].*unknown kind in 'view:x'/);
    expect(() => compileSchemaFilter({ include: [42 as unknown as string] })).to.throw(TypeError, /include\[0\]/);
  });
});
