import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import sqlite3 from 'sqlite3';
import type { IntrospectedColumn, IntrospectedForeignKey, IntrospectedTable } from '../../lib/dialects/introspection';
import { generateModels, pascalCase } from '../../lib/cli/codegen';
import { DIALECTS } from '../../lib/dialects';
import { Chinook, loadChinook } from '../reflection/chinook';
import { chinookSql } from '../support/chinook-sql';
import { describeWithServer, MYSQL_URL, PG_URL, uniqueName } from '../support/servers';
import { runCli, runScript } from './in-process';
import { makeProject, removeProject, runTs, typecheck } from './support';

/** A hand-made introspected column: a non-null, non-key integer unless told otherwise. */
function col(name: string, extra: Partial<IntrospectedColumn> = {}): IntrospectedColumn {
  return { name, type: 'integer', dbType: 'integer', nullable: false, primaryKey: false, autoincrement: false, unique: false, ...extra };
}
const pk = (name = 'id') => col(name, { primaryKey: true, autoincrement: true });
const str = (name: string, maxLength: number, extra: Partial<IntrospectedColumn> = {}) =>
  col(name, { type: 'string', dbType: `varchar(${maxLength})`, maxLength, ...extra });
const fk = (column: string, table: string, references = 'id', extra: Partial<IntrospectedForeignKey> = {}): IntrospectedForeignKey => ({
  column,
  table,
  references,
  ...extra,
});
function table(
  name: string,
  columns: IntrospectedColumn[],
  foreignKeys: IntrospectedForeignKey[] = [],
  uniqueTogether: string[][] = [],
  indexes: IntrospectedTable['indexes'] = [],
): IntrospectedTable {
  return { name, columns, foreignKeys, uniqueTogether, indexes };
}

/** The body of the generated class `name` (from its decorator line to the closing brace). */
function classSource(source: string, name: string): string {
  const start = source.indexOf(`export class ${name} extends BaseModel {`);
  if (start < 0) throw new Error(`no class ${name} in:\n${source}`);
  const decorator = source.lastIndexOf('@Model(', start);
  return source.slice(decorator, source.indexOf('\n}', start) + 2);
}

