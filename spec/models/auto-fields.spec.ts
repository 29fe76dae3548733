import { BaseModel, Field, Model, ModelDefinitionError, PrimaryKey, Registry } from '../../lib';
import type { Manager } from '../../lib';
import { hasChanges, planMigration } from '../../lib/migrations/make';
import { DIALECT_URLS, describeWithServer, uniqueName } from '../support/servers';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Today's UTC date (keelson's date fields are UTC days) at `ms`. */
const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Runs `fn` between two clock readings: what a timestamp written by it may be. */
async function timed<R>(fn: () => Promise<R>): Promise<{ result: R; before: number; after: number }> {
  const before = Date.now();
  const result = await fn();
  return { result, before, after: Date.now() };
}

function declare(registry: Registry, prefix: string) {
  @Model({ registry, tablePrefix: prefix })
  class Post extends BaseModel {
    declare static query: Manager<Post>;
    @Field({ maxLength: 40 }) title!: string;
    @Field({ autoNowAdd: true }) createdAt!: Date;
    @Field({ autoNow: true }) updatedAt!: Date;
    @Field({ type: 'date', autoNowAdd: true }) createdOn!: string;
    @Field({ type: 'date', autoNow: true }) touchedOn!: Date;
    // Whole seconds: the database truncates or rounds the milliseconds away.
    @Field({ autoNow: true, precision: 0 }) seenAt!: Date;
  }

  @Model({ registry, tablePrefix: prefix })
  class Token extends BaseModel {
    declare static query: Manager<Token>;
    @PrimaryKey({ type: 'uuid' }) id!: string;
    @Field({ maxLength: 40, unique: true }) label!: string;
  }

  @Model({ registry, tablePrefix: prefix })
  class Badge extends BaseModel {
    declare static query: Manager<Badge>;
    @Field({ type: 'uuid', primaryKey: true }) code!: string;
    @Field({ maxLength: 40 }) name!: string;
  }
  return { Post, Token, Badge };
}

/** The old time a write is given explicitly, far from "now". */
const LONG_AGO = new Date('2001-02-03T04:05:06.000Z');

