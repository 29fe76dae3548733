import { Client } from 'pg';
import { BaseModel, ConfigurationError, Database, Field, Manager, Model, Registry } from '../../lib';
import { describeWithServer, PG_URL, PGBOUNCER_URL, uniqueName, withUrlOption } from '../support/servers';

/** A model on `registry`, on its own table. */
function declare(registry: Registry, tablename: string) {
  @Model({ registry, tablename })
  class Gauge extends BaseModel {
    declare static query: Manager<Gauge>;
    @Field({ maxLength: 40, unique: true }) label!: string;
    @Field() reading!: number;
  }
  return Gauge;
}

type Gauge = ReturnType<typeof declare>;

/** The statements prepared on the connection `db` runs on (a pool of one), that read `table`. */
async function preparedOn(db: Database, table: string): Promise<string[]> {
  const rows = await db.raw('select statement from pg_prepared_statements');
  return rows.map((r) => String(r.statement)).filter((sql) => sql.includes(table));
}

describeWithServer('PostgreSQL named prepared statements', PG_URL, () => {
  const table = uniqueName('prepared_gauges');
  const setup = new Registry(PG_URL);
  const SetupGauge = declare(setup, table);

  beforeAll(async () => {
    await setup.createAll();
    await SetupGauge.query.bulkCreate([1, 2, 3, 4, 5, 6].map((n) => ({ label: `g${n}`, reading: n * 10 })));
  });
  afterAll(async () => {
    await setup.dropAll();
    await setup.disconnect();
  });

  /** Runs `body` with a registry on a pool of one connection, so every statement shares it. */
  async function onOneConnection(options: ConstructorParameters<typeof Registry>[1], body: (registry: Registry, model: Gauge) => Promise<void>, url = PG_URL) {
    const registry = new Registry(withUrlOption(url, 'pool_max', '1'), options);
    try {
      await body(registry, declare(registry, table));
    } finally {
      await registry.disconnect();
    }
  }

  it('prepares a statement the second time a connection runs it, and runs it by name from then on', async () => {
    await onOneConnection({}, async (registry, Model) => {
      expect((await Model.query.get({ label: 'g1' })).reading).toBe(10);
      expect(await preparedOn(registry.database, table)).toEqual([]);
      expect((await Model.query.get({ label: 'g2' })).reading).toBe(20);
      const [statement] = await preparedOn(registry.database, table);
      expect(statement).toMatch(/"label" = \$1/);
      // Each later call binds its own values to the one prepared statement.
      for (let n = 3; n <= 6; n++) expect((await Model.query.get({ label: `g${n}` })).reading).toBe(n * 10);
      expect(await preparedOn(registry.database, table)).toHaveLength(1);
    });
  });

  it('keeps at most `preparedStatements` per connection, deallocating the least recently used', async () => {
    await onOneConnection({ preparedStatements: 2 }, async (registry, Model) => {
      const shapes = [
        () => Model.query.filter({ reading__gte: 10 }).orderBy('id'),
        () => Model.query.filter({ reading__lte: 60 }).orderBy('id'),
        () => Model.query.filter({ label__startswith: 'g' }).orderBy('id'),
        () => Model.query.filter({ reading__in: [10, 20] }).orderBy('id'),
      ];
      for (const shape of shapes) for (let i = 0; i < 3; i++) expect((await shape()).length).toBeGreaterThan(0);
      const prepared = await preparedOn(registry.database, table);
      expect(prepared.length).toBeLessThanOrEqual(2);
      // The most recent shape is still prepared.
      expect(prepared.some((sql) => sql.includes(' in ('))).toBe(true);
    });
  });

  it('keeps at most 1 MiB of prepared SQL per connection: a longer statement runs unprepared, long ones make room', async () => {
    await onOneConnection({}, async (registry) => {
      const db = registry.database;
      const statement = (tag: string, kilobytes: number) => `select '${tag}' as tag where '${'x'.repeat(kilobytes * 1024)}' <> $1`;
      const prepared = async () => (await db.raw('select statement from pg_prepared_statements')).map((r) => String(r.statement).slice(0, 30));
      const huge = statement('huge', 1100);
      for (let i = 0; i < 3; i++) expect(await db.runStatement(huge, ['y'], 'rows')).toEqual([{ tag: 'huge' }]);
      expect(await prepared()).toEqual([]);
      for (const tag of ['first', 'second']) for (let i = 0; i < 2; i++) await db.runStatement(statement(tag, 600), ['y'], 'rows');
      // The second 600 KB statement pushed the first out: deallocated before the connection's next statement.
      await db.runStatement(statement('second', 600), ['y'], 'rows');
      expect(await prepared()).toEqual([`select 'second' as tag where '`]);
    });
  });

  it('prepares nothing with `preparedStatements: false` or `?prepared_statements=false`', async () => {
    for (const [options, url] of [
      [{ preparedStatements: false }, PG_URL],
      [{}, withUrlOption(PG_URL, 'prepared_statements', 'false')],
    ] as const) {
      await onOneConnection(
        options,
        async (registry, Model) => {
          for (let i = 0; i < 3; i++) expect((await Model.query.get({ label: 'g1' })).reading).toBe(10);
          expect(await preparedOn(registry.database, table)).toEqual([]);
        },
        url,
      );
    }
  });

  it('refuses a preparedStatements setting that is not true, false or a count', () => {
    expect(() => new Database(PG_URL, { preparedStatements: -1 })).toThrow(ConfigurationError);
    expect(() => new Registry(PG_URL, { preparedStatements: 'yes' as unknown as boolean })).toThrow(/preparedStatements must be true, false/);
    expect(() => new Database(`${PG_URL}?prepared_statements=maybe`)).toThrow(/prepared_statements must be true, false/);
  });

  describe('after a column changes type under a prepared statement', () => {
    const altered = uniqueName('prepared_altered');

    it('runs it again (unprepared, then prepared anew) when the change came from another connection', async () => {
      const registry = new Registry(withUrlOption(PG_URL, 'pool_max', '1'));
      const Model = declare(registry, altered);
      const other = new Client({ connectionString: PG_URL });
      await other.connect();
      try {
        await registry.createAll();
        await Model.query.create({ label: 'a', reading: 7 });
        for (let i = 0; i < 3; i++) expect((await Model.query.get({ label: 'a' })).reading).toBe(7);
        // Not through keelson: keelson cannot know, and the server refuses the prepared statement's old plan.
        await other.query(`alter table "${altered}" alter column "reading" type numeric(12, 2)`);
        expect(Number((await Model.query.get({ label: 'a' })).reading)).toBe(7);
        expect(Number((await Model.query.get({ label: 'a' })).reading)).toBe(7);
      } finally {
        await other.end();
        await registry.dropAll();
        await registry.disconnect();
      }
    });

    it('prepares anew inside a transaction when the change went through keelson in that transaction', async () => {
      const registry = new Registry(withUrlOption(PG_URL, 'pool_max', '1'));
      const Model = declare(registry, altered);
      try {
        await registry.createAll();
        await Model.query.create({ label: 'a', reading: 7 });
        for (let i = 0; i < 3; i++) expect((await Model.query.get({ label: 'a' })).reading).toBe(7);
        const reading = await registry.database.transaction(async () => {
          await registry.database.raw(`alter table "${altered}" alter column "reading" type numeric(12, 2)`);
          return (await Model.query.get({ label: 'a' })).reading;
        });
        expect(Number(reading)).toBe(7);
      } finally {
        await registry.dropAll();
        await registry.disconnect();
      }
    });
  });

  it('turns preparing off when the server lost a statement it prepared (as a pooler in transaction mode does), and retries', async () => {
    await onOneConnection({}, async (registry, Model) => {
      for (let i = 0; i < 3; i++) await Model.query.get({ label: 'g1' });
      expect(await preparedOn(registry.database, table)).toHaveLength(1);
      // Behind the driver's back, as when the next transaction lands on another server connection.
      await registry.database.raw('deallocate all');
      expect((await Model.query.get({ label: 'g2' })).reading).toBe(20);
      for (let i = 0; i < 3; i++) expect((await Model.query.get({ label: 'g3' })).reading).toBe(30);
      expect(await preparedOn(registry.database, table)).toEqual([]);
    });
  });
});

