import { BaseModel, Database, Field, ForeignKey, Manager, ManyRelation, ManyToMany, Model, QuerySet, Registry } from '../../lib';
import type { Relation, RelatedManager } from '../../lib';
import { ManyRelation as ManyRelationClass } from '../../lib/relations/many-to-many/many-relation';

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

  it('names each copied class like its original', () => {
    for (const name of Object.keys(registry.models)) {
      const original = registry.getModel(name);
      const copied = copy.getModel(name);
      expect(copied.name).toBe(original.name);
      expect(Object.getOwnPropertyDescriptor(copied, 'name')).toEqual(Object.getOwnPropertyDescriptor(original, 'name'));
    }
  });
});

describe('Registry.copy() sharing', () => {
  it('shares what the models declared, never their field metadata, either way round', () => {
    const registry = new Registry(new Database('sqlite::memory:'));
    const { Author, Book } = declare(registry);
    const first = registry.copy();
    const CAuthor = first.getModel('Author');
    const CBook = first.getModel('Book');
    // The declaration (decorator arguments and @Model options) is shared; each registry builds its own fields.
    expect(CAuthor.meta.declaration).toBe(Author.meta.declaration);
    expect(CAuthor.meta.fields.get('name')).not.toBe(Author.meta.fields.get('name'));
    expect(CBook.meta.fields.get('author')!.relation).not.toBe(Book.meta.fields.get('author')!.relation);

    // Changing the copy's fields leaves the original's alone…
    const name = CAuthor.meta.fields.get('name')!;
    name.maxLength = 5;
    name.nullable = true;
    name.choices = ['a', 'b'];
    CBook.meta.fields.get('author')!.relation!.onDelete = 'CASCADE';
    CBook.meta.fields.get('title')!.default = 'untitled';
    expect(Author.meta.fields.get('name')).toMatchObject({ maxLength: 50, nullable: false, choices: undefined });
    expect(Book.meta.fields.get('author')!.relation!.onDelete).toBe('RESTRICT');
    expect(Book.meta.fields.get('title')!.default).toBeUndefined();

    // …and changing the original's leaves the copy's alone.
    Author.meta.fields.get('active')!.default = false;
    expect(CAuthor.meta.fields.get('active')!.default).toBe(true);

    // A later copy is built from the declarations, not from either registry's changed fields.
    const second = registry.copy();
    expect(second.getModel('Author').meta.fields.get('name')).toMatchObject({ maxLength: 50, nullable: false, choices: undefined });
    expect(second.getModel('Author').meta.fields.get('active')!.default).toBe(true);
    expect(second.getModel('Book').meta.fields.get('author')!.relation!.onDelete).toBe('RESTRICT');
  });

  it('gives copied instances working relation accessors, and keeps a relation added to a copy on that copy', () => {
    const registry = new Registry(new Database('sqlite::memory:'));
    const { Author, Book } = declare(registry);
    const first = registry.copy();
    const second = registry.copy();
    const CAuthor = first.getModel('Author');
    const CBook = first.getModel('Book');

    const book = new CBook({ author_id: 7 }) as unknown as { author: { pk: unknown }; genres: unknown; shelves: unknown };
    expect(book.author.pk).toBe(7);
    expect(book.author).toBeInstanceOf(CAuthor);
    expect(book.author).not.toBeInstanceOf(second.getModel('Author'));
    expect(book.genres).toBeInstanceOf(ManyRelationClass);
    expect(book.shelves).toBeInstanceOf(ManyRelationClass);
    expect((new CAuthor() as unknown as { books: RelatedManager<never> }).books).toBeDefined();
    expect(new Book({ author_id: 3 }).author).toBeInstanceOf(Author);

    // A model added to one copy adds a reverse accessor to that copy's Book only.
    @Model({ registry: first })
    class Review extends BaseModel {
      @ForeignKey('Book', { relatedName: 'reviews' }) book!: Relation<never>;
    }
    expect(Review.meta.fields.get('book')!.relation!.target).toBe(CBook);
    expect('reviews' in new CBook()).toBe(true);
    expect('reviews' in new Book()).toBe(false);
    expect('reviews' in new (second.getModel('Book'))()).toBe(false);
    expect(Book.meta.reverse.has('reviews')).toBe(false);
  });

  it('copies a copy: model options kept, relations bound to its own classes, the others untouched', () => {
    const registry = new Registry(new Database('sqlite::memory:'));
    declare(registry);
    @Model({ registry, tablename: 'people', comment: 'who reads', indexes: [{ fields: ['name'] }] })
    class Person extends BaseModel {
      @Field() name!: string;
      @ForeignKey(() => registry.getModel('Book'), { relatedName: 'readers', nullable: true }) reading!: Relation<never>;
    }
    const first = registry.copy();
    const second = first.copy();
    for (const r of [registry, first, second]) {
      r.initModels();
      const person = r.getModel('Person').meta;
      expect(person).toMatchObject({ tablename: 'people', comment: 'who reads' });
      expect(person.indexes).toEqual([{ fields: ['name'] }]);
      expect(person.fields.get('reading')!.relation!.target).toBe(r.getModel('Book'));
      const book = r.getModel('Book').meta;
      expect(book.fields.get('author')!.relation!.target).toBe(r.getModel('Author'));
      expect(book.manyToMany.get('shelves')!.through).toBe(r.getModel('Placement'));
      expect(book.manyToMany.get('genres')!.through).toBe(r.getModel('BookGenresThrough'));
      expect(r.getModel('Placement').meta.fields.get('book')!.relation!.target).toBe(r.getModel('Book'));
      expect([...r.getModel('Author').meta.reverse.keys()]).toEqual(['books']);
    }
    expect(Person.meta.registry).toBe(registry);
  });
});
