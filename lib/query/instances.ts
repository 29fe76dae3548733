import type { Dialect } from '../dialects';
import type { FieldMeta } from '../metadata/types';
import type { StatementRows } from '../dialects/dialect';
import type { SelectColumns } from './shapes/select-shape';
import type { BaseModel } from '../models/base-model';
import { InstanceState, LOCATION, locationAt } from '../models/state';
import type { SelectedRelation } from './compiler';
import { attachAnnotations } from './expressions/annotate';
import type { ComputedColumn } from './expressions/select';
import { arrayHydratorFor, hydratorFor } from './hydrator';
import { ambientSchema } from './executor';
import { attachSelected, relatedHydrators } from './select-related';
import type { QuerySetState } from './state';

/**
 * Instances of the queryset's model from result rows: hydrated, with the annotations and `selectRelated()` relations the
 * SELECT carried, and marked with the alias and schema they were read from when those are not the model's own.
 */
export function instancesFrom<T extends BaseModel>(
  rows: readonly Record<string, unknown>[],
  state: QuerySetState,
  dialect: Dialect,
  selected: readonly SelectedRelation[] = [],
  annotations: readonly ComputedColumn[] = [],
): T[] {
  const hydrate = hydratorFor<T>(state.meta, dialect);
  const out = new Array<T>(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = hydrate(rows[i]);
  attachAnnotations(out, rows, annotations);
  const location = locationOf(state);
  if (selected.length) {
    const readers = relatedHydrators([...selected], dialect, location);
    for (let i = 0; i < rows.length; i++) attachSelected(out[i], rows[i], readers);
  }
  if (location) for (const item of out) (item as InstanceState)[LOCATION] = location;
  return out;
}

/**
 * Instances of the queryset's model from rows read as arrays whose columns are `fields` in that order (a plain
 * SELECT of the model's columns: no annotations, no `selectRelated()`), marked as `instancesFrom` marks them.
 */
export function instancesFromArrays<T extends BaseModel>(
  rows: readonly (readonly unknown[])[],
  state: QuerySetState,
  dialect: Dialect,
  fields: readonly FieldMeta[],
): T[] {
  const hydrate = arrayHydratorFor<T>(state.meta, dialect, fields);
  const out = new Array<T>(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = hydrate(rows[i]);
  const location = locationOf(state);
  if (location) for (const item of out) (item as InstanceState)[LOCATION] = location;
  return out;
}

/**
 * Instances from the rows of a cached plain SELECT (see `selectCached`): read as arrays, or as objects (then handed
 * to `onRows` first) where the driver reads no arrays or arrays were not asked for.
 */
export function cachedInstances<T extends BaseModel>(
  rows: StatementRows,
  state: QuerySetState,
  dialect: Dialect,
  columns: SelectColumns,
  onRows: ((rows: readonly Record<string, unknown>[]) => void) | undefined,
): T[] {
  if (rows.length && Array.isArray(rows[0])) return instancesFromArrays<T>(rows as unknown[][], state, dialect, columns.fields);
  onRows?.(rows as Record<string, unknown>[]);
  return instancesFrom<T>(rows as Record<string, unknown>[], state, dialect, columns.selected);
}

/** Where the queryset's instances come from, when that is not their model's own database and schema. */
const locationOf = (state: QuerySetState) => locationAt(state.meta.database, state.alias, state.schema ?? ambientSchema(state.meta));
