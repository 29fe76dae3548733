import { ConfigurationError } from '../errors';

/** How many compiled statements a database keeps by default (`statementCacheSize`). */
export const DEFAULT_STATEMENT_CACHE_SIZE = 1000;

/**
 * A bounded map of compiled statements that drops the least recently used first, approximately ("second
 * chance"): a hit only marks its entry, so the hot path reads one `Map` entry and writes nothing to the map. A
 * `Map` iterates in insertion order; to make room, the oldest entries marked since they were last passed are
 * unmarked and moved to the end, and the first one not marked is dropped.
 */
export class StatementCache<V, K = string> {
  private readonly entries = new Map<K, { value: V; used: boolean }>();

  constructor(
    /** The most entries kept; 0 keeps none (every query compiles anew). */
    readonly capacity: number,
  ) {}

  /** The entry of `key`, marked as used; undefined when absent. */
  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    entry.used = true;
    return entry.value;
  }

  /** Stores `value` under `key`, dropping a least recently used entry past the capacity. */
  set(key: K, value: V): void {
    if (this.capacity <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, { value, used: false });
    while (this.entries.size > this.capacity) {
      const [oldest, entry] = this.entries.entries().next().value!;
      this.entries.delete(oldest);
      // The entry just stored is never the one dropped.
      if (entry.used || oldest === key) {
        entry.used = false;
        this.entries.set(oldest, entry);
      }
    }
  }

  /** Number of entries held. */
  get size(): number {
    return this.entries.size;
  }

  /** Forgets every entry. */
  clear(): void {
    this.entries.clear();
  }
}

/** Checks a `statementCacheSize` option: a non-negative integer. */
export function statementCacheSize(value: unknown, where: string): number {
  if (value === undefined) return DEFAULT_STATEMENT_CACHE_SIZE;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ConfigurationError(`${where}: statementCacheSize must be a non-negative integer (0 turns the cache off), got ${String(value)}.`);
  }
  return value;
}

/** How many prepared statements each connection keeps by default (`preparedStatements: true`). */
export const DEFAULT_PREPARED_PER_CONNECTION = 250;

/** Checks a `preparedStatements` option (true, false, or a positive integer) and returns the number kept per connection. */
export function preparedPerConnection(value: unknown, where: string): number {
  if (value === undefined || value === true) return DEFAULT_PREPARED_PER_CONNECTION;
  if (value === false) return 0;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ConfigurationError(
      `${where}: preparedStatements must be true, false, or how many to keep per connection (a non-negative integer), got ${String(value)}.`,
    );
  }
  return value;
}
