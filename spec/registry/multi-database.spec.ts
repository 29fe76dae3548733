import { BaseModel, Database, Field, ForeignKey, Manager, Model, Registry } from '../../lib';
import type { Relation, RelatedManager } from '../../lib';
import { describeWithServer, PG_URL, uniqueName } from '../support/servers';

/**
 * A PostgreSQL primary with an SQLite extra: models bound to each, a foreign key across them (no
 * database constraint), traversal by a second query on the other alias.
 */
function declare(registry: Registry, prefix: string) {
  @Model({ registry, tablePrefix: prefix })
  class Customer extends BaseModel {
    declare static query: Manager<Customer>;
    declare visits: RelatedManager<Visit>;
    @Field() name!: string;
  }

  @Model({ registry, tablePrefix: prefix, database: 'analytics' })
  class Visit extends BaseModel {
    declare static query: Manager<Visit>;
    @Field() page!: string;
    @ForeignKey(Customer, { relatedName: 'visits' }) customer!: Relation<Customer>;
  }

  @Model({ registry, tablePrefix: prefix, database: 'analytics' })
  class Click extends BaseModel {
    declare static query: Manager<Click>;
    @ForeignKey(Visit, { relatedName: 'clicks' }) visit!: Relation<Visit>;
    @Field() target!: string;
  }
  return { Customer, Visit, Click };
}

describeWithServer('a PostgreSQL primary with an SQLite extra', PG_URL, () => {
  const analytics = new Database('sqlite::memory:');
  const registry = new Registry(PG_URL, { extra: { analytics } });
  const prefix = uniqueName('multi');
  const { Customer, Visit, Click } = declare(registry, prefix);

  beforeAll(async () => {
    await registry.connect();
    await registry.createAll({ databases: ['default', 'analytics'] });
    const [ann, bob] = await Customer.query.bulkCreate([{ name: 'Ann' }, { name: 'Bob' }]);
    const home = await Visit.query.create({ page: '/home', customer: ann });
    await Visit.query.create({ page: '/shop', customer: ann });
    await Visit.query.create({ page: '/home', customer: bob });
    await Click.query.create({ visit: home, target: 'buy' });
  });

  afterAll(async () => {
    await registry.dropAll({ databases: ['default', 'analytics'] });
    await registry.disconnect();
  });

  it('keeps each table in its alias metadata, with no constraint across databases', async () => {
    expect([...registry.metadataByName.get('default')!.tables.keys()]).toEqual([`${prefix}_customers`]);
    expect([...registry.metadataByName.get('analytics')!.tables.keys()].sort()).toEqual([`${prefix}_clicks`, `${prefix}_visits`]);
    expect(registry.metadataByName.get('analytics')!.tables.get(`${prefix}_visits`)!.foreignKeys).toEqual([]);
    expect(registry.metadataByName.get('analytics')!.tables.get(`${prefix}_clicks`)!.foreignKeys).toHaveLength(1);
    const pgTables = await registry.database.driver.listTables(registry.database.knex);
    expect(pgTables.has(`${prefix}_visits`)).toBe(false);
    expect((await analytics.driver.listTables(analytics.knex)).has(`${prefix}_visits`)).toBe(true);
  });

  it('filters across the databases by a second query on the other alias', async () => {
    const pages = await Visit.query.filter({ customer__name: 'Ann' }).orderBy('page').valuesList('page', { flat: true });
    expect(pages).toEqual(['/home', '/shop']);
    expect(await Click.query.filter({ visit__customer__name: 'Ann' }).count()).toBe(1);
    const homeVisitors = await Customer.query.filter({ visits__page: '/home' }).orderBy('name').valuesList('name', { flat: true });
    expect(homeVisitors).toEqual(['Ann', 'Bob']);
    expect(await Customer.query.exclude({ visits__page: '/shop' }).valuesList('name', { flat: true })).toEqual(['Bob']);
  });

  it('loads related rows from the other database with selectRelated and prefetchRelated', async () => {
    const visits = await Visit.query.selectRelated('customer').orderBy('id');
    expect(visits.map((v) => `${v.page}:${v.customer.name}`)).toEqual(['/home:Ann', '/shop:Ann', '/home:Bob']);
    const customers = await Customer.query.prefetchRelated('visits').orderBy('name');
    const seen = await Promise.all(customers.map(async (c) => `${c.name}:${(await c.visits.all()).length}`));
    expect(seen).toEqual(['Ann:2', 'Bob:1']);
  });

  it('reverse managers query the other database', async () => {
    const bob = await Customer.query.get({ name: 'Bob' });
    expect((await bob.visits.all()).map((v) => v.page)).toEqual(['/home']);
    await bob.visits.create({ page: '/help' });
    expect(await bob.visits.count()).toBe(2);
  });
});
