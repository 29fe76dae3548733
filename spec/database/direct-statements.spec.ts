import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BaseModel, Field, IntegrityError, Manager, Model, Registry } from '../../lib';
import { countAcquires, poolClient, poolServes } from '../support/pool';
import { DIALECT_URLS, describeWithServer, uniqueName, withUrlOption } from '../support/servers';

/**
 * Between statements keelson keeps one pool connection instead of taking it from the pool and giving it back
 * around each one. A service's requests come with idle gaps between them; the connection stays held across
 * them, yet nobody ever waits for it: the pool gets it back the moment anyone else asks for a connection,
 * after a failed statement, and after the pool's idle timeout.
 */
function declare(registry: Registry, tablename: string) {
  @Model({ registry, tablename })
  class Ticket extends BaseModel {
    declare static query: Manager<Ticket>;
    @Field({ maxLength: 40, unique: true }) code!: string;
    @Field() seats!: number;
  }
  return Ticket;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const { name, url: given, label } of DIALECT_URLS) {
  // SQLite in a file: the tests disconnect and connect again, which would lose an in-memory database.
  const file = path.join(tmpdir(), `${uniqueName('keelson_held')}.sqlite`);
  const url = name === 'sqlite' ? given.replace('::memory:', `://${file}`) : withUrlOption(given, 'pool_max', '1');
  describeWithServer(`the connection held between statements on ${label}`, url, () => {
    const registry = new Registry(url);
    const Ticket = declare(registry, uniqueName('held_tickets'));
    const db = registry.database;

    beforeAll(async () => {
      await registry.createAll();
      await Ticket.query.bulkCreate([
        { code: 'a', seats: 1 },
        { code: 'b', seats: 2 },
      ]);
    });
    afterAll(async () => {
      await registry.dropAll();
      await registry.disconnect();
      rmSync(file, { force: true });
    });

    it('stays held across idle gaps: statements after a pause ask the pool for nothing', async () => {
      await Ticket.query.get({ code: 'a' });
      const acquires = countAcquires(db);
      try {
        for (let i = 0; i < 3; i++) {
          await pause(15);
          expect((await Ticket.query.get({ code: 'b' })).seats).toBe(2);
          expect(await Ticket.query.filter({ code: 'a' }).update({ seats: 1 })).toBe(1);
        }
        expect(acquires.count).toBe(0);
      } finally {
        acquires.stop();
      }
    });

    it('gives it to anyone who asks the pool, at once: on a pool of one, a Knex query and a transaction run while it is held', async () => {
      await Ticket.query.get({ code: 'a' });
      await pause(5);
      expect(await poolServes(db, 2000)).toBe(true);
      const [row] = (await db.knex(Ticket.meta.tablename).where('code', 'b').select('seats')) as { seats: number }[];
      expect(row.seats).toBe(2);
      expect(await db.transaction(async () => (await Ticket.query.get({ code: 'a' })).seats)).toBe(1);
      // And it is held again by the next statement outside the transaction.
      expect((await Ticket.query.get({ code: 'b' })).seats).toBe(2);
      expect(await poolServes(db, 2000)).toBe(true);
    });

    it('gives it back after a failed statement, nothing written', async () => {
      await Ticket.query.get({ code: 'a' });
      await expect(Ticket.query.filter({ code: 'a' }).update({ code: 'b' })).rejects.toThrow(IntegrityError);
      expect(poolClient(db).pool.numUsed()).toBe(0);
      expect((await Ticket.query.get({ code: 'a' })).seats).toBe(1);
    });

    it("gives it back once the pool's idle timeout passes without a statement", async () => {
      const pool = poolClient(db).pool;
      const timeout = pool.idleTimeoutMillis;
      await db.disconnect();
      await db.connect();
      poolClient(db).pool.idleTimeoutMillis = 100;
      try {
        await Ticket.query.get({ code: 'a' });
        await Ticket.query.get({ code: 'b' });
        expect(poolClient(db).pool.numUsed()).toBe(1);
        // Statements within a timeout keep it (it goes back after one to two timeouts of quiet).
        await pause(30);
        await Ticket.query.get({ code: 'a' });
        await pause(30);
        expect(poolClient(db).pool.numUsed()).toBe(1);
        await pause(250);
        expect(poolClient(db).pool.numUsed()).toBe(0);
      } finally {
        poolClient(db).pool.idleTimeoutMillis = timeout;
      }
    });

    it('gives it back before the pool closes: disconnect and connect again', async () => {
      await Ticket.query.get({ code: 'a' });
      await db.disconnect();
      await db.connect();
      expect((await Ticket.query.get({ code: 'b' })).seats).toBe(2);
    });
  });
}
