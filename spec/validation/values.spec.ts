import { BaseModel, Field, Model, Registry, ValidationError } from '../../lib';
import { rejection } from '../support/rejection';
import { DIALECT_URLS, describeWithServer, uniqueName } from '../support/servers';

/**
 * Values that pass validation must reach the database unchanged, on every dialect: whatever a dialect
 * would store differently (or reject) is refused up front, the same way on all three.
 */
function declare(registry: Registry, prefix: string) {
  @Model({ registry, tablePrefix: prefix })
  class Sample extends BaseModel {
    @Field({ maxLength: 20 }) label!: string;
    @Field({ type: 'integer', nullable: true }) count?: number | bigint | null;
    @Field({ type: 'bigint', nullable: true }) big!: bigint; // typed bigint: read back exactly
    @Field({ type: 'decimal', precision: 12, scale: 2, nullable: true }) price?: string | number | null;
    @Field({ type: 'datetime', nullable: true }) at?: Date | string | null;
    @Field({ type: 'date', nullable: true }) day?: Date | string | null;
    @Field({ type: 'json', nullable: true }) data?: unknown;
    @Field({ type: 'text', nullable: true }) body?: string | null;
  }
  return Sample;
}

/** The fields a write's ValidationError names (the test fails on any other outcome). */
async function rejected(write: Promise<unknown>): Promise<Record<string, string[]>> {
  const error = await rejection(() => write);
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).errors;
}

for (const { name, url, label } of DIALECT_URLS) {
  const body = () => {
    const registry = new Registry(url);
    const Sample = declare(registry, uniqueName('val'));

    beforeAll(async () => {
      await registry.createAll();
    });
    afterAll(async () => {
      await registry.dropAll();
      await registry.disconnect();
    });
    beforeEach(async () => {
      await Sample.query.delete();
    });

    it('refuses integers a JavaScript number cannot hold exactly, and writes nothing', async () => {
      expect(Object.keys(await rejected(Sample.query.create({ label: 'a', count: 2 ** 60 })))).toEqual(['count']);
      expect(Object.keys(await rejected(Sample.query.create({ label: 'b', big: (2 ** 60) as never })))).toEqual(['big']);
      expect((await rejected(Sample.query.create({ label: 'c', big: -(2 ** 60) as never }))).big[0]).toMatch(/bigint|string/);
      expect(await Sample.query.count()).toBe(0);
    });

    it('writes and filters bigint values of integer and bigint fields', async () => {
      const row = await Sample.query.create({ label: 'b', count: 7n, big: 9007199254740993n });
      const again = await Sample.query.get({ pk: row.pk });
      expect(Number(again.count)).toBe(7);
      // The sqlite3 driver reads every integer as a JavaScript number: exact up to 2 ** 53 only.
      expect(again.big).toBe(name === 'sqlite' ? 9007199254740992n : 9007199254740993n);
      expect(await Sample.query.filter({ count: 7n }).count()).toBe(1);
      expect(await Sample.query.filter({ big: 9007199254740993n }).count()).toBe(1);
      expect(await Sample.query.filter({ big: '9007199254740993' as never }).count()).toBe(1);
      expect(await Sample.query.filter({ big: 9007199254740992n }).count()).toBe(0);
      await Sample.query.create({ label: 'safe', big: 9007199254740991n });
      expect((await Sample.query.get({ label: 'safe' })).big).toBe(9007199254740991n);
    });

    it('refuses datetimes and dates that are not on the calendar', async () => {
      expect(Object.keys(await rejected(Sample.query.create({ label: 'x', at: '2024-02-30T10:00:00Z' })))).toEqual(['at']);
      expect(Object.keys(await rejected(Sample.query.create({ label: 'x', at: '2023-02-29 10:00' })))).toEqual(['at']);
      expect(Object.keys(await rejected(Sample.query.create({ label: 'x', at: '2024-01-01T24:30:00Z' })))).toEqual(['at']);
      expect(Object.keys(await rejected(Sample.query.create({ label: 'x', day: '2024-04-31' })))).toEqual(['day']);
      expect(await Sample.query.count()).toBe(0);
    });

    it('stores a datetime given as a string in the same form as a Date, so either finds it', async () => {
      const when = new Date('2024-05-01T12:00:00Z');
      await Sample.query.create({ label: 'iso', at: '2024-05-01T12:00:00Z' });
      await Sample.query.create({ label: 'offset', at: '2024-05-01T14:00:00+02:00' });
      await Sample.query.create({ label: 'date', at: when });
      expect(await Sample.query.filter({ at: when }).count()).toBe(3);
      expect(await Sample.query.filter({ at: '2024-05-01T12:00:00.000Z' }).count()).toBe(3);
      expect(await Sample.query.filter({ at__gte: '2024-05-01T11:59:59Z', at__lt: new Date('2024-05-01T12:00:01Z') }).count()).toBe(3);
      const loaded = await Sample.query.get({ label: 'offset' });
      expect((loaded.at as Date).toISOString()).toBe(when.toISOString());
    });

    it('refuses numeric strings beyond any decimal column', async () => {
      expect(Object.keys(await rejected(Sample.query.create({ label: 'p', price: '1e400' })))).toEqual(['price']);
      expect(Object.keys(await rejected(Sample.query.create({ label: 'p', price: '-1e400' })))).toEqual(['price']);
      expect(await Sample.query.count()).toBe(0);
    });

    it('refuses JSON that would not round-trip (NaN, ±Infinity)', async () => {
      expect(Object.keys(await rejected(Sample.query.create({ label: 'j', data: { ratio: NaN } })))).toEqual(['data']);
      expect(Object.keys(await rejected(Sample.query.create({ label: 'j', data: [1, Infinity] })))).toEqual(['data']);
      expect(Object.keys(await rejected(Sample.query.create({ label: 'j', data: -Infinity })))).toEqual(['data']);
      expect(await Sample.query.count()).toBe(0);
      const ok = await Sample.query.create({ label: 'j', data: { nested: [1, 2.5, 'x', null, { deep: true }] } });
      expect((await Sample.query.get({ pk: ok.pk })).data).toEqual({ nested: [1, 2.5, 'x', null, { deep: true }] });
    });

    it('refuses NUL characters in strings, text and JSON on every dialect', async () => {
      expect(Object.keys(await rejected(Sample.query.create({ label: 'a\u0000b' })))).toEqual(['label']);
      expect(Object.keys(await rejected(Sample.query.create({ label: 'n', body: 'x\u0000' })))).toEqual(['body']);
      expect(Object.keys(await rejected(Sample.query.create({ label: 'n', data: { k: 'v\u0000' } })))).toEqual(['data']);
      expect(await Sample.query.count()).toBe(0);
    });
  };
  if (name === 'sqlite') describe(`values on ${label}`, body);
  else describeWithServer(`values on ${label}`, url, body);
}
