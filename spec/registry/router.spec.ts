import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { BaseModel, ConfigurationError, Sum, Field, ForeignKey, Manager, ManyToMany, Model, QueryError, Registry } from '../../lib';
import type { ManyRelation, QueryEvent, Relation, Router } from '../../lib';
import { describeWithServer, PG_URL, uniqueName } from '../support/servers';

/*
 * Database routers, as Django has them: tenant shards on two databases (PostgreSQL and a SQLite file), the
 * shard picked by the router from the request's ambient tenant; `using()` overrides the router.
 */

const tenant = new AsyncLocalStorage<'a' | 'b'>();
const asTenant = <T>(t: 'a' | 'b', fn: () => Promise<T>) => tenant.run(t, fn);

function declare(registry: Registry, prefix: string) {
  @Model({ registry, tablename: `${prefix}_customers` })
  class Customer extends BaseModel {
    declare static query: Manager<Customer>;
    @Field({ maxLength: 40 }) name!: string;
  }

  @Model({ registry, tablename: `${prefix}_labels`, database: 'shard_a' })
  class Label extends BaseModel {
    declare static query: Manager<Label>;
    @Field({ maxLength: 40 }) name!: string;
  }

  @Model({ registry, tablename: `${prefix}_orders`, database: 'shard_a' })
  class Order extends BaseModel {
    declare static query: Manager<Order>;
    @Field({ maxLength: 40 }) ref!: string;
    @Field() total!: number;
    @ForeignKey(() => Label, { nullable: true, relatedName: 'orders' }) label!: Relation<Label> | null;
    @ManyToMany(() => Label, { relatedName: 'taggedOrders' }) labels!: ManyRelation<Label>;
  }
  return { Customer, Label, Order };
}

