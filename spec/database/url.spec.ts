import * as path from 'node:path';
import { ConfigurationError, Database, KeelsonError } from '../../lib';
import { maskUrl, parseDatabaseUrl } from '../../lib/database/url';

/** The ConfigurationError `fn` throws. Fails the test when it throws nothing or something else. */
function configurationError(fn: () => unknown): ConfigurationError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ConfigurationError);
  expect(caught).toBeInstanceOf(KeelsonError);
  return caught as ConfigurationError;
}

describe('parseDatabaseUrl', () => {
  it('parses sqlite::memory:', () => {
    const p = parseDatabaseUrl('sqlite::memory:');
    expect(p.dialect).toBe('sqlite');
    expect(p.database).toBe(':memory:');
  });

  it('parses an absolute sqlite path (three slashes)', () => {
    const p = parseDatabaseUrl('sqlite:///tmp/keelson/abs.db');
    expect(p.dialect).toBe('sqlite');
    expect(p.database).toBe('/tmp/keelson/abs.db');
  });

  it('parses a relative sqlite path (two slashes)', () => {
    const p = parseDatabaseUrl('sqlite://relative.db');
    expect(p.dialect).toBe('sqlite');
    expect(p.database).toBe('relative.db');
  });

  it.each(['postgres', 'postgresql'])('parses %s://user:pw@host:port/db', (scheme) => {
    const p = parseDatabaseUrl(`${scheme}://alice:s3cret@db.example.com:6543/shop`);
    expect(p).toMatchObject({
      dialect: 'postgres',
      host: 'db.example.com',
      port: 6543,
      user: 'alice',
      password: 's3cret',
      database: 'shop',
    });
    expect(p.masked).toBe(`${scheme}://alice:***@db.example.com:6543/shop`);
  });

  it('parses mysql://user:pw@host:port/db', () => {
    const p = parseDatabaseUrl('mysql://root:pw@127.0.0.1:3307/app');
    expect(p).toMatchObject({ dialect: 'mysql', host: '127.0.0.1', port: 3307, user: 'root', password: 'pw', database: 'app' });
  });

  it('leaves the port undefined when none is given', () => {
    expect(parseDatabaseUrl('postgres://u@localhost/db').port).toBeUndefined();
  });

  it('decodes percent-encoded passwords', () => {
    expect(parseDatabaseUrl('postgres://u:p%40ss@h/db').password).toBe('p@ss');
  });

  it('reads pool_max and schema from the query string', () => {
    const p = parseDatabaseUrl('postgres://u:pw@h:5432/db?pool_max=10&schema=tenant_a');
    expect(p.poolMax).toBe(10);
    expect(p.schema).toBe('tenant_a');
    expect(p.connectionOptions).toEqual({});
  });

  it('hands unknown query options to the driver', () => {
    expect(parseDatabaseUrl('postgres://u@h/db?application_name=app').connectionOptions).toEqual({ application_name: 'app' });
  });

  it.each([
    ['no scheme', 'localhost:5432/db'],
    ['no scheme at all', 'just-a-name'],
    ['an unknown scheme', 'oracle://u:s3cret@h/db'],
    ['no host', 'postgres://u:s3cret@/db'],
    ['no database', 'postgres://u:s3cret@host:5432/'],
    ['no database (no path)', 'mysql://u:s3cret@host'],
    ['a bad port', 'postgres://u:s3cret@host:notaport/db'],
    ['pool_max=abc', 'postgres://u:s3cret@host:5432/db?pool_max=abc'],
    ['pool_max=0', 'mysql://u:s3cret@host:3306/db?pool_max=0'],
    ['sqlite without slashes', 'sqlite:relative.db'],
    ['sqlite with no file', 'sqlite://'],
  ])('rejects %s with a ConfigurationError', (_why, url) => {
    const error = configurationError(() => parseDatabaseUrl(url));
    expect(error.message).not.toContain('s3cret');
    if (url.includes('s3cret') && url.includes('@')) {
      expect(error.message).toContain(url.replace('s3cret', '***'));
    }
  });

  it('names the masked URL in the error', () => {
    const error = configurationError(() => parseDatabaseUrl('postgres://bob:s3cret@host:99999999/db'));
    expect(error.message).toContain('postgres://bob:***@host:99999999/db');
    expect(error.message).not.toContain('s3cret');
  });

  it('masks the whole password even when it contains a raw @ or /', () => {
    expect(parseDatabaseUrl('postgres://u:p@ss@h:5432/db').masked).toBe('postgres://u:***@h:5432/db');
    expect(parseDatabaseUrl('postgres://u:p@ss@h:5432/db').password).toBe('p@ss');
    const error = configurationError(() => parseDatabaseUrl('postgres://u:se@cret@h:abc/db'));
    expect(error.message).toContain('postgres://u:***@h:abc/db');
    expect(error.message).not.toContain('cret');
    expect(maskUrl('postgres://u:pa/ss@h/db')).toBe('postgres://u:***@h/db');
    expect(maskUrl('postgres://u:pw@h/db?application_name=a@b')).toBe('postgres://u:***@h/db?application_name=a@b');
  });

  it('names an unknown scheme', () => {
    expect(configurationError(() => parseDatabaseUrl('oracle://u:s3cret@h/db')).message).toMatch(/oracle/);
  });

  it('rejects an empty or non-string URL', () => {
    configurationError(() => parseDatabaseUrl(''));
    configurationError(() => parseDatabaseUrl(undefined as unknown as string));
  });
});

