/**
 * One fan-out across two PostgreSQL servers: the machine's (DATABASE_URL, or the run's embedded one) and a
 * second embedded server started here, with database and schema targets on each. Starting a second server
 * costs a few seconds, so this is the only test that does it.
 */
import { expect } from 'chai';
import { createThrowawayDatabase, startEmbeddedServer, type EmbeddedServer, type ThrowawayDatabase } from '../../src/harness';
import { useTestDatabase } from '../support/database';
import { cliBuild } from '../cli/support/cli';
import { ALL, applied, createSchemas, fanoutProject, runCounts } from './support';

describe('fanout: two PostgreSQL servers', function () {
  this.timeout(180_000);
  const db = useTestDatabase({ prefix: 'mo_alembic_fanout_2srv' });
  let server: EmbeddedServer | undefined;
  let other: ThrowawayDatabase | undefined;

  before(async () => {
    cliBuild();
    server = await startEmbeddedServer();
    other = await createThrowawayDatabase(server.url, { prefix: 'mo_alembic_fanout_2srv' });
  });
  after(async () => {
    await other?.drop();
    await server?.stop();
  });

  it('brings databases and tenant schemas on both servers to head in one command, each reported with its server', async () => {
    const here = db.url;
    const there = (other as ThrowawayDatabase).url;
    const schemasHere = await createSchemas(here, 'h_', 4);
    const schemasThere = await createSchemas(there, 'o_', 4);
    const project = fanoutProject();
    const file = project.write(
      'targets.json',
      JSON.stringify([
        { name: 'here', url: here },
        { name: 'there', url: there },
        ...schemasHere.map((schema) => ({ url: here, schema })),
        ...schemasThere.map((schema) => ({ url: there, schema })),
      ]),
    );
    const r = await project.run(['upgrade', 'head', '--targets', file, '--concurrency', '4', '--json']);
    expect(r.code, r.stderr).to.equal(0);
    const report = JSON.parse(r.stdout) as { targets: { name: string; database: string; status: string; ran: string[] }[] };
    const port = (url: string) => new URL(url).port || '5432';
    expect(port(here)).not.to.equal(port(there));
    expect(report.targets.map((t) => [t.name, t.database.split('/')[0].split(':')[1], t.status])).to.deep.equal([
      ['here', port(here), 'ok'],
      ['there', port(there), 'ok'],
      ...schemasHere.map((s) => [s, port(here), 'ok']),
      ...schemasThere.map((s) => [s, port(there), 'ok']),
    ]);
    for (const url of [here, there]) expect(await applied(url)).to.deep.equal(ALL);
    for (const s of schemasHere) expect(await runCounts(here, s)).to.deep.equal(Object.fromEntries(ALL.map((id) => [id, 1])));
    for (const s of schemasThere) expect(await runCounts(there, s)).to.deep.equal(Object.fromEntries(ALL.map((id) => [id, 1])));
    // the same schema name on both servers would be two targets; here each server's tenants are its own
    for (const s of schemasThere) expect(await applied(here, s)).to.deep.equal([]);
  });
});
