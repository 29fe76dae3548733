import { BaseModel, Field, ForeignKey, ManyToMany, Model, OneToOne, Registry } from '../../lib';
import type { ManyRelation, ModelClass, Relation } from '../../lib';
import { planMigration } from '../../lib/migrations/make';
import { describe as describeOp } from '../../lib/migrations/operations';
import { describeWithServer, MYSQL_URL, PG_URL, uniqueName } from '../support/servers';

/**
 * Every foreign-key column is indexed by default, as Django does (PostgreSQL makes no index for one); `index:
 * false` opts out, and a key that leads the primary key, a unique constraint or another index needs none.
 */

jest.setTimeout(60_000);

function declareModels(registry: Registry, p: string) {
  @Model({ registry, tablename: `${p}_author` })
  class Author extends BaseModel {
    @Field({ maxLength: 30 }) name!: string;
  }
  @Model({ registry, tablename: `${p}_tag` })
  class Tag extends BaseModel {
    @Field({ maxLength: 30 }) label!: string;
  }
  @Model({
    registry,
    tablename: `${p}_post`,
    uniqueTogether: [['editor', 'slug']],
    indexes: [{ fields: ['reviewer', 'slug'] }],
    constraints: [{ unique: ['publisher', 'slug'] }],
  })
  class Post extends BaseModel {
    @Field({ maxLength: 30 }) slug!: string;
    @ForeignKey('Author', { relatedName: 'posts' }) author!: Relation<Author>;
    @ForeignKey('Author', { relatedName: 'quiet', index: false, nullable: true, onDelete: 'SET NULL' }) quiet?: Relation<Author> | null;
    @ForeignKey('Author', { relatedName: 'edited' }) editor!: Relation<Author>;
    @ForeignKey('Author', { relatedName: 'reviewed' }) reviewer!: Relation<Author>;
    @ForeignKey('Author', { relatedName: 'published' }) publisher!: Relation<Author>;
    @ForeignKey('Author', { relatedName: 'sole', unique: true }) sole!: Relation<Author>;
    @ManyToMany('Tag', { relatedName: 'posts' }) tags!: ManyRelation<Tag>;
  }
  @Model({ registry, tablename: `${p}_profile` })
  class Profile extends BaseModel {
    @OneToOne('Author', { primaryKey: true, relatedName: 'profile' }) author!: Relation<Author>;
    @Field({ maxLength: 30 }) bio!: string;
  }
  return { Author, Tag, Post, Profile };
}

/** The columns of `table` that get an index of their own. */
const indexedColumns = (registry: Registry, table: string) =>
  registry.metadata.tables
    .get(table)!
    .columns.filter((c) => c.index)
    .map((c) => c.name);

describe('foreign-key indexes in the table definition', () => {
  const registry = new Registry('sqlite::memory:');
  const p = uniqueName('fi');
  declareModels(registry, p);

  it('indexes a key unless it opts out or a unique, an index or the primary key leads with it', () => {
    expect(indexedColumns(registry, `${p}_post`)).toEqual(['author_id']);
    expect(indexedColumns(registry, `${p}_profile`)).toEqual([]);
  });

  it('indexes the second key of a synthesized through model (the unique pair serves the first)', () => {
    const through = (registry.models.Post as ModelClass).meta.manyToMany.get('tags')!.through!.meta;
    expect(indexedColumns(registry, through.tablename)).toEqual(['tag_id']);
  });
});

function databaseSuite(label: string, url: string, dialect: 'sqlite' | 'postgres' | 'mysql') {
  const body = () => {
    const p = uniqueName('fk');
    let registry: Registry;

    beforeAll(async () => {
      registry = new Registry(url);
      declareModels(registry, p);
      await registry.connect();
      await registry.createAll();
    });
    afterAll(async () => {
      await registry.dropAll().catch(() => undefined);
      await registry.disconnect();
    });

    const live = async (table: string) => {
      const knex = await registry.databaseFor('default').runner();
      const [found] = await registry.databaseFor('default').driver.introspect(knex, undefined, [table]);
      return found;
    };
    const mine = async () =>
      (await planMigration(registry, 'default')).operations.filter((o) => !o.skipped && describeOp(o.op).includes(p)).map((o) => describeOp(o.op));

    it('creates one index per foreign-key column, and makemigrations --check is clean', async () => {
      const post = await live(`${p}_post`);
      const leading = (column: string) => post.indexes.filter((i) => i.columns[0] === column).map((i) => i.name);
      expect(leading('author_id')).toEqual([`${p}_post_author_id_index`]);
      expect(leading('editor_id')).toEqual([`${p}_post_editor_id_slug_unique`]);
      expect(leading('reviewer_id')).toEqual([`${p}_post_reviewer_id_slug_index`]);
      expect(leading('publisher_id')).toEqual([`${p}_post_publisher_id_slug_unique`]);
      // `index: false`: none of keelson's (MariaDB keeps one of its own for the key, which introspection leaves out).
      expect(leading('quiet_id')).toEqual([]);
      expect(await mine()).toEqual([]);
    });

    it('makemigrations adds the index to a table created without it, and is clean after', async () => {
      const knex = await registry.databaseFor('default').runner();
      const indexName = `${p}_post_author_id_index`;
      await knex.schema
        .alterTable(`${p}_post`, (t) => void t.dropIndex([], indexName))
        .catch(async (error) => {
          // MariaDB keeps the index the key needs: take the key off, drop the index, put the key back (InnoDB makes its own).
          if (dialect !== 'mysql') throw error;
          await knex.schema.alterTable(`${p}_post`, (t) => void t.dropForeign(['author_id']));
          await knex.schema.alterTable(`${p}_post`, (t) => void t.dropIndex([], indexName));
          await knex.schema.alterTable(
            `${p}_post`,
            (t) => void t.foreign('author_id').references('id').inTable(`${p}_author`).onDelete('RESTRICT').onUpdate('CASCADE'),
          );
        });
      expect(await mine()).toContain(`add index ${indexName} on ${p}_post (author_id)`);
      await knex.schema.alterTable(`${p}_post`, (t) => void t.index(['author_id'], indexName));
      expect(await mine()).toEqual([]);
    });
  };
  if (dialect === 'sqlite') describe(label, body);
  else describeWithServer(label, url, body);
}

databaseSuite('foreign-key indexes on SQLite', 'sqlite::memory:', 'sqlite');
databaseSuite('foreign-key indexes on PostgreSQL', PG_URL, 'postgres');
databaseSuite('foreign-key indexes on MariaDB', MYSQL_URL, 'mysql');
