import { BaseModel, Count, DatabaseError, Field, ForeignKey, Model, QueryError, Registry } from '../../lib';
import type { Relation } from '../../lib';
import { DIALECT_URLS, describeWithServer, PG_URL, uniqueName } from '../support/servers';
import { poolServes } from '../support/pool';

function declare(registry: Registry, prefix: string) {
  @Model({ registry, tablePrefix: prefix })
  class Row extends BaseModel {
    @Field() n!: number;
    @Field({ type: 'string', maxLength: 40, nullable: true }) tag!: string | null;
  }
  return { Row };
}

const poolOfOne = (url: string) => (url.startsWith('sqlite') ? url : `${url}${url.includes('?') ? '&' : '?'}pool_max=1`);

for (const { name, url, label } of DIALECT_URLS) {
  const body = () => {
    const registry = new Registry(poolOfOne(url));
    const { Row } = declare(registry, uniqueName('it'));
    const total = 2345;
    const pool = () => (registry.database.knex.client as unknown as { pool: { numUsed(): number } }).pool;

    beforeAll(async () => {
      await registry.createAll();
      await Row.query.bulkCreate(Array.from({ length: total }, (_, i) => ({ n: i, tag: i % 7 === 0 ? null : `t${i % 11}` })));
    });

    afterAll(async () => {
      await registry.dropAll();
      await registry.disconnect();
    });

    it('iterates every row once, in chunks, respecting filters', async () => {
      const seen = new Set<number>();
      for await (const row of Row.query.all().iterate({ chunkSize: 100 })) {
        expect(seen.has(row.n)).toBe(false);
        seen.add(row.n);
      }
      expect(seen.size).toBe(total);
      const expected = Array.from({ length: total }, (_, i) => i).filter((i) => i % 3 === 0 && i % 7 !== 0);
      const filtered: number[] = [];
      for await (const row of Row.query.filter({ n__in: expected, tag__isnull: false }).iterate({ chunkSize: 7 })) filtered.push(row.n);
      expect(filtered.sort((a, b) => a - b)).toEqual(expected);
      const empty: unknown[] = [];
      for await (const row of Row.query.filter({ n: -1 }).iterate()) empty.push(row);
      expect(empty).toEqual([]);
    });

    it('reads every row when the last chunk is exactly full, one chunk or many', async () => {
      for (const [lessThan, chunkSize] of [
        [2300, 100],
        [2300, 2300],
        [total, total],
        [1, 1],
      ]) {
        const seen: number[] = [];
        for await (const row of Row.query.filter({ n__lt: lessThan }).iterate({ chunkSize })) seen.push(row.n);
        expect(seen).toEqual(Array.from({ length: lessThan }, (_, i) => i));
      }
    });

    it('iterates in the queryset order (nullable keys and descending too)', async () => {
      const ordered = await Row.query.filter({ n__lt: 300 }).orderBy('-tag', 'n').fetch();
      const seen: number[] = [];
      for await (const row of Row.query.filter({ n__lt: 300 }).orderBy('-tag', 'n').iterate({ chunkSize: 13 })) seen.push(row.n);
      expect(seen).toEqual(ordered.map((r) => r.n));
      // An order key left out of the columns read (only()) is read back from each chunk's last row.
      const narrow: number[] = [];
      for await (const row of Row.query.filter({ n__lt: 300 }).orderBy('-tag', 'n').only('n').iterate({ chunkSize: 13 })) narrow.push(row.n);
      expect(narrow).toEqual(ordered.map((r) => r.n));
    });

    it('breaking out early releases everything: 20 more queries run on a pool of one connection', async () => {
      let count = 0;
      for await (const row of Row.query.all().iterate({ chunkSize: 50 })) {
        expect(typeof row.n).toBe('number');
        if (++count === 120) break;
      }
      expect(count).toBe(120);
      // Nothing keeps the pool's one connection busy (the one held between statements goes to whoever asks).
      expect(await poolServes(registry.database)).toBe(true);
      await expect(
        (async () => {
          for await (const row of Row.query.all().iterate({ chunkSize: 50 })) if (row.n >= 0) throw new Error('boom');
        })(),
      ).rejects.toThrow('boom');
      expect(await poolServes(registry.database)).toBe(true);
      for (let i = 0; i < 20; i++) expect(await Row.query.filter({ n: i }).count()).toBe(1);
    });

    it('iterates inside a transaction, the loop body querying on the same transaction', async () => {
      const seen: number[] = [];
      await registry.database.transaction(async () => {
        await Row.query.create({ n: total, tag: 'tx' });
        for await (const row of Row.query.filter({ n__gte: total - 5 }).iterate({ chunkSize: 2 })) {
          seen.push(row.n);
          expect(await Row.query.filter({ n: row.n }).count()).toBe(1);
        }
        await Row.query.filter({ n: total }).delete();
      });
      expect(seen.sort((a, b) => a - b)).toEqual([total - 5, total - 4, total - 3, total - 2, total - 1, total]);
      expect(pool().numUsed()).toBe(0);
    });

    if (name === 'sqlite') {
      it('rejects with a DatabaseError when a chunk fails mid-stream, after the rows read before it', async () => {
        const table = Row.meta.tablename;
        const seen: number[] = [];
        try {
          await expect(
            (async () => {
              for await (const row of Row.query.all().iterate({ chunkSize: 10 })) {
                seen.push(row.n);
                if (seen.length === 1) await registry.database.knex.raw('alter table ?? rename to ??', [table, `${table}_away`]);
              }
            })(),
          ).rejects.toThrow(DatabaseError);
        } finally {
          await registry.database.knex.raw('alter table ?? rename to ??', [`${table}_away`, table]);
        }
        // Whole chunks in order: the first, and the one read ahead while it was consumed when that read ran before
        // the rename (on sqlite3 the two race); the read after those fails.
        expect([10, 20]).toContain(seen.length);
        expect(seen).toEqual(Array.from({ length: seen.length }, (_, i) => i));
        expect(await Row.query.count()).toBe(total);
      });
    }

    it('refuses a bad chunkSize or a sliced queryset with QueryError', () => {
      for (const bad of [0, -5, 1.5, Number.NaN, '10']) expect(() => Row.query.all().iterate({ chunkSize: bad as never })).toThrow(QueryError);
      expect(() => Row.query.all().iterate({ chunkSize: 0 })).toThrow(/chunkSize must be an integer from 1 up, got 0/);
      expect(() => Row.query.limit(5).iterate()).toThrow(QueryError);
    });
  };
  if (name === 'sqlite') describe(`iterate on ${label}`, body);
  else describeWithServer(`iterate on ${label}`, url, body);
}

