import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { BaseModel, Database, DatabaseError, Field, logger, Model, Registry } from '../../lib';
import type { Manager, QueryEvent } from '../../lib';
import { DIALECT_URLS, describeWithServer, uniqueName } from '../support/servers';

/** A secret no other binding of these tests contains. */
const secretValue = (label: string) => `${label}-${uniqueName('pw')}`;

/** What the events show of their values, as one text: a secret must never be in it. */
const shown = (events: readonly QueryEvent[]) => events.map((e) => `${e.sql} ${JSON.stringify(e.bindings)}`).join('\n');

function declare(registry: Registry, prefix: string, database?: string) {
  @Model({ registry, tablePrefix: prefix, database, name: database ? `Account_${database}` : undefined })
  class Account extends BaseModel {
    declare static query: Manager<Account>;
    @Field({ maxLength: 60 }) name!: string;
    @Field({ maxLength: 80, secret: true }) password!: string;
    @Field({ type: 'json', secret: true, nullable: true }) vault!: Record<string, unknown> | null;
  }
  return { Account };
}

for (const { name, url, label } of DIALECT_URLS) {
  describeWithServer(`query logging on ${label}`, url, () => {
    const events: QueryEvent[] = [];
    // The extra database is another Database object on the same server (a second in-memory SQLite database).
    const registry = new Registry(url, { extra: { reports: new Database(url) }, onQuery: (e) => events.push(e) });
    const prefix = uniqueName('qlog');
    const { Account } = declare(registry, prefix);
    const { Account: Report } = declare(registry, `${prefix}r`, 'reports');

    beforeAll(async () => {
      await registry.createAll({ databases: ['default', 'reports'] });
    });
    beforeEach(() => {
      events.length = 0;
    });
    afterAll(async () => {
      await registry.dropAll({ databases: ['default', 'reports'] });
      await registry.disconnect();
    });

    it('reports each select, insert, update and delete with its SQL, bindings, duration and alias', async () => {
      const account = await Account.query.create({ name: 'ann', password: secretValue('a') });
      await Account.query.filter({ name: 'ann' }).count();
      await Account.query.filter({ pk: account.pk }).update({ name: 'ann2' });
      await account.delete();
      const verbs = events.map((e) => /^\s*(\w+)/.exec(e.sql)![1].toLowerCase());
      expect(verbs).toEqual(expect.arrayContaining(['insert', 'select', 'update', 'delete']));
      for (const e of events) {
        expect(typeof e.durationMs).toBe('number');
        expect(e.durationMs).toBeGreaterThanOrEqual(0);
        expect(e.alias).toBe('default');
        expect(e.error).toBeUndefined();
      }
      const update = events.find((e) => /^\s*update/i.test(e.sql))!;
      expect(update.bindings).toContain('ann2');
      expect(update.bindings.map(String)).toContain(String(account.pk));
    });

    it('reports statements run inside a transaction and its savepoints', async () => {
      await registry.database.transaction(async () => {
        await Account.query.create({ name: 'in-tx', password: secretValue('t') });
        await registry.database.transaction(() => Account.query.filter({ name: 'in-tx' }).count());
      });
      const sqls = events.map((e) => e.sql.toLowerCase());
      expect(sqls.some((s) => s.startsWith('insert'))).toBe(true);
      expect(sqls.some((s) => s.startsWith('select'))).toBe(true);
      expect(events.find((e) => e.sql.toLowerCase().startsWith('insert'))!.bindings).toContain('in-tx');
      await Account.query.filter({ name: 'in-tx' }).delete();
    });

    it('reports a failed statement with its error, and the query still fails as before', async () => {
      const missing = uniqueName('no_such_table');
      await expect(registry.raw(`select * from ${missing} where id = ?`, [7])).rejects.toBeInstanceOf(DatabaseError);
      const failed = events.filter((e) => e.error !== undefined);
      expect(failed).toHaveLength(1);
      expect(failed[0].error).toBeInstanceOf(DatabaseError);
      expect(failed[0].sql).toContain(missing);
      expect(failed[0].bindings).toEqual([7]);
      expect(failed[0].durationMs).toBeGreaterThanOrEqual(0);
    });

    it("names an extra database's alias", async () => {
      await Report.query.create({ name: 'r', password: secretValue('r') });
      expect(events.length).toBeGreaterThan(0);
      expect(new Set(events.map((e) => e.alias))).toEqual(new Set(['reports']));
    });

    it('masks the values of secret fields in inserts, updates, saves and filters', async () => {
      const first = secretValue('first');
      const second = secretValue('second');
      const third = secretValue('third');
      const account = await Account.query.create({ name: 'bob', password: first });
      await Account.query.bulkCreate([{ name: 'bob-bulk', password: first }]);
      await account.update({ password: second });
      account.password = third;
      await account.save();
      await Account.query.bulkUpdate([account], ['password']);
      await Account.query.filter({ name: 'bob' }).update({ password: second });
      expect(await Account.query.filter({ password: second }).count()).toBe(1);
      expect(await Account.query.filter({ password__in: [first, second] }).count()).toBe(2);
      expect(await Account.query.filter({ password__icontains: second.slice(3, -2) }).count()).toBe(1);
      expect(await Account.query.filter({ password__startswith: first }).count()).toBe(1);
      expect(await Account.query.exclude({ password: first }).filter({ name__startswith: 'bob' }).count()).toBe(1);
      // Values only a filter ever binds (never written, so never noted by a write).
      const unseen = secretValue('unseen');
      expect(await Account.query.filter({ password: unseen }).count()).toBe(0);
      expect(await Account.query.filter({ password__in: [`${unseen}1`, `${unseen}2`] }).count()).toBe(0);
      expect(await Account.query.filter({ password__gte: `${unseen}3`, name: 'none' }).count()).toBe(0);
      expect(await Account.query.filter({ password__iendswith: `${unseen}4` }).count()).toBe(0);
      // A secret JSON field: the values written, and those key paths and JSON lookups compare with.
      const token = secretValue('token');
      const pin = 731902;
      await Account.query.create({ name: 'vaulted', password: secretValue('v'), vault: { token, pin } });
      expect(await Account.query.filter({ vault__token: token }).count()).toBe(1);
      expect(await Account.query.filter({ vault__pin: pin }).count()).toBe(1);
      expect(await Account.query.filter({ vault__token: unseen }).count()).toBe(0);
      if (name !== 'sqlite') expect(await Account.query.filter({ vault__contains: { token } }).count()).toBe(1);
      const text = shown(events);
      for (const secret of [first, second, third, second.slice(3, -2), unseen, token, String(pin)]) expect(text).not.toContain(secret);
      expect(text).toContain('[secret]');
      // Values of other fields stay visible.
      expect(text).toContain('bob-bulk');
      await Account.query.filter({ name__startswith: 'bob' }).delete();
    });

    it('keeps a query working when a listener throws, and warns once', async () => {
      const warnings: string[] = [];
      const warn = jest.spyOn(logger, 'warn').mockImplementation((m: string) => void warnings.push(m));
      const throwing = new Registry(url, {
        onQuery: () => {
          throw new Error('listener broke');
        },
      });
      try {
        const { Account: Other } = declare(throwing, uniqueName('qthrow'));
        await throwing.createAll();
        await Other.query.create({ name: 'x', password: secretValue('x') });
        expect(await Other.query.count()).toBe(1);
        await throwing.dropAll();
      } finally {
        warn.mockRestore();
        await throwing.disconnect();
      }
      const mine = warnings.filter((w) => w.includes('listener broke'));
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatch(/onQuery listener threw/);
    });

    it('takes onQuery on a Database too; a database nobody logs does not listen to Knex', async () => {
      const seen: QueryEvent[] = [];
      const db = new Database(url, { onQuery: (e) => seen.push(e) });
      const quiet = new Database(url);
      try {
        await db.raw('select ? as one', [1]);
        expect(seen).toHaveLength(1);
        expect(seen[0].bindings).toEqual([1]);
        expect(seen[0].alias).toBe('default');
        await quiet.raw('select 1 as one');
        expect(quiet.knex.listenerCount('query')).toBe(0);
        expect(db.knex.listenerCount('query')).toBe(1);
      } finally {
        await db.disconnect();
        await quiet.disconnect();
      }
    });

    it('KEELSON_LOG_SQL=1 prints one line per statement to stderr, secrets masked', async () => {
      const previous = process.env.KEELSON_LOG_SQL;
      process.env.KEELSON_LOG_SQL = '1';
      const printing = new Registry(url);
      if (previous === undefined) delete process.env.KEELSON_LOG_SQL;
      else process.env.KEELSON_LOG_SQL = previous;
      const lines: string[] = [];
      const write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
        lines.push(String(chunk));
        return true;
      });
      const secret = secretValue('printed');
      try {
        const { Account: Printed } = declare(printing, uniqueName('qprint'));
        await printing.createAll();
        await Printed.query.create({ name: 'printed-name', password: secret });
        await printing.dropAll();
      } finally {
        write.mockRestore();
        await printing.disconnect();
      }
      const insert = lines.find((l) => l.includes('printed-name'));
      expect(insert).toMatch(/^keelson sql default \d+\.\dms insert into .*\[.*"printed-name".*\[secret\].*\]\n$/);
      expect(lines.join('')).not.toContain(secret);
      for (const line of lines) expect(line.indexOf('\n')).toBe(line.length - 1);
    });
  });
}

