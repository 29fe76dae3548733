import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BaseModel, ConfigurationError, Field, ForeignKey, ManyToMany, Model, Registry } from '../../lib';
import type { ManyRelation, Relation } from '../../lib';
import { hasChanges, makeMigrations, MakeMigrationsOptions } from '../../lib/migrations/make';
import { Migrator } from '../../lib/migrations/migrator';
import { migrationRoot } from '../support/migration-files';
import { describeWithServer, MYSQL_URL, PG_URL, uniqueName } from '../support/servers';

/** The first version of the app: authors and posts. */
function version1(registry: Registry) {
  @Model({ registry, tablename: 'author' })
  class Author extends BaseModel {
    @Field({ maxLength: 80 }) name!: string;
  }
  @Model({ registry, tablename: 'post' })
  class Post extends BaseModel {
    @Field({ maxLength: 100 }) title!: string;
    @Field({ type: 'text', nullable: true }) body?: string | null;
    @Field({ default: 0 }) score!: number;
    @ForeignKey('Author', { onDelete: 'CASCADE' }) author!: Relation<Author>;
  }
  return { Author, Post };
}

/**
 * The second version: a renamed column made unique, a longer title with an index, a new NOT NULL column
 * with a default and one without, a changed default and nullability, a dropped column, a new table
 * referenced by a new foreign key, and a many-to-many (new table and through table).
 */
function version2(registry: Registry) {
  @Model({ registry, tablename: 'author' })
  class Author extends BaseModel {
    @Field({ maxLength: 80, unique: true }) label!: string;
  }
  @Model({ registry, tablename: 'category' })
  class Category extends BaseModel {
    @Field({ maxLength: 40 }) name!: string;
  }
  @Model({ registry, tablename: 'tag' })
  class Tag extends BaseModel {
    @Field({ maxLength: 30 }) word!: string;
  }
  @Model({ registry, tablename: 'post' })
  class Post extends BaseModel {
    @Field({ maxLength: 200, index: true }) title!: string;
    @Field({ type: 'integer', default: 5, nullable: true }) score!: number | null;
    @Field({ maxLength: 20, default: 'none' }) subtitle!: string;
    @Field() views!: number;
    @ForeignKey('Author', { onDelete: 'CASCADE' }) author!: Relation<Author>;
    @ForeignKey('Category', { nullable: true, onDelete: 'SET NULL' }) category?: Relation<Category> | null;
    @ManyToMany('Tag') tags!: ManyRelation<Tag>;
  }
  return { Author, Category, Tag, Post };
}

const checksum = (rows: unknown[]) => createHash('sha256').update(JSON.stringify(rows)).digest('hex');

/** Rows that must survive every step, in a stable order and with stable types. */
async function snapshot(registry: Registry, authorColumn: string) {
  const knex = await registry.databaseFor('default').runner();
  const schema = registry.dbSchema;
  const t = (name: string) => (schema ? `${schema}.${name}` : name);
  const authors = (await knex(t('author')).select('id', authorColumn).orderBy('id')).map((r: Record<string, unknown>) => [Number(r.id), r[authorColumn]]);
  const posts = (await knex(t('post')).select('id', 'title', 'author_id').orderBy('id')).map((r: Record<string, unknown>) => [
    Number(r.id),
    r.title,
    Number(r.author_id),
  ]);
  return { authors: authors.length, posts: posts.length, sum: checksum([authors, posts]) };
}

interface Target {
  label: string;
  url: string;
  /** A schema (PostgreSQL) or database (MariaDB) of the suite's own, or none for an SQLite file. */
  schema?: string;
}

