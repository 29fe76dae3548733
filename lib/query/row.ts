import type { Dialect } from '../dialects';
import type { FieldMeta, ModelMeta } from '../metadata/types';
import type { BaseModel } from '../models/base-model';
import { InstanceState, RELATED } from '../models/state';
import { noteSecret } from '../database/secret-bindings';
import { fillInsertValues } from './auto-values';

/** A field's default for a new row: functions are called, objects copied so rows never share them. */
function defaultValue(field: FieldMeta): unknown {
  const d = field.default;
  if (typeof d === 'function') return (d as () => unknown)();
  if (d !== null && typeof d === 'object' && !(d instanceof Date)) return structuredClone(d);
  return d;
}

/**
 * Prepares a new instance for insertion: a related instance assigned before it was saved gives its key,
 * defaults fill missing values, missing nullable values become null, then keelson sets its own (`autoNow`
 * dates, a uuid key) where there is still no value.
 */
export function applyDefaults(instance: BaseModel, meta: ModelMeta): void {
  const target = instance as unknown as Record<string, unknown>;
  for (const f of meta.fields.values()) {
    if (target[f.attname] !== undefined) continue;
    if (f.relation) {
      const related = (instance as InstanceState)[RELATED]?.[f.name] as BaseModel | undefined;
      if (related && related.pk !== undefined) {
        target[f.attname] = related.pk;
        continue;
      }
    }
    if (f.default !== undefined) target[f.attname] = defaultValue(f);
    else if (f.nullable) target[f.attname] = null;
  }
  fillInsertValues(instance, meta);
}

/** The row of an instance keyed by column, values converted for the dialect; `undefined` values and generated columns are left out. */
export function rowOf(instance: BaseModel, fields: Iterable<FieldMeta>, dialect: Dialect): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  const target = instance as unknown as Record<string, unknown>;
  for (const f of fields) {
    const value = target[f.attname];
    // A generated column is the database's to compute: it is never written.
    if (value !== undefined && f.generated === undefined) row[f.column] = dialect.toDb(f.type, value);
    if (f.secret) noteSecret(row[f.column]);
  }
  return row;
}
