import type { IntrospectedColumn, IntrospectedForeignKey, IntrospectedTable } from '../../lib/dialects/introspection';
import { Registry } from '../../lib';
import { generateModels, plural } from '../../lib/cli/codegen';
import { inspectTables } from '../../lib/cli/inspectdb';
import { hasChanges, planMigration } from '../../lib/migrations/make';
import { describe as describeOperation } from '../../lib/migrations/operations';
import { loadGenerated, typeErrors } from '../support/generated-models';
import { describeWithServer, MYSQL_URL, PG_URL, uniqueName } from '../support/servers';

/** A hand-made introspected column: a non-null, non-key integer unless told otherwise. */
function col(name: string, extra: Partial<IntrospectedColumn> = {}): IntrospectedColumn {
  return { name, type: 'integer', dbType: 'integer', nullable: false, primaryKey: false, autoincrement: false, unique: false, ...extra };
}
const pk = () => col('id', { primaryKey: true, autoincrement: true });
const fk = (column: string, table: string): IntrospectedForeignKey => ({ column, table, references: 'id' });
const table = (name: string, columns: IntrospectedColumn[], foreignKeys: IntrospectedForeignKey[] = []): IntrospectedTable => ({
  name,
  columns,
  foreignKeys,
  uniqueTogether: [],
  indexes: [],
});

/** The changes the schema diff still sees (what `makemigrations --check` prints), empty when there are none. */
async function pendingChanges(registry: Registry): Promise<string[]> {
  const plan = await planMigration(registry, 'default');
  return hasChanges(plan) ? plan.operations.filter((p) => !p.skipped).map((p) => describeOperation(p.op)) : [];
}

describe('inspectdb names and types', () => {
  it('makes plural reverse names without doubling an s, and avoids clashes', () => {
    expect(['post', 'posts', 'tag', 'tags', 'address', 'status', 'box', 'category', 'day', 'playlistTrack'].map(plural)).toEqual([
      'posts',
      'posts',
      'tags',
      'tags',
      'addresses',
      'statuses',
      'boxes',
      'categories',
      'days',
      'playlistTracks',
    ]);
    const source = generateModels([
      table('users', [pk(), col('posts')]),
      table('posts', [pk(), col('user_id'), col('parent_id', { nullable: true }), col('views')], [fk('user_id', 'users'), fk('parent_id', 'posts')]),
      table('tags', [pk(), col('post_id')], [fk('post_id', 'posts')]),
      table('address', [pk(), col('user_id'), col('other_id'), col('street')], [fk('user_id', 'users'), fk('other_id', 'users')]),
    ]);
    expect(source).not.toMatch(/relatedName: "\w*ss(_by_\w+)?"/);
    // `posts` is a column of users: the reverse accessor takes the next free name. No live index leads the
    // keys here, so each says `index: false` (keelson would otherwise add one).
    expect(source).toContain('@ForeignKey("Users", { column: "user_id", relatedName: "posts2", index: false }) user!: Relation<Users>;');
    expect(source).toContain(
      '@ForeignKey("Posts", { column: "parent_id", relatedName: "posts", nullable: true, index: false }) parent!: Relation<Posts> | null;',
    );
    expect(source).toContain('@ForeignKey("Posts", { column: "post_id", relatedName: "tags", index: false }) post!: Relation<Posts>;');
    expect(source).toContain('relatedName: "addresses_by_user", index: false }) user!: Relation<Users>;');
    expect(source).toContain('relatedName: "addresses_by_other", index: false }) other!: Relation<Users>;');
  });

  it('types an enum column as the union of its choices, smallint as number, an array by its element', () => {
    const source = generateModels([
      table('item', [
        pk(),
        col('status', { type: 'enum', dbType: 'text', choices: ['draft', 'published'] }),
        col('level', { type: 'enum', dbType: 'text', choices: ['low', "it's"], nullable: true }),
        col('small', { type: 'smallint', dbType: 'smallint' }),
        col('tags', { type: 'array', of: 'text', dbType: 'text[]' }),
      ]),
    ]);
    expect(source).toContain('@Field({ type: "enum", choices: ["draft", "published"] }) status!: "draft" | "published";');
    expect(source).toContain(`level!: "low" | "it's" | null;`);
    expect(source).toContain('@Field({ type: "smallint" }) small!: number;');
    expect(source).toContain('@Field({ type: "array", of: "text" }) tags!: string[];');
    expect(typeErrors(source)).toEqual([]);
  });
});

