import {
  BaseModel,
  Database,
  DatabaseError,
  Field,
  ForeignKey,
  KeelsonError,
  LookupError,
  ManyRelation,
  ManyToMany,
  Model,
  NotSupportedError,
  QueryError,
  Registry,
  Relation,
  Schema,
} from '../../lib';
import { describeWithServer, MYSQL_URL, PG_URL, uniqueName } from '../support/servers';
import { rejection } from '../support/rejection';

/** A small library on `registry`: a foreign key and a generated many-to-many through table. */
function declareLibrary(registry: Registry) {
  @Model({ registry })
  class Author extends BaseModel {
    @Field({ maxLength: 80 }) name!: string;
  }
  @Model({ registry })
  class Genre extends BaseModel {
    @Field({ maxLength: 40 }) label!: string;
  }
  @Model({ registry })
  class Book extends BaseModel {
    @Field({ maxLength: 120 }) title!: string;
    @ForeignKey(() => Author, { relatedName: 'books', onDelete: 'CASCADE' }) author!: Relation<Author>;
    @ManyToMany(() => Genre) genres!: ManyRelation<Genre>;
  }
  return { Author, Genre, Book };
}

/** Runs `fn`, expecting a rejection; returns the error. */

const SERVERS = [
  { label: 'PostgreSQL', url: PG_URL, dialect: 'postgres' as const },
  { label: 'MariaDB', url: MYSQL_URL, dialect: 'mysql' as const },
];

