import { BaseModel, Field, ForeignKey, Manager, ManyRelation, ManyToMany, Model, OneToOne, QueryError, Registry, RelatedManager, Relation } from '../../lib';
import { describeOnSqliteAndPostgres, uniqueName } from '../support/servers';

function declare(registry: Registry, prefix: string) {
  @Model({ registry, tablePrefix: prefix })
  class Profile extends BaseModel {
    declare static query: Manager<Profile>;
    declare user: Promise<User | null>;
    @Field() bio!: string;
  }

  @Model({ registry, tablePrefix: prefix })
  class User extends BaseModel {
    declare static query: Manager<User>;
    declare posts_set: RelatedManager<Post>;
    declare edits: RelatedManager<Post>;
    @Field() name!: string;
    @OneToOne(() => Profile, { nullable: true, onDelete: 'SET NULL' }) profile!: Relation<Profile> | null;
  }

  @Model({ registry, tablePrefix: prefix })
  class Tag extends BaseModel {
    declare static query: Manager<Tag>;
    declare posts_set: ManyRelation<Post>;
    @Field() name!: string;
  }

  @Model({ registry, tablePrefix: prefix })
  class Post extends BaseModel {
    declare static query: Manager<Post>;
    @Field() title!: string;
    @ForeignKey(User, { onDelete: 'CASCADE' }) author!: Relation<User>;
    @ForeignKey('User', { nullable: true, onDelete: 'SET NULL', relatedName: 'edits' }) editor!: Relation<User> | null;
    @ManyToMany('Tag') tags!: ManyRelation<Tag>;
  }

  return { Profile, User, Tag, Post };
}