for (const { name, url, label } of DIALECT_URLS) {
  describeWithServer(`autoNow, autoNowAdd and uuid keys on ${label}`, url, () => {
    const registry = new Registry(url);
    const { Post, Token, Badge } = declare(registry, uniqueName('auto'));

    beforeAll(() => registry.createAll());
    afterAll(async () => {
      await registry.dropAll();
      await registry.disconnect();
    });

    /** Expects a datetime written between `before` and `after` (ms). */
    const expectWithin = (value: Date, before: number, after: number) => {
      expect(value).toBeInstanceOf(Date);
      expect(value.getTime()).toBeGreaterThanOrEqual(before);
      expect(value.getTime()).toBeLessThanOrEqual(after);
    };
    /** Expects a day written between `before` and `after` (the day may turn in between). */
    const expectDay = (value: string, before: number, after: number) => expect([utcDay(before), utcDay(after)]).toContain(value);

    it('create sets autoNowAdd and autoNow fields to now, equal on the new row, and the row reads them back', async () => {
      const { result: post, before, after } = await timed(() => Post.query.create({ title: 'a' }));
      expectWithin(post.createdAt, before, after);
      expect(post.updatedAt.getTime()).toBe(post.createdAt.getTime());
      expectDay(post.createdOn, before, after);
      expect(post.touchedOn).toEqual(new Date(`${post.createdOn}T00:00:00Z`));
      const read = await Post.query.get({ pk: post.pk });
      expect(read.createdAt.getTime()).toBe(post.createdAt.getTime());
      expect(read.updatedAt.getTime()).toBe(post.updatedAt.getTime());
      expect(read.createdOn).toBe(post.createdOn);
      expect(read.touchedOn).toEqual(post.touchedOn);
      // A column of whole seconds: MariaDB truncates and PostgreSQL rounds the milliseconds away; SQLite keeps them.
      expect(read.seenAt.getTime() % 1000).toBe(name === 'sqlite' ? post.seenAt.getTime() % 1000 : 0);
      expectWithin(read.seenAt, Math.floor(before / 1000) * 1000, Math.ceil(after / 1000) * 1000);
    });

    it('a value given on create is kept, for autoNowAdd and autoNow alike', async () => {
      const post = await Post.query.create({ title: 'b', createdAt: LONG_AGO, updatedAt: LONG_AGO, createdOn: '2001-02-03' });
      const read = await Post.query.get({ pk: post.pk });
      expect(read.createdAt.getTime()).toBe(LONG_AGO.getTime());
      expect(read.updatedAt.getTime()).toBe(LONG_AGO.getTime());
      expect(read.createdOn).toBe('2001-02-03');
    });

    it('save() of a saved instance refreshes autoNow and keeps autoNowAdd', async () => {
      const post = await Post.query.create({ title: 'c', createdAt: LONG_AGO, updatedAt: LONG_AGO });
      post.title = 'c2';
      const { before, after } = await timed(() => post.save());
      expectWithin(post.updatedAt, before, after);
      const read = await Post.query.get({ pk: post.pk });
      expect(read.title).toBe('c2');
      expect(read.createdAt.getTime()).toBe(LONG_AGO.getTime());
      expectWithin(read.updatedAt, before, after);
      expectDay(utcDay(read.touchedOn.getTime()), before, after);
    });

    it('instance.update() refreshes autoNow unless the values name it', async () => {
      const post = await Post.query.create({ title: 'd', updatedAt: LONG_AGO });
      const { before, after } = await timed(() => post.update({ title: 'd2' }));
      expectWithin(post.updatedAt, before, after);
      expectWithin((await Post.query.get({ pk: post.pk })).updatedAt, before, after);
      await post.update({ title: 'd3', updatedAt: LONG_AGO });
      expect((await Post.query.get({ pk: post.pk })).updatedAt.getTime()).toBe(LONG_AGO.getTime());
    });

    it('queryset update() refreshes autoNow on the matching rows only, unless the values name it', async () => {
      const [hit, miss] = await Post.query.bulkCreate([
        { title: 'e-hit', updatedAt: LONG_AGO },
        { title: 'e-miss', updatedAt: LONG_AGO },
      ]);
      const { result: count, before, after } = await timed(() => Post.query.filter({ title: 'e-hit' }).update({ title: 'e-hit2' }));
      expect(count).toBe(1);
      expectWithin((await Post.query.get({ pk: hit.pk })).updatedAt, before, after);
      expect((await Post.query.get({ pk: miss.pk })).updatedAt.getTime()).toBe(LONG_AGO.getTime());
      await Post.query.filter({ pk: hit.pk }).update({ title: 'e-hit3', updatedAt: LONG_AGO });
      expect((await Post.query.get({ pk: hit.pk })).updatedAt.getTime()).toBe(LONG_AGO.getTime());
    });

    it('bulkCreate fills every row; bulkUpdate refreshes autoNow only when it names the field', async () => {
      const {
        result: posts,
        before,
        after,
      } = await timed(() => Post.query.bulkCreate([{ title: 'f1' }, { title: 'f2', createdAt: LONG_AGO, updatedAt: LONG_AGO }]));
      expectWithin(posts[0].createdAt, before, after);
      expect(posts[1].createdAt.getTime()).toBe(LONG_AGO.getTime());
      for (const p of posts) p.title = `${p.title}!`;
      await Post.query.bulkUpdate(posts, ['title']);
      expect((await Post.query.get({ pk: posts[1].pk })).updatedAt.getTime()).toBe(LONG_AGO.getTime());
      const touched = await timed(() => Post.query.bulkUpdate(posts, ['title', 'updatedAt']));
      for (const p of posts) expectWithin((await Post.query.get({ pk: p.pk })).updatedAt, touched.before, touched.after);
      expect((await Post.query.get({ pk: posts[1].pk })).title).toBe('f2!');
    });

    it('getOrCreate fills a created row; updateOrCreate refreshes an existing one', async () => {
      const { result, before, after } = await timed(() => Post.query.getOrCreate({ title: 'g' }));
      const [post, created] = result;
      expect(created).toBe(true);
      expectWithin(post.createdAt, before, after);
      await Post.query.filter({ pk: post.pk }).update({ updatedAt: LONG_AGO });
      const again = await timed(() => Post.query.updateOrCreate({ title: 'g' }, { createdOn: '2001-02-03' }));
      expect(again.result[1]).toBe(false);
      expectWithin((await Post.query.get({ pk: post.pk })).updatedAt, again.before, again.after);
    });

    it('a uuid primary key without a value gets a random uuid on create, save, bulkCreate and getOrCreate', async () => {
      const created = await Token.query.create({ label: 'one' });
      const saved = new Token({ label: 'two' });
      await saved.save();
      const bulk = await Token.query.bulkCreate([{ label: 'three' }, { label: 'four' }]);
      const [got, wasCreated] = await Token.query.getOrCreate({ label: 'five' });
      expect(wasCreated).toBe(true);
      const badge = await Badge.query.create({ name: 'b' });
      const keys = [created, saved, ...bulk, got].map((t) => t.id);
      for (const key of [...keys, badge.code]) expect(key).toMatch(UUID);
      expect(new Set(keys).size).toBe(keys.length);
      for (const [i, key] of keys.entries()) expect((await Token.query.get({ id: key })).label).toBe(['one', 'two', 'three', 'four', 'five'][i]);
      expect((await Badge.query.get({ pk: badge.code })).name).toBe('b');
    });

    it('a uuid key given on create is kept', async () => {
      const key = crypto.randomUUID();
      const token = await Token.query.create({ id: key, label: 'given' });
      expect(token.id).toBe(key);
      expect((await Token.query.get({ label: 'given' })).id).toBe(key);
    });
  });
}

