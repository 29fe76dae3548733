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
