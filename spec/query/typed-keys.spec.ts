import { BaseModel, Field, ForeignKey, Manager, ManyToMany, Model, OneToOne, Q, Registry } from '../../lib';
import type { Lookups, ManyRelation, Relation, RelatedManager } from '../../lib';
import { Count, F } from '../../lib';

/*
 * Typed keys (lib/query/typed-keys.ts). `npm run typecheck` and ts-jest compile this file: every
 * `@ts-expect-error` must still find an error (a misspelt key that starts compiling fails the suite), and
 * every other line must compile. The calls also run on SQLite, so the keys the compiler accepts are keys
 * the query accepts.
 */
const registry = new Registry('sqlite::memory:');

@Model({ registry })
class Author extends BaseModel {
  declare static query: Manager<Author>;
  @Field() name!: string;
  @Field({ type: 'json', default: () => ({}) }) settings!: Record<string, unknown>;
  declare articles: RelatedManager<Article>;
  declare bio: Promise<Bio | null>;
}

@Model({ registry })
class Bio extends BaseModel {
  declare static query: Manager<Bio>;
  @OneToOne(() => Author, { relatedName: 'bio' }) author!: Relation<Author>;
  @Field() text!: string;
}

@Model({ registry })
class Label extends BaseModel {
  declare static query: Manager<Label>;
  @Field() name!: string;
  declare articles_set: ManyRelation<Article>;
}

@Model({ registry })
class Article extends BaseModel {
  declare static query: Manager<Article>;
  @Field() title!: string;
  @Field({ type: 'integer', default: 0 }) views!: number;
  @Field({ type: 'string', nullable: true }) subtitle?: string | null;
  @ForeignKey(() => Author, { relatedName: 'articles' }) author!: Relation<Author>;
  @ManyToMany(() => Label) labels!: ManyRelation<Label>;
}

/** Keys only: never run (the runtime spec below covers what the database says). */
function compileOnly(): void {
  // Fields, lookups, relation paths (forward, reverse, many-to-many), the key and the foreign key column.
  Article.query.filter({ title__icontains: 'a', views__gte: 1, subtitle__isnull: true, pk__in: [1], id: 1 });
  Article.query.filter({ author__name__icontains: 'a', author_id__in: [1], labels__name: 'x', labels__name__in: ['x'] });
  Author.query.filter({ articles__title__startswith: 'a', articles__labels__name: 'x', bio__text__iexact: 'x' });
  Label.query.filter({ articles_set__title: 'a', articles_set__author__name: 'b' });
  // A model type that declares no `_set` accessor takes default reverse names unchecked (run time checks them).
  Article.query.filter({ comments_set__text: 'a' });
  // Past KEY_DEPTH hops a relation takes any tail (checked when the query runs).
  Article.query.filter({ author__bio__author__name: 'a', author__articles__author__anything__goes: 1 });
  // JSON fields take key paths and JSON lookups.
  Author.query.filter({ settings__theme: 'dark', settings__has_key: 'theme', settings__a__b__exact: 1 });
  Article.query.exclude({ title: 'a' }).orderBy('-title', 'author__name', '-labels__name', 'pk');
  Article.query.only('title', 'author').defer('views');
  Bio.query.selectRelated('author').prefetchRelated('author__articles', 'author__bio');
  Article.query.selectRelated('author').prefetchRelated('labels', 'author__articles__labels');
  void Article.query.values('title', 'author__name', 'labels__name');
  void Article.query.valuesList('title', { flat: true });
  void Article.query.update({ title: 'b', author_id: 1 });
  void Article.query.getOrCreate({ title: 'a' }, { views: 1, author: 1 });
  void Article.query.updateOrCreate({ title__iexact: 'a' }, { views: 2 });
  void Article.query.get({ title: 'a' });
  Article.query.filter(Q.or({ title: 'a' }, Q.not({ author__name: 'b' })));
  // Annotation names join the keys of later calls.
  const annotated = Author.query.all().annotate({ nArticles: Count('articles') });
  annotated.filter({ nArticles__gte: 1, name: 'a' }).orderBy('-nArticles');
  void annotated.values('name', 'nArticles');
  // Managers annotate and aggregate too; a Count reads as a number.
  void Author.query.annotate({ n: Count('articles') }).then(([a]) => {
    const n: number = a.n;
    // @ts-expect-error a Count annotation is a number, not a string
    const s: string = a.n;
    return [n, s];
  });
  void Author.query.aggregate({ n: Count() }).then((r) => {
    const n: number = r.n;
    // @ts-expect-error aggregate() results hold only the names given
    return n + r.m;
  });
  Article.query.orderBy(F('views').desc({ nullsLast: true }), '-title').filter({ views__gt: F('author__name') });
  void Article.query.update({ views: F('views').plus(1) });

  // @ts-expect-error misspelt field
  Article.query.filter({ titel: 'a' });
  // @ts-expect-error misspelt field before a lookup
  Article.query.filter({ titel__icontains: 'a' });
  // @ts-expect-error misspelt lookup
  Article.query.filter({ title__icontain: 'a' });
  // @ts-expect-error misspelt field behind a relation
  Article.query.filter({ author__nmae: 'a' });
  // @ts-expect-error misspelt lookup behind a relation
  Article.query.filter({ author__name__icontain: 'a' });
  // @ts-expect-error misspelt relation
  Article.query.filter({ autor__name: 'a' });
  // @ts-expect-error misspelt field behind a many-to-many
  Article.query.filter({ labels__nmae: 'a' });
  // @ts-expect-error misspelt field behind a reverse accessor
  Author.query.filter({ articles__titel: 'a' });
  // @ts-expect-error misspelt field behind a declared default-named accessor
  Label.query.filter({ articles_set__titel: 'a' });
  // @ts-expect-error a plain field is not a relation
  Article.query.filter({ title__name: 'a' });
  // @ts-expect-error misspelt field in exclude
  Article.query.exclude({ titel: 'a' });
  // @ts-expect-error misspelt field in get
  void Article.query.get({ titel: 'a' });
  // @ts-expect-error misspelt field inside a Q given to filter
  Article.query.filter(Q.or({ titel: 'a' }));
  // @ts-expect-error misspelt lookup inside Q.not
  Article.query.filter(Q.not({ title__icontain: 'a' }));
  // @ts-expect-error __in takes an array
  Article.query.filter({ title__in: 'a' });
  // @ts-expect-error __isnull takes a boolean
  Article.query.filter({ subtitle__isnull: 'yes' });
  // @ts-expect-error descending misspelt field
  Article.query.orderBy('-titel');
  // @ts-expect-error orderBy takes no lookup
  Article.query.orderBy('title__icontains');
  // @ts-expect-error misspelt field in only
  Article.query.only('titel');
  // @ts-expect-error misspelt field in defer
  Article.query.defer('titel');
  // @ts-expect-error misspelt field in values
  void Article.query.values('titel');
  // @ts-expect-error misspelt path in valuesList
  void Article.query.valuesList('author__nmae', { flat: true });
  // @ts-expect-error misspelt field in update
  void Article.query.update({ titel: 'b' });
  // @ts-expect-error a path is not a column to update
  void Article.query.update({ author__name: 'b' });
  // @ts-expect-error selectRelated follows forward relations only
  Article.query.selectRelated('labels');
  // @ts-expect-error misspelt relation in selectRelated
  Article.query.selectRelated('autor');
  // @ts-expect-error misspelt relation in prefetchRelated
  Article.query.prefetchRelated('lables');
  // @ts-expect-error misspelt lookup in getOrCreate
  void Article.query.getOrCreate({ title__exactly: 'a' });
  // @ts-expect-error misspelt field in getOrCreate defaults
  void Article.query.getOrCreate({ title: 'a' }, { veiws: 1 });
  // @ts-expect-error misspelt field in updateOrCreate
  void Article.query.updateOrCreate({ titel: 'a' });
  // @ts-expect-error misspelt annotation name
  annotated.filter({ nArticle__gte: 1 });
  // @ts-expect-error misspelt lookup on an annotation
  annotated.orderBy('nArticles__gte');
  // @ts-expect-error querysets check keys as managers do
  Article.query.all().filter({ title: 'a' }).orderBy('views').filter({ veiws: 1 });

  // Untyped stays permissive: getModel without a type argument, Lookups<unknown>, a Q built on its own.
  registry.getModel('Article').query.filter({ anything__goes: 1 }).orderBy('-whatever');
  const loose: Lookups = { whatever__icontains: 'a' };
  const free = Q.or({ whatever: 1 });
  Article.query.filter(free);
  void loose;
  // getModel<T> is typed.
  // @ts-expect-error getModel<Article> checks keys
  registry.getModel<Article>('Article').query.filter({ titel: 'a' });
}

