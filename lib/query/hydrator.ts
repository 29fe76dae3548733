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
 * The hydrator of a model on a dialect, compiled once: a fixed list of (column, attname, converter)
 * triples, and instances made with `Object.create` so user constructors never run per row.
 */
export function hydratorFor<T>(meta: ModelMeta, dialect: Dialect): Hydrator<T> {
  let byDialect = cache.get(meta);
  if (!byDialect) cache.set(meta, (byDialect = new Map()));
  let hydrate = byDialect.get(dialect);
  if (hydrate) return hydrate;
  const proto = (meta.model as ModelClass).prototype;
  const fields = [...meta.fields.values()].map((f) => ({ column: f.column, attname: f.attname, convert: converterFor(f, dialect) }));
  hydrate = (row) => {
    const instance = Object.create(proto);
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i];
      const value = row[f.column];
      if (value === undefined) continue;
      instance[f.attname] = f.convert === null || value === null ? value : f.convert(value);
    }
    instance[PERSISTED] = true;
    return instance;
  };
  byDialect.set(dialect, hydrate);
  return hydrate;
}

/** Forgets compiled hydrators of a model, and every resolved query path (after its fields change). */
export function forgetHydrators(meta: ModelMeta): void {
  cache.delete(meta);
  // The registry calls this whenever it rebuilds metadata: resolved paths hold fields and join columns too.
  metadataChanged();
}
