import { BaseModel, Field, ForeignKey, IntegrityError, Model, QueryError, Registry, Relation, ValidationError } from '../../lib';
import { DIALECT_URLS, describeWithServer, uniqueName } from '../support/servers';
import { statementLog } from '../support/statements';

function declare(registry: Registry, prefix: string) {
  @Model({ registry, tablePrefix: prefix })
  class Maker extends BaseModel {
    @Field() name!: string;
  }

  @Model({ registry, tablePrefix: prefix })
  class Product extends BaseModel {
    @Field({ maxLength: 20, unique: true }) sku!: string;
    @Field() name!: string;
    @Field() price!: number;
    @Field({ default: 0 }) stock!: number;
    @ForeignKey(() => Maker, { nullable: true, onDelete: 'SET NULL' }) maker!: Relation<Maker> | null;
  }

  /** Unique per (sku, region) through a named constraint. */
  @Model({ registry, tablePrefix: prefix, constraints: [{ name: `${prefix}_price_sku_region`, unique: ['sku', 'region'] }] })
  class Price extends BaseModel {
    @Field({ maxLength: 20 }) sku!: string;
    @Field({ maxLength: 10 }) region!: string;
    @Field() amount!: number;
    @Field({ type: 'string', nullable: true }) note!: string | null;
  }

  return { Maker, Product, Price };
}

