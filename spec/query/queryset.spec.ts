import { BaseModel, Field, ForeignKey, Model, Q, QueryError, Registry, Relation } from '../../lib';
import { describeOnSqliteAndPostgres, uniqueName } from '../support/servers';

function declare(registry: Registry, prefix: string) {
  @Model({ registry, tablePrefix: prefix })
  class Owner extends BaseModel {
    @Field() name!: string;
  }
  @Model({ registry, tablePrefix: prefix })
  class Item extends BaseModel {
    @Field() label!: string;
    @Field() rank!: number;
    @ForeignKey(Owner, { nullable: true, onDelete: 'SET NULL' }) owner!: Relation<Owner> | null;
  }
  return { Owner, Item };
}

describeOnSqliteAndPostgres('query slice', (url) => {
  const registry = new Registry(url);
  const { Owner, Item } = declare(registry, uniqueName('qs'));

  beforeAll(async () => {
    await registry.createAll();
    const ann = await Owner.query.create({ name: 'Ann' });
    await Item.query.create({ label: '100%_sure', rank: 1, owner: ann });
    await Item.query.create({ label: '100 percent', rank: 2, owner: ann });
    await Item.query.create({ label: 'Plain', rank: 3 });
  });

  afterAll(async () => {
    await registry.dropAll();
    await registry.disconnect();
  });

  it('filters with lookups, Q objects and relation traversal', async () => {
    const labels = async (qs: PromiseLike<InstanceType<typeof Item>[]>) => (await qs).map((i) => i.label);
    expect(await labels(Item.query.filter({ label__contains: '%_' }))).toEqual(['100%_sure']);
    expect(await labels(Item.query.filter({ label__icontains: 'PLAIN' }))).toEqual(['Plain']);
    expect(await labels(Item.query.filter({ label__contains: 'plain' }))).toEqual([]);
    expect(await labels(Item.query.filter({ rank__in: [1, 3] }).orderBy('-rank'))).toEqual(['Plain', '100%_sure']);
    expect(await labels(Item.query.filter({ owner__isnull: true }))).toEqual(['Plain']);
    expect(await labels(Item.query.filter(Q.or({ rank: 1 }, { rank__gte: 3 })).orderBy('rank'))).toEqual(['100%_sure', 'Plain']);
    // Django's semantics: an item without an owner has no owner named Ann, so exclude keeps it.
    expect(await labels(Item.query.exclude({ owner__name: 'Ann' }))).toEqual(['Plain']);
    expect(await Item.query.filter({ owner__name__startswith: 'A' }).count()).toBe(2);
    expect(await labels(Item.query.filter({ pk: 3 }))).toEqual(['Plain']);
  });

  it('refuses unknown fields and lookups with QueryError before any SQL, and binds hostile values', async () => {
    await expect(Item.query.filter({ nope: 1 }).fetch()).rejects.toThrow(QueryError);
    await expect(Item.query.filter({ rank__near: 1 }).fetch()).rejects.toThrow(/unknown lookup "near"/);
    await expect(Item.query.orderBy('rank; drop table x').fetch()).rejects.toThrow(QueryError);
    const hostile = "x'); drop table items; --";
    expect(await Item.query.filter({ label: hostile }).count()).toBe(0);
    await Item.query.create({ label: hostile, rank: 9 });
    expect(await Item.query.filter({ label: hostile }).count()).toBe(1);
    expect(await Item.query.count()).toBe(4);
  });

  it('a related instance saved after assignment gives its key on insert', async () => {
    const owner = new Owner({ name: 'Later' });
    const item = new Item({ label: 'linked', rank: 12, owner });
    await owner.save();
    await item.save();
    expect((item as unknown as { owner_id: number }).owner_id).toBe(owner.pk);
    expect(await Item.query.filter({ owner__name: 'Later' }).count()).toBe(1);
    await item.delete();
  });

  it('instances save, update, reload and delete', async () => {
    const item = new Item({ label: 'fresh', rank: 10 });
    await item.save();
    expect(typeof item.pk).toBe('number');
    await item.update({ rank: 11 });
    const copy = new Item({ id: item.pk });
    await copy.load();
    expect(copy.rank).toBe(11);
    expect(copy.owner).toBeNull();
    expect(await item.delete()).toBe(1);
    expect(await Item.query.filter({ pk: item.pk }).count()).toBe(0);
  });
});
