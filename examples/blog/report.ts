import { Avg, Count, Max, Min } from '../../lib';
import { Post, Tag, User } from './models';

/** A short report computed by the database: annotations, grouping and aggregates. */
export async function report(): Promise<void> {
  console.log('\n— Report (annotate, values().annotate(), aggregate) —');
  const authors = await User.query
    .annotate({ nPosts: Count('posts'), nPublished: Count('posts', { filter: { posts__published: true } }) })
    .orderBy('-nPosts', 'name');
  console.log('Posts per author:');
  for (const user of authors) console.log(`  ${user.name}: ${user.nPosts} post(s), ${user.nPublished} published`);
  const { mean } = await User.query.annotate({ nPosts: Count('posts') }).aggregate({ mean: Avg('nPosts') });
  console.log(`Average posts per author: ${Number(mean).toFixed(2)}`);

  const topTags = await Tag.query
    .annotate({ uses: Count('posts_set') })
    .filter({ uses__gt: 0 })
    .orderBy('-uses', 'name')
    .limit(3);
  console.log(`Top tags: ${topTags.map((tag) => `${tag.name} (${tag.uses})`).join(', ')}`);

  const byAuthor = await Post.query
    .values('author__name')
    .annotate({ nPosts: Count(), nTags: Count('tags', { distinct: true }) })
    .orderBy('author__name');
  console.log(`Grouped by author (values('author__name').annotate(...)): ${JSON.stringify(byAuthor)}`);

  const totals = await Post.query.aggregate({
    posts: Count(),
    published: Count(undefined, { filter: { published: true } }),
    first: Min('title'),
    last: Max('title'),
  });
  console.log(`Totals (aggregate): ${JSON.stringify(totals)}`);
}
