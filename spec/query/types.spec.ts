import { BaseModel, Field, ForeignKey, Manager, ManyRelation, ManyToMany, Model, QuerySet, Registry } from '../../lib';
import type { Relation } from '../../lib';

/*
 * Compile-time checks: ts-jest type-checks this file, so an `@ts-expect-error` that no longer finds an error
 * (the API became too loose) fails the suite, as does a typed call that stops compiling.
 */
const registry = new Registry('sqlite::memory:');

@Model({ registry })
class Writer extends BaseModel {
  declare static query: Manager<Writer>;
  @Field() name!: string;
}

@Model({ registry })
class Note extends BaseModel {
  declare static query: Manager<Note>;
  @Field() title!: string;
  @ForeignKey(() => Writer) writer!: Relation<Writer>;
  @ManyToMany(() => Writer, { relatedName: 'starred' }) stars!: ManyRelation<Writer>;
}

describe('typed API', () => {
  afterAll(() => registry.disconnect());

  it('types managers, querysets, results, relations and filter keys', async () => {
    await registry.createAll();
    const writer: Writer = await Writer.query.create({ name: 'Ann' });
    const qs: QuerySet<Note> = Note.query.filter({ title__icontains: 'X', writer__name: 'Ann', pk: 1 });
    const notes: Note[] = await Note.query.create({ title: 'x', writer }).then(() => qs);
    const one: Note | null = await Note.query.getOrNone({ title: 'x' });
    const author: Writer = (one as Note).writer;
    const starred: Writer[] = await (one as Note).stars.all();
    expect(notes.map((n) => n.title)).toEqual(['x']);
    expect(author.pk).toBe(writer.pk);
    expect(starred).toEqual([]);
    // @ts-expect-error a misspelt field is a compile error
    expect(() => Note.query.filter({ titel: 'x' })).not.toThrow();
    // @ts-expect-error values of known fields are type-checked on create
    await expect(Writer.query.create({ name: 42 })).rejects.toThrow();
    // @ts-expect-error an unknown key is a compile error on create
    await expect(Writer.query.create({ name: 'x', nmae: 'y' })).rejects.toThrow();
    // A DTO interface (no index signature) is accepted, and a relation takes a key.
    interface NewNote {
      title: string;
    }
    const dto: NewNote = { title: 'dto' };
    const byKey = await Note.query.create({ ...dto, writer: writer.pk as number });
    expect(byKey.writer.pk).toBe(writer.pk);
  });
});