for (const { label, url, dialect } of SERVERS) {
  describeWithServer(`registry.schema on ${label}`, url, () => {
    let registry: Registry;
    let models: ReturnType<typeof declareLibrary>;
    const created = new Set<string>();

    /** A unique schema name, dropped after the suite whatever happens. */
    const schemaName = (prefix: string) => {
      const name = uniqueName(prefix);
      created.add(name);
      return name;
    };

    const tablesIn = async (schema: string) => registry.database.driver.listTables(await registry.database.runner(), schema);

    beforeAll(async () => {
      registry = new Registry(url, { extra: { other: url } });
      models = declareLibrary(registry);
      await registry.connect();
    });

    afterAll(async () => {
      for (const name of created) await registry.schema.dropSchema(name, { cascade: true, ifExists: true });
      await registry.disconnect();
    });

    it('is a Schema made once, on first access', () => {
      expect(registry.schema).toBeInstanceOf(Schema);
      expect(registry.schema).toBe(registry.schema);
      expect(registry.schema.registry).toBe(registry);
    });

    it('creates, lists and drops a schema', async () => {
      const name = schemaName('sch');
      expect(await registry.schema.getSchemas()).not.toContain(name);
      await registry.schema.createSchema(name);
      expect(await registry.schema.getSchemas()).toContain(name);
      await registry.schema.dropSchema(name);
      expect(await registry.schema.getSchemas()).not.toContain(name);
    });

    it('getSchemas leaves out system schemas and is sorted', async () => {
      const schemas = await registry.schema.getSchemas();
      expect(schemas.length).toBeGreaterThan(0);
      expect([...schemas].sort()).toEqual(schemas);
      const system = dialect === 'postgres' ? ['information_schema'] : ['information_schema', 'mysql', 'performance_schema', 'sys'];
      for (const s of system) expect(schemas).not.toContain(s);
      if (dialect === 'postgres') {
        expect(schemas.filter((s) => s.startsWith('pg_'))).toEqual([]);
        expect(schemas).toContain('public');
      } else {
        expect(schemas).toContain(new URL(url).pathname.slice(1));
      }
    });

    it('getDefaultSchema names the schema unqualified tables live in', async () => {
      const expected = dialect === 'postgres' ? 'public' : new URL(url).pathname.slice(1);
      expect(await registry.schema.getDefaultSchema()).toBe(expected);
      expect(await registry.schema.getDefaultSchema({ database: 'other' })).toBe(expected);
    });

    it('creating an existing schema fails naming it, unless ifNotExists', async () => {
      const name = schemaName('dup');
      await registry.schema.createSchema(name);
      const error = await rejection(() => registry.schema.createSchema(name));
      expect(error).toBeInstanceOf(DatabaseError);
      expect(error).toBeInstanceOf(KeelsonError);
      expect(error.message).toContain(name);
      expect((error as DatabaseError).cause).toBeDefined();
      await registry.schema.createSchema(name, { ifNotExists: true });
      expect(await registry.schema.getSchemas()).toContain(name);
    });

    it('dropping a missing schema fails naming it, unless ifExists', async () => {
      const name = uniqueName('missing');
      const error = await rejection(() => registry.schema.dropSchema(name));
      expect(error).toBeInstanceOf(DatabaseError);
      expect(error.message).toContain(name);
      await registry.schema.dropSchema(name, { ifExists: true });
      await registry.schema.dropSchema(name, { ifExists: true, cascade: true });
    });

    it('rejects a schema name that is not a plain identifier before any SQL runs', async () => {
      const before = await registry.schema.getSchemas();
      for (const bad of ['x; drop', 'a"b', 'a`b', '', '1abc', 'has space', 'x'.repeat(64)]) {
        const error = await rejection(() => registry.schema.createSchema(bad));
        expect(error).toBeInstanceOf(QueryError);
        expect(error.message).toContain(JSON.stringify(bad));
        expect(await rejection(() => registry.schema.dropSchema(bad, { ifExists: true }))).toBeInstanceOf(QueryError);
      }
      expect(await registry.schema.getSchemas()).toEqual(before);
    });

    it('an unknown alias is a LookupError', async () => {
      expect(await rejection(() => registry.schema.createSchema(uniqueName('nope'), { databases: ['nowhere'] }))).toBeInstanceOf(LookupError);
      expect(await rejection(() => registry.schema.getSchemas({ database: 'nowhere' }))).toBeInstanceOf(LookupError);
    });

    it('initModels creates every table inside the new schema, and usingSchema queries them', async () => {
      const { Author, Book, Genre } = models;
      const name = schemaName('tenant');
      await registry.schema.createSchema(name, { initModels: true });
      const tables = await tablesIn(name);
      for (const t of [Author.meta.tablename, Book.meta.tablename, Genre.meta.tablename]) expect(tables.has(t)).toBe(true);
      expect(tables.size).toBe(4); // and the generated through table
      // Nothing was created in the default schema.
      const defaults = await tablesIn(await registry.schema.getDefaultSchema());
      expect(defaults.has(Book.meta.tablename)).toBe(false);

      const ada = await Author.query.usingSchema(name).create({ name: 'Ada' });
      const book = await Book.query.usingSchema(name).create({ title: 'Notes', author: ada });
      expect(typeof book.pk).toBe('number');
      expect(await Book.query.usingSchema(name).count()).toBe(1);
      const [loaded] = await Book.query.usingSchema(name).filter({ author__name: 'Ada' });
      expect(loaded.title).toBe('Notes');
      expect((await Author.query.usingSchema(name).get({ name: 'Ada' })).pk).toBe(ada.pk);
      // The foreign key lives inside the schema: a dangling author is refused there.
      expect(await rejection(() => Book.query.usingSchema(name).create({ title: 'Orphan', author: 999999 as never }))).toBeInstanceOf(DatabaseError);
      // The default schema has no such table.
      expect(await rejection(() => Book.query.count())).toBeInstanceOf(DatabaseError);
    });

    it('keeps tenants apart: each schema has its own rows', async () => {
      const { Author } = models;
      const [a, b] = [schemaName('ta'), schemaName('tb')];
      await registry.schema.createSchema(a, { initModels: true });
      await registry.schema.createSchema(b, { initModels: true, ifNotExists: true });
      await Author.query.usingSchema(a).create({ name: 'in a' });
      await Author.query.usingSchema(a).create({ name: 'also in a' });
      await Author.query.usingSchema(b).create({ name: 'in b' });
      expect(await Author.query.usingSchema(a).count()).toBe(2);
      expect((await Author.query.usingSchema(b).all()).map((x) => x.name)).toEqual(['in b']);
      // Re-running with ifNotExists keeps the rows (tables are only created when missing).
      await registry.schema.createSchema(a, { initModels: true, ifNotExists: true });
      expect(await Author.query.usingSchema(a).count()).toBe(2);
    });

    it('dropSchema with cascade removes a schema that holds tables', async () => {
      const name = schemaName('full');
      await registry.schema.createSchema(name, { initModels: true });
      await models.Author.query.usingSchema(name).create({ name: 'gone soon' });
      if (dialect === 'postgres') {
        const error = await rejection(() => registry.schema.dropSchema(name));
        expect(error).toBeInstanceOf(DatabaseError);
        expect(error.message).toContain(name);
        expect(await registry.schema.getSchemas()).toContain(name);
      }
      await registry.schema.dropSchema(name, { cascade: true });
      expect(await registry.schema.getSchemas()).not.toContain(name);
      expect(await rejection(() => models.Author.query.usingSchema(name).count())).toBeInstanceOf(DatabaseError);
    });

    it('databases names the aliases to act on', async () => {
      const name = schemaName('multi');
      await registry.schema.createSchema(name, { databases: ['other'] });
      expect(await registry.schema.getSchemas({ database: 'other' })).toContain(name);
      // Same server behind both aliases: the default alias sees it too, and creating it there fails.
      expect(await rejection(() => registry.schema.createSchema(name, { databases: ['default'] }))).toBeInstanceOf(DatabaseError);
      await registry.schema.dropSchema(name, { databases: ['other'] });
      expect(await registry.schema.getSchemas()).not.toContain(name);
    });

    it('a failing initModels leaves no schema behind (one transaction on PostgreSQL, undone on MySQL)', async () => {
      const broken = new Registry(url);
      @Model({ registry: broken })
      class Clash extends BaseModel {
        @Field() name!: string;
      }
      const name = schemaName('rollback');
      await broken.connect();
      try {
        // Poison table creation: building the column throws.
        const md = broken.metadata;
        const tablename = Clash.meta.tablename;
        expect(md.tables.has(tablename)).toBe(true);
        const original = broken.database.driver.addColumn;
        const spy = jest.spyOn(broken.database.driver, 'addColumn').mockImplementation((t, c) => {
          if (c.name === 'name') throw new Error('boom while building the table');
          return original(t, c);
        });
        try {
          const error = await rejection(() => broken.schema.createSchema(name, { initModels: true }));
          expect(error.message).toContain('boom');
        } finally {
          spy.mockRestore();
        }
        expect(await broken.schema.getSchemas()).not.toContain(name);
      } finally {
        await broken.disconnect();
      }
    });

    if (dialect === 'postgres') {
      it('works inside a caller transaction (joins it)', async () => {
        const name = schemaName('intx');
        await expect(
          registry.database.transaction(async () => {
            await registry.schema.createSchema(name, { initModels: true });
            expect(await registry.schema.getSchemas()).toContain(name);
            throw new Error('roll back');
          }),
        ).rejects.toThrow('roll back');
        expect(await registry.schema.getSchemas()).not.toContain(name);
      });
    }
  });
}

describe('registry.schema on SQLite', () => {
  it('every method throws a clear NotSupportedError', async () => {
    const registry = new Registry('sqlite::memory:');
    declareLibrary(registry);
    try {
      for (const call of [
        () => registry.schema.createSchema('tenant'),
        () => registry.schema.createSchema('tenant', { initModels: true, ifNotExists: true }),
        () => registry.schema.dropSchema('tenant', { ifExists: true, cascade: true }),
        () => registry.schema.getDefaultSchema(),
        () => registry.schema.getSchemas(),
      ]) {
        const error = await rejection(call);
        expect(error).toBeInstanceOf(NotSupportedError);
        expect(error.message).toMatch(/SQLite has no schemas/);
      }
    } finally {
      await registry.disconnect();
    }
  });

  it('names the alias when an extra SQLite database is asked', async () => {
    const registry = new Registry(new Database('sqlite::memory:'), { extra: { files: 'sqlite::memory:' } });
    const error = await rejection(() => registry.schema.createSchema('tenant', { databases: ['files'] }));
    expect(error).toBeInstanceOf(NotSupportedError);
    expect(error.message).toContain('"files"');
    expect(error.message).toContain('"tenant"');
    await registry.disconnect();
  });
});
