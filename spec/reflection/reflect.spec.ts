import type { Knex } from 'knex';
import {
  BaseModel,
  Database,
  Field,
  ForeignKey,
  logger,
  LookupError,
  Model,
  ModelClass,
  ModelDefinitionError,
  PrimaryKey,
  ReflectModel,
  Registry,
  Relation,
} from '../../lib';
import { describeWithServer, MYSQL_URL, PG_URL, uniqueName } from '../support/servers';
import { Chinook, DialectName, loadChinook } from './chinook';
import { rejection } from '../support/rejection';

/** Runs `fn`, expecting a rejection; returns the error. */

/** A table the tests own, made with Knex in the Chinook namespace. */
async function makeGadgets(knex: Knex, name: string, schema?: string): Promise<void> {
  const builder = schema ? knex.schema.withSchema(schema) : knex.schema;
  await builder.createTable(name, (t) => {
    t.increments('id');
    t.string('name', 40).notNullable();
    t.decimal('price', 8, 2).notNullable().defaultTo(0);
    t.boolean('active').notNullable().defaultTo(true);
    t.timestamp('made').defaultTo(knex.fn.now());
    t.text('notes');
  });
}

function reflectSuite(dialect: DialectName) {
  let chinook: Chinook;
  let n: (s: string) => string;
  let registry: Registry;
  let admin: Database;
  const gadgets = uniqueName('gadgets');
  const notes = uniqueName('notes');
  let Track: ModelClass<any>;
  let Genre: ModelClass<any>;
  let Employee: ModelClass<any>;
  let PlaylistTrack: ModelClass<any>;
  let Gadget: ModelClass<any>;
  let Note: ModelClass<any>;
  let warn: jest.SpyInstance;

  beforeAll(async () => {
    warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    chinook = await loadChinook(dialect);
    n = chinook.n;
    admin = new Database(chinook.url);
    await admin.connect();
    await makeGadgets(admin.knex!, gadgets, chinook.schema);

    registry = new Registry(chinook.url, { schema: chinook.schema });
    @Model({ registry, reflect: true, tablename: n('track') })
    class TrackModel extends ReflectModel {}
    // No `reflect: true`: extending ReflectModel is enough. One declared field, under another name.
    @Model({ registry, tablename: n('genre') })
    class GenreModel extends ReflectModel {
      @Field({ column: n('name'), maxLength: 120, nullable: true }) label?: string;
    }
    @Model({ registry, reflect: true, tablename: n('employee') })
    class EmployeeModel extends ReflectModel {
      @PrimaryKey({ column: n('employee_id') }) key!: number;
    }
    @Model({ registry, reflect: true, tablename: n('playlist_track') })
    class PlaylistTrackModel extends ReflectModel {}
    @Model({ registry, reflect: true, tablename: gadgets })
    class GadgetModel extends ReflectModel {
      @Field({ maxLength: 40 }) name!: string;
    }
    @Model({ registry, tablename: notes })
    class NoteModel extends BaseModel {
      @Field({ maxLength: 20 }) text!: string;
    }
    [Track, Genre, Employee, PlaylistTrack, Gadget, Note] = [TrackModel, GenreModel, EmployeeModel, PlaylistTrackModel, GadgetModel, NoteModel] as never[];
    await registry.connect();
  }, 60000);

  afterAll(async () => {
    warn.mockRestore();
    await registry?.dropAll().catch(() => undefined);
    await registry?.disconnect();
    await admin?.disconnect();
    await chinook?.drop();
  });

  it('keeps reflected models in registry.reflected and finds them by name', () => {
    expect(Object.keys(registry.reflected).sort()).toEqual(['EmployeeModel', 'GadgetModel', 'GenreModel', 'PlaylistTrackModel', 'TrackModel']);
    expect(Object.keys(registry.models)).toEqual(['NoteModel']);
    expect(registry.getModel('TrackModel')).toBe(Track);
    expect(() => registry.getModel('TrackModel', { includeReflected: false })).toThrow(LookupError);
    expect(registry.getTablenames()).toEqual(new Set([notes, n('track'), n('genre'), n('employee'), n('playlist_track'), gadgets]));
  });

  it('takes every column from the live table, with its key instead of the automatic id', () => {
    const meta = Track.meta;
    expect([...meta.fields.keys()]).toEqual(
      ['track_id', 'name', 'album_id', 'media_type_id', 'genre_id', 'composer', 'milliseconds', 'bytes', 'unit_price'].map(n),
    );
    expect(meta.fields.has('id')).toBe(false);
    expect(meta.pkName).toBe(n('track_id'));
    expect(meta.fields.get(n('name'))).toMatchObject({ type: 'string', maxLength: 200, nullable: false });
    expect(meta.fields.get(n('composer'))).toMatchObject({ type: 'string', nullable: true });
    expect(meta.fields.get(n('unit_price'))).toMatchObject({ type: 'decimal', precision: 10, scale: 2 });
    // Foreign-key columns stay plain fields.
    expect(meta.fields.get(n('album_id'))!.relation).toBeUndefined();
  });

  it('queries reflected Chinook tables', async () => {
    expect(await Track.query.count()).toBe(3503);
    expect(await Track.query.filter({ [n('genre_id')]: 1 }).count()).toBe(1297);
    const balls = await Track.query.get({ [n('name')]: 'Balls to the Wall' });
    expect(balls.pk).toBe(2);
    expect(balls[n('milliseconds')]).toBe(342562);
    expect(Number(balls[n('unit_price')])).toBeCloseTo(0.99);
    const first = await Track.query.orderBy(n('track_id')).first();
    expect(first![n('composer')]).toBe('Angus Young, Malcolm Young, Brian Johnson');
  });

  it('keeps declared fields and adds the rest', async () => {
    expect([...Genre.meta.fields.keys()]).toEqual([n('genre_id'), 'label']);
    expect(Genre.meta.pkName).toBe(n('genre_id'));
    const rock = await Genre.query.get({ [n('genre_id')]: 1 });
    expect(rock.label).toBe('Rock');
    expect(await Genre.query.filter({ label: 'Jazz' }).count()).toBe(1);
  });

  it('uses a declared primary key, and reads the self-referencing column as a plain field', async () => {
    expect(Employee.meta.pkName).toBe('key');
    expect(Employee.meta.fields.get('key')!.column).toBe(n('employee_id'));
    expect(Employee.meta.fields.has(n('employee_id'))).toBe(false);
    expect(await Employee.query.filter({ [n('reports_to')]: 1 }).count()).toBe(2);
    const boss = await Employee.query.get({ [n('reports_to')]: null });
    expect(boss.key).toBe(1);
    expect(boss[n('last_name')]).toBe('Adams');
  });

  it('reflects a composite key table: pk is its first column, instance writes use every key column', async () => {
    expect(PlaylistTrack.meta.pkName).toBe(n('playlist_id'));
    expect(PlaylistTrack.meta.fields.get(n('track_id'))!.primaryKey).toBe(false);
    expect(await PlaylistTrack.query.count()).toBe(8715);
    expect(await PlaylistTrack.query.filter({ [n('playlist_id')]: 1, [n('track_id')]: 3402 }).count()).toBe(1);
    const warnings = warn.mock.calls.map(([message]) => String(message)).filter((m) => m.includes('composite primary key'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('PlaylistTrackModel');
    expect(PlaylistTrack.meta.compositeKey).toEqual([n('playlist_id'), n('track_id')]);
    // Instance writes address every key column: deleting one link leaves the playlist's other tracks.
    const link = await PlaylistTrack.query.get({ [n('playlist_id')]: 1, [n('track_id')]: 3402 });
    const inPlaylist = await PlaylistTrack.query.filter({ [n('playlist_id')]: 1 }).count();
    expect(await link.delete()).toBe(1);
    expect(await PlaylistTrack.query.filter({ [n('playlist_id')]: 1 }).count()).toBe(inPlaylist - 1);
    await PlaylistTrack.query.create({ [n('playlist_id')]: 1, [n('track_id')]: 3402 });
    expect(await PlaylistTrack.query.count()).toBe(8715);
  });

  it('creates, updates and deletes rows of a reflected table', async () => {
    expect([...Gadget.meta.fields.keys()]).toEqual(['id', 'name', 'price', 'active', 'made', 'notes']);
    expect(Gadget.meta.fields.get('id')).toMatchObject({ primaryKey: true, autoincrement: true });
    const g = await Gadget.query.create({ name: 'lamp' });
    expect(typeof g.pk).toBe('number');
    const again = await Gadget.query.get({ id: g.pk });
    expect(again.name).toBe('lamp');
    expect(again.active).toBe(true);
    expect(Number(again.price)).toBe(0);
    // Knex makes decimal(8,2) a FLOAT column on SQLite, so give a number.
    await again.update({ price: 12.5, notes: 'bright' });
    expect(Number((await Gadget.query.get({ id: g.pk })).price)).toBe(12.5);
    expect(await Gadget.query.filter({ notes: 'bright' }).update({ active: false })).toBe(1);
    expect((await Gadget.query.get({ id: g.pk })).active).toBe(false);
    await Gadget.query.create({ name: 'desk', active: true });
    expect(await Gadget.query.count()).toBe(2);
    await again.delete();
    expect(await Gadget.query.filter({ name: 'desk' }).delete()).toBe(1);
    expect(await Gadget.query.count()).toBe(0);
  });

  it('never creates or drops reflected tables', async () => {
    expect(registry.metadata.tables.has(n('track'))).toBe(false);
    expect([...registry.metadata.tables.keys()]).toEqual([notes]);
    await registry.createAll();
    // On PostgreSQL, dropAll with a registry schema drops the whole schema (cascade), reflected tables included.
    if (dialect !== 'postgres') {
      await registry.dropAll();
      expect(await admin.driver.listTables(admin.knex!, chinook.schema)).not.toContain(notes);
      await registry.createAll();
    }
    expect(await Track.query.count()).toBe(3503);
    expect(await Note.query.count()).toBe(0);
  });

  it('reflects again after a reconnect', async () => {
    await registry.disconnect();
    await registry.connect();
    expect([...Genre.meta.fields.keys()]).toEqual([n('genre_id'), 'label']);
    expect(Track.meta.fields.size).toBe(9);
    expect(await Track.query.count()).toBe(3503);
  });

  it('throws ModelDefinitionError naming the table and alias when the table is missing, and disconnects', async () => {
    const reg = new Registry(chinook.url, { schema: chinook.schema });
    const missing = uniqueName('missing');
    @Model({ registry: reg, reflect: true, tablename: missing })
    class Ghost extends ReflectModel {}
    void Ghost;
    const error = await rejection(() => reg.connect());
    expect(error).toBeInstanceOf(ModelDefinitionError);
    expect(error.message).toContain(missing);
    expect(error.message).toContain('"default"');
    expect(reg.database.isConnected).toBe(false);
  });

  it('throws ModelDefinitionError naming model, field and table when a declared field has no column', async () => {
    const reg = new Registry(chinook.url, { schema: chinook.schema });
    @Model({ registry: reg, reflect: true, tablename: n('artist') })
    class Artist extends ReflectModel {
      @Field({ maxLength: 10 }) nickname!: string;
    }
    void Artist;
    const error = await rejection(() => reg.connect());
    expect(error).toBeInstanceOf(ModelDefinitionError);
    expect(error.message).toContain('Artist.nickname');
    expect(error.message).toContain(n('artist'));
    await reg.disconnect();
  });

  it('follows foreign keys declared on reflected models', async () => {
    const reg = new Registry(chinook.url, { schema: chinook.schema });
    @Model({ registry: reg, tablename: n('genre') })
    class G extends ReflectModel {}
    @Model({ registry: reg, tablename: n('track') })
    class T extends ReflectModel {
      @ForeignKey(() => G, { column: n('genre_id'), relatedName: 'tracks' }) genre!: Relation<G>;
    }
    await reg.connect();
    try {
      expect(T.meta.fields.has(n('genre_id'))).toBe(false);
      const track: any = await T.query.selectRelated('genre').get({ [n('track_id')]: 1 } as never);
      expect((await track.genre)[n('name')]).toBe('Rock');
      const rock: any = await G.query.get({ [n('genre_id')]: 1 } as never);
      expect(await rock.tracks.count()).toBe(1297);
      expect(await T.query.filter({ [`genre__${n('name')}`]: 'Jazz' } as never).count()).toBe(130);
    } finally {
      await reg.disconnect();
    }
  });

  it('reflects a table of an extra database alias', async () => {
    const reg = new Registry('sqlite::memory:', { extra: { legacy: chinook.url }, schema: chinook.schema });
    @Model({ registry: reg, database: 'legacy', tablename: n('artist') })
    class Artist extends ReflectModel {}
    await reg.connect();
    try {
      expect(Artist.meta.database).toBe('legacy');
      expect(Artist.meta.pkName).toBe(n('artist_id'));
      expect(await Artist.query.count()).toBe(275);
      expect((await Artist.query.get({ [n('artist_id')]: 1 }))[n('name')]).toBe('AC/DC');
      expect(reg.metadataByName.get('legacy')!.tables.size).toBe(0);
    } finally {
      await reg.disconnect();
    }
  });
}

describe('reflected models: Chinook on SQLite', () => reflectSuite('sqlite'));
describeWithServer('reflected models: Chinook on PostgreSQL', PG_URL, () => reflectSuite('postgres'));
describeWithServer('reflected models: Chinook on MariaDB', MYSQL_URL, () => reflectSuite('mysql'));

describeWithServer('reflected models: schemas on PostgreSQL', PG_URL, () => {
  const first = uniqueName('reflect_a');
  const second = uniqueName('reflect_b');
  const admin = new Database(PG_URL);
  beforeAll(async () => {
    await admin.connect();
    for (const schema of [first, second]) {
      await admin.knex!.raw(`create schema "${schema}"`);
      await makeGadgets(admin.knex!, 'gadgets', schema);
    }
    await admin
      .knex!.withSchema(second)
      .table('gadgets')
      .insert([{ name: 'a' }, { name: 'b' }]);
  });
  afterAll(async () => {
    for (const schema of [first, second]) await admin.knex!.raw(`drop schema if exists "${schema}" cascade`);
    await admin.disconnect();
  });

  it('reads the table in its own schema and queries another one with usingSchema', async () => {
    const registry = new Registry(PG_URL);
    @Model({ registry, reflect: true, tablename: 'gadgets', schema: first })
    class Gadget extends ReflectModel {}
    await registry.connect();
    try {
      expect([...Gadget.meta.fields.keys()]).toEqual(['id', 'name', 'price', 'active', 'made', 'notes']);
      await Gadget.query.create({ name: 'here' });
      expect(await Gadget.query.count()).toBe(1);
      expect(await Gadget.query.usingSchema(second).count()).toBe(2);
      expect(await Gadget.query.usingSchema(second).filter({ name: 'b' }).count()).toBe(1);
    } finally {
      await registry.disconnect();
    }
  });

  it('follows the registry schema', async () => {
    const registry = new Registry(PG_URL, { schema: second });
    @Model({ registry, reflect: true, tablename: 'gadgets' })
    class Gadget extends ReflectModel {}
    await registry.connect();
    try {
      expect(await Gadget.query.count()).toBe(2);
    } finally {
      await registry.disconnect();
    }
  });
});