/** What the round trip on every dialect checks: output compiles, diff clean, the models read and write. */
async function roundTrip(registry: Registry, options: { schema?: string; expectTables: string[] }) {
  const tables = await inspectTables(registry, 'default', { schema: options.schema });
  expect(tables.map((t) => t.name).sort()).toEqual([...options.expectTables].sort());
  const source = generateModels(tables, { dialect: registry.database.driver });
  expect(source).not.toContain('makemigrations reports');
  expect(typeErrors(source)).toEqual([]);
  const models = loadGenerated(source, registry);
  await expect(pendingChanges(registry)).resolves.toEqual([]);
  return { source, models };
}

describe('inspectdb leaves out keelson’s migration tables', () => {
  it('on SQLite, unless --tables names them', async () => {
    const registry = new Registry('sqlite::memory:');
    await registry.connect();
    try {
      const knex = registry.database.knex!;
      await knex.raw('create table keelson_migrations (id integer primary key, name varchar(255))');
      await knex.raw('create table keelson_migrations_lock (i integer primary key, is_locked integer)');
      await knex.raw('create table notes (id integer primary key, body text)');
      expect((await inspectTables(registry, 'default')).map((t) => t.name)).toEqual(['notes']);
      expect((await inspectTables(registry, 'default', { only: ['keelson_migrations'] })).map((t) => t.name)).toEqual(['keelson_migrations']);
      expect(generateModels(await inspectTables(registry, 'default'))).not.toContain('keelson_migrations');
    } finally {
      await registry.disconnect();
    }
  });
});

describeWithServer('inspectdb of PostgreSQL types keelson has no field type for', PG_URL, () => {
  const schema = uniqueName('ixt');
  const registry = new Registry(PG_URL, { schema, migrations: { tableName: 'app_migrations' } });
  beforeAll(async () => {
    await registry.connect();
    const knex = registry.database.knex!;
    await knex.raw(`create schema "${schema}"`);
    await knex.raw(`create domain "${schema}".positive_int as integer check (value > 0)`);
    await knex.raw(`create type "${schema}".mood as enum ('happy', 'sad')`);
    await knex.raw(`create table "${schema}".things (
      id serial primary key,
      small smallint not null default 1,
      nums integer[],
      tags text[] not null default '{}',
      codes varchar(20)[],
      doc tsvector,
      qty "${schema}".positive_int,
      feeling "${schema}".mood not null default 'happy',
      addr inet,
      span interval,
      wide character(8),
      title text not null,
      search tsvector generated always as (to_tsvector('english', title)) stored)`);
    // The registry's migration bookkeeping (named by its migrations option), in its schema.
    await knex.raw(`create table "${schema}".app_migrations (id serial primary key, name text)`);
    await knex.raw(`create table "${schema}".app_migrations_lock (index serial primary key, is_locked int)`);
  });
  afterAll(async () => {
    await registry.database.knex?.raw(`drop schema if exists "${schema}" cascade`);
    await registry.disconnect();
  });

  it('writes dbType, array, smallint and generated fields that compile, diff clean, and read and write', async () => {
    const { source, models } = await roundTrip(registry, { expectTables: ['things'] });
    const line = (property: string) =>
      source
        .split('\n')
        .find((l) => l.includes(` ${property}!:`))!
        .trim();
    expect(line('small')).toBe('@Field({ type: "smallint", default: 1 }) small!: number;');
    expect(line('nums')).toBe('@Field({ type: "array", of: "integer", nullable: true }) nums!: number[] | null;');
    expect(line('tags')).toBe('@Field({ type: "array", of: "text", default: "{}" }) tags!: string[];');
    expect(line('codes')).toBe('@Field({ type: "array", of: "string", maxLength: 20, nullable: true }) codes!: string[] | null;');
    expect(line('doc')).toBe('@Field({ dbType: "tsvector", nullable: true }) doc!: string | null;');
    expect(line('qty')).toBe(`@Field({ type: "integer", dbType: "${schema}.positive_int", nullable: true }) qty!: number | null;`);
    expect(line('feeling')).toBe(`@Field({ type: "enum", choices: ["happy", "sad"], dbType: "${schema}.mood", default: "happy" }) feeling!: "happy" | "sad";`);
    expect(line('addr')).toBe('@Field({ dbType: "inet", nullable: true }) addr!: string | null;');
    expect(line('span')).toBe('@Field({ dbType: "interval", nullable: true }) span!: unknown | null;');
    expect(line('wide')).toBe('@Field({ type: "string", maxLength: 8, dbType: "character(8)", nullable: true }) wide!: string | null;');
    expect(line('search')).toMatch(
      /^@Field\(\{ dbType: "tsvector", generated: "to_tsvector\('english'::regconfig, title\)", nullable: true \}\) search!: string \| null;$/,
    );

    const Things = models.Things;
    const made = await Things.query.create({
      title: 'quick brown fox',
      nums: [1, 2, 3],
      tags: ['a', 'b'],
      codes: ['x'],
      doc: 'alpha:1 beta:2',
      qty: 5,
      addr: '10.0.0.1',
      span: '1 day',
    });
    const read = (await Things.query.get({ id: made.pk })) as unknown as Record<string, unknown>;
    expect(read).toMatchObject({
      small: 1,
      nums: [1, 2, 3],
      tags: ['a', 'b'],
      codes: ['x'],
      doc: "'alpha':1 'beta':2",
      qty: 5,
      feeling: 'happy',
      addr: '10.0.0.1',
    });
    expect(read.search).toBe("'brown':2 'fox':3 'quick':1");
    // A loaded instance saves back (the generated column is left to the database) and stays diff-clean.
    await (read as unknown as { update(v: object): Promise<void> }).update({ tags: ['c'], title: 'lazy dog' });
    expect(await Things.query.filter({ id: made.pk }).valuesList('tags', 'search')).toEqual([[['c'], "'dog':2 'lazi':1"]]);
  }, 60_000);
});

