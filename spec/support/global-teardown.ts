import type { EmbeddedPostgres } from './embedded-postgres';
import { EMBEDDED_KEY, REPLICA_PAIR_KEY } from './global-setup';
import { stopReplicaPair, type ReplicaPair } from './replica-pair';

/** Stops the throwaway PostgreSQL servers global-setup started. */
export default async function globalTeardown(): Promise<void> {
  const pair = (globalThis as Record<symbol, unknown>)[REPLICA_PAIR_KEY] as ReplicaPair | undefined;
  if (pair) stopReplicaPair(pair);
  const embedded = (globalThis as Record<symbol, unknown>)[EMBEDDED_KEY] as EmbeddedPostgres | undefined;
  if (embedded) await embedded.stop();
}
