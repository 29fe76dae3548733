import type { ModelClass } from '../metadata/types';
import type { BaseModel } from './base-model';
import { InstanceState, PREFETCHED, RELATED, STUB } from './state';

/** Names of the annotations a query put on an instance (`annotate()`), serialized after its fields. */
export const ANNOTATIONS = Symbol('keelson:annotations');

/**
 * Instances being serialized by the `toJSON()` calls now on the stack (one synchronous `JSON.stringify`):
 * an instance met again below itself (a prefetched child whose `author` is its parent) gives its key.
 */
let active: Set<object> | undefined;

/** A loaded related value as JSON: through its own `toJSON()` (overrides included), or its key inside a cycle. */
function nested(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value ?? null;
  const item = value as BaseModel;
  if (active!.has(item)) return jsonKey(item.pk);
  return typeof item.toJSON === 'function' ? item.toJSON() : item;
}

/** A key as JSON: bigints as strings, like every bigint field. */
const jsonKey = (value: unknown): unknown => (typeof value === 'bigint' ? value.toString() : value);

/**
 * `instance.toJSON()`: the field values (foreign keys under the field name, as their key), `secret` fields
 * left out. Relations that were loaded — `selectRelated`, `load()`, an assigned instance — are nested
 * objects (null when loaded as null); prefetched many-to-many and reverse relations are arrays (a reverse
 * one-to-one an object or null) under the relation's name.
 */
export function instanceToJSON(instance: BaseModel): Record<string, unknown> {
  const outermost = active === undefined;
  if (outermost) active = new Set();
  active!.add(instance);
  try {
    const meta = (instance.constructor as ModelClass).meta;
    const state = instance as InstanceState;
    const values = instance as unknown as Record<string, unknown>;
    const related = state[RELATED];
    const out: Record<string, unknown> = {};
    for (const f of meta.fields.values()) {
      if (f.secret) continue;
      const value = values[f.attname];
      if (value === undefined) continue;
      if (f.relation && related !== undefined && f.name in related) {
        const loaded = related[f.name] as BaseModel | null | undefined;
        if (loaded === null) {
          out[f.name] = null;
          continue;
        }
        // Only a related instance that still matches the key, and is more than that key.
        if (loaded !== undefined && !(loaded as InstanceState)[STUB] && loaded.pk === value) {
          out[f.name] = nested(loaded);
          continue;
        }
      }
      out[f.name] = jsonKey(value);
    }
    const annotations = (instance as unknown as { [ANNOTATIONS]?: readonly string[] })[ANNOTATIONS];
    if (annotations) for (const name of annotations) out[name] = jsonKey(values[name]);
    const prefetched = state[PREFETCHED];
    if (prefetched !== undefined) {
      for (const name of Object.keys(prefetched)) {
        const value = prefetched[name];
        out[name] = Array.isArray(value) ? value.map(nested) : nested(value);
      }
    }
    return out;
  } finally {
    active!.delete(instance);
    if (outermost) active = undefined;
  }
}
