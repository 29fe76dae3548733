import { ConfigurationError } from '../errors';
import { DIALECTS, SCHEME_TO_DIALECT } from '../dialects';
import type { Dialect } from '../dialects';
import { schemaNameProblem } from './schema-name';
import { driverProblem } from './driver';

/** A database URL taken apart. */
export interface ParsedUrl {
  dialect: Dialect['name'];
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  /** The driver (Knex client name) the URL's scheme names after a `+` (`sqlite+better-sqlite3://app.db`). */
  driver?: string;
  /** Database name, or the SQLite filename (`:memory:` for an in-memory one). */
  database: string;
  schema?: string;
  poolMax?: number;
  /** `?prepared_statements=false` (or a number kept per connection): see `DatabaseOptions.preparedStatements`. */
  preparedStatements?: boolean | number;
  /** Milliseconds to wait for a new connection (`connectTimeout` option), when set. */
  connectTimeout?: number;
  /** Other query options, handed to the driver. */
  connectionOptions: Record<string, string>;
  /** The URL with its password replaced by `***`. */
  masked: string;
}

/** Replaces the password of a URL-shaped string with `***` (works on unparseable input too). */
export function maskUrl(url: string): string {
  // The password ends at the last '@' before the host (a raw '@' inside it must not leak what follows).
  return url.replace(/^([a-z0-9+.-]+:\/\/[^:@/]*:)([^@]*(?:@[^@/?#]*)*?)@(?=[^@/?#]*(?:[/?#]|$))/i, '$1***@');
}

const KNOWN_OPTIONS = new Set(['pool_max', 'schema', 'prepared_statements']);

/** Parses a keelson database URL; throws `ConfigurationError` naming the (masked) URL when it is wrong. */
export function parseDatabaseUrl(url: string): ParsedUrl {
  if (typeof url !== 'string' || url.trim() === '') {
    throw new ConfigurationError(`A database URL must be a non-empty string, got ${JSON.stringify(url)}.`);
  }
  const masked = maskUrl(url);
  const fail = (why: string): never => {
    throw new ConfigurationError(
      `Invalid database URL "${masked}": ${why}. Expected for example sqlite::memory:, sqlite:///abs/path.db, ` +
        'sqlite://relative.db, postgres://user:pw@host:5432/db or mysql://user:pw@host:3306/db.',
    );
  };
  const scheme = /^([a-z0-9+.-]+):/i.exec(url)?.[1]?.toLowerCase();
  if (!scheme) return fail('it has no scheme');
  const [dialectScheme, named, ...more] = scheme.split('+');
  const dialect = SCHEME_TO_DIALECT[dialectScheme];
  if (!dialect) return fail(`unknown scheme "${scheme}"`);
  if (more.length > 0 || named === '') return fail(`scheme "${scheme}" should be ${dialectScheme} or ${dialectScheme}+<driver>`);
  // A scheme that is itself a driver's name (`better-sqlite3://app.db`) picks that driver.
  const driver = named ?? (DIALECTS[dialect].drivers.includes(dialectScheme) ? dialectScheme : undefined);
  const problem = driver === undefined ? undefined : driverProblem(DIALECTS[dialect], driver);
  if (problem) return fail(problem);
  const withDriver = driver === undefined ? {} : { driver };
  if (DIALECTS[dialect].memoryUrls?.includes(url.slice(scheme.length + 1))) {
    return { dialect, ...withDriver, database: ':memory:', connectionOptions: {}, masked };
  }
  if (DIALECTS[dialect].urlNamesFile) {
    const rest = url.slice(scheme.length + 1);
    if (!rest.startsWith('//')) return fail(`${DIALECTS[dialect].displayName} URLs look like ${dialect}:///abs/path.db or ${dialect}://relative.db`);
    const [file, query = ''] = rest.slice(2).split('?');
    if (!file) return fail('it names no database file');
    return { dialect, ...withDriver, database: decodeURIComponent(file), masked, ...queryOptions(query, fail) };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return fail('it cannot be parsed');
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!parsed.hostname) return fail('it names no host');
  if (!database) return fail('it names no database');
  let port: number | undefined;
  if (parsed.port) {
    port = Number(parsed.port);
    if (!Number.isInteger(port) || port <= 0) return fail(`port "${parsed.port}" is not a number`);
  }
  return {
    dialect,
    ...withDriver,
    host: parsed.hostname,
    port,
    user: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    database,
    masked,
    ...queryOptions(parsed.search.replace(/^\?/, ''), fail),
  };
}

function queryOptions(query: string, fail: (why: string) => never) {
  const params = new URLSearchParams(query);
  const result: { schema?: string; poolMax?: number; preparedStatements?: boolean | number; connectionOptions: Record<string, string> } = {
    connectionOptions: {},
  };
  for (const [key, value] of params) {
    if (key === 'pool_max') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1) fail(`pool_max must be a positive integer, got "${value}"`);
      result.poolMax = n;
    } else if (key === 'schema') {
      const problem = schemaNameProblem(value);
      if (problem) fail(`?schema=: ${problem}`);
      result.schema = value;
    } else if (key === 'prepared_statements') {
      const n = Number(value);
      if (value === 'true' || value === 'false') result.preparedStatements = value === 'true';
      else if (/^\d+$/.test(value) && Number.isSafeInteger(n)) result.preparedStatements = n;
      else fail(`prepared_statements must be true, false or how many to keep per connection, got "${value}"`);
    } else if (!KNOWN_OPTIONS.has(key)) {
      result.connectionOptions[key] = value;
    }
  }
  return result;
}
