import type { Knex } from 'knex';
import { BaseModel, Database, DatabaseError, Field, Model, Registry } from '../../lib';
import { describeWithServer, MYSQL_URL, PG_URL, uniqueName } from '../support/servers';
import { expectOnlyConnectionWarnings } from '../support/connection-warnings';

/** `url` with one more query option. */
function withOption(url: string, option: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}${option}`;
}

/** The Knex pool's configured maximum. */
const poolMax = (db: Database) => (db.knex.client as { pool: { max: number } }).pool.max;

function declareCounter(registry: Registry, tablename: string) {
  @Model({ registry, tablename })
  class Tick extends BaseModel {
    @Field() n!: number;
  }
  return Tick;
}

describe('pool size', () => {
  it('defaults to 1 on SQLite and honours nothing larger there', async () => {
    const db = new Database('sqlite::memory:');
    await db.connect();
    try {
      expect(poolMax(db)).toBe(1);
    } finally {
      await db.disconnect();
    }
  });

  for (const [label, url] of [
    ['PostgreSQL', PG_URL],
    ['MariaDB', MYSQL_URL],
  ] as const) {
    describeWithServer(`on ${label}`, url, () => {
      it('defaults to 10 and follows ?pool_max=N', async () => {
        const plain = new Database(url);
        const sized = new Database(withOption(url, 'pool_max=3'));
        await plain.connect();
        await sized.connect();
        try {
          expect(poolMax(plain)).toBe(10);
          expect(poolMax(sized)).toBe(3);
          // pool_max is keelson's, not the driver's: it stays out of the connection settings.
          expect(JSON.stringify((sized.knex.client as { config: Knex.Config }).config.connection)).not.toContain('pool_max');
        } finally {
          await plain.disconnect();
          await sized.disconnect();
        }
      });
    });
  }
});

describeWithServer('a connection killed server-side on PostgreSQL', PG_URL, () => {
  let registry: Registry;
  let admin: Database;
  let Tick: ReturnType<typeof declareCounter>;
  // Knex warns through keelson's logger when a killed connection errors (when depends on when the driver reads
  // the FATAL message): kept from the test output, and checked to be only that.

  /** The backend pid of the (single) pooled connection, asked through the registry. */
  const backendPid = async (): Promise<number> => {
    const result = await (await registry.runner()).raw('select pg_backend_pid() as pid');
    return Number(result.rows[0].pid);
  };
  const terminate = async (pid: number) => {
    const result = await admin.knex.raw('select pg_terminate_backend(?) as done', [pid]);
    expect(result.rows[0].done).toBe(true);
  };

  beforeAll(async () => {
    // One connection, so the next query is certain to meet the killed one.
    registry = new Registry(withOption(PG_URL, 'pool_max=1'), { schema: uniqueName('faults') });
    Tick = declareCounter(registry, 'ticks');
    admin = new Database(PG_URL);
    await admin.connect();
    await registry.connect();
    await registry.createAll();
  });

  afterAll(async () => {
    await registry.dropAll();
    await registry.disconnect();
    await admin.disconnect();
  });
  // Declared after the suite's own afterAll, so warnings of the disconnects above are still captured and checked.
  expectOnlyConnectionWarnings();

  it('fails the query in flight with DatabaseError, then recovers on a fresh connection', async () => {
    await Tick.query.create({ n: 1 });
    const pid = await backendPid();
    // Hold a lock so keelson's next query is certainly in flight on that connection when it dies.
    const table = `${registry.dbSchema}.${Tick.meta.tablename}`;
    const locker = await admin.knex.transaction();
    try {
      await locker.raw(`lock table ${table} in access exclusive mode`);
      const blocked = Tick.query.count();
      // Wait until the backend is waiting on the lock, then kill it.
      for (let i = 0; i < 100; i++) {
        const r = await admin.knex.raw('select wait_event_type from pg_stat_activity where pid = ?', [pid]);
        if (r.rows[0]?.wait_event_type === 'Lock') break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await terminate(pid);
      const error = await blocked.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DatabaseError);
      expect((error as DatabaseError).code).toBe('57P01');
      // The very next query (straight away, before the socket has closed) runs on a new backend.
      expect(await backendPid()).not.toBe(pid);
    } finally {
      await locker.rollback();
    }
    expect(await Tick.query.count()).toBe(1);
  });

  it('the next query after a kill fails with DatabaseError (or is spared), and the one after succeeds', async () => {
    const pid = await backendPid();
    await terminate(pid);
    // Whether this query meets the dead connection depends on whether the FATAL message has been read
    // yet; if it has, the pool discarded the connection already and the query just works.
    let failures = 0;
    try {
      await Tick.query.count();
    } catch (error) {
      failures++;
      expect(error).toBeInstanceOf(DatabaseError);
    }
    expect(failures).toBeLessThanOrEqual(1);
    expect(await Tick.query.count()).toBe(1);
    expect(await backendPid()).not.toBe(pid);
  });

  it('an idle connection killed earlier is replaced without any failure', async () => {
    const pid = await backendPid();
    await terminate(pid);
    // Give the driver time to read the FATAL message on the idle socket.
    for (let i = 0; i < 50; i++) {
      const r = await admin.knex.raw('select count(*)::int as n from pg_stat_activity where pid = ?', [pid]);
      if (r.rows[0].n === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await Tick.query.count()).toBe(1);
    expect(await backendPid()).not.toBe(pid);
  });

  it('a Knex config object gets the same guard', async () => {
    const fromUrl = new Database(PG_URL);
    const config = (fromUrl as unknown as { config: Knex.Config }).config;
    let userHookRan = false;
    const db = new Database({
      client: 'pg',
      connection: config.connection,
      pool: {
        min: 0,
        max: 1,
        afterCreate: (conn: unknown, done: (err: Error | null, conn: unknown) => void) => {
          userHookRan = true;
          done(null, conn);
        },
      },
    });
    await db.connect();
    try {
      const pid = Number((await db.knex.raw('select pg_backend_pid() as pid')).rows[0].pid);
      expect(userHookRan).toBe(true);
      const locker = await admin.knex.transaction();
      const table = uniqueName('locked');
      await admin.knex.raw(`create table ${table} (id int)`);
      try {
        await locker.raw(`lock table ${table} in access exclusive mode`);
        // A Knex builder is lazy: Promise.resolve() sends it now.
        const blocked = Promise.resolve(db.knex.raw(`select count(*) from ${table}`));
        for (let i = 0; i < 100; i++) {
          const r = await admin.knex.raw('select wait_event_type from pg_stat_activity where pid = ?', [pid]);
          if (r.rows[0]?.wait_event_type === 'Lock') break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await terminate(pid);
        await expect(blocked).rejects.toThrow(/terminating connection/);
      } finally {
        await locker.rollback();
        await admin.knex.raw(`drop table ${table}`);
      }
      // Discarded at once: the next query gets a new connection instead of "Connection terminated".
      const next = Number((await db.knex.raw('select pg_backend_pid() as pid')).rows[0].pid);
      expect(next).not.toBe(pid);
    } finally {
      await db.disconnect();
    }
  });
});

for (const [label, url] of [
  ['PostgreSQL', PG_URL],
  ['MariaDB', MYSQL_URL],
] as const) {
  describeWithServer(`200 concurrent creates through a pool of 5 on ${label}`, url, () => {
    let registry: Registry;
    let Tick: ReturnType<typeof declareCounter>;

    beforeAll(async () => {
      registry = new Registry(withOption(url, 'pool_max=5'));
      Tick = declareCounter(registry, uniqueName('ticks'));
      await registry.connect();
      await registry.createAll();
    });

    afterAll(async () => {
      await registry.dropAll();
      await registry.disconnect();
    });

    it('all land and the count matches', async () => {
      expect(poolMax(registry.database)).toBe(5);
      const made = await Promise.all(Array.from({ length: 200 }, (_, n) => Tick.query.create({ n })));
      expect(new Set(made.map((t) => t.pk)).size).toBe(200);
      expect(await Tick.query.count()).toBe(200);
      const ns = (await Tick.query.orderBy('n').all()).map((t) => t.n);
      expect(ns).toEqual(Array.from({ length: 200 }, (_, n) => n));
      // Never more than the pool's five connections were open.
      const pool = registry.database.knex.client as { pool: { numUsed(): number; numFree(): number } };
      expect(pool.pool.numUsed() + pool.pool.numFree()).toBeLessThanOrEqual(5);
    });
  });
}