describe('inspectdb code generation', () => {
  it('writes the imports, one @Model per table, and PascalCase, de-duplicated class names', () => {
    const source = generateModels(
      [table('blog_post', [pk()]), table('Post', [pk()]), table('post', [pk()]), table('model', [pk()]), table('2fa_codes', [pk()])],
      { registryImport: '../app/registry' },
    );
    expect(source).toContain(`import { BaseModel, Field, PrimaryKey, ForeignKey, ManyToMany, Model } from "keelson";`);
    expect(source).toContain(`import type { Relation, ManyRelation } from "keelson";`);
    expect(source).toContain(`import { registry } from "../app/registry";`);
    expect(source).toContain(`@Model({ registry, tablename: "blog_post" })\nexport class BlogPost extends BaseModel {`);
    expect(source).toContain(`@Model({ registry, tablename: "Post" })\nexport class Post extends BaseModel {`);
    expect(source).toContain(`@Model({ registry, tablename: "post" })\nexport class Post2 extends BaseModel {`);
    expect(source).toContain('export class ModelModel extends BaseModel');
    // keelson only takes identifier table names: others are skipped, with a note.
    expect(source).toContain('// Skipped table 2fa_codes');
    expect(pascalCase('2fa_codes')).toBe('T2faCodes');
    expect(pascalCase('invoice_line')).toBe('InvoiceLine');
    expect(pascalCase('InvoiceLine')).toBe('InvoiceLine');
  });

  it('names properties after columns and spells out types, sizes, nullability, keys and defaults', () => {
    const source = generateModels([
      table('item', [
        col('ItemId', { primaryKey: true, autoincrement: false }),
        str('Title', 160),
        str('note', 40, { nullable: true, unique: true }),
        col('price', { type: 'decimal', dbType: 'numeric(10,2)', precision: 10, scale: 2 }),
        col('body', { type: 'text', dbType: 'text', nullable: true }),
        col('active', { type: 'boolean', dbType: 'boolean', default: true }),
        col('made', { type: 'datetime', dbType: 'timestamp' }),
        col('data', { type: 'json', dbType: 'jsonb', nullable: true }),
        col('status', { type: 'enum', dbType: 'enum', choices: ['draft', 'live'], default: 'draft' }),
        col('mood', { type: 'enum', dbType: 'mood' }),
        col('size', { type: 'bigint', dbType: 'bigint' }),
        col('delete', { type: 'string', dbType: 'text', maxLength: undefined }),
        col('has space'),
      ]),
    ]);
    const item = classSource(source, 'Item');
    expect(item).toContain('@PrimaryKey({ type: "integer", autoincrement: false }) ItemId!: number;');
    expect(item).toContain('@Field({ type: "string", maxLength: 160 }) Title!: string;');
    expect(item).toContain('@Field({ type: "string", maxLength: 40, nullable: true, unique: true }) note!: string | null;');
    expect(item).toContain('@Field({ type: "decimal", precision: 10, scale: 2 }) price!: string;');
    expect(item).toContain('@Field({ type: "text", nullable: true }) body!: string | null;');
    expect(item).toContain('@Field({ type: "boolean", default: true }) active!: boolean;');
    expect(item).toContain('@Field({ type: "datetime" }) made!: Date;');
    expect(item).toContain('@Field({ type: "json", nullable: true }) data!: unknown | null;');
    expect(item).toContain('@Field({ type: "enum", choices: ["draft", "live"], default: "draft" }) status!: "draft" | "live";');
    expect(item).toMatch(/@Field\(\{ type: "string", maxLength: 255 \}\) mood!: string; \/\/ .*enum/);
    expect(item).toContain('@Field({ type: "bigint" }) size!: number;');
    // A column that would shadow BaseModel#delete gets another property name and an explicit column.
    expect(item).toContain('@Field({ column: "delete", type: "string", maxLength: 255 }) delete_field!: string;');
    // keelson cannot map a column that is not an identifier: it is left out, with a comment.
    expect(item).not.toContain('has space!');
    expect(source).toContain('// Item: Column "has space" (integer) is left out');
  });

  it('keeps an autoincrement integer key implicit and makes every column of a composite key a key field', () => {
    const source = generateModels([
      table('auto', [pk(), str('name', 20)]),
      table('pair', [col('a', { primaryKey: true }), col('b', { primaryKey: true }), str('v', 10)]),
      table('owner', [pk()]),
      table('slot', [col('owner_id', { primaryKey: true }), col('n', { primaryKey: true })], [fk('owner_id', 'owner')]),
      table('profile', [col('owner_id', { primaryKey: true }), str('bio', 100)], [fk('owner_id', 'owner', 'id', { onDelete: 'CASCADE' })]),
    ]);
    expect(classSource(source, 'Auto')).toContain('@PrimaryKey({ type: "integer" }) id!: number;');
    const pair = classSource(source, 'Pair');
    expect(pair).toContain('@Model({ registry, tablename: "pair" })');
    expect(pair).toContain('@PrimaryKey({ type: "integer", autoincrement: false }) a!: number;');
    expect(pair).toContain('@PrimaryKey({ type: "integer", autoincrement: false }) b!: number;');
    expect(pair).toContain('@Field({ type: "string", maxLength: 10 }) v!: string;');
    // A foreign key in the key is a key field as well: of a composite key, or the whole key (a one-to-one extension).
    expect(classSource(source, 'Slot')).toContain(
      '@ForeignKey("Owner", { column: "owner_id", primaryKey: true, relatedName: "slots" }) owner!: Relation<Owner>;',
    );
    expect(classSource(source, 'Slot')).toContain('@PrimaryKey({ type: "integer", autoincrement: false }) n!: number;');
    expect(classSource(source, 'Profile')).toContain(
      '@ForeignKey("Owner", { column: "owner_id", primaryKey: true, relatedName: "profiles", onDelete: "CASCADE" }) owner!: Relation<Owner>;',
    );
    expect(source).not.toContain('composite');
  });

  it('writes plain indexes: a single column under the default name as index: true, any other by name', () => {
    const source = generateModels([
      table('shelf', [pk()]),
      table(
        'book',
        [pk(), str('title', 80), col('shelf_id'), col('year'), str('isbn', 13, { unique: true }), col('has space')],
        [fk('shelf_id', 'shelf')],
        [],
        [
          { name: 'book_title_index', columns: ['title'], unique: false },
          { name: 'IFK_BookShelfId', columns: ['shelf_id'], unique: false },
          { name: 'book_by_year_title', columns: ['year', 'title'], unique: false },
          { name: 'book_isbn_unique', columns: ['isbn'], unique: true },
          { name: 'book_odd', columns: ['has space'], unique: false },
        ],
      ),
    ]);
    const book = classSource(source, 'Book');
    expect(book).toContain(
      '@Model({ registry, tablename: "book", indexes: [{ name: "IFK_BookShelfId", fields: ["shelf"] }, { name: "book_by_year_title", fields: ["year", "title"] }] })',
    );
    expect(book).toContain('@Field({ type: "string", maxLength: 80, index: true }) title!: string;');
    expect(book).toContain('@Field({ type: "string", maxLength: 13, unique: true }) isbn!: string;');
    expect(book).toContain('@ForeignKey("Shelf", { column: "shelf_id", relatedName: "books" }) shelf!: Relation<Shelf>;');
    expect(source).toContain('// Book: Index book_odd is left out: its column "has space" is not mapped.');
  });

  it('writes a datetime’s time zone and, given the dialect, only the fractional digits its default would not give; marks types no options give', () => {
    const tables = [
      table('log', [
        pk(),
        col('plain', { type: 'datetime', dbType: 'timestamp with time zone', precision: 6 }),
        col('wall', { type: 'datetime', dbType: 'timestamp without time zone', precision: 6, timezone: false }),
        col('coarse', { type: 'datetime', dbType: 'timestamp with time zone', precision: 0 }),
        col('name', { type: 'string', dbType: 'character(8)', maxLength: 8 }),
      ]),
    ];
    const pg = classSource(generateModels(tables, { dialect: DIALECTS.postgres }), 'Log');
    expect(pg).toContain('@Field({ type: "datetime" }) plain!: Date;');
    expect(pg).toContain('@Field({ type: "datetime", timezone: false }) wall!: Date;');
    expect(pg).toContain('@Field({ type: "datetime", precision: 0 }) coarse!: Date;');
    expect(pg).toContain('@Field({ type: "string", maxLength: 8, dbType: "character(8)" }) name!: string;');
    const my = classSource(
      generateModels(
        [
          table('log', [
            pk(),
            col('at', { type: 'datetime', dbType: 'datetime', precision: 0 }),
            col('ms', { type: 'datetime', dbType: 'datetime(3)', precision: 3 }),
          ]),
        ],
        { dialect: DIALECTS.mysql },
      ),
      'Log',
    );
    expect(my).toContain('@Field({ type: "datetime", precision: 0 }) at!: Date;');
    expect(my).toContain('@Field({ type: "datetime" }) ms!: Date;');
    // Without a dialect, what introspection read is written as it is, and nothing is marked.
    const plain = classSource(generateModels(tables), 'Log');
    expect(plain).toContain('@Field({ type: "datetime", precision: 6 }) plain!: Date;');
    expect(plain).not.toContain('makemigrations');
  });

  it('writes foreign keys with string targets, explicit columns and clash-free property and related names', () => {
    const source = generateModels([
      table('users', [pk(), str('name', 80)]),
      table(
        'posts',
        [
          pk(),
          col('author_id'),
          col('AuthorId2'),
          col('editor_id', { nullable: true }),
          str('editor', 20),
          col('created_by'),
          col('parent_id', { nullable: true }),
        ],
        [
          fk('author_id', 'users', 'id', { onDelete: 'CASCADE', onUpdate: 'NO ACTION' }),
          fk('AuthorId2', 'users'),
          fk('editor_id', 'users', 'id', { onDelete: 'SET NULL' }),
          fk('created_by', 'users', 'id', { onDelete: 'SET NULL' }),
          fk('parent_id', 'posts'),
        ],
      ),
      table('comments', [pk(), col('post_id')], [fk('post_id', 'posts'), fk('missing_id', 'posts')]),
      table('notes', [pk(), col('user_id'), col('ext_id'), col('ref')], [fk('user_id', 'users'), fk('ext_id', 'elsewhere'), fk('ref', 'users', 'name')]),
    ]);
    const posts = classSource(source, 'Posts');
    expect(posts).toContain(
      '@ForeignKey("Users", { column: "author_id", relatedName: "posts_by_author", onDelete: "CASCADE", onUpdate: "NO ACTION", index: false }) author!: Relation<Users>;',
    );
    expect(posts).toContain('@ForeignKey("Users", { column: "AuthorId2", relatedName: "posts_by_authorId2", index: false }) authorId2!: Relation<Users>;');
    // `editor` is a column, so the FK on editor_id may not take that name.
    expect(posts).toContain('@Field({ type: "string", maxLength: 20 }) editor!: string;');
    expect(posts).toContain(
      '@ForeignKey("Users", { column: "editor_id", relatedName: "posts_by_editor_id_rel", nullable: true, onDelete: "SET NULL", index: false }) editor_id_rel!: Relation<Users> | null;',
    );
    // SET NULL is dropped on a non-null column (keelson refuses it), and a name without _id gets _rel.
    expect(posts).toContain(
      '@ForeignKey("Users", { column: "created_by", relatedName: "posts_by_created_by_rel", index: false }) created_by_rel!: Relation<Users>;',
    );
    expect(posts).toContain(
      '@ForeignKey("Posts", { column: "parent_id", relatedName: "posts", nullable: true, index: false }) parent!: Relation<Posts> | null;',
    );
    expect(classSource(source, 'Comments')).toContain(
      '@ForeignKey("Posts", { column: "post_id", relatedName: "comments", index: false }) post!: Relation<Posts>;',
    );
    const notes = classSource(source, 'Notes');
    expect(notes).toContain('relatedName: "notes", index: false }) user!: Relation<Users>;');
    expect(notes).toContain('@Field({ type: "integer" }) ext_id!: number;');
    expect(notes).toContain('@Field({ type: "integer" }) ref!: number;');
    expect(source).toContain('ext_id references elsewhere.id, which was not inspected');
    expect(source).toContain("ref references users.name, which is not that table's primary key");

    // Every relatedName on one target is distinct.
    const related = [...source.matchAll(/@ForeignKey\("Users", \{[^}]*relatedName: "([^"]+)"/g)].map((m) => m[1]);
    expect(related.length).toBe(5);
    expect(new Set(related).size).toBe(related.length);
  });

  it('gives related names that clash with a target column another name', () => {
    const source = generateModels([table('author', [pk(), col('books')]), table('book', [pk(), col('author_id')], [fk('author_id', 'author')])]);
    expect(classSource(source, 'Book')).toContain('relatedName: "books2", index: false }) author!: Relation<Author>;');
  });

  it('detects join tables: a through model plus @ManyToMany on the first side', () => {
    const source = generateModels([
      table('student', [pk(), str('name', 40)]),
      table('course', [pk(), str('title', 40)]),
      table('enrolment', [pk(), col('student_id'), col('course_id')], [fk('student_id', 'student'), fk('course_id', 'course')], [['student_id', 'course_id']]),
      table('person', [pk()]),
      table('friendship', [pk(), col('from_id'), col('to_id')], [fk('from_id', 'person'), fk('to_id', 'person')]),
      // Not join tables: an extra column, or a key that is a foreign key.
      table('grade', [pk(), col('student_id'), col('course_id'), col('score')], [fk('student_id', 'student'), fk('course_id', 'course')]),
      table(
        'tagging',
        [col('student_id', { primaryKey: true }), col('course_id', { primaryKey: true })],
        [fk('student_id', 'student'), fk('course_id', 'course')],
      ),
    ]);
    const student = classSource(source, 'Student');
    expect(student).toContain('@ManyToMany("Course", { through: "Enrolment", relatedName: "students" }) courses!: ManyRelation<Course>;');
    expect(classSource(source, 'Course')).not.toContain('@ManyToMany');
    const enrolment = classSource(source, 'Enrolment');
    expect(enrolment).toContain('uniqueTogether: [["student", "course"]]');
    expect(enrolment).toContain('@ForeignKey("Student", { column: "student_id", relatedName: "enrolments" }) student!: Relation<Student>;');
    expect(enrolment).toContain('@ForeignKey("Course", { column: "course_id", relatedName: "enrolments", index: false }) course!: Relation<Course>;');
    expect(source).toContain('// Enrolment is the through model');
    // A self-referencing join table.
    expect(classSource(source, 'Person')).toMatch(
      /@ManyToMany\("Person", \{ through: "Friendship", relatedName: "persons" \}\) persons_to!: ManyRelation<Person>;/,
    );
    // A join table keyed by both foreign keys (a composite key) is a through model too.
    expect(source.match(/^\s+@ManyToMany/gm)!.length).toBe(3);
    expect(student).toContain('@ManyToMany("Course", { through: "Tagging", relatedName: "students2" }) courses2!: ManyRelation<Course>;');
    const tagging = classSource(source, 'Tagging');
    expect(tagging).toContain('@Model({ registry, tablename: "tagging" })');
    expect(tagging).toContain('@ForeignKey("Student", { column: "student_id", primaryKey: true, relatedName: "taggings" }) student!: Relation<Student>;');
    expect(tagging).toContain(
      '@ForeignKey("Course", { column: "course_id", primaryKey: true, relatedName: "taggings", index: false }) course!: Relation<Course>;',
    );
    expect(source).toContain('// Tagging is the through model');
  });
});

/** Loads the Chinook SQLite script into a new database file. */
function loadChinookSqlite(file: string): Promise<void> {
  const sql = chinookSql('Chinook_Sqlite.sql');
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, (openError) => {
      if (openError) return reject(openError);
      db.exec(sql, (error) => db.close(() => (error ? reject(error) : resolve())));
    });
  });
}

