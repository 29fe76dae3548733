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

/** Makes a model instance without running its constructor (see `blankMaker`). */
export type BlankMaker = new () => object;

const blankMakers = new WeakMap<object, BlankMaker>();

/**
 * The maker of bare instances of the model whose prototype is `proto`: an empty function with that prototype,
 * one per model, so `new` on it gives an instance whose class is the model's and no user constructor runs. Where
 * `Object.create(proto)` gave every instance room for four properties and a separate store for the rest (a
 * model's fields plus keelson's marker are usually more), V8 sizes a constructor's instances to what they end
 * up holding: a row's instance is one allocation, made in about two thirds of the time (10,000 rows of five
 * properties: 0.12 ms against 0.19 ms). Shared by every place that makes instances of the model, so they all
 * get the same hidden classes.
 */
export function blankMaker(proto: object): BlankMaker {
  let maker = blankMakers.get(proto);
  if (!maker) {
    maker = function () {} as unknown as BlankMaker;
    maker.prototype = proto;
    blankMakers.set(proto, maker);
  }
  return maker;
}

/** A bare instance of the model whose prototype is `proto` (its constructor does not run). */
export function blankInstance<T extends object>(proto: object): T {
  return new (blankMaker(proto))() as T;
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
