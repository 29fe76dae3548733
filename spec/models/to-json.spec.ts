import { BaseModel, Field, ForeignKey, Manager, ManyRelation, ManyToMany, Model, OneToOne, Registry, RelatedManager } from '../../lib';
import type { Relation } from '../../lib';
import { describeOnSqliteAndPostgres, uniqueName } from '../support/servers';

function declare(registry: Registry, prefix: string) {
  @Model({ registry, tablePrefix: prefix })
  class Profile extends BaseModel {
    declare static query: Manager<Profile>;
    declare writer: Promise<Writer | null>;
    @Field({ maxLength: 200 }) bio!: string;
    @Field({ maxLength: 40, secret: true }) recoveryCode!: string;
  }

  @Model({ registry, tablePrefix: prefix })
  class Writer extends BaseModel {
    declare static query: Manager<Writer>;
    declare essays_set: RelatedManager<Essay>;
    declare edited: RelatedManager<Essay>;
    @Field({ maxLength: 80 }) name!: string;
    @Field({ maxLength: 80, secret: true }) password!: string;
    @OneToOne(() => Profile, { nullable: true, onDelete: 'SET NULL' }) profile!: Relation<Profile> | null;
  }

  @Model({ registry, tablePrefix: prefix })
  class Topic extends BaseModel {
    declare static query: Manager<Topic>;
    @Field({ maxLength: 40 }) name!: string;
  }

  @Model({ registry, tablePrefix: prefix })
  class Essay extends BaseModel {
    declare static query: Manager<Essay>;
    @Field({ maxLength: 80 }) title!: string;
    @ForeignKey('Writer', { onDelete: 'CASCADE' }) author!: Relation<Writer>;
    @ForeignKey('Writer', { nullable: true, onDelete: 'SET NULL', relatedName: 'edited' }) editor!: Relation<Writer> | null;
    @ManyToMany('Topic') topics!: ManyRelation<Topic>;
  }

  return { Profile, Writer, Topic, Essay };
}

describeOnSqliteAndPostgres('toJSON() with relations', (url) => {
  const registry = new Registry(url);
  const { Profile, Writer, Topic, Essay } = declare(registry, uniqueName('json'));
  /** The JSON text an HTTP endpoint would send, parsed back. */
  const json = (value: unknown) => JSON.parse(JSON.stringify(value));
  let ids: { ada: number; bob: number; profile: number; essay: number; draft: number; sql: number; orm: number };

  beforeAll(async () => {
    await registry.createAll();
    const profile = await Profile.query.create({ bio: 'Analyst', recoveryCode: 'r3c0very' });
    const ada = await Writer.query.create({ name: 'Ada', password: 's3cret', profile });
    const bob = await Writer.query.create({ name: 'Bob', password: 'hunter2' });
    const essay = await Essay.query.create({ title: 'Engines', author: ada.pk as number, editor: bob.pk as number });
    const draft = await Essay.query.create({ title: 'Draft', author: ada.pk as number });
    const [sql, orm] = await Promise.all([Topic.query.create({ name: 'sql' }), Topic.query.create({ name: 'orm' })]);
    await essay.topics.add(sql, orm);
    ids = { ada: ada.pk, bob: bob.pk, profile: profile.pk, essay: essay.pk, draft: draft.pk, sql: sql.pk, orm: orm.pk };
  });

  afterAll(async () => {
    await registry.dropAll();
    await registry.disconnect();
  });

  it('an unloaded foreign key stays its key, under the field name, even after reading its stub', async () => {
    const essay = await Essay.query.get({ pk: ids.essay });
    expect(json(essay)).toEqual({ id: ids.essay, title: 'Engines', author: ids.ada, editor: ids.bob });
    expect(essay.author.pk).toBe(ids.ada);
    expect(json(essay).author).toBe(ids.ada);
  });

  it('selectRelated relations are nested objects (secrets left out at every level); a null one is null', async () => {
    const essay = await Essay.query.selectRelated('author__profile', 'editor').get({ pk: ids.essay });
    expect(json(essay)).toEqual({
      id: ids.essay,
      title: 'Engines',
      author: { id: ids.ada, name: 'Ada', profile: { id: ids.profile, bio: 'Analyst' } },
      editor: { id: ids.bob, name: 'Bob', profile: null },
    });
    const draft = await Essay.query.selectRelated('editor').get({ pk: ids.draft });
    expect(json(draft)).toEqual({ id: ids.draft, title: 'Draft', author: ids.ada, editor: null });
    expect(JSON.stringify(essay)).not.toMatch(/s3cret|hunter2|r3c0very/);
  });

  it('a relation loaded with load() is nested', async () => {
    const essay = await Essay.query.get({ pk: ids.draft });
    await essay.author.load();
    expect(json(essay).author).toEqual({ id: ids.ada, name: 'Ada', profile: ids.profile });
  });

  it('prefetched many-to-many and reverse relations are arrays; the child pointing back gives its key', async () => {
    const essay = await Essay.query.prefetchRelated('topics').get({ pk: ids.essay });
    expect(json(essay).topics.sort((a: { id: number }, b: { id: number }) => a.id - b.id)).toEqual(
      [
        { id: ids.sql, name: 'sql' },
        { id: ids.orm, name: 'orm' },
      ].sort((a, b) => a.id - b.id),
    );
    const draft = await Essay.query.prefetchRelated('topics').get({ pk: ids.draft });
    expect(json(draft).topics).toEqual([]);

    // Each prefetched essay's `author` is the writer itself: a cycle, cut by giving the key.
    const ada = await Writer.query.prefetchRelated('essays_set', 'edited').get({ pk: ids.ada });
    const out = json(ada);
    expect(out.password).toBeUndefined();
    expect(out.edited).toEqual([]);
    expect(out.essays_set.map((e: { title: string }) => e.title).sort()).toEqual(['Draft', 'Engines']);
    for (const e of out.essays_set) expect(e.author).toBe(ids.ada);
  });

  it('a prefetched reverse one-to-one is an object or null; nested prefetches recurse', async () => {
    const [profile] = await Profile.query.filter({ pk: ids.profile }).prefetchRelated('writer__essays_set__topics');
    const out = json(profile);
    expect(out.recoveryCode).toBeUndefined();
    expect(out.writer).toMatchObject({ id: ids.ada, name: 'Ada', profile: ids.profile });
    expect(out.writer.password).toBeUndefined();
    const engines = out.writer.essays_set.find((e: { title: string }) => e.title === 'Engines');
    expect(engines.topics.map((t: { name: string }) => t.name).sort()).toEqual(['orm', 'sql']);
    const lone = await Profile.query.create({ bio: 'Nobody', recoveryCode: 'x' });
    const [fetched] = await Profile.query.filter({ pk: lone.pk }).prefetchRelated('writer');
    expect(json(fetched)).toEqual({ id: lone.pk, bio: 'Nobody', writer: null });
  });

  it("uses a related model's own toJSON() override", async () => {
    const original = Writer.prototype.toJSON;
    Writer.prototype.toJSON = function (this: InstanceType<typeof Writer>) {
      return { name: this.name.toUpperCase() };
    };
    try {
      const essay = await Essay.query.selectRelated('author').get({ pk: ids.essay });
      expect(json(essay).author).toEqual({ name: 'ADA' });
    } finally {
      Writer.prototype.toJSON = original;
    }
  });
});
