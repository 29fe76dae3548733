import { Q, ValidationError } from '../../lib';
import { Post, registry, Tag, User } from './models';

/** Counts the SQL statements `fn` sends, to show what prefetchRelated saves. */
async function countQueries(fn: () => Promise<unknown>): Promise<number> {
  const knex = registry.database.knex;
  let n = 0;
  const listen = () => n++;
  knex.on('query', listen);
  try {
    await fn();
  } finally {
    knex.off('query', listen);
  }
  return n;
}

/** A walk through the query API on the blog's data. */
export async function tour(): Promise<void> {
  console.log('\n— Lookups and relation paths —');
  const sqlPosts = await Post.query.filter({ tags__name: 'sql' }).orderBy('title').valuesList('title', { flat: true });
  console.log(`Posts tagged sql (tags__name): ${sqlPosts.join(', ')}`);
  const adaOrKernel = await Post.query.filter(Q.or({ author__name: 'Ada' }, { title__icontains: 'KERNEL' })).count();
  console.log(`Posts by Ada or about kernels (Q.or): ${adaOrKernel}`);
  const untagged = await Tag.query.exclude({ posts_set__published: true }).valuesList('name', { flat: true });
  console.log(`Tags on no published post (exclude across the reverse many-to-many): ${untagged.join(', ') || '(none)'}`);
  console.log(`Published posts (custom manager Post.published): ${await Post.published.count()}`);
  console.log(`values('title', 'author__name'): ${JSON.stringify(await Post.query.orderBy('id').values('title', 'author__name'))}`);

  console.log('\n— Loading relations without N+1 —');
  const naive = await countQueries(async () => {
    for (const user of await User.query.all()) for (const post of await user.posts.all()) await post.tags.all();
  });
  const prefetched = await countQueries(async () => {
    for (const user of await User.query.prefetchRelated('posts__tags')) for (const post of await user.posts.all()) await post.tags.all();
  });
  console.log(`Users → posts → tags: ${naive} queries one by one, ${prefetched} with prefetchRelated('posts__tags')`);
  const withAuthors = await Post.query.selectRelated('author').orderBy('id');
  console.log(`selectRelated('author') in one query: ${withAuthors.map((p) => `${p.title} by ${p.author.name}`).join('; ')}`);

  console.log('\n— Writes —');
  const [tag, created] = await Tag.query.getOrCreate({ name: 'databases' });
  console.log(`getOrCreate({ name: 'databases' }) → created: ${created}; again → created: ${(await Tag.query.getOrCreate({ name: 'databases' }))[1]}`);
  const drafts = await Post.query.filter({ published: false }).update({ published: true });
  console.log(`Published ${drafts} draft(s) with one UPDATE`);
  try {
    await User.query.create({ email: 'not-an-email', name: 'Nobody' });
  } catch (error) {
    if (error instanceof ValidationError) console.log(`Validation refused a user: ${JSON.stringify(error.errors)}`);
  }
  try {
    await registry.database.transaction(async () => {
      await Tag.query.create({ name: 'temporary' });
      throw new Error('changed my mind');
    });
  } catch {
    console.log(`A throw inside transaction() rolled back: 'temporary' exists? ${await Tag.query.filter({ name: 'temporary' }).exists()}`);
  }
  console.log(`Deleted ${await tag.delete()} tag ('databases')`);
}
