import {
  BaseModel,
  ConfigurationError,
  Database,
  Field,
  IntegrityError,
  Manager,
  Model,
  MultipleObjectsReturned,
  ObjectNotFound,
  Registry,
} from '../../../lib';
import type { QueryEvent } from '../../../lib';
import { StatementCache } from '../../../lib/database/statement-cache';
import { transactionContext } from '../../../lib/database/transaction-context';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { poolServes } from '../../support/pool';
import { DIALECT_URLS, describeWithServer, PG_URL, uniqueName, withUrlOption } from '../../support/servers';

/** A model on `registry`, on its own table. */
function declare(registry: Registry, tablename: string, schema?: string) {
  @Model({ registry, tablename, schema })
  class Account extends BaseModel {
    declare static query: Manager<Account>;
    @Field({ maxLength: 60, unique: true }) email!: string;
    @Field({ type: 'string', maxLength: 60, secret: true, nullable: true }) token!: string | null;
    @Field() credits!: number;
  }
  return Account;
}

describe('StatementCache', () => {
  it('keeps at most its capacity, dropping the least recently used entry', () => {
    const cache = new StatementCache<string>(2);
    cache.set('a', 'A');
    cache.set('b', 'B');
    expect(cache.get('a')).toBe('A'); // a is now the most recently used
    cache.set('c', 'C');
    expect([cache.get('a'), cache.get('b'), cache.get('c'), cache.size]).toEqual(['A', undefined, 'C', 2]);
  });

  it('keeps nothing with capacity 0', () => {
    const cache = new StatementCache<string>(0);
    cache.set('a', 'A');
    expect([cache.get('a'), cache.size]).toEqual([undefined, 0]);
  });

  it('refuses a statementCacheSize that is not a non-negative integer', () => {
    expect(() => new Database('sqlite::memory:', { statementCacheSize: -1 })).toThrow(ConfigurationError);
    expect(() => new Registry('sqlite::memory:', { statementCacheSize: 1.5 })).toThrow(/statementCacheSize must be a non-negative integer/);
  });
});

