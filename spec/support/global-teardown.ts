import type { EmbeddedPostgres } from './embedded-postgres';
import { EMBEDDED_KEY } from './global-setup';

/** Stops the throwaway PostgreSQL server, if global-setup started one. */
export default async function globalTeardown(): Promise<void> {
  const embedded = (globalThis as Record<symbol, unknown>)[EMBEDDED_KEY] as EmbeddedPostgres | undefined;
  if (embedded) await embedded.stop();
}
