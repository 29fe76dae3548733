import { Database, DatabaseError, KeelsonError, Registry } from '../../lib';
import { describeWithServer, PG_URL } from '../support/servers';
import { rejection } from '../support/rejection';

/** Nothing listens on port 1; the password must never show. */
const UNREACHABLE = 'postgres://postgres:secret@127.0.0.1:1/test';

/** Runs `fn`, expecting a rejection; returns the error. */

/** Records which databases `Database.prototype.connect` / `disconnect` were called on, in order. */
function spyLifecycle() {
  const calls: { op: 'connect' | 'disconnect'; db: Database }[] = [];
  const connect = Database.prototype.connect;
  const disconnect = Database.prototype.disconnect;
  const connectSpy = jest.spyOn(Database.prototype, 'connect').mockImplementation(function (this: Database) {
    calls.push({ op: 'connect', db: this });
    return connect.call(this);
  });
  const disconnectSpy = jest.spyOn(Database.prototype, 'disconnect').mockImplementation(function (this: Database) {
    calls.push({ op: 'disconnect', db: this });
    return disconnect.call(this);
  });
  return {
    calls,
    of: (op: 'connect' | 'disconnect') => calls.filter((c) => c.op === op).map((c) => c.db),
    restore() {
      connectSpy.mockRestore();
      disconnectSpy.mockRestore();
    },
  };
}

type Hooks = { runAutomigration(): Promise<void>; reflectModels(): Promise<void> };
const hooks = Registry.prototype as unknown as Hooks;

afterEach(() => jest.restoreAllMocks());

