import { expect } from 'chai';
import { mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { RevisionGraph } from '../../src/graph/revision-graph';
import { renderOfflineSql } from '../../src/runtime/offline-sql';
import { scriptDirectorySource } from '../../src/runtime/script-source';
import { HeaderCache } from '../../src/script/header-cache';
import { readRevisionHeader } from '../../src/script/header-reader';
import { ScriptDirectory } from '../../src/script/script-directory';
import { sourceDigest } from '../../src/script/source-digest';
import { removeTempDirs, revisionSource, SCRIPT_MODULE, tempDir } from './helpers';

/** A project folder with node_modules (where the cache lives) and a migrations folder of `n` revisions. */
function project(n: number): { root: string; folder: string } {
  const root = tempDir();
  mkdirSync(join(root, 'node_modules'));
  const folder = join(root, 'migrations');
  mkdirSync(folder);
  for (let i = 0; i < n; i++) {
    const id = `a${String(i).padStart(11, '0')}`;
    const down = i === 0 ? undefined : `'a${String(i - 1).padStart(11, '0')}'`;
    writeFileSync(join(folder, `${id}_step.ts`), revisionSource({ id, down, header: `/**\n * step ${i}\n * second line\n *\n * Revision ID: ${id}\n * Create Date: 2026-01-01\n */\n` }));
  }
  return { root, folder };
}

/** The cache files written under the project's node_modules. */
function cacheFiles(root: string): string[] {
  const dir = join(root, 'node_modules', '.cache', 'mikro-orm-alembic');
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** A cache file's content, as written. */
function stored(file: string): Record<string, unknown> & { names: string[] } {
  return deserialize(readFileSync(file)) as Record<string, unknown> & { names: string[] };
}

/** Waits past the current millisecond: a file changed before is then not racy, even at `racyMs: 0` (its ctime has sub-millisecond digits). */
function laterMillisecond(): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
}

describe('header cache (script/header-cache)', () => {
  after(removeTempDirs);

  it('reads the same scripts with and without the cache, and never keeps a file changed in the last seconds', () => {
    const { root, folder } = project(5);
    const plain = ScriptDirectory.read({ path: folder, preferTs: true, headerCache: false });
    expect(ScriptDirectory.read({ path: folder, preferTs: true }).scripts).to.deep.equal(plain.scripts);
    expect(cacheFiles(root), 'a small folder gets no cache by default').to.have.length(0);
    const first = ScriptDirectory.read({ path: folder, preferTs: true, headerCache: true });
    expect(first.scripts).to.deep.equal(plain.scripts);
    expect(cacheFiles(root)).to.have.length(1);
    const written = stored(join(root, 'node_modules/.cache/mikro-orm-alembic', cacheFiles(root)[0]));
    expect(written.names, 'files written just now are racy: not kept').to.have.length(0);
    // an edit of the same size, at once: read again (nothing stale)
    const path = join(folder, 'a00000000002_step.ts');
    writeFileSync(path, readFileSync(path, 'utf8').replace('step 2', 'step X'));
    const second = ScriptDirectory.read({ path: folder, preferTs: true, headerCache: true });
    expect(second.scripts[2].message).to.equal('step X\nsecond line');
    expect(second.scripts).to.deep.equal(ScriptDirectory.read({ path: folder, preferTs: true, headerCache: false }).scripts);
  });

  it('answers a stored header only while size, inode, mtime and ctime are unchanged; survives a save and reload', () => {
    const { folder } = project(2);
    const name = 'a00000000001_step.ts';
    const path = join(folder, name);
    const header = readRevisionHeader(readFileSync(path, 'utf8'), name);
    const cache = HeaderCache.open(folder, { racyMs: 0 })!;
    const stat = statSync(path);
    expect(cache.get(name, stat)).to.equal(undefined);
    cache.put(name, stat, header);
    cache.save();

    const reopened = HeaderCache.open(folder, { racyMs: 0 })!;
    expect(reopened.get(name, statSync(path))).to.deep.equal(header);
    expect(Object.isFrozen(reopened.get(name, statSync(path)))).to.equal(true);
    // a changed mtime (touch), size or ctime: no answer
    utimesSync(path, new Date(2000, 0, 1), new Date(2000, 0, 1));
    expect(HeaderCache.open(folder, { racyMs: 0 })!.get(name, statSync(path))).to.equal(undefined);
    writeFileSync(path, `${readFileSync(path, 'utf8')}\n`);
    expect(HeaderCache.open(folder, { racyMs: 0 })!.get(name, statSync(path))).to.equal(undefined);
    // the default margin refuses a file changed a moment ago
    const strict = HeaderCache.open(folder)!;
    strict.put(name, statSync(path), header);
    strict.save();
    expect(HeaderCache.open(folder, { racyMs: 0 })!.get(name, statSync(path))).to.equal(undefined);
  });

  it('gives back every field as read (merges, labels, dependencies, replaces, transactional, no header), asked in any order', () => {
    const { folder } = project(0);
    const files: Record<string, Parameters<typeof revisionSource>[0]> = {
      'b0_base.ts': { id: 'b0', header: null },
      'b1_labelled.ts': { id: 'b1', down: "'b0'", extra: "  override readonly branchLabels = ['feature/x, y', 'z'];\n  override readonly transactional = false;\n" },
      'b2_depends.ts': { id: 'b2', down: "'b0'", extra: "  override readonly dependsOn = ['b1'];\n", header: '/**\n * two\n * lines, and "quotes" \\ too\n *\n * Revision ID: b2\n */\n' },
      'b3_merge.ts': { id: 'b3', down: "['b1', 'b2']", header: '/**\n * merge\n *\n * Revision ID: b3\n * Revises: b1, b2\n * Create Date: 2026-12-03 10:00\n */\n' },
      'b4_squash.ts': { id: 'b4', down: "'b3'", extra: "  override readonly replaces = ['c1', 'c2'];\n" },
    };
    for (const [name, fields] of Object.entries(files)) writeFileSync(join(folder, name), revisionSource(fields));
    const names = Object.keys(files);
    const read = names.map((name) => readRevisionHeader(readFileSync(join(folder, name), 'utf8'), name));
    const cache = HeaderCache.open(folder, { racyMs: 0 })!;
    names.forEach((name, i) => cache.put(name, statSync(join(folder, name)), read[i]));
    cache.save();
    const reopened = HeaderCache.open(folder, { racyMs: 0 })!;
    for (const i of [4, 0, 3, 1, 2]) {
      const header = reopened.get(names[i], statSync(join(folder, names[i])));
      expect(header, names[i]).to.deep.equal(read[i]);
      expect(Object.isFrozen(header!.branchLabels) && Object.isFrozen(header!.downRevisions) && Object.isFrozen(header!.replaces)).to.equal(true);
    }
    expect(reopened.get('b9_absent.ts', statSync(join(folder, names[0])))).to.equal(undefined);
  });

  it('keeps what a run used or read, in file-name order: a file gone is dropped, an edited one stored anew', () => {
    const { root, folder } = project(4);
    const names = readdirSync(folder).sort();
    const headerOf = (name: string) => readRevisionHeader(readFileSync(join(folder, name), 'utf8'), name);
    laterMillisecond();
    const first = HeaderCache.open(folder, { racyMs: 0 })!;
    for (const name of [...names].reverse()) first.put(name, statSync(join(folder, name)), headerOf(name));
    first.save();
    const file = join(root, 'node_modules/.cache/mikro-orm-alembic', cacheFiles(root)[0]);
    expect(stored(file).names).to.deep.equal(names);

    writeFileSync(join(folder, names[1]), readFileSync(join(folder, names[1]), 'utf8').replace('step 1', 'step one'));
    laterMillisecond();
    const second = HeaderCache.open(folder, { racyMs: 0 })!;
    for (const name of [names[0], names[1], names[3]]) {
      const stat = statSync(join(folder, name));
      if (second.get(name, stat) === undefined) second.put(name, stat, headerOf(name));
    }
    second.save();
    expect(stored(file).names).to.deep.equal([names[0], names[1], names[3]]);
    const third = HeaderCache.open(folder, { racyMs: 0 })!;
    expect(third.get(names[1], statSync(join(folder, names[1])))?.message).to.equal('step one\nsecond line');
    expect(third.get(names[3], statSync(join(folder, names[3])))).to.deep.equal(headerOf(names[3]));
    expect(third.get(names[2], statSync(join(folder, names[2])))).to.equal(undefined);
  });

  it('a cache written by another reader, another folder or garbage is ignored; MIKRO_ORM_ALEMBIC_HEADER_CACHE=0 and no node_modules turn it off', () => {
    const { root, folder } = project(1);
    const name = 'a00000000000_step.ts';
    const path = join(folder, name);
    const cache = HeaderCache.open(folder, { racyMs: 0 })!;
    cache.put(name, statSync(path), readRevisionHeader(readFileSync(path, 'utf8'), name));
    cache.save();
    const file = join(root, 'node_modules/.cache/mikro-orm-alembic', cacheFiles(root)[0]);
    const good = stored(file);
    const bads = [
      { ...good, reader: 'other' },
      { ...good, folder: '/elsewhere' },
      { ...good, v8: '1.0' },
      { ...good, format: 2 },
      { ...good, transactional: 'y' },
      { ...good, stats: [...(good.stats as Float64Array)] },
      { ...good, ids: [1] },
    ];
    for (const bad of [...bads.map((b) => serialize(b)), Buffer.from('{not serialized'), Buffer.alloc(0)]) {
      writeFileSync(file, bad);
      expect(HeaderCache.open(folder, { racyMs: 0 })!.get(name, statSync(path))).to.equal(undefined);
    }
    const saved = process.env.MIKRO_ORM_ALEMBIC_HEADER_CACHE;
    process.env.MIKRO_ORM_ALEMBIC_HEADER_CACHE = '0';
    try {
      expect(HeaderCache.open(folder)).to.equal(null);
    } finally {
      if (saved === undefined) delete process.env.MIKRO_ORM_ALEMBIC_HEADER_CACHE;
      else process.env.MIKRO_ORM_ALEMBIC_HEADER_CACHE = saved;
    }
    const bare = tempDir(); // no node_modules above (tmpdir)
    expect(HeaderCache.open(bare)).to.equal(null);
  });

  it('with the cache, discovery lists names alone and tells files by their stat: a folder, a FIFO or a link to a folder named as a revision is treated as without the cache', () => {
    const { folder } = project(3);
    mkdirSync(join(folder, 'b00000000000_folder.ts')); // a folder named as a revision: not read
    execFileSync('mkfifo', [join(folder, 'b00000000001_fifo.ts')]); // a FIFO: not read (reading it would block)
    writeFileSync(join(folder, 'c00000000000_pick.js'), revisionSource({ id: 'c00000000000' }));
    mkdirSync(join(folder, 'c00000000000_pick.ts')); // preferTs: the .ts name is a folder, so the .js file is the revision
    const elsewhere = join(tempDir(), 'd00000000000_link.ts');
    writeFileSync(elsewhere, revisionSource({ id: 'd00000000000' }));
    symlinkSync(elsewhere, join(folder, 'd00000000000_link.ts')); // a link to a file: read
    for (const keepScans of [false, true]) {
      const plain = ScriptDirectory.read({ path: folder, preferTs: true, headerCache: false, keepScans }).scripts;
      expect(plain.map((s) => s.fileName)).to.deep.equal(['a00000000000_step.ts', 'a00000000001_step.ts', 'a00000000002_step.ts', 'c00000000000_pick.js', 'd00000000000_link.ts']);
      for (let run = 0; run < 2; run++) expect(ScriptDirectory.read({ path: folder, preferTs: true, headerCache: true, keepScans }).scripts, `keepScans ${keepScans}, run ${run}`).to.deep.equal(plain);
    }
    // a link to a folder is listed as a link, as without the cache: reading it fails the same way
    symlinkSync(join(folder, 'b00000000000_folder.ts'), join(folder, 'e00000000000_link.ts'));
    for (const headerCache of [false, true]) {
      expect(() => ScriptDirectory.read({ path: folder, preferTs: true, headerCache }), `headerCache ${headerCache}`).to.throw(/EISDIR/);
    }
  });

  describe('with scans (discovery keeping what every revision will load)', () => {
    /** Two static revisions and one whose statement is computed (not static), in a project folder. */
    function scannedProject(): { root: string; folder: string; names: string[] } {
      const { root, folder } = project(0);
      const files: Record<string, string> = {
        'c0_first.ts': revisionSource({ id: 'c0', importFrom: SCRIPT_MODULE, body: "    this.addSql('select 1');\n    this.addSql(`select\n  2`);\n" }),
        'c1_computed.ts': revisionSource({ id: 'c1', down: "'c0'", importFrom: SCRIPT_MODULE, body: "    const table = 'one';\n    this.addSql(`select * from ${table}`);\n" }),
        'c2_last.ts': revisionSource({ id: 'c2', down: "'c1'", importFrom: SCRIPT_MODULE, body: "    this.addSql('select 3');\n" }),
      };
      for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
      return { root, folder, names: Object.keys(files) };
    }
    const read = (folder: string, options: { keepScans: boolean; headerCache: boolean }) => ScriptDirectory.read({ path: folder, preferTs: true, ...options });

    /** Stores what discovery without a cache kept, as a run older than the racy margin would have. */
    function fill(folder: string): void {
      const plain = read(folder, { keepScans: true, headerCache: false });
      const cache = HeaderCache.open(folder, { racyMs: 0, scans: true })!;
      for (const script of plain.scripts) cache.put(script.fileName, statSync(script.path), script, plain.takeFile(script) ?? null);
      cache.save();
    }

    it('hands out the stored scan of an unchanged file (not read again) and reads an edited one; offline SQL is the same', async () => {
      const { root, folder, names } = scannedProject();
      laterMillisecond();
      fill(folder);
      expect(cacheFiles(root).map((f) => f.replace(/-[0-9a-f]+\.v8$/, ''))).to.deep.equal(['scans']);

      const plain = read(folder, { keepScans: true, headerCache: false });
      const cached = read(folder, { keepScans: true, headerCache: true });
      expect(cached.scripts).to.deep.equal(plain.scripts);
      cached.scripts.forEach((script, i) => expect(cached.takeFile(script), script.fileName).to.deep.equal(plain.takeFile(plain.scripts[i])));
      const first = read(folder, { keepScans: true, headerCache: true });
      expect(first.takeFile(first.scripts[0])).to.deep.include({ sourceDigest: sourceDigest(readFileSync(join(folder, names[0]), 'utf8')) });
      expect(first.takeFile(first.scripts[1]), 'a file that is not static: nothing kept, its module loads').to.equal(undefined);

      const plan = new RevisionGraph(plain.scripts.map((s) => ({ id: s.id, downRevisions: s.downRevisions, branchLabels: [], dependsOn: [] }))).planUpgrade([], 'head');
      const expected = await renderOfflineSql(plan, scriptDirectorySource(read(folder, { keepScans: false, headerCache: false })));
      expect(expected).to.include('select * from one;').and.include('select\n  2;');
      expect(await renderOfflineSql(plan, scriptDirectorySource(read(folder, { keepScans: true, headerCache: true })))).to.equal(expected);

      // what is stored is what an unchanged file gives, unread: a forged entry shows it
      const path = join(folder, names[2]);
      const forge = HeaderCache.open(folder, { racyMs: 0, scans: true })!;
      const stored = forge.getScanned(names[2], statSync(path))!;
      expect(stored.scan?.staticBody.up).to.deep.equal(['select 3']);
      forge.put(names[2], statSync(path), stored.header, { staticBody: { ...stored.scan!.staticBody, up: ['select forged'] }, sourceDigest: stored.scan!.sourceDigest });
      forge.save();
      const forged = read(folder, { keepScans: true, headerCache: true });
      expect(forged.takeFile(forged.scripts[2])?.staticBody.up).to.deep.equal(['select forged']);
      // an edit of the same size, at once: read and scanned again
      const edited = readFileSync(path, 'utf8').replace('select 3', 'select 4');
      writeFileSync(path, edited);
      const after = read(folder, { keepScans: true, headerCache: true });
      expect(after.takeFile(after.scripts[2])).to.deep.include({ sourceDigest: sourceDigest(edited) });
      const next = read(folder, { keepScans: true, headerCache: true }); // the edit is racy: not stored, read again
      expect(next.takeFile(next.scripts[2])?.staticBody.up).to.deep.equal(['select 4']);
    });

    it('is a file of its own, next to the header-only cache; one that is not written by this code is ignored', () => {
      const { root, folder, names } = scannedProject();
      laterMillisecond();
      fill(folder);
      const headers = HeaderCache.open(folder, { racyMs: 0 })!;
      for (const name of names) headers.put(name, statSync(join(folder, name)), readRevisionHeader(readFileSync(join(folder, name), 'utf8'), name));
      headers.save();
      expect(cacheFiles(root).map((f) => f.replace(/-[0-9a-f]+\.v8$/, '')).sort()).to.deep.equal(['headers', 'scans']);
      const path = join(folder, names[0]);
      expect(HeaderCache.open(folder, { scans: true })!.getScanned(names[0], statSync(path))?.scan?.staticBody.up).to.deep.equal(['select 1', 'select\n  2']);
      expect(() => headers.getScanned(names[0], statSync(path))).to.throw(/without scans/);

      const file = join(root, 'node_modules/.cache/mikro-orm-alembic', cacheFiles(root).find((f) => f.startsWith('scans-'))!);
      const good = stored(file);
      const scans = good.scans as unknown[][];
      for (const bad of [{ ...good, scans: [['x', ...scans[0]], ...scans.slice(1)] }, { ...good, scans: [] }, { ...good, scans: [[...scans[0].slice(0, 4), 'x'], ...scans.slice(1)] }, { ...good, reader: 'other' }]) {
        writeFileSync(file, serialize(bad));
        expect(HeaderCache.open(folder, { scans: true })!.getScanned(names[0], statSync(path))).to.equal(undefined);
      }
    });
  });
});
