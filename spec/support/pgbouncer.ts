import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { waitFor } from './replica-pair';
import { freePort, serverUser } from './processes';

/** A PgBouncer in transaction pooling mode in front of a PostgreSQL server, started for the test run. */
export interface Bouncer {
  /** postgres://… through the bouncer, to the same database as the server's URL. */
  url: string;
  /** The bouncer's process id (global-teardown stops it). */
  pid: number;
  /** Its temporary directory (configuration, user list, log). */
  dir: string;
}

/** Environment variable through which jest's global setup hands the bouncer's URL to the test workers. */
export const PGBOUNCER_ENV = 'KEELSON_TEST_PGBOUNCER';

/** The `pgbouncer` binary (Debian package `pgbouncer`), or undefined when it is not installed. */
export function pgbouncerBinary(): string | undefined {
  return ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer', '/usr/local/bin/pgbouncer'].find((p) => existsSync(p));
}

/**
 * Starts PgBouncer in transaction pooling mode in front of `serverUrl` (a trust-auth PostgreSQL server) and
 * waits until a query passes through it. Undefined when PgBouncer is not installed.
 */
export async function startPgBouncer(serverUrl: string): Promise<Bouncer | undefined> {
  const binary = pgbouncerBinary();
  if (!binary) return undefined;
  const server = new URL(serverUrl);
  const database = server.pathname.slice(1);
  const user = decodeURIComponent(server.username);
  const dir = mkdtempSync(path.join(tmpdir(), 'keelson-pgbouncer-'));
  const runAs = serverUser();
  const owner = runAs && { uid: runAs.uid, gid: runAs.gid };
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const port = await freePort();
  writeFileSync(path.join(dir, 'userlist.txt'), `"${user}" ""\n`);
  const config = [
    '[databases]',
    `${database} = host=${server.hostname} port=${server.port || 5432} dbname=${database}`,
    '[pgbouncer]',
    'listen_addr = 127.0.0.1',
    `listen_port = ${port}`,
    `unix_socket_dir = ${dir}`,
    'auth_type = trust',
    `auth_file = ${path.join(dir, 'userlist.txt')}`,
    'pool_mode = transaction',
    'max_client_conn = 500',
    'default_pool_size = 10',
    // Sent by drivers at connect; harmless to drop in transaction pooling.
    'ignore_startup_parameters = extra_float_digits,options',
    `logfile = ${path.join(dir, 'pgbouncer.log')}`,
    `pidfile = ${path.join(dir, 'pgbouncer.pid')}`,
  ].join('\n');
  writeFileSync(path.join(dir, 'pgbouncer.ini'), `${config}\n`);
  const child: ChildProcess = spawn(binary, [path.join(dir, 'pgbouncer.ini')], { stdio: 'ignore', detached: true, ...owner });
  child.unref();
  const bouncer: Bouncer = { url: `postgres://${encodeURIComponent(user)}@127.0.0.1:${port}/${database}`, pid: child.pid!, dir };
  try {
    await waitFor(bouncer.url, 'select true', 'PgBouncer answering');
    return bouncer;
  } catch (error) {
    stopPgBouncer(bouncer);
    throw error;
  }
}

/** Stops the bouncer and removes its directory. */
export function stopPgBouncer(bouncer: Bouncer): void {
  try {
    process.kill(bouncer.pid, 'SIGTERM');
  } catch {
    // already gone
  }
  rmSync(bouncer.dir, { recursive: true, force: true });
}
