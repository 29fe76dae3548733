import { BaseModel, Field, ForeignKey, Manager, ManyRelation, ManyToMany, Model, Registry } from '../../lib';
import type { Relation } from '../../lib';
import { DIALECT_URLS, describeWithServer, uniqueName } from '../support/servers';

function declare(registry: Registry, prefix: string) {
  @Model({ registry, tablePrefix: prefix })
  class Tag extends BaseModel {
    declare static query: Manager<Tag>;
    declare articles_set: ManyRelation<Article>;
    @Field({ maxLength: 40 }) name!: string;
  }

  @Model({ registry, tablePrefix: prefix })
  class Article extends BaseModel {
    declare static query: Manager<Article>;
    @Field({ maxLength: 80 }) title!: string;
    @ManyToMany('Tag', { through: 'ArticleTag' }) tags!: ManyRelation<Tag>;
    @ManyToMany('Tag', { through: 'ArticleLabel', relatedName: 'labelled' }) labels!: ManyRelation<Tag>;
  }

  /** A through model of the user's own: no unique constraint on the pair, extra columns with defaults. */
  @Model({ registry, tablePrefix: prefix })
  class ArticleTag extends BaseModel {
    declare static query: Manager<ArticleTag>;
    @ForeignKey('Article', { onDelete: 'CASCADE', relatedName: false }) article!: Relation<Article>;
    @ForeignKey('Tag', { onDelete: 'CASCADE', relatedName: false }) tag!: Relation<Tag>;
    // A function default never reaches the DDL: keelson must fill it, or the NOT NULL column refuses the row.
    @Field({ type: 'datetime', default: () => new Date() }) addedAt!: Date;
    @Field({ maxLength: 20, default: 'manual' }) source!: string;
    @Field({ default: 1 }) weight!: number;
    @Field({ type: 'string', nullable: true, maxLength: 40 }) note?: string | null;
  }

  /** The same with a unique pair: linked with ON CONFLICT DO NOTHING. */
  @Model({ registry, tablePrefix: prefix, uniqueTogether: [['article', 'tag']] })
  class ArticleLabel extends BaseModel {
    declare static query: Manager<ArticleLabel>;
    @ForeignKey('Article', { onDelete: 'CASCADE', relatedName: false }) article!: Relation<Article>;
    @ForeignKey('Tag', { onDelete: 'CASCADE', relatedName: false }) tag!: Relation<Tag>;
    @Field({ type: 'datetime', default: () => new Date() }) addedAt!: Date;
  }

  return { Tag, Article, ArticleTag, ArticleLabel };
}

function suite(url: string) {
  const registry = new Registry(url);
  const { Tag, Article, ArticleTag, ArticleLabel } = declare(registry, uniqueName('thr'));

  beforeAll(async () => {
    await registry.createAll();
  });

  afterAll(async () => {
    await registry.dropAll();
    await registry.disconnect();
  });

  const names = async (qs: PromiseLike<{ name: string }[]>) => (await qs).map((t) => t.name).sort();

  it('add() links a pair once with a through model that has no unique pair, from either side', async () => {
    const article = await Article.query.create({ title: 'Engines' });
    const [history, hardware] = await Promise.all([Tag.query.create({ name: 'history' }), Tag.query.create({ name: 'hardware' })]);
    await article.tags.add(history);
    await article.tags.add(history);
    await article.tags.add(history, history, hardware);
    await history.articles_set.add(article);
    await article.tags.add(hardware.pk as number);
    expect(await ArticleTag.query.filter({ article }).count()).toBe(2);
    expect(await names(article.tags.all())).toEqual(['hardware', 'history']);
    expect(await history.articles_set.count()).toBe(1);
  });

  it("fills the through model's other fields with their defaults", async () => {
    const article = await Article.query.create({ title: 'Defaults' });
    const tag = await Tag.query.create({ name: 'defaults' });
    const before = Date.now();
    await article.tags.add(tag);
    const link = await ArticleTag.query.get({ article, tag });
    expect(link.source).toBe('manual');
    expect(link.weight).toBe(1);
    expect(link.note).toBeNull();
    expect(link.addedAt).toBeInstanceOf(Date);
    expect(Math.abs(link.addedAt.getTime() - before)).toBeLessThan(60_000);
  });

  it('remove() and clear() unlink, leaving other instances alone', async () => {
    const [a, b] = await Promise.all([Article.query.create({ title: 'A' }), Article.query.create({ title: 'B' })]);
    const [x, y, z] = await Promise.all(['x', 'y', 'z'].map((name) => Tag.query.create({ name })));
    await a.tags.add(x, y, z);
    await b.tags.add(x);
    await a.tags.remove(y);
    expect(await names(a.tags.all())).toEqual(['x', 'z']);
    await x.articles_set.remove(a);
    expect(await names(a.tags.all())).toEqual(['z']);
    await a.tags.clear();
    expect(await a.tags.count()).toBe(0);
    expect(await ArticleTag.query.filter({ article: a }).count()).toBe(0);
    expect(await names(b.tags.all())).toEqual(['x']);
    // Linking again after a removal works.
    await a.tags.add(y);
    await a.tags.add(y);
    expect(await ArticleTag.query.filter({ article: a }).count()).toBe(1);
  });

  it('add() inside a transaction joins it (a rollback leaves no link)', async () => {
    const article = await Article.query.create({ title: 'Rolled back' });
    const tag = await Tag.query.create({ name: 'rolled' });
    await expect(
      registry.database.transaction(async () => {
        await article.tags.add(tag);
        expect(await article.tags.count()).toBe(1);
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect(await article.tags.count()).toBe(0);
  });

  it('a through model with a unique pair still links once, with its defaults', async () => {
    const article = await Article.query.create({ title: 'Labelled' });
    const tag = await Tag.query.create({ name: 'label' });
    await article.labels.add(tag);
    await article.labels.add(tag, tag);
    expect(await ArticleLabel.query.filter({ article }).count()).toBe(1);
    expect((await ArticleLabel.query.get({ article })).addedAt).toBeInstanceOf(Date);
    await article.labels.remove(tag);
    expect(await article.labels.count()).toBe(0);
  });
}

describe('custom through models on SQLite', () => suite('sqlite::memory:'));
for (const { name, url } of DIALECT_URLS.filter((d) => d.name !== 'sqlite')) {
  describeWithServer(`custom through models on ${name === 'postgres' ? 'PostgreSQL' : 'MariaDB'}`, url, () => suite(url));
}