for (const { name, url: given, label } of DIALECT_URLS) {
  // Registries of one test share the database: SQLite in a file (each in-memory connection is its own database).
  const file = path.join(tmpdir(), `${uniqueName('keelson_cache')}.sqlite`);
  const url = name === 'sqlite' ? given.replace('::memory:', `://${file}`) : given;
  describeWithServer(`cached statements on ${label}`, url, () => {
    const events: QueryEvent[] = [];
    const registry = new Registry(url, { onQuery: (e) => events.push(e) });
    const Account = declare(registry, uniqueName('cache_accounts'));
    const db = registry.database;

    beforeAll(async () => {
      await registry.createAll();
      await Account.query.bulkCreate([
        { email: 'ada@example.com', credits: 10, token: 'ada-secret' },
        { email: 'bob@example.com', credits: 20, token: 'bob-secret' },
      ]);
    });
    afterAll(async () => {
      await registry.dropAll();
      await registry.disconnect();
      rmSync(file, { force: true });
    });

    it('compiles a shape once and binds each call its own values', async () => {
      const ada = await Account.query.get({ email: 'ada@example.com' });
      const size = db.statements.size;
      const bob = await Account.query.get({ email: 'bob@example.com' });
      expect([ada.credits, bob.credits]).toEqual([10, 20]);
      expect(db.statements.size).toBe(size);
      // Another shape (another lookup) is another statement.
      expect((await Account.query.filter({ credits__gte: 15 })).map((a) => a.email)).toEqual(['bob@example.com']);
      expect(db.statements.size).toBe(size + 1);
    });

    it('gets by primary key the one row, with every value, and still tells none from one and one from several', async () => {
      const ada = await Account.query.get({ email: 'ada@example.com' });
      const bob = await Account.query.get({ email: 'bob@example.com' });
      await Account.query.get({ pk: bob.pk });
      const size = db.statements.size;
      // One statement for every value of the key, each call its own row.
      expect((await Account.query.get({ pk: ada.pk })).email).toBe('ada@example.com');
      expect((await Account.query.get({ pk: bob.pk })).email).toBe('bob@example.com');
      expect(db.statements.size).toBe(size);
      for (let i = 0; i < 3; i++) {
        for (const found of [await Account.query.get({ pk: ada.pk }), await Account.query.get({ id: ada.pk } as never)]) {
          expect(found).toBeInstanceOf(Account);
          expect([found.pk, found.email, found.credits, found.token]).toEqual([ada.pk, 'ada@example.com', 10, 'ada-secret']);
        }
        // Another filter before or after the key narrows it further.
        await expect(Account.query.filter({ credits: 11 }).get({ pk: ada.pk })).rejects.toThrow(ObjectNotFound);
        await expect(Account.query.get({ pk: -1 })).rejects.toThrow(ObjectNotFound);
        await expect(Account.query.get({ credits__gte: 0 })).rejects.toThrow(MultipleObjectsReturned);
        await expect(Account.query.filter({ credits__gte: 0 }).get()).rejects.toThrow(MultipleObjectsReturned);
      }
    });

    it('tells null from a value: `= ?` and `IS NULL` are different statements', async () => {
      const none = await Account.query.create({ email: 'none@example.com', credits: 0, token: null });
      expect((await Account.query.filter({ token: null })).map((a) => a.pk)).toEqual([none.pk]);
      expect((await Account.query.filter({ token: 'ada-secret' })).map((a) => a.email)).toEqual(['ada@example.com']);
      expect((await Account.query.filter({ token: null })).map((a) => a.pk)).toEqual([none.pk]);
      await none.delete();
    });

    it('runs cached updates and deletes inside the ambient transaction, undone by its rollback', async () => {
      const ada = await Account.query.get({ email: 'ada@example.com' });
      // Warm the shapes outside the transaction first.
      await Account.query.filter({ pk: ada.pk }).update({ credits: 10 });
      await expect(
        registry.database.transaction(async () => {
          await Account.query.filter({ pk: ada.pk }).update({ credits: 99 });
          expect((await Account.query.get({ pk: ada.pk })).credits).toBe(99);
          expect(await Account.query.filter({ email: 'bob@example.com' }).delete()).toBe(1);
          expect(await Account.query.filter({ email: 'bob@example.com' }).exists()).toBe(false);
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      expect((await Account.query.get({ pk: ada.pk })).credits).toBe(10);
      expect(await Account.query.filter({ email: 'bob@example.com' }).count()).toBe(1);
    });

    it('reports cached statements to onQuery, secret values masked', async () => {
      events.length = 0;
      await Account.query.filter({ token: 'ada-secret' }).fetch();
      await Account.query.filter({ token: 'bob-secret' }).fetch();
      expect(events).toHaveLength(2);
      expect(events.map((e) => e.bindings)).toEqual([['[secret]'], ['[secret]']]);
      expect(events[1].sql).toBe(events[0].sql);
      expect(JSON.stringify(events)).not.toMatch(/ada-secret|bob-secret/);
    });

    it('turns a violation in a cached update into an IntegrityError, changing nothing', async () => {
      const ada = await Account.query.get({ email: 'ada@example.com' });
      await Account.query.filter({ pk: ada.pk }).update({ email: 'ada@example.com' });
      const failure = Account.query.filter({ pk: ada.pk }).update({ email: 'bob@example.com' });
      await expect(failure).rejects.toThrow(IntegrityError);
      expect((await Account.query.get({ pk: ada.pk })).email).toBe('ada@example.com');
    });

    /** `run` with the same table declared on a second registry over the same database, disconnected afterwards. */
    const withRegistry = async (
      registryUrl: string,
      options: ConstructorParameters<typeof Registry>[1],
      run: (registry: Registry, model: typeof Account) => Promise<void>,
    ) => {
      const other = new Registry(registryUrl, options);
      try {
        await run(other, declare(other, Account.meta.tablename));
      } finally {
        await other.disconnect();
      }
    };

    it('never makes others wait on the connection it holds between statements: on a pool of one, a query and a transaction run while a loop of cached reads goes on', async () => {
      await withRegistry(name === 'sqlite' ? url : withUrlOption(url, 'pool_max', '1'), {}, async (single, Same) => {
        let stop = false;
        let reads = 0;
        let started!: () => void;
        const firstRead = new Promise<void>((resolve) => (started = resolve));
        const loop = (async () => {
          for (let i = 0; i < 5000 && !stop; i++) {
            await Same.query.get({ email: 'ada@example.com' });
            if (++reads === 1) started();
          }
          return 'the loop ended first';
        })();
        // Not a turn of the event loop: on a synchronous driver (better-sqlite3) the whole loop runs within one.
        await firstRead;
        const other = (async () => {
          await single.database.raw('select 1 as one');
          return single.database.transaction(async () => (await Same.query.get({ email: 'bob@example.com' })).credits);
        })();
        expect(await Promise.race([other, loop])).toBe(20);
        stop = true;
        await loop;
        expect(reads).toBeGreaterThan(0);
        // The held connection goes to anyone else who asks the pool of one.
        expect(await poolServes(single.database)).toBe(true);
      });
    });

    it('with statementCacheSize 0 compiles every query and keeps nothing', async () => {
      await withRegistry(url, { statementCacheSize: 0 }, async (uncached, Same) => {
        expect((await Same.query.get({ email: 'ada@example.com' })).credits).toBe(10);
        expect(await Same.query.filter({ email: 'ada@example.com' }).update({ credits: 10 })).toBe(1);
        expect(uncached.database.statements.size).toBe(0);
      });
    });

    it('keeps at most statementCacheSize statements, the oldest dropped first', async () => {
      await withRegistry(url, { statementCacheSize: 2 }, async (small, Same) => {
        await Same.query.filter({ credits: 10 }).fetch();
        await Same.query.filter({ credits__gt: 10 }).fetch();
        await Same.query.filter({ credits__lt: 10 }).fetch();
        expect(small.database.statements.size).toBe(2);
        expect((await Same.query.filter({ credits: 20 })).map((a) => a.email)).toEqual(['bob@example.com']);
      });
    });
  });
}

describeWithServer('cached statements across schemas, aliases and connections on PostgreSQL', PG_URL, () => {
  const schemaA = uniqueName('cache_a');
  const schemaB = uniqueName('cache_b');
  const table = uniqueName('cache_tenants');
  const registry = new Registry(PG_URL, { schema: schemaA });
  const Account = declare(registry, table);
  // The default database (PostgreSQL, its public schema) and an alias on SQLite hold the same table.
  const aliased = new Registry(PG_URL, { extra: { side: 'sqlite::memory:' } });
  const Aliased = declare(aliased, table);
  const createTable = (knex: Registry['database']['knex'], target: string, credits: number) =>
    knex
      .raw(`create table ${target} (id integer primary key, email varchar(60) unique, token varchar(60), credits integer not null)`)
      .then(() => knex.raw(`insert into ${target} (id, email, credits) values (1, 'ada@example.com', ?)`, [credits]));

  beforeAll(async () => {
    await registry.connect();
    for (const schema of [schemaA, schemaB]) {
      await registry.database.knex.raw(`create schema "${schema}"`);
      await createTable(registry.database.knex, `"${schema}"."${table}"`, schema === schemaA ? 1 : 2);
    }
    await aliased.connect();
    await createTable(aliased.database.knex, `"${table}"`, 4);
    await createTable(aliased.databaseFor('side').knex, `"${table}"`, 3);
  });
  afterAll(async () => {
    for (const schema of [schemaA, schemaB]) await registry.database.knex.raw(`drop schema "${schema}" cascade`);
    await aliased.database.knex.raw(`drop table "${table}"`);
    await registry.disconnect();
    await aliased.disconnect();
  });

  it('never runs one schema’s statement on another: the same shape reads each schema’s own rows', async () => {
    for (let round = 0; round < 2; round++) {
      expect((await Account.query.get({ email: 'ada@example.com' })).credits).toBe(1);
      expect((await Account.query.usingSchema(schemaB).get({ email: 'ada@example.com' })).credits).toBe(2);
      expect((await Account.query.usingSchema(schemaA).get({ email: 'ada@example.com' })).credits).toBe(1);
      // By primary key, through the statements of `get()` by key.
      expect((await Account.query.get({ pk: 1 })).credits).toBe(1);
      expect((await Account.query.usingSchema(schemaB).get({ pk: 1 })).credits).toBe(2);
      expect((await registry.withSchema(schemaB, () => Account.query.get({ pk: 1 }))).credits).toBe(2);
      expect((await Account.query.usingSchema(schemaA).get({ id: 1 } as never)).credits).toBe(1);
    }
    // An instance remembers the schema it was read from: saved, it goes back there.
    const fromB = await Account.query.usingSchema(schemaB).get({ pk: 1 });
    fromB.credits = 22;
    await fromB.save();
    expect([(await Account.query.get({ pk: 1 })).credits, (await Account.query.usingSchema(schemaB).get({ pk: 1 })).credits]).toEqual([1, 22]);
    await Account.query.usingSchema(schemaB).filter({ pk: 1 }).update({ credits: 2 });
  });

  it('keeps each alias’s statements on its own database, in its own dialect', async () => {
    for (let round = 0; round < 2; round++) {
      expect((await Aliased.query.using('side').get({ email: 'ada@example.com' })).credits).toBe(3);
      expect((await Aliased.query.get({ email: 'ada@example.com' })).credits).toBe(4);
      expect(await Aliased.query.using('side').filter({ pk: 1 }).update({ credits: 3 })).toBe(1);
      expect((await Aliased.query.using('side').get({ pk: 1 })).credits).toBe(3);
      expect((await Aliased.query.get({ pk: 1 })).credits).toBe(4);
    }
    expect(aliased.database.statements.size).toBe(2);
    expect(aliased.databaseFor('side').statements.size).toBe(3);
  });

  it('runs a cached read outside a transaction on another connection: it never sees the transaction’s rows', async () => {
    let seenOutside: number | undefined;
    let seenOutsideByKey: number | undefined;
    await registry.database.transaction(async () => {
      await Account.query.filter({ email: 'ada@example.com' }).update({ credits: 50 });
      expect((await Account.query.get({ email: 'ada@example.com' })).credits).toBe(50);
      expect((await Account.query.get({ pk: 1 })).credits).toBe(50);
      // A read from a context outside the transaction, while it is open.
      seenOutside = (await transactionContext.exit(() => Account.query.get({ email: 'ada@example.com' }))).credits;
      seenOutsideByKey = (await transactionContext.exit(() => Account.query.get({ pk: 1 }))).credits;
      await Account.query.filter({ email: 'ada@example.com' }).update({ credits: 1 });
    });
    expect([seenOutside, seenOutsideByKey]).toEqual([1, 1]);
  });
});
