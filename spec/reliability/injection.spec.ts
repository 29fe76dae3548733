import { BaseModel, Field, ForeignKey, KeelsonError, Model, Q, QueryError, Registry, Relation } from '../../lib';
import { rejection } from '../support/rejection';
import { DIALECT_URLS, describeWithServer, uniqueName } from '../support/servers';

/**
 * Hostile input through every kind of key and value: values are always bound (they come back as data,
 * the tables survive), identifiers are checked against the model before any SQL is sent.
 */
const HOSTILE = [
  "x'); drop table victims; --",
  'x"; drop table victims; --',
  "' or '1'='1",
  '` or 1=1 -- ',
  "\\'; select pg_sleep(5); --",
  '%_!*?[]',
  '$1 $2 ? ?? :name',
  "robert'); DELETE FROM victims WHERE ('1'='1",
  '😀 𝕏 ᚠ',
];

function declare(registry: Registry, prefix: string) {
  @Model({ registry, tablePrefix: prefix })
  class Owner extends BaseModel {
    @Field({ maxLength: 100 }) name!: string;
  }

  @Model({ registry, tablePrefix: prefix, tablename: 'victims' })
  class Victim extends BaseModel {
    @Field({ maxLength: 100 }) label!: string;
    @Field({ type: 'json', nullable: true }) data?: unknown;
    @ForeignKey(() => Owner, { nullable: true }) owner!: Relation<Owner> | null;
  }
  return { Owner, Victim };
}

for (const { name, url, label } of DIALECT_URLS) {
  const body = () => {
    const registry = new Registry(url);
    const { Owner, Victim } = declare(registry, uniqueName('inj'));
    let sent: string[] = [];
    const listen = (q: { sql: string }) => sent.push(q.sql);

    beforeAll(async () => {
      await registry.createAll();
      const owner = await Owner.query.create({ name: HOSTILE[0] });
      await Victim.query.bulkCreate(HOSTILE.map((label) => ({ label, data: { label }, owner })));
      registry.database.knex.on('query', listen);
    });
    beforeEach(() => {
      sent = [];
    });
    afterAll(async () => {
      registry.database.knex.off('query', listen);
      await registry.dropAll();
      await registry.disconnect();
    });

    it('stores and finds every hostile value exactly, through every lookup', async () => {
      for (const value of HOSTILE) {
        expect(await Victim.query.filter({ label: value }).count()).toBe(1);
        expect(await Victim.query.filter({ label__iexact: value }).count()).toBe(1);
        expect(await Victim.query.filter({ label__contains: value }).count()).toBe(1);
        expect(await Victim.query.filter({ label__startswith: value, label__endswith: value }).count()).toBe(1);
        expect(await Victim.query.filter({ label__in: [value, 'other'] }).count()).toBe(1);
        expect(await Victim.query.filter(Q.or({ label: value }, { label__gt: value })).count()).toBeGreaterThanOrEqual(1);
        expect(await Victim.query.filter({ owner__name: value }).count()).toBe(value === HOSTILE[0] ? HOSTILE.length : 0);
        expect(await Victim.query.exclude({ label: value }).count()).toBe(HOSTILE.length - 1);
      }
      expect(await Victim.query.count()).toBe(HOSTILE.length);
      const labels = await Victim.query.orderBy('id').valuesList('label', { flat: true });
      expect(labels).toEqual(HOSTILE);
    });

    it('writes hostile values through update, getOrCreate and updateOrCreate as data', async () => {
      for (const value of HOSTILE) {
        const [made, created] = await Owner.query.getOrCreate({ name: `${value}!` });
        expect(created).toBe(true);
        await Owner.query.filter({ pk: made.pk }).update({ name: `${value}?` });
        const [again] = await Owner.query.updateOrCreate({ name: `${value}?` }, { name: `${value}.` });
        expect(again.name).toBe(`${value}.`);
      }
      expect(await Owner.query.filter({ name__endswith: '.' }).count()).toBe(HOSTILE.length);
      expect(await Victim.query.count()).toBe(HOSTILE.length);
    });

    it('refuses hostile identifiers everywhere a name is taken, before any SQL', async () => {
      const keys = ['label; drop table victims', 'label" --', 'owner__name__exact__x', 'nope', '__proto__', 'constructor', 'label__', ''];
      for (const key of keys) {
        const attempts: (() => unknown)[] = [
          () => Victim.query.filter({ [key]: 1 }).fetch(),
          () => Victim.query.exclude({ [key]: 1 }).fetch(),
          () => Victim.query.orderBy(key).fetch(),
          () => Victim.query.orderBy(`-${key}`).fetch(),
          () => Victim.query.values(key),
          () => Victim.query.valuesList(key),
          () => Victim.query.only(key).fetch(),
          () => Victim.query.defer(key).fetch(),
          () => Victim.query.selectRelated(key).fetch(),
          () => Victim.query.prefetchRelated(key).fetch(),
          () => Victim.query.filter({ pk: 1 }).update({ [key]: 'x' } as never),
        ];
        for (const attempt of attempts) {
          const error = await rejection(async () => attempt());
          expect(error).toBeInstanceOf(KeelsonError);
          expect(error).toBeInstanceOf(QueryError);
        }
      }
      expect(sent).toEqual([]);
    });

    it('refuses hostile schema names before any SQL', async () => {
      for (const schema of ['public; drop table victims', 'a"b', 'x'.repeat(64), '']) {
        expect(() => Victim.query.usingSchema(schema)).toThrow(QueryError);
      }
      expect(sent).toEqual([]);
    });
  };
  if (name === 'sqlite') describe(`injection on ${label}`, body);
  else describeWithServer(`injection on ${label}`, url, body);
}