describe('autoNow and autoNowAdd declarations', () => {
  const registry = new Registry('sqlite::memory:');
  const refused = (options: Record<string, unknown>, message: RegExp) => {
    let error: unknown;
    try {
      @Model({ registry, tablePrefix: uniqueName('bad') })
      class Bad extends BaseModel {
        @Field(options) stamp!: Date;
      }
      void Bad;
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ModelDefinitionError);
    expect((error as Error).message).toMatch(message);
  };

  it('refuses autoNow on a field that is not a date or datetime', () => {
    refused({ type: 'string', autoNow: true }, /Bad\.stamp: autoNow needs a date or datetime field, not string/);
    refused({ type: 'time', autoNowAdd: true }, /autoNowAdd needs a date or datetime field, not time/);
  });

  it('refuses autoNow with a default, both options at once, and a non-boolean', () => {
    refused({ autoNow: true, default: () => new Date() }, /autoNow sets the value itself, so it takes no default/);
    refused({ autoNow: true, autoNowAdd: true }, /autoNow and autoNowAdd exclude each other/);
    refused({ autoNowAdd: 'yes' }, /autoNowAdd takes true or false/);
  });

  it('leaves the schema alone: makemigrations sees no change after createAll', async () => {
    const own = new Registry('sqlite::memory:');
    declare(own, uniqueName('mig'));
    try {
      await own.createAll();
      expect(hasChanges(await planMigration(own, 'default'))).toBe(false);
      // The DDL is the one of the same fields without the options.
      const shape = (r: Registry, table: string) => r.metadata.tables.get(table)!.columns.map((c) => ({ ...c }));
      const plain = new Registry('sqlite::memory:');
      @Model({ registry: plain, tablename: own.getModel('Post').meta.tablename })
      class Post extends BaseModel {
        @Field({ maxLength: 40 }) title!: string;
        @Field() createdAt!: Date;
        @Field() updatedAt!: Date;
        @Field({ type: 'date' }) createdOn!: string;
        @Field({ type: 'date' }) touchedOn!: Date;
        @Field({ precision: 0 }) seenAt!: Date;
      }
      expect(shape(plain, Post.meta.tablename)).toEqual(shape(own, Post.meta.tablename));
    } finally {
      await own.disconnect();
    }
  });
});
