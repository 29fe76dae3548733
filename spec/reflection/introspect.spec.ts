import { Database } from '../../lib';
import type { IntrospectedTable } from '../../lib';
import { mapDatabaseType, literalDefault } from '../../lib/dialects/introspection';
import { describeWithServer, MYSQL_URL, PG_URL, uniqueName } from '../support/servers';
import { Chinook, DialectName, loadChinook } from './chinook';

const table = (tables: IntrospectedTable[], name: string) => {
  const found = tables.find((t) => t.name === name);
  if (!found) throw new Error(`no table ${name} in ${tables.map((t) => t.name).join(', ')}`);
  return found;
};
const column = (t: IntrospectedTable, name: string) => {
  const found = t.columns.find((c) => c.name === name);
  if (!found) throw new Error(`no column ${name} in ${t.name}`);
  return found;
};

function chinookSuite(dialect: DialectName) {
  let chinook: Chinook;
  let db: Database;
  let tables: IntrospectedTable[];
  let n: (s: string) => string;

  beforeAll(async () => {
    chinook = await loadChinook(dialect);
    n = chinook.n;
    db = new Database(chinook.url);
    await db.connect();
    tables = await db.driver.introspect(db.knex!, chinook.schema);
  }, 60000);

  afterAll(async () => {
    await db?.disconnect();
    await chinook?.drop();
  });

  it('lists the 11 Chinook tables and no internal ones', () => {
    const names = tables.map((t) => t.name).sort();
    expect(names).toEqual(
      ['album', 'artist', 'customer', 'employee', 'genre', 'invoice', 'invoice_line', 'media_type', 'playlist', 'playlist_track', 'track'].map(n).sort(),
    );
    expect(names.some((name) => name.startsWith('sqlite_'))).toBe(false);
  });

  it('limits the result to the tables asked for', async () => {
    const only = await db.driver.introspect(db.knex!, chinook.schema, [n('track'), n('genre'), 'no_such_table']);
    expect(only.map((t) => t.name).sort()).toEqual([n('genre'), n('track')].sort());
  });

  it('reads primary keys', () => {
    const track = table(tables, n('track'));
    expect(track.columns.filter((c) => c.primaryKey).map((c) => c.name)).toEqual([n('track_id')]);
    expect(column(track, n('track_id')).nullable).toBe(false);
  });

  it("reports both columns of playlist_track's composite key", () => {
    const pt = table(tables, n('playlist_track'));
    expect(
      pt.columns
        .filter((c) => c.primaryKey)
        .map((c) => c.name)
        .sort(),
    ).toEqual([n('playlist_id'), n('track_id')].sort());
  });

  it('reads foreign keys, including the self-reference employee.reports_to', () => {
    const employee = table(tables, n('employee'));
    // SQLite foreign keys have no names; the servers report the constraint's.
    const fkName = { sqlite: undefined, postgres: 'employee_reports_to_fkey', mysql: 'FK_EmployeeReportsTo' }[dialect];
    expect(employee.foreignKeys).toEqual([
      { name: fkName, column: n('reports_to'), table: n('employee'), references: n('employee_id'), onDelete: 'NO ACTION', onUpdate: 'NO ACTION' },
    ]);
    const track = table(tables, n('track'));
    const fks = Object.fromEntries(track.foreignKeys.map((fk) => [fk.column, `${fk.table}.${fk.references}`]));
    expect(fks).toEqual({
      [n('album_id')]: `${n('album')}.${n('album_id')}`,
      [n('media_type_id')]: `${n('media_type')}.${n('media_type_id')}`,
      [n('genre_id')]: `${n('genre')}.${n('genre_id')}`,
    });
    const pt = table(tables, n('playlist_track'));
    expect(pt.foreignKeys.map((fk) => fk.table).sort()).toEqual([n('playlist'), n('track')].sort());
  });

  it('maps column types, sizes and nullability', () => {
    const track = table(tables, n('track'));
    expect(column(track, n('name'))).toMatchObject({ type: 'string', maxLength: 200, nullable: false });
    expect(column(track, n('composer'))).toMatchObject({ type: 'string', maxLength: 220, nullable: true });
    expect(column(track, n('milliseconds'))).toMatchObject({ type: 'integer', nullable: false });
    expect(column(track, n('unit_price'))).toMatchObject({ type: 'decimal', precision: 10, scale: 2 });
    const employee = table(tables, n('employee'));
    expect(column(employee, n('birth_date')).type).toBe('datetime');
    expect(column(employee, n('reports_to'))).toMatchObject({ type: 'integer', nullable: true });
    const invoice = table(tables, n('invoice'));
    expect(column(invoice, n('total'))).toMatchObject({ type: 'decimal', precision: 10, scale: 2 });
  });

  it('reports autoincrement only where the database assigns keys', () => {
    // An INTEGER PRIMARY KEY is SQLite's rowid; Chinook's INT keys on the servers are plain.
    expect(column(table(tables, n('track')), n('track_id')).autoincrement).toBe(dialect === 'sqlite');
    expect(column(table(tables, n('playlist_track')), n('track_id')).autoincrement).toBe(false);
  });
}

