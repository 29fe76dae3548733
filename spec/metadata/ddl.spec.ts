import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { BaseModel, DatabaseError, Field, ForeignKey, ManyToMany, Model, PrimaryKey, Registry } from '../../lib';
import type { ManyRelation, Relation } from '../../lib';
import { describeWithServer, MYSQL_URL, PG_URL, uniqueName } from '../support/servers';

/** One model set covering every field type and table option, declared on `registry` with table prefix `prefix`. */
function declareModels(registry: Registry, prefix: string) {
  @Model({ registry, tablePrefix: prefix })
  class Author extends BaseModel {
    @PrimaryKey() id!: number;
    @Field({ maxLength: 80, unique: true }) name!: string;
  }

  @Model({ registry, tablePrefix: prefix })
  class Tag extends BaseModel {
    @Field({ maxLength: 30 }) label!: string;
  }

  @Model({
    registry,
    tablePrefix: prefix,
    uniqueTogether: [['title', 'publishedOn']],
    indexes: [{ name: `${prefix}_kind_rating`, fields: ['kind', 'rating'] }],
    comment: 'every field type',
  })
  class Sample extends BaseModel {
    @Field() count!: number;
    @Field({ type: 'bigint' }) big!: number;
    @Field({ type: 'float' }) rating!: number;
    @Field({ type: 'decimal', precision: 8, scale: 3 }) price!: string;
    @Field({ maxLength: 40, index: true, comment: 'the title' }) title!: string;
    @Field({ type: 'text', nullable: true }) body?: string | null;
    @Field({ default: true }) active!: boolean;
    @Field({ type: 'date' }) publishedOn!: string;
    @Field() createdAt!: Date;
    @Field({ type: 'time' }) startsAt!: string;
    @Field({ type: 'json' }) data!: Record<string, unknown>;
    @Field({ type: 'uuid', unique: true }) ref!: string;
    @Field({ type: 'binary' }) blob!: Buffer;
    @Field({ type: 'enum', choices: ['draft', 'live'], default: 'draft' }) kind!: string;
    @ForeignKey('Author', { onDelete: 'CASCADE' }) author!: Relation<Author>;
    @ManyToMany('Tag') tags!: ManyRelation<Tag>;
  }

  return { Author, Tag, Sample };
}

type Models = ReturnType<typeof declareModels>;

const DIALECTS = [
  { name: 'sqlite', url: 'sqlite::memory:' },
  { name: 'postgres', url: PG_URL },
  { name: 'mysql', url: MYSQL_URL },
] as const;

/** Registry, models and the statements `toSQL` emits, for one dialect. */
function setUp(url: string) {
  const prefix = uniqueName('ddl');
  const registry = new Registry(url);
  const models = declareModels(registry, prefix);
  const t = (name: string) => `${prefix}_${name}`;
  return { prefix, registry, models, t };
}

