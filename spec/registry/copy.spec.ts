import { BaseModel, Database, Field, ForeignKey, Manager, ManyRelation, ManyToMany, Model, QuerySet, Registry } from '../../lib';
import type { Relation, RelatedManager } from '../../lib';

class ActiveManager extends Manager<any> {
  override getQuerySet(): QuerySet<any> {
    return super.getQuerySet().filter({ active: true });
  }
}

function declare(registry: Registry) {
  @Model({ registry })
  class Author extends BaseModel {
    static active = new ActiveManager();
    declare books: RelatedManager<Book>;
    @Field({ maxLength: 50 }) name!: string;
    @Field({ default: true }) active!: boolean;
    shout(): string {
      return this.name.toUpperCase();
    }
  }
  @Model({ registry })
  class Book extends BaseModel {
    @Field() title!: string;
    @ForeignKey(Author, { relatedName: 'books' }) author!: Relation<Author>;
    @ManyToMany('Genre') genres!: ManyRelation<Genre>;
    @ManyToMany(() => Shelf, { through: () => Placement, relatedName: 'books' }) shelves!: ManyRelation<Shelf>;
  }
  @Model({ registry })
  class Genre extends BaseModel {
    @Field() name!: string;
  }
  @Model({ registry })
  class Shelf extends BaseModel {
    @Field() label!: string;
  }
  @Model({ registry })
  class Placement extends BaseModel {
    @ForeignKey(() => Book, { relatedName: false }) book!: Relation<Book>;
    @ForeignKey(() => Shelf, { relatedName: false }) shelf!: Relation<Shelf>;
  }
  return { Author, Book, Genre, Shelf, Placement };
}

describe('Registry.copy()', () => {
  const database = new Database('sqlite::memory:');
  const registry = new Registry(database);
  const { Author, Book } = declare(registry);
  let copy: Registry;

  beforeAll(async () => {
    copy = registry.copy();
    await registry.createAll();
  });

  afterAll(() => registry.disconnect());

  it('holds new classes of the same models over the same Database objects', () => {
    expect(copy.database).toBe(database);
    expect(Object.keys(copy.models).sort()).toEqual(Object.keys(registry.models).sort());
    for (const name of Object.keys(registry.models)) {
      expect(copy.getModel(name)).not.toBe(registry.getModel(name));
      expect(copy.getModel(name).meta.registry).toBe(copy);
      expect(copy.getModel(name).meta.tablename).toBe(registry.getModel(name).meta.tablename);
    }
  });

  it('rebinds relations to the copies, regenerates generated through models and rebinds custom ones', () => {
    const CBook = copy.getModel('Book');
    const CAuthor = copy.getModel('Author');
    expect(CBook.meta.fields.get('author')!.relation!.target).toBe(CAuthor);
    const genres = CBook.meta.manyToMany.get('genres')!;
    expect(genres.target).toBe(copy.getModel('Genre'));
    expect(genres.through).toBe(copy.getModel('BookGenresThrough'));
    expect(genres.through).not.toBe(Book.meta.manyToMany.get('genres')!.through);
    expect(genres.through!.meta.isThrough).toBe(true);
    // Exactly one generated through model per many-to-many: regenerated, not duplicated.
    expect(Object.keys(copy.models).filter((n) => n.endsWith('Through'))).toEqual(['BookGenresThrough']);
    expect(CBook.meta.manyToMany.get('shelves')!.through).toBe(copy.getModel('Placement'));
    expect(copy.getModel('Placement').meta.fields.get('book')!.relation!.target).toBe(CBook);
    expect([...CAuthor.meta.reverse.keys()]).toEqual(['books']);
  });

  it('copies managers (bound to the copy), methods and signal receivers', async () => {
    const CAuthor = copy.getModel('Author') as unknown as typeof Author;
    expect(CAuthor.active).not.toBe(Author.active);
    expect(CAuthor.active.model).toBe(CAuthor);
    const seen: string[] = [];
    Author.signals.postSave.connect(async (_s, i) => void seen.push(`original:${(i as InstanceType<typeof Author>).name}`));
    const second = registry.copy();
    const Second = second.getModel('Author') as unknown as typeof Author;
    const made = await Second.query.create({ name: 'Ada', active: false });
    expect(made).toBeInstanceOf(Second);
    expect(made.shout()).toBe('ADA');
    expect(seen).toEqual(['original:Ada']);
    expect(await Second.active.count()).toBe(0);
    // Same database: the original sees the row.
    expect(await Author.query.filter({ name: 'Ada' }).count()).toBe(1);
    await Author.query.filter({ name: 'Ada' }).delete();
  });

  it('changes to the copy never reach the original', async () => {
    const mutable = registry.copy();
    mutable.getModel('Author').meta.fields.get('name')!.maxLength = 5;
    expect(Author.meta.fields.get('name')!.maxLength).toBe(50);
    expect(mutable.deleteModel('Genre')).toBe(true);
    expect(registry.getModel('Genre')).toBeDefined();
    @Model({ registry: mutable })
    class Extra extends BaseModel {}
    expect(mutable.getModel('Extra')).toBe(Extra);
    expect(() => registry.getModel('Extra')).toThrow();
    // The copy's own validation follows its own metadata.
    await expect(mutable.getModel('Author').query.create({ name: 'far too long' })).rejects.toThrow(/at most 5/);
    const ok = await Author.query.create({ name: 'far too long' });
    await ok.delete();
  });
});
