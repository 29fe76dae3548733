import type { EmbeddedPostgres } from './embedded-postgres';
import { EMBEDDED_KEY, PGBOUNCER_KEY, REPLICA_PAIR_KEY } from './global-setup';
import { stopPgBouncer, type Bouncer } from './pgbouncer';
import { stopReplicaPair, type ReplicaPair } from './replica-pair';

/** Stops the throwaway PostgreSQL servers global-setup started. */
export default async function globalTeardown(): Promise<void> {
  const bouncer = (globalThis as Record<symbol, unknown>)[PGBOUNCER_KEY] as Bouncer | undefined;
  if (bouncer) stopPgBouncer(bouncer);
  const pair = (globalThis as Record<symbol, unknown>)[REPLICA_PAIR_KEY] as ReplicaPair | undefined;
  if (pair) stopReplicaPair(pair);
  const embedded = (globalThis as Record<symbol, unknown>)[EMBEDDED_KEY] as EmbeddedPostgres | undefined;
  if (embedded) await embedded.stop();
}
