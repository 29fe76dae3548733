import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Knex } from 'knex';
import { ConfigurationError, Database, DatabaseError, KeelsonError } from '../../lib';
import { describeWithServer, MYSQL_URL, PG_URL, uniqueName } from '../support/servers';

/** Runs `fn`, expecting it to reject with a DatabaseError; returns that error. */
async function databaseError(fn: () => Promise<unknown>): Promise<DatabaseError> {
  let caught: unknown;
  try {
    await fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(DatabaseError);
  expect(caught).toBeInstanceOf(KeelsonError);
  return caught as DatabaseError;
}

/** `url` with its password (none in the test URLs) set to `s3cret` and its port to 1, where nothing listens. */
function unreachable(url: string): string {
  const u = new URL(url);
  u.password = 's3cret';
  u.port = '1';
  return u.toString();
}

/** Suites every dialect shares. `url` connects; `badUrl` names an unusable database whose password is s3cret. */
function databaseSuite(url: string, badUrl: string): void {
  describe('connect() / disconnect()', () => {
    it('are idempotent and track isConnected', async () => {
      const db = new Database(url);
      expect(db.isConnected).toBe(false);
      await db.connect();
      await db.connect();
      expect(db.isConnected).toBe(true);
      const first = db.knex;
      expect(db.knex).toBe(first);
      await db.disconnect();
      await db.disconnect();
      expect(db.isConnected).toBe(false);
    });

    it('connect() returns the database and concurrent calls share one pool', async () => {
      const db = new Database(url);
      const [a, b] = await Promise.all([db.connect(), db.connect()]);
      try {
        expect(a).toBe(db);
        expect(b).toBe(db);
        expect(db.isConnected).toBe(true);
      } finally {
        await db.disconnect();
      }
    });

    it('can reconnect after disconnect()', async () => {
      const db = new Database(url);
      await db.connect();
      await db.disconnect();
      await db.connect();
      try {
        const value = await selectOne(db.knex);
        expect(value).toBe(1);
      } finally {
        await db.disconnect();
      }
    });

    it('disconnect() before any connect() is a no-op', async () => {
      const db = new Database(url);
      await expect(db.disconnect()).resolves.toBeUndefined();
      expect(db.isConnected).toBe(false);
    });

    it('knex throws ConfigurationError before connect() and after disconnect()', async () => {
      const db = new Database(url);
      expect(() => db.knex).toThrow(ConfigurationError);
      expect(() => db.knex).toThrow(/not connected/);
      await db.connect();
      await db.disconnect();
      expect(() => db.knex).toThrow(ConfigurationError);
    });

    it('two Database objects with the same URL do not share a pool', async () => {
      const a = new Database(url);
      const b = new Database(url);
      await a.connect();
      try {
        expect(b.isConnected).toBe(false);
        await b.connect();
        expect(b.knex).not.toBe(a.knex);
      } finally {
        await b.disconnect();
        await a.disconnect();
      }
      expect(a.isConnected).toBe(false);
    });

    it('a bad location fails at connect() with a DatabaseError that never shows the password', async () => {
      const db = new Database(badUrl);
      expect(db.isConnected).toBe(false);
      const error = await databaseError(() => db.connect());
      expect(error.message).not.toContain('s3cret');
      expect(String(error)).not.toContain('s3cret');
      expect(error.stack ?? '').not.toContain('s3cret');
      expect(error.message).toContain(db.url);
      expect(error.cause).toBeDefined();
      expect(db.isConnected).toBe(false);
      expect(() => db.knex).toThrow(ConfigurationError);
      await db.disconnect();
    });
  });

  describe('transaction()', () => {
    const db = new Database(url);
    const table = uniqueName('tx');

    beforeAll(async () => {
      await db.connect();
      await db.knex.schema.createTable(table, (t) => {
        t.integer('n').primary();
      });
    });

    afterAll(async () => {
      await db.knex.schema.dropTableIfExists(table);
      await db.disconnect();
    });

    beforeEach(async () => {
      await db.knex(table).delete();
    });

    const numbers = async (): Promise<number[]> => (await db.knex(table).select('n').orderBy('n')).map((r: { n: number | string }) => Number(r.n));

    it('commits and returns the callback result', async () => {
      const result = await db.transaction(async (trx) => {
        await trx(table).insert({ n: 1 });
        await trx(table).insert({ n: 2 });
        return 'done';
      });
      expect(result).toBe('done');
      expect(await numbers()).toEqual([1, 2]);
    });

    it('hands the transaction to keelson queries in the same async context', async () => {
      await db.transaction(async (trx) => {
        expect(await db.runner()).toBe(trx);
        await (await db.runner())(table).insert({ n: 5 });
      });
      expect(await db.runner()).toBe(db.knex);
      expect(await numbers()).toEqual([5]);
    });

    it('rolls back everything and rethrows when the callback throws', async () => {
      const boom = new Error('boom');
      await expect(
        db.transaction(async (trx) => {
          await trx(table).insert({ n: 1 });
          throw boom;
        }),
      ).rejects.toBe(boom);
      expect(await numbers()).toEqual([]);
    });

    it('a nested transaction that throws rolls back to its savepoint and keeps the outer work', async () => {
      await db.transaction(async (outer) => {
        await outer(table).insert({ n: 1 });
        await expect(
          db.transaction(async (inner) => {
            expect(inner).not.toBe(outer);
            expect(await db.runner()).toBe(inner);
            await inner(table).insert({ n: 2 });
            throw new Error('inner failure');
          }),
        ).rejects.toThrow('inner failure');
        expect(await db.runner()).toBe(outer);
        await outer(table).insert({ n: 3 });
      });
      expect(await numbers()).toEqual([1, 3]);
    });

    it('a nested transaction that succeeds is committed with the outer one', async () => {
      await db.transaction(async (outer) => {
        await outer(table).insert({ n: 1 });
        await db.transaction(async (inner) => {
          await inner(table).insert({ n: 2 });
        });
      });
      expect(await numbers()).toEqual([1, 2]);
    });

    it('an outer throw also rolls back a committed nested transaction', async () => {
      await expect(
        db.transaction(async (outer) => {
          await outer(table).insert({ n: 1 });
          await db.transaction(async (inner) => {
            await inner(table).insert({ n: 2 });
          });
          throw new Error('outer failure');
        }),
      ).rejects.toThrow('outer failure');
      expect(await numbers()).toEqual([]);
    });

    it('connects on first use when not connected yet', async () => {
      const fresh = new Database(url);
      try {
        const value = await fresh.transaction(async (trx) => selectOne(trx));
        expect(value).toBe(1);
        expect(fresh.isConnected).toBe(true);
      } finally {
        await fresh.disconnect();
      }
    });

    it('a driver error inside the transaction rolls it back', async () => {
      await expect(
        db.transaction(async (trx) => {
          await trx(table).insert({ n: 1 });
          await trx(table).insert({ n: 1 }); // duplicate primary key
        }),
      ).rejects.toBeDefined();
      expect(await numbers()).toEqual([]);
    });
  });
}

/** `select 1` through any Knex handle, as a number. */
async function selectOne(knex: Knex | Knex.Transaction): Promise<number> {
  const result = await knex.select(knex.raw('1 as one'));
  return Number((result[0] as { one: number | string }).one);
}

describe('Database on SQLite', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keelson-db-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe('in memory', () => {
    databaseSuite('sqlite::memory:', `sqlite://${path.join(dir, 'missing', 'dir', 'x.db')}`);
  });

  describe('on a file', () => {
    databaseSuite(`sqlite://${path.join(dir, 'file.db')}`, `sqlite://${path.join(dir, 'missing', 'x.db')}`);
  });

  it('turns foreign keys ON for every connection', async () => {
    const db = new Database('sqlite::memory:');
    await db.connect();
    try {
      expect(await db.knex.raw('PRAGMA foreign_keys')).toEqual([{ foreign_keys: 1 }]);
      await db.knex.schema.createTable('parent', (t) => t.integer('id').primary());
      await db.knex.schema.createTable('child', (t) => {
        t.integer('id').primary();
        t.integer('parent_id').references('id').inTable('parent');
      });
      await expect(db.knex('child').insert({ id: 1, parent_id: 99 })).rejects.toThrow(/FOREIGN KEY/);
    } finally {
      await db.disconnect();
    }
  });

  it('turns foreign keys ON when built from a Knex config object, and still runs its own afterCreate', async () => {
    const plain = new Database({ client: 'sqlite3', connection: { filename: ':memory:' } });
    await plain.connect();
    try {
      expect(await plain.knex.raw('PRAGMA foreign_keys')).toEqual([{ foreign_keys: 1 }]);
    } finally {
      await plain.disconnect();
    }
    const db = new Database({
      client: 'sqlite3',
      connection: { filename: ':memory:' },
      pool: {
        afterCreate(conn: { run(sql: string, cb: (err: Error | null) => void): void }, done: (err: Error | null, conn: unknown) => void) {
          conn.run('PRAGMA user_version = 7', (err) => done(err, conn));
        },
      },
    });
    await db.connect();
    try {
      expect(await db.knex.raw('PRAGMA foreign_keys')).toEqual([{ foreign_keys: 1 }]);
      expect(await db.knex.raw('PRAGMA user_version')).toEqual([{ user_version: 7 }]);
    } finally {
      await db.disconnect();
    }
  });

  it('a file database keeps its data across reconnects', async () => {
    const file = path.join(dir, 'persist.db');
    const db = new Database(`sqlite://${file}`);
    await db.connect();
    await db.knex.schema.createTable('kept', (t) => t.integer('n'));
    await db.knex('kept').insert({ n: 42 });
    await db.disconnect();
    expect(fs.existsSync(file)).toBe(true);
    await db.connect();
    try {
      expect(await db.knex('kept').select('n')).toEqual([{ n: 42 }]);
    } finally {
      await db.disconnect();
    }
  });
});

