import type { Dialect } from '../dialects';
import type { FieldMeta } from '../metadata/types';
import type { StatementRows } from '../dialects/dialect';
import type { BaseModel } from '../models/base-model';
import { InstanceState, LOCATION, locationAt } from '../models/state';
import type { SelectedRelation } from './compiler';
import { attachAnnotations } from './expressions/annotate';
import type { ComputedColumn } from './expressions/select';
import { arrayHydratorFor, hydratorFor } from './hydrator';
import { ambientSchema } from './executor';
import { attachSelected, relatedHydrators } from './select-related';
import type { QuerySetState } from './state';

/** The columns a SELECT read: the model's fields in order, then the relations it joined and the values it computed. */
export interface RowColumns {
  fields: readonly FieldMeta[];
  selected: readonly SelectedRelation[];
  annotations?: readonly ComputedColumn[];
}

/**
 * Instances of the queryset's model from a SELECT's rows, as objects keyed by column or (a plain SELECT of the
 * model's columns, where the driver reads them so) as arrays in `columns.fields` order.
 */
export function instancesOf<T extends BaseModel>(rows: StatementRows, state: QuerySetState, dialect: Dialect, columns: RowColumns): T[] {
  if (rows.length === 0 || !Array.isArray(rows[0]))
    return instancesFrom<T>(rows as Record<string, unknown>[], state, dialect, columns.selected, columns.annotations);
  const out = hydrateEach(rows as unknown[][], arrayHydratorFor<T>(state.meta, dialect, columns.fields));
  markLocation(out, locationOf(state));
  return out;
}

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
  const out = hydrateEach(rows, hydratorFor<T>(state.meta, dialect));
  attachAnnotations(out, rows, annotations);
  const location = locationOf(state);
  if (selected.length) {
    const readers = relatedHydrators([...selected], dialect, location);
    for (let i = 0; i < rows.length; i++) attachSelected(out[i], rows[i], readers);
  }
  markLocation(out, location);
  return out;
}

function hydrateEach<R, T>(rows: readonly R[], hydrate: (row: R) => T): T[] {
  const out = new Array<T>(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = hydrate(rows[i]);
  return out;
}

/** Marks instances read from somewhere other than their model's own database and schema. */
function markLocation(out: readonly BaseModel[], location: ReturnType<typeof locationAt>): void {
  if (location) for (const item of out) (item as InstanceState)[LOCATION] = location;
}

/** Where the queryset's instances come from, when that is not their model's own database and schema. */
const locationOf = (state: QuerySetState) => locationAt(state.meta.database, state.alias, state.schema ?? ambientSchema(state.meta));
