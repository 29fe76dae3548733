import knexFactory, { type Knex } from 'knex';
import { introspectPostgres } from '../../lib/dialects/postgres/introspect';
import { describeWithServer, PG_URL, uniqueName } from '../support/servers';

/*
 * Introspection reads the tables, then their columns, indexes and keys. Another session may drop a table in
 * between (migrations of another service, tests in parallel): every query reads its own snapshot of the
 * catalog, and a column must never come back without its type.
 */
describeWithServer('PostgreSQL introspection while another session drops a table', PG_URL, () => {
  const schema = uniqueName('snap');
  let reader: Knex;
  let other: Knex;

  beforeAll(async () => {
    reader = knexFactory({ client: 'pg', connection: PG_URL, pool: { min: 1, max: 1 } });
    other = knexFactory({ client: 'pg', connection: PG_URL, pool: { min: 1, max: 1 } });
    await other.raw(`create schema "${schema}"`);
  });

  afterAll(async () => {
    await other.raw(`drop schema if exists "${schema}" cascade`);
    await Promise.all([reader.destroy(), other.destroy()]);
  });

  it('reads the columns of a table dropped after its snapshot with their types, as they were', async () => {
    await other.raw(`create table "${schema}".kept (id integer primary key, name varchar(20) not null, at timestamp(3))`);
    await other.raw(`create table "${schema}".gone (id integer primary key, tags text[])`);
    await reader.transaction(
      async (trx) => {
        // The transaction's snapshot is taken by its first statement: the table is there.
        const [{ n }] = (await trx.raw(`select count(*)::int as n from information_schema.tables where table_schema = ?`, [schema])).rows;
        expect(n).toBe(2);
        await other.raw(`drop table "${schema}".gone`);
        const tables = await introspectPostgres(trx, schema);
        const types = Object.fromEntries(tables.map((t) => [t.name, t.columns.map((c) => [c.name, c.nativeType])]));
        expect(types).toEqual({
          gone: [
            ['id', 'integer'],
            ['tags', 'text[]'],
          ],
          kept: [
            ['id', 'integer'],
            ['name', 'character varying(20)'],
            ['at', 'timestamp(3) without time zone'],
          ],
        });
      },
      { isolationLevel: 'repeatable read' },
    );
    // A new snapshot no longer has it.
    expect((await introspectPostgres(reader, schema)).map((t) => t.name)).toEqual(['kept']);
  });
});
