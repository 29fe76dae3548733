import { Database, Model, ReflectModel, Registry } from '../../lib';
import { tableDefinition } from '../../lib/metadata/table-definition';
import { describeWithServer, PG_URL, uniqueName } from '../support/servers';

/** A reflected field takes its live column's whole spec (the live type's name aside), as a declared one would. */
describeWithServer('reflected column specs on PostgreSQL', PG_URL, () => {
  const table = uniqueName('clock');
  const admin = new Database(PG_URL);

  beforeAll(async () => {
    await admin.connect();
    await admin.knex!.raw(
      `create table "${table}" (id serial primary key, wall timestamp without time zone, stamped timestamptz(3), ` +
        `tags varchar(20)[], total numeric(8,2) not null default 0)`,
    );
  });
  afterAll(async () => {
    await admin.knex!.raw(`drop table if exists "${table}"`);
    await admin.disconnect();
  });

  it('gives a timestamp without time zone timezone: false, and each column the type it has', async () => {
    const registry = new Registry(PG_URL);
    @Model({ registry, reflect: true, tablename: table })
    class Clock extends ReflectModel {}
    await registry.connect();
    try {
      const field = (name: string) => Clock.meta.fields.get(name)!;
      expect(field('wall')).toMatchObject({ type: 'datetime', timezone: false, precision: 6, nullable: true });
      expect(field('stamped')).toMatchObject({ type: 'datetime', precision: 3 });
      expect(field('stamped').timezone).toBeUndefined();
      expect(field('tags')).toMatchObject({ type: 'array', of: 'string', maxLength: 20 });
      expect(field('total')).toMatchObject({ type: 'decimal', precision: 8, scale: 2, nullable: false });
      // The live type's name is not a raw type the model declares.
      expect(field('wall').dbType).toBeUndefined();
      // The model's DDL is the live table's: every column has the live column's type.
      const [live] = await registry.database.driver.introspect(admin.knex!, undefined, [table]);
      const liveColumns = new Map(live.columns.map((c) => [c.name, c]));
      for (const column of tableDefinition(Clock.meta, undefined).columns) {
        expect([column.name, registry.database.driver.columnTypeMatches(column, liveColumns.get(column.name)!)]).toEqual([column.name, true]);
      }
    } finally {
      await registry.disconnect();
    }
  });
});
