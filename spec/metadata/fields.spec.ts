import { BaseModel, Field, ForeignKey, Model, PrimaryKey, Registry } from '../../lib';
import type { Relation } from '../../lib';
import { addField, foreignKeyField } from '../../lib/metadata/builder';

/** A model class named `name` with `fields` string fields (`f0`, `f1`…), not yet registered. */
function wideModel(name: string, fields: number): typeof BaseModel {
  const C = { [name]: class extends BaseModel {} }[name];
  for (let i = 0; i < fields; i++) Field({ type: 'string' })(C.prototype, `f${i}`);
  return C;
}

describe('model fields', () => {
  it('refuses a column used by another field', () => {
    const registry = new Registry('sqlite::memory:');
    expect(() => {
      @Model({ registry })
      class Clash extends BaseModel {
        @Field() title!: string;
        @Field({ column: 'title' }) heading!: string;
      }
      return Clash;
    }).toThrow('Clash.heading: column "title" is already used by Clash.title. Pass a different { column }.');
  });

  it("refuses a field named like a foreign key's attname, either way round", () => {
    const registry = new Registry('sqlite::memory:');
    @Model({ registry })
    class Author extends BaseModel {
      @Field() name!: string;
    }
    expect(() => {
      @Model({ registry })
      class Post extends BaseModel {
        @ForeignKey(Author) author!: Relation<Author>;
        @Field({ type: 'integer', column: 'writer' }) author_id!: number;
      }
      return Post;
    }).toThrow('Post.author_id clashes with Post.author (a foreign key keeps its value in "<name>_id"). Rename one of them.');
    expect(() => {
      @Model({ registry })
      class Note extends BaseModel {
        @Field({ type: 'integer', column: 'writer' }) author_id!: number;
        @ForeignKey(Author) author!: Relation<Author>;
      }
      return Note;
    }).toThrow('Note.author clashes with Note.author_id');
  });

  it('refuses a field named id that is not the primary key', () => {
    const registry = new Registry('sqlite::memory:');
    expect(() => {
      @Model({ registry })
      class Odd extends BaseModel {
        @Field() id!: string;
      }
      return Odd;
    }).toThrow('Odd.id: a field named "id" must be the primary key.');
  });

  it('checks clashes on models of any size', () => {
    const registry = new Registry('sqlite::memory:');
    const Wide = wideModel('Wide', 40);
    Field({ type: 'string', column: 'f3' })(Wide.prototype, 'late');
    expect(() => Model({ registry })(Wide)).toThrow('Wide.late: column "f3" is already used by Wide.f3.');
    const Fine = wideModel('Fine', 40);
    Model({ registry })(Fine);
    expect(Fine.meta.columnToField.get('f39')).toBe(Fine.meta.fields.get('f39'));
  });

  it('indexes fields by column and by attname, built when first read', () => {
    const registry = new Registry('sqlite::memory:');
    @Model({ registry })
    class Author extends BaseModel {
      @PrimaryKey({ type: 'string' }) code!: string;
      @Field({ column: 'full_name' }) name!: string;
    }
    @Model({ registry })
    class Book extends BaseModel {
      @Field() title!: string;
      @ForeignKey(Author, { column: 'writer' }) author!: Relation<Author>;
    }
    const { meta } = Book;
    const [id, title, author] = ['id', 'title', 'author'].map((name) => meta.fields.get(name)!);
    const entries = (index: Map<string, unknown>) => [...index].sort(([a], [b]) => a.localeCompare(b));
    expect(entries(meta.columnToField)).toEqual([
      ['id', id],
      ['title', title],
      ['writer', author],
    ]);
    expect(entries(meta.attnames)).toEqual([
      ['author_id', author],
      ['id', id],
      ['title', title],
    ]);
    expect(Author.meta.columnToField.get('full_name')).toBe(Author.meta.fields.get('name'));
    expect(Author.meta.attnames.get('code')).toBe(Author.meta.fields.get('code'));
    // Raw keys go through `attnames`.
    expect((new Book({ author_id: 'a1' }) as unknown as Record<string, unknown>).author_id).toBe('a1');
    // The same maps on every read; an assignment replaces one.
    expect(meta.attnames).toBe(meta.attnames);
    const replaced = new Map([['x', title]]);
    meta.attnames = replaced;
    expect(meta.attnames).toBe(replaced);
    expect(meta.columnToField.get('writer')).toBe(author);
  });

  it('keeps the automatic key first, and on the id column, next to a field declared on that column', () => {
    const registry = new Registry('sqlite::memory:');
    @Model({ registry })
    class Legacy extends BaseModel {
      @Field({ type: 'string', column: 'id' }) legacyId!: string;
    }
    const { meta } = Legacy;
    expect([...meta.fields.keys()]).toEqual(['id', 'legacyId']);
    expect(meta.pkName).toBe('id');
    expect(meta.columnToField.get('id')).toBe(meta.fields.get('id'));
    expect(meta.attnames.get('legacyId')).toBe(meta.fields.get('legacyId'));
  });

  it('adds a field (as content types do) before or after the indexes were first read', () => {
    for (const readFirst of [false, true]) {
      const registry = new Registry('sqlite::memory:');
      const Note = wideModel(`Note${String(readFirst)}`, 2);
      Model({ registry })(Note);
      const { meta } = Note;
      if (readFirst) expect(meta.attnames.has('owner_id')).toBe(false);
      addField(meta, foreignKeyField(meta.name, 'owner', 'oneToOne', { column: 'owner_ref', nullable: true }));
      const owner = meta.fields.get('owner')!;
      expect(meta.attnames.get('owner_id')).toBe(owner);
      expect(meta.columnToField.get('owner_ref')).toBe(owner);
      expect(() => addField(meta, foreignKeyField(meta.name, 'other', 'foreignKey', { column: 'f1' }))).toThrow(
        `${meta.name}.other: column "f1" is already used by ${meta.name}.f1.`,
      );
    }
  });
});
