import { BaseModel, Database, Field, Manager, Model, Registry } from '../../lib';
import { describeWithServer, MYSQL_URL, PG_URL, uniqueName } from '../support/servers';

/** The same model set on two databases of one server: `using(alias)` runs a queryset on the other one. */
for (const [label, url] of [
  ['PostgreSQL', PG_URL],
  ['MariaDB', MYSQL_URL],
] as const) {
  describeWithServer(`using() across two ${label} databases`, url, () => {
    const second = uniqueName('keelson_second');
    const secondUrl = url.replace(/\/[^/?]+(\?.*)?$/, `/${second}$1`);
    const admin = new Database(url);
    let registry: Registry;
    let Note: ReturnType<typeof declare>;

    function declare(r: Registry) {
      @Model({ registry: r, tablePrefix: uniqueName('using') })
      class UsingNote extends BaseModel {
        declare static query: Manager<UsingNote>;
        @Field() text!: string;
      }
      return UsingNote;
    }

    beforeAll(async () => {
      await admin.connect();
      await admin.knex.raw('create database ??', [second]);
      registry = new Registry(url, { extra: { second: secondUrl } });
      Note = declare(registry);
      await registry.connect();
      await registry.createAll();
      // The default alias's tables, created on the second database too.
      await registry.metadata.createAll({ on: registry.extra.second });
    });

    afterAll(async () => {
      await registry.metadata.dropAll({ on: registry.extra.second });
      await registry.dropAll();
      await registry.disconnect();
      await admin.knex.raw('drop database ??', [second]);
      await admin.disconnect();
    });

    it('writes and reads each database separately', async () => {
      await Note.query.create({ text: 'primary' });
      const there = await Note.query.using('second').create({ text: 'second' });
      await Note.query.using('second').bulkCreate([{ text: 'second-2' }, { text: 'second-3' }]);
      expect(await Note.query.valuesList('text', { flat: true })).toEqual(['primary']);
      expect(await Note.query.using('second').orderBy('id').valuesList('text', { flat: true })).toEqual(['second', 'second-2', 'second-3']);
      // An instance remembers where it came from: its writes go back there.
      await there.update({ text: 'second-updated' });
      expect(await Note.query.using('second').filter({ text: 'second-updated' }).count()).toBe(1);
      expect(await Note.query.filter({ text: 'second-updated' }).count()).toBe(0);
      const loaded = await Note.query.using('second').get({ text: 'second-2' });
      await loaded.delete();
      expect(await Note.query.using('second').count()).toBe(2);
      expect(await Note.query.using('second').filter({ text__startswith: 'second' }).update({ text: 'x' })).toBe(2);
      expect(await Note.query.count()).toBe(1);
    });

    it('refuses an unknown alias', () => {
      expect(() => Note.query.using('nope')).toThrow(/no database "nope"/);
    });
  });
}