/** Loads the Chinook PostgreSQL script into `schema` (its CREATE DATABASE / \c preamble cut off). */
async function loadChinookPostgres(schema: string): Promise<void> {
  let sql = chinookSql('Chinook_PostgreSql.sql');
  const marker = '\\c chinook;';
  sql = sql.slice(sql.indexOf(marker) + marker.length);
  const client = new Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`create schema "${schema}"; set search_path to "${schema}";`);
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function dropPgSchema(schema: string): Promise<void> {
  const client = new Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

/** How one dialect's Chinook script spells the names the round trip uses. */
interface Names {
  track: string;
  album: string;
  playlist: string;
  title: string;
  name: string;
  /** Tables, as the script spells them. */
  trackTable: string;
  playlistTrackTable: string;
}

const PASCAL: Names = {
  track: 'TrackId',
  album: 'AlbumId',
  playlist: 'PlaylistId',
  title: 'Title',
  name: 'Name',
  trackTable: 'Track',
  playlistTrackTable: 'PlaylistTrack',
};
const SNAKE: Names = {
  track: 'track_id',
  album: 'album_id',
  playlist: 'playlist_id',
  title: 'title',
  name: 'name',
  trackTable: 'track',
  playlistTrackTable: 'playlist_track',
};

/** Rows of every Chinook table, as loaded. */
const CHINOOK_ROWS = [3503, 347, 275, 59, 8, 25, 412, 2240, 5, 18, 8715];

/**
 * The script the round trip runs (in-process, see ./in-process): createAll must add nothing, and queries must work, the
 * many-to-many through the composite-key join table (playlist_track) among them. Prints the row count of every
 * table, in the order of CHINOOK_ROWS.
 */
const CHECK = (n: Names, modelsModule = './models') => `
import { registry } from './registry';
import * as models from '${modelsModule}';
const { Track, Album, Artist, Playlist, PlaylistTrack, Customer, Employee, Genre, Invoice, InvoiceLine, MediaType } = models as any;
export async function main() {
  await registry.connect();
  const db = registry.database;
  const schema = registry.schemaFor('default');
  const before = [...(await db.driver.listTables(db.knex, schema))].sort();
  await registry.createAll();
  const after = [...(await db.driver.listTables(db.knex, schema))].sort();
  const tracks = await Track.query.count();
  const first = await Track.query.selectRelated('album').filter({ album__${n.title}: 'Facelift' }).orderBy('${n.track}').first();
  const artist = await Artist.query.get({ ${n.name}: 'AC/DC' });
  const albums = await artist.albums.count();
  const album = await Album.query.get({ ${n.album}: 1 });
  const playlist = await Playlist.query.get({ ${n.playlist}: 1 });
  const playlistTracks = await playlist.tracks.count();
  const grunge = (await Track.query.filter({ playlists__${n.name}: 'Grunge', album__${n.title}: 'Ten' }).orderBy('${n.track}').valuesList('${n.name}', { flat: true })) as string[];
  const rows = [];
  for (const model of [Track, Album, Artist, Customer, Employee, Genre, Invoice, InvoiceLine, MediaType, Playlist, PlaylistTrack]) rows.push(await model.query.count());
  await registry.disconnect();
  console.log(JSON.stringify({ before, after, tracks, first: first && first.${n.name}, albumTitle: first && first.album.${n.title}, albums, album: album.${n.title}, playlistTracks, grunge, rows, models: Object.keys(models).length }));
}
`;

/** What CHECK prints on every dialect (`bookkeeping`: the migration tables exist too). */
function expectChinook(result: Record<string, unknown>, bookkeeping = false) {
  expect(result.before).toHaveLength(bookkeeping ? 13 : 11);
  expect(result.before).toEqual(bookkeeping ? expect.arrayContaining(['keelson_migrations', 'keelson_migrations_lock']) : expect.any(Array));
  expect(result.after).toEqual(result.before);
  expect(result.tracks).toBe(3503);
  expect(result.first).toBe('We Die Young');
  expect(result.albumTitle).toBe('Facelift');
  expect(result.albums).toBe(2);
  expect(result.album).toBe('For Those About To Rock We Salute You');
  expect(result.playlistTracks).toBe(3290);
  expect(result.grunge).toEqual(['Evenflow', 'Alive', 'Jeremy']);
  expect(result.rows).toEqual(CHINOOK_ROWS);
  expect(result.models).toBe(11);
}

/** `keelson makemigrations --check` (in-process, see ./in-process), on the models `app` imports. */
function check(dir: string, app: string, extra: string[] = []) {
  return runCli(['makemigrations', '--app', app, '--check', ...extra], { cwd: dir });
}

/** An app module for the CLI: the registry, with the models of `models` registered on it. */
function writeApp(dir: string, file: string, models: string) {
  writeFileSync(join(dir, file), `export { registry } from './registry';\nimport '${models}';\n`);
}

/** inspectdb → the models compile → createAll adds nothing, queries work → makemigrations --check finds nothing. */
async function roundTrip(dir: string, registrySource: string, n: Names) {
  writeFileSync(join(dir, 'registry.ts'), registrySource);
  const generated = await runCli(['inspectdb', '--app', 'registry.ts', '--output', 'models.ts', '--registry-import', './registry'], { cwd: dir });
  expect(generated.stderr).toContain('inspectdb: wrote 11 models');
  expect(generated.status).toBe(0);
  expect(generated.stdout).toBe('');
  const source = readFileSync(join(dir, 'models.ts'), 'utf8');
  writeFileSync(join(dir, 'check.ts'), CHECK(n));
  expect(typecheck(dir)).toBe('');
  const run = await runScript(dir, 'check.ts');
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  const result = JSON.parse(run.stdout.trim().split('\n').pop()!);
  expectChinook(result);

  // The schema diff finds the generated models and the live tables the same: types (NVARCHAR, NUMERIC,
  // timestamps), the composite key of the join table, foreign keys and their actions, indexes.
  writeApp(dir, 'app.ts', './models');
  const clean = await check(dir, 'app.ts');
  expect(clean.stderr).toBe('');
  expect(clean.stdout).toBe('default: no changes\n');
  expect(clean.status).toBe(0);
  return { source, result };
}

/** The source of `models.ts` with `edit` applied to the class `name` (its @Model line and body). */
function editClass(source: string, name: string, edit: (text: string) => string): string {
  const start = source.lastIndexOf('@Model(', source.indexOf(`export class ${name} extends BaseModel {`));
  const end = source.indexOf('\n}', start) + 2;
  expect(start).toBeGreaterThan(0);
  return source.slice(0, start) + edit(source.slice(start, end)) + source.slice(end);
}

/**
 * After the round trip: changes to a copy of the generated models are seen (and only they), and a new field on
 * a table and on the join table goes through makemigrations and migrate (the CLI), after which the check is
 * clean again and every table keeps its rows.
 */
async function migrateChinook(dir: string, n: Names) {
  const source = readFileSync(join(dir, 'models.ts'), 'utf8');

  // Real differences are reported: an index gone, a shorter string, another referential action; a key that is
  // no longer composite is a warning (keelson does not change primary keys).
  // (Its foreign keys opt out of keelson's default index too, or it would take the named index's place.)
  let changed = editClass(source, 'Track', (text) =>
    text.replace(/, indexes: \[.*\] \}\)\n/, ' })\n').replace(/(@ForeignKey\("[^"]+", \{[^}]*?)(, index: false)? \}\)/g, '$1, index: false })'),
  );
  changed = editClass(changed, 'Album', (text) => text.replace('maxLength: 160', 'maxLength: 150'));
  changed = editClass(changed, 'InvoiceLine', (text) => text.replace(/(@ForeignKey\("Invoice", \{[^}]*onDelete: )"NO ACTION"/, '$1"CASCADE"'));
  changed = editClass(changed, 'PlaylistTrack', (text) => text.replace(/(@ForeignKey\("Track", \{[^}]*?)primaryKey: true, /, '$1'));
  expect(changed).not.toBe(source);
  writeFileSync(join(dir, 'changed.ts'), changed);
  writeApp(dir, 'changed-app.ts', './changed');
  const differs = await check(dir, 'changed-app.ts');
  expect(differs.status).toBe(1);
  expect(differs.stdout).toContain('default: the database differs from the models:');
  for (const index of /tablename: "[Tt]rack", indexes: (\[.*\]) \}\)/.exec(source)![1].match(/name: "([^"]+)"/g)!) {
    expect(differs.stdout).toContain(`drop index ${index.slice(7, -1)} on `);
  }
  expect(differs.stdout).toMatch(/alter column \S*lbum\.[Tt]itle \(type [a-z ]+\(160\) -> string\(150\)\)/i);
  expect(differs.stdout).toMatch(/drop foreign key \S*nvoice_?[Ll]ine\.[Ii]nvoice_?[Ii]d -> /);
  expect(differs.stdout).toMatch(/add foreign key \S*nvoice_?[Ll]ine\.[Ii]nvoice_?[Ii]d -> /);
  expect(differs.stderr).toMatch(/playlist_?[Tt]rack\.[Tt]rack_?[Ii]d: the primary key differs from the database's/i);

  // One new field on Track (with a default) and one on the join table (NOT NULL, filled once).
  let grown = editClass(source, 'Track', (text) => text.replace(/\n}$/, '\n  @Field({ type: "integer", default: 0 }) plays!: number;\n}'));
  grown = editClass(grown, 'PlaylistTrack', (text) => text.replace(/\n}$/, '\n  @Field({ type: "integer" }) position!: number;\n}'));
  writeFileSync(join(dir, 'grown.ts'), grown);
  writeApp(dir, 'grown-app.ts', './grown');
  writeFileSync(join(dir, 'grown-check.ts'), CHECK(n, './grown'));
  expect(typecheck(dir)).toBe('');
  const made = await runCli(['makemigrations', '--app', 'grown-app.ts', '-m', 'plays and position', '--fill', `${n.playlistTrackTable}.position=0`], {
    cwd: dir,
  });
  expect(made.stderr).toBe('');
  expect(made.status).toBe(0);
  expect(made.stdout).toContain('default: wrote migrations/default/0001_plays_and_position.ts');
  expect(made.stdout).toMatch(/add column \S*[Tt]rack\.plays/);
  expect(made.stdout).toMatch(/position \(existing rows get 0\)/);
  const migrated = await runCli(['migrate', '--app', 'grown-app.ts'], { cwd: dir });
  expect(migrated.status).toBe(0);
  expect(migrated.stdout + migrated.stderr).toContain('applied 0001_plays_and_position');
  const after = await check(dir, 'grown-app.ts');
  expect(after.stderr).toBe('');
  expect(after.stdout).toBe('default: no changes\n');
  expect(after.status).toBe(0);
  // The same queries on the grown models; no table lost or gained a row.
  const run = await runScript(dir, 'grown-check.ts');
  expect(run.stderr).toBe('');
  expectChinook(JSON.parse(run.stdout.trim().split('\n').pop()!), true);
}

