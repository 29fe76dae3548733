import { AsyncLocalStorage } from 'node:async_hooks';
import type { Knex } from 'knex';

/**
 * The transactions open in the current async context, one per `Database` object.
 * Queries look here first, so code inside `database.transaction(fn)` joins it without a handle.
 */
export const transactionContext = new AsyncLocalStorage<ReadonlyMap<object, Knex.Transaction>>();

/** The transaction open for `owner` in this async context, if any. */
export function currentTransaction(owner: object): Knex.Transaction | undefined {
  return transactionContext.getStore()?.get(owner);
}

/** Transactions open in the process, across every database. */
let open = 0;

/** Notes a `transaction()` starting (see `transactionEnded`). */
export function transactionStarted(): void {
  open++;
}

/**
 * Notes a `transaction()` ending. When none is left open, the context store is disabled: on Node 20 an
 * AsyncLocalStorage that has ever been entered keeps a hook on every promise the process creates (about a
 * fifth of the cost of a primary-key read through the pool, measured), and no transaction's code is running
 * any more to need it. The next `transaction()` enables it again. A query left running past its transaction's
 * end (never awaited inside it) then runs on the pool instead of failing on the finished transaction.
 */
export function transactionEnded(): void {
  if (--open === 0) transactionContext.disable();
}
