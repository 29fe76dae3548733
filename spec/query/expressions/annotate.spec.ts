import { Avg, Count, F, Max, QueryError, Sum } from '../../../lib';
import { AUTHORS, COMMENTS, commentsBy, commentsOnPostsOf, eachDialect, POSTS, postsOf, sum } from './fixture';

const byName = <T extends { name: string }>(rows: T[]) => [...rows].sort((a, b) => a.name.localeCompare(b.name));
const namesWhere = (pred: (i: number) => boolean) => AUTHORS.map((a, i) => (pred(i) ? a.name : null)).filter((n): n is string => n !== null);

eachDialect('annotate()', ({ Author, Post }) => {
  it('adds a value to every instance, readable, in values() and in toJSON()', async () => {
    const authors = byName(await Author.query.annotate({ nPosts: Count('posts'), views: Sum('posts__views') }));
    expect(authors.map((a) => a.name)).toEqual(AUTHORS.map((a) => a.name).sort());
    for (const author of authors) {
      const i = AUTHORS.findIndex((a) => a.name === author.name);
      // Typed: a count is a number.
      const n: number = author.nPosts;
      expect(n).toBe(postsOf(i).length);
      expect(author.views).toBe(postsOf(i).length ? sum(postsOf(i).map((p) => p.views)) : null);
      expect(author.toJSON()).toMatchObject({ name: author.name, nPosts: n, views: author.views });
    }
    const rows = await Author.query.annotate({ nPosts: Count('posts') }).values('name', 'nPosts');
    expect(byName(rows as { name: string; nPosts: number }[])).toEqual(
      AUTHORS.map((a, i) => ({ name: a.name, nPosts: postsOf(i).length })).sort((x, y) => x.name.localeCompare(y.name)),
    );
    // values() without keys: every field and the annotations.
    const all = await Author.query.annotate({ nPosts: Count('posts') }).values();
    expect(all).toHaveLength(AUTHORS.length);
    expect(Object.keys(all[0]).sort()).toEqual(['id', 'nPosts', 'name', 'rating']);
    const list = await Author.query
      .annotate({ nPosts: Count('posts') })
      .orderBy('name')
      .valuesList('nPosts', { flat: true });
    expect(list).toEqual(
      AUTHORS.map((a, i) => [a.name, postsOf(i).length] as const)
        .sort()
        .map(([, n]) => n),
    );
  });

  it('filters on annotations, alone and next to field lookups', async () => {
    const qs = Author.query.annotate({ nPosts: Count('posts') });
    const names = async (q: PromiseLike<{ name: string }[]>) => (await q).map((a) => a.name).sort();
    expect(await names(qs.filter({ nPosts__gt: 1 }))).toEqual(namesWhere((i) => postsOf(i).length > 1));
    expect(await names(qs.filter({ nPosts: 0 }))).toEqual(namesWhere((i) => postsOf(i).length === 0));
    expect(await names(qs.exclude({ nPosts__gte: 2 }))).toEqual(namesWhere((i) => postsOf(i).length < 2));
    expect(await names(qs.filter({ nPosts__in: [1, 3] }))).toEqual(namesWhere((i) => [1, 3].includes(postsOf(i).length)));
    expect(await names(qs.filter({ nPosts__gte: 1, name__startswith: 'c' }))).toEqual(
      namesWhere((i) => postsOf(i).length >= 1 && AUTHORS[i].name.startsWith('c')),
    );
    expect(await qs.filter({ nPosts__gte: 1 }).count()).toBe(namesWhere((i) => postsOf(i).length >= 1).length);
    expect(await qs.filter({ nPosts__gt: 5 }).exists()).toBe(AUTHORS.some((_, i) => postsOf(i).length > 5));
    expect(await qs.filter({ nPosts__gt: 2 }).exists()).toBe(AUTHORS.some((_, i) => postsOf(i).length > 2));
    // A non-aggregate annotation filters like a column.
    const posts = await Post.query.annotate({ total: F('views').plus(F('likes')) }).filter({ total__gte: 50 });
    expect(posts.map((p) => p.title).sort()).toEqual(
      POSTS.filter((p) => p.views + p.likes >= 50)
        .map((p) => p.title)
        .sort(),
    );
  });

  it('orders by annotations', async () => {
    const ordered = await Author.query.annotate({ nPosts: Count('posts') }).orderBy('-nPosts', 'name');
    const expected = AUTHORS.map((a, i) => ({ name: a.name, n: postsOf(i).length })).sort((x, y) => y.n - x.n || x.name.localeCompare(y.name));
    expect(ordered.map((a) => a.name)).toEqual(expected.map((a) => a.name));
    const byF = await Author.query.annotate({ nPosts: Count('posts') }).orderBy(F('nPosts').asc(), 'name');
    expect(byF.map((a) => a.name)).toEqual([...expected].sort((x, y) => x.n - y.n || x.name.localeCompare(y.name)).map((a) => a.name));
    const first = await Author.query
      .annotate({ nPosts: Count('posts') })
      .orderBy('-nPosts', 'name')
      .first();
    expect(first!.name).toBe(expected[0].name);
    const last = await Author.query
      .annotate({ nPosts: Count('posts') })
      .orderBy('-nPosts', 'name')
      .last();
    expect(last!.name).toBe(expected[expected.length - 1].name);
  });

  it('counts two multi-valued relations at once without fan-out, distinct or not', async () => {
    const expected = AUTHORS.map((a, i) => ({ name: a.name, p: postsOf(i).length, c: commentsBy(i).length, on: commentsOnPostsOf(i).length }));
    for (const distinct of [true, false]) {
      const rows = await Author.query
        .annotate({ p: Count('posts', { distinct }), c: Count('comments', { distinct }), on: Count('posts__comments', { distinct }) })
        .orderBy('name');
      expect(rows.map((a) => ({ name: a.name, p: a.p, c: a.c, on: a.on }))).toEqual(expected.sort((x, y) => x.name.localeCompare(y.name)));
    }
    const sums = byName(await Author.query.annotate({ views: Sum('posts__views'), stars: Sum('comments__stars'), best: Max('posts__views') }));
    for (const a of sums) {
      const i = AUTHORS.findIndex((x) => x.name === a.name);
      expect(a.views).toBe(postsOf(i).length ? sum(postsOf(i).map((p) => p.views)) : null);
      expect(a.stars).toBe(commentsBy(i).length ? sum(commentsBy(i).map(([, , s]) => s)) : null);
      expect(a.best).toBe(postsOf(i).length ? Math.max(...postsOf(i).map((p) => p.views)) : null);
    }
  });

  it('aggregates with a filter option, per instance', async () => {
    const rows = byName(await Author.query.annotate({ popular: Count('posts', { filter: { posts__views__gte: 30 } }), mean: Avg('posts__score') }));
    for (const a of rows) {
      const i = AUTHORS.findIndex((x) => x.name === a.name);
      expect(a.popular).toBe(postsOf(i).filter((p) => p.views >= 30).length);
      if (postsOf(i).length) expect(a.mean).toBeCloseTo(sum(postsOf(i).map((p) => p.score)) / postsOf(i).length, 6);
      else expect(a.mean).toBeNull();
    }
  });

  it('combines with filters across relations, limit/offset, count(), exists() and selectRelated', async () => {
    // Authors with a post of more than 20 views: the filter does not change what the counts see.
    const hot = (i: number) => postsOf(i).some((p) => p.views > 20);
    const filtered = byName(await Author.query.filter({ posts__views__gt: 20 }).annotate({ nPosts: Count('posts') }));
    expect(filtered.map((a) => a.name)).toEqual(namesWhere(hot));
    for (const a of filtered) expect(a.nPosts).toBe(postsOf(AUTHORS.findIndex((x) => x.name === a.name)).length);
    const page = await Author.query
      .annotate({ nPosts: Count('posts') })
      .orderBy('-nPosts', 'name')
      .limit(2)
      .offset(1);
    const expected = AUTHORS.map((a, i) => ({ name: a.name, n: postsOf(i).length })).sort((x, y) => y.n - x.n || x.name.localeCompare(y.name));
    expect(page.map((a) => [a.name, a.nPosts])).toEqual(expected.slice(1, 3).map((a) => [a.name, a.n]));
    expect(await Author.query.annotate({ nPosts: Count('posts') }).count()).toBe(AUTHORS.length);
    expect(
      await Author.query
        .annotate({ nPosts: Count('posts') })
        .limit(2)
        .count(),
    ).toBe(2);
    expect(await Author.query.annotate({ nPosts: Count('posts') }).exists()).toBe(true);
    // Posts with their author joined, and the author's post count.
    const posts = await Post.query
      .selectRelated('author')
      .annotate({ siblings: Count('author__posts'), nComments: Count('comments') })
      .orderBy('title');
    expect(posts.map((p) => p.title)).toEqual(POSTS.map((p) => p.title).sort());
    for (const post of posts) {
      const i = POSTS.findIndex((p) => p.title === post.title);
      expect((post.author as unknown as { name: string }).name).toBe(AUTHORS[POSTS[i].author].name);
      expect(post.siblings).toBe(postsOf(POSTS[i].author).length);
      expect(post.nComments).toBe(commentsOnPostsOf(POSTS[i].author).filter(([p]) => p === i).length);
    }
  });

  it('mixes annotation and multi-valued lookups in one call without repeating rows', async () => {
    const names = async (q: PromiseLike<{ name: string }[]>) => (await q).map((a) => a.name).sort();
    const qs = Author.query.annotate({ nPosts: Count('posts') });
    const want = namesWhere((i) => postsOf(i).length > 1 && postsOf(i).some((p) => p.views > 20));
    expect(await names(qs.filter({ nPosts__gt: 1, posts__views__gt: 20 }))).toEqual(want);
    expect(await qs.filter({ nPosts__gt: 1, posts__views__gt: 20 }).count()).toBe(want.length);
    expect(await names(qs.filter({ nPosts__gt: 1 }).filter({ posts__views__gt: 20 }))).toEqual(want);
    const rest = namesWhere((i) => !(postsOf(i).length > 1 && postsOf(i).some((p) => p.views > 20)));
    expect(await names(qs.exclude({ nPosts__gt: 1, posts__views__gt: 20 }))).toEqual(rest);
    // Annotations built on annotations, filtered and ordered.
    const doubled = await qs
      .annotate({ twice: F('nPosts').times(2) })
      .filter({ twice__gte: 2 })
      .orderBy('-twice', 'name');
    expect(doubled.map((a) => [a.name, a.twice])).toEqual(
      AUTHORS.map((a, i) => [a.name, postsOf(i).length * 2] as [string, number])
        .filter(([, n]) => n >= 2)
        .sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0])),
    );
    const distinctRows = await qs.filter({ posts__views__gt: 0 }).distinct();
    expect(distinctRows.map((a) => a.name).sort()).toEqual(namesWhere((i) => postsOf(i).length > 0));
    const only = byName(await qs.only('name'));
    expect(only.map((a) => [a.name, a.nPosts])).toEqual(byName(AUTHORS.map((a, i) => ({ name: a.name, n: postsOf(i).length }))).map((a) => [a.name, a.n]));
  });

  it('keeps annotations through get(), paginate() and iterate()', async () => {
    const qs = Author.query.annotate({ nPosts: Count('posts') }).orderBy('name');
    const cid = AUTHORS.findIndex((a) => a.name === 'cid');
    expect((await qs.get({ name: 'cid' })).nPosts).toBe(postsOf(cid).length);
    const page = await qs.paginate({ page: 1, pageSize: 2 });
    expect(page.items.map((a) => [a.name, a.nPosts])).toEqual(
      byName(AUTHORS.map((a, i) => ({ name: a.name, n: postsOf(i).length })))
        .slice(0, 2)
        .map((a) => [a.name, a.n]),
    );
    const seen: [string, number][] = [];
    for await (const a of qs.iterate({ chunkSize: 3 })) seen.push([a.name, a.nPosts]);
    expect(seen).toEqual(byName(AUTHORS.map((a, i) => ({ name: a.name, n: postsOf(i).length }))).map((a) => [a.name, a.n]));
    const agg = await Post.query
      .filter({ comments__stars__gte: 1 })
      .distinct()
      .aggregate({ n: Count(), total: Sum('views') });
    const commented = POSTS.filter((_, i) => COMMENTS.some(([p]) => p === i));
    expect(agg).toEqual({ n: commented.length, total: sum(commented.map((p) => p.views)) });
  });

  it('refuses clashing names, relations and unknown paths with QueryError', async () => {
    expect(() => Author.query.annotate({ name: Count('posts') })).toThrow(QueryError);
    expect(() => Author.query.annotate({ posts: Count('posts') })).toThrow(/posts.*clashes/);
    expect(() => Author.query.annotate({ pk: Count('posts') })).toThrow(QueryError);
    expect(() => Author.query.annotate({ save: Count('posts') })).toThrow(QueryError);
    expect(() => Author.query.annotate({ n: Count('posts') }).annotate({ n: Count('comments') })).toThrow(QueryError);
    expect(() => Author.query.annotate({ 'a b': Count('posts') })).toThrow(QueryError);
    expect(() => Author.query.annotate({ x: 3 as never })).toThrow(QueryError);
    await expect(Author.query.annotate({ n: Count('nope') })).rejects.toThrow(/nope/);
    await expect(Author.query.annotate({ n: Sum('posts') })).rejects.toThrow(/relation/);
    await expect(Author.query.annotate({ n: Count('posts') }).filter({ n__gt: Count('posts') })).rejects.toThrow(QueryError);
    await expect(Author.query.annotate({ n: Count('posts'), m: Sum('n') })).rejects.toThrow(/aggregate/);
    await expect(Author.query.annotate({ n: Count('posts') }).filter({ n__gt__lt: 1 } as never)).rejects.toThrow(QueryError);
  });
});
