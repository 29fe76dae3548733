import {
  BaseModel,
  DatabaseError,
  Field,
  ForeignKey,
  Manager,
  Model,
  MultipleObjectsReturned,
  ObjectNotFound,
  QueryError,
  QuerySet,
  Registry,
  Relation,
} from '../../lib';
import { describeOnSqliteAndPostgres, uniqueName } from '../support/servers';

function declare(registry: Registry, prefix: string) {
  let counter = 0;

  @Model({ registry, tablePrefix: prefix })
  class Author extends BaseModel {
    declare static query: Manager<Author>;
    @Field() name!: string;
    @Field({ nullable: true, secret: true }) token?: string;
  }

  @Model({ registry, tablePrefix: prefix })
  class Post extends BaseModel {
    declare static query: Manager<Post>;
    @Field() title!: string;
    @Field({ default: 0 }) rank!: number;
    @ForeignKey(Author, { onDelete: 'CASCADE' }) author!: Relation<Author>;
    @ForeignKey(Author, { nullable: true, onDelete: 'SET NULL', relatedName: 'reviewed' }) reviewer!: Relation<Author> | null;
  }

  @Model({ registry, tablePrefix: prefix })
  class Shelf extends BaseModel {
    declare static query: Manager<Shelf>;
    @Field() label!: string;
  }

  @Model({ registry, tablePrefix: prefix })
  class Book extends BaseModel {
    declare static query: Manager<Book>;
    @Field() title!: string;
    @ForeignKey(Shelf) shelf!: Relation<Shelf>; // onDelete defaults to RESTRICT
  }

  @Model({ registry, tablePrefix: prefix })
  class Counted extends BaseModel {
    declare static query: Manager<Counted>;
    @Field() label!: string;
    @Field({ default: 'new' }) status!: string;
    @Field({ default: () => ++counter }) serial!: number;
    @Field({ type: 'json', default: { list: [] as string[] } }) settings!: { list: string[] };
  }

  class PublishedManager extends Manager<Article> {
    override getQuerySet(): QuerySet<Article> {
      return super.getQuerySet().filter({ published: true });
    }
  }

  @Model({ registry, tablePrefix: prefix })
  class Article extends BaseModel {
    declare static query: Manager<Article>;
    static published = new PublishedManager();
    @Field() title!: string;
    @Field({ default: false }) published!: boolean;
  }

  @Model({ registry, tablePrefix: prefix })
  class Writer extends BaseModel {
    declare static query: Manager<Writer>;
    @Field() name!: string;
  }

  @Model({ registry, tablePrefix: prefix })
  class Entry extends BaseModel {
    declare static query: Manager<Entry>;
    @Field() title!: string;
    @Field() rank!: number;
    @Field({ type: 'string', nullable: true }) note!: string | null;
    @ForeignKey(Writer, { nullable: true, onDelete: 'SET NULL' }) writer!: Relation<Writer> | null;
  }

  /** How many times a `Tracked` constructor ran. */
  const made = { count: 0 };

  @Model({ registry, tablePrefix: prefix })
  class Tracked extends BaseModel {
    declare static query: Manager<Tracked>;
    @Field() label!: string;
    @Field({ type: 'integer', nullable: true }) size!: number | null;
    @Field({ type: 'string', nullable: true }) note!: string | null;
    @Field({ type: 'boolean', default: false }) flag!: boolean;
    @ForeignKey(Writer, { nullable: true, onDelete: 'SET NULL' }) writer!: Relation<Writer> | null;

    constructor(values?: Record<string, unknown>) {
      super(values);
      made.count++;
    }

    get shout(): string {
      return this.label.toUpperCase();
    }
  }

  return { Author, Post, Shelf, Book, Counted, Article, Writer, Entry, Tracked, made };
}

