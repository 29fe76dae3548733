import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { BaseModel, ConfigurationError, Database, Field, IntegrityError, Manager, Model, Registry } from '../../lib';
import { parseDatabaseUrl } from '../../lib/database/url';
import { uniqueName } from '../support/servers';

/** The driver the database's Knex client drives (`sqlite3`, `better-sqlite3`). */
const clientOf = (db: Database) => (db.knex.client as { driverName: string }).driverName;

function declare(registry: Registry) {
  @Model({ registry, tablename: 'driver_notes' })
  class Note extends BaseModel {
    declare static query: Manager<Note>;
    @Field({ primaryKey: true, autoincrement: true }) id!: number;
    @Field({ unique: true }) title!: string;
    @Field({ default: false }) pinned!: boolean;
    @Field({ nullable: true }) remindAt?: Date;
  }
  return Note;
}

describe('choosing the SQLite driver', () => {
  it('reads the driver from the scheme: sqlite+better-sqlite3, better-sqlite3, or none for the default', () => {
    expect(parseDatabaseUrl('sqlite+better-sqlite3://app.db')).toMatchObject({ dialect: 'sqlite', driver: 'better-sqlite3', database: 'app.db' });
    expect(parseDatabaseUrl('sqlite+better-sqlite3::memory:')).toMatchObject({ dialect: 'sqlite', driver: 'better-sqlite3', database: ':memory:' });
    expect(parseDatabaseUrl('better-sqlite3:///var/app.db')).toMatchObject({ dialect: 'sqlite', driver: 'better-sqlite3', database: '/var/app.db' });
    expect(parseDatabaseUrl('sqlite+sqlite3://:memory:')).toMatchObject({ driver: 'sqlite3', database: ':memory:' });
    expect(parseDatabaseUrl('sqlite://app.db').driver).toBeUndefined();
    expect(parseDatabaseUrl('postgres+pg://u@h/db')).toMatchObject({ dialect: 'postgres', driver: 'pg' });
  });

  it('refuses a driver the dialect does not have, naming the ones it has', () => {
    expect(() => parseDatabaseUrl('sqlite+sqljs::memory:')).toThrow(ConfigurationError);
    expect(() => parseDatabaseUrl('sqlite+sqljs::memory:')).toThrow(/SQLite has no driver "sqljs": use sqlite3 \(the default\), better-sqlite3/);
    expect(() => parseDatabaseUrl('postgres+better-sqlite3://u@h/db')).toThrow(/PostgreSQL has no driver "better-sqlite3": use pg \(the default\)/);
    expect(() => parseDatabaseUrl('sqlite+::memory:')).toThrow(/should be sqlite or sqlite\+<driver>/);
    expect(() => parseDatabaseUrl('sqlite+a+b://x.db')).toThrow(/should be sqlite or sqlite\+<driver>/);
    expect(() => new Database('sqlite::memory:', { driver: 'pg' })).toThrow(/option driver: SQLite has no driver "pg"/);
    expect(() => new Registry('sqlite::memory:', { driver: 'mysql2' })).toThrow(ConfigurationError);
  });

  it('refuses a driver option that disagrees with the URL, or one given beside a Knex config', () => {
    expect(() => new Database('better-sqlite3::memory:', { driver: 'sqlite3' })).toThrow(
      /names the driver "better-sqlite3" and the driver option says "sqlite3"/,
    );
    expect(() => new Database({ client: 'sqlite3', connection: { filename: ':memory:' } }, { driver: 'better-sqlite3' })).toThrow(
      /names its driver as `client`/,
    );
    expect(new Database('sqlite+better-sqlite3::memory:', { driver: 'better-sqlite3' }).dialect).toBe('sqlite');
  });

  it.each([
    ['the URL scheme', () => new Registry('sqlite+better-sqlite3::memory:')],
    ['the driver option', () => new Registry('sqlite::memory:', { driver: 'better-sqlite3' })],
    ['a Knex config', () => new Registry(new Database({ client: 'better-sqlite3', connection: { filename: ':memory:' } }))],
  ])('runs on better-sqlite3 when %s says so: writes, typed reads, foreign keys, integrity errors', async (_how, make) => {
    const registry = make();
    const Note = declare(registry);
    try {
      await registry.createAll();
      expect(clientOf(registry.database)).toBe('better-sqlite3');
      const at = new Date('2026-12-02T10:00:00.000Z');
      await Note.query.create({ title: 'first', pinned: true, remindAt: at });
      await Note.query.bulkCreate([{ title: 'second' }, { title: 'third' }]);
      const first = await Note.query.get({ title: 'first' });
      expect([first.pinned, first.remindAt]).toEqual([true, at]);
      expect(await Note.query.filter({ pinned: false }).orderBy('title').valuesList('title', { flat: true })).toEqual(['second', 'third']);
      await expect(Note.query.create({ title: 'first' })).rejects.toBeInstanceOf(IntegrityError);
      expect(await registry.database.raw('pragma foreign_keys')).toEqual([{ foreign_keys: 1 }]);
      expect(await Note.query.count()).toBe(3);
    } finally {
      await registry.disconnect();
    }
  });

  it('keeps sqlite3 the default driver', async () => {
    const db = new Database('sqlite::memory:');
    await db.connect();
    try {
      expect(clientOf(db)).toBe('sqlite3');
    } finally {
      await db.disconnect();
    }
  });

  it('reads with one driver what the other wrote, in the same database file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'keelson-driver-'));
    const file = path.join(dir, 'shared.db');
    try {
      for (const [url, title] of [
        [`sqlite://${file}`, 'by sqlite3'],
        [`sqlite+better-sqlite3://${file}`, 'by better-sqlite3'],
      ]) {
        const registry = new Registry(url);
        const Note = declare(registry);
        await registry.createAll();
        await Note.query.create({ title, remindAt: new Date('2026-01-01T00:00:00Z') });
        await registry.disconnect();
      }
      const reader = new Registry(`sqlite+better-sqlite3://${file}`);
      const Note = declare(reader);
      await reader.connect();
      const notes = await Note.query.orderBy('id').all();
      expect(notes.map((n) => [n.title, n.remindAt?.toISOString()])).toEqual([
        ['by sqlite3', '2026-01-01T00:00:00.000Z'],
        ['by better-sqlite3', '2026-01-01T00:00:00.000Z'],
      ]);
      await reader.disconnect();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const scheme of ['sqlite', 'sqlite+better-sqlite3']) {
    it(`${scheme}: stays correct past the prepared statements it keeps per connection, and closes the connection with them finalized`, async () => {
      const file = path.join(tmpdir(), `${uniqueName('keelson_prepared')}.sqlite`);
      const registry = new Registry(`${scheme}://${file}`);
      const Note = declare(registry);
      try {
        await registry.createAll();
        await Note.query.bulkCreate(Array.from({ length: 300 }, (_, i) => ({ title: `n${i}` })));
        // Each statement text is prepared once per connection and kept; 260 texts are more than a connection keeps.
        for (let round = 0; round < 2; round++) {
          for (let i = 0; i < 260; i++) {
            const rows = await registry.database.runStatement(`select ${i} as n, count(*) as c from driver_notes where title = ?`, [`n${i}`], 'rows', '?');
            expect(rows).toEqual([{ n: i, c: 1 }]);
          }
        }
        expect(await Note.query.filter({ title__in: ['n1', 'n299', 'nope'] }).count()).toBe(2);
        // A statement that failed to prepare (its table did not exist yet) is not kept.
        const later = 'select count(*) as c from driver_later';
        await expect(registry.database.runStatement(later, [], 'rows')).rejects.toThrow(/no such table/);
        await registry.database.raw('create table driver_later (id integer primary key)');
        expect(await registry.database.runStatement(later, [], 'rows')).toEqual([{ c: 0 }]);
        const client = registry.database.knex.client as { acquireConnection(): Promise<{ open: boolean }>; releaseConnection(c: unknown): Promise<void> };
        const connection = await client.acquireConnection();
        await client.releaseConnection(connection);
        await registry.disconnect();
        // sqlite3 refuses to close a connection with statements still open: it must be closed now.
        expect(connection.open).toBe(false);
      } finally {
        await registry.disconnect();
        rmSync(file, { force: true });
      }
    });
  }

  it('lets an extra alias use another SQLite driver than the primary', async () => {
    const registry = new Registry('sqlite::memory:', {
      extra: { fast: 'sqlite+better-sqlite3::memory:' },
    });
    await registry.connect();
    try {
      expect(clientOf(registry.database)).toBe('sqlite3');
      expect(clientOf(registry.extra.fast)).toBe('better-sqlite3');
    } finally {
      await registry.disconnect();
    }
  });
});
