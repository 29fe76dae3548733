import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import sqlite3 from 'sqlite3';
import type { IntrospectedColumn, IntrospectedForeignKey, IntrospectedTable } from '../../lib/dialects/introspection';
import { generateModels, pascalCase } from '../../lib/cli/codegen';
import { describeWithServer, PG_URL, uniqueName } from '../support/servers';
import { CHINOOK, ensureBuilt, makeProject, removeProject, runCli, runTs, typecheck } from './support';

/** A hand-made introspected column: a non-null, non-key integer unless told otherwise. */
function col(name: string, extra: Partial<IntrospectedColumn> = {}): IntrospectedColumn {
  return { name, type: 'integer', dbType: 'integer', nullable: false, primaryKey: false, autoincrement: false, unique: false, ...extra };
}
const pk = (name = 'id') => col(name, { primaryKey: true, autoincrement: true });
const str = (name: string, maxLength: number, extra: Partial<IntrospectedColumn> = {}) => col(name, { type: 'string', dbType: `varchar(${maxLength})`, maxLength, ...extra });
const fk = (column: string, table: string, references = 'id', extra: Partial<IntrospectedForeignKey> = {}): IntrospectedForeignKey => ({ column, table, references, ...extra });
function table(name: string, columns: IntrospectedColumn[], foreignKeys: IntrospectedForeignKey[] = [], uniqueTogether: string[][] = []): IntrospectedTable {
  return { name, columns, foreignKeys, uniqueTogether, indexes: [] };
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
    expect(item).toContain('@Field({ type: "enum", choices: ["draft", "live"], default: "draft" }) status!: string;');
    expect(item).toMatch(/@Field\(\{ type: "string", maxLength: 255 \}\) mood!: string; \/\/ .*enum/);
    expect(item).toContain('@Field({ type: "bigint" }) size!: number;');
    // A column that would shadow BaseModel#delete gets another property name and an explicit column.
    expect(item).toContain('@Field({ column: "delete", type: "string", maxLength: 255 }) delete_field!: string;');
    // keelson cannot map a column that is not an identifier: it is left out, with a comment.
    expect(item).not.toContain('has space!');
    expect(source).toContain('// Item: Column "has space" (integer) is left out');
  });

  it('keeps an autoincrement integer key implicit and turns a composite key into uniqueTogether', () => {
    const source = generateModels([
      table('auto', [pk(), str('name', 20)]),
      table('pair', [col('a', { primaryKey: true }), col('b', { primaryKey: true }), str('v', 10)]),
    ]);
    expect(classSource(source, 'Auto')).toContain('@PrimaryKey({ type: "integer" }) id!: number;');
    const pair = classSource(source, 'Pair');
    expect(pair).toContain('@Model({ registry, tablename: "pair", uniqueTogether: [["a", "b"]] })');
    expect(pair).toContain('@PrimaryKey({ type: "integer", autoincrement: false }) a!: number;');
    expect(pair).toContain('@Field({ type: "integer" }) b!: number;');
    expect(source).toContain('// Pair: The primary key is composite (a, b)');
  });

  it('writes foreign keys with string targets, explicit columns and clash-free property and related names', () => {
    const source = generateModels([
      table('users', [pk(), str('name', 80)]),
      table('posts', [
        pk(),
        col('author_id'),
        col('AuthorId2'),
        col('editor_id', { nullable: true }),
        str('editor', 20),
        col('created_by'),
        col('parent_id', { nullable: true }),
      ], [
        fk('author_id', 'users', 'id', { onDelete: 'CASCADE', onUpdate: 'NO ACTION' }),
        fk('AuthorId2', 'users'),
        fk('editor_id', 'users', 'id', { onDelete: 'SET NULL' }),
        fk('created_by', 'users', 'id', { onDelete: 'SET NULL' }),
        fk('parent_id', 'posts'),
      ]),
      table('comments', [pk(), col('post_id')], [fk('post_id', 'posts'), fk('missing_id', 'posts')]),
      table('notes', [pk(), col('user_id'), col('ext_id'), col('ref')], [fk('user_id', 'users'), fk('ext_id', 'elsewhere'), fk('ref', 'users', 'name')]),
    ]);
    const posts = classSource(source, 'Posts');
    expect(posts).toContain('@ForeignKey("Users", { column: "author_id", relatedName: "postss_by_author", onDelete: "CASCADE", onUpdate: "NO ACTION" }) author!: Relation<Users>;');
    expect(posts).toContain('@ForeignKey("Users", { column: "AuthorId2", relatedName: "postss_by_authorId2" }) authorId2!: Relation<Users>;');
    // `editor` is a column, so the FK on editor_id may not take that name.
    expect(posts).toContain('@Field({ type: "string", maxLength: 20 }) editor!: string;');
    expect(posts).toContain('@ForeignKey("Users", { column: "editor_id", relatedName: "postss_by_editor_id_rel", nullable: true, onDelete: "SET NULL" }) editor_id_rel!: Relation<Users> | null;');
    // SET NULL is dropped on a non-null column (keelson refuses it), and a name without _id gets _rel.
    expect(posts).toContain('@ForeignKey("Users", { column: "created_by", relatedName: "postss_by_created_by_rel" }) created_by_rel!: Relation<Users>;');
    expect(posts).toContain('@ForeignKey("Posts", { column: "parent_id", relatedName: "postss", nullable: true }) parent!: Relation<Posts> | null;');
    expect(classSource(source, 'Comments')).toContain('@ForeignKey("Posts", { column: "post_id", relatedName: "commentss" }) post!: Relation<Posts>;');
    const notes = classSource(source, 'Notes');
    expect(notes).toContain('relatedName: "notess" }) user!: Relation<Users>;');
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
    const source = generateModels([
      table('author', [pk(), col('books')]),
      table('book', [pk(), col('author_id')], [fk('author_id', 'author')]),
    ]);
    expect(classSource(source, 'Book')).toContain('relatedName: "books2" }) author!: Relation<Author>;');
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
      table('tagging', [col('student_id', { primaryKey: true }), col('course_id', { primaryKey: true })], [fk('student_id', 'student'), fk('course_id', 'course')]),
    ]);
    const student = classSource(source, 'Student');
    expect(student).toContain('@ManyToMany("Course", { through: "Enrolment", relatedName: "students" }) courses!: ManyRelation<Course>;');
    expect(classSource(source, 'Course')).not.toContain('@ManyToMany');
    const enrolment = classSource(source, 'Enrolment');
    expect(enrolment).toContain('uniqueTogether: [["student", "course"]]');
    expect(enrolment).toContain('@ForeignKey("Student", { column: "student_id", relatedName: "enrolments" }) student!: Relation<Student>;');
    expect(enrolment).toContain('@ForeignKey("Course", { column: "course_id", relatedName: "enrolments" }) course!: Relation<Course>;');
    expect(source).toContain('// Enrolment is the through model');
    // A self-referencing join table.
    expect(classSource(source, 'Person')).toMatch(/@ManyToMany\("Person", \{ through: "Friendship", relatedName: "persons" \}\) persons_to!: ManyRelation<Person>;/);
    expect(source.match(/^\s+@ManyToMany/gm)!.length).toBe(2);
    expect(source).toContain("Tagging: This looks like a join table, but keelson cannot express its key");
    expect(classSource(source, 'Tagging')).toContain('uniqueTogether: [["student_id", "course"]]');
  });
});

