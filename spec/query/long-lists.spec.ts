import { BaseModel, Field, Model, Q, Registry } from '../../lib';
import { DIALECT_URLS, describeWithServer, uniqueName } from '../support/servers';

/** `in` lists far beyond the drivers' limits on bound parameters (65,535 on PostgreSQL, 32,766 on SQLite). */
function declare(registry: Registry, prefix: string) {
  @Model({ registry, tablePrefix: prefix })
  class Point extends BaseModel {
    @Field({ maxLength: 30 }) label!: string;
    @Field() n!: number;
  }
  return Point;
}

for (const { name, url, label } of DIALECT_URLS) {
  const body = () => {
    const registry = new Registry(url);
    const Point = declare(registry, uniqueName('long'));

    beforeAll(async () => {
      await registry.createAll();
      await Point.query.bulkCreate(Array.from({ length: 300 }, (_, i) => ({ label: `p'${i},"x"{}`, n: i })));
    });
    afterAll(async () => {
      await registry.dropAll();
      await registry.disconnect();
    });

    it('filters by 70,000 keys, and excludes by them', async () => {
      const ids = (await Point.query.valuesList('id', { flat: true })) as number[];
      const many = [...ids, ...Array.from({ length: 70_000 }, (_, i) => 10_000_000 + i)];
      expect(await Point.query.filter({ id__in: many }).count()).toBe(300);
      expect(await Point.query.filter({ pk__in: many.slice(150) }).count()).toBe(150);
      expect(await Point.query.exclude({ id__in: many.slice(100) }).count()).toBe(100);
      expect(await Point.query.filter(Q.or({ id__in: many.slice(299) }, { n: 0 })).count()).toBe(2);
    });

    it('matches strings with quotes, commas and braces in a long list', async () => {
      const labels = [...Array.from({ length: 300 }, (_, i) => `p'${i},"x"{}`), ...Array.from({ length: 40_000 }, (_, i) => `none ${i}`)];
      expect(await Point.query.filter({ label__in: labels }).count()).toBe(300);
      expect(await Point.query.filter({ label__in: labels.slice(299) }).count()).toBe(1);
    });
  };
  if (name === 'sqlite') describe(`long in-lists on ${label}`, body);
  else describeWithServer(`long in-lists on ${label}`, url, body);
}
