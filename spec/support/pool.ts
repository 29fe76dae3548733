import type { Database } from '../../lib';

/** Knex's client of a database, as far as these helpers use it. */
interface PoolClient {
  acquireConnection(): Promise<unknown>;
  releaseConnection(connection: unknown): unknown;
  pool: {
    numUsed(): number;
    numFree(): number;
    on(event: string, listener: () => void): unknown;
    removeListener(event: string, listener: () => void): unknown;
    idleTimeoutMillis: number;
  };
}

/** The Knex client (and its tarn pool) behind `database`. */
export const poolClient = (database: Database): PoolClient => database.knex.client as unknown as PoolClient;

/**
 * Whether the pool of `database` hands out a connection within `ms` (given straight back). On a pool of one
 * connection, true means nothing keeps it busy: a connection keelson holds between statements is given up on request.
 */
export async function poolServes(database: Database, ms = 2000): Promise<boolean> {
  const client = poolClient(database);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)));
  const acquiring = client.acquireConnection();
  const got = await Promise.race([acquiring, late]);
  clearTimeout(timer);
  // A late connection still arrives: it goes back too.
  void acquiring.then((connection) => client.releaseConnection(connection)).catch(() => undefined);
  return got !== 'late';
}

/** Counts the requests for a connection made to the pool of `database` from now until `stop()`. */
export function countAcquires(database: Database): { readonly count: number; stop(): void } {
  const pool = poolClient(database).pool;
  let count = 0;
  const listener = () => void count++;
  pool.on('acquireRequest', listener);
  return {
    get count() {
      return count;
    },
    stop: () => void pool.removeListener('acquireRequest', listener),
  };
}