describeWithServer('Database on PostgreSQL', PG_URL, () => {
  databaseSuite(PG_URL, unreachable(PG_URL));

  it('names the failing URL with the password masked', async () => {
    const db = new Database(unreachable(PG_URL));
    const error = await databaseError(() => db.connect());
    expect(db.url).toContain(':***@');
    expect(error.message).toContain(':***@127.0.0.1:1/');
  });

  it('wrong credentials fail at connect() without showing the password', async () => {
    const u = new URL(PG_URL);
    u.username = uniqueName('nobody');
    u.password = 's3cret';
    const db = new Database(u.toString());
    const error = await databaseError(() => db.connect());
    expect(error.message).not.toContain('s3cret');
  });

  it('honours ?schema= as the search path', async () => {
    const schema = uniqueName('sp');
    const admin = new Database(PG_URL);
    await admin.connect();
    await admin.knex.raw('create schema ??', [schema]);
    const db = new Database(`${PG_URL}?schema=${schema}`);
    try {
      await db.connect();
      const result = await db.knex.raw('select current_schema() as s');
      expect(result.rows[0].s).toBe(schema);
    } finally {
      await db.disconnect();
      await admin.knex.raw('drop schema if exists ?? cascade', [schema]);
      await admin.disconnect();
    }
  });
});

describeWithServer('Database on MariaDB/MySQL', MYSQL_URL, () => {
  databaseSuite(MYSQL_URL, unreachable(MYSQL_URL));

  it('names the failing URL with the password masked', async () => {
    const db = new Database(unreachable(MYSQL_URL));
    const error = await databaseError(() => db.connect());
    expect(error.message).toContain(':***@127.0.0.1:1/');
  });

  it('wrong credentials fail at connect() without showing the password', async () => {
    const u = new URL(MYSQL_URL);
    u.username = 'nobody_kx';
    u.password = 's3cret';
    const db = new Database(u.toString());
    const error = await databaseError(() => db.connect());
    expect(error.message).not.toContain('s3cret');
  });
});
