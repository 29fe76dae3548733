import { BaseModel, Field, ForeignKey, ManyRelation, ManyToMany, Model, OneToOne, Q, QueryError, Registry, Relation } from '../../lib';
import { DIALECT_URLS, describeWithServer, uniqueName } from '../support/servers';

function declare(registry: Registry, prefix: string) {
  @Model({ registry, tablePrefix: prefix })
  class Person extends BaseModel {
    @Field({ maxLength: 60 }) name!: string;
    @Field() age!: number;
    @Field() joined!: Date;
    @Field() active!: boolean;
    @Field({ type: 'string', nullable: true, maxLength: 60 }) nickname?: string | null;
  }

  @Model({ registry, tablePrefix: prefix })
  class Profile extends BaseModel {
    @OneToOne(() => Person) person!: Relation<Person>;
    @Field() bio!: string;
  }

  @Model({ registry, tablePrefix: prefix })
  class Tag extends BaseModel {
    @Field() name!: string;
  }

  @Model({ registry, tablePrefix: prefix })
  class Article extends BaseModel {
    @Field() title!: string;
    @ForeignKey(() => Person, { onDelete: 'CASCADE' }) author!: Relation<Person>;
    @ManyToMany(() => Tag, { relatedName: 'articles' }) tags!: ManyRelation<Tag>;
  }

  @Model({ registry, tablePrefix: prefix })
  class Word extends BaseModel {
    @Field({ maxLength: 80 }) text!: string;
  }

  return { Person, Profile, Tag, Article, Word };
}

const WORDS = ['Apple', 'apple', 'APPLE pie', 'Pineapple', '100%', '100x', 'a_b', 'axb', 'x!y', 'x!!y', 'xzy', 'star*', 'stars', 'q?', 'qz', '[ab]', 'a', 'b'];

const sorted = (values: string[]) => [...values].sort();