/** A model whose values each need their own conversion from the driver's, and a relation to join. */
function declareTyped(registry: Registry, prefix: string) {
  @Model({ registry, tablePrefix: prefix })
  class Owner extends BaseModel {
    @Field({ maxLength: 40 }) name!: string;
  }
  @Model({ registry, tablePrefix: prefix })
  class Item extends BaseModel {
    @ForeignKey(() => Owner, { relatedName: 'items' }) owner!: Relation<Owner>;
    @Field({ maxLength: 40 }) label!: string;
    @Field({ type: 'decimal', precision: 8, scale: 2 }) price!: string;
    @Field() active!: boolean;
    @Field() madeAt!: Date;
    @Field({ type: 'json', nullable: true }) extra!: Record<string, unknown> | null;
    @Field({ type: 'integer', nullable: true }) rank!: number | null;
  }
  return { Owner, Item };
}

for (const { name, url, label } of DIALECT_URLS) {
  const body = () => {
    const registry = new Registry(url);
    const { Owner, Item } = declareTyped(registry, uniqueName('ity'));

    beforeAll(async () => {
      await registry.createAll();
      const [a, b] = await Owner.query.bulkCreate([{ name: 'a' }, { name: 'b' }]);
      await Item.query.bulkCreate(
        Array.from({ length: 45 }, (_, i) => ({
          owner: i % 3 ? a : b,
          label: `item ${i}`,
          price: `${i}.25`,
          active: i % 2 === 0,
          madeAt: new Date(Date.UTC(2026, 0, 1 + i, 12, 30)),
          extra: i % 4 ? { i, tags: ['x'] } : null,
          rank: i % 5 ? i : null,
        })),
      );
    });

    afterAll(async () => {
      await registry.dropAll();
      await registry.disconnect();
    });

    /** Every row of `qs` through iterate(), in chunks of 4 (several chunks and a short last one). */
    const iterated = async <T>(qs: AsyncIterable<T> & { iterate(o: { chunkSize: number }): AsyncIterable<T> }) => {
      const out: T[] = [];
      for await (const item of qs.iterate({ chunkSize: 4 })) out.push(item);
      return out;
    };
    const plain = (items: InstanceType<typeof Item>[], keys: string[]) =>
      items.map((item) => Object.fromEntries(keys.map((k) => [k, (item as unknown as Record<string, unknown>)[k]])));
    const all = ['pk', 'ownerId', 'label', 'price', 'active', 'madeAt', 'extra', 'rank'];

    it('gives the instances fetch() gives: every value converted alike, with only(), defer(), selectRelated() and annotate()', async () => {
      const qs = Item.query.orderBy('pk');
      const got = await iterated(qs);
      expect(got).toHaveLength(45);
      expect(plain(got, all)).toEqual(plain(await qs.fetch(), all));
      expect(got[1].madeAt).toBeInstanceOf(Date);
      expect(got[1].active).toBe(false);
      expect(got[0].extra).toBeNull();
      expect(got[1].extra).toEqual({ i: 1, tags: ['x'] });
      const narrow = await iterated(qs.only('label', 'madeAt'));
      expect(plain(narrow, ['pk', 'label', 'madeAt'])).toEqual(plain(await qs.only('label', 'madeAt').fetch(), ['pk', 'label', 'madeAt']));
      expect((narrow[0] as unknown as Record<string, unknown>).price).toBeUndefined();
      const deferred = await iterated(qs.defer('extra', 'price'));
      expect(plain(deferred, ['pk', 'label', 'active', 'rank'])).toEqual(plain(await qs.fetch(), ['pk', 'label', 'active', 'rank']));
      const joined = await iterated(qs.selectRelated('owner'));
      expect(joined.map((i) => (i.owner as InstanceType<typeof Owner>).name)).toEqual((await qs.fetch()).map((_, i) => (i % 3 ? 'a' : 'b')));
      const counted = await iterated(Item.query.orderBy('pk').annotate({ n: Count('pk') }));
      expect(counted.map((i) => (i as unknown as { n: number }).n)).toEqual(Array.from({ length: 45 }, () => 1));
    });

    it('reads the same values through the statement cache (rows as arrays where the driver can) as through Knex', async () => {
      // An annotated queryset is never a cached shape: it is compiled through Knex and read as objects each time.
      const throughKnex = (only?: ['label', 'madeAt']) => {
        const qs = Item.query.orderBy('-pk').annotate({ n: Count('pk') });
        return (only ? qs.only(...only) : qs).fetch();
      };
      const compiled = plain(await throughKnex(), all);
      // The second run of a shape is the cached one.
      for (let run = 0; run < 2; run++) expect(plain(await Item.query.orderBy('-pk').fetch(), all)).toEqual(compiled);
      const narrow = ['pk', 'label', 'madeAt'];
      const compiledNarrow = plain(await throughKnex(['label', 'madeAt']), narrow);
      for (let run = 0; run < 2; run++) expect(plain(await Item.query.orderBy('-pk').only('label', 'madeAt').fetch(), narrow)).toEqual(compiledNarrow);
      const fetched = await Item.query.filter({ active: true }).orderBy('pk').fetch();
      expect(fetched.length).toBeGreaterThan(0);
      expect(fetched.every((i) => i.active === true && i.madeAt instanceof Date && typeof i.price === 'string')).toBe(true);
      fetched[0].label = 'renamed';
      await fetched[0].save();
      expect((await Item.query.get({ pk: fetched[0].pk })).label).toBe('renamed');
    });

    it('gives instances that save and delete like fetched ones', async () => {
      for await (const item of Item.query.filter({ label: 'item 7' }).iterate({ chunkSize: 2 })) {
        item.rank = 700;
        await item.save();
      }
      expect((await Item.query.get({ label: 'item 7' })).rank).toBe(700);
    });
  };
  if (name === 'sqlite') describe(`iterate on ${label}: values`, body);
  else describeWithServer(`iterate on ${label}: values`, url, body);
}

