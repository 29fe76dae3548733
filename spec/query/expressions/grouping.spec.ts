import { Avg, Count, F, Max, QueryError, Sum } from '../../../lib';
import { AUTHORS, COMMENTS, eachDialect, POSTS, sum, type PostRow } from './fixture';

/** Groups the seed posts by `key`, as `values(key).annotate(...)` should. */
function groupsOf<K>(key: (p: PostRow) => K, rows: PostRow[] = POSTS): Map<K, PostRow[]> {
  const out = new Map<K, PostRow[]>();
  for (const p of rows) out.set(key(p), [...(out.get(key(p)) ?? []), p]);
  return out;
}
const commentsOn = (posts: PostRow[]) => COMMENTS.filter(([p]) => posts.includes(POSTS[p]));
const authorName = (p: PostRow) => AUTHORS[p.author].name;

eachDialect('values().annotate() grouping', ({ Post, Author }) => {
  it('gives one object per group of the named values', async () => {
    const rows = await Post.query
      .values('author__name')
      .annotate({ n: Count(), totalViews: Sum('views'), mean: Avg('score'), last: Max('day') })
      .orderBy('author__name');
    const groups = [...groupsOf(authorName)].sort(([a], [b]) => a.localeCompare(b));
    expect(rows.map((r) => Object.keys(r).sort())).toEqual(groups.map(() => ['author__name', 'last', 'mean', 'n', 'totalViews']));
    expect(rows.map((r) => [r.author__name, r.n, r.totalViews])).toEqual(groups.map(([name, ps]) => [name, ps.length, sum(ps.map((p) => p.views))]));
    rows.forEach((r, i) => {
      const ps = groups[i][1];
      expect(r.mean).toBeCloseTo(sum(ps.map((p) => p.score)) / ps.length, 6);
      expect(r.last).toBeInstanceOf(Date);
      expect((r.last as Date).getTime()).toBe(Math.max(...ps.map((p) => new Date(`${p.day}T12:00:00Z`).getTime())));
    });
  });

  it('groups by several keys, and by a nullable one (NULL is a group)', async () => {
    const rows = await Post.query.values('author__name', 'rank').annotate({ n: Count() });
    const expected = groupsOf((p) => `${authorName(p)}|${p.rank}`);
    expect(rows).toHaveLength(expected.size);
    for (const r of rows) expect(r.n).toBe(expected.get(`${String(r.author__name)}|${String(r.rank)}`)!.length);
    const ranks = await Post.query.values('rank').annotate({ n: Count(), c: Count('comments') });
    const byRank = groupsOf((p) => p.rank);
    expect(ranks).toHaveLength(byRank.size);
    for (const r of ranks) {
      const ps = byRank.get(r.rank as number | null)!;
      expect([r.n, r.c]).toEqual([ps.length, commentsOn(ps).length]);
    }
  });

  it('filters groups on aggregates (HAVING) and rows before grouping (WHERE)', async () => {
    const groups = groupsOf(authorName);
    const big = await Post.query.values('author__name').annotate({ n: Count() }).filter({ n__gt: 1 });
    expect(big.map((r) => r.author__name).sort()).toEqual(
      [...groups]
        .filter(([, ps]) => ps.length > 1)
        .map(([name]) => name)
        .sort(),
    );
    const notBig = await Post.query.values('author__name').annotate({ n: Count() }).exclude({ n__gt: 1 });
    expect(notBig.map((r) => r.author__name).sort()).toEqual(
      [...groups]
        .filter(([, ps]) => ps.length <= 1)
        .map(([name]) => name)
        .sort(),
    );
    const viewed = POSTS.filter((p) => p.views > 10);
    const rows = await Post.query
      .filter({ views__gt: 10 })
      .values('author__name')
      .annotate({ n: Count(), totalViews: Sum('views') });
    const expected = groupsOf(authorName, viewed);
    expect(rows).toHaveLength(expected.size);
    for (const r of rows)
      expect([r.n, r.totalViews]).toEqual([expected.get(r.author__name as string)!.length, sum(expected.get(r.author__name as string)!.map((p) => p.views))]);
    // A filter on a grouped key after annotate stays a WHERE.
    const one = await Post.query.values('author__name').annotate({ n: Count() }).filter({ author__name: 'cid' });
    expect(one).toEqual([{ author__name: 'cid', n: groups.get('cid')!.length }]);
  });

  it('orders, slices, counts and tests groups', async () => {
    const groups = [...groupsOf(authorName)].map(([name, ps]) => ({ name, n: ps.length })).sort((a, b) => b.n - a.n || a.name.localeCompare(b.name));
    const qs = Post.query.values('author__name').annotate({ n: Count() });
    const ordered = await qs.orderBy('-n', 'author__name');
    expect(ordered.map((r) => r.author__name)).toEqual(groups.map((g) => g.name));
    expect((await qs.orderBy('-n', 'author__name').limit(1).offset(1)).map((r) => r.author__name)).toEqual([groups[1].name]);
    expect(await qs.count()).toBe(groups.length);
    expect(await qs.filter({ n__gte: 2 }).count()).toBe(groups.filter((g) => g.n >= 2).length);
    expect(await qs.exists()).toBe(true);
    expect(await qs.filter({ n__gt: 100 }).exists()).toBe(false);
    expect(await qs.orderBy('-n', 'author__name').first()).toEqual({ author__name: groups[0].name, n: groups[0].n });
  });

  it('counts multi-valued relations per group without fan-out', async () => {
    const rows = await Post.query
      .values('author__name')
      .annotate({ c: Count('comments'), t: Count('tags'), dt: Count('tags', { distinct: true }), stars: Sum('comments__stars') });
    const groups = groupsOf(authorName);
    expect(rows).toHaveLength(groups.size);
    for (const r of rows) {
      const ps = groups.get(r.author__name as string)!;
      const cs = commentsOn(ps);
      expect(r.c).toBe(cs.length);
      expect(r.t).toBe(sum(ps.map((p) => p.tags.length)));
      expect(r.dt).toBe(new Set(ps.flatMap((p) => p.tags)).size);
      expect(r.stars).toBe(cs.length ? sum(cs.map(([, , s]) => s)) : null);
    }
    // Grouping the authors themselves: one group per rating (all distinct), reverse relations counted.
    const authors = await Author.query
      .values('name')
      .annotate({ p: Count('posts'), c: Count('comments') })
      .orderBy('name');
    expect(authors).toEqual(
      AUTHORS.map((a, i) => ({ name: a.name, p: POSTS.filter((p) => p.author === i).length, c: COMMENTS.filter(([, x]) => x === i).length })).sort((x, y) =>
        x.name.localeCompare(y.name),
      ),
    );
  });

  it('groups by an annotation', async () => {
    const rows = await Post.query
      .annotate({ r: F('rank').times(2) })
      .values('r')
      .annotate({ n: Count(), best: Max('views') });
    const byRank = groupsOf((p) => (p.rank === null ? null : p.rank * 2));
    expect(rows).toHaveLength(byRank.size);
    // Ordered by the annotation, NULLs placed as asked (by name, by F(), descending).
    const grouped = () =>
      Post.query
        .annotate({ r: F('rank').times(2) })
        .values('r')
        .annotate({ n: Count() });
    const ranks = [...byRank.keys()].filter((r): r is number => r !== null).sort((x, y) => x - y);
    const nulls = byRank.has(null) ? [null] : [];
    const read = async (qs: PromiseLike<Record<string, unknown>[]>) => (await qs).map((row) => row.r);
    expect(
      await read(
        grouped()
          .orderBy(F('r').asc({ nullsFirst: true }))
          .filter({ n__gte: 1 }),
      ),
    ).toEqual([...nulls, ...ranks]);
    expect(await read(grouped().orderBy(F('r').desc({ nullsLast: true })))).toEqual([...[...ranks].reverse(), ...nulls]);
    expect(await read(grouped().filter({ r__isnull: false }).orderBy('-r'))).toEqual([...ranks].reverse());
    for (const row of rows) {
      const ps = byRank.get(row.r as number | null)!;
      expect([row.n, row.best]).toEqual([ps.length, Math.max(...ps.map((p) => p.views))]);
    }
    // A multi-valued count per group of an annotation.
    const comments = await Post.query
      .annotate({ r: F('rank').times(2) })
      .values('r')
      .annotate({ c: Count('comments') });
    expect(comments).toHaveLength(byRank.size);
    for (const row of comments) expect(row.c).toBe(commentsOn(byRank.get(row.r as number | null)!).length);
  });

  it('refuses selecting ungrouped keys and aggregating groups', async () => {
    await expect(Post.query.values('author__name').annotate({ n: Count() }).values('title')).rejects.toThrow(QueryError);
    await expect(Post.query.values('author__name').annotate({ n: Count() }).values('title')).rejects.toThrow(/title/);
    await expect(Post.query.values('nope' as never).annotate({ n: Count() })).rejects.toThrow(/nope/);
    expect(() =>
      Post.query
        .annotate({ n: Count('comments') })
        .values('title')
        .annotate({ m: Count() }),
    ).toThrow(QueryError);
  });
});
