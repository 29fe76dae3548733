import { randomBytes } from 'node:crypto';
import { Database } from '../../lib';

/** PostgreSQL test URL: `KEELSON_TEST_PG`, else the local server. */
export const PG_URL = process.env.KEELSON_TEST_PG || 'postgres://postgres@127.0.0.1:5432/test';
/** MariaDB/MySQL test URL: `KEELSON_TEST_MYSQL`, else the local server. */
export const MYSQL_URL = process.env.KEELSON_TEST_MYSQL || 'mysql://root@127.0.0.1:3306/test';

/** A short random suffix for table and schema names, so suites never collide and can run twice. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

const availability = new Map<string, Promise<boolean>>();

/** Whether the server behind `url` answers (checked once per process). */
export function serverAvailable(url: string): Promise<boolean> {
  let p = availability.get(url);
  if (!p) {
    p = (async () => {
      const db = new Database(url);
      try {
        await db.connect();
        return true;
      } catch {
        return false;
      } finally {
        await db.disconnect();
      }
    })();
    availability.set(url, p);
  }
  return p;
}

/** The dialects a dialect-sensitive suite runs on. */
export const DIALECT_URLS: { name: 'sqlite' | 'postgres' | 'mysql'; url: string }[] = [
  { name: 'sqlite', url: 'sqlite::memory:' },
  { name: 'postgres', url: PG_URL },
  { name: 'mysql', url: MYSQL_URL },
];

/**
 * `describe` for a suite that needs a server: when it does not answer, the suite fails under
 * `KEELSON_REQUIRE_SERVERS=1` (CI) and otherwise reports loudly and skips its tests at run time.
 */
export function describeWithServer(name: string, url: string, body: () => void): void {
  describe(name, () => {
    let up = false;
    beforeAll(async () => {
      up = await serverAvailable(url);
      if (!up) {
        const message = `${name}: no database server answers at ${new Database(url).url}`;
        if (process.env.KEELSON_REQUIRE_SERVERS === '1') throw new Error(`${message} (KEELSON_REQUIRE_SERVERS=1)`);
        console.warn(`\n*** SKIPPING ${message}. Start it or set KEELSON_TEST_PG / KEELSON_TEST_MYSQL. ***\n`);
      }
    });
    beforeEach(function (this: unknown) {
      if (!up) pending(`${name}: server unavailable`);
    });
    body();
  });
}
