import { BaseModel, Field, ForeignKey, ManyToMany, Model, QueryError, Registry, Relation, ManyRelation } from '../../lib';
import { pathStats, relationPath, resolveKey } from '../../lib/query/path';

function declare(registry: Registry) {
  @Model({ registry })
  class Writer extends BaseModel {
    @Field() email!: string;
  }
  @Model({ registry })
  class Label extends BaseModel {
    @Field() name!: string;
  }
  @Model({ registry })
  class Note extends BaseModel {
    @Field() title!: string;
    @ForeignKey(Writer, { relatedName: 'notes' }) writer!: Relation<Writer>;
    @ManyToMany(Label) labels!: ManyRelation<Label>;
  }
  return { Writer, Label, Note };
}

/** Parses and cache hits during `run`. */
async function counted(run: () => Promise<unknown>): Promise<{ parsed: number; hits: number }> {
  const before = { ...pathStats };
  await run();
  return { parsed: pathStats.parsed - before.parsed, hits: pathStats.hits - before.hits };
}

describe('path resolver', () => {
  const registry = new Registry('sqlite::memory:');
  const { Writer, Label, Note } = declare(registry);

  beforeAll(async () => {
    await registry.createAll();
    const ada = await Writer.query.create({ email: 'ada@example.com' });
    const note = await Note.query.create({ title: 'Engines', writer: ada });
    await note.labels.add(await Label.query.create({ name: 'history' }));
  });

  afterAll(() => registry.disconnect());

  it('parses a filter key once per queryset compile, and a repeated shape not at all', async () => {
    // The key crosses a reverse foreign key (the compiler probes it, then applies it): one parse.
    const first = await counted(() => Writer.query.filter({ notes__title__icontains: 'ENG' }).count());
    expect(first.parsed).toBe(1);
    expect(first.hits).toBeGreaterThan(0);
    const again = await counted(() => Writer.query.filter({ notes__title__icontains: 'ENG' }).count());
    expect(again).toEqual({ parsed: 0, hits: first.hits + first.parsed });
    expect(await Writer.query.filter({ notes__title__icontains: 'ENG' }).count()).toBe(1);
  });

  it('caches per model and key string: the same key on another model is its own entry', () => {
    expect(resolveKey(Note.meta, 'writer__email')).toBe(resolveKey(Note.meta, 'writer__email'));
    expect(resolveKey(Note.meta, 'writer__email')).not.toBe(resolveKey(Note.meta, 'writer__email__exact'));
    const resolved = resolveKey(Writer.meta, 'notes__labels__name__in');
    expect(resolved.hops.map((h) => [h.constructor.name, h.target.name, h.many, h.crosses])).toEqual([
      ['ReverseRelation', 'Note', true, false],
      ['ManyToManyRelation', 'Label', true, false],
    ]);
    expect(resolved).toMatchObject({ lookup: 'in', column: 'name', multiValued: true, joined: true });
    expect(relationPath(Label.meta, 'notes_set__writer').map((h) => h.target.name)).toEqual(['Note', 'Writer']);
  });

  it('does not cache a key that fails, and keeps the error message', async () => {
    const before = pathStats.parsed;
    expect(() => resolveKey(Note.meta, 'nope')).toThrow(QueryError);
    expect(() => resolveKey(Note.meta, 'nope')).toThrow(/"nope" names "nope", which is not a field or relation of Note/);
    expect(pathStats.parsed - before).toBe(2);
    await expect(Note.query.filter({ writer__email__near: 'x' }).fetch()).rejects.toThrow(/unknown lookup "near"/);
  });

  it('forgets resolved paths when the registry rebuilds metadata', () => {
    const cached = resolveKey(Note.meta, 'writer__email');
    registry.refreshMetadata();
    expect(resolveKey(Note.meta, 'writer__email')).not.toBe(cached);
  });
});