describe('introspect: Chinook on SQLite', () => chinookSuite('sqlite'));
describeWithServer('introspect: Chinook on PostgreSQL', PG_URL, () => chinookSuite('postgres'));
describeWithServer('introspect: Chinook on MariaDB', MYSQL_URL, () => chinookSuite('mysql'));

describe('introspect: SQLite types, defaults and unique indexes', () => {
  const db = new Database('sqlite::memory:');
  beforeAll(() => db.connect());
  afterAll(() => db.disconnect());

  it('maps declared types, literal defaults and unique constraints', async () => {
    const knex = db.knex!;
    await knex.raw(`create table kinds (
      id integer primary key autoincrement, flag boolean not null default 1, label varchar(30) default 'it''s',
      body text, amount numeric(8,3) default 0, ratio real, big bigint, born date, seen timestamp, at time,
      doc json, uid uuid, raw blob, email varchar(80) unique, a integer, b integer, made datetime default current_timestamp,
      unique (a, b))`);
    const [kinds] = await db.driver.introspect(knex, undefined, ['kinds']);
    const byName = Object.fromEntries(kinds.columns.map((c) => [c.name, c]));
    expect(byName.id).toMatchObject({ type: 'integer', primaryKey: true, autoincrement: true });
    expect(byName.flag).toMatchObject({ type: 'boolean', nullable: false, default: true, hasDefault: true });
    expect(byName.label).toMatchObject({ type: 'string', maxLength: 30, default: "it's" });
    expect(byName.body.type).toBe('text');
    expect(byName.amount).toMatchObject({ type: 'decimal', precision: 8, scale: 3, default: '0' });
    expect(byName.ratio.type).toBe('float');
    expect(byName.big.type).toBe('bigint');
    expect(byName.born.type).toBe('date');
    expect(byName.seen.type).toBe('datetime');
    expect(byName.at.type).toBe('time');
    expect(byName.doc.type).toBe('json');
    expect(byName.uid.type).toBe('uuid');
    expect(byName.raw.type).toBe('binary');
    expect(byName.email.unique).toBe(true);
    expect(byName.made).toMatchObject({ type: 'datetime', hasDefault: true });
    expect(byName.made.default).toBeUndefined();
    expect(kinds.uniqueTogether).toEqual([['a', 'b']]);
  });
});

