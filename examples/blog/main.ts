import * as fs from 'fs';
import * as path from 'path';
import { DB_PATH, Post, Profile, registry, Tag, User } from './models';
import { report } from './report';
import { tour } from './tour';

async function main(): Promise<void> {
  // Start from an empty file so every run prints the same thing.
  fs.rmSync(DB_PATH, { force: true });

  await registry.createAll();
  console.log(`Database: ${path.relative(process.cwd(), DB_PATH)}`);
  console.log(`Tables created: ${[...registry.metadata.tables.keys()].join(', ')}`);

  const ada = await User.query.create({ email: 'ada@example.com', name: 'Ada' });
  const linus = await User.query.create({ email: 'linus@example.org', name: 'Linus' });
  await User.query.create({ email: 'grace@example.com', name: 'Grace' });
  await Profile.query.create({ user: ada, bio: 'Wrote the first program.' });
  await Profile.query.create({ user: linus, bio: 'Likes kernels.' });

  const ts = await Tag.query.create({ name: 'typescript' });
  const orm = await Tag.query.create({ name: 'orm' });
  const sql = await Tag.query.create({ name: 'sql' });
  const intro = await Post.query.create({ title: 'Hello keelson', author: ada, published: true });
  const joins = await Post.query.create({ title: 'Joins without tears', author: ada });
  const kernel = await Post.query.create({ title: 'A small kernel', author: linus, published: true });
  await intro.tags.add(ts, orm);
  await joins.tags.add(orm, sql);
  await kernel.tags.add(sql);

  console.log('\nPosts per user (reverse manager user.posts):');
  for (const user of await User.query.orderBy('id').all()) {
    const posts = await user.posts.all();
    const profile = await user.profile;
    console.log(`  ${user.name} <${user.email}>: ${posts.length} post(s)${profile ? ` - bio: ${profile.bio}` : ''}`);
    for (const post of posts) console.log(`    - ${post.title}`);
  }

  console.log('\nTags of each post (post.tags):');
  for (const post of await Post.query.orderBy('id').all()) {
    const tags = await post.tags.all();
    console.log(`  ${post.title}: ${tags.map((t) => t.name).join(', ') || '(none)'}`);
  }

  const fromExampleCom = await Post.query.filter({ author__email__icontains: '@EXAMPLE.COM' }).count();
  console.log(`\nPosts by authors with an @example.com address (author__email__icontains): ${fromExampleCom}`);
  const publishedByA = await Post.query.filter({ published: true, author__name__startswith: 'A' }).count();
  console.log(`Published posts by authors whose name starts with "A" (author__name__startswith): ${publishedByA}`);

  const [first] = await Post.query.orderBy('id').limit(1);
  console.log(`\nFirst post as JSON: ${JSON.stringify(first?.toJSON())}`);
  console.log(`registry.getModel('User') === User: ${registry.getModel('User') === User}`);

  await tour();
  await report();

  console.log('\nBrowse and edit this database in the web admin:');
  console.log('  KEELSON_ADMIN_PASSWORD=choose-one npm run keelson -- admin --app examples/blog/models.ts');
  console.log('  then open http://127.0.0.1:8000/ and sign in with that password');
  console.log('  (or, on this machine only: npm run keelson -- admin --app examples/blog/models.ts --insecure-no-auth)');
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => registry.disconnect());
