import { AsyncLocalStorage } from 'node:async_hooks';
import { ConfigurationError } from '../errors';

/**
 * Until when reads of each database (by its object) go to the primary, after a write. Inside a scope
 * (`registry.scope(fn)`, one per request) a write counts for that scope's reads only: its map is shared by
 * everything that runs inside it, however deep. Outside any scope, a write counts for every read outside a
 * scope: a write made deep inside a service function cannot be told apart from the rest of the process
 * (an AsyncLocalStorage store reaches down, never up), so read-your-writes holds at the price of sending the
 * process's unscoped reads to the primary for a while.
 */
const scopes = new AsyncLocalStorage<Map<object, number>>();
const unscoped = new Map<object, number>();

/** Notes a write to `db` that the reads of its scope (or every unscoped read) must see for `ms` milliseconds. */
export function noteWrite(db: object, ms: number): void {
  const writes = scopes.getStore() ?? unscoped;
  writes.set(db, Math.max(Date.now() + ms, writes.get(db) ?? 0));
}

/** Whether reads of `db` must go to its primary now, after a write in the same scope (or, unscoped, anywhere unscoped). */
export function readsStick(db: object): boolean {
  const until = (scopes.getStore() ?? unscoped).get(db);
  return until !== undefined && until > Date.now();
}

/** Runs `fn` as a scope of its own: writes inside it make only its own reads stick to the primary. */
export function inStickyScope<T>(fn: () => T): T {
  return scopes.run(new Map(), fn);
}

/** The `sticky` option of `new Database()` in milliseconds (`true`, the default: 1000; `false`: 0). */
export function stickyMs(sticky: unknown): number {
  if (sticky === undefined || sticky === true) return 1000;
  if (sticky === false) return 0;
  if (typeof sticky !== 'number' || !Number.isFinite(sticky) || sticky < 0) {
    throw new ConfigurationError(`new Database(url, { sticky }): sticky is true, false or a number of milliseconds ≥ 0, got ${String(sticky)}.`);
  }
  return sticky;
}
