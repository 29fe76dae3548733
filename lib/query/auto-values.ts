import { randomUUID } from 'node:crypto';
import { isoDate } from '../dialects/common';
import type { FieldMeta, ModelMeta } from '../metadata/types';
import type { BaseModel } from '../models/base-model';
import { readAttribute, writeAttribute } from '../models/state';

/*
 * Values keelson fills itself on writes: `autoNowAdd` / `autoNow` dates and datetimes, and a random uuid for
 * a uuid primary key. A value the caller gave is kept wherever keelson can tell it was given: on insert (a
 * value on the new instance) and in `update(values)` (a key of `values`). `save()` of a loaded instance always
 * refreshes `autoNow` (its value is the one that was read), and `bulkUpdate` refreshes it when it is named.
 */

/** "Now" as a field holds it: a Date for a datetime; for a date, today's UTC date (keelson's dates are UTC days). */
function nowFor(field: FieldMeta, now: Date): unknown {
  if (field.type !== 'date') return new Date(now.getTime());
  const day = isoDate(now);
  return field.jsKind === 'date' ? new Date(`${day}T00:00:00Z`) : day;
}

/** A uuid key keelson numbers itself: not a foreign key's, and not one the database fills (a server default). */
const numbersUuid = (f: FieldMeta): boolean =>
  f.primaryKey && f.type === 'uuid' && f.relation === undefined && f.serverDefault !== true && f.generated === undefined;

/** Before an insert: `autoNowAdd` and `autoNow` fields and uuid keys without a value (undefined or null) get one. */
export function fillInsertValues(instance: BaseModel, meta: ModelMeta): void {
  let now: Date | undefined;
  for (const f of meta.fields.values()) {
    if (f.autoNow === undefined && !numbersUuid(f)) continue;
    const given = readAttribute(instance, f.attname);
    if (given !== undefined && given !== null) continue;
    // One "now" per row, so a new row's creation and modification times are equal.
    writeAttribute(instance, f.attname, f.autoNow === undefined ? randomUUID() : nowFor(f, (now ??= new Date())));
  }
}

/** Before `save()` of a saved instance: every `autoNow` field is set to now. */
export function touchOnSave(instance: BaseModel, meta: ModelMeta): void {
  let now: Date | undefined;
  for (const f of meta.fields.values()) if (f.autoNow === 'always') writeAttribute(instance, f.attname, nowFor(f, (now ??= new Date())));
}

/**
 * `values` of an `update()` with now for each `autoNow` field they do not name (by name or column attribute):
 * a new object when one is added, `values` itself otherwise. Values naming no field write nothing, so they
 * get nothing added.
 */
export function withAutoNow(meta: ModelMeta, values: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  let now: Date | undefined;
  for (const f of meta.fields.values()) {
    if (f.autoNow !== 'always' || values[f.name] !== undefined || values[f.attname] !== undefined) continue;
    // An update that sets nothing leaves them alone too (checked only for a model that has such fields).
    if (!out && !Object.values(values).some((v) => v !== undefined)) return values;
    out ??= { ...values };
    out[f.name] = nowFor(f, (now ??= new Date()));
  }
  return out ?? values;
}

/** Before `bulkUpdate(instances, fields)`: the `autoNow` fields among `fields` are set to now on every instance. */
export function touchNamed(instances: readonly BaseModel[], fields: readonly FieldMeta[]): void {
  const now = new Date();
  for (const f of fields) {
    if (f.autoNow !== 'always') continue;
    for (const instance of instances) writeAttribute(instance, f.attname, nowFor(f, now));
  }
}
