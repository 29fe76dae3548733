import { BaseModel, Field, ForeignKey, Model, QueryError, Registry, Relation } from '../../lib';
import { DIALECT_URLS, describeWithServer, uniqueName } from '../support/servers';

function declare(registry: Registry, prefix: string) {
  @Model({ registry, tablePrefix: prefix })
  class Writer extends BaseModel {
    @Field() name!: string;
  }
  @Model({ registry, tablePrefix: prefix })
  class Book extends BaseModel {
    @Field() title!: string;
    @Field() rank!: number;
    @Field({ type: 'integer', nullable: true }) score!: number | null;
    @ForeignKey(Writer, { nullable: true, onDelete: 'SET NULL' }) writer!: Relation<Writer> | null;
  }
  return { Writer, Book };
}

type Item = { pk: unknown; title: string; rank: number; score: number | null };

for (const { name, url, label } of DIALECT_URLS) {
  const body = () => {
    const registry = new Registry(url);
    const { Writer, Book } = declare(registry, uniqueName('pg'));
    const inserted: Item[] = [];
    const ids = (items: { pk: unknown }[]) => items.map((b) => b.pk);
    let sqlCount = 0;

    beforeAll(async () => {
      await registry.createAll();
      const [ann, bob] = await Writer.query.bulkCreate([{ name: 'Ann' }, { name: 'Bob' }]);
      const rows = Array.from({ length: 23 }, (_, i) => ({
        title: `b${i}`,
        rank: i % 4,
        score: i % 3 === 0 ? null : i % 5,
        writer: i % 5 === 0 ? null : i % 2 ? ann : bob,
      }));
      inserted.push(...(await Book.query.bulkCreate(rows)));
      registry.database.knex.on('query', () => sqlCount++);
    });

    afterAll(async () => {
      await registry.dropAll();
      await registry.disconnect();
    });

    // Every inserted book (and later ones) read once in the database's own order, the key breaking ties.
    const allInOrder = (...keys: string[]) => Book.query.orderBy(...(keys as never[]), 'id').fetch();

    async function walk(qs: ReturnType<typeof Book.query.all>, pageSize: number) {
      const seen: InstanceType<typeof Book>[] = [];
      let after: string | null = null;
      for (let i = 0; i < 1000; i++) {
        const page: { items: InstanceType<typeof Book>[]; nextCursor: string | null } = await qs.cursorPaginate({ pageSize, after });
        seen.push(...page.items);
        if (page.nextCursor === null) return seen;
        expect(page.items).toHaveLength(pageSize);
        after = page.nextCursor;
      }
      throw new Error('cursorPaginate never ended');
    }

    it('paginate gives numbered pages by key with totals, an empty page past the end, and filters respected', async () => {
      const byKey = [...inserted].sort((a, b) => Number(a.pk) - Number(b.pk));
      const first = await Book.query.all().paginate({ page: 1, pageSize: 5 });
      expect(ids(first.items)).toEqual(ids(byKey.slice(0, 5)));
      expect(first).toMatchObject({ total: 23, page: 1, pageSize: 5, pages: 5, hasNext: true, hasPrevious: false });
      const last = await Book.query.all().paginate({ page: 5, pageSize: 5 });
      expect(ids(last.items)).toEqual(ids(byKey.slice(20)));
      expect(last).toMatchObject({ hasNext: false, hasPrevious: true, pages: 5 });
      const past = await Book.query.all().paginate({ page: 9, pageSize: 5 });
      expect(past).toMatchObject({ items: [], total: 23, page: 9, hasNext: false, hasPrevious: true });
      const ranked = inserted.filter((b) => b.rank === 2).sort((a, b) => a.title.localeCompare(b.title));
      const filtered = await Book.query.filter({ rank: 2 }).orderBy('title').paginate({ page: 2, pageSize: 2 });
      expect(filtered.total).toBe(ranked.length);
      expect(filtered.pages).toBe(Math.ceil(ranked.length / 2));
      expect(filtered.items.map((b) => b.title)).toEqual(ranked.slice(2, 4).map((b) => b.title));
    });

    it('refuses bad paginate and cursorPaginate input with QueryError before any SQL', async () => {
      const before = sqlCount;
      for (const bad of [
        { page: 0, pageSize: 5 },
        { page: 1, pageSize: 0 },
        { page: 1.5, pageSize: 5 },
        { page: 1, pageSize: '5' },
        { page: -1, pageSize: 5 },
      ]) {
        await expect(Book.query.all().paginate(bad as never)).rejects.toThrow(QueryError);
      }
      await expect(Book.query.all().paginate({ page: 0, pageSize: 5 })).rejects.toThrow(/page must be an integer from 1 up, got 0/);
      await expect(Book.query.all().cursorPaginate({ pageSize: 0 })).rejects.toThrow(/pageSize/);
      await expect(Book.query.all().cursorPaginate({ pageSize: 2.5 })).rejects.toThrow(QueryError);
      await expect(Book.query.limit(3).paginate({ page: 1, pageSize: 2 })).rejects.toThrow(/limit\(\)\/offset\(\)/);
      await expect(Book.query.orderBy('nope' as never).cursorPaginate({ pageSize: 2 })).rejects.toThrow(QueryError);
      expect(sqlCount).toBe(before);
    });

    it('cursorPaginate walks every row once in the queryset order, descending keys and ties included', async () => {
      for (const order of [[], ['-rank'], ['rank', '-title'], ['-rank', 'title']]) {
        const expected = await allInOrder(...order);
        const seen = await walk(Book.query.orderBy(...(order as never[])), 4);
        expect(ids(seen)).toEqual(ids(expected));
      }
      expect(ids(await walk(Book.query.filter({ rank__gte: 2 }).orderBy('-rank'), 3))).toEqual(
        ids(await Book.query.filter({ rank__gte: 2 }).orderBy('-rank', 'id')),
      );
      // Order keys left out by only() or defer() are read all the same: the next page starts after their values.
      const expected = ids(await allInOrder('-rank', 'title'));
      expect(ids(await walk(Book.query.orderBy('-rank', 'title').only('title'), 4))).toEqual(expected);
      expect(ids(await walk(Book.query.orderBy('-rank', 'title').defer('rank'), 4))).toEqual(expected);
    });

    it('cursorPaginate places NULLs where the database orders them, ascending and descending', async () => {
      for (const order of [['score'], ['-score'], ['score', '-rank'], ['-score', 'rank']]) {
        const expected = await allInOrder(...order);
        expect(expected.some((b) => b.score === null)).toBe(true);
        for (const size of [1, 2, 5]) expect(ids(await walk(Book.query.orderBy(...(order as never[])), size))).toEqual(ids(expected));
      }
    });

    it('cursorPaginate orders by a relation path (NULL when the book has no writer)', async () => {
      for (const order of [
        ['writer__name', '-rank'],
        ['-writer__name', 'title'],
      ]) {
        const expected = await allInOrder(...order);
        expect(ids(await walk(Book.query.orderBy(...(order as never[])), 3))).toEqual(ids(expected));
      }
    });

    it('rows inserted between pages never repeat or skip a row', async () => {
      const qs = Book.query.orderBy('-rank', 'score');
      const before = await allInOrder('-rank', 'score');
      const seen: InstanceType<typeof Book>[] = [];
      const added: unknown[] = [];
      let after: string | null = null;
      for (let i = 0; i < 100; i++) {
        const page: { items: InstanceType<typeof Book>[]; nextCursor: string | null } = await qs.cursorPaginate({ pageSize: 4, after });
        seen.push(...page.items);
        // Rows before, at and after the cursor's position (ties on every key, NULL scores), from another connection's view.
        const fresh = await Book.query.bulkCreate([0, 1, 2, 3].map((rank) => ({ title: `new${i}-${rank}`, rank, score: rank % 2 ? null : rank })));
        added.push(...ids(fresh));
        if (page.nextCursor === null) break;
        after = page.nextCursor;
      }
      const seenIds = ids(seen);
      expect(new Set(seenIds).size).toBe(seenIds.length);
      for (const id of ids(before)) expect(seenIds).toContain(id);
      // The pages read in the keyset order: seen is exactly the final order restricted to the rows seen.
      const final = await allInOrder('-rank', 'score');
      expect(seenIds).toEqual(ids(final).filter((id) => seenIds.includes(id)));
      expect(seenIds.some((id) => added.includes(id))).toBe(true);
      await Book.query.filter({ pk__in: added as number[] }).delete();
    });

    it('a reader paging while writers insert concurrently sees every earlier row once, in order', async () => {
      const before = await allInOrder('rank');
      const added: unknown[] = [];
      // Two writers insert rows at every rank (before, at and after the reader's position) while the reader pages.
      const writer = async (w: number) => {
        for (let i = 0; i < 15; i++) {
          const fresh = await Book.query.bulkCreate([0, 1, 2, 3].map((rank) => ({ title: `c${w}-${i}-${rank}`, rank, score: null })));
          added.push(...ids(fresh));
        }
      };
      const [seen] = await Promise.all([walk(Book.query.orderBy('rank'), 3), writer(1), writer(2)]);
      const seenIds = ids(seen);
      expect(new Set(seenIds).size).toBe(seenIds.length);
      for (const id of ids(before)) expect(seenIds).toContain(id);
      const final = await allInOrder('rank');
      expect(seenIds).toEqual(ids(final).filter((id) => seenIds.includes(id)));
      await Book.query.filter({ pk__in: added as number[] }).delete();
    });

    it('refuses a cursor of another ordering, a tampered cursor and garbage with QueryError', async () => {
      const { nextCursor } = await Book.query.orderBy('-rank').cursorPaginate({ pageSize: 2 });
      expect(typeof nextCursor).toBe('string');
      await expect(Book.query.orderBy('rank').cursorPaginate({ pageSize: 2, after: nextCursor })).rejects.toThrow(/another ordering/);
      await expect(Writer.query.orderBy('-id' as never).cursorPaginate({ pageSize: 2, after: nextCursor })).rejects.toThrow(QueryError);
      const decoded = JSON.parse(Buffer.from(nextCursor!, 'base64url').toString());
      decoded.k = decoded.k.replace(/\d/, '9');
      const tampered = Buffer.from(JSON.stringify(decoded)).toString('base64url');
      await expect(Book.query.orderBy('-rank').cursorPaginate({ pageSize: 2, after: tampered })).rejects.toThrow(/altered/);
      for (const bad of ['', 'not a cursor!', 'e30', 12]) {
        await expect(Book.query.orderBy('-rank').cursorPaginate({ pageSize: 2, after: bad as never })).rejects.toThrow(QueryError);
      }
    });
  };
  if (name === 'sqlite') describe(`paging on ${label}`, body);
  else describeWithServer(`paging on ${label}`, url, body);
}