describe('inspectdb round trip', () => {
  let dir: string;
  beforeEach(() => {
    dir = makeProject('inspectdb');
  });
  afterEach(() => removeProject(dir));

  it('regenerates Chinook on SQLite, then migrates it: the models compile, createAll adds nothing, queries work, makemigrations --check is clean; a new field goes through makemigrations and migrate, rows stay', async () => {
    await loadChinookSqlite(join(dir, 'chinook.db'));
    const { source } = await roundTrip(
      dir,
      `import { Registry } from 'keelson';\nexport const registry = new Registry('sqlite://' + __dirname + '/chinook.db');\n`,
      PASCAL,
    );
    expect(source).toContain('export class Track extends BaseModel');
    expect(source).toContain('@ForeignKey("Album", { column: "AlbumId", relatedName: "tracks", nullable: true');
    expect(source).toContain('@ForeignKey("Employee", { column: "ReportsTo", relatedName: "employees", nullable: true');
    // NVARCHAR(160) is a string(160): SQLite tells them apart by name only.
    expect(source).toContain('@Field({ type: "string", maxLength: 160 }) Title!: string;');
    expect(source).toContain('@Field({ type: "decimal", precision: 10, scale: 2 }) UnitPrice!: string;');
    expect(source).toContain('@Model({ registry, tablename: "Track", indexes: [{ name: "IFK_TrackAlbumId", fields: ["album"] }');
    expect(source).toContain('@ManyToMany("Track", { through: "PlaylistTrack", relatedName: "playlists" }) tracks!: ManyRelation<Track>;');
    expect(source).toContain(
      '@ForeignKey("Playlist", { column: "PlaylistId", primaryKey: true, relatedName: "playlistTracks", onDelete: "NO ACTION", onUpdate: "NO ACTION" }) playlist!: Relation<Playlist>;',
    );
    expect(source).toContain("// PlaylistTrack is the through model of Playlist's many-to-many.");
    expect(source).not.toContain('makemigrations reports');

    // One project for both halves (as on the servers below): loading Chinook and the round trip again would
    // only repeat the work above.
    await migrateChinook(dir, PASCAL);
    // The join table was rebuilt (SQLite cannot add a NOT NULL column without a default): its composite key survived.
    const migration = readFileSync(join(dir, 'migrations', 'default', '0001_plays_and_position.ts'), 'utf8');
    expect(migration).toContain("t.primary(['PlaylistId', 'TrackId']);");
  }, 180_000);

  it('prints the source on stdout and limits it to --tables', async () => {
    await loadChinookSqlite(join(dir, 'chinook.db'));
    writeFileSync(
      join(dir, 'registry.ts'),
      `import { Registry } from 'keelson';\nexport const registry = new Registry('sqlite://' + __dirname + '/chinook.db');\n`,
    );
    const r = await runCli(['inspectdb', '--app', 'registry.ts', '--tables', 'Artist,Album'], { cwd: dir });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('export class Album extends BaseModel');
    expect(r.stdout).toContain('export class Artist extends BaseModel');
    expect(r.stdout).not.toContain('export class Track');
    const missing = await runCli(['inspectdb', '--app', 'registry.ts', '--tables', 'Nope'], { cwd: dir });
    expect(missing.status).toBe(1);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toContain('no table Nope');
  }, 60_000);

  it('regenerates a keelson-made many-to-many as a through model that still works', async () => {
    const app = `
import { BaseModel, Field, ForeignKey, ManyToMany, Model, Registry } from 'keelson';
import type { ManyRelation, Relation } from 'keelson';
export const registry = new Registry('sqlite://' + __dirname + '/m2m.db');
@Model({ registry }) export class Tag extends BaseModel { @Field({ maxLength: 40 }) label!: string; }
@Model({ registry }) export class Post extends BaseModel {
  @Field({ maxLength: 80 }) title!: string;
  @ManyToMany('Tag') tags!: ManyRelation<Tag>;
}
async function seed() {
  await registry.createAll();
  const [a, b] = [await Tag.query.create({ label: 'a' }), await Tag.query.create({ label: 'b' })];
  const post = await Post.query.create({ title: 'hello' });
  await post.tags.add(a, b);
  await registry.disconnect();
}
if (require.main === module) seed().catch((e) => { console.error(e); process.exit(1); });
`;
    writeFileSync(join(dir, 'app.ts'), app);
    const seeded = runTs(dir, 'app.ts');
    expect(seeded.stderr).toBe('');
    writeFileSync(
      join(dir, 'registry.ts'),
      `import { Registry } from 'keelson';\nexport const registry = new Registry('sqlite://' + __dirname + '/m2m.db');\n`,
    );
    const r = await runCli(['inspectdb', '--app', 'registry.ts', '--output', 'models.ts'], { cwd: dir });
    expect(r.status).toBe(0);
    const source = readFileSync(join(dir, 'models.ts'), 'utf8');
    expect(source).toContain('export class Posttagsthrough extends BaseModel');
    expect(source).toMatch(
      /@ManyToMany\("Posts", \{ through: "Posttagsthrough", relatedName: "tags" \}\) posts!: ManyRelation<Posts>;|@ManyToMany\("Tags", \{ through: "Posttagsthrough", relatedName: "posts" \}\) tags!: ManyRelation<Tags>;/,
    );
    writeFileSync(
      join(dir, 'check.ts'),
      `import { registry } from './registry';
import { Posts, Tags } from './models';
async function main() {
  await registry.createAll();
  const post = await Posts.query.get({ title: 'hello' });
  const tag = await Tags.query.get({ label: 'a' });
  const m2m = (post as any).tags ?? (tag as any).posts;
  const count = await m2m.count();
  const labels = (await Tags.query.filter({ posts__title: 'hello' }).orderBy('label').valuesList('label', { flat: true })) as string[];
  await registry.disconnect();
  console.log(JSON.stringify({ count, labels }));
}
main().catch((e) => { console.error(e); process.exit(1); });
`,
    );
    expect(typecheck(dir)).toBe('');
    const run = runTs(dir, 'check.ts');
    expect(run.stderr).toBe('');
    const result = JSON.parse(run.stdout.trim());
    expect(result.labels).toEqual(['a', 'b']);
    expect(result.count).toBeGreaterThan(0);
  }, 120_000);
});

