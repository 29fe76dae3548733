/** Symbols for keelson's per-instance bookkeeping, kept off the user's property namespace. */

/** Set once the instance has a row in the database (hydrated or inserted). */
export const PERSISTED = Symbol.for('keelson:persisted');
/** Cache of related instances / managers by relation name. */
export const RELATED = Symbol.for('keelson:related');
/** Results loaded by `prefetchRelated`, by relation name. */
export const PREFETCHED = Symbol.for('keelson:prefetched');
/** Where the row lives when not on the model's own alias and schema (`using()` / `usingSchema()`). */
export const LOCATION = Symbol.for('keelson:location');

/** A database alias and schema. */
export interface Location {
  alias: string;
  schema?: string;
}

/** The bookkeeping fields every model instance may carry. */
export interface InstanceState {
  [PERSISTED]?: boolean;
  [RELATED]?: Record<string, unknown>;
  [PREFETCHED]?: Record<string, unknown>;
  [LOCATION]?: Location;
}

/** The per-instance cache of related objects, created on first use. */
export function relatedCache(instance: object): Record<string, unknown> {
  const state = instance as InstanceState;
  return (state[RELATED] ??= Object.create(null) as Record<string, unknown>);
}

/** The per-instance store of prefetched results, created on first use. */
export function prefetchedCache(instance: object): Record<string, unknown> {
  const state = instance as InstanceState;
  return (state[PREFETCHED] ??= Object.create(null) as Record<string, unknown>);
}

/** Drops a prefetched result after a write made it stale. */
export function forgetPrefetched(instance: object, name: string): void {
  const store = (instance as InstanceState)[PREFETCHED];
  if (store) delete store[name];
}
