import type { Knex } from 'knex';
import Cursor from 'pg-cursor';

interface PoolClient {
  acquireConnection(): Promise<{ query(cursor: Cursor): Cursor }>;
  releaseConnection(connection: unknown): Promise<void>;
}

/**
 * Reads `query` through a pg-cursor, `chunkSize` rows at a time, on a connection taken from the pool for the
 * iteration alone: the cursor holds it until closed, so it is closed and the connection released in `finally`,
 * which also runs when the consumer breaks out of its loop or throws.
 */
export async function* streamRows(knex: Knex, query: Knex.Sql, chunkSize: number): AsyncGenerator<Record<string, unknown>[]> {
  const { sql, bindings } = query.toNative();
  const client = knex.client as unknown as PoolClient;
  const connection = await client.acquireConnection();
  const cursor = connection.query(new Cursor(sql, bindings as unknown[]));
  try {
    for (;;) {
      const rows = (await cursor.read(chunkSize)) as Record<string, unknown>[];
      if (rows.length === 0) return;
      yield rows;
      if (rows.length < chunkSize) return;
    }
  } finally {
    // A failed close (connection lost) still hands the connection back, where the pool's validation drops it.
    await cursor.close().catch(() => undefined);
    await client.releaseConnection(connection);
  }
}