describe('MetaData.toSQL', () => {
  for (const { name, url } of DIALECTS) {
    // toSQL only compiles; connecting needs no server for SQLite, and a server's driver otherwise.
    const describeIt = name === 'sqlite' ? describe : (n: string, body: () => void) => describeWithServer(n, url, body);
    describeIt(`on ${name}`, () => {
      const { registry, t } = setUp(url);
      let sql: string[];
      const statement = (pattern: RegExp | string): string => {
        const found = sql.find((s) => (typeof pattern === 'string' ? s.includes(pattern) : pattern.test(s)));
        if (!found) throw new Error(`no statement matches ${String(pattern)} in:\n${sql.join('\n')}`);
        return found;
      };

      beforeAll(async () => {
        await registry.database.connect();
        sql = registry.metadata.toSQL(registry.database.knex);
      });
      afterAll(() => registry.database.disconnect());

      it('has one table per model plus the synthesized through table', () => {
        expect([...registry.metadata.tables.keys()].sort()).toEqual([t('authors'), t('samples'), t('sampletagsthrough'), t('tags')].sort());
        expect(sql.filter((s) => /^create table/.test(s))).toHaveLength(4);
      });

      it('creates referenced tables first', () => {
        const order = sql.filter((s) => s.startsWith('create table')).map((s) => /create table [`"](\w+)[`"]/.exec(s)![1]);
        expect(order.indexOf(t('authors'))).toBeLessThan(order.indexOf(t('samples')));
        expect(order.indexOf(t('samples'))).toBeLessThan(order.indexOf(t('sampletagsthrough')));
        expect(order.indexOf(t('tags'))).toBeLessThan(order.indexOf(t('sampletagsthrough')));
        expect(order).toHaveLength(4);
      });

      it('emits the native type of every field', () => {
        const create = statement(new RegExp(`^create table [\`"]${t('samples')}[\`"]`));
        const q = name === 'postgres' ? '"' : '`';
        const col = (c: string, type: string) => expect(create).toContain(`${q}${c}${q} ${type}`);
        col('count', name === 'mysql' ? 'int not null' : 'integer not null');
        col('big', 'bigint not null');
        col('title', 'varchar(40) not null');
        col('body', 'text null');
        col('publishedOn', 'date not null');
        col('startsAt', 'time not null');
        if (name === 'postgres') {
          col('id', 'serial primary key');
          col('rating', 'double precision not null');
          col('price', 'decimal(8, 3) not null');
          col('active', "boolean not null default '1'");
          col('createdAt', 'timestamptz not null');
          col('data', 'jsonb not null');
          col('ref', 'uuid not null');
          col('blob', 'bytea not null');
          col('kind', `text check ("kind" in ('draft', 'live')) not null default 'draft'`);
          col('author_id', 'integer not null');
        } else if (name === 'mysql') {
          col('id', 'int unsigned not null auto_increment primary key');
          col('rating', 'double not null');
          col('price', 'decimal(8, 3) not null');
          col('active', "boolean not null default '1'");
          col('createdAt', 'datetime(3) not null');
          col('data', 'json not null');
          col('ref', 'char(36) not null');
          col('blob', 'blob not null');
          col('kind', "enum('draft', 'live') not null default 'draft'");
          // An FK to an auto-increment (unsigned) key must be unsigned too, or MySQL refuses the constraint.
          col('author_id', 'int unsigned not null');
          col('title', "varchar(40) not null comment 'the title'");
          expect(create).toContain("comment = 'every field type'");
          expect(create).toContain('default character set utf8mb4');
        } else {
          col('id', 'integer not null primary key autoincrement');
          col('createdAt', 'datetime not null');
          col('data', 'json not null');
          col('ref', 'char(36) not null');
          col('blob', 'blob not null');
          col('active', "boolean not null default '1'");
          col('kind', "text check (`kind` in ('draft', 'live')) not null default 'draft'");
          col('author_id', 'integer not null');
        }
      });

      it('emits comments where the dialect has them', () => {
        if (name === 'postgres') {
          expect(sql).toContain(`comment on table "${t('samples')}" is 'every field type'`);
          expect(sql).toContain(`comment on column "${t('samples')}"."title" is 'the title'`);
        } else if (name === 'sqlite') {
          expect(sql.join('\n')).not.toMatch(/comment/);
        }
      });

      it('emits unique, index, uniqueTogether and named indexes', () => {
        const all = sql.join('\n');
        if (name === 'sqlite') {
          expect(all).toContain(`create unique index \`${t('authors')}_name_unique\` on \`${t('authors')}\` (\`name\`)`);
          expect(all).toContain(`create index \`${t('samples')}_title_index\` on \`${t('samples')}\` (\`title\`)`);
          expect(all).toContain(`create unique index \`${t('samples')}_ref_unique\``);
          expect(all).toContain(`create unique index \`${t('samples')}_title_publishedon_unique\` on \`${t('samples')}\` (\`title\`, \`publishedOn\`)`);
          expect(all).toContain(`create index \`${t('kind_rating')}\` on \`${t('samples')}\` (\`kind\`, \`rating\`)`);
        } else if (name === 'postgres') {
          expect(all).toContain(`add constraint "${t('authors')}_name_unique" unique ("name")`);
          expect(all).toContain(`create index "${t('samples')}_title_index" on "${t('samples')}" ("title")`);
          expect(all).toContain(`add constraint "${t('samples')}_ref_unique" unique ("ref")`);
          expect(all).toContain(`unique ("title", "publishedOn")`);
          expect(all).toContain(`create index "${t('kind_rating')}" on "${t('samples')}" ("kind", "rating")`);
        } else {
          expect(all).toContain(`add unique \`${t('authors')}_name_unique\`(\`name\`)`);
          expect(all).toContain(`add index \`${t('samples')}_title_index\`(\`title\`)`);
          expect(all).toContain(`add unique \`${t('samples')}_ref_unique\`(\`ref\`)`);
          expect(all).toContain(`(\`title\`, \`publishedOn\`)`);
          expect(all).toContain(`add index \`${t('kind_rating')}\`(\`kind\`, \`rating\`)`);
        }
      });

      it('emits the foreign keys with their referential actions', () => {
        const all = sql.join('\n');
        const q = name === 'postgres' ? '"' : '`';
        const fk = (table: string, column: string, target: string) => {
          const s = statement(
            name === 'sqlite'
              ? `foreign key(\`${column}\`) references \`${t(target)}\`(\`id\`)`
              : `foreign key (${q}${column}${q}) references ${q}${t(target)}${q} (${q}id${q})`,
          );
          expect(s).toContain(name === 'sqlite' ? `create table \`${t(table)}\`` : `alter table ${q}${t(table)}${q}`);
          const clause = s.slice(s.indexOf(`(${q}${column}${q})`));
          expect(clause).toMatch(/on delete CASCADE/);
          expect(clause).toMatch(/on update CASCADE/);
        };
        fk('samples', 'author_id', 'authors');
        fk('sampletagsthrough', 'sample_id', 'samples');
        fk('sampletagsthrough', 'tag_id', 'tags');
        expect(all.match(/foreign key/g)).toHaveLength(3);
      });

      it('gives the through table an id, both FKs, and a unique pair', () => {
        const create = statement(new RegExp(`^create table [\`"]${t('sampletagsthrough')}[\`"]`));
        const q = name === 'postgres' ? '"' : '`';
        const fkType = name === 'mysql' ? 'int unsigned not null' : 'integer not null';
        expect(create).toContain(`${q}sample_id${q} ${fkType}`);
        expect(create).toContain(`${q}tag_id${q} ${fkType}`);
        const unique = statement(`${t('sampletagsthrough')}_sample_id_tag_id_unique`);
        expect(unique).toContain(`${q}sample_id${q}, ${q}tag_id${q}`);
        expect(unique).toMatch(/unique/);
      });
    });
  }
});

/** The tables of the model set that exist right now. */
async function existingTables(registry: Registry, t: (n: string) => string): Promise<string[]> {
  const knex = registry.database.knex;
  const names = [t('authors'), t('tags'), t('samples'), t('sampletagsthrough')];
  const found: string[] = [];
  for (const n of names) if (await knex.schema.hasTable(n)) found.push(n);
  return found.sort();
}

/** Values for every column type, and what each should read back as. */
function sampleValues(authorId: number) {
  return {
    count: 7,
    big: 9007199254740991, // Number.MAX_SAFE_INTEGER: only exact if int8 is converted, not truncated
    rating: 4.25,
    price: '12.345',
    title: 'Every type',
    body: 'long text '.repeat(100),
    active: false,
    publishedOn: '2024-02-29',
    createdAt: new Date('2024-03-01T12:34:56.789Z'),
    startsAt: '08:30:00',
    data: { nested: { list: [1, 'two', null] }, flag: true },
    ref: randomUUID(),
    blob: Buffer.from([0, 1, 2, 253, 254, 255]),
    kind: 'live',
    author: authorId,
  };
}

for (const { name, url } of DIALECTS) {
  const body = () => {
    const { registry, models, t } = setUp(url);
    const { Author, Tag, Sample } = models as Models;

    beforeAll(async () => {
      await registry.database.connect();
    });

    afterAll(async () => {
      try {
        if (registry.database.isConnected) await registry.dropAll();
      } finally {
        await registry.database.disconnect();
      }
    });

    it('createAll() creates every table', async () => {
      expect(await existingTables(registry, t)).toEqual([]);
      await registry.createAll();
      expect(await existingTables(registry, t)).toEqual([t('authors'), t('samples'), t('sampletagsthrough'), t('tags')].sort());
      const listed = await registry.database.driver.listTables(registry.database.knex);
      for (const table of registry.metadata.tables.keys()) expect(listed.has(table)).toBe(true);
    });

    it('createAll() a second time is a no-op', async () => {
      await expect(registry.createAll()).resolves.toBeUndefined();
      expect(await existingTables(registry, t)).toHaveLength(4);
    });

    it('round-trips a value of every type with the declared JS type', async () => {
      const author = await Author.query.create({ name: 'Ada' });
      expect(typeof author.id).toBe('number');
      const input = sampleValues(author.id);
      await Sample.query.create(input);
      const rows = await Sample.query.all();
      expect(rows).toHaveLength(1);
      const row = rows[0];
      expect(row).toBeInstanceOf(Sample);
      expect(typeof row.id).toBe('number');
      expect(row.count).toBe(7);
      expect(row.big).toBe(9007199254740991);
      expect(typeof row.big).toBe('number');
      expect(row.rating).toBe(4.25);
      expect(row.price).toBe('12.345');
      expect(row.title).toBe('Every type');
      expect(row.body).toBe(input.body);
      expect(row.active).toBe(false);
      expect(row.publishedOn).toBe('2024-02-29');
      expect(row.createdAt).toBeInstanceOf(Date);
      expect(row.createdAt.toISOString()).toBe('2024-03-01T12:34:56.789Z');
      expect(row.startsAt).toBe('08:30:00');
      expect(row.data).toEqual(input.data);
      expect(row.ref).toBe(input.ref);
      expect(Buffer.isBuffer(row.blob)).toBe(true);
      expect(row.blob.equals(input.blob)).toBe(true);
      expect(row.kind).toBe('live');
      expect((row as unknown as { author_id: unknown }).author_id).toBe(author.id);
    });

    it('applies literal defaults from the DDL and stores null in a nullable column', async () => {
      const author = await Author.query.create({ name: 'Grace' });
      const knex: Knex = registry.database.knex;
      const values = sampleValues(author.id);
      // Insert around keelson so only the column defaults can fill `active` and `kind`.
      await knex(t('samples')).insert({
        count: 1,
        big: 2,
        rating: 0.5,
        price: '1.000',
        title: 'defaults',
        body: null,
        publishedOn: '2024-01-01',
        createdAt: name === 'sqlite' ? values.createdAt.toISOString() : values.createdAt,
        startsAt: '00:00:00',
        data: JSON.stringify({}),
        ref: randomUUID(),
        blob: Buffer.from('x'),
        author_id: author.id,
      });
      const row = (await Sample.query.all()).find((s) => s.title === 'defaults')!;
      expect(row.active).toBe(true);
      expect(row.kind).toBe('draft');
      expect(row.body).toBeNull();
    });

    it('enforces unique, uniqueTogether and the foreign key', async () => {
      await expect(Author.query.create({ name: 'Ada' })).rejects.toBeInstanceOf(DatabaseError);
      const [sample] = await Sample.query.all();
      const author = await Author.query.create({ name: 'Linus' });
      const dup = { ...sampleValues(author.id), title: sample.title, publishedOn: sample.publishedOn };
      await expect(Sample.query.create(dup)).rejects.toBeInstanceOf(DatabaseError);
      await expect(Sample.query.create(sampleValues(999999))).rejects.toBeInstanceOf(DatabaseError);
      expect(await Sample.query.count()).toBe(2);
    });

    it('cascades a delete through the foreign key and the through table', async () => {
      const knex = registry.database.knex;
      const author = await Author.query.create({ name: 'Barbara' });
      const sample = await Sample.query.create({ ...sampleValues(author.id), title: 'cascade' });
      const tag = await Tag.query.create({ label: 'x' });
      await knex(t('sampletagsthrough')).insert({ sample_id: sample.id, tag_id: tag.id });
      await expect(knex(t('sampletagsthrough')).insert({ sample_id: sample.id, tag_id: tag.id })).rejects.toThrow();
      await knex(t('authors')).where({ id: author.id }).delete();
      expect(await knex(t('samples')).where({ id: sample.id })).toHaveLength(0);
      expect(await knex(t('sampletagsthrough')).where({ tag_id: tag.id })).toHaveLength(0);
    });

    it('dropAll() removes every table and is idempotent', async () => {
      await registry.dropAll();
      expect(await existingTables(registry, t)).toEqual([]);
      await expect(registry.dropAll()).resolves.toBeUndefined();
      expect(await existingTables(registry, t)).toEqual([]);
    });
  };
  if (name === 'sqlite') describe(`createAll / dropAll on ${name}`, body);
  else describeWithServer(`createAll / dropAll on ${name}`, url, body);
}
