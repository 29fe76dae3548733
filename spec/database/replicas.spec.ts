import { createServer, type Server, type Socket } from 'node:net';
import { BaseModel, ConfigurationError, Database, Field, ForeignKey, Manager, ManyToMany, Model, Registry } from '../../lib';
import type { ManyRelation, Relation } from '../../lib';
import { logger } from '../../lib/registry/logger';
import { startReplica, stopReplica, testReplicaPair, type ReplicaPair } from '../support/replica-pair';
import { uniqueName } from '../support/servers';

/*
 * Read replicas, black-box against a real PostgreSQL primary and its streaming replica (started by jest's
 * global setup from the installed PostgreSQL binaries). Where a read went is proven by pausing WAL replay on
 * the replica: a row written to the primary then exists there only.
 */

function declare(registry: Registry, prefix: string) {
  @Model({ registry, tablename: `${prefix}_tags` })
  class Tag extends BaseModel {
    declare static query: Manager<Tag>;
    @Field({ maxLength: 30 }) name!: string;
  }

  @Model({ registry, tablename: `${prefix}_notes` })
  class Note extends BaseModel {
    declare static query: Manager<Note>;
    @Field({ maxLength: 60, unique: true }) title!: string;
    @Field() stars!: number;
    @ForeignKey(() => Tag, { nullable: true, relatedName: 'notes' }) tag!: Relation<Tag> | null;
    @ManyToMany(() => Tag, { relatedName: 'taggedNotes' }) tags!: ManyRelation<Tag>;
  }
  return { Note, Tag };
}

const pair = testReplicaPair();
const describeWithPair = pair ? describe : describe.skip;
if (!pair) console.warn('*** SKIPPING the replica suites: jest global setup started no PostgreSQL primary/replica pair. ***');

/** A client on one server of the pair, for setting it up and watching it. */
async function admin(url: string): Promise<Database> {
  return new Database(url).connect();
}

