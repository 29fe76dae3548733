import type { Dialect } from '../dialects';
import type { FieldMeta, ModelClass, ModelMeta } from '../metadata/types';
import { blankMaker, PERSISTED } from '../models/state';
import { metadataChanged } from './forget';

/** Turns one row (keyed by column) into a model instance. */
export type Hydrator<T> = (row: Record<string, unknown>) => T;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- hydrators of every model share the cache; hydratorFor<T> types each
const cache = new WeakMap<ModelMeta, Map<Dialect, Hydrator<any>>>();
/** Hydrators of rows as arrays, by model, dialect and column layout (see `arrayHydratorFor`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
const arrayCache = new WeakMap<ModelMeta, Map<Dialect, Map<string, Hydrator<any>>>>();

/** Conversion needed for a field's values on a dialect, or null when the driver value is already right. */
function converterFor(field: FieldMeta, dialect: Dialect): ((v: unknown) => unknown) | null {
  switch (field.type) {
    case 'string':
    case 'text':
    case 'uuid':
    case 'enum':
    case 'time':
    case 'array':
      return null;
    case 'smallint':
    case 'integer':
    case 'float':
      if (field.jsKind === 'number') return null;
  }
  return (v) => dialect.fromDb(field.type, field.jsKind, v);
}

/**
 * The hydrator of a model on a dialect, compiled once (see `compileHydrator`); instances are made by the model's
 * blank maker (`blankMaker`), so user constructors never run per row.
 */
export function hydratorFor<T>(meta: ModelMeta, dialect: Dialect): Hydrator<T> {
  let byDialect = cache.get(meta);
  if (!byDialect) cache.set(meta, (byDialect = new Map()));
  let hydrate = byDialect.get(dialect);
  if (!hydrate) {
    const fields = [...meta.fields.values()];
    hydrate = compileHydrator<T>(
      (meta.model as ModelClass).prototype,
      fields.map((f) => JSON.stringify(f.column)),
      fields,
      dialect,
    );
    byDialect.set(dialect, hydrate);
  }
  return hydrate;
}

/**
 * The hydrator of rows read as arrays (the driver's array row mode) whose columns are `fields`, in that order:
 * the driver then builds no object per row, and each value is read by its position.
 */
export function arrayHydratorFor<T>(meta: ModelMeta, dialect: Dialect, fields: readonly FieldMeta[]): (row: readonly unknown[]) => T {
  // A cached statement hands the same `fields` array every time: found by identity, without building its layout key.
  let byDialect = byColumnList.get(fields);
  const same = byDialect?.get(dialect);
  if (same !== undefined) return same as unknown as (row: readonly unknown[]) => T;
  const kept = layoutsOf(meta, dialect);
  const layout = `[${fields.map((f) => f.attname).join(',')}]`;
  let hydrate = kept.get(layout);
  if (!hydrate) {
    hydrate = compileHydrator<T>(
      (meta.model as ModelClass).prototype,
      fields.map((_, i) => String(i)),
      fields,
      dialect,
    );
    kept.set(layout, hydrate);
  }
  if (!byDialect) byColumnList.set(fields, (byDialect = new Map()));
  byDialect.set(dialect, hydrate);
  return hydrate as unknown as (row: readonly unknown[]) => T;
}

/** Array hydrators by the column list they were asked for (see `arrayHydratorFor`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the callers type each
const byColumnList = new WeakMap<readonly FieldMeta[], Map<Dialect, Hydrator<any>>>();

/** The array hydrators kept for a model on a dialect, by column layout. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the callers type each
function layoutsOf(meta: ModelMeta, dialect: Dialect): Map<string, Hydrator<any>> {
  let byDialect = arrayCache.get(meta);
  if (!byDialect) arrayCache.set(meta, (byDialect = new Map()));
  let byLayout = byDialect.get(dialect);
  if (!byLayout) byDialect.set(dialect, (byLayout = new Map()));
  return byLayout;
}

/**
 * A hydrator written out as code for one model's fields: a read and a write per field by its own name, in field
 * order. V8 then compiles each to a fixed offset and gives every instance one hidden class, where a loop over
 * (column, attname) pairs made each a generic keyed access, about half the cost of reading many rows. The row is
 * read at `keys` (JSON string literals of column names, or array positions), attribute names enter the code only
 * as JSON string literals; converters are passed in, never written out.
 */
function compileHydrator<T>(proto: object, keys: readonly string[], fields: readonly FieldMeta[], dialect: Dialect): Hydrator<T> {
  const converters = fields.map((f) => converterFor(f, dialect));
  const steps = fields.map((f, i) => {
    const read = `v = row[${keys[i]}];`;
    const write = `o[${JSON.stringify(f.attname)}] = ${converters[i] === null ? 'v' : `v === null ? null : c[${i}](v)`};`;
    return `${read} if (v !== undefined) ${write}`;
  });
  const body = `return function hydrate(row) { const o = new Blank(); let v; ${steps.join(' ')} o[persisted] = true; return o; };`;
  return new Function('Blank', 'c', 'persisted', body)(blankMaker(proto), converters, PERSISTED) as Hydrator<T>;
}

/** Forgets compiled hydrators of a model, and every resolved query path (after its fields change). */
export function forgetHydrators(meta: ModelMeta): void {
  // (`byColumnList` needs nothing: its column lists belong to statements of the old metadata, never found again.)
  cache.delete(meta);
  arrayCache.delete(meta);
  // The registry calls this whenever it rebuilds metadata: resolved paths hold fields and join columns too.
  metadataChanged();
}