describeWithServer('introspect: PostgreSQL types, defaults and unique constraints', PG_URL, () => {
  const db = new Database(PG_URL);
  const schema = uniqueName('introspect');
  beforeAll(async () => {
    await db.connect();
    await db.knex!.raw(`create schema "${schema}"`);
  });
  afterAll(async () => {
    await db.knex?.raw(`drop schema if exists "${schema}" cascade`);
    await db.disconnect();
  });

  it('maps types, serial and identity keys, literal defaults, enums and unique constraints', async () => {
    const knex = db.knex!;
    await knex.raw(`create type "${schema}".mood as enum ('sad', 'ok', 'happy')`);
    await knex.raw(`create table "${schema}".kinds (
      id serial primary key, flag boolean not null default true, label varchar(30) default 'draft',
      body text, amount numeric(8,3) default 1.5, ratio double precision, small smallint, big bigint, born date,
      seen timestamptz default now(), at time, doc jsonb, uid uuid, raw bytea, code char(4),
      email varchar(80) unique, a int, b int, feeling "${schema}".mood, unique (a, b))`);
    await knex.raw(
      `create table "${schema}".idents (id bigint generated always as identity primary key, parent int references "${schema}".kinds (id) on delete cascade)`,
    );
    const tables = await db.driver.introspect(knex, schema);
    const kinds = table(tables, 'kinds');
    const byName = Object.fromEntries(kinds.columns.map((c) => [c.name, c]));
    expect(byName.id).toMatchObject({ type: 'integer', primaryKey: true, autoincrement: true, nullable: false });
    expect(byName.id.default).toBeUndefined();
    expect(byName.flag).toMatchObject({ type: 'boolean', nullable: false, default: true });
    expect(byName.label).toMatchObject({ type: 'string', maxLength: 30, default: 'draft' });
    expect(byName.body.type).toBe('text');
    expect(byName.amount).toMatchObject({ type: 'decimal', precision: 8, scale: 3, default: '1.5' });
    expect(byName.ratio.type).toBe('float');
    expect(byName.small.type).toBe('smallint');
    expect(byName.big.type).toBe('bigint');
    expect(byName.born.type).toBe('date');
    expect(byName.seen).toMatchObject({ type: 'datetime', hasDefault: true });
    expect(byName.seen.default).toBeUndefined();
    expect(byName.at.type).toBe('time');
    expect(byName.doc.type).toBe('json');
    expect(byName.uid.type).toBe('uuid');
    expect(byName.raw.type).toBe('binary');
    expect(byName.code).toMatchObject({ type: 'string', maxLength: 4 });
    expect(byName.email.unique).toBe(true);
    expect(byName.feeling).toMatchObject({ type: 'enum', choices: ['sad', 'ok', 'happy'] });
    expect(kinds.uniqueTogether).toEqual([['a', 'b']]);
    const idents = table(tables, 'idents');
    expect(idents.columns[0]).toMatchObject({ name: 'id', type: 'bigint', autoincrement: true, primaryKey: true });
    expect(idents.foreignKeys).toEqual([
      { name: 'idents_parent_fkey', column: 'parent', table: 'kinds', references: 'id', onDelete: 'CASCADE', onUpdate: 'NO ACTION' },
    ]);
  });
});