for (const { name, url, label } of DIALECT_URLS) {
  const body = () => {
    const registry = new Registry(url);
    const { Maker, Product, Price } = declare(registry, uniqueName('up'));
    type ProductT = InstanceType<typeof Product>;
    const log = statementLog(registry);
    const writes = log.writes;

    /** sku → { id, name, price, stock }, straight from the table. */
    const productsInTable = async () => {
      const rows = (await Product.query.valuesList('sku', 'id', 'name', 'price', 'stock')) as [string, number, string, number, number][];
      return new Map(rows.map(([sku, id, n, price, stock]) => [sku, { id: Number(id), name: n, price: Number(price), stock: Number(stock) }]));
    };

    beforeAll(async () => {
      await registry.createAll();
      await log.start();
    });

    afterAll(async () => {
      log.stop();
      await registry.dropAll();
      await registry.disconnect();
    });

    beforeEach(async () => {
      await Product.query.delete();
      await Price.query.delete();
      await Maker.query.delete();
      log.clear();
    });

    const seed = () =>
      Product.query.bulkCreate([
        { sku: 'a', name: 'Apple', price: 1, stock: 5 },
        { sku: 'b', name: 'Banana', price: 2, stock: 7 },
      ]);

    describe('ignoreConflicts', () => {
      it('inserts the new rows and leaves the conflicting ones as they were', async () => {
        const before = await seed();
        const incoming = [
          { sku: 'a', name: 'Avocado', price: 9 },
          { sku: 'c', name: 'Cherry', price: 3 },
          { sku: 'd', name: 'Date', price: 4 },
          { sku: 'c', name: 'Cherry again', price: 30 },
        ];
        const created = await Product.query.bulkCreate(incoming, { ignoreConflicts: true });
        expect(created).toHaveLength(incoming.length);
        const table = await productsInTable();
        const expectedSkus = new Set([...before.map((p) => p.sku), ...incoming.map((r) => r.sku)]);
        expect(table.size).toBe(expectedSkus.size);
        expect(await Product.query.count()).toBe(expectedSkus.size);
        // The first row of each new sku wins; existing rows are untouched.
        for (const p of before) expect(table.get(p.sku)).toEqual({ id: p.pk, name: p.name, price: p.price, stock: p.stock });
        const firstOf = (sku: string) => incoming.find((r) => r.sku === sku)!;
        for (const sku of ['c', 'd']) expect(table.get(sku)?.name).toBe(firstOf(sku).name);
      });

      it('leaves keys unset: skipped rows have none', async () => {
        await seed();
        const created = await Product.query.bulkCreate(
          [
            { sku: 'a', name: 'x', price: 1 },
            { sku: 'z', name: 'Zucchini', price: 1 },
          ],
          { ignoreConflicts: true },
        );
        for (const item of created) expect(item.pk).toBeUndefined();
      });

      it('still fails on a foreign-key violation, and writes nothing', async () => {
        await seed();
        const before = await productsInTable();
        const maker = await Maker.query.create({ name: 'Acme' });
        const missing = Number(maker.pk) + 1000;
        await expect(
          Product.query.bulkCreate(
            [
              { sku: 'n1', name: 'new', price: 1 },
              { sku: 'n2', name: 'orphan', price: 1, maker: missing },
            ],
            { ignoreConflicts: true },
          ),
        ).rejects.toThrow(IntegrityError);
        expect(await productsInTable()).toEqual(before);
      });
    });

    describe('updateConflicts', () => {
      it('inserts new rows and updates only updateFields of conflicting ones', async () => {
        const before = await seed();
        const incoming = [
          { sku: 'a', name: 'Avocado', price: 10, stock: 0 },
          { sku: 'c', name: 'Cherry', price: 3, stock: 2 },
        ];
        const created = await Product.query.bulkCreate(incoming, { updateConflicts: true, uniqueFields: ['sku'], updateFields: ['price'] });
        const table = await productsInTable();
        expect(table.size).toBe(new Set([...before.map((p) => p.sku), ...incoming.map((r) => r.sku)]).size);
        const a = before.find((p) => p.sku === 'a')!;
        const b = before.find((p) => p.sku === 'b')!;
        const newA = incoming.find((r) => r.sku === 'a')!;
        expect(table.get('a')).toEqual({ id: a.pk, name: a.name, price: newA.price, stock: a.stock });
        expect(table.get('b')).toEqual({ id: b.pk, name: b.name, price: b.price, stock: b.stock });
        const c = incoming.find((r) => r.sku === 'c')!;
        expect(table.get('c')).toEqual({ id: expect.any(Number), name: c.name, price: c.price, stock: c.stock });
        // The key of every row written, inserted or updated (RETURNING, or read back by the unique fields on MySQL/MariaDB).
        expect(created.map((p) => Number(p.pk))).toEqual(incoming.map((r) => table.get(r.sku)!.id));
      });

      it('upserts in batches', async () => {
        await seed();
        const incoming = ['a', 'b', 'c', 'd', 'e'].map((sku, i) => ({ sku, name: `n-${sku}`, price: 100 + i }));
        await Product.query.bulkCreate(incoming, { updateConflicts: true, uniqueFields: ['sku'], updateFields: ['price', 'name'], batchSize: 2 });
        const table = await productsInTable();
        expect(table.size).toBe(incoming.length);
        for (const r of incoming) expect(table.get(r.sku)).toMatchObject({ name: r.name, price: r.price });
      });

      it('targets a composite unique constraint, in any field order', async () => {
        const seeded = await Price.query.bulkCreate([
          { sku: 'a', region: 'eu', amount: 1, note: 'kept' },
          { sku: 'a', region: 'us', amount: 2, note: 'us' },
        ]);
        const incoming = [
          { sku: 'a', region: 'eu', amount: 11, note: 'ignored' },
          { sku: 'b', region: 'eu', amount: 5, note: 'new' },
        ];
        const written = await Price.query.bulkCreate(incoming, { updateConflicts: true, uniqueFields: ['region', 'sku'], updateFields: ['amount'] });
        const rows = (await Price.query.valuesList('sku', 'region', 'amount', 'note')) as [string, string, number, string | null][];
        const idOf = new Map(
          ((await Price.query.valuesList('sku', 'region', 'id')) as [string, string, number][]).map(([sku, region, id]) => [`${sku}/${region}`, Number(id)]),
        );
        expect(written.map((p) => Number(p.pk))).toEqual(incoming.map((r) => idOf.get(`${r.sku}/${r.region}`)));
        const byKey = new Map(rows.map(([sku, region, amount, note]) => [`${sku}/${region}`, { amount: Number(amount), note }]));
        expect(byKey.size).toBe(3);
        const eu = seeded.find((p) => p.region === 'eu')!;
        const us = seeded.find((p) => p.region === 'us')!;
        expect(byKey.get('a/eu')).toEqual({ amount: incoming[0].amount, note: eu.note });
        expect(byKey.get('a/us')).toEqual({ amount: us.amount, note: us.note });
        expect(byKey.get('b/eu')).toEqual({ amount: incoming[1].amount, note: incoming[1].note });
      });

      it('targets the primary key', async () => {
        const [a] = await seed();
        const table = await productsInTable();
        const fresh = Math.max(...[...table.values()].map((r) => r.id)) + 1000;
        await Product.query.bulkCreate(
          [
            { id: a.pk, sku: 'a-renamed', name: 'Apricot', price: 50 },
            { id: fresh, sku: 'f', name: 'Fig', price: 6 },
          ] as never[],
          { updateConflicts: true, uniqueFields: ['id'], updateFields: ['name'] },
        );
        const after = await productsInTable();
        expect(after.get('a')).toEqual({ id: a.pk, name: 'Apricot', price: a.price, stock: a.stock });
        expect(after.get('f')).toMatchObject({ id: fresh, name: 'Fig' });
      });
    });

    describe('bad input writes nothing', () => {
      const bad: [string, Record<string, unknown>, RegExp][] = [
        ['updateConflicts without uniqueFields', { updateConflicts: true, updateFields: ['price'] }, /uniqueFields/],
        ['updateConflicts without updateFields', { updateConflicts: true, uniqueFields: ['sku'] }, /updateFields/],
        ['empty updateFields', { updateConflicts: true, uniqueFields: ['sku'], updateFields: [] }, /updateFields/],
        ['uniqueFields naming no unique constraint', { updateConflicts: true, uniqueFields: ['name'], updateFields: ['price'] }, /unique/],
        ['uniqueFields wider than a constraint', { updateConflicts: true, uniqueFields: ['sku', 'name'], updateFields: ['price'] }, /unique/],
        ['an unknown unique field', { updateConflicts: true, uniqueFields: ['nope'], updateFields: ['price'] }, /nope/],
        ['an unknown update field', { updateConflicts: true, uniqueFields: ['sku'], updateFields: ['nope'] }, /nope/],
        ['updateFields repeating a unique field', { updateConflicts: true, uniqueFields: ['sku'], updateFields: ['sku', 'price'] }, /sku/],
        ['updateFields naming the primary key', { updateConflicts: true, uniqueFields: ['sku'], updateFields: ['id'] }, /primary key/],
        ['both ignoreConflicts and updateConflicts', { ignoreConflicts: true, updateConflicts: true, uniqueFields: ['sku'], updateFields: ['price'] }, /both/],
        ['uniqueFields without updateConflicts', { ignoreConflicts: true, uniqueFields: ['sku'] }, /updateConflicts/],
      ];
      for (const [title, options, message] of bad) {
        it(`${title} → QueryError`, async () => {
          await seed();
          const before = await productsInTable();
          log.clear();
          const rows = [
            { sku: 'a', name: 'x', price: 1 },
            { sku: 'q', name: 'y', price: 2 },
          ];
          const attempt = Product.query.bulkCreate(rows, options as never);
          await expect(attempt).rejects.toThrow(QueryError);
          await expect(attempt).rejects.toThrow(message);
          expect(writes()).toBe(0);
          expect(await productsInTable()).toEqual(before);
        });
      }

      it('rows repeating one unique key in an upsert → QueryError', async () => {
        log.clear();
        const rows = [
          { sku: 'r', name: 'one', price: 1 },
          { sku: 's', name: 'two', price: 2 },
          { sku: 'r', name: 'three', price: 3 },
        ];
        const attempt = Product.query.bulkCreate(rows, { updateConflicts: true, uniqueFields: ['sku'], updateFields: ['name'] });
        await expect(attempt).rejects.toThrow(QueryError);
        await expect(attempt).rejects.toThrow(/\[0\].*\[2\]|rows 0 and 2/);
        expect(writes()).toBe(0);
        expect(await Product.query.count()).toBe(0);
      });

      it('validation still runs (maxLength) → ValidationError', async () => {
        await seed();
        const before = await productsInTable();
        log.clear();
        const rows: Partial<ProductT>[] = [
          { sku: 'ok', name: 'fine', price: 1 },
          { sku: 'x'.repeat(21), name: 'long', price: 1 },
        ];
        await expect(Product.query.bulkCreate(rows, { updateConflicts: true, uniqueFields: ['sku'], updateFields: ['name'] })).rejects.toThrow(ValidationError);
        await expect(Product.query.bulkCreate(rows, { ignoreConflicts: true })).rejects.toThrow(ValidationError);
        expect(writes()).toBe(0);
        expect(await productsInTable()).toEqual(before);
      });
    });
  };
  if (name === 'sqlite') describe(`bulkCreate conflicts on ${label}`, body);
  else describeWithServer(`bulkCreate conflicts on ${label}`, url, body);
}
