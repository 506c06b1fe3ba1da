/**
 * The mocha helper on a branched chain written with the real writer: it must add one test per check
 * and one per revision for the stairway (visible in this file's own report), and they must pass.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeMerge, writeRevision } from '../../src/script';
import { describeMigrations } from '../../src/testing';
import { testServer } from '../support/database';

const dir = mkdtempSync(join(tmpdir(), 'mo-alembic-describe-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const common = { directory: dir, importFrom: resolve(__dirname, '../../src/script/revision'), createDate: new Date('2026-01-01T00:00:00Z') };
const sql = (...statements: string[]) => statements.map((s) => `this.addSql(${JSON.stringify(s)});`).join('\n');
const base = writeRevision({ ...common, heads: [], message: 'create item', revId: '0a0a0a0a0a01', upBody: sql('create table item (id serial primary key)'), downBody: sql('drop table item') });
const left = writeRevision({ ...common, heads: [base.id], message: 'add name', revId: '0a0a0a0a0a02', upBody: sql('alter table item add column name text'), downBody: sql('alter table item drop column name') });
const right = writeRevision({ ...common, heads: [left.id], head: base.id, splice: true, message: 'add price', revId: '0a0a0a0a0a03', upBody: sql('alter table item add column price int'), downBody: sql('alter table item drop column price') });
writeMerge({ ...common, heads: [left.id, right.id], revId: '0a0a0a0a0a04' });

describeMigrations('describeMigrations on a branched chain', {
  path: dir,
  serverUrl: async () => (await testServer()).url,
});