describeWithServer('database routers: tenant shards on two databases', PG_URL, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'keelson-router-'));
  const prefix = uniqueName('route');
  const events: QueryEvent[] = [];
  const routed = new Set(['Order', 'Label']);
  const shardOf = (model: { meta: { name: string } }) => (routed.has(model.meta.name) ? `shard_${tenant.getStore() ?? 'a'}` : undefined);
  const router: Router = { dbForRead: shardOf, dbForWrite: shardOf };
  const registry = new Registry('sqlite::memory:', {
    extra: { shard_a: PG_URL, shard_b: `sqlite://${path.join(dir, 'shard_b.db')}` },
    router,
    onQuery: (e) => events.push(e),
  });
  const { Customer, Label, Order } = declare(registry, prefix);

  beforeAll(async () => {
    await registry.createAll({ databases: ['default', 'shard_a'] });
    await registry.metadataByName.get('shard_a')!.createAll({ on: registry.extra.shard_b });
  });
  afterAll(async () => {
    await registry.metadataByName.get('shard_a')!.dropAll({ on: registry.extra.shard_b });
    await registry.dropAll({ databases: ['default', 'shard_a'] });
    await registry.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it("sends each tenant's reads and writes to its shard; models the router leaves alone stay on their alias", async () => {
    await asTenant('a', async () => {
      await Order.query.create({ ref: 'a-1', total: 10 });
      await Order.query.bulkCreate([{ ref: 'a-2', total: 20 }]);
    });
    await asTenant('b', async () => {
      await Order.query.create({ ref: 'b-1', total: 5 });
    });
    await Customer.query.create({ name: 'Ann' });

    expect(await asTenant('a', () => Order.query.orderBy('ref').valuesList('ref', { flat: true }))).toEqual(['a-1', 'a-2']);
    expect(await asTenant('b', () => Order.query.orderBy('ref').valuesList('ref', { flat: true }))).toEqual(['b-1']);
    expect(await asTenant('b', () => Order.query.count())).toBe(1);
    expect(await asTenant('a', () => Order.query.aggregate({ total: Sum('total') }))).toEqual({ total: 30 });
    // Checked behind the router's back: the rows are where it said.
    expect((await registry.extra.shard_a.raw(`select ref from ${prefix}_orders order by ref`)).map((r) => r.ref)).toEqual(['a-1', 'a-2']);
    expect((await registry.extra.shard_b.raw(`select ref from ${prefix}_orders`)).map((r) => r.ref)).toEqual(['b-1']);
    expect((await registry.database.raw(`select name from ${prefix}_customers`)).map((r) => r.name)).toEqual(['Ann']);
  });

  it('writes an instance back where it was read from, and deletes and updates on the routed shard', async () => {
    const order = await asTenant('b', () => Order.query.get({ ref: 'b-1' }));
    // By primary key: each tenant's shard has its own row under the same key.
    const byKey = await asTenant('b', () => Order.query.get({ pk: order.pk }));
    expect([byKey.ref, (await asTenant('a', () => Order.query.get({ pk: order.pk }))).ref]).toEqual(['b-1', 'a-1']);
    await asTenant('a', async () => {
      byKey.total = 5;
      await byKey.save();
    });
    expect((await asTenant('b', () => Order.query.get({ pk: order.pk }))).total).toBe(5);
    // Saved from tenant a's context, it still goes back to shard b, where it lives.
    await asTenant('a', async () => {
      order.total = 6;
      await order.save();
    });
    expect((await registry.extra.shard_b.raw(`select total from ${prefix}_orders where ref = 'b-1'`))[0].total).toBe(6);
    expect(await asTenant('b', () => Order.query.filter({ ref: 'b-1' }).update({ total: 7 }))).toBe(1);
    expect(await asTenant('a', () => Order.query.filter({ ref: 'b-1' }).update({ total: 99 }))).toBe(0);
    expect((await asTenant('b', () => Order.query.get({ ref: 'b-1' }))).total).toBe(7);
    const [made, created] = await asTenant('b', () => Order.query.getOrCreate({ ref: 'b-2' }, { total: 1 }));
    expect([created, await asTenant('a', () => Order.query.filter({ ref: 'b-2' }).exists())]).toEqual([true, false]);
    expect(await asTenant('b', () => Order.query.filter({ ref: 'b-2' }).delete())).toBe(1);
    expect(made.ref).toBe('b-2');
  });

  it('lets using() override the router', async () => {
    const refs = await asTenant('a', () => Order.query.using('shard_b').orderBy('ref').valuesList('ref', { flat: true }));
    expect(refs).toEqual(['b-1']);
    await asTenant('a', () => Order.query.using('shard_b').create({ ref: 'b-3', total: 3 }));
    expect(await asTenant('b', () => Order.query.filter({ ref: 'b-3' }).exists())).toBe(true);
    await asTenant('b', () => Order.query.filter({ ref: 'b-3' }).delete());
  });

  it('loads relations on the shard the rows came from', async () => {
    await asTenant('b', async () => {
      const label = await Label.query.create({ name: 'rush' });
      const order = await Order.query.create({ ref: 'b-rel', total: 1, label });
      await order.labels.add(label);
    });
    const [order] = await asTenant('a', () => Order.query.using('shard_b').filter({ ref: 'b-rel' }).selectRelated('label').prefetchRelated('labels').fetch());
    expect(order.label?.name).toBe('rush');
    expect((await order.labels.all()).map((l) => l.name)).toEqual(['rush']);
  });

  it('refuses a router answer that names no database, sending no query', async () => {
    const wrong = new Registry('sqlite::memory:', {
      extra: { shard_a: 'sqlite::memory:' },
      router: { dbForRead: () => 'shard_x', dbForWrite: () => 'constructor' },
    });
    const { Customer: Lost } = declare(wrong, uniqueName('lost'));
    const seen: QueryEvent[] = [];
    wrong.database.logQueriesAs('default', (e) => seen.push(e));
    try {
      await wrong.createAll();
      seen.length = 0;
      await expect(Lost.query.count()).rejects.toThrow(ConfigurationError);
      await expect(Lost.query.filter({ name: 'x' }).fetch()).rejects.toThrow(
        /router\.dbForRead\(Customer\) returned "shard_x", which names no database of the registry \(aliases: default, shard_a\)/,
      );
      await expect(Lost.query.create({ name: 'x' })).rejects.toThrow(/router\.dbForWrite\(Customer\) returned "constructor"/);
      expect(seen).toEqual([]);
    } finally {
      await wrong.disconnect();
    }
  });

  it('checks the router option when the registry is made', () => {
    expect(() => new Registry('sqlite::memory:', { router: 'shards' as never })).toThrow(ConfigurationError);
    expect(() => new Registry('sqlite::memory:', { router: { dbForRead: 'shard_a' } as never })).toThrow(/router\.dbForRead must be a function/);
  });

  it('asks allowRelation before relating instances stored on different databases', async () => {
    for (const [answer, allowed] of [
      [false, false],
      [undefined, true],
    ] as const) {
      const strict = new Registry('sqlite::memory:', {
        extra: { shard_a: 'sqlite::memory:', shard_b: 'sqlite::memory:' },
        router: { allowRelation: () => answer },
      });
      const models = declare(strict, uniqueName('strict'));
      try {
        await strict.createAll({ databases: ['default', 'shard_a'] });
        await strict.metadataByName.get('shard_a')!.createAll({ on: strict.extra.shard_b });
        const label = await models.Label.query.create({ name: 'here' });
        const local = await models.Order.query.create({ ref: 'local', total: 1 });
        const away = await models.Order.query.using('shard_b').create({ ref: 'away', total: 1 });
        // Same database: the router is not asked.
        expect(() => (local.label = label)).not.toThrow();
        if (allowed) {
          expect(() => (away.label = label)).not.toThrow();
        } else {
          expect(() => (away.label = label)).toThrow(QueryError);
          expect(() => (away.label = label)).toThrow(/router does not allow relating Order on "shard_b" to Label on "shard_a"/);
          await expect(away.labels.add(label)).rejects.toThrow(QueryError);
          expect(
            await models.Order.query
              .using('shard_b')
              .get({ ref: 'away' })
              .then((o) => o.labels.count()),
          ).toBe(0);
        }
      } finally {
        await strict.disconnect();
      }
    }
  });
});