describeWithServer('PostgreSQL prepared statements through PgBouncer (transaction pooling)', PGBOUNCER_URL, () => {
  it('reads correctly with preparing left on, while other clients hold server connections in transactions', async () => {
    const registry = new Registry(withUrlOption(PGBOUNCER_URL, 'pool_max', '1'));
    const Model = declare(registry, uniqueName('bouncer_gauges'));
    const holders = [0, 1, 2].map(() => new Client({ connectionString: PGBOUNCER_URL }));
    try {
      await registry.createAll();
      await Model.query.bulkCreate([1, 2, 3].map((n) => ({ label: `g${n}`, reading: n })));
      for (const holder of holders) await holder.connect();
      for (let round = 0; round < 3; round++) {
        for (let i = 0; i < 5; i++) expect((await Model.query.get({ label: `g${1 + (i % 3)}` })).reading).toBe(1 + (i % 3));
        // Pins the most recently used server connection, so keelson's next statements land on another one.
        await holders[round].query('begin');
        await holders[round].query('select 1');
      }
      for (let i = 0; i < 5; i++) expect((await Model.query.get({ label: 'g2' })).reading).toBe(2);
    } finally {
      for (const holder of holders) await holder.end().catch(() => undefined);
      await registry.dropAll();
      await registry.disconnect();
    }
  });
});
