import { BaseModel, ConfigurationError, Database, DatabaseError, Field, KeelsonError, Model, Registry } from '../../lib';
import { rejection } from '../support/rejection';
import { DIALECT_URLS, describeWithServer, MYSQL_URL, PG_URL, uniqueName } from '../support/servers';
import { expectOnlyConnectionWarnings } from '../support/connection-warnings';

function declare(registry: Registry, prefix: string) {
  @Model({ registry, tablePrefix: prefix })
  class Entry extends BaseModel {
    @Field() n!: number;
  }
  return Entry;
}

for (const { name, url, label } of DIALECT_URLS) {
  const body = () => {
    it('a query after disconnect() fails clearly instead of reopening the pool, until connect()', async () => {
      const registry = new Registry(url);
      const Entry = declare(registry, uniqueName('life'));
      try {
        await registry.createAll();
        await Entry.query.create({ n: 1 });
        await registry.disconnect();
        const error = await rejection(() => Entry.query.count());
        expect(error).toBeInstanceOf(ConfigurationError);
        expect(String((error as Error).message)).toMatch(/disconnected.*connect\(\)/);
        expect(registry.database.isConnected).toBe(false);
        await registry.connect();
        await registry.createAll();
        expect(await Entry.query.count()).toBeGreaterThanOrEqual(0);
      } finally {
        if (registry.database.isConnected) await registry.dropAll();
        await registry.disconnect();
      }
    });

    it('queries in flight when disconnect() starts finish, then the pool closes', async () => {
      const registry = new Registry(url);
      const Entry = declare(registry, uniqueName('life'));
      await registry.createAll();
      try {
        const inFlight = Promise.all(Array.from({ length: 20 }, (_, i) => Entry.query.create({ n: i })));
        // Let the first statements reach the pool before closing it.
        await new Promise((resolve) => setImmediate(resolve));
        const closing = registry.disconnect();
        const settled = await Promise.allSettled([inFlight]);
        await closing;
        // Whatever was already running finished; nothing hangs, and every failure is a KeelsonError.
        for (const s of settled) if (s.status === 'rejected') expect(s.reason).toBeInstanceOf(KeelsonError);
      } finally {
        await registry.connect();
        await registry.dropAll();
        await registry.disconnect();
      }
    });
  };
  if (name === 'sqlite') describe(`lifecycle on ${label}`, body);
  else describeWithServer(`lifecycle on ${label}`, url, body);
}

/** Kills the server side of the connection a transaction runs on, then runs one more statement in it. */
const killers: { name: string; url: string; pid: string; kill: (admin: Database, pid: number) => Promise<unknown> }[] = [
  { name: 'PostgreSQL', url: PG_URL, pid: 'select pg_backend_pid() as pid', kill: (admin, pid) => admin.knex.raw('select pg_terminate_backend(?)', [pid]) },
  { name: 'MariaDB', url: MYSQL_URL, pid: 'select connection_id() as pid', kill: (admin, pid) => admin.knex.raw(`kill ${Number(pid)}`) },
];

for (const { name, url, pid: pidSql, kill } of killers) {
  describeWithServer(`a connection killed inside transaction() on ${name}`, url, () => {
    const registry = new Registry(url);
    const Entry = declare(registry, uniqueName('killed'));
    const admin = new Database(url);
    beforeAll(async () => {
      await admin.connect();
      await registry.createAll();
    });
    afterAll(async () => {
      await registry.dropAll();
      await registry.disconnect();
      await admin.disconnect();
    });
    // Declared after the suite's own afterAll, so warnings of the disconnects above are still captured and checked.
    expectOnlyConnectionWarnings();

    it('rejects with a DatabaseError that keeps the original error, and commits nothing', async () => {
      const error = await rejection(() =>
        registry.database.transaction(async (trx) => {
          await Entry.query.create({ n: 1 });
          const result = await trx.raw(pidSql);
          const row = (Array.isArray(result) ? result[0][0] : result.rows[0]) as { pid: number | string };
          await kill(admin, Number(row.pid));
          await Entry.query.create({ n: 2 });
        }),
      );
      expect(error).toBeInstanceOf(DatabaseError);
      expect((error as DatabaseError).cause).toBeDefined();
      expect(await Entry.query.count()).toBe(0);
    });

    it('a user error thrown inside the transaction still comes out as thrown', async () => {
      const mine = new Error('mine');
      await expect(
        registry.database.transaction(async () => {
          await Entry.query.create({ n: 3 });
          throw mine;
        }),
      ).rejects.toBe(mine);
      expect(await Entry.query.count()).toBe(0);
    });
  });
}
