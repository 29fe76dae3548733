import { BaseModel, Field, Model, QueryError, Registry } from '../../lib';
import { DIALECT_URLS, describeWithServer, uniqueName } from '../support/servers';
import { rejection } from '../support/rejection';

for (const { url, label } of DIALECT_URLS) {
  describeWithServer(`raw SQL on ${label}`, url, () => {
    const registry = new Registry(url);
    const prefix = uniqueName('raw');

    @Model({ registry, tablePrefix: prefix })
    class Note extends BaseModel {
      @Field({ maxLength: 40 }) title!: string;
      @Field() rank!: number;
    }
    const table = Note.meta.tablename;
    const q = (id: string) => registry.database.driver.quoteIdentifier(id);

    beforeAll(async () => {
      await registry.createAll();
      await Note.query.bulkCreate([
        { title: 'a', rank: 1 },
        { title: 'b', rank: 2 },
        { title: 'c', rank: 3 },
      ]);
    });
    afterAll(async () => {
      await registry.dropAll();
      await registry.disconnect();
    });

    it('database.raw and registry.raw give plain rows with ? bound', async () => {
      const rows = await registry.database.raw(`select ${q('title')} from ${q(table)} where ${q('rank')} >= ? order by ${q('rank')}`, [2]);
      expect(rows).toEqual([{ title: 'b' }, { title: 'c' }]);
      const viaRegistry = await registry.raw(`select count(*) as n from ${q(table)} where ${q('title')} = ?`, ["c' or '1'='1"]);
      expect(Number(viaRegistry[0].n)).toBe(0);
      // A statement without rows gives an empty list on every driver.
      expect(await registry.raw(`update ${q(table)} set ${q('rank')} = ${q('rank')} where ${q('title')} = ?`, ['none'])).toEqual([]);
    });

    it('Model.query.raw hydrates instances that can be saved', async () => {
      const notes = await Note.query.raw(`select * from ${q(table)} where ${q('rank')} < ? order by ${q('rank')}`, [3]);
      expect(notes.map((n) => n.title)).toEqual(['a', 'b']);
      expect(notes[0]).toBeInstanceOf(Note);
      expect(typeof notes[0].rank).toBe('number');
      notes[0].title = 'a2';
      await notes[0].save();
      expect((await Note.query.get({ pk: notes[0].pk })).title).toBe('a2');
    });

    it('joins the ambient transaction: a raw write rolls back with it, and is visible inside it', async () => {
      await expect(
        registry.database.transaction(async () => {
          await registry.raw(`insert into ${q(table)} (${q('title')}, ${q('rank')}) values (?, ?)`, ['tx', 9]);
          expect(await Note.query.filter({ title: 'tx' }).count()).toBe(1);
          expect((await Note.query.raw(`select * from ${q(table)} where ${q('title')} = ?`, ['tx'])).length).toBe(1);
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      expect(await Note.query.filter({ title: 'tx' }).count()).toBe(0);
      expect(await registry.raw(`select * from ${q(table)} where ${q('title')} = ?`, ['tx'])).toEqual([]);
    });

    it('refuses bad input with QueryError before sending anything', async () => {
      await expect(registry.raw('')).rejects.toThrow(QueryError);
      await expect(registry.raw('select ?', 'x' as never)).rejects.toThrow(/bindings must be an array/);
      await expect(registry.raw('select ?', [undefined])).rejects.toThrow(/binding 0 is undefined/);
      const count = await rejection(() => registry.raw('select ? as a, ? as b', [1]));
      expect(count).toBeInstanceOf(QueryError);
      expect(count.message).toMatch(/the SQL has 2 \? placeholder\(s\) but 1 binding\(s\) were given/);
      await expect(registry.raw('select 1', [], { using: 'nope' })).rejects.toThrow(/no database "nope"/);
    });
  });
}