describeWithServer("an extra alias's own schema", PG_URL, () => {
  const schema = uniqueName('archive');
  const registry = new Registry(PG_URL, { extra: { archive: `${PG_URL}?schema=${schema}`, shard_a: 'sqlite::memory:' } });
  const { Customer } = declare(registry, uniqueName('arch'));

  beforeAll(async () => {
    await registry.createAll();
    const table = Customer.meta.tablename;
    await registry.database.raw(`create schema "${schema}"`);
    await registry.database.raw(`create table "${schema}"."${table}" (id serial primary key, name varchar(40) not null)`);
  });
  afterAll(async () => {
    await registry.database.raw(`drop schema "${schema}" cascade`);
    await registry.dropAll();
    await registry.disconnect();
  });

  it('reads, counts, updates and deletes on using(alias) in that alias’s schema, where its inserts went', async () => {
    await Customer.query.using('archive').create({ name: 'archived' });
    await Customer.query.create({ name: 'live' });
    expect(await Customer.query.using('archive').valuesList('name', { flat: true })).toEqual(['archived']);
    expect(await Customer.query.using('archive').filter({ name: 'archived' }).count()).toBe(1);
    expect(await Customer.query.using('archive').filter({ name: 'archived' }).update({ name: 'moved' })).toBe(1);
    expect((await registry.database.raw(`select name from "${schema}"."${Customer.meta.tablename}"`)).map((r) => r.name)).toEqual(['moved']);
    expect(await Customer.query.valuesList('name', { flat: true })).toEqual(['live']);
    expect(await Customer.query.using('archive').filter({ name: 'moved' }).delete()).toBe(1);
  });
});