describe('KEELSON_LOG_SQL in a process started with it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keelson-log-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the statements of a script to stderr and nothing to stdout', async () => {
    const lib = resolve(__dirname, '../../lib');
    const script = join(dir, 'script.ts');
    writeFileSync(
      script,
      `import { BaseModel, Field, Model, Registry } from ${JSON.stringify(lib)};
const registry = new Registry('sqlite::memory:');
@Model({ registry })
class Member extends BaseModel {
  @Field({ maxLength: 40 }) name!: string;
  @Field({ maxLength: 40, secret: true }) pin!: string;
}
(async () => {
  await registry.createAll();
  await (Member as any).query.create({ name: 'child-name', pin: 'child-pin-9876' });
  await (Member as any).query.filter({ pin: 'child-pin-9876' }).count();
  await registry.disconnect();
})();
`,
    );
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [require.resolve('ts-node/dist/bin.js'), '--transpile-only', script], {
      env: { ...process.env, KEELSON_LOG_SQL: '1', TS_NODE_PROJECT: resolve(__dirname, '../../tsconfig.json') },
    });
    expect(stdout).toBe('');
    const lines = stderr.split('\n').filter((l) => l.startsWith('keelson sql '));
    expect(lines.some((l) => /^keelson sql default \d+\.\dms create table/.test(l))).toBe(true);
    expect(lines.some((l) => l.includes('insert into') && l.includes('"child-name"') && l.includes('[secret]'))).toBe(true);
    expect(lines.some((l) => l.includes('count(') && l.includes('[secret]'))).toBe(true);
    expect(stderr).not.toContain('child-pin-9876');
  }, 60_000);
});
