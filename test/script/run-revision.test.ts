import { expect } from 'chai';
import {
  IrreversibleRevisionError,
  OfflineExecuteError,
  RevisionNotRunningError,
  RevisionStatementError,
} from '../../src/script/errors';
import { Revision } from '../../src/script/revision';
import { runRevision } from '../../src/script/run-revision';
import { RecordingContext, rejected, thrown } from './helpers';

class Steps extends Revision {
  override readonly revision = 'aaaa';
  override readonly downRevision = null;

  override async up(): Promise<void> {
    this.addSql('create type "role" as enum (\'a\')');
    this.addSql('alter type "role" add value $1', ['b']);
    await this.outsideTransaction(async () => {
      this.addSql('create index concurrently "i" on "t" ("c")');
      this.addSql('analyze "t"');
    });
    this.addSql('update "t" set "r" = \'b\'');
  }

  override async down(): Promise<void> {
    this.addSql('drop index "i"');
    const rows = await this.execute<{ n: number }>('select count(*) as n from "t"');
    this.addSql(`-- rows: ${rows.length}`);
  }
}

describe('script/run-revision', () => {
  it('runs queued statements in order, with their parameters', async () => {
    const ctx = new RecordingContext();
    await runRevision(new Steps(), 'up', ctx);
    expect(ctx.events).to.deep.equal([
      'create type "role" as enum (\'a\')',
      'alter type "role" add value $1',
      '<commit>',
      'create index concurrently "i" on "t" ("c")',
      'analyze "t"',
      '<begin>',
      'update "t" set "r" = \'b\'',
    ]);
    expect(ctx.params[1]).to.deep.equal(['b']);
    expect(ctx.params[0]).to.equal(undefined);
  });

  it('execute() runs what was queued, then its statement, and returns the rows', async () => {
    const ctx = new RecordingContext(false, undefined, [{ n: 3 }, { n: 4 }]);
    await runRevision(new Steps(), 'down', ctx);
    expect(ctx.events).to.deep.equal(['drop index "i"', 'select count(*) as n from "t"', '-- rows: 2']);
  });

  it('runs nothing until up() returns when only addSql() is used', async () => {
    const seen: number[] = [];
    const ctx = new RecordingContext();
    class Queued extends Revision {
      override readonly revision = 'q';
      override readonly downRevision = null;
      override up(): void {
        this.addSql('one');
        seen.push(ctx.events.length);
        this.addSql('two');
      }
    }
    await runRevision(new Queued(), 'up', ctx);
    expect(seen).to.deep.equal([0]);
    expect(ctx.events).to.deep.equal(['one', 'two']);
  });

  it('returns the block result from outsideTransaction, and runs a nested block inline', async () => {
    const ctx = new RecordingContext();
    let result: number | undefined;
    class Nested extends Revision {
      override readonly revision = 'n';
      override readonly downRevision = null;
      override async up(): Promise<void> {
        result = await this.outsideTransaction(async () => {
          this.addSql('a');
          return this.outsideTransaction(() => {
            this.addSql('b');
            return 42;
          });
        });
      }
    }
    await runRevision(new Nested(), 'up', ctx);
    expect(result).to.equal(42);
    expect(ctx.events).to.deep.equal(['<commit>', 'a', 'b', '<begin>']);
  });

  it('wraps a failing statement in RevisionStatementError with the revision, the SQL and the cause', async () => {
    const ctx = new RecordingContext(false, /concurrently/);
    const err = await rejected(runRevision(new Steps(), 'up', ctx));
    expect(err).to.be.instanceOf(RevisionStatementError);
    const e = err as RevisionStatementError;
    expect(e.code).to.equal('REVISION_STATEMENT_FAILED');
    expect(e).to.include({ revision: 'aaaa', direction: 'up', sql: 'create index concurrently "i" on "t" ("c")' });
    expect(e.message).to.equal('Revision aaaa up(): relation "missing" does not exist\n  statement: create index concurrently "i" on "t" ("c")');
    expect((e.cause as { code: string }).code).to.equal('42P01');
    // nothing after the failing statement ran
    expect(ctx.events).to.deep.equal([
      'create type "role" as enum (\'a\')',
      'alter type "role" add value $1',
      '<commit>',
      'create index concurrently "i" on "t" ("c")',
    ]);
  });

  it('keeps the parameters of a failing statement', async () => {
    const err = await rejected(runRevision(new Steps(), 'up', new RecordingContext(false, /add value/)));
    expect((err as RevisionStatementError).params).to.deep.equal(['b']);
  });

  it('an error thrown by up() passes through; statements queued before it do not run', async () => {
    const ctx = new RecordingContext();
    class Throws extends Revision {
      override readonly revision = 't';
      override readonly downRevision = null;
      override async up(): Promise<void> {
        this.addSql('never');
        throw new Error('boom');
      }
    }
    const err = await rejected(runRevision(new Throws(), 'up', ctx));
    expect(err.message).to.equal('boom');
    expect(ctx.events).to.deep.equal([]);
  });

  it('down() not implemented: IrreversibleRevisionError naming the revision', async () => {
    class OneWay extends Revision {
      override readonly revision = '1a2b3c4d5e6f';
      override readonly downRevision = null;
      override up(): void {}
    }
    const ctx = new RecordingContext();
    const err = await rejected(runRevision(new OneWay(), 'down', ctx));
    expect(err).to.be.instanceOf(IrreversibleRevisionError);
    expect(err.code).to.equal('IRREVERSIBLE');
    expect(err.message).to.equal('Revision 1a2b3c4d5e6f is irreversible: it does not implement down()');
    expect(ctx.events).to.deep.equal([]);
  });

  it('offline: addSql and outsideTransaction render; execute() is a typed error', async () => {
    const ctx = new RecordingContext(true);
    await runRevision(new Steps(), 'up', ctx);
    expect(ctx.events).to.have.length(7);
    const err = await rejected(runRevision(new Steps(), 'down', new RecordingContext(true)));
    expect(err).to.be.instanceOf(OfflineExecuteError);
    expect(err.code).to.equal('REVISION_OFFLINE_EXECUTE');
    expect(err.message).to.match(/^Revision aaaa reads data with execute\(\), so it cannot be rendered as offline SQL/);
  });

  it('addSql() outside a run is a typed error', () => {
    const err = thrown(() => new Steps().addSql('select 1'));
    expect(err).to.be.instanceOf(RevisionNotRunningError);
    expect(err.message).to.equal('Revision aaaa: addSql() was called while the revision is not running; run it with runRevision()');
  });

  it('refuses to run one instance twice at once, and runs it again afterwards', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    class Slow extends Revision {
      override readonly revision = 's';
      override readonly downRevision = null;
      override async up(): Promise<void> {
        this.addSql('x');
        await gate;
      }
    }
    const slow = new Slow();
    const ctx = new RecordingContext();
    const first = runRevision(slow, 'up', ctx);
    const err = await rejected(runRevision(slow, 'up', ctx));
    expect(err.code).to.equal('REVISION_NOT_RUNNING');
    release();
    await first;
    await runRevision(slow, 'up', ctx);
    expect(ctx.events).to.deep.equal(['x', 'x']);
  });

  it('discards what a failed outsideTransaction block queued', async () => {
    const ctx = new RecordingContext();
    class Recovers extends Revision {
      override readonly revision = 'r';
      override readonly downRevision = null;
      override async up(): Promise<void> {
        try {
          await this.outsideTransaction(async () => {
            this.addSql('in block');
            throw new Error('block failed');
          });
        } catch {
          this.addSql('after');
        }
      }
    }
    await runRevision(new Recovers(), 'up', ctx);
    expect(ctx.events).to.deep.equal(['<commit>', 'after']);
  });

  it('refuses an object that is not a Revision', async () => {
    const fake = { revision: 'f', up: async () => {} } as unknown as Revision;
    const err = await rejected(runRevision(fake, 'up', new RecordingContext()));
    expect(err.code).to.equal('REVISION_NOT_RUNNING');
    expect(err.message).to.contain('is not a Revision');
  });

  it('exposes the declared fields with their defaults', () => {
    const steps = new Steps();
    expect(steps).to.deep.include({ revision: 'aaaa', downRevision: null, branchLabels: [], dependsOn: [], transactional: true });
  });
});