/** Waits until the replica has replayed everything the primary wrote so far. */
async function caughtUp(primary: Database, replica: Database): Promise<void> {
  const [{ lsn }] = (await primary.raw('select pg_current_wal_lsn()::text as lsn')) as { lsn: string }[];
  for (let i = 0; i < 300; i++) {
    const [{ done }] = (await replica.raw('select pg_last_wal_replay_lsn() >= ?::pg_lsn as done', [lsn])) as { done: boolean }[];
    if (done) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the replica did not catch up within 6 s');
}

describeWithPair('read replicas on a real PostgreSQL streaming replica', () => {
  const { primary: primaryUrl, replica: replicaUrl } = pair as ReplicaPair;
  let primaryAdmin: Database;
  let replicaAdmin: Database;
  const prefix = uniqueName('rep');
  /** sticky: false, so that every read outside a transaction goes to the replica. */
  const registry = new Registry(new Database(primaryUrl, { replicas: [replicaUrl], sticky: false }));
  const { Note, Tag } = declare(registry, prefix);

  const pauseReplay = () => replicaAdmin.raw('select pg_wal_replay_pause()');
  const resumeReplay = () => replicaAdmin.raw('select pg_wal_replay_resume()');

  beforeAll(async () => {
    primaryAdmin = await admin(primaryUrl);
    replicaAdmin = await admin(replicaUrl);
    await registry.createAll();
    const red = await Tag.query.create({ name: 'red' });
    const first = await Note.query.create({ title: 'first', stars: 3, tag: red });
    await first.tags.add(red);
    await caughtUp(primaryAdmin, replicaAdmin);
  });
  afterAll(async () => {
    await resumeReplay().catch(() => undefined);
    await registry.dropAll();
    await registry.disconnect();
    await primaryAdmin.disconnect();
    await replicaAdmin.disconnect();
  });

  it('lists its replicas, connected with the primary', () => {
    expect(registry.database.replicas.map((r) => r.url)).toEqual([replicaUrl]);
    expect(registry.database.replicas[0].isConnected).toBe(true);
  });

  it('reads from the replica outside a transaction; writes, usingPrimary(), locking reads and transactions use the primary', async () => {
    await pauseReplay();
    try {
      const fresh = await Note.query.create({ title: 'fresh', stars: 5 });
      // Every kind of read misses the row the replica has not replayed.
      expect(await Note.query.filter({ title: 'fresh' }).exists()).toBe(false);
      expect(await Note.query.filter({ title: 'fresh' }).fetch()).toEqual([]);
      expect(await Note.query.getOrNone({ title: 'fresh' })).toBeNull();
      expect(await Note.query.count()).toBe(1);
      expect(await Note.query.filter({ stars__gte: 5 }).valuesList('title', { flat: true })).toEqual([]);
      await expect(fresh.load()).rejects.toThrow(/no longer exists/);
      // The primary has it.
      expect(await Note.query.usingPrimary().filter({ title: 'fresh' }).exists()).toBe(true);
      expect(await Note.query.usingPrimary().count()).toBe(2);
      await registry.database.transaction(async () => {
        expect((await Note.query.get({ title: 'fresh' })).stars).toBe(5);
        expect(await Note.query.selectForUpdate().filter({ title: 'fresh' }).count()).toBe(1);
      });
      // An update is a write: it reaches the row on the primary.
      expect(await Note.query.filter({ title: 'fresh' }).update({ stars: 4 })).toBe(1);
      expect((await Note.query.usingPrimary().get({ title: 'fresh' })).stars).toBe(4);
    } finally {
      await resumeReplay();
    }
    await caughtUp(primaryAdmin, replicaAdmin);
    expect((await Note.query.get({ title: 'fresh' })).stars).toBe(4);
    await Note.query.filter({ title: 'fresh' }).delete();
    await caughtUp(primaryAdmin, replicaAdmin);
  });

  it('answers getOrCreate from the primary: no duplicate while the replica lags', async () => {
    await pauseReplay();
    try {
      const [made, created] = await Note.query.getOrCreate({ title: 'once' }, { stars: 1 });
      const [again, createdAgain] = await Note.query.getOrCreate({ title: 'once' }, { stars: 1 });
      expect([created, createdAgain, again.pk]).toEqual([true, false, made.pk]);
    } finally {
      await resumeReplay();
    }
    await Note.query.filter({ title: 'once' }).delete();
    await caughtUp(primaryAdmin, replicaAdmin);
  });

  it('loads relations from the replica too (selectRelated, prefetchRelated, many-to-many)', async () => {
    const note = await Note.query.usingPrimary().get({ title: 'first' });
    await pauseReplay();
    try {
      const blue = await Tag.query.create({ name: 'blue' });
      await note.tags.add(blue);
      const [viaReplica] = await Note.query.filter({ title: 'first' }).prefetchRelated('tags').selectRelated('tag');
      expect((await viaReplica.tags.all()).map((t) => t.name)).toEqual(['red']);
      expect(viaReplica.tag?.name).toBe('red');
      const [viaPrimary] = await Note.query.usingPrimary().filter({ title: 'first' }).prefetchRelated('tags');
      expect((await viaPrimary.tags.all()).map((t) => t.name).sort()).toEqual(['blue', 'red']);
    } finally {
      await resumeReplay();
    }
    await caughtUp(primaryAdmin, replicaAdmin);
  });

  it('streams iterate() from the replica', async () => {
    await pauseReplay();
    try {
      await Note.query.create({ title: 'streamed', stars: 2 });
      const titles: string[] = [];
      for await (const n of Note.query.orderBy('title').iterate({ chunkSize: 1 })) titles.push(n.title);
      expect(titles).toEqual(['first']);
    } finally {
      await resumeReplay();
    }
    await Note.query.filter({ title: 'streamed' }).delete();
    await caughtUp(primaryAdmin, replicaAdmin);
  });
});

describeWithPair('sticky reads after a write (read-your-writes)', () => {
  const { primary: primaryUrl, replica: replicaUrl } = pair as ReplicaPair;
  const prefix = uniqueName('sticky');
  let replicaAdmin: Database;
  let primaryAdmin: Database;
  const registry = new Registry(new Database(primaryUrl, { replicas: [replicaUrl], sticky: 300 }));
  const { Note } = declare(registry, prefix);

  beforeAll(async () => {
    primaryAdmin = await admin(primaryUrl);
    replicaAdmin = await admin(replicaUrl);
    await registry.createAll();
    await caughtUp(primaryAdmin, replicaAdmin);
    await new Promise((r) => setTimeout(r, 350));
    await replicaAdmin.raw('select pg_wal_replay_pause()');
  });
  afterAll(async () => {
    await replicaAdmin.raw('select pg_wal_replay_resume()');
    await registry.dropAll();
    await registry.disconnect();
    await primaryAdmin.disconnect();
    await replicaAdmin.disconnect();
  });

  it('outside any scope: after a write, reads go to the primary, also for writes made deep inside called functions', async () => {
    const service = async () => {
      await new Promise((r) => setTimeout(r, 5));
      await Note.query.create({ title: 'mine', stars: 1 });
    };
    await service();
    expect(await Note.query.filter({ title: 'mine' }).exists()).toBe(true);
    expect((await Note.query.get({ title: 'mine' })).stars).toBe(1);
    // Once the sticky window is over, reads go back to the (lagging) replica.
    await new Promise((r) => setTimeout(r, 350));
    expect(await Note.query.filter({ title: 'mine' }).exists()).toBe(false);
  });

  it('inside registry.scope(): a write sticks for its own scope only, not for a concurrent one', async () => {
    let written!: () => void;
    const afterWrite = new Promise<void>((r) => (written = r));
    const bystander = registry.scope(async () => {
      await afterWrite;
      return Note.query.filter({ title: 'scoped' }).exists();
    });
    const writer = registry.scope(async () => {
      const service = async () => {
        await new Promise((r) => setTimeout(r, 5));
        await Note.query.create({ title: 'scoped', stars: 1 });
      };
      await service();
      written();
      return Note.query.filter({ title: 'scoped' }).exists();
    });
    expect(await Promise.all([writer, bystander])).toEqual([true, false]);
    // Nor for reads outside any scope.
    expect(await Note.query.filter({ title: 'scoped' }).exists()).toBe(false);
  });

  it('sticks after a transaction, which is a write', async () => {
    await registry.scope(async () => {
      await registry.database.transaction(async () => {
        await Note.query.create({ title: 'in-tx', stars: 1 });
      });
      expect(await Note.query.filter({ title: 'in-tx' }).exists()).toBe(true);
    });
  });
});

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

describeWithPair('a replica that fails', () => {
  const { primary: primaryUrl, replica: replicaUrl } = pair as ReplicaPair;
  const prefix = uniqueName('fail');
  const registry = new Registry(new Database(primaryUrl, { replicas: [replicaUrl], sticky: false }));
  const { Note } = declare(registry, prefix);
  const warnings: string[] = [];
  const warn = logger.warn;

  beforeAll(async () => {
    logger.warn = (message) => void warnings.push(message);
    const primaryAdmin = await admin(primaryUrl);
    const replicaAdmin = await admin(replicaUrl);
    await registry.createAll();
    await Note.query.bulkCreate(Array.from({ length: 5 }, (_, i) => ({ title: `n${i}`, stars: i })));
    await caughtUp(primaryAdmin, replicaAdmin);
    await primaryAdmin.disconnect();
    await replicaAdmin.disconnect();
  });
  afterAll(async () => {
    logger.warn = warn;
    await registry.dropAll();
    await registry.disconnect();
  });

  it('never fails a read when the replica is killed mid-run: out of rotation, the read retried; back in once it returns', async () => {
    const db = registry.database;
    expect(await Note.query.count()).toBe(5);
    const before = db.replicaHealth()[0];
    expect(before.inRotation).toBe(true);
    stopReplica(pair!);
    try {
      // Reads keep answering: the first one fails on the replica and is retried on the primary.
      const counts = [];
      const times: number[] = [];
      for (let i = 0; i < 20; i++) {
        const started = process.hrtime.bigint();
        counts.push(await Note.query.filter({ stars__gte: 0 }).count());
        times.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
      expect(counts).toEqual(Array(20).fill(5));
      const health = db.replicaHealth()[0];
      console.log(
        `replica killed: ${health.retried} of 20 reads retried on the primary; the first read took ${times[0].toFixed(1)} ms, ` +
          `the next ones ${median(times.slice(1)).toFixed(1)} ms (median); the replica is out for ${health.outUntil!.getTime() - Date.now()} ms more`,
      );
      expect((await Note.query.get({ title: 'n3' })).stars).toBe(3);
      const out = db.replicaHealth()[0];
      expect(out.inRotation).toBe(false);
      expect(out.retried).toBeGreaterThanOrEqual(1);
      expect(out.outUntil!.getTime()).toBeGreaterThan(Date.now());
      expect(warnings.some((w) => w.includes(`Replica ${replicaUrl}`) && w.includes('out of rotation'))).toBe(true);
      // Still down when its time out ends: tried once more, retried again, out for longer.
      await new Promise((r) => setTimeout(r, out.outUntil!.getTime() - Date.now() + 10));
      expect(await Note.query.count()).toBe(5);
      const again = db.replicaHealth()[0];
      expect([again.inRotation, again.failures]).toEqual([false, 2]);
      expect(again.outUntil!.getTime() - Date.now()).toBeGreaterThan(1_000);
    } finally {
      await startReplica(pair!);
    }
    // Back in rotation once its time out is over.
    await new Promise((r) => setTimeout(r, db.replicaHealth()[0].outUntil!.getTime() - Date.now() + 10));
    const readsBefore = db.replicaHealth()[0].reads;
    expect(await Note.query.count()).toBe(5);
    const back = db.replicaHealth()[0];
    expect([back.inRotation, back.failures, back.reads]).toEqual([true, 0, readsBefore + 1]);
  }, 30_000);
});

describe('replica configuration', () => {
  let silent: Server;
  let silentPort: number;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    // Accepts connections and never says a word: a replica that never answers.
    silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    silentPort = (silent.address() as { port: number }).port;
  });
  afterAll(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise<void>((r) => silent.close(() => r()));
  });

  it('refuses replicas of another dialect, a replica that is a primary itself, and a bad sticky', () => {
    expect(() => new Database('postgres://u@h/db', { replicas: ['sqlite::memory:'] })).toThrow(/a replica must be of the same dialect/);
    expect(() => new Database('postgres://u@h/db', { replicas: 'postgres://u@h2/db' as never })).toThrow(ConfigurationError);
    expect(() => new Database('postgres://u@h/db', { replicas: [42 as never] })).toThrow(/replica 0 is neither a URL nor a Database/);
    const inner = new Database('postgres://u@h2/db', { replicas: ['postgres://u@h3/db'] });
    expect(() => new Database('postgres://u@h/db', { replicas: [inner] })).toThrow(/is a primary itself/);
    expect(() => new Database('postgres://u@h/db', { sticky: -1 })).toThrow(/sticky is true, false or a number/);
  });

  (pair ? it : it.skip)('starts degraded, with a warning, when a replica never answers at connect(): reads go to the primary', async () => {
    const warnings: string[] = [];
    const warn = logger.warn;
    logger.warn = (message) => void warnings.push(message);
    const db = new Database(pair!.primary, { replicas: [`postgres://postgres@127.0.0.1:${silentPort}/postgres`], connectTimeout: 300 });
    try {
      const started = Date.now();
      await db.connect();
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(db.replicaHealth()[0].inRotation).toBe(false);
      expect(warnings.join('\n')).toMatch(/Replica postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres .* out of rotation/);
      expect(await db.read((target) => target.raw('select pg_is_in_recovery() as standby'))).toEqual([{ standby: false }]);
    } finally {
      logger.warn = warn;
      await db.disconnect();
    }
  });
});
