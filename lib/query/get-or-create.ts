import { DatabaseError } from '../errors';
import type { BaseModel } from '../models/base-model';
import { databaseOf, writing } from './executor';
import { stateAlias } from './routing';
import { describeLookups, exactValues } from './lookup-text';
import type { Lookups } from './q';
import type { CreateValues, QuerySet } from './queryset';

/*
 * getOrCreate / updateOrCreate under concurrency, as Django does it: read, insert, and when a concurrent
 * call inserted the same unique key in between, read the winner's row again. The insert runs in a savepoint
 * inside a transaction (a failed statement aborts a PostgreSQL transaction), and the re-read is a locking
 * read (MySQL's REPEATABLE READ snapshot would not show the winner's row otherwise).
 */

/** `create()`, in a savepoint when a transaction is open: a failed insert must not abort the caller's transaction. */
function createGuarded<T extends BaseModel>(qs: QuerySet<T>, lookups: Lookups<T>, defaults: Record<string, unknown>): Promise<T> {
  const db = databaseOf(qs.state.meta, qs.state.alias);
  const create = () => qs.create({ ...exactValues(lookups as Lookups), ...defaults } as CreateValues<T>);
  return db.inTransaction ? db.transaction(create) : create();
}

/**
 * After an insert failed: the row a concurrent call committed with the same key, read with a lock so it is
 * seen past this transaction's snapshot; null when there is none (the failure was something else).
 */
async function winnerOf<T extends BaseModel>(qs: QuerySet<T>, error: unknown, lookups: Lookups<T>, lock: 'share' | 'update'): Promise<T | null> {
  if (!(error instanceof DatabaseError)) return null;
  return qs.locked(lock).getOrNone(lookups);
}

/** `[instance, false]` for the row matching `lookups`, else `[created, true]`; see `QuerySet.getOrCreate`. */
export async function getOrCreate<T extends BaseModel>(qs: QuerySet<T>, lookups: Lookups<T>, defaults: Record<string, unknown>): Promise<[T, boolean]> {
  // Read where the row is written, from the primary: a replica may not have the row a racing call just created.
  qs = qs.using(stateAlias(qs.state, 'write')).usingPrimary();
  writing(qs.state.meta, qs.state.alias);
  const found = await qs.getOrNone(lookups);
  if (found) return [found, false];
  try {
    return [await createGuarded(qs, lookups, defaults), true];
  } catch (error) {
    const raced = await winnerOf(qs, error, lookups, 'share');
    if (raced) return [raced, false];
    throw error;
  }
}

/** Updates the row matching `lookups` or creates it, in one transaction; see `QuerySet.updateOrCreate`. */
export async function updateOrCreate<T extends BaseModel>(qs: QuerySet<T>, lookups: Lookups<T>, defaults: Record<string, unknown>): Promise<[T, boolean]> {
  qs = qs.using(stateAlias(qs.state, 'write'));
  const { meta, alias, schema } = qs.state;
  const db = writing(meta, alias);
  const update = async (row: T): Promise<[T, boolean]> => {
    if (Object.keys(defaults).length) await row.update(defaults);
    return [row, false];
  };
  const attempt = async (): Promise<[T, boolean]> => {
    // A plain read first: a locking read of a missing row would take MySQL gap locks that deadlock racing inserts.
    const found = await qs.getOrNone(lookups);
    if (found) return update(found);
    try {
      return [await createGuarded(qs, lookups, defaults), true];
    } catch (error) {
      // FOR UPDATE, as the row is written next: two shared locks waiting to upgrade would deadlock.
      const raced = await winnerOf(qs, error, lookups, 'update');
      if (raced) return update(raced);
      throw error;
    }
  };
  const key = `${schema ?? ''}.${meta.tablename}:${describeLookups(lookups as Lookups)}`;
  return db.transaction((trx) => (db.driver.serializeOn ? db.driver.serializeOn(trx, key, attempt) : attempt()));
}