describeWithServer('inspectdb round trip on PostgreSQL', PG_URL, () => {
  let dir: string;
  const schema = uniqueName('chinook');
  beforeAll(async () => {
    dir = makeProject('inspectdb-pg');
    await loadChinookPostgres(schema);
  }, 180_000);
  afterAll(async () => {
    await dropPgSchema(schema);
    removeProject(dir);
  });

  it('regenerates Chinook on PostgreSQL: the models compile, createAll adds nothing, queries work, makemigrations --check is clean', async () => {
    const { source } = await roundTrip(
      dir,
      `import { Registry } from 'keelson';\nexport const registry = new Registry(${JSON.stringify(PG_URL)}, { schema: ${JSON.stringify(schema)} });\n`,
      SNAKE,
    );
    expect(source).toContain(
      '@Model({ registry, tablename: "invoice_line", indexes: [{ name: "invoice_line_invoice_id_idx", fields: ["invoice"] }, { name: "invoice_line_track_id_idx", fields: ["track"] }] })\nexport class InvoiceLine extends BaseModel',
    );
    expect(source).toContain('@ForeignKey("Album", { column: "album_id", relatedName: "tracks", nullable: true');
    // Chinook's timestamps have no time zone; keelson's datetime has one unless told otherwise.
    expect(source).toContain('@Field({ type: "datetime", timezone: false }) invoice_date!: Date;');
    expect(source).toContain(
      '@ForeignKey("Track", { column: "track_id", primaryKey: true, relatedName: "playlistTracks", onDelete: "NO ACTION", onUpdate: "NO ACTION" }) track!: Relation<Track>;',
    );
    expect(source).not.toContain('makemigrations reports');
  }, 120_000);

  it('migrates the regenerated Chinook on PostgreSQL: a new field goes through makemigrations and migrate, rows stay', async () => {
    if (!existsSync(join(dir, 'models.ts')))
      await roundTrip(
        dir,
        `import { Registry } from 'keelson';\nexport const registry = new Registry(${JSON.stringify(PG_URL)}, { schema: ${JSON.stringify(schema)} });\n`,
        SNAKE,
      );
    await migrateChinook(dir, SNAKE);
  }, 180_000);
});

