import { BaseModel, DatabaseError, Field, ForeignKey, ManyRelation, ManyToMany, Model, QueryError, Registry, Relation, ValidationError } from '../../lib';
import { DIALECT_URLS, describeWithServer, uniqueName } from '../support/servers';
import { statementLog } from '../support/statements';

function declare(registry: Registry, prefix: string) {
  @Model({ registry, tablePrefix: prefix })
  class Writer extends BaseModel {
    @Field() name!: string;
  }

  @Model({ registry, tablePrefix: prefix })
  class Badge extends BaseModel {
    @Field() name!: string;
  }

  /** Four columns: id, label, rank, writer_id (the many-to-many adds none). */
  @Model({ registry, tablePrefix: prefix })
  class Item extends BaseModel {
    @Field({ maxLength: 20, unique: true }) label!: string;
    @Field() rank!: number;
    @ForeignKey(() => Writer, { nullable: true, onDelete: 'SET NULL' }) writer!: Relation<Writer> | null;
    @ManyToMany(() => Badge) badges!: ManyRelation<Badge>;
  }

  return { Writer, Badge, Item };
}

for (const { name, url, label } of DIALECT_URLS) {
  const body = () => {
    const registry = new Registry(url);
    const { Writer, Badge, Item } = declare(registry, uniqueName('bk'));
    type ItemT = InstanceType<typeof Item>;
    const log = statementLog(registry);
    const inserts = () => log.matching(/^\s*insert/i).length;
    const writes = log.writes;

    /** label → id, straight from the table. */
    const idsInTable = async () => {
      const rows = (await Item.query.valuesList('label', 'id')) as [string, number][];
      return new Map(rows.map(([label, id]) => [label, Number(id)]));
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
      await Item.query.delete();
      await Writer.query.delete();
      await Badge.query.delete();
      log.clear();
    });

    describe('bulkCreate', () => {
      it('returns instances with distinct keys that match the rows read back', async () => {
        const created = await Item.query.bulkCreate([
          { label: 'one', rank: 1 },
          { label: 'two', rank: 2 },
          { label: 'three', rank: 3 },
        ]);
        expect(created).toHaveLength(3);
        for (const item of created) {
          expect(item).toBeInstanceOf(Item);
          expect(typeof item.pk).toBe('number');
        }
        expect(new Set(created.map((i) => i.pk)).size).toBe(3);
        expect(created.map((i) => i.label)).toEqual(['one', 'two', 'three']);
        for (const item of created) {
          const row = await Item.query.get({ pk: item.pk });
          expect(row.label).toBe(item.label);
          expect(row.rank).toBe(item.rank);
        }
        const table = await idsInTable();
        expect(table.size).toBe(3);
        for (const item of created) expect(table.get(item.label)).toBe(item.pk);
      });

      it('accepts instances and value objects with relations', async () => {
        const ann = await Writer.query.create({ name: 'Ann' });
        const given = new Item({ label: 'inst', rank: 1 });
        const created = await Item.query.bulkCreate([given, { label: 'vals', rank: 2, writer: ann }]);
        expect(created[0]).toBe(given);
        expect(typeof given.pk).toBe('number');
        expect(await Item.query.filter({ writer: ann }).valuesList('label', { flat: true })).toEqual(['vals']);
        expect(await Item.query.filter({ writer__isnull: true }).valuesList('label', { flat: true })).toEqual(['inst']);
      });

      it('an empty list writes nothing', async () => {
        expect(await Item.query.bulkCreate([])).toEqual([]);
        expect(inserts()).toBe(0);
      });

      it('more rows than one statement can bind: all land, keys distinct and equal to the table ids', async () => {
        const total = 25_000;
        const created = await Item.query.bulkCreate(Array.from({ length: total }, (_, i) => ({ label: `r${i}`, rank: i })));
        // 25,000 rows × 3 bound columns (label, rank, writer_id; the key is generated) is more than any dialect
        // binds in one statement (SQLite 32,766, PostgreSQL and MySQL 65,535).
        expect(inserts()).toBeGreaterThanOrEqual(2);
        expect(created).toHaveLength(total);
        const pks = created.map((i) => i.pk as number);
        expect(pks.every((pk) => typeof pk === 'number')).toBe(true);
        expect(new Set(pks).size).toBe(total);
        expect(await Item.query.count()).toBe(total);
        const table = await idsInTable();
        expect(table.size).toBe(total);
        let mismatches = 0;
        for (const item of created) if (table.get(item.label) !== item.pk) mismatches += 1;
        expect(mismatches).toBe(0);
        expect((await Item.query.get({ label: 'r12345' })).rank).toBe(12345);
        expect(await Item.query.delete()).toBe(total);
      }, 120_000);

      it('one invalid item (too long) throws ValidationError and writes nothing', async () => {
        await Item.query.create({ label: 'existing', rank: 0 });
        log.clear();
        let error: unknown;
        try {
          await Item.query.bulkCreate([
            { label: 'ok-1', rank: 1 },
            { label: 'x'.repeat(21), rank: 2 },
            { label: 'ok-3', rank: 3 },
          ]);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(ValidationError);
        expect(Object.keys((error as ValidationError).errors).join(' ')).toMatch(/label/);
        expect(writes()).toBe(0);
        expect(await Item.query.count()).toBe(1);
      });

      it('one invalid item (null on a non-nullable field) throws ValidationError and writes nothing, even in many batches', async () => {
        const items: Record<string, unknown>[] = Array.from({ length: 20 }, (_, i) => ({ label: `n${i}`, rank: i }));
        items[17] = { label: 'n17', rank: null };
        await expect(Item.query.bulkCreate(items, { batchSize: 7 })).rejects.toBeInstanceOf(ValidationError);
        expect(writes()).toBe(0);
        expect(await Item.query.count()).toBe(0);
      });

      it('a database error in a later batch rolls back the earlier batches', async () => {
        await Item.query.create({ label: 'taken', rank: 0 });
        const items = Array.from({ length: 20 }, (_, i) => ({ label: i === 16 ? 'taken' : `d${i}`, rank: i }));
        await expect(Item.query.bulkCreate(items, { batchSize: 7 })).rejects.toBeInstanceOf(DatabaseError);
        expect(await Item.query.count()).toBe(1);
        expect(await Item.query.filter({ label__startswith: 'd' }).count()).toBe(0);
      });

      it('batchSize: 7 inserts 20 rows in three statements', async () => {
        const created = await Item.query.bulkCreate(
          Array.from({ length: 20 }, (_, i) => ({ label: `b${i}`, rank: i })),
          { batchSize: 7 },
        );
        expect(inserts()).toBe(3);
        expect(await Item.query.count()).toBe(20);
        expect(new Set(created.map((i) => i.pk)).size).toBe(20);
        const table = await idsInTable();
        for (const item of created) expect(table.get(item.label)).toBe(item.pk);
      });
    });

    describe('bulkUpdate', () => {
      it('writes only the named fields', async () => {
        const items = await Item.query.bulkCreate([
          { label: 'u1', rank: 1 },
          { label: 'u2', rank: 2 },
          { label: 'u3', rank: 3 },
        ]);
        for (const item of items) {
          item.rank = item.rank * 10;
          item.label = `${item.label}-changed`;
        }
        expect(await Item.query.bulkUpdate(items, ['rank'])).toBe(3);
        const rows = (await Item.query.orderBy('id').values('label', 'rank')) as { label: string; rank: number }[];
        expect(rows).toEqual([
          { label: 'u1', rank: 10 },
          { label: 'u2', rank: 20 },
          { label: 'u3', rank: 30 },
        ]);
      });

      it('validates the named fields and writes nothing when one fails', async () => {
        const items = await Item.query.bulkCreate([
          { label: 'v1', rank: 1 },
          { label: 'v2', rank: 2 },
        ]);
        items[0].label = 'fine';
        items[1].label = 'y'.repeat(30);
        log.clear();
        await expect(Item.query.bulkUpdate(items, ['label'])).rejects.toBeInstanceOf(ValidationError);
        expect(writes()).toBe(0);
        expect(await Item.query.orderBy('label').valuesList('label', { flat: true })).toEqual(['v1', 'v2']);
      });

      it('refuses unknown fields and unsaved instances', async () => {
        const [saved] = await Item.query.bulkCreate([{ label: 'w1', rank: 1 }]);
        await expect(Item.query.bulkUpdate([saved], ['nope'])).rejects.toBeInstanceOf(QueryError);
        await expect(Item.query.bulkUpdate([saved], [])).rejects.toBeInstanceOf(QueryError);
        await expect(Item.query.bulkUpdate([new Item({ label: 'w2', rank: 2 })], ['rank'])).rejects.toBeInstanceOf(QueryError);
      });
    });

    describe('queryset update() and delete()', () => {
      let ann: InstanceType<typeof Writer>;
      let bob: InstanceType<typeof Writer>;
      let items: ItemT[];

      beforeEach(async () => {
        ann = await Writer.query.create({ name: 'Ann' });
        bob = await Writer.query.create({ name: 'Bob' });
        items = await Item.query.bulkCreate([
          { label: 'a1', rank: 1, writer: ann },
          { label: 'a2', rank: 2, writer: ann },
          { label: 'b1', rank: 3, writer: bob },
          { label: 'n1', rank: 4 },
        ]);
        const [red, rose] = await Badge.query.bulkCreate([{ name: 'red' }, { name: 'rose' }]);
        await items[0].badges.add(red);
        await items[0].badges.add(rose);
        await items[2].badges.add(rose);
        log.clear();
      });

      const ranks = async () => Object.fromEntries(((await Item.query.valuesList('label', 'rank')) as [string, number][]).map(([l, r]) => [l, Number(r)]));

      it('update() returns the number of rows', async () => {
        expect(await Item.query.filter({ rank__gte: 3 }).update({ rank: 0 })).toBe(2);
        expect(await ranks()).toEqual({ a1: 1, a2: 2, b1: 0, n1: 0 });
        expect(await Item.query.filter({ label: 'none' }).update({ rank: 9 })).toBe(0);
        expect(await Item.query.update({ rank: 5 })).toBe(4);
        expect(await ranks()).toEqual({ a1: 5, a2: 5, b1: 5, n1: 5 });
      });

      it('update() counts matched rows, also when a value does not change', async () => {
        expect(await Item.query.filter({ label__in: ['a1', 'a2'] }).update({ rank: 1 })).toBe(2);
        expect(await ranks()).toEqual({ a1: 1, a2: 1, b1: 3, n1: 4 });
      });

      it('update() across a foreign key changes only the matching rows', async () => {
        expect(await Item.query.filter({ writer__name: 'Ann' }).update({ rank: 100 })).toBe(2);
        expect(await ranks()).toEqual({ a1: 100, a2: 100, b1: 3, n1: 4 });
        expect(await Item.query.exclude({ writer__name: 'Ann' }).filter({ writer__isnull: false }).update({ rank: 7 })).toBe(1);
        expect(await ranks()).toEqual({ a1: 100, a2: 100, b1: 7, n1: 4 });
        expect(await Item.query.filter({ writer: bob }).update({ writer: ann })).toBe(1);
        expect(await Item.query.filter({ writer__name: 'Ann' }).count()).toBe(3);
      });

      it('update() across a many-to-many counts each row once', async () => {
        expect(await Item.query.filter({ badges__name__in: ['red', 'rose'] }).update({ rank: 50 })).toBe(2);
        expect(await ranks()).toEqual({ a1: 50, a2: 2, b1: 50, n1: 4 });
      });

      it('update() validates and writes nothing on failure; a bad key is a QueryError before any SQL', async () => {
        await expect(Item.query.filter({ writer__name: 'Ann' }).update({ label: 'z'.repeat(25) })).rejects.toBeInstanceOf(ValidationError);
        await expect(Item.query.update({ nope: 1 })).rejects.toBeInstanceOf(QueryError);
        await expect(Item.query.filter({ writer__nope: 'Ann' }).update({ rank: 1 })).rejects.toBeInstanceOf(QueryError);
        expect(log.sent).toEqual([]);
        expect(await ranks()).toEqual({ a1: 1, a2: 2, b1: 3, n1: 4 });
      });

      it('delete() returns the number of rows', async () => {
        expect(await Item.query.filter({ rank__lt: 2 }).delete()).toBe(1);
        expect(await Item.query.filter({ label: 'none' }).delete()).toBe(0);
        expect(await Item.query.count()).toBe(3);
        expect(await Item.query.delete()).toBe(3);
        expect(await Item.query.count()).toBe(0);
      });

      it('delete() across a foreign key removes only the matching rows', async () => {
        expect(await Item.query.filter({ writer__name: 'Ann' }).delete()).toBe(2);
        expect(await Item.query.orderBy('label').valuesList('label', { flat: true })).toEqual(['b1', 'n1']);
        expect(await Writer.query.count()).toBe(2);
      });

      it('delete() across a many-to-many counts each row once', async () => {
        expect(await Item.query.filter({ badges__name__startswith: 'r' }).delete()).toBe(2);
        expect(await Item.query.orderBy('label').valuesList('label', { flat: true })).toEqual(['a2', 'n1']);
        expect(await Badge.query.count()).toBe(2);
        expect(await Badge.query.filter({ items_set__isnull: false }).count()).toBe(0);
      });

      it('delete() across a reverse foreign key', async () => {
        expect(await Writer.query.filter({ items_set__rank__gte: 3 }).delete()).toBe(1);
        expect(await Writer.query.valuesList('name', { flat: true })).toEqual(['Ann']);
        // SET NULL on the item that pointed at Bob.
        expect((await Item.query.get({ label: 'b1' })).writer).toBeNull();
      });
    });
  };
  if (name === 'sqlite') describe(`bulk writes on ${label}`, body);
  else describeWithServer(`bulk writes on ${label}`, url, body);
}
