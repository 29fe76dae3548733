import { BaseModel, Field, Manager, ManyToMany, Model, Registry } from '../../../lib';
import type { ManyRelation, QueryEvent } from '../../../lib';
import { DIALECT_URLS, describeWithServer, uniqueName } from '../../support/servers';

function declare(registry: Registry, prefix: string) {
  @Model({ registry, tablename: `${prefix}_tags` })
  class Tag extends BaseModel {
    declare static query: Manager<Tag>;
    declare posts: ManyRelation<Post>;
    @Field({ maxLength: 30 }) name!: string;
  }

  @Model({ registry, tablename: `${prefix}_posts` })
  class Post extends BaseModel {
    declare static query: Manager<Post>;
    @Field({ maxLength: 30 }) title!: string;
    @ManyToMany(() => Tag, { relatedName: 'posts' }) tags!: ManyRelation<Tag>;
  }
  return { Post, Tag };
}

for (const { url, label } of DIALECT_URLS) {
  describeWithServer(`cached many-to-many prefetch on ${label}`, url, () => {
    const events: QueryEvent[] = [];
    const registry = new Registry(url, { onQuery: (e) => events.push(e) });
    const { Post, Tag } = declare(registry, uniqueName('m2m_cache'));
    /** Post title → its tag names, as prefetchRelated loaded them (sorted). */
    const tagsOf = async (titles: string[]) => {
      const posts = await Post.query.filter({ title__in: titles }).orderBy('title').prefetchRelated('tags');
      return Object.fromEntries(await Promise.all(posts.map(async (p) => [p.title, (await p.tags.all()).map((t) => t.name).sort()])));
    };

    beforeAll(async () => {
      await registry.createAll();
      const tags = await Tag.query.bulkCreate(['red', 'green', 'blue'].map((name) => ({ name })));
      const posts = await Post.query.bulkCreate(Array.from({ length: 120 }, (_, i) => ({ title: `p${String(i).padStart(3, '0')}` })));
      // Post i gets tag i % 3, and every even post blue as well.
      for (const [i, post] of posts.entries()) {
        await post.tags.add(tags[i % 3]);
        if (i % 2 === 0 && i % 3 !== 2) await post.tags.add(tags[2]);
      }
    });
    afterAll(async () => {
      await registry.dropAll();
      await registry.disconnect();
    });

    it('compiles the prefetch query once per key count and gives each call its own rows', async () => {
      expect(await tagsOf(['p000', 'p001'])).toEqual({ p000: ['blue', 'red'], p001: ['green'] });
      const size = registry.database.statements.size;
      events.length = 0;
      expect(await tagsOf(['p002', 'p004'])).toEqual({ p002: ['blue'], p004: ['blue', 'green'] });
      expect(registry.database.statements.size).toBe(size);
      // The same SQL text for both calls of the prefetch, with this call's keys bound.
      const prefetch = events.filter((e) => /join/i.test(e.sql));
      expect(prefetch).toHaveLength(1);
      expect(prefetch[0].bindings).toHaveLength(2);
      // Three keys: another statement.
      expect(await tagsOf(['p003', 'p005', 'p006'])).toEqual({ p003: ['red'], p005: ['blue'], p006: ['blue', 'red'] });
      expect(registry.database.statements.size).toBeGreaterThan(size);
    });

    it('keeps the two directions of the relation apart', async () => {
      const forward = await tagsOf(['p001', 'p002']);
      const tags = await Tag.query
        .filter({ name__in: ['green', 'red'] })
        .orderBy('name')
        .prefetchRelated('posts');
      const counts = await Promise.all(tags.map(async (t) => [t.name, (await t.posts.all()).length]));
      expect(counts).toEqual([
        ['green', 40],
        ['red', 40],
      ]);
      expect(await tagsOf(['p001', 'p002'])).toEqual(forward);
    });

    it('reads a list longer than the cached ones through Knex, with the same rows', async () => {
      const titles = Array.from({ length: 110 }, (_, i) => `p${String(i).padStart(3, '0')}`);
      const size = registry.database.statements.size;
      const all = await tagsOf(titles);
      expect(Object.keys(all)).toHaveLength(110);
      expect(all.p109).toEqual(['green']);
      expect(all.p108).toEqual(['blue', 'red']);
      // The posts' `in` list of 110 is not cached either: no new statement at all.
      expect(registry.database.statements.size).toBe(size);
    });
  });
}
