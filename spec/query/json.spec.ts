import { BaseModel, Field, Model, NotSupportedError, Q, QueryError, Registry } from '../../lib';
import { DIALECT_URLS, describeWithServer, uniqueName } from '../support/servers';

type Json = unknown;
type Obj = Record<string, unknown>;

// Keys with characters that mean something in SQL or in a JSON path: each must be addressed literally.
const ODD_KEYS = ["it's", 'a.b', '$x', 'sp ace', 'a*b'];
const QUOTED_KEY = 'a"b';

const ROWS: { name: string; settings: Json }[] = [
  {
    name: 'a',
    settings: {
      theme: 'dark',
      size: 10,
      tags: ['x', 'y'],
      nested: { a: { b: 1 } },
      flag: true,
      nothing: null,
      "it's": 1,
      'a.b': 2,
      $x: 3,
      'sp ace': 4,
      'a*b': 5,
      [QUOTED_KEY]: 6,
      word: 'Apple pie',
    },
  },
  { name: 'b', settings: { theme: 'Dark', size: 2.5, tags: ['y'], nested: { a: { b: 2 } }, flag: false, word: 'pineapple' } },
  { name: 'c', settings: { theme: 'light', size: '10', tags: [], nested: { a: {} }, flag: 'true', word: '100%' } },
  { name: 'd', settings: {} },
  { name: 'e', settings: null },
  { name: 'f', settings: ['x', 1, { k: 'v' }] },
  { name: 'g', settings: { theme: null, size: -3, tags: ['x', 'z', 'y'], nested: { a: { b: 1, c: [1, 2] } }, flag: true } },
];

const isObj = (v: Json): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const at = (v: Json, ...path: (string | number)[]): Json => {
  let cur: Json = v;
  for (const step of path) {
    if (typeof step === 'number' ? !Array.isArray(cur) : !isObj(cur)) return undefined;
    cur = (cur as Record<string | number, Json>)[step];
  }
  return cur;
};
const has = (v: Json, ...path: (string | number)[]) => at(v, ...path) !== undefined;
const expected = (pred: (s: Json) => boolean) => ROWS.filter((r) => pred(r.settings)).map((r) => r.name);

