import { BaseModel, Field, ForeignKey, Model, Q, Registry, Relation } from '../../lib';
import { DIALECT_URLS, describeWithServer, uniqueName } from '../support/servers';

/** `exclude` and `Q.not` keep rows whose column is NULL, as Django does: NULL is not equal to 'x'. */
function declare(registry: Registry, prefix: string) {
  @Model({ registry, tablePrefix: prefix })
  class Person extends BaseModel {
    @Field({ maxLength: 20 }) name!: string;
  }

  @Model({ registry, tablePrefix: prefix })
  class Note extends BaseModel {
    @Field({ maxLength: 20 }) label!: string;
    @Field({ type: 'string', maxLength: 20, nullable: true }) tag?: string | null;
    @Field({ type: 'integer', nullable: true }) score?: number | null;
    @ForeignKey(() => Person, { nullable: true, onDelete: 'SET NULL' }) owner!: Relation<Person> | null;
  }
  return { Person, Note };
}

for (const { name, url, label } of DIALECT_URLS) {
  const body = () => {
    const registry = new Registry(url);
    const { Person, Note } = declare(registry, uniqueName('neg'));
    const labels = async (qs: PromiseLike<InstanceType<typeof Note>[]>) => (await qs).map((n) => n.label).sort();

    beforeAll(async () => {
      await registry.createAll();
      const ada = await Person.query.create({ name: 'ada' });
      const bob = await Person.query.create({ name: 'bob' });
      await Note.query.bulkCreate([
        { label: 'a', tag: 'x', score: 1, owner: ada },
        { label: 'b', tag: 'y', score: 5, owner: bob },
        { label: 'c', tag: null, score: null, owner: null },
      ]);
    });
    afterAll(async () => {
      await registry.dropAll();
      await registry.disconnect();
    });

    it('exclude keeps rows whose column is NULL', async () => {
      expect(await labels(Note.query.exclude({ tag: 'x' }))).toEqual(['b', 'c']);
      expect(await labels(Note.query.exclude({ tag__in: ['x', 'y'] }))).toEqual(['c']);
      expect(await labels(Note.query.exclude({ score__gt: 2 }))).toEqual(['a', 'c']);
      expect(await labels(Note.query.exclude({ tag__icontains: 'X' }))).toEqual(['b', 'c']);
    });

    it('Q.not keeps them too, and a double negation is the plain condition', async () => {
      expect(await labels(Note.query.filter(Q.not({ tag: 'x' })))).toEqual(['b', 'c']);
      expect(await labels(Note.query.filter(Q.or(Q.not({ score__gte: 1 }), { label: 'a' })))).toEqual(['a', 'c']);
      expect(await labels(Note.query.filter(Q.not(Q.not({ tag: 'x' }))))).toEqual(['a']);
      expect(await labels(Note.query.exclude(Q.not({ tag: 'x' })))).toEqual(['a']);
    });

    it('exclude across a nullable foreign key keeps rows without a related row', async () => {
      expect(await labels(Note.query.exclude({ owner__name: 'ada' }))).toEqual(['b', 'c']);
    });

    it('excluding NULL itself still drops the NULL rows', async () => {
      expect(await labels(Note.query.exclude({ tag: null }))).toEqual(['a', 'b']);
      expect(await labels(Note.query.exclude({ tag__isnull: true }))).toEqual(['a', 'b']);
      expect(await labels(Note.query.exclude({ tag__isnull: false }))).toEqual(['c']);
    });
  };
  if (name === 'sqlite') describe(`negation on ${label}`, body);
  else describeWithServer(`negation on ${label}`, url, body);
}
