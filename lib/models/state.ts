/** Symbols for keelson's per-instance bookkeeping, kept off the user's property namespace. */

/** Set once the instance has a row in the database (hydrated or inserted). */
export const PERSISTED = Symbol.for('keelson:persisted');
/** Cache of related instances / managers by relation name. */
export const RELATED = Symbol.for('keelson:related');
/** Results loaded by `prefetchRelated`, by relation name. */
export const PREFETCHED = Symbol.for('keelson:prefetched');
/** Marks a related instance made from a foreign key's value alone (`post.author` before `load()`): only its key is known. */
export const STUB = Symbol.for('keelson:stub');
/** Where the row lives when not on the model's own alias and schema (`using()` / `usingSchema()`). */
export const LOCATION = Symbol.for('keelson:location');

/** A database alias and schema. */
export interface Location {
  alias: string;
  schema?: string;
}

/** The location to record for a row of a model with `database` read or written at `alias`/`schema`; undefined at its default. */
export function locationAt(database: string, alias: string, schema: string | undefined): Location | undefined {
  return alias !== database || schema ? { alias, schema } : undefined;
}

/** The bookkeeping fields every model instance may carry. */
export interface InstanceState {
  [PERSISTED]?: boolean;
  [RELATED]?: Record<string, unknown>;
  [PREFETCHED]?: Record<string, unknown>;
  [LOCATION]?: Location;
  [STUB]?: boolean;
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

/** The value an instance holds under a property name (a column's attname, an annotation), for code that knows only the name. */
export const readAttribute = (instance: object, name: string): unknown => Reflect.get(instance, name);

/**
 * Sets a property of an instance by name, through its accessor when it has one (a relation's). A plain keyed
 * store rather than `Reflect.set`, which V8 runs about three times slower (measured with 1 to 5,000 model
 * classes): felt when bulkCreate builds 10,000 instances.
 */
export function writeAttribute(instance: object, name: string, value: unknown): void {
  (instance as Record<string, unknown>)[name] = value;
}