/** The lifecycle suite, with `url` as every reachable database. */
function lifecycleSuite(url: string): void {
  const dbs = () => [new Database(url), new Database(UNREACHABLE), new Database(url)] as const;

  it('a failing database rejects connect(), names the alias and masks the URL, and leaves nothing connected', async () => {
    const [main, broken, analytics] = dbs();
    const registry = new Registry(main, { extra: { broken, analytics } });
    const spy = spyLifecycle();
    const error = await rejection(() => registry.connect());
    spy.restore();
    expect(error).toBeInstanceOf(DatabaseError);
    expect(error).toBeInstanceOf(KeelsonError);
    expect(error.message).toContain('Could not connect database "broken" (postgres://postgres:***@127.0.0.1:1/test): ');
    expect(error.message).not.toContain('secret');
    expect(String(error)).not.toContain('secret');
    expect(error.cause).toBeDefined();
    expect(JSON.stringify((error.cause as Error).message)).not.toContain('secret');
    for (const db of [main, broken, analytics]) expect(db.isConnected).toBe(false);
    // Connected in declaration order, stopped at the failure, rolled back what it had connected.
    expect(spy.of('connect')).toEqual([main, broken]);
    expect(spy.of('disconnect')).toEqual([main]);
  });

  it('rolls back in reverse order when a later database fails', async () => {
    const [a, b] = [new Database(url), new Database(url)];
    const broken = new Database(UNREACHABLE);
    const registry = new Registry(a, { extra: { b, broken } });
    const spy = spyLifecycle();
    const error = await rejection(() => registry.connect());
    spy.restore();
    expect(error.message).toContain('"broken"');
    expect(spy.of('disconnect')).toEqual([b, a]);
    for (const db of [a, b, broken]) expect(db.isConnected).toBe(false);
  });

  it('keeps a database connected before the call when a later one fails', async () => {
    const [main, broken] = [new Database(url), new Database(UNREACHABLE)];
    await main.connect();
    try {
      const registry = new Registry(main, { extra: { broken } });
      await expect(registry.connect()).rejects.toBeInstanceOf(DatabaseError);
      expect(main.isConnected).toBe(true);
    } finally {
      await main.disconnect();
    }
  });

  it('connects in declaration order and disconnects in reverse order', async () => {
    const [main, second, third] = [new Database(url), new Database(url), new Database(url)];
    const registry = new Registry(main, { extra: { second, third } });
    const spy = spyLifecycle();
    await registry.connect();
    for (const db of [main, second, third]) expect(db.isConnected).toBe(true);
    await registry.disconnect();
    spy.restore();
    expect(spy.of('connect')).toEqual([main, second, third]);
    expect(spy.of('disconnect')).toEqual([third, second, main]);
    for (const db of [main, second, third]) expect(db.isConnected).toBe(false);
  });

  it('connect() and disconnect() are idempotent and return the registry', async () => {
    const registry = new Registry(url, { extra: { other: url } });
    const spy = spyLifecycle();
    expect(await registry.connect()).toBe(registry);
    expect(await registry.connect()).toBe(registry);
    expect(spy.of('connect')).toHaveLength(2);
    expect(registry.database.isConnected && registry.extra.other.isConnected).toBe(true);
    await registry.disconnect();
    await registry.disconnect();
    spy.restore();
    expect(registry.database.isConnected || registry.extra.other.isConnected).toBe(false);
    // It can connect again afterwards.
    await registry.connect();
    expect(registry.database.isConnected).toBe(true);
    await registry.disconnect();
  });

  it('is safe to call concurrently; the last call wins', async () => {
    const registry = new Registry(url, { extra: { other: url } });
    const spy = spyLifecycle();
    const [a, b] = await Promise.all([registry.connect(), registry.connect()]);
    expect(a).toBe(registry);
    expect(b).toBe(registry);
    expect(spy.of('connect')).toHaveLength(2);
    await Promise.all([registry.disconnect(), registry.disconnect()]);
    expect(spy.of('disconnect')).toHaveLength(2);
    spy.restore();
    expect(registry.database.isConnected).toBe(false);

    await Promise.all([registry.connect(), registry.disconnect()]);
    expect(registry.database.isConnected || registry.extra.other.isConnected).toBe(false);
    await Promise.all([registry.disconnect(), registry.connect()]);
    expect(registry.database.isConnected && registry.extra.other.isConnected).toBe(true);
    await Promise.all([registry.connect(), registry.disconnect(), registry.connect()]);
    expect(registry.database.isConnected && registry.extra.other.isConnected).toBe(true);
    await registry.disconnect();
    expect(registry.database.isConnected || registry.extra.other.isConnected).toBe(false);
  });

  it('a failed connect can be retried, and a concurrent caller sees the same failure', async () => {
    const registry = new Registry(url, { extra: { broken: UNREACHABLE } });
    const [first, second] = await Promise.allSettled([registry.connect(), registry.connect()]);
    expect(first.status).toBe('rejected');
    expect(second.status).toBe('rejected');
    expect((first as PromiseRejectedResult).reason).toBe((second as PromiseRejectedResult).reason);
    await expect(registry.connect()).rejects.toThrow(/"broken"/);
    expect(registry.database.isConnected).toBe(false);
    await registry.disconnect();
  });

  it('works with await using', async () => {
    const registry = new Registry(url, { extra: { other: url } });
    {
      await using connected = await registry.connect();
      expect(connected).toBe(registry);
      expect(registry.database.isConnected && registry.extra.other.isConnected).toBe(true);
    }
    expect(registry.database.isConnected || registry.extra.other.isConnected).toBe(false);
  });

  it('runs automigration then reflection once all databases are connected', async () => {
    const order: string[] = [];
    const registry = new Registry(url, { extra: { other: url }, automigrate: {} });
    jest.spyOn(hooks, 'runAutomigration').mockImplementation(async function (this: Registry) {
      order.push(`migrate:${this.database.isConnected && this.extra.other.isConnected}`);
    });
    jest.spyOn(hooks, 'reflectModels').mockImplementation(async function (this: Registry) {
      order.push(`reflect:${this.database.isConnected && this.extra.other.isConnected}`);
    });
    await registry.connect();
    expect(order).toEqual(['migrate:true', 'reflect:true']);
    // Already connected: nothing runs again.
    await registry.connect();
    expect(order).toEqual(['migrate:true', 'reflect:true']);
    // Reconnecting reflects again, but automigration runs at most once per registry.
    await registry.disconnect();
    await registry.connect();
    expect(order).toEqual(['migrate:true', 'reflect:true', 'reflect:true']);
    await registry.disconnect();
  });

  it('skips automigration unless the automigrate option is set', async () => {
    const migrate = jest.spyOn(hooks, 'runAutomigration');
    for (const options of [{}, { automigrate: false as const }]) {
      const registry = new Registry(url, options);
      await registry.connect();
      await registry.disconnect();
    }
    expect(migrate).not.toHaveBeenCalled();
    const registry = new Registry(url, { automigrate: {} });
    await registry.connect();
    await registry.disconnect();
    expect(migrate).toHaveBeenCalledTimes(1);
  });

  it.each(['runAutomigration', 'reflectModels'] as const)('a failing %s disconnects everything and rethrows', async (hook) => {
    const boom = new Error(`${hook} failed`);
    jest.spyOn(hooks, hook).mockRejectedValue(boom);
    const [main, other] = [new Database(url), new Database(url)];
    const registry = new Registry(main, { extra: { other }, automigrate: {} });
    const spy = spyLifecycle();
    await expect(registry.connect()).rejects.toBe(boom);
    spy.restore();
    expect(spy.of('disconnect')).toEqual([other, main]);
    expect(main.isConnected || other.isConnected).toBe(false);
    // Once the hook works, connect() succeeds and runs it.
    jest.restoreAllMocks();
    await registry.connect();
    expect(main.isConnected && other.isConnected).toBe(true);
    await registry.disconnect();
  });

  it('runs the hooks once for concurrent connects', async () => {
    const reflect = jest.spyOn(hooks, 'reflectModels');
    const registry = new Registry(url, { extra: { other: url } });
    await Promise.all([registry.connect(), registry.connect(), registry.connect()]);
    expect(reflect).toHaveBeenCalledTimes(1);
    await registry.disconnect();
  });
}

describe('registry connect/disconnect on SQLite', () => lifecycleSuite('sqlite::memory:'));
describeWithServer('registry connect/disconnect on PostgreSQL', PG_URL, () => lifecycleSuite(PG_URL));
