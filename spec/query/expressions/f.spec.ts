import { Count, F, NotSupportedError, Q, QueryError, Value } from '../../../lib';
import { AUTHORS, COMMENTS, eachDialect, POSTS } from './fixture';

const titlesWhere = (pred: (p: (typeof POSTS)[number]) => boolean) =>
  POSTS.filter(pred)
    .map((p) => p.title)
    .sort();
const titles = async (qs: PromiseLike<{ title: string }[]>) => (await qs).map((p) => p.title).sort();

eachDialect('F expressions', ({ registry, Post, Comment, Author }, dialect) => {
  it('compares a column with another column in a filter', async () => {
    expect(await titles(Post.query.filter({ views__gt: F('likes') }))).toEqual(titlesWhere((p) => p.views > p.likes));
    expect(await titles(Post.query.filter({ views: F('likes') }))).toEqual(titlesWhere((p) => p.views === p.likes));
    expect(await titles(Post.query.filter({ views__lte: F('likes') }))).toEqual(titlesWhere((p) => p.views <= p.likes));
    expect(await titles(Post.query.exclude({ views__gt: F('likes') }))).toEqual(titlesWhere((p) => !(p.views > p.likes)));
    expect(await Post.query.filter({ views__gt: F('likes') }).count()).toBe(titlesWhere((p) => p.views > p.likes).length);
  });

  it('builds arithmetic with columns and bound values', async () => {
    expect(await titles(Post.query.filter({ views__gte: F('likes').times(2) }))).toEqual(titlesWhere((p) => p.views >= p.likes * 2));
    expect(await titles(Post.query.filter({ views__lt: F('likes').plus(F('score')) }))).toEqual(titlesWhere((p) => p.views < p.likes + p.score));
    expect(await titles(Post.query.filter({ views__gt: F('likes').minus(5).times(3) }))).toEqual(titlesWhere((p) => p.views > (p.likes - 5) * 3));
    // Division is a true division, integers too.
    expect(await titles(Post.query.filter({ score__lt: F('views').div(F('likes')) }))).toEqual(titlesWhere((p) => p.score < p.views / p.likes));
    expect(await titles(Post.query.filter({ views__gt: Value(30) }))).toEqual(titlesWhere((p) => p.views > 30));
  });

  it('follows relation paths like filter keys', async () => {
    // Posts with more likes than their author's rating (a NULL rating compares as unknown: no row).
    expect(await titles(Post.query.filter({ likes__gt: F('author__rating') }))).toEqual(
      titlesWhere((p) => AUTHORS[p.author].rating !== null && p.likes > AUTHORS[p.author].rating!),
    );
    const comments = await Comment.query.filter({ stars__gte: F('post__author__rating') });
    const expected = COMMENTS.filter(([p, , s]) => AUTHORS[POSTS[p].author].rating !== null && s >= AUTHORS[POSTS[p].author].rating!);
    expect(comments.length).toBe(expected.length);
    const perPost = await Post.query.all().annotate({ gap: F('views').minus(F('author__rating')) });
    for (const post of perPost) {
      const row = POSTS.find((p) => p.title === post.title)!;
      const rating = AUTHORS[row.author].rating;
      expect(post.gap).toBe(rating === null ? null : row.views - rating);
    }
  });

  it('updates atomically in one statement', async () => {
    const sent: string[] = [];
    const listen = (q: { sql: string }) => sent.push(q.sql);
    registry.database.knex.on('query', listen);
    try {
      const n = await Post.query.filter({ views__gte: 20 }).update({ views: F('views').plus(1), likes: F('likes').times(2).minus(F('views')) });
      expect(n).toBe(POSTS.filter((p) => p.views >= 20).length);
    } finally {
      registry.database.knex.removeListener('query', listen);
    }
    expect(sent.filter((sql) => /^\s*update/i.test(sql))).toHaveLength(1);
    expect(sent.filter((sql) => /^\s*select/i.test(sql))).toHaveLength(0);
    const after = new Map((await Post.query.all()).map((p) => [p.title, p]));
    for (const p of POSTS) {
      const changed = p.views >= 20;
      expect(after.get(p.title)!.views).toBe(changed ? p.views + 1 : p.views);
      // The right-hand sides read the row as it was before the update, as SQL does.
      expect(after.get(p.title)!.likes).toBe(changed ? p.likes * 2 - p.views : p.likes);
    }
    // Concurrent increments do not lose each other.
    const target = POSTS[0].title;
    await Promise.all(Array.from({ length: 5 }, () => Post.query.filter({ title: target }).update({ views: F('views').plus(1) })));
    expect((await Post.query.get({ title: target })).views).toBe(after.get(target)!.views + 5);
    // Put the rows back for the other tests.
    for (const p of POSTS) await Post.query.filter({ title: p.title }).update({ views: p.views, likes: p.likes });
  });

  it('updates rows chosen across relations from their own columns', async () => {
    const cid = AUTHORS.findIndex((a) => a.name === 'cid');
    const n = await Post.query.filter({ author__name: 'cid', comments__stars__gte: 1 }).update({ likes: F('likes').plus(F('views')) });
    const hit = POSTS.filter((p, i) => p.author === cid && COMMENTS.some(([c]) => c === i));
    expect(n).toBe(hit.length);
    for (const p of POSTS) expect((await Post.query.get({ title: p.title })).likes).toBe(hit.includes(p) ? p.likes + p.views : p.likes);
    for (const p of hit) await Post.query.filter({ title: p.title }).update({ likes: p.likes });
  });

  it('computes every SET expression from the row as it was', async () => {
    const p = POSTS[3];
    await Post.query.filter({ title: p.title }).update({ views: 1, likes: F('views').plus(1) });
    let post = await Post.query.get({ title: p.title });
    expect([post.views, post.likes]).toEqual([1, p.views + 1]);
    await Post.query.filter({ title: p.title }).update({ views: p.views, likes: p.likes });
    // A swap cannot be ordered where SET reads earlier assignments: refused there, never half-applied.
    const swap = Post.query.filter({ title: p.title }).update({ views: F('likes'), likes: F('views') });
    if (dialect === 'mysql') await expect(swap).rejects.toThrow(NotSupportedError);
    else await swap;
    post = await Post.query.get({ title: p.title });
    expect([post.views, post.likes]).toEqual(dialect === 'mysql' ? [p.views, p.likes] : [p.likes, p.views]);
    await Post.query.filter({ title: p.title }).update({ views: p.views, likes: p.likes });
  });

  it('refuses relation paths and aggregates in update()', async () => {
    await expect(Post.query.update({ views: F('author__rating') })).rejects.toThrow(QueryError);
    await expect(Post.query.update({ views: F('nope') })).rejects.toThrow(/nope/);
    await expect(Post.query.update({ views: Count('comments') })).rejects.toThrow(QueryError);
    await expect(Post.query.filter({ views__gt: Count('comments') })).rejects.toThrow(QueryError);
    expect((await Post.query.all()).map((p) => p.views).sort()).toEqual(POSTS.map((p) => p.views).sort());
  });

  it('annotates computed values, typed and converted', async () => {
    const rows = await Post.query.all().annotate({ total: F('views').plus(F('likes')), ratio: F('views').div(F('likes')), half: F('price').times(Value(2)) });
    expect(rows).toHaveLength(POSTS.length);
    for (const post of rows) {
      const p = POSTS.find((r) => r.title === post.title)!;
      expect(post.total).toBe(p.views + p.likes);
      expect(post.ratio).toBeCloseTo(p.views / p.likes, 6);
      expect(Number(post.half)).toBeCloseTo(Number(p.price) * 2, 6);
    }
    const ordered = await Post.query
      .all()
      .annotate({ total: F('views').plus(F('likes')) })
      .orderBy('-total', 'title');
    const expected = [...POSTS].sort((a, b) => b.views + b.likes - (a.views + a.likes) || a.title.localeCompare(b.title));
    expect(ordered.map((p) => p.title)).toEqual(expected.map((p) => p.title));
  });

  it('orders by expressions, placing NULLs as asked', async () => {
    const ranked = (desc: boolean, nullsFirst: boolean) => {
      const present = POSTS.filter((p) => p.rank !== null).sort((a, b) => (desc ? b.rank! - a.rank! : a.rank! - b.rank!));
      const missing = POSTS.filter((p) => p.rank === null)
        .sort((a, b) => a.title.localeCompare(b.title))
        .map((p) => p.title);
      const mid = present.map((p) => p.title);
      return nullsFirst ? [...missing, ...mid] : [...mid, ...missing];
    };
    const read = async (qs: PromiseLike<{ title: string }[]>) => (await qs).map((p) => p.title);
    expect(await read(Post.query.orderBy(F('rank').desc({ nullsLast: true }), 'title'))).toEqual(ranked(true, false));
    expect(await read(Post.query.orderBy(F('rank').desc({ nullsFirst: true }), 'title'))).toEqual(ranked(true, true));
    expect(await read(Post.query.orderBy(F('rank').asc({ nullsFirst: true }), 'title'))).toEqual(ranked(false, true));
    expect(await read(Post.query.orderBy(F('rank').asc({ nullsLast: true }), 'title'))).toEqual(ranked(false, false));
    const byScore = await read(Post.query.orderBy(F('views').minus(F('likes')).desc(), 'title'));
    expect(byScore).toEqual([...POSTS].sort((a, b) => b.views - b.likes - (a.views - a.likes) || a.title.localeCompare(b.title)).map((p) => p.title));
    // Across a relation, and last() reverses NULL placement too.
    const byAuthor = await read(Post.query.orderBy(F('author__rating').asc({ nullsLast: true }), 'title'));
    const key = (p: (typeof POSTS)[number]) => AUTHORS[p.author].rating ?? Infinity;
    expect(byAuthor).toEqual([...POSTS].sort((a, b) => key(a) - key(b) || a.title.localeCompare(b.title)).map((p) => p.title));
    const last = await Post.query.orderBy(F('rank').desc({ nullsLast: true }), 'title').last();
    expect(last!.title).toBe(ranked(true, false)[POSTS.length - 1]);
    expect(await Author.query.count()).toBe(AUTHORS.length);
  });

  it('works inside Q trees, and Value() annotations read back as given', async () => {
    const q = Q.or({ views__gt: F('likes').times(3) }, Q.not({ likes__lte: F('views') }));
    expect(await titles(Post.query.filter(q))).toEqual(titlesWhere((p) => p.views > p.likes * 3 || !(p.likes <= p.views)));
    const when = new Date('2024-05-06T07:08:09Z');
    const [row] = await Post.query
      .filter({ title: POSTS[0].title })
      .annotate({ one: Value(1), half: Value(0.5), word: Value('hi'), yes: Value(true), at: Value(when), none: Value(null) });
    expect([row.one, row.half, row.word, row.yes, row.none]).toEqual([1, 0.5, 'hi', true, null]);
    expect(row.at).toBeInstanceOf(Date);
    expect((row.at as Date).getTime()).toBe(when.getTime());
  });

  it('refuses bad input with QueryError before any SQL', async () => {
    expect(() => F('')).toThrow(QueryError);
    expect(() => Value({} as never)).toThrow(QueryError);
    await expect(Post.query.filter({ views__gt: F('nope') })).rejects.toThrow(/nope/);
    await expect(Post.query.filter({ views__gt: F('author__nope') })).rejects.toThrow(/nope/);
    await expect(Post.query.filter({ title__icontains: F('title') })).rejects.toThrow(QueryError);
    await expect(Post.query.orderBy(F('nope').desc())).rejects.toThrow(/nope/);
    expect(() => F('views').asc({ nullsFirst: true, nullsLast: true })).toThrow();
  });
});
