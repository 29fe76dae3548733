import { AsyncLocalStorage } from 'node:async_hooks';
import type { Knex } from 'knex';

/**
 * What the current async context runs in: the transactions open, one per `Database` object, and the tenant
 * schema of each registry inside `registry.withSchema()`, keyed by the registry. Queries look here first, so
 * code inside `database.transaction(fn)` joins it without a handle, and code inside `withSchema` reaches the
 * tenant's tables.
 */
export const transactionContext = new AsyncLocalStorage<ReadonlyMap<object, unknown>>();

/** The transaction open for `owner` in this async context, if any. */
export function currentTransaction(owner: object): Knex.Transaction | undefined {
  const value = transactionContext.getStore()?.get(owner);
  // A Knex transaction is a function object; a schema (a string) belongs to a registry, never to a Database.
  return typeof value === 'string' ? undefined : (value as Knex.Transaction | undefined);
}

/** The tenant schema `registry.withSchema()` set for `registry` in this async context, if any. */
export function currentSchema(registry: object): string | undefined {
  const value = transactionContext.getStore()?.get(registry);
  return typeof value === 'string' ? value : undefined;
}

/** Runs `fn` with `owner` bound to `value` (a transaction, a schema) in its async context, inner bindings first. */
export async function runWith<T>(owner: object, value: Knex.Transaction | string, fn: () => Promise<T>): Promise<T> {
  const store = new Map(transactionContext.getStore() ?? []);
  store.set(owner, value);
  contextEntered();
  try {
    return await transactionContext.run(store, fn);
  } finally {
    contextLeft();
  }
}

/** Contexts (transactions, tenant schemas) open in the process. */
let open = 0;

/** Notes a transaction or a `withSchema` starting (see `contextLeft`). */
function contextEntered(): void {
  open++;
}

/**
 * Notes a transaction or a `withSchema` ending. When none is left open, the context store is disabled: on
 * Node 20 an AsyncLocalStorage that has ever been entered keeps a hook on every promise the process creates
 * (about a fifth of the cost of a primary-key read through the pool, measured), and no code that needs it is
 * running any more. The next one enables it again. A query left running past its transaction's end (never
 * awaited inside it) then runs on the pool instead of failing on the finished transaction.
 */
function contextLeft(): void {
  if (--open === 0) transactionContext.disable();
}