describeOnSqliteAndPostgres('model instances', (url) => {
  const registry = new Registry(url);
  const { Author, Post, Shelf, Book, Counted, Article, Writer, Entry, Tracked, made } = declare(registry, uniqueName('inst'));

  beforeAll(async () => {
    await registry.createAll();
  });

  afterAll(async () => {
    await registry.dropAll();
    await registry.disconnect();
  });

  describe('instances', () => {
    it('instances read from the database are of their model, with its getters, and its constructor never runs for them', async () => {
      const writer = await Writer.query.create({ name: 'Reader' });
      await Tracked.query.create({ label: 'one', size: 1, note: 'n', writer });
      await Tracked.query.create({ label: 'two', size: null, note: null, writer: null });
      made.count = 0;
      const rows = await Tracked.query.orderBy('label').fetch();
      const joined = await Tracked.query.selectRelated('writer').orderBy('label').fetch();
      const one = await Tracked.query.get({ label: 'one' });
      const streamed: InstanceType<typeof Tracked>[] = [];
      for await (const row of Tracked.query.orderBy('label').iterate({ chunkSize: 1 })) streamed.push(row);
      const stub = one.writer as InstanceType<typeof Writer>;
      for (const instance of [...rows, ...joined, one, ...streamed]) {
        expect(instance).toBeInstanceOf(Tracked);
        expect(instance.constructor).toBe(Tracked);
        expect(Object.getPrototypeOf(instance)).toBe(Tracked.prototype);
      }
      expect(rows.map((r) => [r.label, r.shout, r.size, r.note, r.flag])).toEqual([
        ['one', 'ONE', 1, 'n', false],
        ['two', 'TWO', null, null, false],
      ]);
      expect(streamed.map((r) => r.shout)).toEqual(['ONE', 'TWO']);
      expect(joined[0].writer).toBeInstanceOf(Writer);
      expect((joined[0].writer as InstanceType<typeof Writer>).name).toBe('Reader');
      expect(joined[1].writer).toBeNull();
      expect(stub).toBeInstanceOf(Writer);
      expect(Object.getPrototypeOf(stub)).toBe(Writer.prototype);
      expect(stub.pk).toBe(writer.pk);
      expect(made.count).toBe(0);
      // A new instance still runs it.
      expect(new Tracked({ label: 'three' }).shout).toBe('THREE');
      expect(made.count).toBe(1);
    });

    it('save() inserts a new instance, then save() again updates the same row', async () => {
      const author = await Author.query.create({ name: 'Saver' });
      const before = await Post.query.count();
      const post = new Post({ title: 'draft', author });
      expect(post.pk).toBeUndefined();
      await post.save();
      expect(typeof post.pk).toBe('number');
      expect(await Post.query.count()).toBe(before + 1);
      const pk = post.pk;

      post.title = 'final';
      post.rank = 7;
      await post.save();
      expect(post.pk).toBe(pk);
      expect(await Post.query.count()).toBe(before + 1);
      const fresh = await Post.query.get({ pk });
      expect(fresh.title).toBe('final');
      expect(fresh.rank).toBe(7);
    });

    it('update(values) writes only the given fields', async () => {
      const author = await Author.query.create({ name: 'Updater' });
      const post = await Post.query.create({ title: 'original', rank: 1, author });
      const a = await Post.query.get({ pk: post.pk });
      const b = await Post.query.get({ pk: post.pk });
      await a.update({ title: 'retitled' });
      // b still holds title "original": updating rank must not write it back.
      await b.update({ rank: 42 });
      expect(b.rank).toBe(42);
      const fresh = await Post.query.get({ pk: post.pk });
      expect(fresh.title).toBe('retitled');
      expect(fresh.rank).toBe(42);
      await expect(post.update({ nope: 1 })).rejects.toThrow(QueryError);
    });

    it('delete() with CASCADE removes the children', async () => {
      const author = await Author.query.create({ name: 'Cascader' });
      await Post.query.create({ title: 'c1', author });
      await Post.query.create({ title: 'c2', author });
      expect(await Post.query.filter({ author }).count()).toBe(2);
      expect(await author.delete()).toBe(1);
      expect(await Author.query.filter({ pk: author.pk }).count()).toBe(0);
      expect(await Post.query.filter({ author: author.pk }).count()).toBe(0);
    });

    it('delete() with RESTRICT rejects with DatabaseError and keeps the row', async () => {
      const shelf = await Shelf.query.create({ label: 'kept' });
      const book = await Book.query.create({ title: 'holding', shelf });
      await expect(shelf.delete()).rejects.toThrow(DatabaseError);
      expect(await Shelf.query.filter({ pk: shelf.pk }).count()).toBe(1);
      expect(await Book.query.filter({ shelf }).count()).toBe(1);
      // Once nothing points at it, it goes.
      await book.delete();
      expect(await shelf.delete()).toBe(1);
      expect(await Shelf.query.filter({ pk: shelf.pk }).count()).toBe(0);
    });

    it('delete() with SET NULL nulls the foreign key of the children', async () => {
      const author = await Author.query.create({ name: 'Writer' });
      const reviewer = await Author.query.create({ name: 'Reviewer' });
      const post = await Post.query.create({ title: 'reviewed', author, reviewer });
      expect((post as unknown as { reviewer_id: number }).reviewer_id).toBe(reviewer.pk);
      await reviewer.delete();
      await post.load();
      expect((post as unknown as { reviewer_id: number | null }).reviewer_id).toBeNull();
      expect(post.reviewer).toBeNull();
      expect(await Post.query.filter({ pk: post.pk }).count()).toBe(1);
    });

    it('load() refreshes every field from the database', async () => {
      const author = await Author.query.create({ name: 'Loader' });
      const post = await Post.query.create({ title: 'stale', rank: 1, author });
      await Post.query.filter({ pk: post.pk }).update({ title: 'fresh', rank: 2 });
      expect(post.title).toBe('stale');
      await post.load();
      expect(post.title).toBe('fresh');
      expect(post.rank).toBe(2);
      const gone = await Post.query.create({ title: 'gone', author });
      await Post.query.filter({ pk: gone.pk }).delete();
      await expect(gone.load()).rejects.toThrow(ObjectNotFound);
    });

    it('toJSON() leaves out secret fields while the instance keeps their value', async () => {
      const author = await Author.query.create({ name: 'Secretive', token: 's3cr3t' });
      expect(author.token).toBe('s3cr3t');
      const json = author.toJSON();
      expect(json).toEqual({ id: author.pk, name: 'Secretive' });
      expect('token' in json).toBe(false);
      expect(JSON.stringify(author)).not.toContain('s3cr3t');
      const fetched = await Author.query.get({ pk: author.pk });
      expect(fetched.token).toBe('s3cr3t');
      expect(fetched.toJSON()).toEqual({ id: author.pk, name: 'Secretive' });
    });

    it('pk reads and writes the primary key', async () => {
      const author = await Author.query.create({ name: 'Keyed' });
      expect(author.pk).toBe((author as unknown as { id: number }).id);
      const copy = new Author({ name: 'x' });
      copy.pk = author.pk;
      expect((copy as unknown as { id: number }).id).toBe(author.pk);
      await copy.load();
      expect(copy.name).toBe('Keyed');
      expect((new Author({ pk: 123 }) as unknown as { id: number }).id).toBe(123);
    });

    it('applies literal, per-row function and unshared object defaults', async () => {
      const a = await Counted.query.create({ label: 'a' });
      const b = await Counted.query.create({ label: 'b' });
      expect(a.status).toBe('new');
      expect(b.status).toBe('new');
      expect(typeof a.serial).toBe('number');
      expect(b.serial).not.toBe(a.serial);
      expect(a.settings).toEqual({ list: [] });
      expect(b.settings).toEqual({ list: [] });
      expect(b.settings).not.toBe(a.settings);
      a.settings.list.push('mutated');
      const c = await Counted.query.create({ label: 'c' });
      expect(c.settings).toEqual({ list: [] });
      const stored = await Counted.query.orderBy('label').valuesList('serial', { flat: true });
      expect(new Set(stored).size).toBe(3);
      expect((await Counted.query.get({ label: 'c' })).settings).toEqual({ list: [] });
      // An explicit value wins over the default.
      const d = await Counted.query.create({ label: 'd', status: 'old', serial: 1000 });
      expect((await Counted.query.get({ pk: d.pk })).status).toBe('old');
      expect((await Counted.query.get({ pk: d.pk })).serial).toBe(1000);
    });

    it('refuses an unknown field in create() with QueryError and writes nothing', async () => {
      const before = await Author.query.count();
      await expect(Author.query.create({ name: 'x', nope: 1 } as never)).rejects.toThrow(QueryError);
      expect(() => new Author({ nope: 1 })).toThrow(QueryError);
      expect(await Author.query.count()).toBe(before);
    });

    it('post.author is an instance holding only its key until load()', async () => {
      const author = await Author.query.create({ name: 'Referenced', token: 'tk' });
      const created = await Post.query.create({ title: 'pointer', author });
      const post = await Post.query.get({ pk: created.pk });
      const stub = post.author;
      expect(stub).toBeInstanceOf(Author);
      expect(stub.pk).toBe(author.pk);
      expect(stub.name).toBeUndefined();
      await post.author.load();
      expect(post.author).toBe(stub);
      expect(post.author.name).toBe('Referenced');
      expect(post.author.token).toBe('tk');
    });

    it('a custom manager declared as a static property returns only its rows', async () => {
      await Article.query.create({ title: 'out', published: true });
      await Article.query.create({ title: 'hidden' });
      await Article.query.create({ title: 'also out', published: true });
      expect(Article.published).toBeInstanceOf(Manager);
      const titles = (await Article.published.all().orderBy('title')).map((a) => a.title);
      expect(titles).toEqual(['also out', 'out']);
      expect(await Article.published.count()).toBe(2);
      expect(await Article.query.count()).toBe(3);
      expect(await Article.published.filter({ title: 'hidden' }).count()).toBe(0);
      expect(await Article.published.getOrNone({ title: 'hidden' })).toBeNull();
      expect((await Article.published.get({ title: 'out' })).published).toBe(true);
    });
  });

  describe('querysets', () => {
    const titles = async (qs: PromiseLike<InstanceType<typeof Entry>[]>) => (await qs).map((e) => e.title);
    let ann: InstanceType<typeof Writer>;

    beforeAll(async () => {
      ann = await Writer.query.create({ name: 'Ann' });
      const bob = await Writer.query.create({ name: 'Bob' });
      await Entry.query.create({ title: 'a', rank: 1, note: 'n1', writer: ann });
      await Entry.query.create({ title: 'b', rank: 2, note: 'n2', writer: ann });
      await Entry.query.create({ title: 'c', rank: 3, note: 'n3', writer: bob });
      await Entry.query.create({ title: 'd', rank: 3, note: null });
    });

    it('are immutable: chaining returns a new queryset and leaves the old one unchanged', async () => {
      const base = Entry.query.filter({ rank__gte: 2 });
      const narrowed = base.filter({ rank: 3 });
      const ordered = base.orderBy('-title');
      const limited = base.orderBy('title').limit(1);
      expect(narrowed).not.toBe(base);
      expect(ordered).not.toBe(base);
      expect((await titles(base)).sort()).toEqual(['b', 'c', 'd']);
      expect((await titles(narrowed)).sort()).toEqual(['c', 'd']);
      expect(await titles(ordered)).toEqual(['d', 'c', 'b']);
      expect(await titles(limited)).toEqual(['b']);
      const excluded = base.exclude({ title: 'b' });
      expect((await titles(excluded)).sort()).toEqual(['c', 'd']);
      expect((await titles(base)).sort()).toEqual(['b', 'c', 'd']);
      expect(await base.count()).toBe(3);
    });

    it('are lazy: no query until awaited', async () => {
      await registry.database.connect();
      const knex = registry.database.knex;
      let n = 0;
      const on = () => n++;
      knex.on('query', on);
      try {
        const qs = Entry.query.filter({ rank__gte: 1 }).exclude({ title: 'a' }).orderBy('rank').limit(10).offset(0).only('title');
        const more = qs.filter({ rank: 3 }).distinct().defer('note');
        expect(n).toBe(0);
        const rows = await qs;
        expect(n).toBe(1);
        expect(rows.map((e) => e.title)).toEqual(['b', 'c', 'd']);
        expect((await more).length).toBe(2);
        expect(n).toBe(2);
      } finally {
        knex.off('query', on);
      }
    });

    it('are async-iterable', async () => {
      const seen: string[] = [];
      for await (const entry of Entry.query.orderBy('title')) {
        expect(entry).toBeInstanceOf(Entry);
        seen.push(entry.title);
      }
      expect(seen).toEqual(['a', 'b', 'c', 'd']);
    });

    it('all, filter, exclude, orderBy, limit, offset', async () => {
      expect((await titles(Entry.query.all())).sort()).toEqual(['a', 'b', 'c', 'd']);
      expect((await titles(Entry.query.filter({ writer: ann }))).sort()).toEqual(['a', 'b']);
      expect(await titles(Entry.query.filter({ writer__name: 'Bob' }))).toEqual(['c']);
      expect((await titles(Entry.query.exclude({ rank: 3 }))).sort()).toEqual(['a', 'b']);
      expect(await titles(Entry.query.orderBy('-rank', 'title'))).toEqual(['c', 'd', 'b', 'a']);
      expect(await titles(Entry.query.orderBy('rank', '-title'))).toEqual(['a', 'b', 'd', 'c']);
      expect(await titles(Entry.query.orderBy('title').limit(2))).toEqual(['a', 'b']);
      expect(await titles(Entry.query.orderBy('title').offset(1).limit(2))).toEqual(['b', 'c']);
      expect(await titles(Entry.query.orderBy('title').offset(3))).toEqual(['d']);
      expect(() => Entry.query.limit(-1)).toThrow(QueryError);
    });

    it('distinct removes duplicate rows', async () => {
      expect(await Entry.query.orderBy('rank').valuesList('rank', { flat: true })).toEqual([1, 2, 3, 3]);
      expect(await Entry.query.distinct().orderBy('rank').valuesList('rank', { flat: true })).toEqual([1, 2, 3]);
      expect(await Entry.query.filter({ writer__isnull: false }).orderBy('writer__name').valuesList('writer__name', { flat: true })).toEqual([
        'Ann',
        'Ann',
        'Bob',
      ]);
      expect(await Entry.query.filter({ writer__isnull: false }).distinct().orderBy('writer__name').valuesList('writer__name', { flat: true })).toEqual([
        'Ann',
        'Bob',
      ]);
      // A filter across the reverse relation never repeats a writer, with or without distinct().
      const names = async (qs: PromiseLike<InstanceType<typeof Writer>[]>) => (await qs).map((w) => w.name);
      expect(await names(Writer.query.filter({ entrys_set__rank__gte: 1 }).orderBy('name'))).toEqual(['Ann', 'Bob']);
      expect(await names(Writer.query.filter({ entrys_set__rank__gte: 1 }).distinct().orderBy('name'))).toEqual(['Ann', 'Bob']);
    });

    it('only() leaves the other fields undefined; defer() leaves out the named ones', async () => {
      const [only] = await Entry.query.filter({ title: 'a' }).only('title');
      expect(only.title).toBe('a');
      expect(only.pk).toEqual(expect.any(Number));
      expect(only.rank).toBeUndefined();
      expect(only.note).toBeUndefined();
      await only.load();
      expect(only.rank).toBe(1);

      const [deferred] = await Entry.query.filter({ title: 'b' }).defer('note', 'rank');
      expect(deferred.title).toBe('b');
      expect(deferred.pk).toEqual(expect.any(Number));
      expect(deferred.note).toBeUndefined();
      expect(deferred.rank).toBeUndefined();
      expect((deferred as unknown as { writer_id: number }).writer_id).toBe(ann.pk);
    });

    it('save() of a partly loaded instance writes only the loaded fields', async () => {
      const original = await Entry.query.create({ title: 'partial', rank: 7, note: 'kept' });
      const [partial] = await Entry.query.filter({ pk: original.pk }).only('title');
      partial.title = 'partial-renamed';
      await partial.save();
      const reloaded = await Entry.query.get({ pk: original.pk });
      expect([reloaded.title, reloaded.rank, reloaded.note]).toEqual(['partial-renamed', 7, 'kept']);
      await reloaded.delete();
    });

    it('values() and valuesList()', async () => {
      const all = await Entry.query.filter({ title: 'a' }).values();
      expect(all).toHaveLength(1);
      expect(all[0]).toMatchObject({ id: expect.any(Number), title: 'a', rank: 1, note: 'n1' });
      expect(Object.values(all[0])).toContain(ann.pk);
      expect(Object.getPrototypeOf(all[0])).toBe(Object.prototype);
      expect(await Entry.query.orderBy('title').values('title', 'rank')).toEqual([
        { title: 'a', rank: 1 },
        { title: 'b', rank: 2 },
        { title: 'c', rank: 3 },
        { title: 'd', rank: 3 },
      ]);
      expect(await Entry.query.orderBy('title').values('title', 'writer__name')).toEqual([
        { title: 'a', writer__name: 'Ann' },
        { title: 'b', writer__name: 'Ann' },
        { title: 'c', writer__name: 'Bob' },
        { title: 'd', writer__name: null },
      ]);
      expect(await Entry.query.orderBy('title').valuesList('title', 'rank')).toEqual([
        ['a', 1],
        ['b', 2],
        ['c', 3],
        ['d', 3],
      ]);
      expect(await Entry.query.orderBy('-title').valuesList('title', { flat: true })).toEqual(['d', 'c', 'b', 'a']);
      // A bad call may throw at the call or when it runs; either way it is a QueryError.
      // @ts-expect-error an unknown field is refused at compile time too (typed keys)
      await expect((async () => Entry.query.values('nope'))()).rejects.toThrow(QueryError);
      await expect((async () => Entry.query.valuesList('title', 'rank', { flat: true }))()).rejects.toThrow(QueryError);
    });

    it('count (with limit and offset) and exists', async () => {
      expect(await Entry.query.count()).toBe(4);
      expect(await Entry.query.filter({ rank: 3 }).count()).toBe(2);
      expect(await Entry.query.limit(2).count()).toBe(2);
      expect(await Entry.query.offset(3).count()).toBe(1);
      expect(await Entry.query.limit(10).count()).toBe(4);
      expect(await Entry.query.filter({ rank: 99 }).count()).toBe(0);
      expect(await Entry.query.exists()).toBe(true);
      expect(await Entry.query.filter({ title: 'a' }).exists()).toBe(true);
      expect(await Entry.query.filter({ title: 'zzz' }).exists()).toBe(false);
    });

    it('first and last, with and without orderBy', async () => {
      expect((await Entry.query.first())!.title).toBe('a');
      expect((await Entry.query.last())!.title).toBe('d');
      expect((await Entry.query.orderBy('-title').first())!.title).toBe('d');
      expect((await Entry.query.orderBy('-title').last())!.title).toBe('a');
      expect((await Entry.query.orderBy('rank', 'title').last())!.title).toBe('d');
      expect((await Entry.query.orderBy('-rank', 'title').last())!.title).toBe('a');
      expect(await Entry.query.filter({ rank: 99 }).first()).toBeNull();
      expect(await Entry.query.filter({ rank: 99 }).last()).toBeNull();
    });

    it('get and getOrNone', async () => {
      const a = await Entry.query.get({ title: 'a' });
      expect(a).toBeInstanceOf(Entry);
      expect(a.rank).toBe(1);
      expect((await Entry.query.filter({ rank: 2 }).get()).title).toBe('b');
      await expect(Entry.query.get({ title: 'zzz' })).rejects.toThrow(ObjectNotFound);
      await expect(Entry.query.get({ rank: 3 })).rejects.toThrow(MultipleObjectsReturned);
      expect(await Entry.query.getOrNone({ title: 'zzz' })).toBeNull();
      expect((await Entry.query.getOrNone({ title: 'c' }))!.rank).toBe(3);
      await expect(Entry.query.getOrNone({ rank: 3 })).rejects.toThrow(MultipleObjectsReturned);
    });

    it('create, getOrCreate and updateOrCreate', async () => {
      const made = await Entry.query.create({ title: 'made', rank: 50 });
      expect(made).toBeInstanceOf(Entry);
      expect(typeof made.pk).toBe('number');
      expect((await Entry.query.get({ pk: made.pk })).title).toBe('made');

      const [created, wasCreated] = await Entry.query.getOrCreate({ title: 'goc' }, { rank: 51 });
      expect(wasCreated).toBe(true);
      expect(created.rank).toBe(51);
      const [found, wasCreatedAgain] = await Entry.query.getOrCreate({ title: 'goc' }, { rank: 99 });
      expect(wasCreatedAgain).toBe(false);
      expect(found.pk).toBe(created.pk);
      expect(found.rank).toBe(51);
      expect(await Entry.query.filter({ title: 'goc' }).count()).toBe(1);

      const [fresh, freshCreated] = await Entry.query.updateOrCreate({ title: 'uoc' }, { rank: 52 });
      expect(freshCreated).toBe(true);
      expect(fresh.rank).toBe(52);
      const [updated, updatedCreated] = await Entry.query.updateOrCreate({ title: 'uoc' }, { rank: 53 });
      expect(updatedCreated).toBe(false);
      expect(updated.pk).toBe(fresh.pk);
      expect(updated.rank).toBe(53);
      expect((await Entry.query.get({ title: 'uoc' })).rank).toBe(53);
      expect(await Entry.query.filter({ title: 'uoc' }).count()).toBe(1);

      await Entry.query.filter({ title__in: ['made', 'goc', 'uoc'] }).delete();
    });

    it('update and delete return the number of rows', async () => {
      await Entry.query.create({ title: 'tmp1', rank: 70 });
      await Entry.query.create({ title: 'tmp2', rank: 70 });
      await Entry.query.create({ title: 'tmp3', rank: 71 });
      expect(await Entry.query.filter({ rank: 70 }).update({ note: 'bulk' })).toBe(2);
      expect(await Entry.query.filter({ note: 'bulk' }).orderBy('title').valuesList('title', { flat: true })).toEqual(['tmp1', 'tmp2']);
      expect(await Entry.query.filter({ rank: 999 }).update({ note: 'x' })).toBe(0);
      // @ts-expect-error an unknown field is refused at compile time too (typed keys)
      await expect(Entry.query.filter({ rank: 70 }).update({ nope: 1 })).rejects.toThrow(QueryError);
      expect(await Entry.query.filter({ rank__in: [70, 71] }).delete()).toBe(3);
      expect(await Entry.query.filter({ rank__in: [70, 71] }).count()).toBe(0);
      expect(await Entry.query.filter({ rank: 999 }).delete()).toBe(0);
      expect(await Entry.query.count()).toBe(4);
    });
  });
});
