import { BaseModel, ContentType, Database, Field, ForeignKey, Manager, ManyRelation, ManyToMany, Model, Registry } from '../../lib';
import type { Relation } from '../../lib';
import { describeOnSqliteAndPostgres, uniqueName } from '../support/servers';

function declare(registry: Registry, prefix: string) {
  @Model({ registry, tablePrefix: prefix })
  class Article extends BaseModel {
    declare static query: Manager<Article>;
    declare content_type: ContentType;
    @Field() title!: string;
    @ManyToMany('Label') labels!: ManyRelation<Label>;
  }
  @Model({ registry, tablePrefix: prefix })
  class Label extends BaseModel {
    @Field() name!: string;
  }
  return { Article, Label };
}

const ctTable = (prefix: string) => `${prefix}_contenttypes`;

describeOnSqliteAndPostgres('content types', (url) => {
  const prefix = uniqueName('ct');

  // A custom content type model: an extra field, and its own table per run on the shared server.
  class PrefixedContentType extends ContentType {
    note?: string | null;
  }
  Field({ type: 'string', nullable: true })(PrefixedContentType.prototype, 'note');
  Model({ abstract: true, tablename: ctTable(prefix) })(PrefixedContentType);

  const registry = new Registry(url, { withContentType: PrefixedContentType as never });
  const { Article } = declare(registry, prefix);

  beforeAll(() => registry.createAll());
  afterAll(async () => {
    await registry.dropAll();
    await registry.disconnect();
  });

  it('registers the ContentType model and gives concrete models a content_type key', () => {
    const CT = registry.contentType!;
    expect(registry.getModel('ContentType')).toBe(CT);
    expect(CT.meta.tablename).toBe(ctTable(prefix));
    expect([...CT.meta.fields.values()].map((f) => f.column)).toEqual(['id', 'name', 'schemaName', 'collisionKey', 'note']);
    expect(CT.prototype).toBeInstanceOf(PrefixedContentType);
    expect(CT.meta.fields.get('collisionKey')).toMatchObject({ unique: true, nullable: true });
    const fk = Article.meta.fields.get('content_type')!;
    expect(fk).toMatchObject({ column: 'content_type_id', nullable: true, unique: true, relation: { target: CT, onDelete: 'CASCADE' } });
    expect(CT.meta.reverse.has('reverse_article')).toBe(true);
    expect(CT.meta.fields.has('content_type')).toBe(false);
    expect(registry.getModel('ArticleLabelsThrough').meta.fields.has('content_type')).toBe(false);
  });

  it('creates each instance its content type lazily; getInstance() finds the instance', async () => {
    const CT = registry.contentType!;
    const before = await CT.query.count();
    const [a, b] = await Article.query.bulkCreate([{ title: 'one' }, { title: 'two' }]);
    const single = await Article.query.create({ title: 'three' });
    expect(await CT.query.count()).toBe(before + 3);
    const ct = await CT.query.get({ pk: (single as unknown as { content_type_id: number }).content_type_id });
    expect((ct as ContentType).name).toBe('Article');
    const found = await (ct as ContentType).getInstance();
    expect(found).toBeInstanceOf(Article);
    expect((found as InstanceType<typeof Article>).title).toBe('three');
    expect(a.content_type.pk).not.toBe(b.content_type.pk);
  });

  it('deleting a content type row deletes its instance', async () => {
    const doomed = await Article.query.create({ title: 'doomed' });
    await registry.contentType!.query.filter({ pk: doomed.content_type.pk }).delete();
    expect(await Article.query.filter({ title: 'doomed' }).count()).toBe(0);
  });

  it('a copied registry carries its own content type model', async () => {
    const copy = registry.copy();
    expect(copy.contentType).toBeDefined();
    expect(copy.contentType).not.toBe(registry.contentType);
    expect(copy.getModel('ContentType')).toBe(copy.contentType);
    const CArticle = copy.getModel('Article');
    expect(CArticle.meta.fields.get('content_type')!.relation!.target).toBe(copy.contentType);
    expect(Object.keys(copy.models).filter((n) => n === 'ContentType')).toHaveLength(1);
    const made = await CArticle.query.create({ title: 'from the copy' });
    const ct = await copy.contentType!.query.get({ pk: (made as unknown as { content_type_id: number }).content_type_id });
    expect((ct as ContentType).name).toBe('Article');
  });
});

describe('a content type model shared by two registries on two databases', () => {
  const main = new Registry('sqlite::memory:', { withContentType: true });
  const other = new Registry(new Database('sqlite::memory:'), { withContentType: main.contentType });

  @Model({ registry: main })
  class Page extends BaseModel {
    @Field() path!: string;
  }
  @Model({ registry: other })
  class Remote extends BaseModel {
    @Field() label!: string;
  }

  beforeAll(async () => {
    await main.createAll();
    await other.createAll();
  });
  afterAll(async () => {
    await main.disconnect();
    await other.disconnect();
  });

  it('keeps the rows on the owning database and cascades deletion across databases', async () => {
    expect(other.contentType).toBe(main.contentType);
    expect(other.metadata.tables.has('contenttypes')).toBe(false);
    // No constraint can span the two databases.
    expect(other.metadata.tables.get('remotes')!.foreignKeys).toEqual([]);
    const page = await Page.query.create({ path: '/' });
    const remote = await Remote.query.create({ label: 'far away' });
    const CT = main.contentType!;
    expect(await CT.query.orderBy('id').valuesList('name', { flat: true })).toEqual(['Page', 'Remote']);
    const ct = (await CT.query.get({ name: 'Remote' })) as ContentType;
    expect(((await ct.getInstance()) as InstanceType<typeof Remote>).label).toBe('far away');
    await ct.delete();
    expect(await Remote.query.count()).toBe(0);
    expect(await Page.query.count()).toBe(1);
    expect(page.pk).toBeDefined();
    expect(remote.pk).toBeDefined();
  });
});

describe('a generic relation through content types', () => {
  const registry = new Registry('sqlite::memory:', { withContentType: true });

  @Model({ registry })
  class Post extends BaseModel {
    declare content_type: ContentType;
    @Field() title!: string;
  }
  @Model({ registry })
  class Note extends BaseModel {
    @Field() text!: string;
    @ForeignKey('ContentType', { onDelete: 'CASCADE' }) target!: Relation<ContentType>;
  }

  afterAll(() => registry.disconnect());

  it('points at any instance and finds it again', async () => {
    await registry.createAll();
    const post = await Post.query.create({ title: 'Hello' });
    await Note.query.create({ text: 'Nice', target: post.content_type });
    const [note] = await Note.query.all();
    await note.target.load();
    const found = await note.target.getInstance();
    expect(found).toBeInstanceOf(Post);
    expect((found as Post).title).toBe('Hello');
    // Notes point at content types too: each note has its own, distinct from the post's.
    expect((note as unknown as { content_type_id: number }).content_type_id).not.toBe(post.content_type.pk);
  });
});