function cycle(target: () => Target) {
  let dir: string;
  let registries: Registry[] = [];
  const open = (declare: (r: Registry) => unknown) => {
    const { url, schema } = target();
    const registry = new Registry(url, schema ? { schema } : {});
    declare(registry);
    registries.push(registry);
    return registry;
  };
  const make = async (registry: Registry, options: MakeMigrationsOptions = {}) => {
    await registry.connect();
    return makeMigrations(registry, { config: { directory: dir }, now: new Date('2026-01-02T03:04:05Z'), ...options });
  };
  const migrator = (registry: Registry) => new Migrator(registry, 'default', { directory: dir });
  const files = () => readdirSync(join(dir, 'default')).sort();

  beforeAll(() => {
    dir = migrationRoot('makemigrations');
  });
  afterAll(async () => {
    const last = registries[registries.length - 1];
    const { schema } = target();
    if (last && schema) {
      await last.connect();
      await last.schema.dropSchema(schema, { cascade: true, ifExists: true });
    }
    for (const r of registries) await r.disconnect();
    registries = [];
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the initial migration from an empty database, and the database then matches the models', async () => {
    const registry = open(version1);
    const [result] = await make(registry);
    expect(result.file).toMatch(/0001_initial\.ts$/);
    expect(result.operations.map((p) => p.op.kind)).toEqual(expect.arrayContaining(['createTable', 'createTable']));
    // Nothing is applied yet: the check still sees the difference, and the pending file.
    const [unapplied] = await make(registry, { check: true });
    expect(unapplied.pending).toEqual(['0001_initial']);
    expect(unapplied.operations.length).toBeGreaterThan(0);
    // A second migration is refused while the first is not applied: it would repeat its changes.
    await expect(make(registry)).rejects.toThrow('has migrations that are not applied (0001_initial): run keelson migrate first');
    expect(await migrator(registry).latest()).toEqual(['0001_initial']);
    expect(hasChanges((await make(registry, { check: true }))[0])).toBe(false);

    const { Author, Post } = registry.models as unknown as ReturnType<typeof version1>;
    for (let a = 1; a <= 3; a++) {
      const author = await Author.query.create({ name: `Author ${a}` });
      for (let p = 1; p <= 7; p++) await Post.query.create({ title: `Post ${a}.${p}`, body: p % 2 ? 'text' : null, score: p, author });
    }
    expect((await snapshot(registry, 'name')).posts).toBe(21);
  });

  it('refuses a NOT NULL column without a default on a table with rows, and writes nothing', async () => {
    const registry = open(version2);
    const before = files();
    const error = await make(registry, { renames: ['author.name:label'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain('post.views is NOT NULL without a default and "post" has rows');
    expect((error as Error).message).toContain('--fill post.views=<value>');
    expect(files()).toEqual(before);
  });

  it('refuses to drop every table because a registry has no models (model files not imported), and writes nothing', async () => {
    const registry = open(() => undefined);
    const before = files();
    const error = await make(registry).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain('No models are registered');
    expect(files()).toEqual(before);
  });

  it('rejects a rename that names no column, and writes nothing', async () => {
    const registry = open(version2);
    const error = await make(registry, { renames: ['author.nom:label'], fill: ['post.views=7'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain('"author" has no column "nom" in the database (did you mean "name"?)');
    expect(files()).toEqual(['0001_initial.ts']);
  });

  let beforeChange: Awaited<ReturnType<typeof snapshot>>;
  it('migrates every change with rows intact; the dropped column is kept until drops are allowed', async () => {
    const old = registries[0];
    beforeChange = await snapshot(old, 'name');
    const registry = open(version2);
    const [result] = await make(registry, { renames: ['author.name:label'], fill: ['post.views=7'], name: 'second version' });
    expect(result.file).toMatch(/0002_second_version\.ts$/);
    const text = readFileSync(result.file!, 'utf8');
    expect(text).toContain('export async function down(knex: Knex)');
    // The drop of post.body is written, commented out, with a warning.
    expect(result.operations.find((p) => p.op.kind === 'dropColumn')?.skipped).toBe(true);
    expect(result.warnings.join('\n')).toContain('post.body is in the database but not in the model');

    expect(await migrator(registry).latest()).toEqual(['0002_second_version']);
    expect(hasChanges((await make(registry, { check: true }))[0])).toBe(false);
    expect(await snapshot(registry, 'label')).toEqual(beforeChange);

    const knex = await registry.databaseFor('default').runner();
    const { Post, Author, Category, Tag } = registry.models as unknown as ReturnType<typeof version2>;
    const post = await Post.query.get({ title: 'Post 2.3' });
    expect(post.views).toBe(7);
    expect(post.subtitle).toBe('none');
    expect(post.score).toBe(3);
    // The new default, the new nullability, the new foreign key and many-to-many work.
    const fresh = await Post.query.create({ title: 'x'.repeat(150), views: 1, author: post.author, score: null });
    expect(fresh.score).toBeNull();
    expect((await Post.query.get({ id: fresh.id })).title).toHaveLength(150);
    const category = await Category.query.create({ name: 'news' });
    const tag = await Tag.query.create({ word: 'ts' });
    const tagged = await Post.query.create({ title: 'tagged', views: 0, author: post.author, category });
    await tagged.tags.add(tag);
    expect(await Post.query.filter({ tags__word: 'ts', category__name: 'news' }).count()).toBe(1);
    // The unique constraint on the renamed column holds.
    await expect(Author.query.create({ label: 'Author 1' })).rejects.toThrow();
    await tagged.delete();
    await fresh.delete();
    await category.delete();
    await tag.delete();
    // The kept column still holds its data.
    const bodies = await knex(registry.dbSchema ? `${registry.dbSchema}.post` : 'post')
      .whereNotNull('body')
      .count({ n: '*' });
    expect(Number(bodies[0].n)).toBe(12);
  });

  it('drops the column with --allow-drop, and the check is clean', async () => {
    const registry = open(version2);
    const [result] = await make(registry, { allowDrop: true });
    expect(result.file).toMatch(/0003_.*\.ts$/);
    expect(result.operations.every((p) => !p.skipped)).toBe(true);
    expect(await migrator(registry).latest()).toEqual([expect.stringMatching(/^0003_/)]);
    expect(hasChanges((await make(registry, { check: true, allowDrop: true }))[0])).toBe(false);
    expect(await snapshot(registry, 'label')).toEqual(beforeChange);
  });

  it('downgrades to the first version with rows intact, and migrates forward again', async () => {
    const registry = registries[registries.length - 1];
    const m = migrator(registry);
    expect(await m.downgrade()).toEqual([expect.stringMatching(/^0003_/)]);
    expect(await m.downgrade()).toEqual(['0002_second_version']);
    const v1 = open(version1);
    await v1.connect();
    // The database is the first version again; the check names the two migrations to apply.
    const [afterDown] = await make(v1, { check: true });
    expect(afterDown.operations.filter((p) => !p.skipped)).toEqual([]);
    expect(afterDown.pending).toEqual(['0002_second_version', expect.stringMatching(/^0003_/)]);
    expect(await snapshot(v1, 'name')).toEqual(beforeChange);

    expect(await m.latest()).toEqual(['0002_second_version', expect.stringMatching(/^0003_/)]);
    const v3 = open(version2);
    await v3.connect();
    expect(hasChanges((await make(v3, { check: true, allowDrop: true }))[0])).toBe(false);
    expect(await snapshot(v3, 'label')).toEqual(beforeChange);
  });
}

describe('makemigrations → migrate → downgrade', () => {
  describe('on SQLite', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'keelson-mm-sqlite-'));
    const file = join(tmp, 'app.db');
    afterAll(() => rmSync(tmp, { recursive: true, force: true }));
    cycle(() => ({ label: 'SQLite', url: `sqlite://${file}` }));
  });
  describeWithServer('on PostgreSQL', PG_URL, () => {
    const schema = uniqueName('mm');
    cycle(() => ({ label: 'PostgreSQL', url: PG_URL, schema }));
  });
  describeWithServer('on MariaDB', MYSQL_URL, () => {
    const schema = uniqueName('mm');
    cycle(() => ({ label: 'MariaDB', url: MYSQL_URL, schema }));
  });
});
