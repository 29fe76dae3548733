import { BaseModel, Database, Field, ForeignKey, Manager, ManyRelation, ManyToMany, Model, QuerySet, Registry, Relation, RelatedManager } from '../../lib';
import { describeWithServer, MYSQL_URL, PG_URL, uniqueName } from '../support/servers';

/**
 * An instance loaded from a tenant's schema (`usingSchema`) or another database (`using`) keeps every path
 * that starts from it there: accessors, related and many-to-many managers, load(), save(), delete(), bulk
 * writes and the instance signals receive. The default place holds rows with the same keys, so a write that
 * strays lands on a real row and the checks below see it.
 */
function declare(registry: Registry, prefix: string) {
  @Model({ registry, tablePrefix: prefix })
  class Author extends BaseModel {
    declare static query: Manager<Author>;
    declare articles: RelatedManager<Article>;
    @Field({ maxLength: 40 }) name!: string;
  }

  @Model({ registry, tablePrefix: prefix })
  class Tag extends BaseModel {
    declare static query: Manager<Tag>;
    declare articles: ManyRelation<Article>;
    @Field({ maxLength: 40 }) name!: string;
  }

  @Model({ registry, tablePrefix: prefix })
  class Article extends BaseModel {
    declare static query: Manager<Article>;
    @Field({ maxLength: 40 }) title!: string;
    @ForeignKey(() => Author, { relatedName: 'articles', onDelete: 'CASCADE' }) author!: Relation<Author>;
    @ManyToMany(() => Tag, { relatedName: 'articles' }) tags!: ManyRelation<Tag>;
  }
  return { Author, Tag, Article };
}

type Models = ReturnType<typeof declare>;

interface Place {
  label: string;
  url: string;
  /** Makes the registry and the second place's tables. */
  setUp(prefix: string): Promise<{ registry: Registry; models: Models; away<T extends BaseModel>(qs: QuerySet<T>): QuerySet<T>; tearDown(): Promise<void> }>;
}

const tenant = uniqueName('tenant');

const schemaPlace = (label: string, url: string): Place => ({
  label: `${label}, a tenant schema`,
  url,
  async setUp(prefix) {
    const registry = new Registry(url);
    const models = declare(registry, prefix);
    await registry.createAll();
    await registry.schema.createSchema(tenant, { ifNotExists: true, initModels: true });
    return {
      registry,
      models,
      away: (qs) => qs.usingSchema(tenant),
      async tearDown() {
        await registry.schema.dropSchema(tenant, { cascade: true, ifExists: true });
        await registry.dropAll();
        await registry.disconnect();
      },
    };
  },
});

const aliasPlace: Place = {
  label: 'SQLite, a second database',
  url: 'sqlite::memory:',
  async setUp(prefix) {
    const archive = new Database('sqlite::memory:');
    const registry = new Registry('sqlite::memory:', { extra: { archive } });
    const models = declare(registry, prefix);
    await registry.connect();
    await registry.createAll();
    await registry.metadata.createAll({ on: archive });
    return {
      registry,
      models,
      away: (qs) => qs.using('archive'),
      async tearDown() {
        await registry.disconnect();
      },
    };
  },
};

