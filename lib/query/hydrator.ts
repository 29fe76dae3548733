import type { Dialect } from '../dialects';
import type { FieldMeta, ModelClass, ModelMeta } from '../metadata/types';
import { PERSISTED } from '../models/state';
import { metadataChanged } from './forget';

/** Turns one row (keyed by column) into a model instance. */
export type Hydrator<T> = (row: Record<string, unknown>) => T;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- hydrators of every model share the cache; hydratorFor<T> types each
const cache = new WeakMap<ModelMeta, Map<Dialect, Hydrator<any>>>();

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
 * The hydrator of a model on a dialect, compiled once (see `compileHydrator`); instances are made with
 * `Object.create`, so user constructors never run per row.
 */
export function hydratorFor<T>(meta: ModelMeta, dialect: Dialect): Hydrator<T> {
  let byDialect = cache.get(meta);
  if (!byDialect) cache.set(meta, (byDialect = new Map()));
  let hydrate = byDialect.get(dialect);
  if (hydrate) return hydrate;
  const fields = [...meta.fields.values()];
  hydrate = compileHydrator<T>(
    (meta.model as ModelClass).prototype,
    fields,
    fields.map((f) => converterFor(f, dialect)),
  );
  byDialect.set(dialect, hydrate);
  return hydrate;
}

/**
 * A hydrator written out as code for one model's fields: a read and a write per field by its own name, in field
 * order. V8 then compiles each to a fixed offset and gives every instance one hidden class, where a loop over
 * (column, attname) pairs made each a generic keyed access, about half the cost of reading many rows. Column and
 * attribute names enter the code only as JSON string literals; converters are passed in, never written out.
 */
function compileHydrator<T>(proto: object, fields: readonly FieldMeta[], converters: readonly (((v: unknown) => unknown) | null)[]): Hydrator<T> {
  const steps = fields.map((f, i) => {
    const read = `v = row[${JSON.stringify(f.column)}];`;
    const write = `o[${JSON.stringify(f.attname)}] = ${converters[i] === null ? 'v' : `v === null ? null : c[${i}](v)`};`;
    return `${read} if (v !== undefined) ${write}`;
  });
  const body = `return function hydrate(row) { const o = Object.create(proto); let v; ${steps.join(' ')} o[persisted] = true; return o; };`;
  return new Function('proto', 'c', 'persisted', body)(proto, converters, PERSISTED) as Hydrator<T>;
}

/** Forgets compiled hydrators of a model, and every resolved query path (after its fields change). */
export function forgetHydrators(meta: ModelMeta): void {
  cache.delete(meta);
  // The registry calls this whenever it rebuilds metadata: resolved paths hold fields and join columns too.
  metadataChanged();
}
