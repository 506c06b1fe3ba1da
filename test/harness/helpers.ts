import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** True when nothing listens on 127.0.0.1:port (we can bind it ourselves). */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** The real uid a process runs as (Linux). */
export function processUid(pid: number): number | undefined {
  try {
    const line = fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('Uid:'));
    return line === undefined ? undefined : Number(line.split(/\s+/)[1]);
  } catch {
    return undefined;
  }
}

/** A pid that certainly belongs to no process now. */
export function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid as number;
}

/** A fresh folder under os.tmpdir() that user nobody may search (so a root run keeps the cluster there). */
export function scratchDir(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `harness-test-${label}-`));
  fs.chmodSync(dir, 0o755);
  return dir;
}

/** Runs one query on a URL and returns the rows. */
export async function query<T extends Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** What the fixture child prints once its server runs. */
export interface ChildServer {
  readonly childPid: number;
  readonly pid: number;
  readonly port: number;
  readonly dataDir: string;
}

/** A fixture child and the server it reported. */
export interface FixtureChild {
  readonly server: ChildServer;
  /** Resolves with the child's exit code and signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

/**
 * Starts `fixtures/start-server.ts` in a separate Node process (an embedded server with `options`)
 * and waits until it reports the server.
 */
export async function startFixtureChild(options: { dataDir?: string; tmpDir?: string } = {}, action: 'hang' | 'exit' = 'hang'): Promise<FixtureChild> {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', path.join(__dirname, 'fixtures', 'start-server.ts'), JSON.stringify(options), action],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const newline = stdout.indexOf('\n');
      if (newline >= 0) resolve(stdout.slice(0, newline));
    });
    void exited.then(({ code }) => {
      if (!stdout.includes('\n')) reject(new Error(`fixture exited with ${code} before reporting a server:\n${stderr}`));
    });
  });
  return {
    server: { childPid: child.pid as number, ...(JSON.parse(line) as Omit<ChildServer, 'childPid'>) },
    exited,
    kill: (signal) => child.kill(signal),
  };
}

/** Starts a fixture child, then SIGKILLs it, leaving its server orphaned. */
export async function orphanServerFromKilledChild(options: { dataDir?: string; tmpDir?: string } = {}): Promise<ChildServer> {
  const child = await startFixtureChild(options);
  child.kill('SIGKILL');
  await child.exited;
  return child.server;
}
