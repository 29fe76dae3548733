import { BaseModel, Field, Model, Registry, type Manager } from '../../lib';
import { DIALECT_URLS, describeWithServer, PG_URL, uniqueName } from '../support/servers';

/**
 * An insert writes the columns its instances have values for and leaves the others to the database. keelson keeps
 * the column list (and a one-row INSERT's SQL) per model and set of columns: inserts of different sets, in any
 * order and on different schemas' tables, must each write exactly their own columns.
 */
function declare(registry: Registry, tablename: string) {
  @Model({ registry, tablename })
  class Note extends BaseModel {
    declare static query: Manager<Note>;
    @Field({ maxLength: 40 }) title!: string;
    @Field({ default: 7 }) weight!: number;
    @Field({ type: 'string', maxLength: 40, nullable: true }) tag!: string | null;
  }
  return Note;
}

for (const { url, label } of DIALECT_URLS) {
  describeWithServer(`inserts of different column sets on ${label}`, url, () => {
    const registry = new Registry(url);
    const Note = declare(registry, uniqueName('insert_sets'));

    beforeAll(() => registry.createAll());
    afterAll(async () => {
      await registry.dropAll();
      await registry.disconnect();
    });

    it('writes each set of columns it is given, defaults for the rest, alternating between sets', async () => {
      const made: [number, { title: string; weight: number; tag: string | null }][] = [];
      for (let i = 0; i < 3; i++) {
        const bare = await Note.query.create({ title: `bare${i}` });
        const weighted = await Note.query.create({ title: `weighted${i}`, weight: i });
        const tagged = await Note.query.create({ title: `tagged${i}`, tag: `t${i}` });
        const full = await Note.query.create({ title: `full${i}`, weight: 100 + i, tag: null });
        made.push(
          [bare.pk, { title: `bare${i}`, weight: 7, tag: null }],
          [weighted.pk, { title: `weighted${i}`, weight: i, tag: null }],
          [tagged.pk, { title: `tagged${i}`, weight: 7, tag: `t${i}` }],
          [full.pk, { title: `full${i}`, weight: 100 + i, tag: null }],
        );
      }
      expect(new Set(made.map(([pk]) => pk)).size).toBe(made.length);
      for (const [pk, expected] of made) {
        const row = await Note.query.get({ pk });
        expect({ title: row.title, weight: row.weight, tag: row.tag }).toEqual(expected);
      }
    });

    it('writes a batch whose instances give different columns, the missing ones defaulted', async () => {
      const notes = await Note.query.bulkCreate([{ title: 'b1' }, { title: 'b2', weight: 2 }, { title: 'b3', tag: 'x' }]);
      const rows = await Note.query
        .filter({ pk__in: notes.map((n) => n.pk) })
        .orderBy('pk')
        .fetch();
      expect(rows.map((r) => [r.title, r.weight, r.tag])).toEqual([
        ['b1', 7, null],
        ['b2', 2, null],
        ['b3', 7, 'x'],
      ]);
    });
  });
}

describeWithServer('one-row inserts on two schemas of PostgreSQL', PG_URL, () => {
  const registry = new Registry(PG_URL);
  const Note = declare(registry, uniqueName('insert_schemas'));
  const tenant = uniqueName('insert_tenant');

  beforeAll(async () => {
    await registry.createAll();
    await registry.schema.createSchema(tenant, { ifNotExists: true, initModels: true });
  });
  afterAll(async () => {
    await registry.schema.dropSchema(tenant, { cascade: true, ifExists: true });
    await registry.dropAll();
    await registry.disconnect();
  });

  it('writes each row to its own schema, the same columns alternating between them', async () => {
    for (let i = 0; i < 3; i++) {
      await Note.query.create({ title: `home${i}` });
      await Note.query.usingSchema(tenant).create({ title: `away${i}` });
    }
    expect((await Note.query.orderBy('title').valuesList('title', { flat: true })) as string[]).toEqual(['home0', 'home1', 'home2']);
    expect((await Note.query.usingSchema(tenant).orderBy('title').valuesList('title', { flat: true })) as string[]).toEqual(['away0', 'away1', 'away2']);
  });
});