describe('typed keys', () => {
  beforeAll(() => registry.createAll());
  afterAll(() => registry.disconnect());

  it('type-checks keys the query also accepts', async () => {
    expect(typeof compileOnly).toBe('function');
    const ann = await Author.query.create({ name: 'Ann', settings: { theme: 'dark' } });
    await Bio.query.create({ author: ann, text: 'Writes.' });
    const label = await Label.query.create({ name: 'orm' });
    const article = await Article.query.create({ title: 'Typed keys', author: ann });
    await article.labels.add(label);

    const found = await Article.query
      .filter({ title__icontains: 'typed', author__name__istartswith: 'a', labels__name__in: ['orm'], author__bio__text__contains: 'Writes' })
      .exclude(Q.or({ views__gt: 10 }, { subtitle__isnull: false }))
      .orderBy('-title', 'author__name')
      .selectRelated('author')
      .prefetchRelated('labels');
    expect(found.map((a) => a.title)).toEqual(['Typed keys']);
    expect(await Author.query.filter({ articles__labels__name: 'orm' }).valuesList('name', { flat: true })).toEqual(['Ann']);
    expect(await Label.query.filter({ articles_set__author__name: 'Ann' }).count()).toBe(1);
    expect(await Article.query.filter({ pk: article.pk }).update({ views: 3 })).toBe(1);
    expect(await Article.query.values('title', 'views', 'author__name')).toEqual([{ title: 'Typed keys', views: 3, author__name: 'Ann' }]);
    const [again, created] = await Article.query.getOrCreate({ title: 'Typed keys' }, { views: 9 });
    expect([again.pk, created]).toEqual([article.pk, false]);
    const busy = await Author.query
      .all()
      .annotate({ n: Count('articles') })
      .filter({ n__gte: 1 })
      .orderBy('-n');
    expect(busy.map((a) => [a.name, a.n])).toEqual([['Ann', 1]]);
    const typed = registry.getModel<Article>('Article');
    expect(await typed.query.filter({ author_id: ann.pk }).count()).toBe(1);
  });
});