describe('new Database(url)', () => {
  it('takes sqlite::memory:', () => {
    const db = new Database('sqlite::memory:');
    expect(db.dialect).toBe('sqlite');
    expect(db.isConnected).toBe(false);
  });

  it('takes an absolute and a relative sqlite path', () => {
    expect(new Database('sqlite:///tmp/abs.db').dialect).toBe('sqlite');
    expect(new Database('sqlite://relative.db').dialect).toBe('sqlite');
  });

  it('resolves an absolute sqlite path as given and a relative one against the working directory', () => {
    const abs = new Database('sqlite:///tmp/keelson-abs.db') as unknown as { config: { connection: { filename: string } } };
    expect(abs.config.connection.filename).toBe('/tmp/keelson-abs.db');
    const rel = new Database('sqlite://relative.db') as unknown as { config: { connection: { filename: string } } };
    expect(rel.config.connection.filename).toBe(path.resolve('relative.db'));
  });

  it.each([
    ['postgres://u:pw@h:5432/db', 'postgres'],
    ['postgresql://u:pw@h:5432/db', 'postgres'],
    ['mysql://u:pw@h:3306/db', 'mysql'],
  ] as const)('%s → %s', (url, dialect) => {
    expect(new Database(url).dialect).toBe(dialect);
  });

  it('masks the password in url and toString()', () => {
    const db = new Database('postgres://alice:s3cret@h:5432/db');
    expect(db.url).toBe('postgres://alice:***@h:5432/db');
    expect(String(db)).toBe('postgres://alice:***@h:5432/db');
    expect(`${db}`).not.toContain('s3cret');
    expect(JSON.stringify(db.url)).not.toContain('s3cret');
  });

  it('keeps a URL without password as it is', () => {
    expect(new Database('mysql://root@127.0.0.1:3306/test').url).toBe('mysql://root@127.0.0.1:3306/test');
  });

  it('honours pool_max in the Knex pool', () => {
    const db = new Database('postgres://u:pw@h:5432/db?pool_max=7') as unknown as { config: { pool: { max: number } } };
    expect(db.config.pool.max).toBe(7);
    const mysql = new Database('mysql://u:pw@h:3306/db?pool_max=3') as unknown as { config: { pool: { max: number } } };
    expect(mysql.config.pool.max).toBe(3);
  });

  it('honours schema as the PostgreSQL search path and exposes it as urlSchema', () => {
    const db = new Database('postgres://u:pw@h:5432/db?schema=tenant_a');
    expect(db.urlSchema).toBe('tenant_a');
    expect((db as unknown as { config: { searchPath: string[] } }).config.searchPath).toEqual(['tenant_a']);
  });

  it.each([
    'nohost',
    'redis://u:s3cret@h/db',
    'postgres://u:s3cret@/db',
    'postgres://u:s3cret@h:5432',
    'postgres://u:s3cret@h:abc/db',
    'mysql://u:s3cret@h:3306/db?pool_max=abc',
  ])('throws ConfigurationError at construction for %s, never showing the password', (url) => {
    const error = configurationError(() => new Database(url));
    expect(error.message).not.toContain('s3cret');
    if (url.includes('@')) expect(error.message).toContain(url.replace('s3cret', '***'));
  });

  it('accepts a Knex config object', () => {
    const db = new Database({ client: 'sqlite3', connection: { filename: ':memory:' } });
    expect(db.dialect).toBe('sqlite');
    const pg = new Database({
      client: 'pg',
      connection: { host: 'h', port: 5432, user: 'u', password: 's3cret', database: 'db' },
    });
    expect(pg.dialect).toBe('postgres');
    expect(pg.url).not.toContain('s3cret');
    expect(pg.url).toContain('***');
    expect(new Database({ client: 'mysql2', connection: { host: 'h', database: 'db' } }).dialect).toBe('mysql');
  });

  it('masks the password of a Knex config given a connection string', () => {
    const db = new Database({ client: 'pg', connection: 'postgres://u:s3cret@h:5432/db' });
    expect(db.url).toBe('postgres://u:***@h:5432/db');
  });

  it('rejects a Knex config with an unsupported client or none', () => {
    expect(configurationError(() => new Database({ client: 'oracledb' })).message).toContain('oracledb');
    configurationError(() => new Database({} as never));
  });

  it('can connect from a Knex config object', async () => {
    const db = new Database({ client: 'sqlite3', connection: { filename: ':memory:' } });
    await db.connect();
    try {
      expect(await db.knex.raw('select 1 + 1 as two')).toEqual([{ two: 2 }]);
    } finally {
      await db.disconnect();
    }
  });
});