/** Loads the Chinook SQLite script into a new database file. */
function loadChinookSqlite(file: string): Promise<void> {
  const sql = readFileSync(join(CHINOOK, 'Chinook_Sqlite.sql'), 'utf8');
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, (openError) => {
      if (openError) return reject(openError);
      db.exec(sql, (error) => db.close(() => (error ? reject(error) : resolve())));
    });
  });
}

/** Loads the Chinook PostgreSQL script into `schema` (its CREATE DATABASE / \c preamble cut off). */
async function loadChinookPostgres(schema: string): Promise<void> {
  let sql = readFileSync(join(CHINOOK, 'Chinook_PostgreSql.sql'), 'utf8');
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

/** The script the round trip runs through ts-node: createAll must add nothing, and queries must work. */
const CHECK = (pkName: string, album: string, title: string, name: string) => `
import { registry } from './registry';
import * as models from './models';
const { Track, Album, Artist } = models as any;
async function main() {
  await registry.connect();
  const db = registry.database;
  const schema = registry.schemaFor('default');
  const before = [...(await db.driver.listTables(db.knex, schema))].sort();
  await registry.createAll();
  const after = [...(await db.driver.listTables(db.knex, schema))].sort();
  const tracks = await Track.query.count();
  const first = await Track.query.selectRelated('album').filter({ album__${title}: 'Facelift' }).orderBy('${pkName}').first();
  const artist = await Artist.query.get({ ${name}: 'AC/DC' });
  const albums = await artist.albums.count();
  const album = await Album.query.get({ ${album}: 1 });
  await registry.disconnect();
  console.log(JSON.stringify({ before, after, tracks, first: first && first.${name}, albumTitle: first && first.album.${title}, albums, album: album.${title}, models: Object.keys(models).length }));
}
main().catch((e) => { console.error(e); process.exit(1); });
`;

function roundTrip(dir: string, registrySource: string, check: string) {
  writeFileSync(join(dir, 'registry.ts'), registrySource);
  const generated = runCli(['inspectdb', '--app', 'registry.ts', '--output', 'models.ts', '--registry-import', './registry'], { cwd: dir });
  expect(generated.stderr).toContain('inspectdb: wrote 11 models');
  expect(generated.status).toBe(0);
  expect(generated.stdout).toBe('');
  const source = readFileSync(join(dir, 'models.ts'), 'utf8');
  writeFileSync(join(dir, 'check.ts'), check);
  expect(typecheck(dir)).toBe('');
  const run = runTs(dir, 'check.ts');
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return { source, result: JSON.parse(run.stdout.trim().split('\n').pop()!) };
}

describe('inspectdb round trip', () => {
  let dir: string;
  beforeAll(() => ensureBuilt(), 180_000);
  beforeEach(() => {
    dir = makeProject('inspectdb');
  });
  afterEach(() => removeProject(dir));

  it('regenerates Chinook on SQLite: the models compile, createAll adds nothing, queries work', async () => {
    await loadChinookSqlite(join(dir, 'chinook.db'));
    const { source, result } = roundTrip(
      dir,
      `import { Registry } from 'keelson';\nexport const registry = new Registry('sqlite://' + __dirname + '/chinook.db');\n`,
      CHECK('TrackId', 'AlbumId', 'Title', 'Name'),
    );
    expect(source).toContain('export class Track extends BaseModel');
    expect(source).toContain('@ForeignKey("Album", { column: "AlbumId", relatedName: "tracks", nullable: true');
    expect(source).toContain('@ForeignKey("Employee", { column: "ReportsTo", relatedName: "employees", nullable: true');
    expect(result.before).toHaveLength(11);
    expect(result.after).toEqual(result.before);
    expect(result.tracks).toBe(3503);
    expect(result.first).toBe('We Die Young');
    expect(result.albumTitle).toBe('Facelift');
    expect(result.albums).toBe(2);
    expect(result.album).toBe('For Those About To Rock We Salute You');
    expect(result.models).toBe(11);
  }, 120_000);

  it('prints the source on stdout and limits it to --tables', async () => {
    await loadChinookSqlite(join(dir, 'chinook.db'));
    writeFileSync(join(dir, 'registry.ts'), `import { Registry } from 'keelson';\nexport const registry = new Registry('sqlite://' + __dirname + '/chinook.db');\n`);
    const r = runCli(['inspectdb', '--app', 'registry.ts', '--tables', 'Artist,Album'], { cwd: dir });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('export class Album extends BaseModel');
    expect(r.stdout).toContain('export class Artist extends BaseModel');
    expect(r.stdout).not.toContain('export class Track');
    const missing = runCli(['inspectdb', '--app', 'registry.ts', '--tables', 'Nope'], { cwd: dir });
    expect(missing.status).toBe(1);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toContain('no table Nope');
  }, 60_000);

  it('regenerates a keelson-made many-to-many as a through model that still works', () => {
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
    writeFileSync(join(dir, 'registry.ts'), `import { Registry } from 'keelson';\nexport const registry = new Registry('sqlite://' + __dirname + '/m2m.db');\n`);
    const r = runCli(['inspectdb', '--app', 'registry.ts', '--output', 'models.ts'], { cwd: dir });
    expect(r.status).toBe(0);
    const source = readFileSync(join(dir, 'models.ts'), 'utf8');
    expect(source).toContain('export class Posttagsthrough extends BaseModel');
    expect(source).toMatch(/@ManyToMany\("Posts", \{ through: "Posttagsthrough", relatedName: "tagss" \}\) postss!: ManyRelation<Posts>;|@ManyToMany\("Tags", \{ through: "Posttagsthrough", relatedName: "postss" \}\) tagss!: ManyRelation<Tags>;/);
    writeFileSync(
      join(dir, 'check.ts'),
      `import { registry } from './registry';
import { Posts, Tags } from './models';
async function main() {
  await registry.createAll();
  const post = await Posts.query.get({ title: 'hello' });
  const tag = await Tags.query.get({ label: 'a' });
  const m2m = (post as any).tagss ?? (tag as any).postss;
  const count = await m2m.count();
  const labels = (await Tags.query.filter({ postss__title: 'hello' }).orderBy('label').valuesList('label', { flat: true })) as string[];
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
    ensureBuilt();
    dir = makeProject('inspectdb-pg');
    await loadChinookPostgres(schema);
  }, 180_000);
  afterAll(async () => {
    await dropPgSchema(schema);
    removeProject(dir);
  });

  it('regenerates Chinook on PostgreSQL: the models compile, createAll adds nothing, queries work', () => {
    const { source, result } = roundTrip(
      dir,
      `import { Registry } from 'keelson';\nexport const registry = new Registry(${JSON.stringify(PG_URL)}, { schema: ${JSON.stringify(schema)} });\n`,
      CHECK('track_id', 'album_id', 'title', 'name'),
    );
    expect(source).toContain('@Model({ registry, tablename: "invoice_line" })\nexport class InvoiceLine extends BaseModel');
    expect(source).toContain('@ForeignKey("Album", { column: "album_id", relatedName: "tracks", nullable: true');
    expect(result.before).toHaveLength(11);
    expect(result.after).toEqual(result.before);
    expect(result.tracks).toBe(3503);
    expect(result.first).toBe('We Die Young');
    expect(result.albumTitle).toBe('Facelift');
    expect(result.albums).toBe(2);
  }, 120_000);
});