describeWithServer('inspectdb round trip on MariaDB', MYSQL_URL, () => {
  let dir: string;
  let chinook: Chinook;
  beforeAll(async () => {
    dir = makeProject('inspectdb-mysql');
    chinook = await loadChinook('mysql');
  }, 180_000);
  afterAll(async () => {
    await chinook?.drop();
    removeProject(dir);
  });

  it('regenerates Chinook on MariaDB: the models compile, createAll adds nothing, queries work, makemigrations --check is clean', async () => {
    const { source } = await roundTrip(
      dir,
      `import { Registry } from 'keelson';\nexport const registry = new Registry(${JSON.stringify(chinook.url)});\n`,
      PASCAL,
    );
    expect(source).toContain('@Field({ type: "string", maxLength: 160 }) Title!: string;');
    // MariaDB's plain datetime keeps whole seconds; keelson's keeps milliseconds unless told otherwise.
    expect(source).toContain('@Field({ type: "datetime", precision: 0 }) InvoiceDate!: Date;');
    // FK_… constraints come with IFK_… indexes, which InnoDB then uses for them.
    expect(source).toContain(
      '@Model({ registry, tablename: "PlaylistTrack", indexes: [{ name: "IFK_PlaylistTrackPlaylistId", fields: ["playlist"] }, { name: "IFK_PlaylistTrackTrackId", fields: ["track"] }] })',
    );
    expect(source).toContain('@ManyToMany("Track", { through: "PlaylistTrack", relatedName: "playlists" }) tracks!: ManyRelation<Track>;');
    expect(source).not.toContain('makemigrations reports');
  }, 120_000);

  it('migrates the regenerated Chinook on MariaDB: a new field goes through makemigrations and migrate, rows stay', async () => {
    if (!existsSync(join(dir, 'models.ts')))
      await roundTrip(dir, `import { Registry } from 'keelson';\nexport const registry = new Registry(${JSON.stringify(chinook.url)});\n`, PASCAL);
    await migrateChinook(dir, PASCAL);
  }, 180_000);
});
