import { maskUrl } from '../../lib/database/url';
import { startEmbeddedPostgres } from './embedded-postgres';
import { availabilityFlag, MYSQL_URL, serverAvailable } from './servers';
import { ensureBuilt } from '../cli/support';
import { REPLICA_PAIR_ENV, startReplicaPair, stopReplicaPair, type ReplicaPair } from './replica-pair';
import { PGBOUNCER_ENV, startPgBouncer, stopPgBouncer, type Bouncer } from './pgbouncer';

const DEFAULT_PG = 'postgres://postgres@127.0.0.1:5432/test';

/** Kept on globalThis so global-teardown (same process) can stop it. */
export const EMBEDDED_KEY = Symbol.for('keelson:test-embedded-postgres');
/** The PostgreSQL primary/replica pair started for the replica suites, for global-teardown. */
export const REPLICA_PAIR_KEY = Symbol.for('keelson:test-replica-pair');
/** The PgBouncer started in front of the pair's primary, for global-teardown. */
export const PGBOUNCER_KEY = Symbol.for('keelson:test-pgbouncer');

/**
 * Finds the PostgreSQL server for the run: `KEELSON_TEST_PG` when set (`embedded` asks for a throwaway
 * one), else the local server, else a throwaway server from the `embedded-postgres` binaries. Workers
 * inherit the chosen URL. Announces missing servers, and fails under `KEELSON_REQUIRE_SERVERS=1`.
 */
export default async function globalSetup(): Promise<void> {
  // The CLI specs run the built binary: build it once here, before parallel workers could race to.
  ensureBuilt();
  const requested = process.env.KEELSON_TEST_PG;
  let pgUrl = requested && requested !== 'embedded' ? requested : DEFAULT_PG;
  if (requested === 'embedded' || (!requested && !(await serverAvailable(pgUrl)))) {
    const embedded = await startEmbeddedPostgres();
    if (embedded) {
      (globalThis as Record<symbol, unknown>)[EMBEDDED_KEY] = embedded;
      pgUrl = embedded.url;
      console.warn(`\nkeelson tests: started a throwaway PostgreSQL at ${embedded.url}\n`);
    }
  }
  process.env.KEELSON_TEST_PG = pgUrl;

  const missing: string[] = [];
  // A throwaway primary and streaming replica for the replica suites (never the machine's own server).
  const pair: ReplicaPair | undefined = await startReplicaPair().catch((error: Error) => {
    console.warn(`\n*** keelson tests: the PostgreSQL replica pair did not start: ${error.message} ***\n`);
    return undefined;
  });
  if (pair) {
    (globalThis as Record<symbol, unknown>)[REPLICA_PAIR_KEY] = pair;
    process.env[REPLICA_PAIR_ENV] = JSON.stringify(pair);
  } else {
    missing.push('a PostgreSQL primary/replica pair (needs the PostgreSQL server binaries: initdb, pg_ctl, pg_basebackup)');
  }
  // PgBouncer in transaction pooling mode in front of the pair's primary: the every-dialect suites run through it too.
  const bouncer: Bouncer | undefined = pair
    ? await startPgBouncer(pair.primary).catch((error: Error) => {
        console.warn(`\n*** keelson tests: PgBouncer did not start: ${error.message} ***\n`);
        return undefined;
      })
    : undefined;
  if (bouncer) {
    (globalThis as Record<symbol, unknown>)[PGBOUNCER_KEY] = bouncer;
    process.env[PGBOUNCER_ENV] = bouncer.url;
  } else {
    missing.push('PgBouncer (Debian package pgbouncer) in front of the replica pair');
  }
  for (const [name, url] of [
    ['PostgreSQL', pgUrl],
    ['MariaDB/MySQL', MYSQL_URL],
  ] as const) {
    const up = await serverAvailable(url);
    // Workers inherit this, so suites know without probing again.
    process.env[availabilityFlag(url)] = up ? '1' : '0';
    if (!up) missing.push(`${name} (${maskUrl(url)})`);
  }
  if (missing.length === 0) return;
  const message = `database servers not answering: ${missing.join(', ')}`;
  if (process.env.KEELSON_REQUIRE_SERVERS === '1') {
    if (bouncer) stopPgBouncer(bouncer);
    if (pair) stopReplicaPair(pair);
    throw new Error(`keelson tests: ${message}; KEELSON_REQUIRE_SERVERS=1 makes this fatal.`);
  }
  console.warn(`\n*** keelson tests: ${message}. Their suites will be skipped. ***\n`);
}
