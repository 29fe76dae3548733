import { ConfigurationError } from '../errors';

/** How many compiled statements a database keeps by default (`statementCacheSize`). */
export const DEFAULT_STATEMENT_CACHE_SIZE = 1000;

/**
 * A bounded least-recently-used map of compiled statements. A `Map` iterates in insertion order, so moving a
 * key to the end on every hit leaves the least recently used key first, to be evicted.
 */
export class StatementCache<V> {
  private readonly entries = new Map<string, V>();

  constructor(
    /** The most entries kept; 0 keeps none (every query compiles anew). */
    readonly capacity: number,
  ) {}

  /** The entry of `key`, marked as just used; undefined when absent. */
  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  /** Stores `value` under `key`, evicting the least recently used entry past the capacity. */
  set(key: string, value: V): void {
    if (this.capacity <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
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
