import {
  BaseModel,
  Database,
  Field,
  IntegrityError,
  Manager,
  Model,
  ObjectNotFound,
  QueryError,
  Registry,
  ValidationError,
  type QueryEvent,
} from '../../../lib';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { uniqueName } from '../../support/servers';

/**
 * better-sqlite3 answers a cached statement synchronously, and keelson passes that answer along as a value
 * instead of a promise per layer. What a caller sees must not change: every public call returns a promise,
 * failures reject it (never throw at the call), transactions, query listeners and replicas behave as on
 * any other driver, and statements run in the order they were called.
 */
function declare(registry: Registry, tablename: string) {
  @Model({ registry, tablename })
  class Account extends BaseModel {
    declare static query: Manager<Account>;
    @Field({ maxLength: 60, unique: true }) email!: string;
    @Field() credits!: number;
  }
  return Account;
}

const seed = [
  { email: 'ada@example.com', credits: 10 },
  { email: 'bob@example.com', credits: 20 },
];

describe('cached statements answered now (better-sqlite3)', () => {
  const registry = new Registry('sqlite+better-sqlite3::memory:');
  const Account = declare(registry, uniqueName('sync_accounts'));

  beforeAll(async () => {
    await registry.createAll();
    await Account.query.bulkCreate(seed);
  });
  afterAll(() => registry.disconnect());

  it('returns a promise from get, filter, update and delete, also when the statement is cached', async () => {
    for (let round = 0; round < 2; round++) {
      const got = Account.query.get({ email: 'ada@example.com' });
      const listed = Account.query.filter({ credits__gte: 0 }).fetch();
      const updated = Account.query.filter({ email: 'nobody@example.com' }).update({ credits: 1 });
      const deleted = Account.query.filter({ email: 'nobody@example.com' }).delete();
      expect([got, listed, updated, deleted].every((p) => p instanceof Promise)).toBe(true);
      expect((await got).credits).toBe(10);
      expect((await listed).length).toBe(2);
      expect([await updated, await deleted]).toEqual([0, 0]);
    }
  });

  it('rejects (never throws at the call) for a bad field, a missing row and a failing statement', async () => {
    await Account.query.get({ email: 'ada@example.com' }); // the shape is cached
    let missing: Promise<unknown> | undefined;
    let badField: Promise<unknown> | undefined;
    let clash: Promise<unknown> | undefined;
    expect(() => {
      missing = Account.query.get({ email: 'nobody@example.com' });
      badField = Account.query.get({ emial: 'ada@example.com' } as never);
      clash = Account.query.filter({ email: 'bob@example.com' }).update({ email: 'ada@example.com' });
    }).not.toThrow();
    const [m, b, c] = await Promise.allSettled([missing, badField, clash]);
    expect(m.status === 'rejected' && m.reason).toBeInstanceOf(ObjectNotFound);
    expect(b.status === 'rejected' && b.reason).toBeInstanceOf(QueryError);
    expect(c.status === 'rejected' && c.reason).toBeInstanceOf(IntegrityError);
    // The failed update wrote nothing, and the connection it used serves the next statement.
    expect((await Account.query.get({ email: 'bob@example.com' })).credits).toBe(20);
  });

  it('creates through the same lane: a promise, keys set, failures rejected and nothing written', async () => {
    const created = Account.query.create({ email: 'cy@example.com', credits: 5 });
    expect(created).toBeInstanceOf(Promise);
    const cy = await created;
    expect(typeof cy.pk).toBe('number');
    expect((await Account.query.get({ pk: cy.pk })).email).toBe('cy@example.com');
    let duplicate: Promise<unknown> | undefined;
    let invalid: Promise<unknown> | undefined;
    expect(() => {
      duplicate = Account.query.create({ email: 'cy@example.com', credits: 6 });
      invalid = Account.query.create({ email: 'x'.repeat(61), credits: 7 });
    }).not.toThrow();
    const [d, v] = await Promise.allSettled([duplicate, invalid]);
    expect(d.status === 'rejected' && d.reason).toBeInstanceOf(IntegrityError);
    expect(v.status === 'rejected' && v.reason).toBeInstanceOf(ValidationError);
    expect(await Account.query.filter({ credits__in: [6, 7] }).count()).toBe(0);
    await Account.query.filter({ pk: cy.pk }).delete();
  });

  it('runs statements in the order they were called, awaited or not', async () => {
    const raise = Account.query.filter({ email: 'ada@example.com' }).update({ credits: 11 });
    const read = Account.query.get({ email: 'ada@example.com' });
    const lower = Account.query.filter({ email: 'ada@example.com' }).update({ credits: 10 });
    const again = Account.query.get({ email: 'ada@example.com' });
    expect([await raise, (await read).credits, await lower, (await again).credits]).toEqual([1, 11, 1, 10]);
  });

  it('keeps a transaction’s statements in the transaction: a rollback undoes them', async () => {
    await expect(
      registry.database.transaction(async () => {
        await Account.query.filter({ email: 'ada@example.com' }).update({ credits: 99 });
        expect((await Account.query.get({ email: 'ada@example.com' })).credits).toBe(99);
        await Account.query.filter({ email: 'bob@example.com' }).delete();
        await Account.query.create({ email: 'dee@example.com', credits: 30 });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect((await Account.query.filter({ credits__gte: 0 }).orderBy('email')).map((a) => [a.email, a.credits])).toEqual([
      ['ada@example.com', 10],
      ['bob@example.com', 20],
    ]);
  });
});

describe('cached statements with a query listener (better-sqlite3)', () => {
  const events: QueryEvent[] = [];
  const registry = new Registry('sqlite+better-sqlite3::memory:', { onQuery: (e) => events.push(e) });
  const Account = declare(registry, uniqueName('sync_listened'));

  beforeAll(async () => {
    await registry.createAll();
    await Account.query.bulkCreate(seed);
  });
  afterAll(() => registry.disconnect());

  it('reports every statement, repeats included, with its bindings and duration', async () => {
    events.length = 0;
    await Account.query.get({ email: 'ada@example.com' });
    await Account.query.get({ email: 'bob@example.com' });
    await Account.query.filter({ email: 'bob@example.com' }).update({ credits: 21 });
    await Account.query.create({ email: 'cy@example.com', credits: 5 });
    await Account.query.create({ email: 'dee@example.com', credits: 6 });
    expect(events.filter((e) => /^insert/i.test(e.sql)).map((e) => e.bindings)).toEqual([
      ['cy@example.com', 5],
      ['dee@example.com', 6],
    ]);
    const selects = events.filter((e) => /^select/i.test(e.sql));
    expect(selects.map((e) => e.bindings?.[0])).toEqual(['ada@example.com', 'bob@example.com']);
    expect(events.filter((e) => /^update/i.test(e.sql)).length).toBe(1);
    expect(events.every((e) => typeof e.durationMs === 'number' && e.durationMs >= 0)).toBe(true);
  });
});

describe('cached statements on a replica (better-sqlite3 files)', () => {
  const primaryFile = path.join(tmpdir(), `${uniqueName('keelson_sync_primary')}.sqlite`);
  const replicaFile = path.join(tmpdir(), `${uniqueName('keelson_sync_replica')}.sqlite`);
  const tablename = uniqueName('sync_replicated');
  // The "replica" is a second file holding other rows, so where a read went shows in what it returns.
  const replicaRegistry = new Registry(`sqlite+better-sqlite3://${replicaFile}`);
  const OnReplica = declare(replicaRegistry, tablename);
  const registry = new Registry(
    new Database(`sqlite+better-sqlite3://${primaryFile}`, { replicas: [`sqlite+better-sqlite3://${replicaFile}`], sticky: false }),
  );
  const Account = declare(registry, tablename);

  beforeAll(async () => {
    await replicaRegistry.createAll();
    await OnReplica.query.create({ email: 'ada@example.com', credits: 1000 });
    await registry.createAll();
    await Account.query.bulkCreate(seed);
  });
  afterAll(async () => {
    await registry.disconnect();
    await replicaRegistry.disconnect();
    rmSync(primaryFile, { force: true });
    rmSync(replicaFile, { force: true });
  });

  it('reads from the replica and writes to the primary, repeat shapes included', async () => {
    for (let round = 0; round < 2; round++) {
      const read = Account.query.get({ email: 'ada@example.com' });
      expect(read).toBeInstanceOf(Promise);
      expect((await read).credits).toBe(1000);
    }
    await expect(Account.query.get({ email: 'bob@example.com' })).rejects.toBeInstanceOf(ObjectNotFound);
    // By primary key too: key 1 is ada on both, with 1000 credits on the replica and 10 on the primary.
    for (let round = 0; round < 2; round++) {
      expect((await Account.query.get({ pk: 1 })).credits).toBe(1000);
      expect((await Account.query.usingPrimary().get({ pk: 1 })).credits).toBe(10);
    }
    expect(await Account.query.filter({ email: 'bob@example.com' }).update({ credits: 22 })).toBe(1);
    expect((await OnReplica.query.filter({ credits: 22 })).length).toBe(0);
  });
});

describe('one-row inserts read only their key (better-sqlite3 file, WAL)', () => {
  const file = path.join(tmpdir(), `${uniqueName('keelson_sync_insert')}.sqlite`);
  const tablename = uniqueName('sync_inserted');
  const registry = new Registry(`sqlite+better-sqlite3://${file}`);
  const Account = declare(registry, tablename);
  // A second connection to the same file, as another process would have.
  const other = new Registry(`sqlite+better-sqlite3://${file}`);
  const Elsewhere = declare(other, tablename);

  beforeAll(async () => {
    await registry.createAll();
    await registry.database.raw('pragma journal_mode = wal');
  });
  afterAll(async () => {
    await registry.disconnect();
    await other.disconnect();
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  });

  it('sets the key and leaves the row committed: another connection reads it and writes at once', async () => {
    for (let i = 0; i < 3; i++) {
      const created = await Account.query.create({ email: `one${i}@example.com`, credits: i });
      expect(typeof created.pk).toBe('number');
      const seen = await Elsewhere.query.get({ email: `one${i}@example.com` });
      expect([seen.pk, seen.credits]).toEqual([created.pk, i]);
      // No lock left behind by the insert: the other connection writes without waiting.
      expect(await Elsewhere.query.filter({ pk: created.pk }).update({ credits: 100 + i })).toBe(1);
      expect((await Account.query.get({ pk: created.pk })).credits).toBe(100 + i);
    }
    const keys = (
      await Account.query.bulkCreate([
        { email: 'many1@example.com', credits: 1 },
        { email: 'many2@example.com', credits: 2 },
      ])
    ).map((a) => a.pk);
    expect(keys[1]).toBe(keys[0] + 1);
    expect(await Elsewhere.query.filter({ email__startswith: 'many' }).count()).toBe(2);
  });
});