for (const { name, url, label } of DIALECT_URLS) {
  const body = () => {
    const registry = new Registry(url);
    const prefix = uniqueName('js');

    @Model({ registry, tablePrefix: prefix })
    class Item extends BaseModel {
      @Field({ maxLength: 20 }) name!: string;
      @Field({ type: 'json', nullable: true }) settings!: Json;
    }

    @Model({ registry, tablePrefix: prefix })
    class Plain extends BaseModel {
      @Field({ maxLength: 20 }) title!: string;
    }

    const names = async (qs: PromiseLike<{ name: string }[]>) => (await qs).map((i) => i.name).sort();
    const check = async (lookups: Record<string, unknown> | Q, pred: (s: Json) => boolean) => {
      expect(await names(Item.query.filter(lookups))).toEqual(expected(pred));
      // exclude is the complement: conditions on a missing key are false, never unknown.
      expect(await names(Item.query.exclude(lookups))).toEqual(expected((s) => !pred(s)));
    };

    beforeAll(async () => {
      await registry.createAll();
      await Item.query.bulkCreate(ROWS);
      await Plain.query.create({ title: 'p' });
    });

    afterAll(async () => {
      await registry.dropAll();
      await registry.disconnect();
    });

    it('key paths compare strings as text (case-sensitive), only with JSON strings', async () => {
      await check({ settings__theme: 'dark' }, (s) => at(s, 'theme') === 'dark');
      await check({ settings__theme__exact: 'Dark' }, (s) => at(s, 'theme') === 'Dark');
      await check({ settings__flag: 'true' }, (s) => at(s, 'flag') === 'true');
      await check({ settings__size: '10' }, (s) => at(s, 'size') === '10');
    });

    it('numbers compare as numbers, only with JSON numbers', async () => {
      await check({ settings__size: 10 }, (s) => at(s, 'size') === 10);
      await check({ settings__size__gt: 2 }, (s) => typeof at(s, 'size') === 'number' && (at(s, 'size') as number) > 2);
      await check({ settings__size__gte: 2.5 }, (s) => typeof at(s, 'size') === 'number' && (at(s, 'size') as number) >= 2.5);
      await check({ settings__size__lt: 3 }, (s) => typeof at(s, 'size') === 'number' && (at(s, 'size') as number) < 3);
      await check(
        { settings__size__range: [0, 10] },
        (s) => typeof at(s, 'size') === 'number' && (at(s, 'size') as number) >= 0 && (at(s, 'size') as number) <= 10,
      );
      await check({ settings__theme__gt: 'd' }, (s) => typeof at(s, 'theme') === 'string' && (at(s, 'theme') as string) > 'd');
    });

    it('booleans and null match their own JSON values', async () => {
      await check({ settings__flag: true }, (s) => at(s, 'flag') === true);
      await check({ settings__flag: false }, (s) => at(s, 'flag') === false);
      await check({ settings__nothing: null }, (s) => at(s, 'nothing') === null);
      await check({ settings__theme: null }, (s) => at(s, 'theme') === null);
      await check({ settings__theme__isnull: true }, (s) => !has(s, 'theme'));
      await check({ settings__theme__isnull: false }, (s) => has(s, 'theme'));
      await check({ settings__isnull: true }, (s) => s === null);
    });

    it('nested keys and array indexes', async () => {
      await check({ settings__nested__a__b: 1 }, (s) => at(s, 'nested', 'a', 'b') === 1);
      await check({ settings__nested__a__c__1: 2 }, (s) => at(s, 'nested', 'a', 'c', 1) === 2);
      await check({ settings__tags__0: 'x' }, (s) => at(s, 'tags', 0) === 'x');
      await check({ settings__tags__1__exact: 'y' }, (s) => at(s, 'tags', 1) === 'y');
      await check({ settings__0: 'x' }, (s) => at(s, 0) === 'x');
      await check({ settings__2__k: 'v' }, (s) => at(s, 2, 'k') === 'v');
      await check({ settings__tags__0__isnull: false }, (s) => has(s, 'tags', 0));
    });

    it('in, and text patterns on JSON strings', async () => {
      await check({ settings__theme__in: ['dark', 'light', 10] }, (s) => ['dark', 'light'].includes(at(s, 'theme') as string));
      await check({ settings__size__in: [10, -3, '10'] }, (s) => [10, -3, '10'].includes(at(s, 'size') as number));
      await check({ settings__theme__in: [] }, () => false);
      await check({ settings__theme__iexact: 'DARK' }, (s) => typeof at(s, 'theme') === 'string' && (at(s, 'theme') as string).toLowerCase() === 'dark');
      await check({ settings__word__contains: 'pple' }, (s) => typeof at(s, 'word') === 'string' && (at(s, 'word') as string).includes('pple'));
      await check(
        { settings__word__icontains: 'APPLE' },
        (s) => typeof at(s, 'word') === 'string' && (at(s, 'word') as string).toLowerCase().includes('apple'),
      );
      await check({ settings__word__startswith: 'A' }, (s) => typeof at(s, 'word') === 'string' && (at(s, 'word') as string).startsWith('A'));
      await check({ settings__word__endswith: '%' }, (s) => typeof at(s, 'word') === 'string' && (at(s, 'word') as string).endsWith('%'));
      await check({ settings__size__contains: '1' }, (s) => typeof at(s, 'size') === 'string' && (at(s, 'size') as string).includes('1'));
    });

    it('has_key, has_keys, has_any_keys (also under a path)', async () => {
      await check({ settings__has_key: 'theme' }, (s) => isObj(s) && 'theme' in s);
      await check({ settings__has_key: 'nothing' }, (s) => isObj(s) && 'nothing' in s);
      await check({ settings__has_keys: ['theme', 'flag'] }, (s) => isObj(s) && 'theme' in s && 'flag' in s);
      await check({ settings__has_any_keys: ['nothing', 'word'] }, (s) => isObj(s) && ('nothing' in s || 'word' in s));
      await check({ settings__nested__a__has_key: 'c' }, (s) => has(s, 'nested', 'a', 'c'));
      // A key is an object member, never an array index.
      await check({ settings__has_key: '0' }, (s) => isObj(s) && '0' in s);
    });

    it('keys with quotes, dots, $ and spaces are addressed literally', async () => {
      for (const key of ODD_KEYS) {
        await check({ [`settings__${key}__gt`]: 0 }, (s) => typeof at(s, key) === 'number');
        await check({ settings__has_key: key }, (s) => has(s, key));
      }
    });

    it('works inside Q objects, with other lookups, and in count()', async () => {
      await check(Q.or({ settings__theme: 'dark' }, { settings__size__lt: 0 }), (s) => at(s, 'theme') === 'dark' || (at(s, 'size') as number) < 0);
      await check(Q.not({ settings__flag: true }), (s) => at(s, 'flag') !== true);
      expect(await Item.query.filter({ settings__flag: true, name: 'g' }).count()).toBe(1);
    });

    it('JSON lookups on a non-JSON field, bad values and JSON paths elsewhere throw QueryError naming the key', async () => {
      await expect(Plain.query.filter({ title__has_key: 'x' })).rejects.toThrow(QueryError);
      await expect(Plain.query.filter({ title__has_key: 'x' })).rejects.toThrow(/title__has_key/);
      await expect(Plain.query.filter({ title__theme: 'x' })).rejects.toThrow(/title__theme/);
      await expect(Item.query.filter({ settings__has_keys: 'theme' })).rejects.toThrow(/settings__has_keys/);
      await expect(Item.query.filter({ settings__has_key: 1 })).rejects.toThrow(/settings__has_key/);
      await expect(Item.query.filter({ settings__size__gt: true })).rejects.toThrow(QueryError);
      await expect(Item.query.filter({ settings__contains: 'dark' })).rejects.toThrow(/settings__contains/);
      await expect(Item.query.filter({ settings____x: 1 })).rejects.toThrow(/empty JSON key/);
      await expect(Item.query.orderBy('settings__theme')).rejects.toThrow(QueryError);
    });

    if (name === 'sqlite') {
      it('SQLite refuses containment, object equality and keys with a double quote (NotSupportedError)', async () => {
        await expect(Item.query.filter({ settings__contains: { theme: 'dark' } })).rejects.toThrow(NotSupportedError);
        await expect(Item.query.filter({ settings__nested: { a: { b: 1 } } })).rejects.toThrow(NotSupportedError);
        await expect(Item.query.filter({ settings__has_key: QUOTED_KEY })).rejects.toThrow(NotSupportedError);
      });
    } else {
      it('contains: JSON object and array containment, at the top and under a path', async () => {
        await check({ settings__contains: { theme: 'dark' } }, (s) => at(s, 'theme') === 'dark');
        await check({ settings__contains: { nested: { a: { b: 1 } } } }, (s) => at(s, 'nested', 'a', 'b') === 1);
        await check({ settings__contains: { tags: ['y'] } }, (s) => Array.isArray(at(s, 'tags')) && (at(s, 'tags') as Json[]).includes('y'));
        await check(
          { settings__tags__contains: ['x', 'y'] },
          (s) => Array.isArray(at(s, 'tags')) && ['x', 'y'].every((t) => (at(s, 'tags') as Json[]).includes(t)),
        );
        await check({ settings__contains: [{ k: 'v' }] }, (s) => Array.isArray(s) && s.some((e) => isObj(e) && e.k === 'v'));
        await check({ settings__contains: { flag: true, size: 10 } }, (s) => at(s, 'flag') === true && at(s, 'size') === 10);
      });

      it('a key with a double quote is addressed literally', async () => {
        await check({ settings__has_key: QUOTED_KEY }, (s) => has(s, QUOTED_KEY));
        await check({ [`settings__${QUOTED_KEY}`]: 6 }, (s) => at(s, QUOTED_KEY) === 6);
      });
    }

    if (name === 'postgres') {
      it('PostgreSQL compares objects and arrays at a path for equality', async () => {
        await check({ settings__nested: { a: { b: 1 } } }, (s) => JSON.stringify(at(s, 'nested')) === JSON.stringify({ a: { b: 1 } }));
        await check({ settings__tags: ['y'] }, (s) => JSON.stringify(at(s, 'tags')) === '["y"]');
      });
    } else if (name === 'mysql') {
      it('MySQL/MariaDB refuses object equality at a path (NotSupportedError)', async () => {
        await expect(Item.query.filter({ settings__nested: { a: { b: 1 } } })).rejects.toThrow(NotSupportedError);
      });
    }

    it('hostile keys never inject: no rows leak and the table stays', async () => {
      const hostile = ["x') or 1=1 --", "x' or '1'='1", 'x" or 1=1 --', '$', '$.theme', '*', '**', "theme'); drop table x; --", 'x\\', 'x[0]', '0]'];
      for (const key of hostile) {
        for (const lookups of [
          { [`settings__${key}`]: 'dark' },
          { settings__has_key: key },
          { settings__has_any_keys: [key] },
          { [`settings__${key}__isnull`]: false },
        ]) {
          try {
            expect(await names(Item.query.filter(lookups))).toEqual([]);
          } catch (error) {
            // SQLite cannot address a key with a double quote or a backslash: refused before any SQL.
            expect(error).toBeInstanceOf(NotSupportedError);
            expect(name === 'sqlite' && /["\\]/.test(key)).toBe(true);
          }
        }
      }
      expect(await Item.query.count()).toBe(ROWS.length);
      expect(await Plain.query.count()).toBe(1);
    });
  };
  if (name === 'sqlite') describe(`JSON lookups on ${label}`, body);
  else describeWithServer(`JSON lookups on ${label}`, url, body);
}
