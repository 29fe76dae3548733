import { Avg, Count, F, Max, Min, Q, QueryError, Sum } from '../../../lib';
import { AUTHORS, COMMENTS, decimalSum, eachDialect, POSTS, sum } from './fixture';

const dayOf = (iso: string) => new Date(`${iso}T12:00:00Z`).getTime();

eachDialect('Aggregates', ({ Post, Author, Comment }) => {
  it('aggregate() gives one plain object with numbers for counts, sums and averages', async () => {
    const r = await Post.query.aggregate({ n: Count(), total: Sum('views'), mean: Avg('views'), fsum: Sum('score'), favg: Avg('score') });
    // Typed: a count is a number.
    const n: number = r.n;
    expect(n).toBe(POSTS.length);
    expect(r.total).toBe(sum(POSTS.map((p) => p.views)));
    expect(typeof r.mean).toBe('number');
    expect(r.mean).toBeCloseTo(sum(POSTS.map((p) => p.views)) / POSTS.length, 6);
    expect(r.fsum).toBeCloseTo(sum(POSTS.map((p) => p.score)), 6);
    expect(r.favg).toBeCloseTo(sum(POSTS.map((p) => p.score)) / POSTS.length, 6);
    expect(Object.keys(r).sort()).toEqual(['favg', 'fsum', 'mean', 'n', 'total']);
  });

  it('an average of integers is a full-precision number, overall and per group', async () => {
    const views = POSTS.filter((p) => p.author === 2).map((p) => p.views);
    const r = await Post.query.filter({ author__name: AUTHORS[2].name }).aggregate({ mean: Avg('views') });
    // 121 / 3: a decimal rounded to a few places (MySQL's own avg of integers) would differ after the 4th.
    expect(r.mean).toBeCloseTo(sum(views) / views.length, 12);
    const groups = await Post.query
      .values('author')
      .annotate({ mean: Avg('views') })
      .fetch();
    expect(groups).toHaveLength(3);
    for (const g of groups) expect(typeof g.mean).toBe('number');
    expect(groups.filter((g) => Math.abs((g.mean as number) - sum(views) / views.length) < 1e-12)).toHaveLength(1);
  });

  it('decimals come back as strings, dates as Dates, text as strings', async () => {
    const r = await Post.query.aggregate({ total: Sum('price'), mean: Avg('price'), low: Min('price'), high: Max('price') });
    const prices = POSTS.map((p) => Number(p.price));
    expect(typeof r.total).toBe('string');
    expect(Number(r.total)).toBeCloseTo(Number(decimalSum(POSTS.map((p) => p.price))), 6);
    expect(typeof r.mean).toBe('string');
    expect(Number(r.mean)).toBeCloseTo(sum(prices) / prices.length, 4);
    expect(Number(r.low)).toBe(Math.min(...prices));
    expect(Number(r.high)).toBe(Math.max(...prices));
    const d = await Post.query.aggregate({ first: Min('day'), last: Max('day'), a: Min('title'), z: Max('title') });
    expect(d.first).toBeInstanceOf(Date);
    expect((d.first as Date).getTime()).toBe(Math.min(...POSTS.map((p) => dayOf(p.day))));
    expect((d.last as Date).getTime()).toBe(Math.max(...POSTS.map((p) => dayOf(p.day))));
    expect(d.a).toBe(POSTS.map((p) => p.title).sort()[0]);
    expect(d.z).toBe(POSTS.map((p) => p.title).sort()[POSTS.length - 1]);
  });

  it('over no rows: Count 0, the others null (never NaN)', async () => {
    const r = await Post.query
      .filter({ views__gt: 10_000 })
      .aggregate({ n: Count(), c: Count('comments'), total: Sum('views'), mean: Avg('score'), low: Min('day'), high: Max('price'), d: Sum('price') });
    expect(r).toEqual({ n: 0, c: 0, total: null, mean: null, low: null, high: null, d: null });
  });

  it('the filter option counts only matching rows (lookups or Q)', async () => {
    const r = await Post.query.aggregate({
      popular: Count(undefined, { filter: { views__gte: 30 } }),
      liked: Sum('views', { filter: Q.or({ likes__gt: 20 }, { title: 'b1' }) }),
      ofCid: Avg('views', { filter: { author__name: 'cid' } }),
      none: Max('views', { filter: { views__lt: 0 } }),
      minLiked: Min('score', { filter: { likes__gte: 10 } }),
    });
    expect(r.popular).toBe(POSTS.filter((p) => p.views >= 30).length);
    expect(r.liked).toBe(sum(POSTS.filter((p) => p.likes > 20 || p.title === 'b1').map((p) => p.views)));
    const cid = POSTS.filter((p) => AUTHORS[p.author].name === 'cid').map((p) => p.views);
    expect(r.ofCid).toBeCloseTo(sum(cid) / cid.length, 6);
    expect(r.none).toBeNull();
    expect(r.minLiked).toBe(Math.min(...POSTS.filter((p) => p.likes >= 10).map((p) => p.score)));
  });

  it('Count of a relation, distinct and filtered', async () => {
    const r = await Post.query.aggregate({
      comments: Count('comments'),
      commenters: Count('comments__author', { distinct: true }),
      good: Count('comments', { filter: { comments__stars__gte: 4 } }),
      tagged: Count('tags', { distinct: true }),
    });
    expect(r.comments).toBe(COMMENTS.length);
    expect(r.commenters).toBe(new Set(COMMENTS.map(([, a]) => a)).size);
    expect(r.good).toBe(COMMENTS.filter(([, , s]) => s >= 4).length);
    expect(r.tagged).toBe(new Set(POSTS.flatMap((p) => p.tags)).size);
    // Sums across a multi-valued relation of another model see each related row once.
    const a = await Author.query.aggregate({ views: Sum('posts__views'), stars: Sum('comments__stars'), n: Count() });
    expect(a.views).toBe(sum(POSTS.map((p) => p.views)));
    expect(a.stars).toBe(sum(COMMENTS.map(([, , s]) => s)));
    expect(a.n).toBe(AUTHORS.length);
    expect(await Comment.query.aggregate({ s: Sum('post__views') })).toEqual({ s: sum(COMMENTS.map(([p]) => POSTS[p].views)) });
  });

  it('aggregates the queryset rows: filtered across relations (no duplicates), sliced', async () => {
    const r = await Post.query.filter({ comments__stars__gte: 4 }).aggregate({ n: Count(), total: Sum('views') });
    const hit = POSTS.filter((_, i) => COMMENTS.some(([p, , s]) => p === i && s >= 4));
    expect(r).toEqual({ n: hit.length, total: sum(hit.map((p) => p.views)) });
    const page = await Post.query
      .orderBy('-views')
      .limit(3)
      .offset(1)
      .aggregate({ n: Count(), total: Sum('views'), low: Min('views') });
    const sorted = [...POSTS].sort((x, y) => y.views - x.views).slice(1, 4);
    expect(page).toEqual({ n: 3, total: sum(sorted.map((p) => p.views)), low: Math.min(...sorted.map((p) => p.views)) });
    const arithmetic = await Post.query.aggregate({ both: Sum('views').plus(Sum('likes')) });
    expect(arithmetic.both).toBe(sum(POSTS.map((p) => p.views + p.likes)));
    const viaManager = await Author.query.aggregate({ n: Count() });
    expect(viaManager.n).toBe(AUTHORS.length);
  });

  it('aggregates annotations, aggregate ones included', async () => {
    const counts = AUTHORS.map((_, i) => POSTS.filter((p) => p.author === i).length);
    const r = await Author.query
      .annotate({ nPosts: Count('posts') })
      .aggregate({ mean: Avg('nPosts'), most: Max('nPosts'), total: Sum('nPosts'), n: Count(), rated: Sum('rating'), both: Sum('nPosts').plus(Count()) });
    expect(r.mean).toBeCloseTo(sum(counts) / counts.length, 6);
    expect(r).toMatchObject({ most: Math.max(...counts), total: sum(counts), n: AUTHORS.length, both: sum(counts) + AUTHORS.length });
    expect(r.rated).toBe(sum(AUTHORS.map((a) => a.rating ?? 0)));
    // Filtered on the annotation and sliced: the aggregate sees the page's rows.
    const page = AUTHORS.map((a, i) => ({ name: a.name, n: counts[i] }))
      .filter((a) => a.n >= 1)
      .sort((x, y) => y.n - x.n || x.name.localeCompare(y.name))
      .slice(0, 2);
    const top = await Author.query
      .annotate({ nPosts: Count('posts') })
      .filter({ nPosts__gte: 1 })
      .orderBy('-nPosts', 'name')
      .limit(2)
      .aggregate({ s: Sum('nPosts') });
    expect(top).toEqual({ s: sum(page.map((a) => a.n)) });
    const none = await Author.query
      .annotate({ nPosts: Count('posts') })
      .filter({ nPosts__gt: 100 })
      .aggregate({ m: Avg('nPosts'), n: Count() });
    expect(none).toEqual({ m: null, n: 0 });
    // A non-aggregate annotation aggregates inline.
    const t = await Post.query.annotate({ total: F('views').plus(F('likes')) }).aggregate({ s: Sum('total') });
    expect(t.s).toBe(sum(POSTS.map((p) => p.views + p.likes)));
    await expect(Author.query.annotate({ nPosts: Count('posts') }).aggregate({ s: Sum('nPosts'), v: Sum('posts__views') })).rejects.toThrow(/posts__views/);
  });

  it('refuses bad aggregates with a QueryError naming the problem', async () => {
    await expect(Post.query.aggregate({ s: Sum('author') })).rejects.toThrow(/author.*relation/);
    await expect(Author.query.aggregate({ s: Sum('posts') })).rejects.toThrow(QueryError);
    await expect(Post.query.aggregate({ s: Sum('title') })).rejects.toThrow(QueryError);
    await expect(Post.query.aggregate({ s: Sum('nope') })).rejects.toThrow(/nope/);
    await expect(Post.query.aggregate({ s: Count('author__nope') })).rejects.toThrow(/nope/);
    await expect(Post.query.aggregate({ s: Sum('views', { filter: { nope__gt: 1 } }) })).rejects.toThrow(/nope/);
    await expect(Post.query.aggregate({ s: F('views') })).rejects.toThrow(QueryError);
    await expect(Post.query.aggregate({})).rejects.toThrow(QueryError);
    await expect(Post.query.aggregate({ s: Sum('views__gt') })).rejects.toThrow(QueryError);
    expect(() => Count(undefined, { filter: 3 as never })).toThrow(QueryError);
    await expect(Post.query.aggregate({ s: Count(undefined, { distinct: true }) })).rejects.toThrow(QueryError);
  });
});
