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

/**
 * PostgreSQL through PgBouncer in transaction pooling mode (started by global setup in front of a throwaway
 * server); a URL that never answers when there is none, so its suites say so and skip (or fail CI).
 */
export const PGBOUNCER_URL = process.env.KEELSON_TEST_PGBOUNCER || 'postgres://pgbouncer-not-started@127.0.0.1:9/none';
if (!process.env.KEELSON_TEST_PGBOUNCER) process.env[availabilityFlag(PGBOUNCER_URL)] = '0';

/** `url` with one more query option (`?key=value`, or `&key=value` after options it already has). */
export function withUrlOption(url: string, key: string, value: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}${key}=${encodeURIComponent(value)}`;
}

/** SQLite in memory through the optional `better-sqlite3` driver. */
export const BETTER_SQLITE_URL = 'sqlite+better-sqlite3::memory:';

/** The databases a dialect-sensitive suite runs on: SQLite through both its drivers, PostgreSQL, MariaDB. */
export const DIALECT_URLS: { name: 'sqlite' | 'postgres' | 'mysql'; url: string; label: string }[] = [
  { name: 'sqlite', url: 'sqlite::memory:', label: 'sqlite' },
  { name: 'sqlite', url: BETTER_SQLITE_URL, label: 'sqlite (better-sqlite3)' },
  { name: 'postgres', url: PG_URL, label: 'postgres' },
  // PgBouncer before 1.21 loses named prepared statements between transactions: turned off, as the README says.
  { name: 'postgres', url: withUrlOption(PGBOUNCER_URL, 'prepared_statements', 'false'), label: 'postgres (PgBouncer, transaction pooling)' },
  { name: 'mysql', url: MYSQL_URL, label: 'mysql' },
];

/** Environment flag global-setup sets for a server URL ('1' up, '0' down). */
export function availabilityFlag(url: string): string {
  return `KEELSON_UP_${Buffer.from(url).toString('hex').slice(0, 40)}`;
}

/**
 * `describe` for a suite that needs a server. global-setup probed it: when it does not answer, CI
 * (`KEELSON_REQUIRE_SERVERS=1`) has already failed, and a local run says so loudly and skips the suite.
 */
export function describeWithServer(name: string, url: string, body: () => void): void {
  const up = process.env[availabilityFlag(url)] !== '0';
  if (up) {
    describe(name, body);
    return;
  }
  console.warn(`*** SKIPPING "${name}": no database server answers at ${new Database(url).url}. ***`);
  const skipped = describe.skip;
  skipped(name, body);
}

/** Runs one suite per database: in-memory SQLite always, PostgreSQL through `describeWithServer`. */
export function describeOnSqliteAndPostgres(name: string, body: (url: string, label: string) => void): void {
  describe(`${name} on SQLite`, () => body('sqlite::memory:', 'SQLite'));
  describeWithServer(`${name} on PostgreSQL`, PG_URL, () => body(PG_URL, 'PostgreSQL'));
}