describeWithServer('iterate on PostgreSQL: 200,000 rows through a server-side cursor', PG_URL, () => {
  const registry = new Registry(PG_URL);
  const { Row } = declare(registry, uniqueName('big'));
  const count = 200_000;

  beforeAll(async () => {
    await registry.createAll();
    // One statement inserts them all, in the suite's own table.
    await registry.database.knex.raw(`insert into ?? (n, tag) select g, 'row ' || g from generate_series(1, ?) as g`, [Row.meta.tablename, count]);
  });

  afterAll(async () => {
    await registry.dropAll();
    await registry.disconnect();
  });

  it('holds about one chunk in memory and sees every row once', async () => {
    const seen = new Uint8Array(count + 1);
    let rows = 0;
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    for await (const row of Row.query.all().iterate({ chunkSize: 1000 })) {
      seen[row.n]++;
      if (++rows % 1000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    const growthMb = (peak - before) / 2 ** 20;
    console.log(`iterate over ${rows} PostgreSQL rows: heap growth ${growthMb.toFixed(1)} MB`);
    expect(rows).toBe(count);
    expect(seen.subarray(1).every((times) => times === 1)).toBe(true);
    expect(growthMb).toBeLessThan(50);
    expect((registry.database.knex.client as unknown as { pool: { numUsed(): number } }).pool.numUsed()).toBe(0);
  }, 120_000);
});