describeWithServer('introspect: MariaDB types, defaults and unique indexes', MYSQL_URL, () => {
  const db = new Database(MYSQL_URL);
  const kindsName = uniqueName('kinds');
  const childName = uniqueName('child');
  beforeAll(() => db.connect());
  afterAll(async () => {
    await db.knex?.raw(`drop table if exists \`${childName}\`, \`${kindsName}\``);
    await db.disconnect();
  });

  it('maps types, auto_increment, tinyint(1), enums, JSON and unique indexes', async () => {
    const knex = db.knex!;
    await knex.raw(`create table \`${kindsName}\` (
      id int unsigned auto_increment primary key, flag tinyint(1) not null default 1, label varchar(30) default 'draft',
      body text, amount decimal(8,3) default 1.5, ratio double, small smallint, big bigint, born date,
      seen datetime default current_timestamp, at time, doc json, raw blob, code char(4),
      email varchar(80) unique, a int, b int, mood enum('sad','ok','it''s'), unique key ab (a, b))`);
    await knex.raw(`create table \`${childName}\` (id bigint auto_increment primary key, parent int unsigned,
      foreign key (parent) references \`${kindsName}\` (id) on delete set null on update cascade)`);
    const tables = await db.driver.introspect(knex, undefined, [kindsName, childName]);
    const kinds = table(tables, kindsName);
    const byName = Object.fromEntries(kinds.columns.map((c) => [c.name, c]));
    expect(byName.id).toMatchObject({ type: 'integer', primaryKey: true, autoincrement: true, nullable: false });
    expect(byName.flag).toMatchObject({ type: 'boolean', nullable: false, default: true });
    expect(byName.label).toMatchObject({ type: 'string', maxLength: 30, default: 'draft' });
    expect(byName.body.type).toBe('text');
    expect(byName.amount).toMatchObject({ type: 'decimal', precision: 8, scale: 3, default: '1.500' });
    expect(byName.ratio.type).toBe('float');
    expect(byName.small.type).toBe('smallint');
    expect(byName.big.type).toBe('bigint');
    expect(byName.born.type).toBe('date');
    expect(byName.seen).toMatchObject({ type: 'datetime', hasDefault: true });
    expect(byName.seen.default).toBeUndefined();
    expect(byName.at.type).toBe('time');
    expect(byName.doc.type).toBe('json');
    expect(byName.raw.type).toBe('binary');
    expect(byName.code).toMatchObject({ type: 'string', maxLength: 4 });
    expect(byName.email.unique).toBe(true);
    expect(byName.mood).toMatchObject({ type: 'enum', choices: ['sad', 'ok', "it's"] });
    expect(kinds.uniqueTogether).toEqual([['a', 'b']]);
    const child = table(tables, childName);
    expect(child.columns[0]).toMatchObject({ name: 'id', type: 'bigint', autoincrement: true });
    expect(child.foreignKeys).toEqual([
      { name: `${childName}_ibfk_1`, column: 'parent', table: kindsName, references: 'id', onDelete: 'SET NULL', onUpdate: 'CASCADE' },
    ]);
  });
});

describe('mapDatabaseType / literalDefault', () => {
  it.each([
    ['INTEGER', 'integer'],
    ['int4', 'integer'],
    ['smallint', 'smallint'],
    ['BIGINT', 'bigint'],
    ['REAL', 'float'],
    ['double precision', 'float'],
    ['NUMERIC(10,2)', 'decimal'],
    ['NVARCHAR(120)', 'string'],
    ['char(3)', 'string'],
    ['TEXT', 'text'],
    ['CLOB', 'text'],
    ['bool', 'boolean'],
    ['tinyint(1)', 'boolean'],
    ['tinyint(4)', 'integer'],
    ['date', 'date'],
    ['DATETIME', 'datetime'],
    ['timestamp with time zone', 'datetime'],
    ['time', 'time'],
    ['jsonb', 'json'],
    ['uuid', 'uuid'],
    ['BLOB', 'binary'],
    ['bytea', 'binary'],
    ['int unsigned', 'integer'],
    ['geometry', 'text'],
  ])('%s → %s', (dbType, type) => {
    expect(mapDatabaseType(dbType).type).toBe(type);
  });

  it('reads sizes from the type name', () => {
    expect(mapDatabaseType('NVARCHAR(120)')).toEqual({ type: 'string', maxLength: 120 });
    expect(mapDatabaseType('numeric(10, 2)')).toEqual({ type: 'decimal', precision: 10, scale: 2 });
  });

  it('keeps literals and drops expressions', () => {
    expect(literalDefault("'a''b'::character varying", 'string')).toBe("a'b");
    expect(literalDefault('(42)', 'integer')).toBe(42);
    expect(literalDefault('now()', 'datetime')).toBeUndefined();
    expect(literalDefault("nextval('x_id_seq'::regclass)", 'integer')).toBeUndefined();
    expect(literalDefault('false', 'boolean')).toBe(false);
    expect(literalDefault(null, 'text')).toBeUndefined();
  });
});
