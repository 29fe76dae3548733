import { execFileSync } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { freePort, serverUser } from './processes';

/**
 * A throwaway PostgreSQL primary and its streaming replica, started from the installed PostgreSQL binaries
 * (`initdb`, `pg_basebackup -R`, `pg_ctl`) as the `postgres` OS user, on free ports, under a temporary
 * directory. The machine's own PostgreSQL server is never touched.
 */
export interface ReplicaPair {
  /** postgres://… of the primary's `postgres` database. */
  primary: string;
  /** postgres://… of the replica (read-only, hot standby). */
  replica: string;
  /** The temporary directory holding both data directories and their logs. */
  dir: string;
  /** The PostgreSQL binaries used. */
  bin: string;
  /** The OS user the servers run as. */
  user: string;
}

/** Environment variable through which jest's global setup hands the pair to the test workers. */
export const REPLICA_PAIR_ENV = 'KEELSON_TEST_REPLICA_PAIR';

/** The directory of the installed PostgreSQL server binaries (newest version), or undefined when there are none. */
export function postgresBinaries(): string | undefined {
  const fromConfig = (() => {
    try {
      return execFileSync('pg_config', ['--bindir'], { stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .trim();
    } catch {
      return undefined;
    }
  })();
  const candidates = [fromConfig];
  if (existsSync('/usr/lib/postgresql')) {
    const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => `/usr/lib/postgresql/${v}/bin`));
  }
  return candidates.find((dir) => dir && ['initdb', 'pg_ctl', 'pg_basebackup'].every((b) => existsSync(path.join(dir, b))));
}

/** Runs one PostgreSQL binary of the pair as its OS user. */
function run(pair: Pick<ReplicaPair, 'bin'>, binary: string, args: string[]): string {
  const user = serverUser();
  try {
    return execFileSync(path.join(pair.bin, binary), args, { stdio: 'pipe', cwd: '/', ...(user && { uid: user.uid, gid: user.gid }) }).toString();
  } catch (error) {
    const e = error as { stderr?: Buffer; stdout?: Buffer };
    throw new Error(`${binary} ${args.join(' ')} failed: ${e.stderr?.toString() ?? ''}${e.stdout?.toString() ?? ''}`, { cause: error });
  }
}

const dataDir = (pair: Pick<ReplicaPair, 'dir'>, which: 'primary' | 'replica') => path.join(pair.dir, which);

/** Starts one server of the pair with `pg_ctl` and waits until it accepts connections. */
function pgCtlStart(pair: Pick<ReplicaPair, 'bin' | 'dir'>, which: 'primary' | 'replica'): void {
  run(pair, 'pg_ctl', ['-D', dataDir(pair, which), '-l', path.join(pair.dir, `${which}.log`), '-w', '-t', '60', 'start']);
}

/** Resolves once `sql` on `url` returns a row whose first value is true, polling every 100 ms for up to 30 s. */
export async function waitFor(url: string, sql: string, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const client = new Client({ connectionString: url });
    try {
      await client.connect();
      const { rows } = await client.query(sql);
      if (rows[0] && Object.values(rows[0])[0] === true) return;
    } catch {
      // not up yet
    } finally {
      await client.end().catch(() => undefined);
    }
    if (Date.now() > deadline) throw new Error(`replica pair: ${what} did not happen within 30 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Resolves once the primary reports the replica streaming. */
export function waitForStreaming(pair: ReplicaPair): Promise<void> {
  return waitFor(pair.primary, "select count(*) > 0 from pg_stat_replication where state = 'streaming'", 'streaming replication');
}

/**
 * Starts a primary and a streaming replica. Undefined when the PostgreSQL server binaries are not installed
 * (the caller says so loudly).
 */
export async function startReplicaPair(): Promise<ReplicaPair | undefined> {
  const bin = postgresBinaries();
  if (!bin) return undefined;
  const user = serverUser();
  const dir = mkdtempSync(path.join(tmpdir(), 'keelson-replica-'));
  if (user) chownSync(dir, user.uid, user.gid);
  const [primaryPort, replicaPort] = [await freePort(), await freePort()];
  const pair: ReplicaPair = {
    primary: `postgres://postgres@127.0.0.1:${primaryPort}/postgres`,
    replica: `postgres://postgres@127.0.0.1:${replicaPort}/postgres`,
    dir,
    bin,
    user: user?.name ?? process.env.USER ?? '',
  };
  try {
    run(pair, 'initdb', ['-D', dataDir(pair, 'primary'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
    const settings = {
      port: primaryPort,
      listen_addresses: "'127.0.0.1'",
      unix_socket_directories: `'${dir}'`,
      wal_level: 'replica',
      max_wal_senders: 4,
      hot_standby: 'on',
      fsync: 'off',
      full_page_writes: 'off',
      shared_buffers: "'32MB'",
      max_connections: 60,
    };
    appendFileSync(
      path.join(dataDir(pair, 'primary'), 'postgresql.conf'),
      Object.entries(settings)
        .map(([k, v]) => `${k} = ${v}\n`)
        .join(''),
    );
    appendFileSync(path.join(dataDir(pair, 'primary'), 'pg_hba.conf'), 'host replication all 127.0.0.1/32 trust\n');
    pgCtlStart(pair, 'primary');
    run(pair, 'pg_basebackup', [
      '-h',
      '127.0.0.1',
      '-p',
      String(primaryPort),
      '-U',
      'postgres',
      '-D',
      dataDir(pair, 'replica'),
      '-R',
      '-X',
      'stream',
      '-c',
      'fast',
    ]);
    appendFileSync(path.join(dataDir(pair, 'replica'), 'postgresql.auto.conf'), `port = ${replicaPort}\n`);
    pgCtlStart(pair, 'replica');
    await waitForStreaming(pair);
    return pair;
  } catch (error) {
    stopReplicaPair(pair);
    throw error;
  }
}

/** Stops both servers (immediately: they hold nothing worth keeping) and removes their directory. */
export function stopReplicaPair(pair: ReplicaPair): void {
  for (const which of ['replica', 'primary'] as const) {
    if (!existsSync(path.join(dataDir(pair, which), 'postmaster.pid'))) continue;
    try {
      run(pair, 'pg_ctl', ['-D', dataDir(pair, which), '-m', 'immediate', '-w', 'stop']);
    } catch {
      // already down
    }
  }
  rmSync(pair.dir, { recursive: true, force: true });
}

/** Kills the replica as a crash would (`pg_ctl stop -m immediate`). */
export function stopReplica(pair: ReplicaPair): void {
  run(pair, 'pg_ctl', ['-D', dataDir(pair, 'replica'), '-m', 'immediate', '-w', 'stop']);
}

/** Starts the replica again and waits until it streams. */
export async function startReplica(pair: ReplicaPair): Promise<void> {
  pgCtlStart(pair, 'replica');
  await waitForStreaming(pair);
}

/** The pair jest's global setup started, or undefined when there is none. */
export function testReplicaPair(): ReplicaPair | undefined {
  const json = process.env[REPLICA_PAIR_ENV];
  return json ? (JSON.parse(json) as ReplicaPair) : undefined;
}
