import { BaseModel, Field, ForeignKey, ManyRelation, ManyToMany, Model, Registry, Relation } from '../../lib';
import { describeOnSqliteAndPostgres, uniqueName } from '../support/servers';

/** Declares a small blog on `registry`, string references first. */
function declareBlog(registry: Registry) {
  @Model({ registry })
  class Post extends BaseModel {
    @Field({ maxLength: 120 }) title!: string;
    @ForeignKey('Writer', { relatedName: 'posts', onDelete: 'CASCADE' }) author!: Relation<Writer>;
    @ManyToMany('Label') labels!: ManyRelation<Label>;
  }
  @Model({ registry })
  class Writer extends BaseModel {
    @Field({ unique: true }) email!: string;
  }
  @Model({ registry })
  class Label extends BaseModel {
    @Field() name!: string;
  }
  return { Post, Writer, Label };
}

async function tableNames(registry: Registry): Promise<Set<string>> {
  const db = registry.database;
  return db.driver.listTables(await db.runner(), registry.dbSchema);
}

describeOnSqliteAndPostgres('registry lifecycle', (url, label) => {
  const server = label !== 'SQLite';
  let registry: Registry;
  let models: ReturnType<typeof declareBlog>;

  beforeAll(async () => {
    // A schema of its own on PostgreSQL keeps runs apart; SQLite in memory is private already.
    registry = new Registry(url, server ? { schema: uniqueName('lifecycle') } : {});
    models = declareBlog(registry);
    await registry.connect();
  });

  afterAll(async () => {
    await registry.dropAll();
    await registry.disconnect();
  });

  it('createAll creates every table in dependency order, idempotently', async () => {
    await registry.createAll();
    await registry.createAll();
    const names = await tableNames(registry);
    for (const table of ['posts', 'writers', 'labels', 'postlabelsthrough']) expect(names.has(table)).toBe(true);
  });

  it('creates rows, reads them back, counts, and follows relations', async () => {
    const { Post, Writer, Label } = models;
    const ada = await Writer.query.create({ email: 'ada@example.com' });
    expect(typeof ada.pk).toBe('number');
    const post = await Post.query.create({ title: 'Engines', author: ada });
    const tag = await Label.query.create({ name: 'history' });
    await post.labels.add(tag);
    await post.labels.add(tag);
    expect(await Post.query.count()).toBe(1);
    const [loaded] = await Post.query.all();
    expect(loaded.toJSON()).toEqual({ id: post.pk, title: 'Engines', author: ada.pk });
    expect(loaded.author.pk).toBe(ada.pk);
    expect((await post.labels.all()).map((l: { name: string }) => l.name)).toEqual(['history']);
    expect(await post.labels.count()).toBe(1);
    const posts = await (ada as unknown as { posts: { all(): Promise<InstanceType<typeof Post>[]> } }).posts.all();
    expect(posts.map((p) => p.title)).toEqual(['Engines']);
    expect(await Post.query.filter({ author__email__icontains: 'ADA@' }).count()).toBe(1);
    // Many-to-many and reverse traversal, de-duplicated.
    const second = await Label.query.create({ name: 'hardware' });
    await post.labels.add(second);
    expect((await Post.query.filter({ labels__name__in: ['history', 'hardware'] })).map((p) => p.title)).toEqual(['Engines']);
    expect(await Post.query.filter({ labels__name__in: ['history', 'hardware'] }).count()).toBe(1);
    expect((await Writer.query.filter({ posts__labels__name: 'hardware' })).map((w) => w.email)).toEqual(['ada@example.com']);
    expect((await Label.query.filter({ posts_set__author: ada }).orderBy('name')).map((l) => l.name)).toEqual(['hardware', 'history']);
    const reverseSide = (second as unknown as { posts_set: { all(): PromiseLike<{ title: string }[]> } }).posts_set;
    expect((await reverseSide.all()).map((p) => p.title)).toEqual(['Engines']);
    await post.labels.remove(second);
    expect(await post.labels.count()).toBe(1);
  });

  it('dropAll removes the tables and can run twice', async () => {
    await registry.dropAll();
    await registry.dropAll();
    if (!server) expect((await tableNames(registry)).size).toBe(0);
    await registry.createAll();
    expect(await models.Writer.query.count()).toBe(0);
  });

  it('connect and disconnect are idempotent and work with await using', async () => {
    await registry.connect();
    expect(registry.database.isConnected).toBe(true);
    const other = new Registry(url);
    {
      await using connected = await other.connect();
      expect(connected.database.isConnected).toBe(true);
    }
    expect(other.database.isConnected).toBe(false);
    await other.disconnect();
  });
});