for (const { name, url, label } of DIALECT_URLS) {
  const body = () => {
    const registry = new Registry(url);
    const { Person, Profile, Tag, Article, Word } = declare(registry, uniqueName('lk'));
    type PersonT = InstanceType<typeof Person>;
    let ann: PersonT;
    let bob: PersonT;
    let cid: PersonT;

    const names = async (qs: PromiseLike<{ name: string }[]>) => sorted((await qs).map((p) => p.name));
    const titles = async (qs: PromiseLike<{ title: string }[]>) => sorted((await qs).map((p) => p.title));
    const texts = async (qs: PromiseLike<{ text: string }[]>) => sorted((await qs).map((w) => w.text));

    beforeAll(async () => {
      await registry.createAll();
      ann = await Person.query.create({ name: 'Ann', age: 30, joined: new Date('2020-01-01T10:00:00.000Z'), active: true, nickname: 'annie' });
      bob = await Person.query.create({ name: 'Bob', age: 40, joined: new Date('2021-06-15T12:30:00.000Z'), active: false, nickname: 'bobby' });
      cid = await Person.query.create({ name: 'Cid', age: 50, joined: new Date('2022-12-31T23:59:59.000Z'), active: true, nickname: null });
      await Profile.query.create({ person: ann, bio: 'likes sailing' });
      await Profile.query.create({ person: bob, bio: 'likes hiking' });
      const red = await Tag.query.create({ name: 'red' });
      const rose = await Tag.query.create({ name: 'rose' });
      const blue = await Tag.query.create({ name: 'blue' });
      const a1 = await Article.query.create({ title: 'Roses', author: ann });
      const a2 = await Article.query.create({ title: 'Skies', author: ann });
      await Article.query.create({ title: 'Engines', author: bob });
      await a1.tags.add(red);
      await a1.tags.add(rose);
      await a2.tags.add(blue);
      await Word.query.bulkCreate(WORDS.map((text) => ({ text })));
    });

    afterAll(async () => {
      await registry.dropAll();
      await registry.disconnect();
    });

    describe('string lookups', () => {
      it('exact (also null) and iexact', async () => {
        expect(await names(Person.query.filter({ name: 'Ann' }))).toEqual(['Ann']);
        expect(await names(Person.query.filter({ name__exact: 'Bob' }))).toEqual(['Bob']);
        expect(await names(Person.query.filter({ nickname: null }))).toEqual(['Cid']);
        expect(await names(Person.query.filter({ nickname__exact: null }))).toEqual(['Cid']);
        expect(await names(Person.query.filter({ name__iexact: 'aNN' }))).toEqual(['Ann']);
        expect(await texts(Word.query.filter({ text__iexact: 'apple' }))).toEqual(['Apple', 'apple']);
        // iexact is not a pattern: wildcards in the value are literal.
        expect(await texts(Word.query.filter({ text__iexact: 'a_b' }))).toEqual(['a_b']);
        expect(await texts(Word.query.filter({ text__iexact: '100%' }))).toEqual(['100%']);
      });

      it('exact is case-sensitive', async () => {
        expect(await texts(Word.query.filter({ text: 'apple' }))).toEqual(['apple']);
        expect(await texts(Word.query.filter({ text__exact: 'Apple' }))).toEqual(['Apple']);
        expect(await Word.query.filter({ text: 'APPLE' }).count()).toBe(0);
      });

      it('case-insensitive lookups give the same rows everywhere', async () => {
        expect(await texts(Word.query.filter({ text__icontains: 'apple' }))).toEqual(sorted(['Apple', 'apple', 'APPLE pie', 'Pineapple']));
        expect(await texts(Word.query.filter({ text__icontains: 'APP' }))).toEqual(sorted(['Apple', 'apple', 'APPLE pie', 'Pineapple']));
        expect(await texts(Word.query.filter({ text__istartswith: 'apple' }))).toEqual(sorted(['Apple', 'apple', 'APPLE pie']));
        expect(await texts(Word.query.filter({ text__iendswith: 'APPLE' }))).toEqual(sorted(['Apple', 'apple', 'Pineapple']));
        expect(await texts(Word.query.filter({ text__iendswith: 'PIE' }))).toEqual(['APPLE pie']);
      });

      it('case-sensitive lookups give the same rows everywhere', async () => {
        expect(await texts(Word.query.filter({ text__contains: 'App' }))).toEqual(['Apple']);
        expect(await texts(Word.query.filter({ text__contains: 'apple' }))).toEqual(sorted(['apple', 'Pineapple']));
        expect(await texts(Word.query.filter({ text__contains: 'APPLE' }))).toEqual(['APPLE pie']);
        expect(await texts(Word.query.filter({ text__startswith: 'a' }))).toEqual(sorted(['apple', 'a_b', 'axb', 'a']));
        expect(await texts(Word.query.filter({ text__startswith: 'A' }))).toEqual(sorted(['Apple', 'APPLE pie']));
        expect(await texts(Word.query.filter({ text__endswith: 'pple' }))).toEqual(sorted(['Apple', 'apple', 'Pineapple']));
        expect(await texts(Word.query.filter({ text__endswith: 'PLE' }))).toEqual([]);
      });

      it('LIKE wildcards %, _ and the escape character ! match literally', async () => {
        expect(await texts(Word.query.filter({ text__contains: '%' }))).toEqual(['100%']);
        expect(await texts(Word.query.filter({ text__icontains: '%' }))).toEqual(['100%']);
        expect(await texts(Word.query.filter({ text__endswith: '0%' }))).toEqual(['100%']);
        expect(await texts(Word.query.filter({ text__contains: '_' }))).toEqual(['a_b']);
        expect(await texts(Word.query.filter({ text__icontains: 'A_B' }))).toEqual(['a_b']);
        expect(await texts(Word.query.filter({ text__startswith: 'a_' }))).toEqual(['a_b']);
        expect(await texts(Word.query.filter({ text__contains: '!' }))).toEqual(sorted(['x!y', 'x!!y']));
        expect(await texts(Word.query.filter({ text__icontains: 'x!y' }))).toEqual(['x!y']);
        expect(await texts(Word.query.filter({ text__contains: '!!' }))).toEqual(['x!!y']);
        expect(await texts(Word.query.filter({ text__istartswith: 'X!' }))).toEqual(sorted(['x!y', 'x!!y']));
      });

      it('GLOB characters * ? [ match literally too', async () => {
        expect(await texts(Word.query.filter({ text__contains: '*' }))).toEqual(['star*']);
        expect(await texts(Word.query.filter({ text__endswith: 'r*' }))).toEqual(['star*']);
        expect(await texts(Word.query.filter({ text__contains: '?' }))).toEqual(['q?']);
        expect(await texts(Word.query.filter({ text__startswith: 'q?' }))).toEqual(['q?']);
        expect(await texts(Word.query.filter({ text__contains: '[' }))).toEqual(['[ab]']);
        expect(await texts(Word.query.filter({ text__startswith: '[a' }))).toEqual(['[ab]']);
        expect(await texts(Word.query.filter({ text__contains: ']' }))).toEqual(['[ab]']);
        expect(await texts(Word.query.filter({ text__icontains: '*' }))).toEqual(['star*']);
        expect(await texts(Word.query.filter({ text__icontains: '[AB' }))).toEqual(['[ab]']);
      });

      it('in (also empty), range and comparisons on strings', async () => {
        expect(await names(Person.query.filter({ name__in: ['Ann', 'Cid', 'Zed'] }))).toEqual(['Ann', 'Cid']);
        expect(await Person.query.filter({ name__in: [] }).count()).toBe(0);
        expect(await Person.query.filter({ name__in: [] })).toEqual([]);
        expect(await names(Person.query.filter({ name__range: ['Ann', 'Bob'] }))).toEqual(['Ann', 'Bob']);
        expect(await names(Person.query.filter({ name__gt: 'Ann' }))).toEqual(['Bob', 'Cid']);
        expect(await names(Person.query.filter({ name__lte: 'Bob' }))).toEqual(['Ann', 'Bob']);
        expect(await names(Person.query.filter({ nickname__isnull: true }))).toEqual(['Cid']);
        expect(await names(Person.query.filter({ nickname__isnull: false }))).toEqual(['Ann', 'Bob']);
      });
    });

    describe('integer, datetime and boolean lookups', () => {
      it('integers', async () => {
        expect(await names(Person.query.filter({ age: 40 }))).toEqual(['Bob']);
        expect(await names(Person.query.filter({ age__gt: 30 }))).toEqual(['Bob', 'Cid']);
        expect(await names(Person.query.filter({ age__gte: 40 }))).toEqual(['Bob', 'Cid']);
        expect(await names(Person.query.filter({ age__lt: 40 }))).toEqual(['Ann']);
        expect(await names(Person.query.filter({ age__lte: 40 }))).toEqual(['Ann', 'Bob']);
        expect(await names(Person.query.filter({ age__range: [35, 50] }))).toEqual(['Bob', 'Cid']);
        expect(await names(Person.query.filter({ age__in: [30, 50, 99] }))).toEqual(['Ann', 'Cid']);
        expect(await Person.query.filter({ age__in: [] }).count()).toBe(0);
        expect(await Person.query.filter({ age__isnull: true }).count()).toBe(0);
        expect(await Person.query.filter({ age__isnull: false }).count()).toBe(3);
      });

      it('datetimes compared with Date values', async () => {
        expect(await names(Person.query.filter({ joined: new Date('2021-06-15T12:30:00.000Z') }))).toEqual(['Bob']);
        expect(await names(Person.query.filter({ joined__gt: new Date('2021-06-15T12:30:00.000Z') }))).toEqual(['Cid']);
        expect(await names(Person.query.filter({ joined__gte: new Date('2021-06-15T12:30:00.000Z') }))).toEqual(['Bob', 'Cid']);
        expect(await names(Person.query.filter({ joined__lt: new Date('2021-01-01T00:00:00.000Z') }))).toEqual(['Ann']);
        expect(await names(Person.query.filter({ joined__lte: new Date('2021-06-15T12:30:00.000Z') }))).toEqual(['Ann', 'Bob']);
        expect(await names(Person.query.filter({ joined__range: [new Date('2020-01-01T10:00:00.000Z'), new Date('2022-01-01T00:00:00.000Z')] }))).toEqual([
          'Ann',
          'Bob',
        ]);
        expect(await names(Person.query.filter({ joined__in: [new Date('2022-12-31T23:59:59.000Z')] }))).toEqual(['Cid']);
        const [loaded] = await Person.query.filter({ name: 'Ann' });
        expect(loaded.joined).toBeInstanceOf(Date);
        expect(loaded.joined.toISOString()).toBe('2020-01-01T10:00:00.000Z');
      });

      it('booleans', async () => {
        expect(await names(Person.query.filter({ active: true }))).toEqual(['Ann', 'Cid']);
        expect(await names(Person.query.filter({ active: false }))).toEqual(['Bob']);
        expect(await names(Person.query.filter({ active__exact: false }))).toEqual(['Bob']);
        expect(await names(Person.query.filter({ active__in: [false] }))).toEqual(['Bob']);
        expect(await names(Person.query.exclude({ active: true }))).toEqual(['Bob']);
      });
    });

    describe('keys and relations', () => {
      it('pk names the primary key', async () => {
        expect(await names(Person.query.filter({ pk: bob.pk }))).toEqual(['Bob']);
        expect(await names(Person.query.filter({ pk__in: [ann.pk, cid.pk] }))).toEqual(['Ann', 'Cid']);
        expect(await names(Person.query.filter({ pk__gt: ann.pk }))).toEqual(['Bob', 'Cid']);
        expect(await titles(Article.query.filter({ author__pk: bob.pk }))).toEqual(['Engines']);
      });

      it('a model instance stands for its key', async () => {
        expect(await titles(Article.query.filter({ author: ann }))).toEqual(['Roses', 'Skies']);
        expect(await titles(Article.query.filter({ author__exact: bob }))).toEqual(['Engines']);
        expect(await titles(Article.query.filter({ author__in: [bob, cid] }))).toEqual(['Engines']);
        expect(await titles(Article.query.filter({ author: ann.pk }))).toEqual(['Roses', 'Skies']);
        expect(await titles(Article.query.exclude({ author: ann }))).toEqual(['Engines']);
        expect(await Article.query.filter({ author: cid }).count()).toBe(0);
      });

      it('traverses a foreign key', async () => {
        expect(await titles(Article.query.filter({ author__name: 'Ann' }))).toEqual(['Roses', 'Skies']);
        expect(await titles(Article.query.filter({ author__name__icontains: 'OB' }))).toEqual(['Engines']);
        expect(await titles(Article.query.filter({ author__age__gte: 40 }))).toEqual(['Engines']);
        expect(await titles(Article.query.filter({ author__active: true }))).toEqual(['Roses', 'Skies']);
        expect(await Article.query.filter({ author__name: 'Ann' }).count()).toBe(2);
      });

      it('traverses a reverse foreign key, de-duplicated', async () => {
        // Ann has two articles that both match: she appears once.
        const found = await Person.query.filter({ articles_set__title__contains: 's' });
        expect(sorted(found.map((p) => p.name))).toEqual(['Ann', 'Bob']);
        expect(await Person.query.filter({ articles_set__title__icontains: 's' }).count()).toBe(2);
        expect(await names(Person.query.filter({ articles_set__title: 'Skies' }))).toEqual(['Ann']);
        expect(await names(Person.query.filter({ articles_set__isnull: true }))).toEqual(['Cid']);
      });

      it('traverses a one-to-one both ways', async () => {
        expect(await Profile.query.filter({ person__name: 'Bob' }).count()).toBe(1);
        expect((await Profile.query.filter({ person__age__lt: 35 })).map((p) => p.bio)).toEqual(['likes sailing']);
        expect(await names(Person.query.filter({ profile__bio__endswith: 'hiking' }))).toEqual(['Bob']);
        expect(await names(Person.query.filter({ profile__isnull: true }))).toEqual(['Cid']);
      });

      it('traverses a many-to-many both ways, de-duplicated', async () => {
        const found = await Article.query.filter({ tags__name__startswith: 'r' });
        expect(found.map((a) => a.title)).toEqual(['Roses']);
        expect(await Article.query.filter({ tags__name__startswith: 'r' }).count()).toBe(1);
        expect(await Article.query.filter({ tags__name__in: ['red', 'rose', 'blue'] }).count()).toBe(2);
        expect(await titles(Article.query.filter({ tags__name__in: ['red', 'rose', 'blue'] }))).toEqual(['Roses', 'Skies']);
        expect(await titles(Article.query.filter({ tags__isnull: true }))).toEqual(['Engines']);
        expect(await names(Tag.query.filter({ articles__title: 'Roses' }))).toEqual(['red', 'rose']);
        expect(await names(Tag.query.filter({ articles__author__name: 'Ann' }))).toEqual(['blue', 'red', 'rose']);
        // Across reverse FK then many-to-many: Ann has two matching tags on one article, still one row.
        expect(await Person.query.filter({ articles_set__tags__name__startswith: 'r' }).count()).toBe(1);
      });
    });

    describe('Q objects and exclude', () => {
      it('or, and, not', async () => {
        expect(await names(Person.query.filter(Q.or({ name: 'Ann' }, { age__gte: 50 })))).toEqual(['Ann', 'Cid']);
        expect(await names(Person.query.filter(Q.and({ active: true }, { age__gt: 30 })))).toEqual(['Cid']);
        expect(await names(Person.query.filter(Q.not({ name: 'Ann' })))).toEqual(['Bob', 'Cid']);
        expect(await names(Person.query.filter(Q.or(Q.and({ active: true }, { age__lt: 40 }), Q.not({ active: true }))))).toEqual(['Ann', 'Bob']);
        expect(await names(Person.query.filter(Q.not(Q.or({ name: 'Ann' }, { name: 'Bob' }))))).toEqual(['Cid']);
        expect(await names(Person.query.filter(Q.or({ name: 'Ann' }), { active: true }))).toEqual(['Ann']);
        expect(await names(Person.query.filter(Q.or({ articles_set__title: 'Engines' }, { profile__bio__contains: 'sailing' })))).toEqual(['Ann', 'Bob']);
      });

      it('exclude', async () => {
        expect(await names(Person.query.exclude({ name: 'Ann' }))).toEqual(['Bob', 'Cid']);
        expect(await names(Person.query.exclude({ name: 'Ann' }, { age: 30 }))).toEqual(['Bob', 'Cid']);
        expect(await names(Person.query.exclude(Q.or({ name: 'Ann' }, { name: 'Bob' })))).toEqual(['Cid']);
        expect(await names(Person.query.filter({ active: true }).exclude({ age__gt: 40 }))).toEqual(['Ann']);
        expect(await titles(Article.query.exclude({ author__name: 'Bob' }))).toEqual(['Roses', 'Skies']);
        expect(await Article.query.exclude({ author__name: 'Bob' }).count()).toBe(2);
        expect(await titles(Article.query.exclude({ author: ann }))).toEqual(['Engines']);
        expect(await titles(Article.query.exclude(Q.or({ author__name: 'Bob' }, { title: 'Roses' })))).toEqual(['Skies']);
      });
    });

    it('exclude across a many-to-many or reverse foreign key drops every row with a match', async () => {
      expect(await titles(Article.query.exclude({ tags__name: 'red' }))).toEqual(['Engines', 'Skies']);
      expect(await Article.query.exclude({ tags__name: 'red' }).count()).toBe(2);
      expect(await names(Person.query.exclude({ articles_set__title__contains: 'e' }))).toEqual(['Cid']);
    });

    describe('bad input', () => {
      let sent: string[];
      const listener = (q: { sql: string }) => sent.push(q.sql);
      beforeAll(async () => {
        await registry.database.connect();
        registry.database.knex.on('query', listener);
      });
      afterAll(() => {
        registry.database.knex.removeListener('query', listener);
      });
      beforeEach(() => {
        sent = [];
      });

      const refused = async (run: () => PromiseLike<unknown>) => {
        sent = [];
        let error: unknown;
        try {
          await run();
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(QueryError);
        expect(sent).toEqual([]);
        return error as QueryError;
      };

      it('the query listener sees SQL that is sent', async () => {
        await Person.query.count();
        expect(sent.length).toBe(1);
      });

      it('unknown fields, lookups and order keys throw QueryError before any SQL', async () => {
        expect((await refused(() => Person.query.filter({ nope: 1 }))).message).toMatch(/nope/);
        await refused(() => Person.query.filter({ nope: 1 }).count());
        await refused(() => Person.query.filter({ name__near: 'x' }));
        expect((await refused(() => Person.query.filter({ name__near: 'x' }).count())).message).toMatch(/near/);
        await refused(() => Person.query.filter({ name__icontains__exact: 'x' }));
        await refused(() => Person.query.exclude({ author__nope: 1 }));
        await refused(() => Article.query.filter({ author__nope: 1 }));
        await refused(() => Article.query.filter({ tags__nope: 'x' }).count());
        await refused(() => Person.query.filter(Q.or({ name: 'Ann' }, { nope: 1 })));
        await refused(() => Person.query.orderBy('nope'));
        await refused(() => Person.query.orderBy('-nope').fetch());
        await refused(() => Person.query.orderBy('name', 'nope').first());
        await refused(() => Person.query.orderBy('name__icontains'));
        await refused(() => Person.query.filter({ 'name; drop table x': 1 }));
        await refused(() => Person.query.filter({ 'name; drop table x': 1 }).count());
        await refused(() => Person.query.filter({ 'name; drop table x': 1 }).update({ age: 1 }));
        await refused(() => Person.query.filter({ 'name; drop table x': 1 }).delete());
        await refused(() => Person.query.filter({ nope: 1 }).exists());
        await refused(() => Person.query.filter({ nope: 1 }).first());
        await refused(() => Person.query.filter({ nope: 1 }).values('name'));
      });

      it('count() refuses a bad order key too', async () => {
        await refused(() => Person.query.orderBy('-nope').count());
      });

      it('badly typed lookup values throw QueryError before any SQL', async () => {
        await refused(() => Person.query.filter({ name__in: 'Ann' }));
        await refused(() => Person.query.filter({ age__range: [1] }));
        await refused(() => Person.query.filter({ nickname__isnull: 'yes' }));
        await refused(() => Person.query.filter({ name__contains: 5 }));
        await refused(() => Person.query.filter({ name: undefined }));
        await refused(() => Person.query.filter({ name: { $ne: 1 } }));
      });

      describe('injection attempts are harmless', () => {
        const tables = () => [Person.meta.tablename, Word.meta.tablename];
        let before: { people: number; words: number };
        const assertIntact = async () => {
          for (const table of tables()) expect(await registry.database.knex.schema.hasTable(table)).toBe(true);
          expect(await Person.query.count()).toBe(before.people);
          expect(await Word.query.count()).toBe(before.words);
        };
        beforeAll(async () => {
          before = { people: await Person.query.count(), words: await Word.query.count() };
        });

        it('in values', async () => {
          const hostile = [
            `x'); drop table ${Person.meta.tablename}; --`,
            `x"; drop table ${Word.meta.tablename}; --`,
            `' or '1'='1`,
            `%' or 1=1 --`,
            `\\'; delete from ${Person.meta.tablename}; --`,
          ];
          for (const value of hostile) {
            for (const lookup of ['exact', 'iexact', 'contains', 'icontains', 'startswith', 'istartswith', 'endswith', 'iendswith', 'gt']) {
              await Person.query.filter({ [`name__${lookup}`]: value }).fetch();
            }
            expect(await Person.query.filter({ name: value }).count()).toBe(0);
            expect(await Person.query.filter({ name__icontains: value }).count()).toBe(0);
            expect(await Person.query.filter({ name__in: [value, 'Ann'] }).count()).toBe(1);
            expect(await Person.query.filter({ name: value }).update({ age: 1 })).toBe(0);
            expect(await Person.query.filter({ name: value }).delete()).toBe(0);
            await assertIntact();
          }
          expect(await names(Person.query.filter({ name: 'Ann' }))).toEqual(['Ann']);
          expect((await Person.query.filter({ name: 'Ann' }))[0].age).toBe(30);
        });

        it('in order keys and lookup names', async () => {
          const hostileKeys = [
            `name; drop table ${Person.meta.tablename}; --`,
            `name desc; drop table ${Word.meta.tablename}`,
            `(select 1)`,
            `name__${'exact); drop table ' + Person.meta.tablename + '; --'}`,
            `name__icontains' or '1'='1`,
          ];
          for (const key of hostileKeys) {
            await refused(() => Person.query.orderBy(key));
            await refused(() => Person.query.orderBy(`-${key}`));
            await refused(() => Person.query.filter({ [key]: 'Ann' }));
            await refused(() => Person.query.filter({ [`name__${key}`]: 'Ann' }));
            await refused(() => Person.query.filter({ [key]: 'Ann' }).delete());
            await refused(() => Person.query.filter({ name: 'Ann' }).update({ [key]: 'x' }));
            await assertIntact();
          }
        });
      });
    });
  };
  if (name === 'sqlite') describe(`lookups on ${label}`, body);
  else describeWithServer(`lookups on ${label}`, url, body);
}
