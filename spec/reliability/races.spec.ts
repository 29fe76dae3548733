import { BaseModel, Database, Field, Model, Registry } from '../../lib';
import { describeWithServer, MYSQL_URL, PG_URL, uniqueName } from '../support/servers';

/**
 * 200 concurrent getOrCreate / updateOrCreate calls with one unique key: every call resolves, exactly one
 * row exists, exactly one call reports `created` — outside transactions and inside one transaction each.
 */
function declare(registry: Registry, prefix: string) {
  @Model({ registry, tablePrefix: prefix })
  class Member extends BaseModel {
    @Field({ maxLength: 40, unique: true }) email!: string;
    @Field({ type: 'integer', default: 0 }) visits!: number;
  }
  return Member;
}

const CALLS = 200;

for (const [label, url] of [
  ['PostgreSQL', PG_URL],
  ['MariaDB', MYSQL_URL],
] as const) {
  describeWithServer(`concurrent getOrCreate / updateOrCreate on ${label}`, url, () => {
    const registry = new Registry(url);
    const Member = declare(registry, uniqueName('race'));

    beforeAll(async () => {
      await registry.createAll();
    });
    afterAll(async () => {
      await registry.dropAll();
      await registry.disconnect();
    });

    const settle = async (calls: (() => Promise<[InstanceType<typeof Member>, boolean]>)[]) => {
      const results = await Promise.allSettled(calls.map((call) => call()));
      const failures = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
      const created = results.filter((r) => r.status === 'fulfilled' && r.value[1]).length;
      const ids = new Set(
        results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<[InstanceType<typeof Member>, boolean]>).value[0].pk),
      );
      return { failures, created, ids };
    };

    for (const inTransaction of [false, true]) {
      const where = inTransaction ? 'each inside transaction()' : 'outside transactions';
      const wrap = <R>(fn: () => Promise<R>) => (inTransaction ? registry.database.transaction(fn) : fn());

      it(`getOrCreate, ${where}: one row, one creator, no failure`, async () => {
        const email = `${uniqueName('g')}@example.com`;
        const { failures, created, ids } = await settle(Array.from({ length: CALLS }, () => () => wrap(() => Member.query.getOrCreate({ email }))));
        expect(failures.slice(0, 3)).toEqual([]);
        expect(created).toBe(1);
        expect(ids.size).toBe(1);
        expect(await Member.query.filter({ email }).count()).toBe(1);
      }, 120_000);

      it(`updateOrCreate, ${where}: one row, one creator, every update applied`, async () => {
        const email = `${uniqueName('u')}@example.com`;
        const { failures, created, ids } = await settle(
          Array.from({ length: CALLS }, (_, i) => () => wrap(() => Member.query.updateOrCreate({ email }, { visits: i + 1 }))),
        );
        expect(failures.slice(0, 3)).toEqual([]);
        expect(created).toBe(1);
        expect(ids.size).toBe(1);
        const row = await Member.query.get({ email });
        expect(row.visits).toBeGreaterThanOrEqual(1);
        expect(row.visits).toBeLessThanOrEqual(CALLS);
      }, 120_000);
    }

    it('a getOrCreate that loses the race inside a transaction returns the winner’s row, and the transaction goes on', async () => {
      const email = `${uniqueName('t')}@example.com`;
      const other = new Database(url);
      // Another connection commits the same key between this call's read and its insert.
      const rival = async () => {
        await (await other.runner()).raw('insert into ?? (email, visits) values (?, 7)', [Member.meta.tablename, email]);
      };
      Member.signals.preSave.connect(rival);
      try {
        await registry.database.transaction(async () => {
          const [found, created] = await Member.query.getOrCreate({ email });
          expect(created).toBe(false);
          expect(found.visits).toBe(7);
          Member.signals.preSave.disconnect(rival);
          await Member.query.create({ email: `${email}.2` });
        });
      } finally {
        Member.signals.preSave.disconnect(rival);
        await other.disconnect();
      }
      expect(await Member.query.filter({ email__startswith: email }).count()).toBe(2);
    });
  });
}
