import type { Database } from './database';
import { ConfigurationError } from '../errors';
import { logger } from '../registry/logger';

/** How long a replica that failed stays out of rotation: 1 s, doubling while it keeps failing, at most 30 s. */
const FIRST_OUT_MS = 1_000;
const LONGEST_OUT_MS = 30_000;

/** One replica and what rotation knows of it. */
interface Member {
  db: Database;
  /** Time (ms since the epoch) before which it is not used; 0 when in rotation. */
  outUntil: number;
  /** Failures in a row (reset by a read that succeeds). */
  failures: number;
  /** Reads it answered. */
  reads: number;
}

/** What `database.replicaHealth()` tells of one replica. */
export interface ReplicaHealth {
  /** The replica's URL, password masked. */
  url: string;
  /** Whether reads go to it now. */
  inRotation: boolean;
  /** When it comes back into rotation, while it is out. */
  outUntil?: Date;
  /** Failures in a row. */
  failures: number;
  /** Reads it answered since the database was created. */
  reads: number;
  /** Reads that failed on it (connection lost or refused) and were retried elsewhere. */
  retried: number;
}

/**
 * The replicas of a primary database and their rotation: round-robin over those in rotation; one that fails
 * with a connection error is taken out for a while (doubling while it keeps failing) and the read is retried
 * once on the next replica in rotation, or on the primary.
 */
export class ReplicaSet {
  private readonly members: Member[];
  private next = 0;
  private retried = new Map<Database, number>();

  constructor(
    private readonly primary: Database,
    replicas: readonly Database[],
  ) {
    this.members = replicas.map((db) => ({ db, outUntil: 0, failures: 0, reads: 0 }));
  }

  /** Connects every replica; one that fails is out of rotation (with a warning) instead of failing the primary's `connect()`. */
  async connect(): Promise<void> {
    await Promise.all(
      this.members.map((m) =>
        m.db.connect().then(
          () => undefined,
          (error: unknown) => this.takeOut(m, error),
        ),
      ),
    );
  }

  /** Disconnects every replica. */
  async disconnect(): Promise<void> {
    await Promise.all(this.members.map((m) => m.db.disconnect()));
  }

  /** The replica databases, in the order given. */
  get databases(): Database[] {
    return this.members.map((m) => m.db);
  }

  /** The next replica in rotation, or undefined when every one is out. */
  private pick(except?: Member): Member | undefined {
    const now = Date.now();
    for (let i = 0; i < this.members.length; i++) {
      const member = this.members[(this.next + i) % this.members.length];
      if (member === except || member.outUntil > now) continue;
      this.next = (this.next + i + 1) % this.members.length;
      return member;
    }
    return undefined;
  }

  /** The database a read should go to now, without failover (a stream that cannot be retried once started). */
  target(): Database {
    return this.pick()?.db ?? this.primary;
  }

  /** Runs a read on a replica in rotation; on a connection failure, takes it out and runs the read once more elsewhere. */
  async read<T>(run: (db: Database) => Promise<T>): Promise<T> {
    const first = this.pick();
    if (!first) return run(this.primary);
    try {
      const result = await run(first.db);
      first.failures = 0;
      first.reads++;
      return result;
    } catch (error) {
      if (!first.db.driver.connectionFailure(error)) throw error;
      this.takeOut(first, error);
      this.retried.set(first.db, (this.retried.get(first.db) ?? 0) + 1);
      const second = this.pick(first);
      return run(second ? second.db : this.primary);
    }
  }

  /** Takes a replica out of rotation after a failure (at connect, or on a read), saying so once per failure. */
  takeOut(member: Member | Database, error: unknown): void {
    const m = 'db' in member ? member : this.members.find((x) => x.db === member);
    if (!m) return;
    m.failures++;
    const ms = Math.min(FIRST_OUT_MS * 2 ** (m.failures - 1), LONGEST_OUT_MS);
    m.outUntil = Date.now() + ms;
    const why = error instanceof Error ? error.message : String(error);
    logger.warn(`Replica ${m.db.url} of ${this.primary.url} is out of rotation for ${ms} ms (failure ${m.failures} in a row): ${why}`);
  }

  /** Each replica's state. */
  health(): ReplicaHealth[] {
    const now = Date.now();
    return this.members.map((m) => ({
      url: m.db.url,
      inRotation: m.outUntil <= now,
      ...(m.outUntil > now && { outUntil: new Date(m.outUntil) }),
      failures: m.failures,
      reads: m.reads,
      retried: this.retried.get(m.db) ?? 0,
    }));
  }
}

/**
 * The replica set of `primary` from its `replicas` option, undefined without replicas. `open` turns one entry
 * into a `Database` (a URL opened like the primary), undefined when it is neither a URL nor a Database.
 */
export function replicaSetOf(primary: Database, given: unknown, open: (replica: unknown) => Database | undefined): ReplicaSet | undefined {
  if (given === undefined) return undefined;
  if (!Array.isArray(given)) throw new ConfigurationError('new Database(url, { replicas }): replicas must be an array of URLs or Database objects.');
  const replicas = given.map((replica, i) => {
    const db = open(replica);
    if (!db) throw new ConfigurationError(`new Database(url, { replicas }): replica ${i} is neither a URL nor a Database.`);
    if (db === primary || db.replicas.length) throw new ConfigurationError(`new Database(url, { replicas }): replica ${i} (${db.url}) is a primary itself.`);
    if (db.driver !== primary.driver) {
      throw new ConfigurationError(
        `Replica ${db.url} is ${db.driver.displayName}, its primary ${primary.url} is ${primary.driver.displayName}: a replica must be of the same dialect.`,
      );
    }
    return db;
  });
  return replicas.length ? new ReplicaSet(primary, replicas) : undefined;
}
