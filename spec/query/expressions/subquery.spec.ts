import { BaseModel, Exists, Field, ForeignKey, Model, OuterRef, Q, QueryError, Registry, Relation, Subquery } from '../../../lib';
import { DIALECT_URLS, describeWithServer, uniqueName } from '../../support/servers';

const AUTHORS = ['ann', 'bob', 'cid', 'dee'];
// [author index, title, views]
const POSTS: [number, string, number][] = [
  [0, 'a1', 10],
  [0, 'a2', 50],
  [1, 'b1', 5],
  [2, 'c1', 70],
  [2, 'c2', 20],
  [2, 'c3', 30],
];

for (const { name, url, label } of DIALECT_URLS) {
  const body = () => {
    const registry = new Registry(url);
    const prefix = uniqueName('sq');

    @Model({ registry, tablePrefix: prefix })
    class Author extends BaseModel {
      @Field({ maxLength: 20 }) name!: string;
    }

    @Model({ registry, tablePrefix: prefix })
    class Post extends BaseModel {
      @Field({ maxLength: 20 }) title!: string;
      @Field() views!: number;
      @ForeignKey(() => Author, { onDelete: 'CASCADE' }) author!: Relation<Author>;
    }

    const postsOf = (i: number) => POSTS.filter(([a]) => a === i);
    const authorsWhere = (pred: (i: number) => boolean) => AUTHORS.filter((_, i) => pred(i)).sort();
    const names = async (qs: PromiseLike<{ name: string }[]>) => (await qs).map((a) => a.name).sort();

    beforeAll(async () => {
      await registry.createAll();
      const authors = [];
      for (const n of AUTHORS) authors.push(await Author.query.create({ name: n }));
      for (const [a, title, views] of POSTS) await Post.query.create({ title, views, author: authors[a] });
    });

    afterAll(async () => {
      await registry.dropAll();
      await registry.disconnect();
    });

    it('filter(Exists(...)) with OuterRef, and exclude(Exists(...))', async () => {
      const popular = () => Post.query.filter({ author: OuterRef('pk'), views__gt: 40 });
      const has = (i: number) => postsOf(i).some(([, , v]) => v > 40);
      expect(await names(Author.query.all().filter(Exists(popular())))).toEqual(authorsWhere(has));
      expect(await names(Author.query.all().exclude(Exists(popular())))).toEqual(authorsWhere((i) => !has(i)));
      expect(await Author.query.all().filter(Exists(popular())).count()).toBe(authorsWhere(has).length);
      // Inside Q, next to lookups.
      expect(await names(Author.query.all().filter(Q.or(Exists(popular()) as never, { name: 'dee' })))).toEqual(
        authorsWhere((i) => has(i) || AUTHORS[i] === 'dee'),
      );
      expect(await names(Author.query.all().filter(Exists(Post.query.filter({ author: OuterRef('pk') })), { name__in: ['bob', 'dee'] }))).toEqual(
        authorsWhere((i) => postsOf(i).length > 0 && ['bob', 'dee'].includes(AUTHORS[i])),
      );
    });

    it('OuterRef reaches across a relation of the outer query', async () => {
      // Posts whose author has another post with more views.
      const better = Post.query.filter({ author: OuterRef('author'), views__gt: OuterRef('views') });
      const titles = (await Post.query.all().filter(Exists(better))).map((p) => p.title).sort();
      const expected = POSTS.filter(([a, , v]) => POSTS.some(([b, , w]) => b === a && w > v))
        .map(([, t]) => t)
        .sort();
      expect(titles).toEqual(expected);
      const viaName = Post.query.filter({ author__name: OuterRef('author__name'), views__lt: OuterRef('views') });
      expect((await Post.query.all().filter(Exists(viaName))).map((p) => p.title).sort()).toEqual(
        POSTS.filter(([a, , v]) => POSTS.some(([b, , w]) => b === a && w < v))
          .map(([, t]) => t)
          .sort(),
      );
    });

    it('pk__in: Subquery(...) and its negation', async () => {
      const busy = Subquery(Post.query.filter({ views__gte: 20 }).values('author'));
      const has = (i: number) => postsOf(i).some(([, , v]) => v >= 20);
      expect(await names(Author.query.filter({ pk__in: busy }))).toEqual(authorsWhere(has));
      expect(await names(Author.query.exclude({ pk__in: busy }))).toEqual(authorsWhere((i) => !has(i)));
      // A queryset selects its key.
      const low = Subquery(Post.query.filter({ views__lt: 20 }));
      expect((await Post.query.filter({ pk__in: low })).map((p) => p.title).sort()).toEqual(
        POSTS.filter(([, , v]) => v < 20)
          .map(([, t]) => t)
          .sort(),
      );
    });

    it('Subquery(...limit(1)) as a compared value', async () => {
      // Posts with the most views of their author.
      const top = Subquery(
        Post.query
          .filter({ author: OuterRef('author') })
          .orderBy('-views')
          .values('views')
          .limit(1),
      );
      const titles = (await Post.query.filter({ views: top })).map((p) => p.title).sort();
      const expected = POSTS.filter(([a, , v]) => v === Math.max(...POSTS.filter(([b]) => b === a).map(([, , w]) => w)))
        .map(([, t]) => t)
        .sort();
      expect(titles).toEqual(expected);
    });

    it('in annotate: Exists as a boolean, Subquery as the related value', async () => {
      const authors = await Author.query
        .all()
        .annotate({
          hasPosts: Exists(Post.query.filter({ author: OuterRef('pk') })),
          best: Subquery(
            Post.query
              .filter({ author: OuterRef('pk') })
              .orderBy('-views')
              .values('title')
              .limit(1),
          ),
        })
        .orderBy('name');
      expect(authors.map((a) => (a as unknown as { hasPosts: boolean }).hasPosts)).toEqual(AUTHORS.map((_, i) => postsOf(i).length > 0));
      const best = (i: number) => [...postsOf(i)].sort((x, y) => y[2] - x[2])[0]?.[1] ?? null;
      expect(authors.map((a) => (a as unknown as { best: string | null }).best)).toEqual(AUTHORS.map((_, i) => best(i)));
    });

    it('refuses misuse with QueryError before any SQL', async () => {
      expect(() => Subquery(Post.query.values('title', 'views'))).toThrow(QueryError);
      expect(() => Exists({} as never)).toThrow(QueryError);
      await expect(Author.query.filter({ name: OuterRef('name') })).rejects.toThrow(/OuterRef\("name"\)/);
      await expect(Author.query.all().filter(Exists(Post.query.filter({ author: OuterRef('nope') })))).rejects.toThrow(QueryError);
      expect(await Post.query.count()).toBe(POSTS.length);
    });
  };
  if (name === 'sqlite') describe(`Exists, Subquery and OuterRef on ${label}`, body);
  else describeWithServer(`Exists, Subquery and OuterRef on ${label}`, url, body);
}