describeWithServer('inspectdb round trip of MariaDB’s odd types', MYSQL_URL, () => {
  const tableName = uniqueName('ixt_odd');
  const registry = new Registry(MYSQL_URL);
  beforeAll(async () => {
    await registry.connect();
    await registry.database.knex!.raw(`create table \`${tableName}\` (
      id int unsigned auto_increment primary key,
      small smallint not null,
      med mediumint,
      tiny tinyint,
      flags set('a','b','c'),
      yr year)`);
  });
  afterAll(async () => {
    await registry.database.knex?.raw(`drop table if exists \`${tableName}\``);
    await registry.disconnect();
  });

  it('writes smallint, and dbType for mediumint, set and year; the diff finds nothing', async () => {
    const tables = await inspectTables(registry, 'default', { only: [tableName] });
    const source = generateModels(tables, { dialect: registry.database.driver });
    const line = (property: string) =>
      source
        .split('\n')
        .find((l) => l.includes(` ${property}!:`))!
        .trim();
    expect(line('small')).toBe('@Field({ type: "smallint" }) small!: number;');
    expect(line('med')).toMatch(/^@Field\(\{ type: "integer", dbType: "mediumint(\(\d+\))?", nullable: true \}\) med!: number \| null;$/);
    expect(line('flags')).toBe(`@Field({ dbType: "set('a','b','c')", nullable: true }) flags!: string | null;`);
    expect(line('yr')).toMatch(/^@Field\(\{ type: "integer", dbType: "year(\(4\))?", nullable: true \}\) yr!: number \| null;$/);
    expect(typeErrors(source)).toEqual([]);
    const models = loadGenerated(source, registry);
    // Only this suite's table is compared: the test database holds other suites' tables.
    const plan = await planMigration(registry, 'default');
    expect(plan.operations.filter((p) => !p.skipped && JSON.stringify(p.op).includes(tableName)).map((p) => describeOperation(p.op))).toEqual([]);
    const Model = Object.values(models)[0];
    const made = await Model.query.create({ small: 2, med: 70000, tiny: 1, flags: 'a,c', yr: 2024 });
    expect(await Model.query.filter({ id: made.pk }).values('small', 'med', 'flags', 'yr')).toEqual([{ small: 2, med: 70000, flags: 'a,c', yr: 2024 }]);
  }, 60_000);
});

describe('inspectdb round trip of SQLite’s odd declared types', () => {
  it('names an unknown declared type with dbType; the diff finds nothing', async () => {
    const registry = new Registry('sqlite::memory:');
    await registry.connect();
    try {
      await registry.database.knex!.raw('create table gadgets (id integer primary key, shape GEOMETRY, size Strange_Type(10, 2) not null, small smallint)');
      const { source, models } = await roundTrip(registry, { expectTables: ['gadgets'] });
      expect(source).toContain('@Field({ dbType: "GEOMETRY", nullable: true }) shape!: string | null;');
      expect(source).toContain('@Field({ dbType: "Strange_Type(10, 2)" }) size!: string;');
      expect(source).toContain('@Field({ type: "smallint", nullable: true }) small!: number | null;');
      const made = await models.Gadgets.query.create({ shape: 'POINT(1 2)', size: '3', small: 4 });
      expect(await models.Gadgets.query.filter({ id: made.pk }).values('shape', 'size', 'small')).toEqual([{ shape: 'POINT(1 2)', size: 3, small: 4 }]);
    } finally {
      await registry.disconnect();
    }
  });
});
