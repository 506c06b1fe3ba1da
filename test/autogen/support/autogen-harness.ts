/**
 * Drives autogenerate the way a project does: entities -> `autogenerate` -> `writeRevision` into a
 * temp folder -> the real runtime (`MigrationEnvironment(...).runtime(url)`) loads the file through
 * ts-node and applies it.
 */
import 'reflect-metadata';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MikroORM, type Options } from '@mikro-orm/core';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { expect } from 'chai';
import { autogenerate, type AutogenOptions, type AutogenResult } from '../../../src/autogen';
import { MigrationEnvironment, type MigrationResult } from '../../../src/runtime';
import { writeRevision, type WrittenRevision } from '../../../src/script';
import { resetDatabase, schemaFingerprint, type SchemaFingerprint } from './schema-fingerprint';

/** The `importFrom` of generated test revisions: this checkout's script module (loaded through ts-node). */
export const SCRIPT_MODULE = resolve(__dirname, '../../../src/script');

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type EntityClass = Function;

/** Opens a PostgreSQL ORM on `url` for the given entity classes (no file access, no cache). */
export async function openOrm(url: string, entities: readonly EntityClass[], extra: Partial<Options> = {}): Promise<MikroORM> {
  return MikroORM.init({
    driver: PostgreSqlDriver,
    clientUrl: url,
    entities: [...entities],
    allowGlobalContext: true,
    debug: false,
    discovery: { disableDynamicFileAccess: true, warnWhenNoEntities: false },
    ...extra,
  } as Options);
}

/** What {@link AutogenHarness.generate} did. */
export interface Generated {
  readonly result: AutogenResult;
  /** The written revision, unless the result was empty. */
  readonly written?: WrittenRevision;
  /** The text of the written file. */
  readonly text?: string;
}

/**
 * A suite's harness on the suite's test database (its url is read when first needed, after the
 * database's own `before` hook), disposed after the suite.
 *
 * @example
 * ```ts
 * const db = useTestDatabase();
 * const h = useAutogenHarness(db);
 * it('...', async () => { await h.roundTrip([V1User], [V2User]); });
 * ```
 */
export function useAutogenHarness(db: { readonly url: string }, autogen?: AutogenOptions): AutogenHarness {
  const harness = new AutogenHarness(() => db.url, autogen === undefined ? {} : { autogen });
  after(() => harness.dispose());
  return harness;
}

/** One migrations folder and one database. */
export class AutogenHarness {
  private folder: string | undefined;

  constructor(
    private readonly database: string | (() => string),
    readonly options: { readonly autogen?: AutogenOptions; readonly versionTable?: { schema?: string; name?: string } } = {},
  ) {}

  /** The database's url. */
  get url(): string {
    return typeof this.database === 'string' ? this.database : this.database();
  }

  /** The migrations folder (a temp folder, made on first use). */
  get dir(): string {
    this.folder ??= mkdtempSync(join(tmpdir(), 'autogen-'));
    return this.folder;
  }

  /** An empty database and an empty folder. */
  async reset(): Promise<void> {
    rmSync(this.dir, { recursive: true, force: true });
    mkdirSync(this.dir);
    await resetDatabase(this.url);
  }

  dispose(): void {
    if (this.folder !== undefined) rmSync(this.folder, { recursive: true, force: true });
  }

  env(): MigrationEnvironment {
    return new MigrationEnvironment({ path: this.dir, preferTs: true, versionTable: this.options.versionTable });
  }

  /** Autogenerates against the database with `entities`; writes a revision when something differs. */
  async generate(entities: readonly EntityClass[], message: string, extra: Partial<Options> = {}): Promise<Generated> {
    const orm = await openOrm(this.url, entities, extra);
    try {
      const result = await autogenerate(orm, { versionTable: this.options.versionTable, ...this.options.autogen });
      if (result.empty) return { result };
      const written = writeRevision({
        directory: this.dir,
        heads: this.env().graph.heads,
        message,
        upBody: result.upBody,
        downBody: result.downBody,
        acknowledge: result.acknowledge,
        importFrom: SCRIPT_MODULE,
      });
      return { result, written, text: readFileSync(written.path, 'utf8') };
    } finally {
      await orm.close(true);
    }
  }

  /** Autogenerates without writing anything. */
  async diff(entities: readonly EntityClass[], extra: Partial<Options> = {}, options: AutogenOptions = {}): Promise<AutogenResult> {
    const orm = await openOrm(this.url, entities, extra);
    try {
      return await autogenerate(orm, { versionTable: this.options.versionTable, ...this.options.autogen, ...options });
    } finally {
      await orm.close(true);
    }
  }

  async upgrade(target = 'head'): Promise<MigrationResult> {
    return this.env().runtime(this.url).upgrade(target);
  }

  async downgrade(target = '-1'): Promise<MigrationResult> {
    return this.env().runtime(this.url).downgrade(target);
  }

  async fingerprint(): Promise<SchemaFingerprint> {
    const table = this.options.versionTable;
    return schemaFingerprint(this.url, [`${table?.schema ?? 'public'}.${table?.name ?? 'mikro_orm_alembic_version'}`]);
  }

  /**
   * The whole cycle for one model change, from an empty database: `before` generated and applied,
   * then `after` generated, applied, found up to date, downgraded (the schema must equal the one of
   * `before` exactly) and upgraded again (equal to the first upgrade). Returns what `after` generated.
   */
  async roundTrip(before: readonly EntityClass[] | null, after: readonly EntityClass[], extra: Partial<Options> = {}): Promise<Generated> {
    await this.reset();
    if (before !== null) {
      const first = await this.generate(before, 'before', extra);
      expect(first.result.empty, 'the first model differs from the empty database').to.equal(false);
      await this.upgrade();
      expect((await this.diff(before, extra)).summary, 'up to date after the first revision').to.equal('');
    }
    const fingerprintBefore = await this.fingerprint();
    const generated = await this.generate(after, 'after', extra);
    expect(generated.result.empty, 'the second model differs').to.equal(false);
    await this.upgrade();
    const fingerprintAfter = await this.fingerprint();
    expect((await this.diff(after, extra)).summary, 'up to date after the revision').to.equal('');
    await this.downgrade(before === null ? 'base' : '-1');
    expect(await this.fingerprint(), 'down restores the schema exactly').to.deep.equal(fingerprintBefore);
    if (before !== null) expect((await this.diff(before, extra)).summary, 'the first model is up to date again after down').to.equal('');
    await this.upgrade();
    expect(await this.fingerprint(), 're-up gives the same schema').to.deep.equal(fingerprintAfter);
    return generated;
  }
}