for (const place of [aliasPlace, schemaPlace('PostgreSQL', PG_URL), schemaPlace('MariaDB', MYSQL_URL)]) {
  const body = () => {
    let ctx: Awaited<ReturnType<Place['setUp']>>;
    let M: Models;
    const homeState = async () => ({
      authors: await M.Author.query.orderBy('id').valuesList('name', { flat: true }),
      articles: await M.Article.query.orderBy('id').valuesList('title', { flat: true }),
      tags: await M.Tag.query.orderBy('id').valuesList('name', { flat: true }),
      links: await M.Article.query.filter({ tags__name__isnull: false }).count(),
    });
    let home: Awaited<ReturnType<typeof homeState>>;

    beforeAll(async () => {
      ctx = await place.setUp(uniqueName('ten'));
      M = ctx.models;
      // The same keys in both places: author 1, article 1, tag 1 (and 2).
      for (const [where, name] of [
        [(qs: QuerySet<never>) => qs, 'home'],
        [ctx.away, 'away'],
      ] as const) {
        const author = (await where(M.Author.query.getQuerySet() as never as QuerySet<never>).create({
          name: `${name} author`,
        } as never)) as unknown as InstanceType<Models['Author']>;
        const tag = await (where(M.Tag.query.getQuerySet() as never) as QuerySet<InstanceType<Models['Tag']>>).create({ name: `${name} tag` });
        await (where(M.Tag.query.getQuerySet() as never) as QuerySet<InstanceType<Models['Tag']>>).create({ name: `${name} tag 2` });
        const article = await (where(M.Article.query.getQuerySet() as never) as QuerySet<InstanceType<Models['Article']>>).create({
          title: `${name} article`,
          author,
        });
        if (name === 'home') await article.tags.add(tag);
      }
      home = await homeState();
    });
    afterAll(async () => ctx.tearDown());

    const awayAuthor = () => ctx.away(M.Author.query.getQuerySet()).get({ pk: 1 });
    const awayArticle = () => ctx.away(M.Article.query.getQuerySet()).get({ pk: 1 });

    it('reverse managers read and write the instance’s place', async () => {
      const author = await awayAuthor();
      expect(await author.articles.all().valuesList('title', { flat: true })).toEqual(['away article']);
      expect(await author.articles.count()).toBe(1);
      const made = await author.articles.create({ title: 'away article 2' });
      expect(await ctx.away(M.Article.query.getQuerySet()).filter({ pk: made.pk }).count()).toBe(1);
      expect(await author.articles.filter({ title__startswith: 'away' }).count()).toBe(2);
      await made.delete();
      expect(await homeState()).toEqual(home);
    });

    it('a foreign key loads from the instance’s place', async () => {
      const article = await awayArticle();
      const author = await article.author.load();
      expect(author.name).toBe('away author');
      await author.update({ name: 'away author!' });
      expect((await awayAuthor()).name).toBe('away author!');
      await author.update({ name: 'away author' });
      expect(await homeState()).toEqual(home);
    });

    it('many-to-many add, all, remove and clear stay in the instance’s place', async () => {
      const article = await awayArticle();
      const tag = await ctx.away(M.Tag.query.getQuerySet()).get({ pk: 1 });
      await article.tags.add(tag, 2);
      expect(await article.tags.all().orderBy('id').valuesList('name', { flat: true })).toEqual(['away tag', 'away tag 2']);
      expect(await tag.articles.count()).toBe(1);
      expect(await homeState()).toEqual(home);
      await article.tags.remove(tag);
      expect(await article.tags.count()).toBe(1);
      const made = await article.tags.create({ name: 'away tag 3' });
      expect(await ctx.away(M.Tag.query.getQuerySet()).filter({ pk: made.pk }).count()).toBe(1);
      await article.tags.clear();
      expect(await article.tags.count()).toBe(0);
      expect(await homeState()).toEqual(home);
    });

    it('prefetchRelated and selectRelated load from the queryset’s place', async () => {
      const [author] = await ctx.away(M.Author.query.getQuerySet()).prefetchRelated('articles').filter({ pk: 1 });
      expect((await author.articles.all()).map((a) => a.title)).toEqual(['away article']);
      const [article] = await ctx.away(M.Article.query.getQuerySet()).selectRelated('author').prefetchRelated('tags').filter({ pk: 1 });
      expect(article.author.name).toBe('away author');
      // Instances loaded along the way write back where they were read.
      await article.author.update({ name: 'away author' });
      await ctx
        .away(M.Tag.query.getQuerySet())
        .get({ pk: 1 })
        .then((tag) => article.tags.add(tag));
      const [again] = await ctx.away(M.Article.query.getQuerySet()).prefetchRelated('tags').filter({ pk: 1 });
      const [tag] = await again.tags.all();
      await tag.update({ name: 'away tag' });
      await again.tags.clear();
      expect(await homeState()).toEqual(home);
    });

    it('save(), bulkUpdate() and delete() write the instance’s row, not the one with the same key', async () => {
      const article = await awayArticle();
      article.title = 'away saved';
      await article.save();
      article.title = 'away bulk';
      await M.Article.query.bulkUpdate([article], ['title']);
      expect((await awayArticle()).title).toBe('away bulk');
      expect(await homeState()).toEqual(home);
      const extra = await ctx.away(M.Author.query.getQuerySet()).create({ name: 'away extra' });
      await extra.delete();
      expect(await ctx.away(M.Author.query.getQuerySet()).filter({ name: 'away extra' }).count()).toBe(0);
      expect(await homeState()).toEqual(home);
    });

    it('a signal receiver’s instance keeps its place', async () => {
      let seen: unknown[] | undefined;
      const receiver = async (_sender: unknown, instance: unknown) => {
        seen = await (instance as InstanceType<Models['Author']>).articles.all().valuesList('title', { flat: true });
      };
      M.Author.signals.postSave.connect(receiver);
      try {
        const author = await awayAuthor();
        await author.save();
      } finally {
        M.Author.signals.postSave.disconnect(receiver);
      }
      expect(seen).toHaveLength(1);
      expect(String(seen![0])).toMatch(/^away/);
    });
  };
  if (place.url.startsWith('sqlite')) describe(`tenant isolation on ${place.label}`, body);
  else describeWithServer(`tenant isolation on ${place.label}`, place.url, body);
}
