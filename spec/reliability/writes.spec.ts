import { BaseModel, DatabaseError, Field, LookupError, ManyRelation, ManyToMany, Model, QueryError, Registry } from '../../lib';
import { DIALECT_URLS, describeWithServer, uniqueName } from '../support/servers';

/** Writes that must never change data the caller did not ask to change. */
function declare(registry: Registry, prefix: string) {
  @Model({ registry, tablePrefix: prefix })
  class Label extends BaseModel {
    @Field({ maxLength: 30 }) name!: string;
  }

  @Model({ registry, tablePrefix: prefix })
  class Parcel extends BaseModel {
    @Field({ maxLength: 30, unique: true }) code!: string;
    @Field({ maxLength: 30, type: 'string', nullable: true }) note?: string | null;
    @ManyToMany(() => Label) labels!: ManyRelation<Label>;
  }
  return { Label, Parcel };
}

for (const { name, url, label } of DIALECT_URLS) {
  const body = () => {
    const registry = new Registry(url);
    const { Label, Parcel } = declare(registry, uniqueName('wr'));

    beforeAll(async () => {
      await registry.createAll();
    });
    afterAll(async () => {
      await registry.dropAll();
      await registry.disconnect();
    });
    beforeEach(async () => {
      await Parcel.query.delete();
    });

    it('treats undefined in update() as not given, on querysets and instances', async () => {
      const parcel = await Parcel.query.create({ code: 'a', note: 'keep' });
      expect(await Parcel.query.filter({ pk: parcel.pk }).update({ note: undefined })).toBe(0);
      expect(await Parcel.query.filter({ pk: parcel.pk }).update({ code: 'a2', note: undefined })).toBe(1);
      expect((await Parcel.query.get({ pk: parcel.pk })).note).toBe('keep');
      await parcel.update({ note: undefined, code: 'a3' });
      expect(parcel.note).toBe('keep');
      expect((await Parcel.query.get({ pk: parcel.pk })).note).toBe('keep');
      await parcel.update({ note: null });
      expect((await Parcel.query.get({ pk: parcel.pk })).note).toBeNull();
      await expect(Parcel.query.update({ nope: undefined } as never)).rejects.toThrow(QueryError);
    });

    it('gives an instance its old values back when the database refuses the write', async () => {
      await Parcel.query.create({ code: 'taken' });
      const parcel = await Parcel.query.create({ code: 'mine', note: 'n' });
      await expect(parcel.update({ code: 'taken', note: 'changed' })).rejects.toBeInstanceOf(DatabaseError);
      expect(parcel.code).toBe('mine');
      expect(parcel.note).toBe('n');
      const row = await Parcel.query.get({ pk: parcel.pk });
      expect([row.code, row.note]).toEqual(['mine', 'n']);
    });

    it('many-to-many add() of a key that does not exist fails; only a duplicate pair is ignored', async () => {
      const parcel = await Parcel.query.create({ code: 'p' });
      const label = await Label.query.create({ name: 'fragile' });
      await parcel.labels.add(label);
      await parcel.labels.add(label);
      expect(await parcel.labels.count()).toBe(1);
      await expect(parcel.labels.add(999_999)).rejects.toBeInstanceOf(DatabaseError);
      expect(await parcel.labels.count()).toBe(1);
    });

    it('refuses limits and offsets no driver can bind exactly', () => {
      expect(() => Parcel.query.limit(1e300)).toThrow(QueryError);
      expect(() => Parcel.query.offset(2 ** 53)).toThrow(QueryError);
      expect(() => Parcel.query.limit(Number.MAX_SAFE_INTEGER)).not.toThrow();
    });
  };
  if (name === 'sqlite') describe(`writes on ${label}`, body);
  else describeWithServer(`writes on ${label}`, url, body);
}

describe('model names', () => {
  it('never returns Object.prototype members for names like constructor or __proto__', () => {
    const registry = new Registry('sqlite::memory:');
    declare(registry, uniqueName('names'));
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
      expect(() => registry.getModel(name)).toThrow(LookupError);
      expect(registry.deleteModel(name)).toBe(false);
    }
    expect(registry.getModel('Parcel').meta.name).toBe('Parcel');
  });
});
