import { expect } from 'chai';
import { isValidRevisionId, newRevisionId, slugify } from '../../src/script/revision-id';

describe('script/revision-id', () => {
  it('newRevisionId gives 12 lowercase hex characters, different each time', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newRevisionId()));
    expect(ids.size).to.equal(1000);
    for (const id of ids) expect(id).to.match(/^[0-9a-f]{12}$/);
  });

  it('isValidRevisionId accepts [0-9A-Za-z_]+ only', () => {
    for (const id of ['1a2b3c4d5e6f', 'init_schema', 'A', '_', '0']) expect(isValidRevisionId(id), id).to.equal(true);
    for (const id of ['', 'a-b', 'a b', 'é', 'a.b', 'a\n']) expect(isValidRevisionId(id), id).to.equal(false);
  });

  describe('slugify', () => {
    it('lowercases and turns runs of other characters into one _', () => {
      expect(slugify('Add user role')).to.equal('add_user_role');
      expect(slugify('  Add "user".role -- now!  ')).to.equal('add_user_role_now');
    });

    it('drops accents and symbols', () => {
      expect(slugify('Créer la table « Été »')).to.equal('creer_la_table_ete');
      expect(slugify('→ ✓')).to.equal('');
      expect(slugify('')).to.equal('');
    });

    it('cuts at 40 characters, at a word boundary when there is one', () => {
      const slug = slugify('add the nickname column to the user table and backfill it');
      expect(slug).to.equal('add_the_nickname_column_to_the_user');
      expect(slug.length).to.be.at.most(40);
      expect(slugify('x'.repeat(50))).to.equal('x'.repeat(40));
      expect(slugify(`${'a'.repeat(39)} b`)).to.equal('a'.repeat(39));
    });
  });
});