describeOnSqliteAndPostgres('relations', (url) => {
  const registry = new Registry(url);
  const { Profile, User, Tag, Post } = declare(registry, uniqueName('rel'));
  type UserT = InstanceType<typeof User>;
  type PostT = InstanceType<typeof Post>;
  type TagT = InstanceType<typeof Tag>;

  const sortedPks = (rows: readonly BaseModel[]) => rows.map((r) => r.pk as number).sort((a, b) => a - b);
  const titles = (rows: readonly PostT[]) => rows.map((p) => p.title).sort();

  /** Runs `fn` and returns how many queries it sent through the registry's knex. */
  async function countQueries<R>(fn: () => Promise<R>): Promise<[R, number]> {
    await registry.database.connect();
    const knex = registry.database.knex;
    let n = 0;
    const on = () => n++;
    knex.on('query', on);
    try {
      const result = await fn();
      return [result, n];
    } finally {
      knex.off('query', on);
    }
  }

  beforeAll(async () => {
    await registry.createAll();
  });

  afterAll(async () => {
    await registry.dropAll();
    await registry.disconnect();
  });

  describe('reverse foreign key manager', () => {
    it('user.posts_set (default name): all, filter, count, create', async () => {
      const ann = await User.query.create({ name: 'rf-ann' });
      const bob = await User.query.create({ name: 'rf-bob' });
      expect(ann.posts_set).toBeInstanceOf(RelatedManager);
      expect(await ann.posts_set.count()).toBe(0);
      const p1 = await ann.posts_set.create({ title: 'rf-1' });
      await ann.posts_set.create({ title: 'rf-2' });
      await bob.posts_set.create({ title: 'rf-3' });
      expect(p1).toBeInstanceOf(Post);
      expect((p1 as unknown as { author_id: number }).author_id).toBe(ann.pk);
      expect((await Post.query.get({ pk: p1.pk })).author.pk).toBe(ann.pk);
      expect(titles(await ann.posts_set.all())).toEqual(['rf-1', 'rf-2']);
      expect(titles(await bob.posts_set.all())).toEqual(['rf-3']);
      expect(await ann.posts_set.count()).toBe(2);
      expect(titles(await ann.posts_set.filter({ title: 'rf-2' }))).toEqual(['rf-2']);
      expect(await ann.posts_set.filter({ title: 'rf-3' }).count()).toBe(0);
    });

    it('add() moves rows to the instance; remove() and clear() on a non-nullable key throw QueryError', async () => {
      const ann = await User.query.create({ name: 'rf2-ann' });
      const bob = await User.query.create({ name: 'rf2-bob' });
      const moved = await Post.query.create({ title: 'rf2-moved', author: bob });
      await ann.posts_set.add(moved);
      expect((await Post.query.get({ pk: moved.pk })).author.pk).toBe(ann.pk);
      expect(titles(await ann.posts_set.all())).toEqual(['rf2-moved']);
      expect(await bob.posts_set.count()).toBe(0);

      await expect((async () => ann.posts_set.remove(moved))()).rejects.toThrow(QueryError);
      await expect((async () => ann.posts_set.clear())()).rejects.toThrow(QueryError);
      expect(await ann.posts_set.count()).toBe(1);
    });

    it('a custom relatedName (nullable key): add, remove, clear', async () => {
      const author = await User.query.create({ name: 'ed-author' });
      const ed = await User.query.create({ name: 'ed-editor' });
      expect(ed.edits).toBeInstanceOf(RelatedManager);
      const posts = await Promise.all(['ed-1', 'ed-2', 'ed-3'].map((title) => Post.query.create({ title, author })));
      await ed.edits.add(...posts);
      expect(titles(await ed.edits.all())).toEqual(['ed-1', 'ed-2', 'ed-3']);
      expect(await author.edits.count()).toBe(0);
      // The default-named reverse of the other key is unaffected.
      expect(await ed.posts_set.count()).toBe(0);

      await ed.edits.remove(posts[0]);
      expect(titles(await ed.edits.all())).toEqual(['ed-2', 'ed-3']);
      expect(await Post.query.filter({ pk: posts[0].pk, editor__isnull: true }).count()).toBe(1);

      const created = await ed.edits.create({ title: 'ed-4', author });
      expect((created as unknown as { editor_id: number }).editor_id).toBe(ed.pk);
      expect(await ed.edits.count()).toBe(3);

      expect(await ed.edits.clear()).toBe(3);
      expect(await ed.edits.count()).toBe(0);
      // Cleared rows still exist, pointing at nobody.
      expect(await Post.query.filter({ title__startswith: 'ed-', editor__isnull: true }).count()).toBe(4);
    });
  });

  describe('one-to-one reverse accessor', () => {
    it('resolves to the one instance or null', async () => {
      const profile = await Profile.query.create({ bio: 'o2o bio' });
      const lonely = await Profile.query.create({ bio: 'o2o nobody' });
      const user = await User.query.create({ name: 'o2o-user', profile });
      const owner = await profile.user;
      expect(owner).toBeInstanceOf(User);
      expect(owner!.pk).toBe(user.pk);
      expect(owner!.name).toBe('o2o-user');
      expect(await lonely.user).toBeNull();
      // From a freshly fetched profile too.
      const fetched = await Profile.query.get({ pk: profile.pk });
      expect((await fetched.user)!.pk).toBe(user.pk);
      // Forward side: the user's profile.
      const again = await User.query.get({ pk: user.pk });
      expect(again.profile!.pk).toBe(profile.pk);
    });
  });

  describe('many-to-many manager', () => {
    it('add (twice is a no-op), remove, clear, all, filter, create, count', async () => {
      const author = await User.query.create({ name: 'm2m-author' });
      const post = await Post.query.create({ title: 'm2m-post', author });
      const other = await Post.query.create({ title: 'm2m-other', author });
      const [red, green, blue] = await Promise.all(['m2m-red', 'm2m-green', 'm2m-blue'].map((name) => Tag.query.create({ name })));
      const names = (tags: readonly TagT[]) => tags.map((t) => t.name).sort();
      const Through = registry.getModel('PostTagsThrough');

      expect(post.tags).toBeInstanceOf(Manager);
      expect(await post.tags.count()).toBe(0);
      await post.tags.add(red);
      await post.tags.add(red);
      expect(await post.tags.count()).toBe(1);
      expect(await Through.query.filter({ post: post.pk }).count()).toBe(1);

      await post.tags.add(red, green, blue);
      expect(names(await post.tags.all())).toEqual(['m2m-blue', 'm2m-green', 'm2m-red']);
      expect(await post.tags.count()).toBe(3);
      expect(names(await post.tags.filter({ name__in: ['m2m-red', 'm2m-blue'] }))).toEqual(['m2m-blue', 'm2m-red']);
      await other.tags.add(green);
      expect(names(await other.tags.all())).toEqual(['m2m-green']);

      await post.tags.remove(red);
      expect(names(await post.tags.all())).toEqual(['m2m-blue', 'm2m-green']);
      expect(await Tag.query.filter({ pk: red.pk }).exists()).toBe(true);

      const made = await post.tags.create({ name: 'm2m-made' });
      expect(made).toBeInstanceOf(Tag);
      expect(typeof made.pk).toBe('number');
      expect(names(await post.tags.all())).toEqual(['m2m-blue', 'm2m-green', 'm2m-made']);

      // Reverse side.
      expect(green.posts_set).toBeInstanceOf(Manager);
      expect(titles(await green.posts_set.all())).toEqual(['m2m-other', 'm2m-post']);
      expect(await green.posts_set.count()).toBe(2);
      expect(titles(await green.posts_set.filter({ title: 'm2m-other' }))).toEqual(['m2m-other']);
      expect(await red.posts_set.count()).toBe(0);
      await red.posts_set.add(other);
      expect(names(await other.tags.all())).toEqual(['m2m-green', 'm2m-red']);
      const viaReverse = await red.posts_set.create({ title: 'm2m-reverse-made', author });
      expect(names(await viaReverse.tags.all())).toEqual(['m2m-red']);

      await post.tags.clear();
      expect(await post.tags.count()).toBe(0);
      expect(names(await other.tags.all())).toEqual(['m2m-green', 'm2m-red']);
      expect(await Tag.query.filter({ name__startswith: 'm2m-' }).count()).toBe(4);
    });

    it('links by key, and refuses the wrong model or unsaved instances before writing', async () => {
      const author = await User.query.create({ name: 'm2m-keys' });
      const post = await Post.query.create({ title: 'm2m-keys-post', author });
      const tag = await Tag.query.create({ name: 'm2m-by-key' });
      const Through = registry.getModel('PostTagsThrough');
      const links = () => Through.query.filter({ post: post.pk }).count();

      await post.tags.add(tag.pk);
      expect((await post.tags.all()).map((t) => t.name)).toEqual(['m2m-by-key']);
      await expect(post.tags.add(author as never)).rejects.toThrow(/Post\.tags\.add\(\) takes Tag instances or keys, got a User/);
      await expect(post.tags.add(new Tag({ name: 'unsaved' }))).rejects.toThrow(/save the Tag first/);
      await expect(new Post({ title: 'unsaved', author }).tags.add(tag)).rejects.toThrow(/save the instance first/);
      expect(await links()).toBe(1);
      await post.tags.remove(tag.pk);
      expect(await links()).toBe(0);
    });
  });

  describe('selectRelated', () => {
    it("loads 'author' in the same query", async () => {
      const author = await User.query.create({ name: 'sr-author' });
      await Post.query.create({ title: 'sr-1', author });
      await Post.query.create({ title: 'sr-2', author });
      const [posts, n] = await countQueries(async () => {
        const rows = await Post.query.filter({ title__startswith: 'sr-' }).selectRelated('author').orderBy('title');
        return rows.map((p) => [p.title, p.author.name, p.author.pk]);
      });
      expect(n).toBe(1);
      expect(posts).toEqual([
        ['sr-1', 'sr-author', author.pk],
        ['sr-2', 'sr-author', author.pk],
      ]);
    });

    it("loads nested 'author__profile' in the same query (null when missing)", async () => {
      const profile = await Profile.query.create({ bio: 'nested bio' });
      const withProfile = await User.query.create({ name: 'srn-with', profile });
      const without = await User.query.create({ name: 'srn-without' });
      await Post.query.create({ title: 'srn-1', author: withProfile });
      await Post.query.create({ title: 'srn-2', author: without });
      const [rows, n] = await countQueries(async () => {
        const posts = await Post.query.filter({ title__startswith: 'srn-' }).selectRelated('author__profile').orderBy('title');
        return posts.map((p) => ({ title: p.title, author: p.author.name, profile: p.author.profile ? p.author.profile.bio : null }));
      });
      expect(n).toBe(1);
      expect(rows).toEqual([
        { title: 'srn-1', author: 'srn-with', profile: 'nested bio' },
        { title: 'srn-2', author: 'srn-without', profile: null },
      ]);
    });

    it('refuses a reverse relation with QueryError', async () => {
      // @ts-expect-error selectRelated takes forward relations only, at compile time too (typed keys)
      await expect((async () => User.query.selectRelated('posts_set').fetch())()).rejects.toThrow(QueryError);
      // @ts-expect-error selectRelated takes forward relations only, at compile time too (typed keys)
      await expect((async () => Post.query.selectRelated('tags').fetch())()).rejects.toThrow(QueryError);
    });
  });

  it('refuses a bad prefetchRelated path before any SQL', async () => {
    const [error, n] = await countQueries(() =>
      User.query
        // @ts-expect-error not a relation, at compile time too (typed keys)
        .prefetchRelated('posts_set__nope')
        .fetch()
        .catch((e: unknown) => e),
    );
    expect(error).toBeInstanceOf(QueryError);
    expect(String(error)).toMatch(/"nope" is not a relation of Post/);
    expect(n).toBe(0);
  });

  describe('prefetchRelated', () => {
    const PARENTS = 100;
    let users: UserT[] = [];
    let tags: TagT[] = [];

    beforeAll(async () => {
      users = await User.query.bulkCreate(Array.from({ length: PARENTS }, (_, i) => ({ name: `pf-${String(i).padStart(3, '0')}` })));
      tags = await Tag.query.bulkCreate(['pf-t0', 'pf-t1', 'pf-t2', 'pf-t3'].map((name) => ({ name })));
      // User i gets i % 3 posts; post j of user i gets tags (i + j) % 4 and, for even i, also tag 3.
      const posts: PostT[] = await Post.query.bulkCreate(
        users.flatMap((user, i) => Array.from({ length: i % 3 }, (_, j) => ({ title: `pf-${i}-${j}`, author: user }))),
      );
      const Through = registry.getModel('PostTagsThrough');
      const links: Record<string, unknown>[] = [];
      for (const post of posts) {
        const [, i, j] = post.title.split('-').map(Number);
        const wanted = new Set([tags[(i + j) % 4], ...(i % 2 === 0 ? [tags[3]] : [])]);
        for (const tag of wanted) links.push({ post: post.pk, tag: tag.pk });
      }
      await Through.query.bulkCreate(links);
    });

    const parents = () => User.query.filter({ name__startswith: 'pf-' }).orderBy('name');

    async function directPosts(user: UserT): Promise<number[]> {
      return sortedPks(await Post.query.filter({ author: user }));
    }

    it('loads the reverse foreign key of 100 parents with one query for the level', async () => {
      const [loaded, n] = await countQueries(async () => {
        const rows = await parents().prefetchRelated('posts_set');
        // Reading the prefetched relation sends nothing.
        const children = await Promise.all(rows.map((u) => u.posts_set.all()));
        const counts = await Promise.all(rows.map((u) => u.posts_set.count()));
        return { rows, children, counts };
      });
      expect(n).toBe(2);
      expect(loaded.rows).toHaveLength(PARENTS);
      let total = 0;
      for (let i = 0; i < loaded.rows.length; i++) {
        const user = loaded.rows[i];
        expect(sortedPks(loaded.children[i])).toEqual(await directPosts(user));
        expect(loaded.counts[i]).toBe(loaded.children[i].length);
        for (const post of loaded.children[i]) expect(post).toBeInstanceOf(Post);
        total += loaded.children[i].length;
      }
      expect(total).toBe(users.reduce((sum, _u, i) => sum + (i % 3), 0));
    });

    it('loads a many-to-many for every parent with one query', async () => {
      const [loaded, n] = await countQueries(async () => {
        const posts = await Post.query.filter({ title__startswith: 'pf-' }).prefetchRelated('tags');
        return { posts, tags: await Promise.all(posts.map((p) => p.tags.all())) };
      });
      expect(n).toBe(2);
      expect(loaded.posts.length).toBeGreaterThan(50);
      for (let i = 0; i < loaded.posts.length; i++) {
        expect(sortedPks(loaded.tags[i])).toEqual(sortedPks(await Tag.query.filter({ posts_set: loaded.posts[i] })));
        expect(loaded.tags[i].length).toBeGreaterThan(0);
      }
    });

    it('loads the reverse side of a many-to-many with one query', async () => {
      const [loaded, n] = await countQueries(async () => {
        const rows = await Tag.query.filter({ name__startswith: 'pf-' }).orderBy('name').prefetchRelated('posts_set');
        return { rows, posts: await Promise.all(rows.map((t) => t.posts_set.all())) };
      });
      expect(n).toBe(2);
      expect(loaded.rows).toHaveLength(4);
      for (let i = 0; i < loaded.rows.length; i++) {
        expect(sortedPks(loaded.posts[i])).toEqual(sortedPks(await Post.query.filter({ tags: loaded.rows[i] })));
        expect(loaded.posts[i].length).toBeGreaterThan(0);
      }
    });

    it("loads nested 'posts_set__tags' with one query per level", async () => {
      const [loaded, n] = await countQueries(async () => {
        const rows = await parents().prefetchRelated('posts_set__tags');
        const children = await Promise.all(rows.map((u) => u.posts_set.all()));
        const grandchildren = await Promise.all(children.map((posts) => Promise.all(posts.map((p) => p.tags.all()))));
        return { rows, children, grandchildren };
      });
      expect(n).toBe(3);
      expect(loaded.rows).toHaveLength(PARENTS);
      let checked = 0;
      for (let i = 0; i < loaded.rows.length; i++) {
        expect(sortedPks(loaded.children[i])).toEqual(await directPosts(loaded.rows[i]));
        for (let j = 0; j < loaded.children[i].length; j++) {
          const post = loaded.children[i][j];
          expect(sortedPks(loaded.grandchildren[i][j])).toEqual(sortedPks(await Tag.query.filter({ posts_set: post })));
          checked++;
        }
      }
      expect(checked).toBe(users.reduce((sum, _u, i) => sum + (i % 3), 0));
    });

    it('shares a level between paths: posts_set and posts_set__tags cost one query each', async () => {
      const [, n] = await countQueries(() => parents().prefetchRelated('posts_set', 'posts_set__tags').fetch());
      expect(n).toBe(3);
    });

    it('a write through the reverse manager makes the next read hit the database', async () => {
      const [user] = await parents().filter({ name: 'pf-001' }).prefetchRelated('posts_set');
      const [before, quiet] = await countQueries(() => user.posts_set.all().fetch());
      expect(quiet).toBe(0);
      expect(before).toHaveLength(1);

      const created = await user.posts_set.create({ title: 'pf-late' });
      const [after, loud] = await countQueries(() => user.posts_set.all().fetch());
      expect(loud).toBe(1);
      expect(sortedPks(after)).toEqual(sortedPks([...before, created]));

      // add() also invalidates.
      const [again] = await parents().filter({ name: 'pf-001' }).prefetchRelated('posts_set');
      const stray = await Post.query.create({ title: 'pf-stray', author: users[0] });
      await again.posts_set.add(stray);
      const [afterAdd, hits] = await countQueries(() => again.posts_set.all().fetch());
      expect(hits).toBe(1);
      expect(sortedPks(afterAdd)).toEqual(sortedPks([...after, stray]));

      await Post.query.filter({ title__in: ['pf-late', 'pf-stray'] }).delete();
    });

    it('a write through the many-to-many manager makes the next read hit the database', async () => {
      const [post] = await Post.query.filter({ title: 'pf-1-0' }).prefetchRelated('tags');
      const [before, quiet] = await countQueries(() => post.tags.all().fetch());
      expect(quiet).toBe(0);
      const missing = tags.find((t) => !before.some((b) => b.pk === t.pk))!;
      await post.tags.add(missing);
      const [after, loud] = await countQueries(() => post.tags.all().fetch());
      expect(loud).toBe(1);
      expect(sortedPks(after)).toEqual(sortedPks([...before, missing]));
      await post.tags.remove(missing);

      const [fresh] = await Post.query.filter({ title: 'pf-1-0' }).prefetchRelated('tags');
      const made = await fresh.tags.create({ name: 'pf-made' });
      const [withMade, hits] = await countQueries(() => fresh.tags.all().fetch());
      expect(hits).toBe(1);
      expect(sortedPks(withMade)).toEqual(sortedPks([...before, made]));
      await made.delete();
    });
  });
});
